"""KPI detail: actual vs target path with tolerance bands and forecast, definition, revisions, comments."""

import pandas as pd
import streamlit as st

from kpi import charts, i18n, views
from kpi.content import LocalText, localized
from kpi.i18n import fmt_date, fmt_datetime, fmt_percent, fmt_period, fmt_value
from kpi.text import md_escape, md_local
from kpi.web import a11y, ui


def literal(text: object) -> str:
    """Catalog text as literal Markdown (kpi.text.md_escape): no emphasis, links, math or HTML."""
    out = md_escape(" ".join(str(text).split()))  # md_escape drops a no-break space: put it in afterwards
    return out.replace(" %", "\u00a0%").replace(" \\%", "\u00a0\\%")  # "80 %" stays on one line


VALUE_ROWS = 24  # rows of values and revisions before "… und N weitere"


FIELD_KEY, KPI_KEY, LINKED_KPI = "w:kd-field", "w:kd-kpi", "kd:linked"


def choose_kpi(ctx: ui.Context, snap) -> str:
    """Action field, then KPI: two short lists side by side instead of one with every KPI of the strategy (a
    select box of 2,000 entries costs a page switch a tenth of a second, and nobody scrolls through it). The
    deep link ?kpi= picks both; an unknown id is named and the first KPI is shown."""
    by_field: dict[str, list] = {}
    for k in snap.kpis:
        by_field.setdefault(k.action_field_id, []).append(k)
    fields = {f.id: f.name for f in snap.catalog.action_fields if f.id in by_field}
    fields.update({fid: fid for fid in by_field if fid not in fields})  # a KPI outside the catalog's fields
    wanted = st.query_params.get("kpi", "")
    kpi = next((k for k in snap.kpis if k.id == wanted.upper()), None)
    if wanted and kpi is None:
        st.warning(ctx.t("kd.unknown", id=md_escape(wanted[:80])))
    ids = list(fields)
    if kpi is not None and (st.session_state.get(LINKED_KPI) != kpi.id or KPI_KEY not in st.session_state):
        # A link, F5 or the first run names a KPI: it sets both lists. Afterwards the lists are the user's: the
        # URL then only follows them (the widgets keep their keys, so no click is lost when the URL changes).
        st.session_state[FIELD_KEY], st.session_state[KPI_KEY] = kpi.action_field_id, kpi.id
    if st.session_state.get(FIELD_KEY) not in fields:
        st.session_state[FIELD_KEY] = ids[0]
    left, right = st.columns([2, 3])
    field = left.selectbox(
        ctx.t("kd.field"),
        ids,
        format_func=fields.get,
        key=FIELD_KEY,
        on_change=lambda: st.session_state.update({KPI_KEY: by_field[st.session_state[FIELD_KEY]][0].id}),
    )
    names = {k.id: f"{k.id} · {k.name}" for k in by_field[field]}
    if st.session_state.get(KPI_KEY) not in names:
        st.session_state[KPI_KEY] = next(iter(names))
    chosen = right.selectbox(ctx.t("kd.choose"), list(names), format_func=names.get, key=KPI_KEY)
    st.session_state[LINKED_KPI] = chosen
    return chosen


def facts_markdown(facts: dict[str, object], lang: str = "de") -> str:
    """Label and value per line, the value wrapping under it where it is long (a table cell would cut it off); a
    catalog text (LocalText) in German in the English UI is marked lang="de" (show with unsafe_allow_html)."""
    return "  \n".join(f"**{label}:** {_value_md(value, lang)}" for label, value in facts.items())


def _value_md(value: object, lang: str) -> str:
    if isinstance(value, LocalText):
        return md_local(LocalText(" ".join(value.text.split()), value.lang), lang)
    return literal(value)


ctx = ui.context()
snap = ui.require_snapshot(ctx)
if not snap.kpis:
    st.info(ctx.t("tf.none") if "tf.none" in i18n.TEXTS else "–")
    st.stop()
kpi_id = choose_kpi(ctx, snap)
st.query_params["kpi"] = kpi_id
detail = ui.current_kpi_detail(ctx, kpi_id)
kpi, status = detail.kpi, detail.status
unit, lang = kpi.unit, ctx.lang

ui.content_title(ctx, kpi, "name", prefix=f"{kpi.id} · ")
label = i18n.status_badge(status.status.value, lang)
if status.stale and status.latest_value is not None:  # without data, the notice below names the due date
    label += f" · {i18n.stale_badge(lang)}"
st.markdown(f"### {label}", unsafe_allow_html=True)
st.caption(f"{detail.theme} › {detail.action_field} › {detail.goal}")
if status.status.value == "no_data":
    st.info(ctx.t("kd.no_data", day=fmt_date(status.next_due, lang)))
