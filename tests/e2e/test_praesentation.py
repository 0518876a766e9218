"""The committee deck in a real browser: presenting mode without sidebar or chrome, keyboard navigation,
every slide fits the screen at 1280 × 720 and 1920 × 1080, and screenshots to look at (screenshots/)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_exception, start_presenting, wait_for_app

pytestmark = pytest.mark.e2e

VIEWPORTS = [(1280, 720), (1920, 1080)]


def settle(page) -> None:
    """The rerun is over: no stale element of the previous slide left, every chart drawn."""
    wait_for_app(page)
    page.wait_for_function(
        '() => document.querySelectorAll(\'[data-testid="stMain"] [data-stale="true"]\').length === 0', timeout=30000
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('.st-key-slide .stPlotlyChart')].every(e => e.querySelector('.main-svg'))",
        timeout=30000,
    )
    page.wait_for_timeout(400)


def go_to(page, key: str, number: int) -> None:
    page.keyboard.press(key)
    page.wait_for_selector(f".st-key-slide .slide-no >> text=/^(Folie|Slide) {number} \\//", timeout=30000)
    settle(page)


def assert_fits_screen(page) -> None:
    """Nothing of the slide is cut off below the screen: the room cannot scroll."""
    bottom = page.evaluate("() => document.querySelector('.st-key-slide').getBoundingClientRect().bottom")
    height = page.evaluate("() => window.innerHeight")
    assert bottom <= height + 1, f"slide ends at {bottom:.0f} px, screen is {height} px"


def smallest_text_px(page) -> float:
    return page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        '.st-key-slide p, .st-key-slide li, .st-key-slide td, .st-key-slide h1, .st-key-slide h3')]
        .filter(e => e.innerText.trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))""")


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_presenting_the_deck(server, new_page, width, height):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page(width, height)
    start_presenting(page, server, settle=settle)

    # Presenting: the slide alone, no sidebar and no Streamlit chrome.
    assert page.locator("section[data-testid='stSidebar']").is_hidden()
    assert page.locator("header[data-testid='stHeader']").is_hidden()
    assert page.get_by_role("button", name="PDF für das Protokoll").count() == 0
    slide = page.locator(".st-key-slide")
    assert "Digitalisierungsstrategie der Stadt Iserlohn" in slide.inner_text()
    assert "Stand: 31.12.2025" in slide.inner_text()
    assert re.search(r"Folie 1 / \d+", slide.inner_text())
    assert_fits_screen(page)
    # Legible from the back of the room: nothing on a slide below 16 px at 1280 × 720, more on larger screens.
    assert smallest_text_px(page) >= 16 * width / 1280 - 0.5
    page.screenshot(path=str(SCREENSHOTS / f"praesentation_titel_{width}x{height}.png"))

    for number in (2, 3, 4):
        go_to(page, "ArrowRight", number)
    text = slide.inner_text()
    assert "Handlungsfeld" in text and "Digitale Verwaltungsleistungen" in text
    assert "Stand: 31.12.2025" in text and "EG-01" in text
    assert re.search(r"(im Plan|nicht im Plan|gefährdet|erreicht|keine Daten)", text)
    assert page.locator(".st-key-slide .stPlotlyChart").count() >= 2
    assert_fits_screen(page)
    page.screenshot(path=str(SCREENSHOTS / f"praesentation_handlungsfeld_{width}x{height}.png"))

    go_to(page, "PageDown", 5)  # a presenter remote sends PageDown
    assert_fits_screen(page)

    page.keyboard.press("End")
    page.wait_for_selector(".st-key-slide h1:has-text('Entscheidungsbedarf')", timeout=30000)
    settle(page)
    text = slide.inner_text()
    assert "Stand: 31.12.2025" in text and "Verspätete Maßnahmen" in text
    total = re.search(r"Folie (\d+) / (\d+)", text)
    assert total and total.group(1) == total.group(2)
    assert_fits_screen(page)
    page.screenshot(path=str(SCREENSHOTS / f"praesentation_entscheidungen_{width}x{height}.png"))

    page.keyboard.press("ArrowLeft")
    page.wait_for_selector(f"text=Folie {int(total.group(1)) - 1} /", timeout=30000)
    settle(page)
    assert_fits_screen(page)

    page.keyboard.press("Escape")  # ends the show: tools and sidebar come back
    page.wait_for_selector("button:has-text('Präsentieren')", timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('section[data-testid=\"stSidebar\"]').getBoundingClientRect().width > 100",
        timeout=10000,
    )
    assert_no_exception(page)
