"""The UI language reaches what Streamlit draws itself: the language switch names both languages, the Stand
field writes dates as the pages do, shortcut key caps follow the language, and tables and downloads of the
admin pages are in the UI language."""

from __future__ import annotations

import re

import pytest

from kpi.web import a11y
from tests.pages.conftest import open_page
from tests.pages.roles import IT, frame_with, open_as, serve


@pytest.mark.parametrize("lang,date_format", [("de", "DD.MM.YYYY"), ("en", "DD/MM/YYYY")])
def test_language_switch_and_stand_field_follow_the_ui_language(demo_store, lang, date_format):
    at = open_page("cockpit", lang=lang)
    assert not at.exception
    assert at.selectbox(key="w:lang").label == "Sprache / Language"
    assert at.date_input(key="w:stand").proto.format == date_format


@pytest.mark.parametrize("lang,shown", [("de", "Pos1"), ("en", "Home")])
def test_shortcut_key_caps_are_those_of_the_ui_language(demo_store, lang, shown):
    caps = a11y.key_caps(lang)
    assert caps.get("Home", "Home") == shown and caps.get("Pos1", "Pos1") == shown  # also after a switch
    at = open_page("praesentation", lang=lang)
    assert not at.exception
    script = next(h.proto.body for h in at.html if "state.keys" in h.proto.body)
    keys = re.search(r"state\.keys = (\{.*?\});", script).group(1)
    assert (f'"Home": "{shown}"' in keys) == (lang == "de")
    assert (f'"Pos1": "{shown}"' in keys) == (lang == "en")


def test_the_audit_log_is_in_english_in_english(seeded_store, monkeypatch):
    serve(seeded_store, monkeypatch)
    at = open_as("protokoll", IT, {"lang": "en"})
    assert not at.exception
    log = frame_with(at, "SHA-256")
    assert list(log.columns) == ["No.", "Time", "Kind", "File", "Person", "State", "Result", "SHA-256"]
    assert {"Catalog/demo"} <= set(log["Kind"]) and {"committed"} <= set(log["State"])
    assert {b.label for b in at.download_button} == {"CSV export", "Excel export"}
