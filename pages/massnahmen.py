"""Measures: timeline and table with state, progress, responsible unit and linked KPIs; late ones stand out."""

import streamlit as st

from kpi import charts, i18n, ui, views
from kpi.i18n import fmt_date, fmt_datetime, measure_state_label

i18n.register({
    "ms.fields": ("Handlungsfeld", "Action field"),
    "ms.units": ("Verantwortlich", "Responsible unit"),
    "ms.states": ("Status", "State"),
    "ms.late_only": ("nur verspätete", "late only"),
    "ms.all": ("alle", "all"),
    "ms.none": ("Diese Strategie hat noch keine Maßnahmen.", "This strategy has no measures yet."),
    "ms.filtered": ("Keine Maßnahme passt zu diesem Filter.", "No measure matches this filter."),
    "ms.summary": ("{n} Maßnahmen, davon {late} verspätet", "{n} measures, {late} of them late"),
    "ms.timeline": ("Zeitplan", "Timeline"),
    "ms.table": ("Übersicht", "Overview"),
    "ms.history": ("Verlauf von {id}", "History of {id}"),
    "ms.no_history": ("Noch keine Stände erfasst.", "No updates recorded yet."),
})

ctx = ui.page("page.massnahmen")
with ui.guard(ctx):
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
    c1, c2, c3, c4 = st.columns([3, 3, 3, 1.4], vertical_alignment="bottom")
    chosen_fields = c1.multiselect(ctx.t("ms.fields"), list(fields), format_func=fields.get,
                                   placeholder=ctx.t("ms.all"), key="ms-fields")
    chosen_units = c2.multiselect(ctx.t("ms.units"), list(units), format_func=units.get,
                                  placeholder=ctx.t("ms.all"), key="ms-units")
    chosen_states = c3.multiselect(ctx.t("ms.states"), states, format_func=lambda s: measure_state_label(s, ctx.lang),
                                   placeholder=ctx.t("ms.all"), key="ms-states")
    late_only = c4.toggle(ctx.t("ms.late_only"), key="ms-late")
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
    st.markdown(ctx.t("ms.summary", n=len(shown), late=int(shown["late"].sum())))
    st.subheader(ctx.t("ms.timeline"))
    st.plotly_chart(charts.measures_timeline(shown, ctx.lang, today=snap.today), config={"displayModeBar": False},
                    key="timeline")
    st.subheader(ctx.t("ms.table"))
    progress_col = "Fortschritt" if ctx.lang == "de" else "Progress"
    st.dataframe(views.measure_table(shown, catalog, ctx.lang), hide_index=True, width="stretch",
                 column_config={progress_col: st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                                              format="%d %%")})
    wanted = st.query_params.get("massnahme")
    ids = list(shown["id"])
    chosen = st.selectbox(ctx.t("ms.history", id="…"), ids, index=ids.index(wanted) if wanted in ids else None,
                          format_func=lambda mid: f"{mid} · {shown.set_index('id').loc[mid, 'title']}",
                          placeholder=ctx.t("ms.all"), key="ms-history")
    if chosen:
        st.query_params["massnahme"] = chosen
        history = ui.get_store().measure_history(chosen)
        if snap.as_of is not None and len(history):
            history = history[history["recorded_at"] <= snap.as_of]
        if history.empty:
            st.caption(ctx.t("ms.no_history"))
        else:
            de = ctx.lang == "de"
            st.dataframe({
                ("Erfasst am" if de else "Recorded"): [fmt_datetime(t.to_pydatetime(), ctx.lang)
                                                       for t in history["recorded_at"]],
                ("Status" if de else "State"): [measure_state_label(s, ctx.lang) for s in history["state"]],
                progress_col: [f"{p:.0f} %" for p in history["progress"]],
                ("Kommentar" if de else "Comment"): history["comment"].fillna(""),
                ("von" if de else "by"): history["recorded_by"].fillna(""),
            }, hide_index=True, width="stretch")
        row = shown.set_index("id").loc[chosen]
        st.caption(f"{fmt_date(row['start'], ctx.lang)} – {fmt_date(row['planned_end'], ctx.lang)}")
        from kpi import auth_ui

        auth_ui.measure_form(ctx, chosen, ui.get_store())
