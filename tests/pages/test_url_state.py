"""State in the URL (AppTest): language and Stand from a link start the session and stay in the URL across
page switches; the presentation's slide and mode come from `?folie=…&modus=praesentieren` and follow the
presenter."""

from __future__ import annotations

import re
from datetime import date

from tests.pages.conftest import open_page


def param(at, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_link_with_language_and_stand_sets_the_sidebar_and_stays_in_the_url(demo_store):
    at = open_page("kennzahlen", lang="en", stand="2025-12-31")
    assert not at.exception
    assert at.session_state["keep:lang"] == "en"
    assert at.date_input(key="w:stand").value == date(2025, 12, 31)
    assert param(at, "lang") == "en" and param(at, "stand") == "2025-12-31"
    at.switch_page("app_pages/cockpit.py").run()  # a page switch starts with a fresh URL
    assert not at.exception
    assert param(at, "lang") == "en" and param(at, "stand") == "2025-12-31"


def test_switching_language_and_stand_in_the_sidebar_writes_the_url(demo_store):
    at = open_page("cockpit")
    assert param(at, "lang") is None and param(at, "stand") is None  # the defaults are left out
    at.selectbox(key="w:lang").set_value("en").run()
    at.date_input(key="w:stand").set_value(date(2024, 12, 31)).run()
    assert param(at, "lang") == "en" and param(at, "stand") == "2024-12-31"
    at.date_input(key="w:stand").set_value(date.today()).run()
    assert param(at, "stand") is None


def test_unreadable_stand_in_a_link_falls_back_to_today(demo_store):
    at = open_page("cockpit", stand="gestern")
    assert not at.exception
    assert at.date_input(key="w:stand").value == date.today()


def test_presentation_opens_the_linked_slide_in_presentation_mode_and_follows_the_presenter(demo_store):
    at = open_page("praesentation", folie="3", modus="praesentieren", stand="2025-12-31")
    assert not at.exception
    assert at.session_state["deck:index"] == 2 and at.session_state["deck:present"] is True
    assert param(at, "folie") == "3" and param(at, "modus") == "praesentieren"
    at.button(key="deck-next").click().run()
    assert param(at, "folie") == "4"
    at.button(key="deck-end").click().run()
    assert param(at, "modus") is None and param(at, "folie") == "4" and param(at, "stand") == "2025-12-31"


def test_presentation_slide_number_beyond_the_deck_is_clamped(demo_store):
    at = open_page("praesentation", folie="999")
    assert not at.exception
    shown = re.findall(r"Folie (\d+) / (\d+)", "\n".join(str(m.value) for m in at.main.markdown))
    assert shown and shown[0][0] == shown[0][1] == param(at, "folie")  # the last slide, and the URL says so


def test_filters_of_the_measures_page_come_from_the_link_and_go_back_into_it(demo_store):
    at = open_page("massnahmen", feld="EG-HF1,XX-NOPE", status="verzoegert,in_umsetzung", verspaetet="1")
    assert not at.exception
    assert at.multiselect(key="ms-fields").value == ["EG-HF1"]  # an unknown id in a link is left out
    assert at.multiselect(key="ms-states").value == ["verzoegert", "in_umsetzung"]
    assert at.toggle(key="ms-late").value is True
    assert param(at, "feld") == "EG-HF1"
    at.multiselect(key="ms-states").set_value([]).run()
    at.toggle(key="ms-late").set_value(False).run()
    assert param(at, "status") is None and param(at, "verspaetet") is None and param(at, "feld") == "EG-HF1"


def test_status_filter_of_the_theme_page_lives_in_the_url(demo_store):
    at = open_page("themenfelder", thema="EG", status="off_track")
    assert not at.exception
    assert at.multiselect(key="status-filter").value == ["off_track"]
    at.multiselect(key="status-filter").set_value(["off_track", "at_risk"]).run()
    assert param(at, "status") == "off_track,at_risk"
