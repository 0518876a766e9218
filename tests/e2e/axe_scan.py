"""axe-core (bundled by the PyPI package axe-playwright-python; axe-core itself is MPL-2.0) over a whole
Streamlit page: the main container is scrolled one screen at a time and axe runs on every screen, since
Streamlit draws some elements (charts, grids) only once they come into view. The violations of all screens are
merged per rule into the set of offending elements."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}

_AXE = Axe()

# The element that scrolls the page: Streamlit scrolls its main section, not the document.
SCROLL = """(step) => {
    const cands = [document.querySelector('[data-testid=stMain]'),
                   document.querySelector('[data-testid=stAppViewContainer]'), document.scrollingElement];
    const e = cands.find(e => e && e.scrollHeight > e.clientHeight + 2 &&
                          (e === document.scrollingElement ||
                           ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)));
    if (!e) return false;
    if (step === 0) { e.scrollTop = 0; return true; }
    const before = e.scrollTop;
    e.scrollTop = before + e.clientHeight * 0.9;
    return e.scrollTop > before + 1; }"""


def run_axe(page) -> dict[str, set[str]]:
    """One axe run on what the page shows now: rule id (with impact) -> targets of the offending elements."""
    found: dict[str, set[str]] = {}
    for violation in _AXE.run(page, options=OPTIONS).response["violations"]:
        targets = {" ".join(str(t) for t in node["target"]) for node in violation["nodes"]}
        found.setdefault(f"{violation['id']} ({violation['impact']})", set()).update(targets)
    return found


def scan(page, max_screens: int = 40) -> dict[str, set[str]]:
    """axe on every screen of the page, top to bottom (at most `max_screens`), merged."""
    found: dict[str, set[str]] = {}
    page.evaluate(SCROLL, 0)
    for _ in range(max_screens):
        page.wait_for_timeout(250)
        for rule, targets in run_axe(page).items():
            found.setdefault(rule, set()).update(targets)
        if not page.evaluate(SCROLL, 1):
            break
    page.evaluate(SCROLL, 0)
    return found


def summary(found: dict[str, set[str]]) -> str:
    """`color-contrast (serious) 41, …`, or `0`."""
    return ", ".join(f"{rule}: {len(targets)}" for rule, targets in sorted(found.items())) or "0"


def details(found: dict[str, set[str]], most: int = 6) -> str:
    return "\n".join(f"  {rule}: " + "; ".join(sorted(targets)[:most]) for rule, targets in sorted(found.items()))
