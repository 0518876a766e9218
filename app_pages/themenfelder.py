"""Theme fields: one theme at a time, goals → KPIs as small multiples (actual vs target path), filterable."""

import streamlit as st

from kpi import charts, i18n, views
from kpi.i18n import fmt_value, stale_label, status_label
from kpi.web import a11y, ui

PAGE_SIZE = 30  # KPI charts per page: ten rows of three, a few seconds to draw even on a slow machine

ctx = ui.context()
snap = ui.require_snapshot(ctx)
catalog = snap.catalog
frame = views.status_frame(snap)
themes = {t.id: t.name for t in catalog.themes}
wanted = st.query_params.get("thema")
theme_id = st.selectbox(
    ctx.t("tf.theme"),
    list(themes),
    format_func=themes.get,
    key="theme",
    index=list(themes).index(wanted) if wanted in themes else 0,
)
st.query_params["thema"] = theme_id
fields = [a for a in catalog.action_fields if a.theme_id == theme_id]
field_names = {a.id: a.name for a in fields}
left, right = st.columns([3, 2])
chosen_fields = left.multiselect(
    ctx.t("tf.fields"),
    list(field_names),
    format_func=field_names.get,
    default=ui.linked_values("feld", field_names),
    placeholder=ctx.t("tf.all"),
    key=f"fields-{theme_id}",
)
statuses = [s.value for s in views.STATUS_ORDER]
chosen_status = right.multiselect(
    ctx.t("tf.status"),
    statuses,
    format_func=lambda s: status_label(s, ctx.lang),
    default=ui.linked_values("status", statuses),
    placeholder=ctx.t("tf.all"),
    key="status-filter",
)
ui.keep_values("feld", chosen_fields)
ui.keep_values("status", chosen_status)
ui.content_title(ctx, next(t for t in catalog.themes if t.id == theme_id), "name")
shown = frame[frame["theme_id"] == theme_id]
if chosen_fields:
    shown = shown[shown["action_field_id"].isin(chosen_fields)]
if chosen_status:
    shown = shown[shown["status"].isin(chosen_status)]
if shown.empty:
    st.info(ctx.t("tf.none"))
# Catalog order (action field, goal, KPI), then one page of it: 2,000 charts on one page would take minutes.
order = {f.id: i for i, f in enumerate(fields)}
goal_order = {g.id: i for i, g in enumerate(catalog.goals)}
shown = shown.assign(_field=shown["action_field_id"].map(order), _goal=shown["goal_id"].map(goal_order))
shown = shown.sort_values(["_field", "_goal"], kind="stable")
total = len(shown)
pages = max(1, -(-total // PAGE_SIZE))
if pages > 1:
    wanted_page = st.query_params.get("seite", "1")
    number = st.selectbox(
        ctx.t("tf.page"),
        range(1, pages + 1),
        key=f"page-{theme_id}",
        index=int(wanted_page) - 1 if wanted_page.isdigit() and 1 <= int(wanted_page) <= pages else 0,
        format_func=lambda n: ctx.t(
            "tf.page.of",
            page=n,
            pages=pages,
            first=(n - 1) * PAGE_SIZE + 1,
            last=min(n * PAGE_SIZE, total),
            total=total,
        ),
    )
    st.query_params["seite"] = str(number)
    shown = shown.iloc[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
else:
    st.query_params.pop("seite", None)
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
        st.markdown(f"#### {ctx.t('tf.goal')}: {ui.content_md(ctx, goal, 'name')}", unsafe_allow_html=True)
        rows = list(goal_rows.itertuples())
        for start in range(0, len(rows), per_row):
            for column, row in zip(st.columns(per_row), rows[start : start + per_row]):
                kpi = catalog.kpi(row.kpi_id)
                with column.container(border=True):
                    st.page_link(
                        "app_pages/kennzahlen.py",
                        query_params={"kpi": row.kpi_id},
                        label=f"**{row.kpi_id}** {row.name}",
                    )
                    label = status_label(row.status, ctx.lang)
                    if row.stale and row.status != "no_data":
                        label += f" · {stale_label(ctx.lang)}"
                    if row.latest_value is None or row.status == "no_data":
                        st.markdown(f"{label} — {ctx.t('tf.no_data')}")
                    else:
                        st.markdown(
                            f"{label} — "
                            + ctx.t(
                                "tf.latest",
                                value=fmt_value(row.latest_value, row.unit, ctx.lang),
                                plan=fmt_value(row.planned_value, row.unit, ctx.lang),
                            )
                            + f" ({i18n.fmt_progress(row.progress, row.direction, ctx.lang, of_plan=False)})"
                        )
                    figure = ui.chart(
                        ctx,
                        ("small", row.kpi_id),
                        lambda kpi=kpi, kpi_id=row.kpi_id: charts.small_multiple(
                            kpi, snap.series(kpi_id), snap.statuses[kpi_id], ctx.lang
                        ),
                    )
                    st.plotly_chart(
                        figure,
                        config={"displayModeBar": False},
                        key=f"sm-{row.kpi_id}",
                        alt=a11y.chart_alt(ctx.lang, "small", kpi=f"{row.kpi_id} {row.name}"),
                    )
