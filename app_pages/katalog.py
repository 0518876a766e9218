"""Strategy catalog (admin only): the hierarchy; edit a KPI's targets, baseline, thresholds and texts; add a KPI,
goal or action field; retire a KPI. Every change needs a decision reference and a valid-from date, shows the
status changes it causes before it is saved, and is stored as a catalog revision (kpi.revisions)."""

from datetime import date

import pandas as pd
import streamlit as st

from kpi import audit, auth
from kpi.catalog import CatalogError
from kpi.catalog_edit import (
    parse_targets,
    with_kpi_changes,
    with_new_action_field,
    with_new_goal,
    with_new_kpi,
    without_kpi,
)
from kpi.catalog_io import kpi_to_dict
from kpi.content import localized
from kpi.i18n import DATE_INPUT_FORMATS, DIRECTIONS, FREQUENCIES, TEXTS, fmt_date, fmt_datetime
from kpi.model import Direction, Frequency
from kpi.problems import in_language
from kpi.revisions import diff_catalogs, record_catalog, revision_log
from kpi.views import status_preview
from kpi.web import ui
from kpi.web.auth_ui import escape_md

PENDING = "katalog:pending"
FLASH = "katalog:flash"


def named(obj, lang: str) -> str:
    """`ID · name` of a theme, action field, goal, KPI or unit for a selector: the name in the UI language (the German
    one where the catalog has no English wording)."""
    return f"{obj.id} · {localized(obj, 'name', lang).text}"


def hierarchy(ctx, catalog) -> None:
    """Themes, action fields, goals and KPIs with their names in the UI language (German ones marked as such)."""
    for theme in catalog.themes:
        with st.expander(named(theme, ctx.lang)):
            lines = []
            for af in (a for a in catalog.action_fields if a.theme_id == theme.id):
                lines.append(f"- **{escape_md(af.id)} · {ui.content_md(ctx, af, 'name')}**")
                for goal in (g for g in catalog.goals if g.action_field_id == af.id):
                    lines.append(f"    - {escape_md(goal.id)} · {ui.content_md(ctx, goal, 'name')}")
                    lines += [
                        f"        - {escape_md(k.id)} · {ui.content_md(ctx, k, 'name')} ({ui.content_md(ctx, k, 'unit')})"
                        for k in catalog.kpis
                        if k.goal_id == goal.id
                    ]
            st.markdown("\n".join(lines) or "–", unsafe_allow_html=True)


def decision_inputs(ctx, key: str) -> tuple[str, date]:
    left, right = st.columns([3, 1])
    decision = left.text_input(ctx.t("kat.decision"), key=f"{key}:decision")
    valid_from = right.date_input(
        ctx.t("kat.valid_from"), value=date.today(), format=DATE_INPUT_FORMATS[ctx.lang], key=f"{key}:valid_from"
    )
    return decision.strip(), valid_from


def propose(ctx, build, decision: str, valid_from: date) -> None:
    """Build the changed catalog; keep it for review, or name what is wrong."""
    if not decision:
        st.error(ctx.t("kat.no_decision"))
        return
    try:
        candidate = build()
    except (CatalogError, ValueError) as exc:
        problems = getattr(exc, "problems", [str(exc)])  # codes with parameters, worded in the UI language
        st.error("\n".join(f"- {escape_md(in_language(p, ctx.lang))}" for p in problems))
        return
    st.session_state[PENDING] = dict(catalog=candidate, decision=decision, valid_from=valid_from)
    st.rerun()  # the review stands above the forms


def review(ctx, store, current) -> None:
    """The pending change: diff, the status changes it causes, then save or discard."""
    pending = st.session_state.get(PENDING)
    if not pending:
        return
    candidate = pending["catalog"]
    diff = diff_catalogs(current, candidate)
    st.subheader(ctx.t("kat.review", decision=pending["decision"], day=fmt_date(pending["valid_from"], ctx.lang)))
    if diff.empty:
        st.info(ctx.t("kat.no_change"))
        st.session_state.pop(PENDING, None)
        return
    st.markdown("\n".join(f"- {escape_md(line)}" for line in diff.lines()))
    changes = [c for c in status_preview(store, candidate, pending["valid_from"]) if c.changed]
    st.markdown(f"**{ctx.t('kat.status_changes')}**")
    st.markdown("\n".join(f"- {escape_md(c.text(ctx.lang))}" for c in changes) or ctx.t("kat.no_status_changes"))
    save, discard = st.columns([1, 4])
    if save.button(ctx.t("kat.save"), type="primary", key="katalog:save"):
        if not auth.can(ctx.user, auth.EDIT_CATALOG):  # the role may have changed since the page was drawn
            st.error(ctx.t("denied.page"))
            return
        user = getattr(ctx.user, "name", None)
        result = record_catalog(
            store, candidate, valid_from=pending["valid_from"], decision=pending["decision"], user=user
        )
        st.session_state.pop(PENDING, None)
        st.session_state[FLASH] = result.message
        st.rerun()
    if discard.button(ctx.t("kat.discard"), key="katalog:discard"):
        st.session_state.pop(PENDING, None)
        st.rerun()


