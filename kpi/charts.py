"""Plotly figure builders: data in, figure out (pure; used by pages, presentation and reports alike)."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from kpi import i18n
from kpi.i18n import fmt_date, fmt_number, status_color, status_label
from kpi.model import Frequency, Kpi
from kpi.status import KpiStatus, band_days, planned_value_at, tolerance_band

ACTUAL = "#0072B2"
PLAN = "#555555"
FORECAST = "#CC79A7"
BAND_OK = "rgba(0, 158, 115, 0.13)"
BAND_RISK = "rgba(194, 129, 0, 0.16)"
FONT = dict(family="Source Sans Pro, DejaVu Sans, Arial, sans-serif", size=16, color="#1a1a1a")

HOLLOW = ("provisional", "estimated")  # values drawn as hollow markers: not final yet


def _qualities(series: pd.DataFrame) -> list[str]:
    """Each value's quality mark (final where none is recorded)."""
    if "quality" not in series:
        return ["final"] * len(series)
    return [q if isinstance(q, str) and q else "final" for q in series["quality"]]


def _with_quality(text: str, quality: str, lang: str) -> str:
    """The hover text of a value with its quality word in front, when it is not final."""
    if quality not in HOLLOW and quality != "break":
        return text
    word = f"<i>{_l(quality, lang)}</i>"
    return f"{word}<br>{text}" if text else word


def _hover_day(lang: str) -> str:
    """The hovered point's date in a hovertemplate, written as the language writes dates."""
    return "%{x|" + i18n.PLOTLY_DATE_FORMATS[lang] + "}"


def _l(key: str, lang: str, **values: object) -> str:
    return i18n.t(f"chart.{key}", lang, **values)


# The look of Plotly's "plotly_white", as the few settings our charts use. Every figure is built in one
# go.Figure(data, layout) call: a named template, or a template set after traces were added, is validated and
# deep-copied again (20-70 ms per chart), the one-shot build takes a few milliseconds. It is built without Plotly's
# validation (`_validate=False`: 4 ms instead of 12 ms per chart, 94 charts of the demo strategy in 0.39 s instead
# of 1.1 s), so the layout is written out in full (`font=dict(size=…)`, not the shorthand `font_size`, which only
# validation spells out); tests/test_charts.py checks every figure against its validated twin.
_AXIS = dict(
    gridcolor="#EBF0F8",
    linecolor="#EBF0F8",
    ticks="",
    title=dict(standoff=15),
    zerolinecolor="#EBF0F8",
    automargin=True,
    zerolinewidth=2,
)
TEMPLATE = dict(
    layout=dict(
        paper_bgcolor="white",
        plot_bgcolor="white",
        hovermode="closest",
        hoverlabel=dict(align="left"),
        xaxis=_AXIS,
        yaxis=_AXIS,
        shapedefaults=dict(line=dict(color="#2a3f5f")),
        annotationdefaults=dict(arrowcolor="#2a3f5f", arrowhead=0, arrowwidth=1),
    )
)


def _figure(
    traces: list[dict],
    lang: str,
    height: int,
    *,
    legend: bool = True,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    shapes: list[dict] | None = None,
    annotations: list[dict] | None = None,
    tick_size: int = 15,
    **layout: object,
) -> go.Figure:
    """The figure with our look; `layout` entries replace the defaults (pass whole dicts, e.g. a full margin).
    Tick labels get their size here (Streamlit's chart theme would print them at 12.75 px, small for a projector),
    and y values are written out with thousands separators ("35.000", not Plotly's "35k")."""
    ticks = dict(size=tick_size, color=FONT["color"])
    base = dict(
        template=TEMPLATE,
        height=height,
        font=FONT,
        separators=i18n.PLOTLY_SEPARATORS[lang],
        margin=dict(l=10, r=10, t=40 if legend else 30, b=10),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=14)),
        hoverlabel=dict(font=dict(size=15)),
        paper_bgcolor="white",
        xaxis={
            "hoverformat": i18n.PLOTLY_DATE_FORMATS[lang],
            "showgrid": False,
            "tickfont": ticks,
            **(xaxis or {}),
        },
        yaxis={
            "gridcolor": "#e5e5e5",
            "zerolinecolor": "#cccccc",
            "tickfont": ticks,
            "exponentformat": "none",
            "separatethousands": True,
            **(yaxis or {}),
        },
    )
    if shapes:
        base["shapes"] = shapes
    if annotations:
        base["annotations"] = annotations
    return go.Figure(data=traces, layout={**base, **layout}, _validate=False)


