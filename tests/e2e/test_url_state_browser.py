"""State in the URL in a real browser: a link with language and Stand shows that view and F5 keeps it; the
presentation survives F5 on the same slide and in presentation mode."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_no_exception, start_presenting, wait_for_app

pytestmark = pytest.mark.e2e


def sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_link_with_language_and_stand_survives_reload_and_page_switch(server, new_page):
    page = new_page(1280, 800)
    page.goto(f"{server}/kennzahlen?kpi=EG-03&lang=en&stand=2025-12-31")
    wait_for_app(page)
    assert "Language" in sidebar_text(page) and "Frozen as of" in sidebar_text(page)
    assert "Frozen as of 31/12/2025" in sidebar_text(page)  # English date format
    page.reload()
    wait_for_app(page)
    assert "Frozen as of" in sidebar_text(page)
    assert "lang=en" in page.url and "stand=2025-12-31" in page.url and "kpi=EG-03" in page.url
    page.locator("[data-testid='stSidebar'] a[href$='massnahmen']").first.click()  # a page from the menu
    page.wait_for_url(re.compile(r"/massnahmen"))
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('stand=2025-12-31')", timeout=15000)
    assert "lang=en" in page.url
    assert_no_exception(page)


def test_presentation_survives_reload_on_its_slide_in_presentation_mode(server, new_page):
    page = new_page(1280, 720)
    start_presenting(page, server)
    for number in (2, 3, 4):
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f".st-key-slide .slide-no >> text=/^Folie {number} \\//", timeout=30000)
        wait_for_app(page)
    page.wait_for_function("() => location.search.includes('folie=4')", timeout=15000)
    assert "modus=praesentieren" in page.url and "stand=2025-12-31" in page.url

    page.reload()
    page.wait_for_selector(".st-key-slide .slide-no >> text=/^Folie 4 \\//", timeout=60000)
    wait_for_app(page)
    assert page.locator("button:has-text('Beenden')").count() == 1  # still presenting
    assert page.locator("section[data-testid='stSidebar']").is_hidden()
    assert "Stand: 31.12.2025" in page.locator(".st-key-slide").inner_text()
    assert_no_exception(page)