elif status.stale:
    st.warning(ctx.t("kd.stale", day=fmt_date(status.next_due, lang)), icon=":material/schedule:")

# The key figures stand above the chart, but are sent after it: the chart, the heaviest element to draw,
# starts drawing in the browser while the figures follow (a page switch shows its chart sooner).
figures_area = st.container()
comment_map = views.comments_by_period(detail.notes)
figure = ui.chart(
    ctx,
    ("kpi", kpi_id),
    lambda: charts.kpi_figure(kpi, detail.series, status, lang, comments=comment_map, today=snap.today),
)
st.plotly_chart(
    figure,
    config={"displayModeBar": False, "locale": lang},
    key="kpi-chart",
    alt=a11y.chart_alt(lang, "kpi", kpi=f"{kpi.id} {kpi.name}"),
)
target = kpi.final_target
fc = status.forecast
with figures_area:
    first, second = st.columns(3), st.columns(3)
    quality = detail.series["quality"].iloc[-1] if "quality" in detail.series and len(detail.series) else None
    mark = f", {views.quality_label(quality, lang)}" if quality in ("provisional", "estimated") else ""
    first[0].metric(
        ctx.t("kd.latest") + f" ({fmt_period(status.latest_period, kpi.frequency.value, lang)}{mark})",
        fmt_value(status.latest_value, unit, lang),
    )
    first[1].metric(ctx.t("kd.plan"), fmt_value(status.planned_value, unit, lang))
    first[2].metric(ctx.t("kd.progress"), i18n.fmt_progress(status.progress, kpi.direction.value, lang, of_plan=False))
    second[0].metric(ctx.t("kd.target", year=target.period.year), fmt_value(target.value, unit, lang))
    if status.forecast_note == "deadline_passed":
        second[1].metric(ctx.t("kd.outcome", year=target.period.year), i18n.status_label(status.status.value, lang))
    else:
        second[1].metric(
            ctx.t("kd.forecast", year=target.period.year), fmt_value(fc.value_at_target if fc else None, unit, lang)
        )
    second[2].metric(ctx.t("kd.reach.short"), fmt_date(fc.reach_date, lang) if fc and fc.reach_date else "–")
if status.forecast_note == "deadline_passed":
    st.caption(
        ctx.t(
            "kd.outcome.text",
            day=fmt_date(target.period, lang),
            word=i18n.status_label(status.status.value, lang, icon=False),
            value=fmt_value(status.latest_value, unit, lang),
        )
    )
elif fc is None:
    st.caption(ctx.t("kd.reach.none", n=views.MIN_FORECAST_POINTS))
elif fc.reach_date:
    st.caption(ctx.t("kd.reach", day=fmt_date(fc.reach_date, lang)))
else:
    st.caption(ctx.t("kd.reach.never"))
if fc is not None and fc.bounded:
    st.caption(
        ctx.t(
            "kd.bounded",
            low=fmt_value(kpi.range_min, unit, lang) if kpi.range_min is not None else "–∞",
            high=fmt_value(kpi.range_max, unit, lang) if kpi.range_max is not None else "∞",
        )
    )

# The definition as text that wraps, the tables below it over the full width: side by side they would not fit
# a 1280 px screen.
st.subheader(ctx.t("kd.definition"))
st.markdown(facts_markdown({"Definition": localized(kpi, "definition", lang)}, lang), unsafe_allow_html=True)
facts, more = st.columns(2)
facts.markdown(
    facts_markdown(
        {
            ctx.t("col.unit"): localized(kpi, "unit", lang),
            ctx.t("col.direction"): i18n.DIRECTIONS[kpi.direction.value][lang],
            ctx.t("col.frequency"): i18n.FREQUENCIES[kpi.frequency.value][lang],
            ctx.t("col.baseline"): f"{fmt_value(kpi.baseline_value, unit, lang)} "
            f"({fmt_period(kpi.baseline_period, kpi.frequency.value, lang)})",
            ctx.t("col.milestones"): ", ".join(
                f"{fmt_period(t.period, kpi.frequency.value, lang)}: {fmt_value(t.value, unit, lang)}"
                for t in kpi.targets
            ),
        },
        lang,
    ),
    unsafe_allow_html=True,
)
more.markdown(
    facts_markdown(
        {
            ctx.t("col.owner"): detail.unit_name,
            ctx.t("col.data_source"): localized(kpi, "source", lang),
            ctx.t("col.thresholds"): ctx.t(
                "kd.thresholds",
                ok=fmt_percent(kpi.thresholds.on_track, lang),
                risk=fmt_percent(kpi.thresholds.at_risk, lang),
            ),
        },
        lang,
    ),
    unsafe_allow_html=True,
)
if kpi.real_data:
    st.caption("✔ " + ctx.t("kd.real"))