def edit_form(ctx, catalog) -> None:
    ids = [k.id for k in catalog.kpis]
    kpi_id = st.selectbox(
        ctx.t("kat.kpi"), ids, format_func=lambda i: named(catalog.kpi(i), ctx.lang), key="katalog:edit:kpi"
    )
    current = kpi_to_dict(catalog.kpi(kpi_id))
    with st.form(f"katalog:edit:{kpi_id}"):
        left, right = st.columns(2)
        name = left.text_input(ctx.t("kat.name"), current["name"])
        name_en = right.text_input(ctx.t("kat.name_en"), current.get("name_en", ""))
        definition = left.text_area(ctx.t("kat.definition"), current["definition"])
        definition_en = right.text_area(ctx.t("kat.definition_en"), current.get("definition_en", ""))
        cols = st.columns(4)
        baseline = cols[0].number_input(ctx.t("kat.baseline"), value=float(current["baseline"]["value"]))
        targets = cols[1].text_input(
            ctx.t("kat.targets"), "; ".join(f"{p}: {v}" for p, v in current["targets"].items())
        )
        on_track = cols[2].number_input(ctx.t("kat.on_track"), value=current["thresholds"]["on_track"], step=0.05)
        at_risk = cols[3].number_input(ctx.t("kat.at_risk"), value=current["thresholds"]["at_risk"], step=0.05)
        decision, valid_from = decision_inputs(ctx, f"katalog:edit:{kpi_id}")
        if st.form_submit_button(ctx.t("kat.check")):
            propose(
                ctx,
                lambda: with_kpi_changes(
                    catalog,
                    kpi_id,
                    dict(
                        name=name,
                        name_en=name_en,
                        definition=definition,
                        definition_en=definition_en,
                        baseline=dict(current["baseline"], value=baseline),
                        targets=parse_targets(targets),
                        thresholds=dict(on_track=on_track, at_risk=at_risk),
                    ),
                ),
                decision,
                valid_from,
            )


def add_form(ctx, catalog) -> None:
    levels = {"kpi": ctx.t("kat.kpi"), "goal": ctx.t("kat.goal"), "action_field": ctx.t("kat.action_field")}
    level = st.radio(ctx.t("kat.level"), list(levels), format_func=levels.get, horizontal=True, key="katalog:add:lvl")
    parents = {
        p.id: p for p in {"kpi": catalog.goals, "goal": catalog.action_fields, "action_field": catalog.themes}[level]
    }
    with st.form(f"katalog:add:{level}"):
        parent = st.selectbox(ctx.t("kat.parent"), list(parents), format_func=lambda i: named(parents[i], ctx.lang))
        ident = st.text_input(ctx.t("kat.id"))
        left, right = st.columns(2)
        name = left.text_input(ctx.t("kat.name"))
        name_en = right.text_input(ctx.t("kat.name_en"))
        extra = kpi_fields(ctx, catalog) if level == "kpi" else {}
        decision, valid_from = decision_inputs(ctx, f"katalog:add:{level}")
        if st.form_submit_button(ctx.t("kat.check")):
            if level == "kpi":
                build = lambda: with_new_kpi(
                    catalog,
                    parent,
                    dict(
                        extra,
                        id=ident.strip(),
                        name=name,  # noqa: E731
                        name_en=name_en,
                        targets=parse_targets(extra["targets"]),
                    ),
                )
            elif level == "goal":
                build = lambda: with_new_goal(catalog, parent, ident.strip(), name, name_en)  # noqa: E731
            else:
                build = lambda: with_new_action_field(catalog, parent, ident.strip(), name, name_en=name_en)  # noqa: E731
            propose(ctx, build, decision, valid_from)


