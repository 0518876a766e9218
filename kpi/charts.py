"""Plotly figure builders: data in, figure out (pure; used by pages, presentation and reports alike)."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from kpi import i18n
from kpi.i18n import fmt_date, fmt_number, status_color, status_label
from kpi.model import Kpi
from kpi.status import KpiStatus

ACTUAL = "#0072B2"
PLAN = "#555555"
FORECAST = "#CC79A7"
BAND_OK = "rgba(0, 158, 115, 0.13)"
BAND_RISK = "rgba(230, 159, 0, 0.16)"
FONT = dict(family="Source Sans Pro, DejaVu Sans, Arial, sans-serif", size=16, color="#1a1a1a")

LABELS = {
    "actual": ("Ist-Werte", "Actual"),
    "plan": ("Zielpfad", "Target path"),
    "baseline": ("Basis", "Baseline"),
    "milestone": ("Meilenstein", "Milestone"),
    "forecast": ("Prognose (Trend)", "Forecast (trend)"),
    "band": ("Prognose-Band", "Forecast band"),
    "tol_ok": ("Toleranz: im Plan", "Tolerance: on track"),
    "tol_risk": ("Toleranz: gefährdet", "Tolerance: at risk"),
    "reach": ("Ziel voraussichtlich erreicht: {day}", "Target expected: {day}"),
    "today": ("heute", "today"),
    "comment": ("Kommentar", "Comment"),
}


def _l(key: str, lang: str, **values: object) -> str:
    text = LABELS[key][0 if lang == "de" else 1]
    return text.format(**values) if values else text


def _layout(fig: go.Figure, lang: str, height: int, legend: bool = True) -> go.Figure:
    fig.update_layout(
        height=height, font=FONT, template="plotly_white", separators=",." if lang == "de" else ".,",
        margin=dict(l=10, r=10, t=40 if legend else 30, b=10), showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=14)),
        hoverlabel=dict(font_size=15), paper_bgcolor="white",
    )
    fig.update_xaxes(hoverformat="%d.%m.%Y" if lang == "de" else "%d/%m/%Y", showgrid=False)
    fig.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#cccccc")
    return fig


def plan_path(kpi: Kpi) -> tuple[list[date], list[float]]:
    """Baseline and milestones: the corners of the linear target path."""
    xs = [kpi.baseline_period] + [t.period for t in kpi.targets]
    return xs, [kpi.baseline_value] + [t.value for t in kpi.targets]


def _unit_suffix(kpi: Kpi) -> str:
    return "" if kpi.unit in ("Anzahl", "") else f" {kpi.unit}"


def kpi_figure(kpi: Kpi, series: pd.DataFrame, status: KpiStatus, lang: str = "de",
               comments: dict[date, str] | None = None, height: int = 460, today: date | None = None) -> go.Figure:
    """The full KPI chart: actual values, target path with milestones and baseline, tolerance bands
    for the status thresholds, and the forecast with its band and the expected date of reaching the target."""
    fig = go.Figure()
    xs, plan = plan_path(kpi)
    base = kpi.baseline_value
    th = kpi.thresholds
    edge_ok = [base + th.on_track * (p - base) for p in plan]
    edge_risk = [base + th.at_risk * (p - base) for p in plan]
    fig.add_trace(go.Scatter(x=xs, y=edge_risk, mode="lines", line=dict(width=0), hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=xs, y=edge_ok, mode="lines", line=dict(width=0), fill="tonexty",
                             fillcolor=BAND_RISK, name=_l("tol_risk", lang), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=xs, y=plan, mode="lines", line=dict(width=0), fill="tonexty", fillcolor=BAND_OK,
                             name=_l("tol_ok", lang), hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=xs, y=plan, mode="lines+markers", name=_l("plan", lang), line=dict(color=PLAN, dash="dash", width=2),
        marker=dict(symbol=["circle-open"] + ["diamond"] * (len(xs) - 1), size=[12] + [13] * (len(xs) - 1),
                    color=PLAN),
        hovertemplate="%{x|%d.%m.%Y}: %{y:,.4~g}" + _unit_suffix(kpi) + "<extra>" + _l("plan", lang) + "</extra>"))
    fc = status.forecast
    if fc is not None and status.latest_period is not None:
        start = status.latest_period
        xf = [start, fc.target_period]
        fig.add_trace(go.Scatter(x=xf + xf[::-1], y=[fc.value_at(start), fc.high, fc.low, fc.value_at(start)],
                                 fill="toself", fillcolor="rgba(204, 121, 167, 0.15)", line=dict(width=0),
                                 name=_l("band", lang), hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=xf, y=[fc.value_at(start), fc.value_at_target], mode="lines",
                                 name=_l("forecast", lang), line=dict(color=FORECAST, dash="dot", width=3),
                                 hovertemplate="%{x|%d.%m.%Y}: %{y:,.4~g}" + _unit_suffix(kpi)
                                 + "<extra>" + _l("forecast", lang) + "</extra>"))
        if fc.reach_date and start <= fc.reach_date <= fc.target_period + timedelta(days=3650):
            fig.add_vline(x=fc.reach_date, line=dict(color=FORECAST, width=1, dash="dot"))
            fig.add_annotation(x=fc.reach_date, y=0.03, yref="paper", showarrow=False, yanchor="bottom",
                               xanchor="left",
                               text=_l("reach", lang, day=fmt_date(fc.reach_date, lang)),
                               font=dict(color="#7a3d63", size=14), bgcolor="rgba(255,255,255,0.8)")
    if len(series):
        # Plotly renders tags in hover text: comments are user text, so they are escaped.
        texts = [html.escape((comments or {}).get(p) or (c if isinstance(c, str) else ""))
                 for p, c in zip(series["period"], series["comment"])]
        fig.add_trace(go.Scatter(
            x=series["period"], y=series["value"], mode="lines+markers", name=_l("actual", lang),
            line=dict(color=ACTUAL, width=3), marker=dict(size=8, color=ACTUAL),
            customdata=[[text] for text in texts],
            hovertemplate="%{x|%d.%m.%Y}: <b>%{y:,.4~g}" + _unit_suffix(kpi) + "</b><br>%{customdata[0]}"
                          "<extra>" + _l("actual", lang) + "</extra>"))
        last = series.iloc[-1]
        fig.add_trace(go.Scatter(
            x=[last["period"]], y=[last["value"]], mode="markers+text", showlegend=False, hoverinfo="skip",
            marker=dict(size=18, color=status_color(status.status.value), line=dict(color="white", width=2)),
            text=[status_label(status.status.value, lang)], textposition="top center",
            textfont=dict(size=15, color="#1a1a1a")))
    if today:
        fig.add_vline(x=today, line=dict(color="#999999", width=1))
    fig.update_yaxes(title=dict(text=kpi.unit, font=dict(size=15)))
    return _layout(fig, lang, height)


def small_multiple(kpi: Kpi, series: pd.DataFrame, status: KpiStatus, lang: str = "de",
                   height: int = 190) -> go.Figure:
    """A compact actual-vs-target chart for grids of KPIs."""
    fig = go.Figure()
    xs, plan = plan_path(kpi)
    fig.add_trace(go.Scatter(x=xs, y=plan, mode="lines", line=dict(color=PLAN, dash="dash", width=2),
                             hovertemplate="%{x|%Y}: %{y:,.4~g}<extra>" + _l("plan", lang) + "</extra>"))
    if len(series):
        fig.add_trace(go.Scatter(x=series["period"], y=series["value"], mode="lines", line=dict(color=ACTUAL, width=3),
                                 hovertemplate="%{x|%d.%m.%Y}: %{y:,.4~g}<extra>" + _l("actual", lang) + "</extra>"))
        last = series.iloc[-1]
        fig.add_trace(go.Scatter(x=[last["period"]], y=[last["value"]], mode="markers", hoverinfo="skip",
                                 marker=dict(size=13, color=status_color(status.status.value),
                                             line=dict(color="white", width=2))))
    fig = _layout(fig, lang, height, legend=False)
    fig.update_layout(margin=dict(l=6, r=6, t=6, b=6), font=dict(size=13))
    fig.update_xaxes(tickformat="%Y", nticks=5)
    fig.update_yaxes(nticks=4)
    return fig


def status_bar(counts: dict[str, int], lang: str = "de", height: int = 64) -> go.Figure:
    """One stacked bar: how many KPIs per status, each segment labelled with icon, word and count."""
    fig = go.Figure()
    total = sum(counts.values()) or 1
    for status in ("achieved", "on_track", "at_risk", "off_track", "no_data"):
        n = counts.get(status, 0)
        if not n:
            continue
        label = f"{i18n.STATUS_STYLE[status]['icon']} {n}"
        fig.add_trace(go.Bar(
            x=[n], y=[""], orientation="h", name=status_label(status, lang), marker_color=status_color(status),
            text=[label if n / total > 0.06 else ""], textposition="inside", insidetextanchor="middle",
            textfont=dict(size=17, color="white" if status != "at_risk" else "#1a1a1a"),
            hovertemplate=f"{status_label(status, lang)}: {n}<extra></extra>"))
    # No legend: every segment carries icon and count, and the page prints the words beside it.
    fig = _layout(fig, lang, height, legend=False)
    fig.update_layout(barmode="stack", margin=dict(l=2, r=2, t=2, b=2), bargap=0.1)
    fig.update_xaxes(visible=False, range=[0, total])
    fig.update_yaxes(visible=False)
    return fig


def measures_timeline(measures: pd.DataFrame, lang: str = "de", today: date | None = None) -> go.Figure:
    """Gantt-style bars from start to planned end, coloured by state; late measures marked with ⚠."""
    colors = {"geplant": "#999999", "in_umsetzung": "#0072B2", "abgeschlossen": "#009E73", "pausiert": "#F0E442",
              "verzoegert": "#D55E00"}
    fig = go.Figure()
    frame = measures.sort_values(["planned_end"], ascending=False)
    labels = [("⚠ " if late else "") + f"{mid} {title[:38]}" for mid, title, late in
              zip(frame["id"], frame["title"], frame["late"])]
    for state, color in colors.items():
        part = frame["state"] == state
        if not part.any():
            continue
        sub = frame[part]
        starts = pd.to_datetime(sub["start"])
        ends = pd.to_datetime(sub["planned_end"])
        fig.add_trace(go.Bar(
            base=starts, x=(ends - starts).dt.total_seconds() * 1000, y=[lbl for lbl, p in zip(labels, part) if p],
            orientation="h", name=i18n.measure_state_label(state, lang), marker=dict(color=color,
            line=dict(color=["#1a1a1a" if late else color for late in sub["late"]], width=2)),
            customdata=list(zip(sub["progress"].map(lambda v: fmt_number(v, lang, 0)),
                                [fmt_date(d, lang) for d in sub["planned_end"]])),
            hovertemplate="%{y}<br>" + ("Fortschritt" if lang == "de" else "Progress") + ": %{customdata[0]} %"
                          + "<br>" + ("geplantes Ende" if lang == "de" else "planned end") + ": %{customdata[1]}"
                          + "<extra></extra>"))
    fig.update_xaxes(type="date", tickformat="%Y")
    if today:
        fig.add_vline(x=today, line=dict(color="#1a1a1a", width=2, dash="dot"))
        fig.add_annotation(x=today, y=1, yref="paper", text=_l("today", lang), showarrow=False, yanchor="bottom")
    fig = _layout(fig, lang, max(320, 34 * len(frame) + 90))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=14), categoryorder="array", categoryarray=labels)
    fig.update_layout(barmode="overlay")
    return fig
