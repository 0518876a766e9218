"""Accessibility in Chromium (issue 15, BITV 2.0 / WCAG 2.1 AA): axe-core finds no violation (wcag2a, wcag2aa,
wcag21a, wcag21aa) on any page in German, logged out and as it_office and admin, and on the committee deck also in
presenting mode; the whole page is scanned (tests/e2e/axe_scan.py; English: test_accessibility_english.py). The
figures of every page are written to axe-results-de.json beside the screenshots (docs/ACCESSIBILITY.md has them
before and after)."""

from __future__ import annotations

import pytest

from tests.e2e.axe_scan import check_language, visit

pytestmark = pytest.mark.e2e

# The keyboard focus on the first link of the main area: outline style, width and colour.
FOCUS = """() => { const a = document.activeElement; const s = getComputedStyle(a);
    return [a.tagName, s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"""


def test_axe_finds_no_violation_on_any_page_in_german(new_page, server):
    check_language(new_page, server, "de")


def test_keyboard_focus_is_visible_on_links_and_buttons(new_page, server):
    """A 3 px outline in a blue of 6.6:1 on white, where Streamlit shows a tint of 1.1:1."""
    page = new_page(1280, 800)
    visit(page, f"{server}/")
    for selector in (
        "[data-testid=stMain] [data-testid=stPageLink-NavLink]",
        "[data-testid=stSidebarNavLink]",
        "[data-testid=stSidebar] button",
    ):
        page.locator(selector).first.focus()
        tag, style, width, color = page.evaluate(FOCUS)
        assert style == "solid" and width >= 3 and color == "rgb(11, 87, 208)", (selector, tag, style, color)
