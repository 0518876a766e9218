"""My area: a department head's KPIs and measures, what needs attention, which updates are overdue."""

import streamlit as st

from kpi import i18n, ui, views
from kpi.i18n import fmt_date, fmt_percent, stale_label, status_label

i18n.register({
    "br.unit": ("Organisationseinheit", "Responsible unit"),
    "br.attention": ("Braucht Aufmerksamkeit", "Needs attention"),
    "br.nothing": ("Nichts Dringendes: alle Kennzahlen im Plan und aktuell, keine Maßnahme verspätet.",
                   "Nothing urgent: all KPIs on track and current, no measure late."),
    "br.kpis": ("Kennzahlen ({n})", "KPIs ({n})"),
    "br.measures": ("Maßnahmen ({n})", "Measures ({n})"),
    "br.no_kpis": ("Diese Einheit verantwortet keine Kennzahl.", "This unit owns no KPI."),
    "br.no_measures": ("Diese Einheit verantwortet keine Maßnahme.", "This unit owns no measure."),
    "br.behind": ("liegt bei {p} des Plans", "is at {p} of plan"),
    "br.overdue": ("Aktualisierung fällig seit {day}", "update due since {day}"),
    "br.late": ("Plan-Ende {day} überschritten", "planned end {day} passed"),
    "br.summary": ("{kpis} Kennzahlen · {behind} hinter Plan · {stale} überfällig · {late} Maßnahmen verspätet",
                   "{kpis} KPIs · {behind} behind plan · {stale} overdue · {late} measures late"),
})

ctx = ui.page("page.bereich")
with ui.guard(ctx):
    snap = ui.require_snapshot(ctx)
    catalog = snap.catalog
    units = {u.id: u.name for u in catalog.units}
    own = getattr(ctx.user, "unit", None)
    wanted = st.query_params.get("einheit") or own
    unit_id = st.selectbox(ctx.t("br.unit"), list(units), format_func=units.get,
                           index=list(units).index(wanted) if wanted in units else 0, key="unit")
    st.query_params["einheit"] = unit_id
    st.title(units[unit_id])
    frame = views.status_frame(snap)
    mine = frame[frame["responsible"] == unit_id]
    measures = snap.measures[snap.measures["responsible"] == unit_id] if len(snap.measures) else snap.measures
    behind = mine[mine["status"].isin(["off_track", "at_risk"])].sort_values("progress")
    stale = mine[mine["stale"]]
    late = measures[measures["late"]] if len(measures) else measures
    st.markdown(ctx.t("br.summary", kpis=len(mine), behind=len(behind), stale=len(stale), late=len(late)))

    st.subheader(ctx.t("br.attention"))
    if behind.empty and stale.empty and late.empty:
        st.success(ctx.t("br.nothing"))
    with st.container():
        for row in behind.itertuples():
            st.page_link("pages/kennzahlen.py", query_params={"kpi": row.kpi_id},
                         label=f"{status_label(row.status, ctx.lang)} · **{row.kpi_id}** {row.name} — "
                               + ctx.t("br.behind", p=fmt_percent(row.progress, ctx.lang)))
        for row in stale.itertuples():
            st.page_link("pages/kennzahlen.py", query_params={"kpi": row.kpi_id},
                         label=f"{stale_label(ctx.lang)} · **{row.kpi_id}** {row.name} — "
                               + ctx.t("br.overdue", day=fmt_date(row.next_due, ctx.lang)))
        for row in late.itertuples():
            st.page_link("pages/massnahmen.py", query_params={"massnahme": row.id},
                         label=f"⚠ **{row.id}** {row.title} — "
                               + ctx.t("br.late", day=fmt_date(row.planned_end, ctx.lang)))

    st.subheader(ctx.t("br.kpis", n=len(mine)))
    if mine.empty:
        st.caption(ctx.t("br.no_kpis"))
    else:
        st.dataframe(views.kpi_table(mine, ctx.lang), hide_index=True, width="stretch")
    st.subheader(ctx.t("br.measures", n=len(measures)))
    if measures.empty:
        st.caption(ctx.t("br.no_measures"))
    else:
        progress_col = "Fortschritt" if ctx.lang == "de" else "Progress"
        st.dataframe(views.measure_table(measures, catalog, ctx.lang), hide_index=True, width="stretch",
                     column_config={progress_col: st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                                                  format="%d %%")})
