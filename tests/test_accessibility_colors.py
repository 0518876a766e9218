"""Status colours meet WCAG 2.1 (issue 15): as graphics >= 3:1 against white (1.4.11), text on them >= 4.5:1
(1.4.3), in the web pages, the charts (status bar labels, measures timeline) and the deck's badges."""

from __future__ import annotations

import pytest

from kpi import charts, i18n
from kpi.report import deck


def luminance(color: str) -> float:
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("status", list(i18n.STATUS_STYLE) + ["stale"])
def test_every_status_colour_stands_out_from_white_as_a_graphic(status):
    color = i18n.STALE_STYLE["color"] if status == "stale" else i18n.status_color(status)
    assert contrast(color, "#FFFFFF") >= 3.0, (status, color)


@pytest.mark.parametrize("status", list(i18n.STATUS_STYLE))
def test_text_on_a_status_colour_is_readable(status):
    assert contrast(i18n.status_text_color(status), i18n.status_color(status)) >= 4.5
    background, text = deck.badge_colors(status)
    assert contrast(text, background) >= 4.5, (status, background, text)


def test_the_status_bar_labels_use_the_readable_text_colour():
    figure = charts.status_bar({s: 5 for s in i18n.STATUS_STYLE})
    for trace in figure.data:
        fill, text = trace.marker.color, trace.textfont.color
        assert contrast(text, fill) >= 4.5, (trace.name, fill, text)


def test_the_measures_timeline_shows_the_state_by_colour_pattern_and_word():
    import pandas as pd

    states = ["geplant", "in_umsetzung", "abgeschlossen", "pausiert", "verzoegert"]
    frame = pd.DataFrame(
        {
            "id": [f"M-{i}" for i in range(5)],
            "title": ["Portal"] * 5,
            "state": states,
            "late": [False] * 5,
            "progress": [10] * 5,
            "start": ["2025-01-01"] * 5,
            "planned_end": [pd.Timestamp("2026-06-30").date()] * 5,
        }
    )
    figure = charts.measures_timeline(frame, "de")
    for trace in figure.data:
        assert contrast(trace.marker.color, "#FFFFFF") >= 3.0, trace.name
        assert all(trace.name in row[2] for row in trace.customdata), (trace.name, trace.customdata)
    titles = [a.text for a in figure.layout.annotations]
    assert all(
        any(f"M-{i} Portal · {word}" in t for t in titles)
        for i, word in enumerate(["geplant", "in Umsetzung", "abgeschlossen", "pausiert", "verzögert"])
    )  # the word in the title above the bar
    shapes = {trace.name: trace.marker.pattern.shape for trace in figure.data}
    assert shapes["pausiert"] and shapes["geplant"] and shapes["pausiert"] != shapes["geplant"]
