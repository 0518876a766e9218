"""Issue 12, finding 10: text from a typed URL is shown as text on the page (no link, image or colour)."""

from __future__ import annotations

from tests.pages.conftest import open_page


def test_10_a_crafted_kpi_link_shows_no_working_link(demo_store):
    at = open_page("kennzahlen", kpi="[Bitte hier neu anmelden](http://x.example/login)")
    warnings = [str(w.value) for w in at.warning]
    assert any("Bitte hier neu anmelden" in w for w in warnings), warnings
    assert not any("[Bitte hier neu anmelden](http" in w for w in warnings), warnings
    assert any("\\[Bitte hier neu anmelden\\]\\(http\\:\\/\\/x\\.example\\/login\\)" in w for w in warnings)