# Plotly's automargin grows a margin that is too small for the tick labels, the axis title or the legend, and then
# draws the chart a second time: a third to half of its drawing time in the browser, on every page switch. The
# charts therefore start with margins that already hold them (estimated below, on the generous side); automargin
# stays on, so a label wider than the estimate still fits, it only costs the second pass.
TICK_PX = 10  # width of one character of a tick label at 15 px (DejaVu Sans, the widest font the charts fall back to)
LEGEND_TOP = 76  # the legend above the plot, in up to two rows (a 1280 px projector wraps it once)
NOTE_LINE = 22  # characters per line of the forecast's note ("Ziel voraussichtlich" / "erreicht: 31.12.2030")
TIMELINE_LINE = 34  # characters per line of a measure's title above its bar
TIMELINE_LINE_PX = 18  # height of one such line at 14 px
TIMELINE_BAR = 22  # height of a bar


def tick_chars(values: Iterable[float], lang: str = "de") -> int:
    """Characters of the longest y tick label Plotly will print for `values` (German or English separators,
    no SI suffix): the largest magnitude, rounded up to the next tick, and decimals when the span is small."""
    numbers = [float(v) for v in values if v is not None and not pd.isna(v)]
    if not numbers:
        return 3
    low, high = min(numbers), max(numbers)
    top = max(abs(low), abs(high)) * 1.1 or 1.0
    span = (high - low) or top
    decimals = 0 if span >= 5 else 1 if span >= 0.5 else 2
    text = fmt_number(top, lang, decimals)
    return len(text) + (1 if low < 0 else 0)


def _vline(x: object, **line: object) -> dict:
    return dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=line)


def plan_path(kpi: Kpi) -> tuple[list[date], list[float]]:
    """Baseline and milestones: the corners of the linear target path."""
    xs = [kpi.baseline_period] + [t.period for t in kpi.targets]
    return xs, [kpi.baseline_value] + [t.value for t in kpi.targets]


def _unit_suffix(kpi: Kpi) -> str:
    return "" if kpi.unit in ("Anzahl", "count", "") else f" {kpi.unit}"


def year_ticks(kpi: Kpi, first: date, last: date, most: int = 12) -> dict:
    """Axis ticks for a KPI: a yearly value is dated at the year's end (31.12.2025), so its tick "2025" sits
    there too, not at 1 January (where Plotly would print "2026" right under the 2025 value)."""
    if kpi.frequency != Frequency.YEARLY:
        return dict(tickformat="%Y")
    years = list(range(first.year, last.year + 1))
    step = max(1, -(-len(years) // most))
    years = years[::-1][::step][::-1]  # keep the newest year
    return dict(tickmode="array", tickvals=[date(y, 12, 31) for y in years], ticktext=[str(y) for y in years])


def superseded_paths(kpi: Kpi, lang: str = "de") -> list[dict]:
    """Earlier target paths of the KPI (catalog revisions), thin grey and dashed, named with their decision."""
    out = []
    for version in kpi.history[:-1]:
        xs, ys = plan_path(version.kpi)
        until = fmt_date(version.valid_until, lang) if version.valid_until else ""
        name = i18n.t(
            "chart.earlier_path_until" if until else "chart.earlier_path",
            lang,
            decision=version.decision or "–",
            until=until,
        )
        out.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines+markers",
                name=html.escape(name),
                line=dict(color="#8c8c8c", dash="dashdot", width=1.5),
                marker=dict(symbol="diamond-open", size=9, color="#8c8c8c"),
                hovertemplate=_hover_day(lang)
                + ": %{y:,.4~g}"
                + _unit_suffix(kpi)
                + "<extra>"
                + html.escape(version.decision or "")
                + "</extra>",
            )
        )
    return out


