"""Accessibility in English (tests/e2e/test_accessibility.py has the German scan and what both share): axe-core
finds no violation on any page in English; the figures go to axe-results-en.json."""

from __future__ import annotations

import pytest

from tests.e2e.axe_scan import check_language

pytestmark = pytest.mark.e2e


def test_axe_finds_no_violation_on_any_page_in_english(new_page, server):
    check_language(new_page, server, "en")
