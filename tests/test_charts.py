"""The Plotly figure builders (pure): German tick labels, margins that hold them, yearly ticks."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from kpi import charts, i18n, report
from kpi.report import load_deck
from kpi.seed import seed
from kpi.store import Store
from kpi.views import in_language, kpi_detail, snapshot


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(f"duckdb:///{tmp_path_factory.mktemp('charts') / 'demo.duckdb'}")
    seed(store)
    return store, snapshot(store)


@pytest.mark.parametrize(
    "values, lang, chars",
    [
        ([4_200, 40_000], "de", 6),  # ticks up to 40.000 or 44.000: "40.000"
        ([12, 95], "de", 3),  # up to 100 or 104.5 rounded: "105"
        ([0.2, 1.4], "de", 3),  # small span: one decimal, "1,5"
        ([0.01, 0.3], "en", 4),  # very small span: two decimals, "0.33"
        ([-50, 20], "de", 3),  # the minus sign counts: "-55"
        ([1_234_567], "en", 9),  # "1,358,024"
        ([], "de", 3),
        ([None, float("nan")], "de", 3),
    ],
)
def test_tick_chars_counts_the_longest_label(values, lang, chars):
    assert charts.tick_chars(values, lang) == chars


def test_kpi_chart_writes_thousands_out_and_sizes_its_margins_for_them(demo):
    store, snap = demo
    detail = kpi_detail(store, snap, "EG-02")  # 4.200 to 40.000 applications
    fig = charts.kpi_figure(detail.kpi, detail.series, detail.status, "de", today=date(2026, 11, 25))
    layout = fig.layout
    assert layout.yaxis.exponentformat == "none" and layout.yaxis.separatethousands  # "35.000", not "35k"
    assert layout.separators == ",."
    assert layout.yaxis.tickfont.size == 15 and layout.xaxis.tickfont.size == 15  # readable on a projector
    assert layout.margin.l == 58 + charts.TICK_PX * 6  # six characters: "40.000"
    assert layout.margin.t == charts.LEGEND_TOP and layout.margin.b >= 40
    assert layout.template.layout.yaxis.automargin  # a wider label than estimated still fits


def test_small_percent_kpi_gets_a_narrower_margin_than_a_large_count(demo):
    store, snap = demo
    share, count = (kpi_detail(store, snap, k) for k in ("EG-03", "EG-11"))
    narrow = charts.kpi_figure(share.kpi, share.series, share.status, "de").layout.margin.l
    wide = charts.kpi_figure(count.kpi, count.series, count.status, "de").layout.margin.l
    assert narrow < wide


def test_small_multiple_and_timeline_start_with_room_for_their_labels(demo):
    store, snap = demo
    detail = kpi_detail(store, snap, "EG-02")
    small = charts.small_multiple(detail.kpi, detail.series, detail.status, "de").layout
    assert small.margin.l == 16 + 9 * 6 and small.margin.b >= 30 and small.yaxis.separatethousands
    measures = pd.DataFrame(
        {
            "id": ["M-01"],
            "title": ["Serviceportal für Online-Dienste"],
            "late": [False],
            "state": ["in_umsetzung"],
            "start": [date(2021, 3, 1)],
            "planned_end": [date(2024, 12, 31)],
            "progress": [75],
        }
    )
    timeline = charts.measures_timeline(measures, "de").layout
    assert timeline.margin.t == charts.LEGEND_TOP and timeline.margin.b >= 30


def _measures(titles: list[str]) -> pd.DataFrame:
    n = len(titles)
    return pd.DataFrame(
        {
            "id": [f"M-{i:02d}" for i in range(n)],
            "title": titles,
            "late": [i == 0 for i in range(n)],
            "state": ["in_umsetzung"] * n,
            "start": [date(2021, 3, 1)] * n,
            "planned_end": [date(2026 + i, 12, 31) for i in range(n)],
            "progress": [50] * n,
        }
    )


def test_timeline_puts_each_title_above_its_bar_and_gives_the_bars_the_whole_width():
    """Reflow at 320 px (WCAG 1.4.10): no labels beside the bars, every title whole, wrapped, above its own bar."""
    long = "Einführung eines stadtweiten Dokumentenmanagementsystems mit E-Akte in allen Fachbereichen"
    figure = charts.measures_timeline(_measures(["Portal", long]), "de")
    layout = figure.layout
    assert layout.margin.l <= 10 and layout.margin.r <= 10 and layout.yaxis.showticklabels is False
    titles = {a.text.removeprefix("⚠ ")[:4]: a for a in layout.annotations}  # "⚠ M-00 …" and "M-01 …"
    top, bottom = layout.yaxis.range[1], layout.yaxis.range[0]
    assert top < bottom  # the first row on top
    bars = dict(zip((row[2] for row in figure.data[0].customdata), figure.data[0].y))
    for mid, annotation in titles.items():
        lines = annotation.text.split("<br>")
        assert all(len(line) <= charts.TIMELINE_LINE + 6 for line in lines)  # fits 320 px (escaped "&amp;" aside)
        centre = next(y for label, y in bars.items() if mid in label)
        title_bottom = annotation.y + charts.TIMELINE_LINE_PX * len(lines)
        assert annotation.xref == "paper" and annotation.x == 0 and annotation.yanchor == "top"
        assert title_bottom < centre - charts.TIMELINE_BAR / 2  # the title ends above its bar
    assert " ".join(titles["M-01"].text.split("<br>")) == f"M-01 {long} · in Umsetzung"  # whole, not cut
    assert titles["M-00"].text.startswith("⚠ M-00 Portal")  # late
    assert figure.data[0].width == charts.TIMELINE_BAR


@pytest.mark.parametrize("kpi_id", ["EG-03", "EG-09"])  # beyond the axis ("… →"), and on it
def test_forecast_note_is_two_short_lines_on_the_side_with_room(demo, kpi_id):
    store, snap = demo
    detail = kpi_detail(store, snap, kpi_id)
    figure = charts.kpi_figure(detail.kpi, detail.series, detail.status, "de", today=date(2026, 11, 25))
    note = next(a for a in figure.layout.annotations if "erreicht" in a.text)
    lines = note.text.split("<br>")
    assert lines[0] == "Ziel voraussichtlich" and lines[1].startswith("erreicht: ")
    assert max(len(line) for line in lines) <= charts.NOTE_LINE + 2
    if note.xref == "paper":
        assert note.x == 1 and note.xanchor == "right"
    else:  # on the time axis: it reaches towards the wider side of the plot
        first, last = (pd.Timestamp(x).date() for x in figure.layout.xaxis.range)
        share = (pd.Timestamp(note.x).date() - first).days / (last - first).days
        assert note.xanchor == ("right" if share > 0.35 else "left")


def test_yearly_kpi_ticks_sit_at_the_year_end(demo):
    store, snap = demo
    kpi = snap.catalog.kpi("EG-02")
    ticks = charts.year_ticks(kpi, date(2020, 12, 31), date(2030, 12, 31))
    assert ticks["tickvals"][0] == date(2020, 12, 31) and ticks["ticktext"][-1] == "2030"


@pytest.mark.parametrize(
    "lang, day, separators, legend",
    [("de", "%{x|%d.%m.%Y}", ",.", "Ist-Werte"), ("en", "%{x|%d/%m/%Y}", ".,", "Actual")],
)
def test_kpi_chart_speaks_the_ui_language(demo, lang, day, separators, legend):
    store, snap = demo
    detail = kpi_detail(store, snap, "EG-01")
    fig = charts.kpi_figure(detail.kpi, detail.series, detail.status, lang, today=date(2026, 11, 25))
    hovers = [trace.hovertemplate for trace in fig.data if trace.hovertemplate and "%{x|" in trace.hovertemplate]
    assert hovers and all(day in h for h in hovers)
    assert fig.layout.separators == separators
    assert legend in {trace.name for trace in fig.data}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_figure_is_what_plotly_validation_would_make_of_it(demo, lang):
    """The figures are built without Plotly's validation (two thirds of their build time), so they must already
    be what validation would make of them: every kind of figure a page or a report draws equals the validated
    figure built from it (in German for every demo KPI, in English for four). A misspelt property makes the
    validated build raise; a shorthand in the layout such as `hoverlabel=dict(font_size=15)`, which only
    validation spells out and Plotly.js would ignore, makes the two differ."""
    store, snap = demo
    snap = in_language(snap, lang)
    figures = [charts.status_bar({status: 2 for status in i18n.STATUS_STYLE}, lang)]
    figures.append(charts.measures_timeline(snap.measures, lang, today=snap.today))
    for kpi in snap.kpis if lang == "de" else snap.kpis[:4]:
        series, status = snap.series(kpi.id), snap.statuses[kpi.id]
        figures.append(charts.small_multiple(kpi, series, status, lang))
        figures.append(charts.kpi_figure(kpi, series, status, lang, today=snap.today))
    deck = load_deck(store, None, lang)
    for full in (True, False):  # the report's charts, with their sizes and fonts set after the build
        figures += [job.build() for job in report._chart_jobs(deck, full)[0][:8]]
    for figure in figures:
        built = json.loads(pio.to_json(figure))
        assert built == json.loads(pio.to_json(go.Figure(figure.to_dict()))), built["layout"].get("title")
