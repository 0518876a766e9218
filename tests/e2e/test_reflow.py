"""Issue 15 in Chromium, beyond axe: reflow at 320 px (WCAG 1.4.10) of the measures timeline and the forecast note,
`<html lang>` in the first HTML (before any script), and Streamlit's own words in German mode."""

from __future__ import annotations

import urllib.request

import pytest

from kpi.serve import wait_for_app
from tests.e2e.conftest import SCREENSHOTS, assert_no_exception, log_in

pytestmark = pytest.mark.e2e

# The timeline's plot area (Plotly's drag rectangle) and the widths of its bars, as drawn.
TIMELINE = """() => {
    const chart = document.querySelector('[data-testid=stMain] .stPlotlyChart');
    const bars = [...chart.querySelectorAll('.bars path')].map(p => p.getBoundingClientRect().width)
        .filter(w => w > 0).sort((a, b) => a - b);
    return {plot: +chart.querySelector('.nsewdrag').getAttribute('width'), bars};
}"""
# The forecast's note ("Ziel voraussichtlich erreicht …"): its box against the viewport.
NOTE = """() => {
    const note = [...document.querySelectorAll('[data-testid=stMain] .annotation')]
        .find(a => a.textContent.includes('voraussichtlich'));
    const box = note.getBoundingClientRect();
    return {left: box.left, right: box.right, width: innerWidth};
}"""


def open_narrow(new_page, url: str):
    page = new_page(320, 640)
    page.goto(url)
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector("[data-testid=stMain] .stPlotlyChart .main-svg", timeout=60_000)
    assert_no_exception(page)
    return page


def test_timeline_uses_the_whole_width_at_320_px(new_page, server):
    page = open_narrow(new_page, f"{server}/massnahmen")
    page.wait_for_selector("[data-testid=stMain] .stPlotlyChart .bars path", timeout=60_000)
    found = page.evaluate(TIMELINE)
    bars = found["bars"]
    assert found["plot"] >= 250, found  # was 2 px with the titles beside the bars
    assert len(bars) == 34 and bars[len(bars) // 2] > 50, bars  # the median bar (was under 1 px)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("[data-testid=stMain] .stPlotlyChart").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "massnahmen-320.png"))


@pytest.mark.parametrize("kpi_id", ["EG-03", "EG-09"])  # the date beyond the axis ("… →"), and on it
def test_forecast_note_stays_inside_the_screen_at_320_px(new_page, server, kpi_id):
    page = open_narrow(new_page, f"{server}/kennzahlen?kpi={kpi_id}")
    box = page.evaluate(NOTE)
    assert 0 <= box["left"] and box["right"] <= box["width"], box


@pytest.mark.parametrize("query, lang", [("", "de"), ("?lang=en", "en")])
def test_first_html_names_the_ui_language(server, query, lang):
    """What a screen reader gets before Streamlit's script runs (the page path is gzip'd by Streamlit)."""
    request = urllib.request.Request(f"{server}/kennzahlen{query}", headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert f'<html lang="{lang}">' in response.read().decode()


def test_select_box_and_file_uploader_speak_german_in_german_mode(new_page, server):
    page = new_page(1280, 800)
    page.goto(server)
    wait_for_app(page, timeout=60_000)
    search = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox] input").first
    search.click()
    search.fill("zzzz")  # no option matches
    listbox = page.locator("[role=listbox]").first
    listbox.wait_for(timeout=10_000)
    page.wait_for_function("() => document.querySelector('[role=listbox]').innerText.trim() === 'Keine Treffer'")
    page.keyboard.press("Escape")
    page.reload()
    wait_for_app(page, timeout=60_000)
    log_in(page)
    page.goto(f"{server}/upload")
    wait_for_app(page, timeout=60_000)
    zone = page.locator("[data-testid=stFileUploaderDropzone]").first
    zone.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stFileUploaderDropzone]').innerText.includes('je Datei')",
        timeout=10_000,
    )
    text = zone.inner_text()
    assert "Hochladen" in text and "höchstens 20MB je Datei" in text, text
    assert "per file" not in text and "Upload" not in text.replace("Hochladen", ""), text
