"""Measures: timeline and table with state, progress and responsible unit; one measure's history and KPIs;
late ones stand out."""

import pandas as pd
import streamlit as st

from kpi import charts, i18n, views
from kpi.i18n import fmt_date, fmt_datetime, fmt_number, measure_state_label
from kpi.web import a11y, ui

ctx = ui.context()
snap = ui.require_snapshot(ctx)
measures = snap.measures
st.title(ctx.t("page.massnahmen"))
if measures.empty:
    st.info(ctx.t("ms.none"))
    st.stop()
catalog = snap.catalog
fields = {a.id: a.name for a in catalog.action_fields}
units = {u.id: u.name for u in catalog.units if u.id in set(measures["responsible"])}
states = list(i18n.MEASURE_STATES)
c1, c2, c3, c4 = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
chosen_fields = c1.multiselect(
    ctx.t("ms.fields"),
    list(fields),
    format_func=fields.get,
    default=ui.linked_values("feld", fields),
    placeholder=ctx.t("ms.all"),
    key="ms-fields",
)
chosen_units = c2.multiselect(
    ctx.t("ms.units"),
    list(units),
    format_func=units.get,
    default=ui.linked_values("einheit", units),
    placeholder=ctx.t("ms.all"),
    key="ms-units",
)
chosen_states = c3.multiselect(
    ctx.t("ms.states"),
    states,
    format_func=lambda s: measure_state_label(s, ctx.lang),
    default=ui.linked_values("status", states),
    placeholder=ctx.t("ms.all"),
    key="ms-states",
)
late_only = c4.toggle(ctx.t("ms.late_only"), value=st.query_params.get("verspaetet") == "1", key="ms-late", wrap=True)
for param, chosen in (
    ("feld", chosen_fields),
    ("einheit", chosen_units),
    ("status", chosen_states),
    ("verspaetet", "1" if late_only else None),
):
    ui.keep_values(param, chosen)
shown = measures
if chosen_fields:
    shown = shown[shown["action_field_id"].isin(chosen_fields)]
if chosen_units:
    shown = shown[shown["responsible"].isin(chosen_units)]
if chosen_states:
    shown = shown[shown["state"].isin(chosen_states)]
if late_only:
    shown = shown[shown["late"]]
if shown.empty:
    st.info(ctx.t("ms.filtered"))
    st.stop()
st.markdown(i18n.t_count("ms.summary", len(shown), ctx.lang, late=fmt_number(int(shown["late"].sum()), ctx.lang)))
st.subheader(ctx.t("ms.timeline"))
st.plotly_chart(
    charts.measures_timeline(shown, ctx.lang, today=snap.today),
    config={"displayModeBar": False},
    key="timeline",
    alt=a11y.chart_alt(ctx.lang, "timeline", n=len(shown)),
)
st.caption(ctx.t("ms.timeline.legend"))
st.subheader(ctx.t("ms.table"))
# Widths for a 1280 px screen (about 790 px of table; wider screens share the rest out), long text wraps.
# The action field is left out here: it is the first filter above, and its width goes to the titles. Eight rows
# at a time (the table scrolls), so that it fits a 720 px screen and the history below stays within reach.
table = views.measure_table(shown, catalog, ctx.lang)
measure, state, progress, _field, unit, duration = table.columns
# A read-only table as a real HTML table (every row for a screen reader, issue 15), not a canvas grid.
table[progress] = [f"{fmt_number(p, ctx.lang, 0)} %" for p in table[progress]]
ui.text_table(
    table[[measure, state, progress, unit, duration]],
    {measure: 290, state: 110, progress: 95, unit: 165, duration: 100},
    right=(progress,),
    most=8,
    caption=ctx.t("ms.table"),
)

titles = shown.set_index("id")["title"]
wanted = st.query_params.get("massnahme")
ids = list(shown["id"])
chosen = st.selectbox(
    ctx.t("ms.history"),
    ids,
    index=ids.index(wanted) if wanted in ids else None,
    format_func=lambda mid: f"{mid} · {titles[mid]}",
    placeholder=ctx.t("ms.history.choose"),
    key="ms-history",
)
if chosen:
    st.query_params["massnahme"] = chosen
    row = shown.set_index("id").loc[chosen]
    st.caption(ctx.t("ms.duration", start=fmt_date(row["start"], ctx.lang), end=fmt_date(row["planned_end"], ctx.lang)))
    history = ui.get_store().measure_history(chosen, snap.as_of)
    if history.empty:
        st.caption(ctx.t("ms.no_history"))
    else:
        recorded, state, progress, comment, by = (
            ctx.t(f"col.{name}") for name in ("recorded", "state", "progress", "comment", "by")
        )
        ui.text_table(
            pd.DataFrame(
                {
                    recorded: [fmt_datetime(t.to_pydatetime(), ctx.lang) for t in history["recorded_at"]],
                    state: [measure_state_label(s, ctx.lang) for s in history["state"]],
                    progress: [f"{fmt_number(p, ctx.lang, 0)} %" for p in history["progress"]],
                    comment: history["comment"].fillna(""),
                    by: history["recorded_by"].fillna(""),
                }
            ),
            {recorded: 140, state: 120, progress: 95, comment: 320, by: 100},
            right=(progress,),
            caption=ctx.t("ms.history.caption", id=chosen),
        )
    kpi_names = {k.id: k.name for k in catalog.kpis}
    if len(row["kpi_ids"]):
        st.markdown(f"**{ctx.t('ms.kpis')}**")
        for kpi_id in row["kpi_ids"]:
            st.page_link(
                "app_pages/kennzahlen.py",
                query_params={"kpi": kpi_id},
                label=f"**{kpi_id}** {kpi_names.get(kpi_id, '')}",
            )
    from kpi.web import auth_ui

    auth_ui.measure_form(ctx, chosen, ui.get_store())
