"""axe-core (bundled by the PyPI package axe-playwright-python; axe-core itself is MPL-2.0) over a whole
Streamlit page: Streamlit draws some elements (charts, grids) only once they come into view, so the window is
made as tall as the page and axe runs once over all of it. The violations are given per rule as the set of
offending elements.

The walk over every page (`check_language`) is shared by tests/e2e/test_accessibility.py (German) and
tests/e2e/test_accessibility_english.py: two files, so that the two longest tests of the suite run on both xdist
workers at once."""

from __future__ import annotations

import json

from axe_playwright_python.sync_playwright import Axe

from kpi.texts import TEXTS
from tests.e2e.conftest import PASSWORD, SCREENSHOTS, assert_no_exception, wait_for_app

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}

_AXE = Axe()

# How tall the page is: Streamlit scrolls its main section (and the sidebar its own), not the document.
FULL_HEIGHT = """() => Math.max(...[...document.querySelectorAll(
    '[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stSidebarContent]')]
    .map(e => e.scrollHeight), document.documentElement.scrollHeight)"""
# Every chart on the page drawn (Streamlit draws a chart once it comes into view).
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid=stMain] .stPlotlyChart')]
    .every(e => e.querySelector('.main-svg'))"""


def run_axe(page) -> dict[str, set[str]]:
    """One axe run on what the page shows now: rule id (with impact) -> targets of the offending elements."""
    found: dict[str, set[str]] = {}
    for violation in _AXE.run(page, options=OPTIONS).response["violations"]:
        targets = {" ".join(str(t) for t in node["target"]) for node in violation["nodes"]}
        found.setdefault(f"{violation['id']} ({violation['impact']})", set()).update(targets)
    return found


def scan(page, max_height: int = 20_000) -> dict[str, set[str]]:
    """axe over the whole page in one run: the window is made as tall as the content (up to `max_height`), so
    that every element is on screen and drawn, then set back to its size."""
    size = page.viewport_size
    height = min(int(page.evaluate(FULL_HEIGHT)) + 40, max_height)
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
            page.wait_for_timeout(250)
        return run_axe(page)
    finally:
        if height > size["height"]:
            page.set_viewport_size(size)


def summary(found: dict[str, set[str]]) -> str:
    """`color-contrast (serious) 41, …`, or `0`."""
    return ", ".join(f"{rule}: {len(targets)}" for rule, targets in sorted(found.items())) or "0"


def details(found: dict[str, set[str]], most: int = 6) -> str:
    return "\n".join(f"  {rule}: " + "; ".join(sorted(targets)[:most]) for rule, targets in sorted(found.items()))


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
CHART_WORD = {"de": "Diagramm: ", "en": "Chart: "}
LOGGED_IN = {"de": "Angemeldet als", "en": "Logged in as"}


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


def go(page, base: str, path: str, lang: str) -> None:
    """To `path` as a visitor moves on: by the sidebar's menu when it lists the page (Streamlit switches pages within
    the session: 1.4 s instead of 2.7 s for loading the page anew, medians of 12), else by its URL."""
    target = f"{base}/{path}"
    if page.url.split("?")[0] == target:
        return settle(page)
    link = page.locator(f"[data-testid=stSidebarNav] a[href='{target}']")
    if "?" in path or not page.url.startswith(base) or link.count() == 0:
        return visit(page, url(base, path, lang))
    title = page.title()
    link.click()
    page.wait_for_function("title => document.title !== title", arg=title, timeout=30_000)
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


def not_shown(page, lang: str, name: str) -> list[str]:
    """The page a staff member sees, not a refusal or a login request (which axe would scan just as well)."""
    problems = []
    if not page.locator("[data-testid=stSidebar]").get_by_text(LOGGED_IN[lang]).count():
        problems.append(f"{name}: not logged in")
    for key in ("denied.page", "denied.login"):
        if page.get_by_text(TEXTS[key][0 if lang == "de" else 1]).count():
            problems.append(f"{name}: refused")
    return problems


def scan_all(new_page, base: str, lang: str, problems: list[str]) -> dict[str, dict[str, set[str]]]:
    """Every page of every role in `lang`, in one tab (tests/e2e/conftest.py `new_page`; its login cookie cleared
    before each role), moving on by the sidebar's menu where it lists the page (`go`): `who /path` -> violations;
    what axe cannot see into `problems`."""
    results: dict[str, dict[str, set[str]]] = {}
    page = new_page(1280, 800)
    page.goto("about:blank")  # the shared tab may still show an earlier test's page (presenting, say): load anew
    for path in PUBLIC:
        go(page, base, path, lang)
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
    for user, paths in STAFF.items():
        page.context.clear_cookies()  # the same tab (new_page), logged out
        log_in(page, base, user, lang)
        for path in paths:
            go(page, base, path, lang)
            results[f"{user} /{path}"] = scan(page)
            problems += beyond_axe(page, lang, f"{user} /{path}") + not_shown(page, lang, f"{user} /{path}")
    return results


def check_language(new_page, base: str, lang: str) -> None:
    """axe finds no violation on any page of any role in `lang`, and nothing beyond axe is wrong; the figures of
    every page go to screenshots/axe-results-<lang>.json."""
    problems: list[str] = []
    results = scan_all(new_page, base, lang, problems)
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