def _newest_marker(color: str, quality: str | None, *, size: int, ring: int) -> dict:
    """The newest value's marker in its status colour: a filled dot, or a ring of width `ring` when the value is
    provisional or estimated (not final yet)."""
    if quality in HOLLOW:
        return dict(size=size, color="white", line=dict(color=color, width=ring))
    return dict(size=size, color=color, line=dict(color="white", width=2))


def _band_trace(x: list, y: list, line: dict, **extra: object) -> dict:
    """A line of the tolerance bands (an edge, or the plan the band fills up to): no hover, `extra` for fill/name."""
    return dict(type="scatter", x=x, y=y, mode="lines", line=line, hoverinfo="skip", **extra)


def kpi_figure(
    kpi: Kpi,
    series: pd.DataFrame,
    status: KpiStatus,
    lang: str = "de",
    comments: dict[date, str] | None = None,
    height: int = 460,
    today: date | None = None,
) -> go.Figure:
    """The full KPI chart: actual values, target path with milestones and baseline, tolerance bands
    for the status thresholds, and the forecast with its band and the expected date of reaching the target."""
    xs, plan = plan_path(kpi)
    # The tolerance band is the status rule's own (kpi.status.tolerance_band), so the chart and the status agree for
    # rising, falling and flat plans.
    band_x = band_days(kpi, xs[0], xs[-1])
    edge_ok, edge_risk = tolerance_band(kpi, band_x)
    band_plan = [planned_value_at(kpi, d) for d in band_x]
    suffix = _unit_suffix(kpi)
    traces: list[dict] = [
        # The bands' edges as dotted lines in the status colours (>= 3:1 on white; the tints alone are 1.1:1).
        _band_trace(band_x, edge_risk, dict(width=1.5, dash="dot", color=status_color("at_risk")), showlegend=False),
        _band_trace(
            band_x,
            edge_ok,
            dict(width=1.5, dash="dot", color=status_color("on_track")),
            fill="tonexty",
            fillcolor=BAND_RISK,
            name=_l("tol_risk", lang),
        ),
        _band_trace(band_x, band_plan, dict(width=0), fill="tonexty", fillcolor=BAND_OK, name=_l("tol_ok", lang)),
        dict(
            type="scatter",
            x=xs,
            y=plan,
            mode="lines+markers",
            name=_l("plan", lang),
            line=dict(color=PLAN, dash="dash", width=2),
            marker=dict(
                symbol=["circle-open"] + ["diamond"] * (len(xs) - 1), size=[12] + [13] * (len(xs) - 1), color=PLAN
            ),
            hovertemplate=_hover_day(lang) + ": %{y:,.4~g}" + suffix + "<extra>" + _l("plan", lang) + "</extra>",
        ),
    ]
    traces += superseded_paths(kpi, lang)
    shapes: list[dict] = []
    annotations: list[dict] = []
    first = min([kpi.baseline_period] + list(series["period"][:1]))
    last = max([xs[-1]] + list(series["period"][-1:]))
    fc = status.forecast
    if fc is not None and status.latest_period is not None:
        start = status.latest_period
        # The trend may bend (a bounded model for shares and other capped quantities): drawn through 24 steps, its
        # band from the slope's interval at each step, all inside the valid range.
        steps = max((fc.target_period - start).days, 1)
        xf = [start + timedelta(days=round(steps * i / 24)) for i in range(25)]
        bands = [fc.band_at(d) for d in xf]
        last = max(last, fc.target_period)
        traces.append(
            dict(
                type="scatter",
                x=xf + xf[::-1],
                y=[b[1] for b in bands] + [b[0] for b in bands][::-1],
                fill="toself",
                fillcolor="rgba(204, 121, 167, 0.15)",
                line=dict(width=0),
                name=_l("band", lang),
                hoverinfo="skip",
            )
        )
        traces.append(
            dict(
                type="scatter",
                x=xf,
                y=[fc.value_at(d) for d in xf],
                mode="lines",
                name=_l("forecast", lang),
                line=dict(color=FORECAST, dash="dot", width=3),
                hovertemplate=_hover_day(lang)
                + ": %{y:,.4~g}"
                + suffix
                + "<extra>"
                + _l("forecast", lang)
                + "</extra>",
            )
        )
        if fc.reach_date and fc.reach_date >= start:
            # Two short lines, on the side of the date where the plot has room: one line of 40 characters was cut
            # off at 320 px (WCAG 1.4.10 reflow).
            text = "<br>".join(textwrap.wrap(_l("reach", lang, day=fmt_date(fc.reach_date, lang)), NOTE_LINE))
            note = dict(
                y=0.03,
                yref="paper",
                showarrow=False,
                yanchor="bottom",
                align="left",
                text=text,
                font=dict(color="#7a3d63", size=14),
                bgcolor="rgba(255,255,255,0.8)",
            )
            if fc.reach_date <= last:
                shapes.append(_vline(fc.reach_date, color=FORECAST, width=1, dash="dot"))
                pad_days = max((last - first).days // 40, 20)  # as the x range below
                share = ((fc.reach_date - first).days + pad_days) / ((last - first).days + 2 * pad_days)
                side = "right" if share > 0.35 else "left"
                annotations.append(dict(note, x=fc.reach_date, xanchor=side, align=side))
            else:  # far beyond the plan: named in words at the right edge instead of stretching the time axis
                annotations.append(dict(note, x=1, xref="paper", xanchor="right", align="right", text=text + " →"))
    if len(series):
        # Plotly renders tags in hover text: comments are user text, so they are escaped.
        texts = [
            html.escape((comments or {}).get(p) or (c if isinstance(c, str) else ""))
            for p, c in zip(series["period"], series["comment"])
        ]
        quality = _qualities(series)
        texts = [_with_quality(text, q, lang) for text, q in zip(texts, quality)]
        # A marker per value up to five years of monthly data; beyond that the line alone (240 markers take the
        # browser a quarter of a second to draw and show nothing the line does not), with markers only where a
        # value is not final.
        many = len(series) > 60
        traces.append(
            dict(
                type="scatter",
                x=list(series["period"]),
                y=list(series["value"]),
                mode="lines+markers" if not many or any(q in HOLLOW for q in quality) else "lines",
                name=_l("actual", lang),
                line=dict(color=ACTUAL, width=3),
                marker=dict(
                    size=[9 if q in HOLLOW or not many else 0 for q in quality],
                    color=ACTUAL,
                    symbol=["circle-open" if q in HOLLOW else "circle" for q in quality],
                    line=dict(color=ACTUAL, width=2),
                ),
                customdata=[[text] for text in texts],
                hovertemplate=_hover_day(lang) + ": <b>%{y:,.4~g}" + suffix + "</b><br>%{customdata[0]}"
                "<extra>" + _l("actual", lang) + "</extra>",
            )
        )
        for period, q in zip(series["period"], quality):
            if q == "break":  # a break in the series: a dotted line with its word
                shapes.append(_vline(period, color="#1a1a1a", width=1.5, dash="dot"))
                annotations.append(
                    dict(
                        x=period,
                        y=1,
                        yref="paper",
                        yanchor="top",
                        xanchor="right",
                        showarrow=False,
                        text=_l("break", lang),
                        font=dict(size=13, color="#1a1a1a"),
                        bgcolor="rgba(255,255,255,0.85)",
                    )
                )
        latest = series.iloc[-1]
        traces.append(
            dict(
                type="scatter",
                x=[latest["period"]],
                y=[latest["value"]],
                mode="markers+text",
                showlegend=False,
                hoverinfo="skip",
                # A provisional or estimated newest value: a ring in the status colour, not a filled dot.
                marker=_newest_marker(status_color(status.status.value), quality[-1], size=18, ring=4),
                # The word goes on the side away from the target path, so that the dashed line does not cross it.
                text=[status_label(status.status.value, lang)],
                textposition="bottom center"
                if (status.planned_value is not None and latest["value"] < status.planned_value)
                else "top center",
                textfont=dict(size=15, color="#1a1a1a"),
            )
        )
    if today and first <= today <= last + timedelta(days=400):
        shapes.append(_vline(today, color="#767676", width=1))
    pad = timedelta(days=max((last - first).days // 40, 20))
    shown = [y for trace in traces for y in trace["y"]]
    return _figure(
        traces,
        lang,
        height,
        shapes=shapes,
        annotations=annotations,
        margin=dict(l=58 + TICK_PX * tick_chars(shown, lang), r=20, t=LEGEND_TOP, b=44),
        xaxis=dict(range=[first - pad, last + pad], **year_ticks(kpi, first, last)),
        yaxis=dict(title=dict(text=kpi.unit, font=dict(size=15))),
    )


def small_multiple(kpi: Kpi, series: pd.DataFrame, status: KpiStatus, lang: str = "de", height: int = 190) -> go.Figure:
    """A compact actual-vs-target chart for grids of KPIs."""
    xs, plan = plan_path(kpi)
    traces: list[dict] = [
        dict(
            type="scatter",
            x=xs,
            y=plan,
            mode="lines",
            line=dict(color=PLAN, dash="dash", width=2),
            hovertemplate="%{x|%Y}: %{y:,.4~g}<extra>" + _l("plan", lang) + "</extra>",
        )
    ]
    first, last = kpi.baseline_period, xs[-1]
    shapes: list[dict] = []
    if len(series):
        traces.append(
            dict(
                type="scatter",
                x=list(series["period"]),
                y=list(series["value"]),
                mode="lines",
                line=dict(color=ACTUAL, width=3),
                hovertemplate=_hover_day(lang) + ": %{y:,.4~g}<extra>" + _l("actual", lang) + "</extra>",
            )
        )
        latest = series.iloc[-1]
        quality = _qualities(series)
        marker = _newest_marker(status_color(status.status.value), quality[-1], size=13, ring=3)
        traces.append(
            dict(
                type="scatter",
                x=[latest["period"]],
                y=[latest["value"]],
                mode="markers",
                hoverinfo="skip",
                marker=marker,
            )
        )
        first, last = min(first, series["period"].iloc[0]), max(last, latest["period"])
        shapes = [
            _vline(p, color="#1a1a1a", width=1.5, dash="dot") for p, q in zip(series["period"], quality) if q == "break"
        ]
    shown = [y for trace in traces for y in trace["y"]]
    return _figure(
        traces,
        lang,
        height,
        legend=False,
        font={**FONT, "size": 13},
        tick_size=13,
        shapes=shapes,
        margin=dict(l=16 + 9 * tick_chars(shown, lang), r=12, t=6, b=34),
        xaxis=dict(nticks=3, **year_ticks(kpi, first, last, most=3)),
        yaxis=dict(nticks=4),
    )


def status_bar(counts: dict[str, int], lang: str = "de", height: int = 64) -> go.Figure:
    """One stacked bar: how many KPIs per status, each segment labelled with icon, word and count."""
    total = sum(counts.values()) or 1
    traces = []
    for status in i18n.STATUS_STYLE:
        n = counts.get(status, 0)
        if not n:
            continue
        label = f"{i18n.STATUS_STYLE[status]['icon']} {n}"
        traces.append(
            dict(
                type="bar",
                x=[n],
                y=[""],
                orientation="h",
                name=status_label(status, lang),
                marker=dict(color=status_color(status)),
                text=[label if n / total > 0.06 else ""],
                textposition="inside",
                insidetextanchor="middle",
                textfont=dict(size=17, color=i18n.status_text_color(status)),
                hovertemplate=f"{status_label(status, lang)}: {n}<extra></extra>",
            )
        )
    # No legend: every segment carries icon and count, and the page prints the words beside it.
    return _figure(
        traces,
        lang,
        height,
        legend=False,
        barmode="stack",
        margin=dict(l=2, r=2, t=2, b=2),
        bargap=0.1,
        xaxis=dict(visible=False, range=[0, total]),
        yaxis=dict(visible=False),
    )


def measures_timeline(measures: pd.DataFrame, lang: str = "de", today: date | None = None) -> go.Figure:
    """Gantt-style bars from start to planned end, coloured by state; late measures marked with ⚠."""
    # Colours >= 3:1 on white; the state is also a pattern and a word after the title (never by colour alone).
    colors = {
        "geplant": "#858585",
        "in_umsetzung": "#0072B2",
        "abgeschlossen": "#009E73",
        "pausiert": "#9C8F00",
        "verzoegert": "#D55E00",
    }
    patterns = {"geplant": ".", "pausiert": "/", "verzoegert": "x"}
    frame = measures.sort_values(["planned_end"], ascending=False)
    # Each row is its whole title (wrapped, never cut) above its bar, and the bars use the plot's full width: titles
    # beside the bars took 364 px and left the bars 1 px at 320 px (WCAG 1.4.10 reflow). Lines of 34 characters fit
    # a 320 px screen at 14 px.
    labels = [
        "<br>".join(
            html.escape(line)
            for line in textwrap.wrap(
                ("⚠ " if late else "") + f"{mid} {title} · {i18n.measure_state_label(state, lang)}",
                TIMELINE_LINE,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
        for mid, title, late, state in zip(frame["id"], frame["title"], frame["late"], frame["state"])
    ]
    # The y axis counts pixels from the top: each row is its title's lines, then its bar, then a gap.
    tops, centres, total = [], [], 0
    for label in labels:
        tops.append(total + 6)
        title = 6 + TIMELINE_LINE_PX * (label.count("<br>") + 1)
        centres.append(total + title + 5 + TIMELINE_BAR / 2)
        total += title + 5 + TIMELINE_BAR + 10
    traces = []
    for state, color in colors.items():
        part = frame["state"] == state
        if not part.any():
            continue
        sub = frame[part]
        starts = pd.to_datetime(sub["start"])
        ends = pd.to_datetime(sub["planned_end"])
        traces.append(
            dict(
                type="bar",
                base=list(starts),
                x=list((ends - starts).dt.total_seconds() * 1000),
                y=[c for c, p in zip(centres, part) if p],
                orientation="h",
                width=TIMELINE_BAR,
                name=i18n.measure_state_label(state, lang),
                marker=dict(
                    color=color,
                    line=dict(color=["#1a1a1a" if late else color for late in sub["late"]], width=2),
                    pattern=dict(shape=patterns.get(state, ""), fgcolor="white", fillmode="overlay"),
                ),
                customdata=list(
                    zip(
                        sub["progress"].map(lambda v: fmt_number(v, lang, 0)),
                        [fmt_date(d, lang) for d in sub["planned_end"]],
                        [lbl for lbl, p in zip(labels, part) if p],
                    )
                ),
                hovertemplate="%{customdata[2]}<br>"
                + i18n.t("chart.measure_hover", lang, progress="%{customdata[0]}", end="%{customdata[1]}")
                + "<extra></extra>",
            )
        )
    annotations = [
        dict(
            x=0,
            xref="paper",
            y=top,
            yref="y",
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            text=label,
            font=dict(size=14, color="#1a1a1a"),
            bgcolor="rgba(255,255,255,0.85)",
        )
        for top, label in zip(tops, labels)
    ]
    shapes = []
    if today:
        shapes.append(_vline(today, color="#1a1a1a", width=2, dash="dot"))
        annotations.append(dict(x=today, y=1, yref="paper", text=_l("today", lang), showarrow=False, yanchor="bottom"))
    return _figure(
        traces,
        lang,
        max(320, total + LEGEND_TOP + 40),
        barmode="overlay",
        shapes=shapes,
        margin=dict(l=10, r=10, t=LEGEND_TOP, b=40),
        annotations=annotations,
        xaxis=dict(type="date", tickformat="%Y"),
        yaxis=dict(showticklabels=False, showgrid=False, zeroline=False, range=[total, 0]),  # first row on top
    )
