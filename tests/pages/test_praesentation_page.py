"""The presentation page in Streamlit's AppTest: turning slides within bounds, the slide number, the
Stand frozen for the whole deck until the presenter restarts it, and an empty store said in words.

The page is reached through app.py's navigation (the shared sidebar menu links pages by their path
relative to app.py, so the page file cannot run as the main script of an AppTest on its own).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import report
from kpi.periods import parse_timestamp

ROOT = Path(__file__).resolve().parents[2]
D = "2025-12-31"


@pytest.fixture(autouse=True)
def fresh_app_state(monkeypatch):
    """Streamlit's caches live in the process: each test gets its own store behind get_store()."""
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "true")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(monkeypatch, url: str, **query: str) -> AppTest:
    monkeypatch.setenv("KPI_DB_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("app_pages/praesentation.py")
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """What the page shows outside the sidebar (the sidebar has its own "Stand")."""
    main = at.main
    parts = [m.value for m in main.markdown] + [e.value for e in main.info] + [e.value for e in main.warning]
    parts += [e.value for e in main.caption] + [e.value for e in main.title] + [e.value for e in main.success]
    # Catalog text reaches Markdown escaped (shown literally); compare what the reader sees.
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def slide_number(at: AppTest) -> str:
    found = re.findall(r"Folie \d+ / \d+|Slide \d+ / \d+", texts(at))
    assert found, "no slide number on the page"
    return found[0]


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def deck_length(seeded_store) -> int:
    return len(report.load_deck(seeded_store, parse_timestamp(D)))


def test_deck_opens_on_the_title_slide_with_its_number(monkeypatch, seeded_store, deck_length):
    at = open_page(monkeypatch, seeded_store.url, stand=D)
    assert slide_number(at) == f"Folie 1 / {deck_length}"
    page = texts(at)
    assert "Stand: 31.12.2025" in page
    assert "Digitalisierungsstrategie der Stadt Iserlohn" in page
    assert "Ausschuss für Digitalisierung und Zukunft" in page


def test_next_and_back_turn_slides_and_stop_at_both_ends(monkeypatch, seeded_store, deck_length):
    at = open_page(monkeypatch, seeded_store.url, stand=D)
    assert at.button(key="deck-prev").disabled and at.button(key="deck-first").disabled
    assert not at.button(key="deck-next").disabled

    click(at, "deck-next")
    assert slide_number(at) == f"Folie 2 / {deck_length}"
    assert "E-Government" in texts(at)
    click(at, "deck-prev")
    assert slide_number(at) == f"Folie 1 / {deck_length}"

    click(at, "deck-last")
    assert slide_number(at) == f"Folie {deck_length} / {deck_length}"
    assert "Entscheidungsbedarf" in texts(at)
    assert at.button(key="deck-next").disabled and at.button(key="deck-last").disabled
    assert not at.button(key="deck-prev").disabled
    click(at, "deck-first")
    assert slide_number(at) == f"Folie 1 / {deck_length}"


def test_keyboard_and_presenter_keys_are_bound(monkeypatch, seeded_store):
    at = open_page(monkeypatch, seeded_store.url, stand=D)
    shortcuts = {
        key: at.button(key=key).proto.shortcut
        for key in ("deck-prev", "deck-next", "deck-first", "deck-last", "deck-prev-pg", "deck-next-pg")
    }
    assert shortcuts == {
        "deck-prev": "left",
        "deck-next": "right",
        "deck-first": "home",
        "deck-last": "end",
        "deck-prev-pg": "pageup",
        "deck-next-pg": "pagedown",
    }


def test_action_field_slide_shows_kpis_with_status_word_and_charts(monkeypatch, seeded_store):
    at = open_page(monkeypatch, seeded_store.url, stand=D)
    for _ in range(3):
        click(at, "deck-next")
    page = texts(at)
    assert "Digitale Verwaltungsleistungen" in page
    assert "EG-01 · Anteil OZG-Leistungen online" in page
    assert re.search(r"(im Plan|nicht im Plan|gefährdet|erreicht|keine Daten)</span>", page)
    assert "Kommentare der Ressorts" in page and "Verspätete Maßnahmen" in page
    assert len(at.get("plotly_chart")) >= 2


def test_sidebar_date_change_keeps_the_deck_frozen_until_restart(monkeypatch, seeded_store):
    at = open_page(monkeypatch, seeded_store.url)
    live = re.search(r"Stand: \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", texts(at))
    assert live, "a deck started on today's data is frozen at the moment it started"
    click(at, "deck-next")

    at.date_input(key="w:stand").set_value(date(2025, 12, 31)).run()
    page = texts(at)
    assert live.group(0) in page and "Stand: 31.12.2025" not in page
    assert "eingefroren" in page  # the presenter is told why the deck did not follow
    assert slide_number(at).startswith("Folie 2 /")

    click(at, "deck-restart")
    page = texts(at)
    assert "Stand: 31.12.2025" in page and live.group(0) not in page
    assert slide_number(at).startswith("Folie 1 /")
    assert "eingefroren" not in page
    assert at.query_params["stand"] in (D, [D])  # the link now names the Stand


def test_link_with_stand_opens_the_deck_as_of_that_day(monkeypatch, seeded_store):
    at = open_page(monkeypatch, seeded_store.url, stand="31.12.2025")
    assert "Stand: 31.12.2025" in texts(at)


def test_unreadable_stand_in_link_is_said_and_the_sidebar_used(monkeypatch, seeded_store):
    at = open_page(monkeypatch, seeded_store.url, stand="gestern")
    page = texts(at)
    assert "kein Datum" in page and "gestern" in page
    assert re.search(r"Stand: \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", page)


def test_presenting_hides_the_tools_and_ends_on_request(monkeypatch, seeded_store):
    at = open_page(monkeypatch, seeded_store.url, stand=D)
    assert len(at.get("download_button")) == 2
    click(at, "deck-present")
    assert at.session_state["deck:present"] is True
    assert len(at.get("download_button")) == 0 and not at.title
    assert "Stand: 31.12.2025" in texts(at)
    click(at, "deck-next")
    assert slide_number(at).startswith("Folie 2 /")
    click(at, "deck-end")
    assert len(at.get("download_button")) == 2
    assert slide_number(at).startswith("Folie 2 /")  # ending the show keeps the place


def test_downloads_are_offered_for_the_frozen_deck(monkeypatch, seeded_store):
    at = open_page(monkeypatch, seeded_store.url, stand=D)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["PDF für das Protokoll", "PowerPoint"]


def test_english_deck(monkeypatch, seeded_store, deck_length):
    at = open_page(monkeypatch, seeded_store.url, stand=D)
    at.selectbox(key="w:lang").set_value("en").run()
    assert slide_number(at) == f"Slide 1 / {deck_length}"
    assert "As of 31/12/2025" in texts(at)


def test_empty_store_says_so_in_words(monkeypatch, tmp_path):
    at = open_page(monkeypatch, f"duckdb:///{tmp_path / 'leer.duckdb'}")
    assert "Noch keine Strategie geladen" in texts(at)
    assert not at.get("download_button")