if kpi.history:
    st.markdown(
        facts_markdown(
            {
                ctx.t("kd.target_revisions"): "; ".join(
                    f"{ctx.t('kd.valid_from', day=fmt_date(v.valid_from, lang))} ({v.decision or '–'}): "
                    + ", ".join(
                        f"{fmt_period(t.period, kpi.frequency.value, lang)}: {fmt_value(t.value, unit, lang)}"
                        for t in v.kpi.targets
                    )
                    for v in reversed(kpi.history)
                )
            }
        )
    )

st.subheader(ctx.t("kd.values"))
revisions = detail.revisions
if revisions.empty:
    st.info(ctx.t("kd.no_data", day=fmt_date(status.next_due, lang)))
else:
    period, value, quality, comment, recorded, by, source = (
        ctx.t(f"col.{name}") for name in ("period", "value", "quality", "comment", "recorded", "by", "source")
    )
    # The newest two years of a monthly KPI, the rest behind a switch: twenty years are 240 rows and more,
    # which nobody reads on the page (the chart shows them) and which cost the page switch time to format,
    # sanitise and lay out.
    shown = ui.capped("values", revisions, VALUE_ROWS)
    table = pd.DataFrame(
        {
            period: [fmt_period(p, kpi.frequency.value, lang) for p in shown["period"]],
            value: [fmt_value(v, unit, lang) if pd.notna(v) else ctx.t("kd.retracted") for v in shown["value"]],
            quality: [
                views.quality_label(q, lang) if pd.notna(v) else ""
                for q, v in zip(shown["quality"] if "quality" in shown else [None] * len(shown), shown["value"])
            ],
            comment: shown["comment"].fillna(""),
            recorded: [fmt_datetime(t.to_pydatetime(), lang) for t in shown["recorded_at"]],
            by: shown["recorded_by"].fillna(""),
            # The value's own source (e.g. the Breitbandatlas), not the name of the upload that brought it.
            source: [views.value_source(src, kpi) for src in shown["source"]],
        }
    )
    # Shares of the width as at 1280 px (about 790 px of table): the comment gets the most. Plain HTML, not a
    # data grid: the page switch then waits for no grid script and canvas, and long comments wrap.
    ui.text_table(
        table, {period: 90, value: 80, quality: 95, comment: 175, recorded: 120, by: 60, source: 160}, right=(value,)
    )
    ui.show_all_switch(ctx, "values", len(revisions), VALUE_ROWS)

st.subheader(ctx.t("kd.comments"))
# The comments that came with the values and the discussion comments, together, newest period first.
notes = detail.notes
if notes is None or notes.empty:
    st.caption(ctx.t("kd.no_comments"))
else:
    period, text, kind, by, on = (ctx.t(f"col.{name}") for name in ("period", "comment", "kind", "by", "on"))
    ui.text_table(
        pd.DataFrame(
            {
                period: [fmt_period(p, kpi.frequency.value, lang) for p in notes["period"]],
                text: notes["text"],
                kind: [ctx.t(f"kd.note.{k}") for k in notes["kind"]],
                by: notes["author"].fillna(""),
                on: [
                    fmt_datetime(pd.Timestamp(t).to_pydatetime(), lang) if pd.notna(t) else ""
                    for t in notes["recorded_at"]
                ],
            }
        ),
        {period: 90, text: 370, kind: 105, by: 110, on: 125},
        most=8,
    )
try:
    from kpi.web import auth_ui
except ImportError:
    auth_ui = None
if auth_ui is not None and hasattr(auth_ui, "comment_form"):
    auth_ui.comment_form(ctx, detail, ui.get_store())

st.subheader(ctx.t("kd.measures"))
if detail.measures.empty:
    st.caption(ctx.t("kd.no_measures"))
else:
    # One linked entry per measure (usually one to three): a table here would cost the page switch a
    # data grid to draw, and the link leads to the measure's history on /massnahmen.
    units = {u.id: u.name for u in snap.catalog.units}
    ui.link_list(
        ctx,
        "measures",
        detail.measures,
        lambda m: ui.LinkItem(
            "app_pages/massnahmen.py",
            {"massnahme": m.id},
            f"{'⚠ ' if m.late else ''}**{m.id}** {m.title}",
            " · ".join(
                [
                    i18n.measure_state_label(m.state, lang) + (ctx.t("kd.late") if m.late else ""),
                    fmt_percent(m.progress / 100, lang),
                    units.get(m.responsible, m.responsible),
                    f"{fmt_date(m.start, lang)} – {fmt_date(m.planned_end, lang)}",
                ]
            ),
        ),
        limit=20,
    )
