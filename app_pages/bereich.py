"""My area: a department head's KPIs and measures, what needs attention, which updates are overdue."""

import streamlit as st

from kpi import i18n, views
from kpi.i18n import fmt_date, fmt_number, fmt_percent
from kpi.web import ui

ctx = ui.context()
snap = ui.require_snapshot(ctx)
catalog = snap.catalog
units = {u.id: u.name for u in catalog.units}
own = getattr(ctx.user, "unit", None)
wanted = st.query_params.get("einheit") or own
unit_id = st.selectbox(
    ctx.t("br.unit"),
    list(units),
    format_func=units.get,
    index=list(units).index(wanted) if wanted in units else 0,
    key="unit",
)
st.query_params["einheit"] = unit_id
ui.content_title(ctx, next(u for u in catalog.units if u.id == unit_id), "name")
frame = views.status_frame(snap)
mine = frame[frame["responsible"] == unit_id]
measures = snap.measures[snap.measures["responsible"] == unit_id] if len(snap.measures) else snap.measures
behind = views.biggest_deviations(mine, limit=len(mine))
stale = views.overdue(mine)
late = measures[measures["late"]] if len(measures) else measures
st.markdown(
    " · ".join(
        i18n.t_count(key, n, ctx.lang)
        for key, n in (
            ("br.sum.kpis", len(mine)),
            ("br.sum.behind", len(behind)),
            ("br.sum.stale", len(stale)),
            ("br.sum.late", len(late)),
        )
    )
)

st.subheader(ctx.t("br.attention"))
if behind.empty and stale.empty and late.empty:
    st.success(ctx.t("br.nothing"))
ui.link_list(
    ctx,
    "behind",
    behind,
    lambda row: ui.LinkItem(
        "app_pages/kennzahlen.py",
        {"kpi": row.kpi_id},
        f"**{row.kpi_id}** {row.name}",
        f"{i18n.status_badge(row.status, ctx.lang)} · "
        + (
            ctx.t("br.behind", p=fmt_percent(row.progress, ctx.lang))
            if not row.progress < 0
            else i18n.fmt_progress(row.progress, row.direction, ctx.lang)
        ),
    ),
)
ui.link_list(
    ctx,
    "stale",
    stale,
    lambda row: ui.LinkItem(
        "app_pages/kennzahlen.py",
        {"kpi": row.kpi_id},
        f"**{row.kpi_id}** {row.name}",
        f"{i18n.stale_badge(ctx.lang)} · " + ctx.t("br.overdue", day=fmt_date(row.next_due, ctx.lang)),
    ),
)
ui.link_list(
    ctx,
    "late",
    late,
    lambda row: ui.LinkItem(
        "app_pages/massnahmen.py",
        {"massnahme": row.id},
        f"⚠ **{row.id}** {row.title}",
        f"{i18n.measure_state_label(row.state, ctx.lang)} · "
        + ctx.t("br.late", day=fmt_date(row.planned_end, ctx.lang)),
    ),
)

st.subheader(ctx.t("br.kpis", n=len(mine)))
if mine.empty:
    st.caption(ctx.t("br.no_kpis"))
else:
    # Widths for a 1280 px screen (about 790 px of table; headers such as "Fortschritt" whole), wider screens share
    # the rest out. Long names wrap.
    # Real HTML tables (every row for a screen reader, issue 15); the status is icon and word, its tint an extra.
    table = views.kpi_table(mine, ctx.lang)
    status, kpi, actual, planned, progress, target, forecast = table.columns
    ui.text_table(
        table,
        {status: 110, kpi: 190, actual: 100, planned: 80, progress: 105, target: 95, forecast: 100},
        right=(actual, planned, progress, target, forecast),
        caption=ctx.t("br.kpis.caption", unit=units[unit_id]),
        tints={status: [i18n.tint(i18n.status_color(s)) for s in mine["status"]]},
    )
st.subheader(ctx.t("br.measures", n=len(measures)))
if measures.empty:
    st.caption(ctx.t("br.no_measures"))
else:
    # The unit is the page's own: no column for it, its width goes to the measure's title.
    table = views.measure_table(measures, catalog, ctx.lang)
    measure, state, progress, field, _unit, duration = table.columns
    table[progress] = [f"{fmt_number(p, ctx.lang, 0)} %" for p in table[progress]]
    ui.text_table(
        table[[measure, state, progress, field, duration]],
        {measure: 255, state: 125, progress: 105, field: 190, duration: 100},
        right=(progress,),
        caption=ctx.t("br.measures.caption", unit=units[unit_id]),
    )
