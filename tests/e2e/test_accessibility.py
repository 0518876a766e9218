"""Accessibility in Chromium (issue 15, BITV 2.0 / WCAG 2.1 AA): axe-core finds no violation (wcag2a, wcag2aa,
wcag21a, wcag21aa) on any page, in German and English, logged out and as it_office and admin, and on the
committee deck also in presenting mode; the whole page is scanned (tests/e2e/axe_scan.py). The figures of every
page are written to axe-results.json beside the screenshots (docs/ACCESSIBILITY.md has them before and after)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi import auth
from kpi.serve import start_server, stop_server
from kpi.store import Store
from tests.e2e.axe_scan import details, scan, summary
from tests.e2e.conftest import PASSWORD, SCREENSHOTS, assert_no_exception, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PUBLIC = [
    "",
    "themenfelder",
    "kennzahlen",
    "kennzahlen?kpi=EG-03",
    "massnahmen",
    "bereich",
    "praesentation",
    "barrierefreiheit",
]
STAFF = {"it_office": ["", "upload", "protokoll"], "admin": ["upload", "protokoll", "katalog"]}
LOGIN = {"de": ("Benutzer", "Passwort", "Anmelden"), "en": ("User", "Password", "Log in")}
PRESENT = {"de": ("Präsentieren", "Beenden"), "en": ("Present", "End")}

# What axe cannot see, on every page: the language, one h1, named charts, no single-character shortcut.
BEYOND_AXE = """() => ({
    lang: document.documentElement.lang,
    h1: document.querySelectorAll('[data-testid=stMain] h1').length,
    unnamed: [...document.querySelectorAll('[data-testid=stMain] .stPlotlyChart')]
        .filter(c => (c.getAttribute('aria-label') || '').length < 40).length,
    charts: [...document.querySelectorAll('[data-testid=stMain] .stPlotlyChart')]
        .map(c => c.getAttribute('aria-label')),
    single_keys: [...document.querySelectorAll('kbd[aria-label]')].map(k => k.getAttribute('aria-label'))
        .filter(l => /^(Shortcut|Tastenkürzel) [A-Za-z0-9]$/.test(l)),
})"""
# The keyboard focus on the first link of the main area: outline style, width and colour.
FOCUS = """() => { const a = document.activeElement; const s = getComputedStyle(a);
    return [a.tagName, s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"""
CHART_WORD = {"de": "Diagramm: ", "en": "Chart: "}


@pytest.fixture(scope="module")
def a11y_server(tmp_path_factory, seeded_template: Path) -> Iterator[str]:
    db = tmp_path_factory.mktemp("a11y") / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    store = Store(f"duckdb:///{db}")
    for role in STAFF:
        auth.add_user(store, role, role, PASSWORD)
    proc, url = start_server(db)
    yield url
    stop_server(proc)


def settle(page) -> None:
    wait_for_app(page, timeout=60_000)
    page.wait_for_function(
        '() => document.querySelectorAll(\'[data-testid="stMain"] [data-stale="true"]\').length === 0', timeout=30_000
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMain] .stPlotlyChart')]"
        ".every(e => e.querySelector('.main-svg'))",
        timeout=60_000,
    )
    page.wait_for_timeout(500)


def visit(page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert_no_exception(page)


def log_in(page, base: str, user: str, lang: str) -> None:
    name, password, button = LOGIN[lang]
    visit(page, f"{base}/?lang={lang}" if lang != "de" else base)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_label(name, exact=True).fill(user)
    sidebar.get_by_label(password, exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name=button).click()
    sidebar.get_by_text("Angemeldet als" if lang == "de" else "Logged in as").wait_for(timeout=30_000)
    settle(page)


def url(base: str, path: str, lang: str) -> str:
    if lang == "de":
        return f"{base}/{path}"
    return f"{base}/{path}{'&' if '?' in path else '?'}lang=en"


def beyond_axe(page, lang: str, name: str) -> list[str]:
    found = page.evaluate(BEYOND_AXE)
    problems = [] if found["lang"] == lang else [f"{name}: <html lang={found['lang']!r}>"]
    problems += [] if found["h1"] == 1 else [f"{name}: {found['h1']} h1"]
    problems += [f"{name}: {found['unnamed']} charts without a name"] if found["unnamed"] else []
    problems += [f"{name}: chart name {c!r}" for c in found["charts"] if not (c or "").startswith(CHART_WORD[lang])]
    return problems + [f"{name}: single-key shortcut {k}" for k in found["single_keys"]]


def scan_all(browser, base: str, lang: str, problems: list[str]) -> dict[str, dict[str, set[str]]]:
    """Every page of every role in `lang`: `who /path` -> violations; what axe cannot see into `problems`."""
    results: dict[str, dict[str, set[str]]] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = context.new_page()
    try:
        for path in PUBLIC:
            visit(page, url(base, path, lang))
            results[f"public /{path}"] = scan(page)
            problems += beyond_axe(page, lang, f"/{path}")
            if path == "praesentation":
                start, end = PRESENT[lang]
                page.get_by_role("button", name=start).click()
                page.get_by_role("button", name=end).wait_for(timeout=30_000)
                settle(page)
                results["public /praesentation presenting, slide 1"] = scan(page)
                problems += beyond_axe(page, lang, "/praesentation presenting")
                for _ in range(3):
                    page.keyboard.press("ArrowRight")
                    settle(page)
                results["public /praesentation presenting, slide 4"] = scan(page)
                live = page.locator("[role=status][aria-live=polite]").inner_text()
                word = "Folie 4 von " if lang == "de" else "Slide 4 of "
                problems += [] if live.startswith(word) else [f"slide change announced as {live!r}"]
                page.keyboard.press("Escape")
                settle(page)
    finally:
        context.close()
    for user, paths in STAFF.items():
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
        page = context.new_page()
        try:
            log_in(page, base, user, lang)
            for path in paths:
                visit(page, url(base, path, lang))
                results[f"{user} /{path}"] = scan(page)
                problems += beyond_axe(page, lang, f"{user} /{path}")
        finally:
            context.close()
    return results


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violation_on_any_page(browser, a11y_server, lang):
    problems: list[str] = []
    results = scan_all(browser, a11y_server, lang, problems)
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"axe-results-{lang}.json").write_text(
        json.dumps(
            {page: {rule: sorted(targets) for rule, targets in found.items()} for page, found in results.items()},
            indent=1,
            ensure_ascii=False,
        )
    )
    failing = {page: found for page, found in results.items() if found}
    report = "\n".join(f"{page}: {summary(found)}\n{details(found)}" for page, found in failing.items())
    assert not failing, f"axe violations ({lang}):\n{report}"
    assert not problems, problems


def test_keyboard_focus_is_visible_on_links_and_buttons(browser, a11y_server):
    """A 3 px outline in a blue of 6.6:1 on white, where Streamlit shows a tint of 1.1:1."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        visit(page, f"{a11y_server}/")
        for selector in (
            "[data-testid=stMain] [data-testid=stPageLink-NavLink]",
            "[data-testid=stSidebarNavLink]",
            "[data-testid=stSidebar] button",
        ):
            page.locator(selector).first.focus()
            tag, style, width, color = page.evaluate(FOCUS)
            assert style == "solid" and width >= 3 and color == "rgb(11, 87, 208)", (selector, tag, style, color)
    finally:
        page.close()
