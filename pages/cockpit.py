"""Cockpit: the whole strategy at a glance — theme fields, action fields, deviations, overdue updates, late measures."""

import streamlit as st

from kpi import charts, i18n, ui, views
from kpi.i18n import fmt_date, fmt_percent, status_label

i18n.register({
    "cockpit.leitbild": ("Leitbild", "Mission statement"),
    "cockpit.stand": ("Stand", "As of"),
    "cockpit.share": ("Anteil im Plan", "Share on track"),
    "cockpit.share.help": ("Kennzahlen im Plan oder erreicht, bezogen auf alle mit Daten",
                           "KPIs on track or achieved, of all KPIs with data"),
    "cockpit.kpis": ("{n} Kennzahlen, {d} mit Daten", "{n} KPIs, {d} with data"),
    "cockpit.fields": ("Handlungsfelder", "Action fields"),
    "cockpit.deviations": ("Größte Abweichungen vom Plan", "Biggest deviations from plan"),
    "cockpit.overdue": ("Überfällige Aktualisierungen", "Overdue updates"),
    "cockpit.late": ("Verspätete Maßnahmen", "Late measures"),
    "cockpit.none.deviations": ("Keine Kennzahl liegt hinter dem Plan.", "No KPI is behind plan."),
    "cockpit.none.overdue": ("Alle Kennzahlen sind aktuell.", "All KPIs are up to date."),
    "cockpit.none.late": ("Keine Maßnahme ist verspätet.", "No measure is late."),
    "cockpit.none.measures": ("Diese Strategie hat noch keine Maßnahmen.", "This strategy has no measures yet."),
    "cockpit.of_plan": ("{p} des Plans", "{p} of plan"),
    "cockpit.due_since": ("fällig seit {day}", "due since {day}"),
    "cockpit.days_late": ("{n} Tage über Plan-Ende", "{n} days past planned end"),
    "cockpit.late_measures": ("{n} verspätete Maßnahmen", "{n} late measures"),
    "cockpit.open": ("Öffnen", "Open"),
})

ctx = ui.page("page.cockpit")
with ui.guard(ctx):
    snap = ui.require_snapshot(ctx)
    frame = views.status_frame(snap)
    strategy = snap.catalog.strategy
    st.header(strategy.title)
    st.markdown(f"**{ctx.t('cockpit.leitbild')}: {strategy.mission}** — "
                f"{ctx.t('cockpit.stand')}: {fmt_date(ctx.stand, ctx.lang)}")
    if strategy.illustrative:
        st.caption("ℹ️ " + ctx.t("illustrative"))

    for column, summary in zip(st.columns(len(snap.catalog.themes)), views.theme_summaries(snap, frame)):
        with column.container(border=True):
            head, metric = st.columns([3, 2])
            head.subheader(summary.name)
            head.caption(ctx.t("cockpit.kpis", n=summary.total, d=summary.with_data))
            metric.metric(ctx.t("cockpit.share"), fmt_percent(summary.share_on_track, ctx.lang),
                          help=ctx.t("cockpit.share.help"))
            st.plotly_chart(charts.status_bar(summary.counts, ctx.lang), config={"displayModeBar": False},
                            key=f"bar-{summary.theme_id}")
            st.markdown(views.status_mix_text(summary.counts, ctx.lang))
            st.page_link("pages/themenfelder.py", label=f"{summary.name} →", query_params={"thema": summary.theme_id})

    st.header(ctx.t("cockpit.fields"))
    fields = views.action_field_summaries(snap, frame)
    per_row = 3
    for start in range(0, len(fields), per_row):
        for column, row in zip(st.columns(per_row), fields.iloc[start:start + per_row].itertuples()):
            with column.container(border=True):
                mix = views.status_mix_text({s: getattr(row, s) for s in i18n.STATUS_STYLE}, ctx.lang)
                st.page_link("pages/themenfelder.py", label=f"**{row.name}**",
                             query_params={"thema": row.theme_id, "feld": row.id})
                st.markdown(mix or "–")
                if row.late_measures:
                    st.caption("⚠ " + ctx.t("cockpit.late_measures", n=row.late_measures))

    left, middle, right = st.columns(3)
    with left:
        st.subheader(ctx.t("cockpit.deviations"))
        deviations = views.biggest_deviations(frame)
        if deviations.empty:
            st.success(ctx.t("cockpit.none.deviations"))
        for row in deviations.itertuples():
            st.page_link("pages/kennzahlen.py", query_params={"kpi": row.kpi_id},
                         label=f"{status_label(row.status, ctx.lang)} · **{row.kpi_id}** {row.name} — "
                               + ctx.t("cockpit.of_plan", p=fmt_percent(row.progress, ctx.lang)))
    with middle:
        st.subheader(ctx.t("cockpit.overdue"))
        stale = views.overdue(frame)
        if stale.empty:
            st.success(ctx.t("cockpit.none.overdue"))
        for row in stale.itertuples():
            st.page_link("pages/kennzahlen.py", query_params={"kpi": row.kpi_id},
                         label=f"{i18n.stale_label(ctx.lang)} · **{row.kpi_id}** {row.name} — "
                               + ctx.t("cockpit.due_since", day=fmt_date(row.next_due, ctx.lang)))
    with right:
        st.subheader(ctx.t("cockpit.late"))
        late = views.late_measures(snap)
        if snap.measures.empty:
            st.info(ctx.t("cockpit.none.measures"))
        elif late.empty:
            st.success(ctx.t("cockpit.none.late"))
        for row in late.itertuples():
            st.page_link("pages/massnahmen.py", query_params={"massnahme": row.id},
                         label=f"⚠ **{row.id}** {row.title} — {i18n.measure_state_label(row.state, ctx.lang)}, "
                               + ctx.t("cockpit.days_late", n=row.days_late))
