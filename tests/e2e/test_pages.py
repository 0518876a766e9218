"""The dashboard pages in Chromium on the real server: key texts, charts drawn, no error, no horizontal scroll,
deep links (also as the first request to a fresh server), and screenshots in two screen sizes for review."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from kpi.serve import start_server, stop_server, wait_for_app
from tests.e2e.conftest import SCREENSHOTS, assert_no_exception

pytestmark = pytest.mark.e2e

CHART = ".js-plotly-plot .main-svg"
FAILED = "konnte nicht geladen werden"  # kpi.web.ui.guard's sentence for a page bug

# path -> (screenshot name, texts that must appear, whether the page draws a chart)
PAGES = {
    "/": (
        "cockpit",
        [
            "Digitalisierungsstrategie der Stadt Iserlohn",
            "Anteil im Plan",
            "Handlungsfelder",
            "Größte Abweichungen vom Plan",
            "im Plan",
        ],
        True,
    ),
    "/themenfelder": (
        "themenfelder",
        ["E-Government", "Digitale Verwaltungsleistungen", "Ziel: ", "Ist 36,1 % · Plan 50 %"],
        True,
    ),
    "/kennzahlen": ("kennzahlen", ["EG-01 · Anteil OZG-Leistungen online", "Steckbrief", "Werte und Revisionen"], True),
    "/massnahmen": (
        "massnahmen",
        ["Maßnahmen", "Zeitplan", "34 Maßnahmen, davon", "M-01 Serviceportal für Online-Dienste"],
        True,
    ),
    "/bereich": ("bereich", ["Stabsstelle Digitalisierung", "Braucht Aufmerksamkeit", "Kennzahlen (7)"], False),
    "/kennzahlen?kpi=EG-03": (
        "kennzahlen-EG-03",
        [
            "EG-03 · Anteil medienbruchfrei bearbeiteter Online-Anträge",
            "✖ nicht im Plan",
            "36,1 %",
            "Ziel voraussichtlich erreicht am",
        ],
        True,
    ),
}
SIZES = [(1920, 1080), (1280, 720)]

# Tables (canvas grids) whose columns are wider than the table, so that some hide behind sideways scrolling.
WIDE_TABLES = """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame] .dvn-scroller,'
    + ' [data-testid=stMain] .kpi-table')]
    .filter(s => s.scrollWidth > s.clientWidth + 1).map(s => [s.scrollWidth, s.clientWidth])"""
# Charts whose margins Plotly had to grow for their labels or legend (kpi.charts estimates them so that it need not:
# growing them draws the chart a second time).
GROWN_MARGINS = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].map(gd => {
    const layout = gd._fullLayout;
    return ['l', 'r', 't', 'b'].filter(side => layout._size[side] > layout.margin[side] + 0.5); })
    .filter(grown => grown.length)"""
# Page links whose label does not fit (st.page_link cuts it off with an ellipsis unless the page lets it wrap).
CUT_LINKS = """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stPageLink-NavLink] > span')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
# Plotly tick labels that begin left of their chart (a margin too small for them); hidden ones have no width.
CUT_AXIS_LABELS = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].flatMap(plot => {
    const left = plot.getBoundingClientRect().left;
    return [...plot.querySelectorAll('.ytick text, .xtick text')]
        .map(t => [t.textContent, t.getBoundingClientRect()])
        .filter(([, box]) => box.width > 0 && box.left < left - 1).map(([text]) => text); })"""


def open_and_wait(page, url: str, texts: list[str], chart: bool) -> None:
    page.goto(url)
    main = page.locator("[data-testid='stMain']")
    for text in texts:
        main.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    if chart:
        page.wait_for_selector(CHART, state="visible", timeout=60_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')].every(e => e.querySelector('.main-svg'))",
            timeout=60_000,
        )


def assert_sidebar_drawn(page) -> None:
    """The shared sidebar: the page menu, the language and the as-of date."""
    sidebar = page.locator("[data-testid='stSidebar']")
    for label in ("Cockpit", "Themenfelder", "Kennzahlen", "Maßnahmen", "Mein Bereich"):
        expect(sidebar.get_by_role("link", name=label).first).to_be_visible(timeout=30_000)
    expect(sidebar).to_contain_text("Sprache / Language", timeout=30_000)
    expect(sidebar.get_by_label("Stand", exact=False).first).to_be_visible(timeout=30_000)


