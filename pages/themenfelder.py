"""Theme fields: one theme at a time, goals → KPIs as small multiples (actual vs target path), filterable."""

import streamlit as st

from kpi import charts, i18n, ui, views
from kpi.i18n import fmt_percent, fmt_value, stale_label, status_label

i18n.register({
    "tf.theme": ("Themenfeld", "Theme field"),
    "tf.fields": ("Handlungsfelder", "Action fields"),
    "tf.status": ("Status", "Status"),
    "tf.all": ("alle", "all"),
    "tf.none": ("Keine Kennzahl passt zu diesem Filter.", "No KPI matches this filter."),
    "tf.no_kpis": ("Für dieses Ziel sind noch keine Kennzahlen hinterlegt.", "No KPIs defined for this goal yet."),
    "tf.goal": ("Ziel", "Goal"),
    "tf.latest": ("Ist {value} · Plan {plan}", "Actual {value} · plan {plan}"),
    "tf.no_data": ("Noch keine Messwerte", "No measurements yet"),
})

ctx = ui.page("page.themenfelder")
with ui.guard(ctx):
    snap = ui.require_snapshot(ctx)
    catalog = snap.catalog
    frame = views.status_frame(snap)
    themes = {t.id: t.name for t in catalog.themes}
    wanted = st.query_params.get("thema")
    theme_id = st.selectbox(ctx.t("tf.theme"), list(themes), format_func=themes.get, key="theme",
                            index=list(themes).index(wanted) if wanted in themes else 0)
    st.query_params["thema"] = theme_id
    fields = [a for a in catalog.action_fields if a.theme_id == theme_id]
    field_names = {a.id: a.name for a in fields}
    wanted_field = st.query_params.get("feld")
    left, right = st.columns([3, 2])
    chosen_fields = left.multiselect(ctx.t("tf.fields"), list(field_names), format_func=field_names.get,
                                     default=[wanted_field] if wanted_field in field_names else [],
                                     placeholder=ctx.t("tf.all"), key=f"fields-{theme_id}")
    statuses = [s.value for s in views.STATUS_ORDER]
    chosen_status = right.multiselect(ctx.t("tf.status"), statuses, format_func=lambda s: status_label(s, ctx.lang),
                                      placeholder=ctx.t("tf.all"), key="status-filter")
    st.title(themes[theme_id])
    shown = frame[frame["theme_id"] == theme_id]
    if chosen_fields:
        shown = shown[shown["action_field_id"].isin(chosen_fields)]
    if chosen_status:
        shown = shown[shown["status"].isin(chosen_status)]
    if shown.empty:
        st.info(ctx.t("tf.none"))
    per_row = 3
    for field in fields:
        part = shown[shown["action_field_id"] == field.id]
        if part.empty:
            continue
        st.header(field.name, divider="gray")
        for goal in (g for g in catalog.goals if g.action_field_id == field.id):
            goal_rows = part[part["goal_id"] == goal.id]
            if goal_rows.empty:
                continue
            st.subheader(f"{ctx.t('tf.goal')}: {goal.name}")
            rows = list(goal_rows.itertuples())
            for start in range(0, len(rows), per_row):
                for column, row in zip(st.columns(per_row), rows[start:start + per_row]):
                    kpi = catalog.kpi(row.kpi_id)
                    with column.container(border=True):
                        st.page_link("pages/kennzahlen.py", query_params={"kpi": row.kpi_id},
                                     label=f"**{row.kpi_id}** {row.name}")
                        label = status_label(row.status, ctx.lang)
                        if row.stale:
                            label += f" · {stale_label(ctx.lang)}"
                        if row.latest_value is None or row.status == "no_data":
                            st.markdown(f"{label} — {ctx.t('tf.no_data')}")
                        else:
                            st.markdown(f"{label} — " + ctx.t(
                                "tf.latest", value=fmt_value(row.latest_value, row.unit, ctx.lang),
                                plan=fmt_value(row.planned_value, row.unit, ctx.lang))
                                + f" ({fmt_percent(row.progress, ctx.lang)})")
                        st.plotly_chart(charts.small_multiple(kpi, snap.series(row.kpi_id),
                                                              snap.statuses[row.kpi_id], ctx.lang),
                                        config={"displayModeBar": False}, key=f"sm-{row.kpi_id}")