def kpi_fields(ctx, catalog) -> dict:
    cols = st.columns(4)
    unit = cols[0].text_input(ctx.t("kat.unit"), "%")
    unit_en = cols[0].text_input(ctx.t("kat.unit_en"), "")
    direction = cols[1].selectbox(
        ctx.t("kat.direction"), [d.value for d in Direction], format_func=lambda d: DIRECTIONS[d][ctx.lang]
    )
    frequency = cols[2].selectbox(
        ctx.t("kat.frequency"), [f.value for f in Frequency], format_func=lambda f: FREQUENCIES[f][ctx.lang]
    )
    units = {u.id: u for u in catalog.units}
    responsible = cols[3].selectbox(
        ctx.t("kat.responsible"), list(units), format_func=lambda i: named(units[i], ctx.lang)
    )
    cols = st.columns(3)
    period = cols[0].text_input(ctx.t("kat.baseline_period"), str(date.today().year - 1))
    value = cols[1].number_input(ctx.t("kat.baseline"), value=0.0)
    targets = cols[2].text_input(ctx.t("kat.targets"), f"{date.today().year + 4}: 100")
    left, right = st.columns(2)
    definition = left.text_area(ctx.t("kat.definition"), "")
    definition_en = right.text_area(ctx.t("kat.definition_en"), "")
    return dict(
        unit=unit,
        unit_en=unit_en,
        definition_en=definition_en,
        direction=direction,
        frequency=frequency,
        responsible=responsible,
        definition=definition,
        baseline=dict(period=period, value=value),
        targets=targets,
        range=[None, None],
    )


def retire_form(ctx, catalog) -> None:
    with st.form("katalog:retire"):
        kpi_id = st.selectbox(
            ctx.t("kat.kpi"), [k.id for k in catalog.kpis], format_func=lambda i: named(catalog.kpi(i), ctx.lang)
        )
        decision, valid_from = decision_inputs(ctx, "katalog:retire")
        if st.form_submit_button(ctx.t("kat.check")):
            propose(ctx, lambda: without_kpi(catalog, kpi_id), decision, valid_from)


def log_table(ctx, store) -> None:
    frame = revision_log(store)
    number, valid_from, recorded, by, decision, kind, state = (
        ctx.t(key)
        for key in (
            "col.number",
            "kat.log.valid_from",
            "col.recorded",
            "col.by",
            "kat.log.decision",
            "col.kind",
            "col.state",
        )
    )
    table = pd.DataFrame(
        {
            number: [f"#{i}" for i in frame["id"]],
            valid_from: [fmt_date(pd.Timestamp(d).date(), ctx.lang) for d in frame["valid_from"]],
            recorded: [fmt_datetime(pd.Timestamp(d).to_pydatetime(), ctx.lang) for d in frame["recorded_at"]],
            by: frame["recorded_by"].fillna("").astype(str),
            decision: frame["decision"].fillna("").astype(str),
            kind: [ctx.t(f"kat.log.kind.{k}") if f"kat.log.kind.{k}" in TEXTS else str(k) for k in frame["kind"]],
            state: [audit.state_label(str(s), ctx.lang) for s in frame["state"]],
        }
    )
    ui.text_table(
        table,
        {number: 50, valid_from: 90, recorded: 130, by: 90, decision: 250, kind: 80, state: 90},
        caption=ctx.t("kat.log.caption"),
    )


ctx = ui.context()
store = ui.get_store()
st.title(ctx.t("page.katalog"))
st.caption(ctx.t("kat.intro"))
snap = ui.require_snapshot(ctx, localized=False)  # the catalog as written: this page edits it
catalog = snap.catalog
if flash := st.session_state.pop(FLASH, None):
    st.success(escape_md(flash), icon=":material/task_alt:")
st.subheader(ctx.t("kat.hierarchy"))
hierarchy(ctx, catalog)
if ctx.as_of is not None:
    st.info(ctx.t("kat.frozen"), icon="🧊")
    st.stop()
review(ctx, store, catalog)
tabs = st.tabs([ctx.t("kat.edit"), ctx.t("kat.add"), ctx.t("kat.retire"), ctx.t("kat.log")])
with tabs[0]:
    edit_form(ctx, catalog)
with tabs[1]:
    add_form(ctx, catalog)
with tabs[2]:
    retire_form(ctx, catalog)
with tabs[3]:
    log_table(ctx, store)