def assert_page_ok(page) -> None:
    assert_no_exception(page)
    assert FAILED not in page.inner_text("body")


def test_sidebar_menu_switches_pages_without_reload(server, new_page):
    page = new_page(1920, 1080)
    open_and_wait(page, server + "/", PAGES["/"][1], True)
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Kennzahlen").first.click()
    page.locator("[data-testid='stMain']").get_by_text("Steckbrief").first.wait_for(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    assert page.url.split("?")[0].endswith("/kennzahlen")
    assert_page_ok(page)


def test_cockpit_list_entries_wrap_and_lead_to_their_detail(server, new_page):
    """At 1280 x 720 a late measure's whole title is its link (wrapped, not cut off), with the detail beneath; the
    link opens the measure's history on /massnahmen."""
    page = new_page(1280, 720)
    open_and_wait(page, server + "/", PAGES["/"][1], True)
    link = page.locator("[data-testid='stMain'] a[href='massnahmen?massnahme=M-19']")
    expect(link).to_have_text("⚠ M-19 WLAN und Endgeräte für alle Unterrichtsräume (DigitalPakt Schule)")
    box = link.bounding_box()
    assert box and box["height"] > 30, box  # two lines in the narrow column
    assert page.evaluate(CUT_LINKS) == []
    page.locator("[data-testid='stMain'] a[href='massnahmen?massnahme=M-01']").click()
    page.locator("[data-testid='stMain']").get_by_text("Laufzeit: 01.03.2021 – 31.12.2024").wait_for(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    assert "massnahme=M-01" in page.url
    assert_page_ok(page)


def test_a_typed_deep_link_as_first_request_to_a_fresh_server(e2e_db, tmp_path, new_page):
    """The first request to a fresh server is a typed deep link: app.py draws the sidebar with the menu, and the
    page shows the KPI the link names."""
    db = tmp_path / "fresh.duckdb"
    shutil.copy(e2e_db, db)
    proc, url = start_server(db)
    try:
        page = new_page(1920, 1080)
        name, texts, chart = PAGES["/kennzahlen?kpi=EG-03"]
        open_and_wait(page, url + "/kennzahlen?kpi=EG-03", texts, chart)
        assert_page_ok(page)
        assert_sidebar_drawn(page)
        assert "kpi=EG-03" in page.url
    finally:
        stop_server(proc)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("path", list(PAGES), ids=[v[0] for v in PAGES.values()])
def test_every_page_shows_its_key_texts_fits_the_screen_and_is_screenshotted(server, new_page, path, size):
    """Every page at both sizes: its key texts, charts and the shared sidebar drawn, no sideways scrolling, no label
    cut off. Screenshots go to screenshots/ for a human look: <page>-<size>.png is the first screen as a visitor sees
    it, <page>-<size>-full.png the whole page (Streamlit scrolls an inner container, so the window is made as
    tall as the content instead of using full_page)."""
    name, texts, chart = PAGES[path]
    width, height = size
    page = new_page(width, height)
    open_and_wait(page, server + path, texts, chart)
    assert_page_ok(page)
    assert_sidebar_drawn(page)
    if chart:
        assert page.locator(CHART).first.is_visible()
    overflow = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]'); return [m.scrollWidth, m.clientWidth]; }"
    )
    assert overflow[0] <= overflow[1], f"{path} scrolls horizontally at {width}x{height}: {overflow}"
    assert page.evaluate(WIDE_TABLES) == [], f"a table on {path} scrolls sideways at {width}x{height}"
    assert page.evaluate(CUT_AXIS_LABELS) == [], f"chart axis labels cut off on {path} at {width}x{height}"
    if path.startswith("/kennzahlen"):
        assert page.evaluate(GROWN_MARGINS) == [], f"the KPI chart's margins were too small at {width}x{height}"
    if path.startswith("/kennzahlen"):
        assert page.locator("[data-testid='stMain'] .kpi-table").count() >= 1
    assert page.evaluate(CUT_LINKS) == [], f"link labels cut off on {path} at {width}x{height}"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}x{height}.png"))
    full_height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stSidebarContent]'"
        ")].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": width, "height": min(int(full_height) + 40, 12_000)})
    page.wait_for_timeout(800)  # charts re-layout to the new window size
    wait_for_app(page, timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}x{height}-full.png"))
