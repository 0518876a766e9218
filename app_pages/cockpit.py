"""Cockpit: the whole strategy at a glance — theme fields, action fields, deviations, overdue updates, late measures."""

import streamlit as st

from kpi import charts, i18n, views
from kpi.i18n import fmt_date, fmt_percent
from kpi.web import a11y, ui

ctx = ui.context()
snap = ui.require_snapshot(ctx)
frame = views.status_frame(snap)
strategy = snap.catalog.strategy
ui.content_title(ctx, strategy, "title")
st.markdown(
    f"**{ctx.t('cockpit.leitbild')}: {ui.content_md(ctx, strategy, 'mission')}** — "
    f"{ctx.t('cockpit.stand')}: {fmt_date(ctx.stand, ctx.lang)}",
    unsafe_allow_html=True,
)
if strategy.illustrative:
    st.caption("ℹ️ " + ctx.t("cockpit.illustrative"))

for column, summary in zip(st.columns(len(snap.catalog.themes)), views.theme_summaries(snap, frame)):
    with column.container(border=True):
        head, metric = st.columns([3, 2])
        head.subheader(summary.name)
        head.caption(i18n.t_count("cockpit.kpis", summary.total, ctx.lang, d=summary.with_data))
        metric.metric(
            ctx.t("cockpit.share"), fmt_percent(summary.share_on_track, ctx.lang), help=ctx.t("cockpit.share.help")
        )
        bar = ui.chart(
            ctx, ("bar", summary.theme_id), lambda counts=summary.counts: charts.status_bar(counts, ctx.lang)
        )
        st.plotly_chart(
            bar,
            config={"displayModeBar": False},
            key=f"bar-{summary.theme_id}",
            alt=a11y.chart_alt(ctx.lang, "status_bar", name=summary.name),
        )
        st.markdown(views.status_mix_text(summary.counts, ctx.lang))
        st.page_link("app_pages/themenfelder.py", label=f"{summary.name} →", query_params={"thema": summary.theme_id})

st.header(ctx.t("cockpit.fields"))
fields = views.action_field_summaries(snap, frame)
per_row = 3
for start in range(0, len(fields), per_row):
    for column, row in zip(st.columns(per_row), fields.iloc[start : start + per_row].itertuples()):
        with column.container(border=True):
            mix = views.status_mix_text({s: getattr(row, s) for s in i18n.STATUS_STYLE}, ctx.lang)
            st.page_link(
                "app_pages/themenfelder.py",
                label=f"**{row.name}**",
                query_params={"thema": row.theme_id, "feld": row.id},
            )
            st.markdown(mix or "–")
            if row.late_measures:
                st.caption("⚠ " + i18n.t_count("cockpit.late_measures", row.late_measures, ctx.lang))

left, middle, right = st.columns(3)
with left:
    st.subheader(ctx.t("cockpit.deviations"))
    deviations = views.biggest_deviations(frame, limit=len(frame))
    if deviations.empty:
        st.success(ctx.t("cockpit.none.deviations"))
    ui.link_list(
        ctx,
        "deviations",
        deviations,
        lambda row: ui.LinkItem(
            "app_pages/kennzahlen.py",
            {"kpi": row.kpi_id},
            f"**{row.kpi_id}** {row.name}",
            f"{i18n.status_badge(row.status, ctx.lang)} · " + i18n.fmt_progress(row.progress, row.direction, ctx.lang),
        ),
    )
with middle:
    st.subheader(ctx.t("cockpit.overdue"))
    stale = views.overdue(frame)
    if stale.empty:
        st.success(ctx.t("cockpit.none.overdue"))
    ui.link_list(
        ctx,
        "overdue",
        stale,
        lambda row: ui.LinkItem(
            "app_pages/kennzahlen.py",
            {"kpi": row.kpi_id},
            f"**{row.kpi_id}** {row.name}",
            f"{i18n.stale_badge(ctx.lang)} · " + ctx.t("cockpit.due_since", day=fmt_date(row.next_due, ctx.lang)),
        ),
    )
with right:
    st.subheader(ctx.t("cockpit.late"))
    late = views.late_measures(snap)
    if snap.measures.empty:
        st.info(ctx.t("cockpit.none.measures"))
    elif late.empty:
        st.success(ctx.t("cockpit.none.late"))
    ui.link_list(
        ctx,
        "late",
        late,
        lambda row: ui.LinkItem(
            "app_pages/massnahmen.py",
            {"massnahme": row.id},
            f"⚠ **{row.id}** {row.title}",
            f"{i18n.measure_state_label(row.state, ctx.lang)} · "
            + i18n.t_count("cockpit.days_late", row.days_late, ctx.lang),
        ),
    )
