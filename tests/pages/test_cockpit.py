"""/ (Cockpit) with AppTest: the whole strategy at a glance, in German and English, live and as of a past day."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from kpi.bench import stress_catalog
from kpi.i18n import stale_label
from kpi.store import Store
from tests.pages.conftest import assert_page_ok, open_page, set_language, set_stand, texts, today_de


def link_labels(at) -> list[str]:
    return [str(p.proto.label) for p in at.get("page_link")]


def test_cockpit_shows_both_theme_fields_with_status_in_words_and_icons(demo_store):
    at = open_page("cockpit")
    shown = assert_page_ok(at)
    assert "Digitalisierungsstrategie der Stadt Iserlohn" in shown
    assert f"Leitbild: Iserlohn digital** — Stand: {today_de()}" in shown
    assert "Illustratives Beispiel" in shown
    assert [s.value for s in at.subheader][:2] == ["E-Government", "Smart City"]
    assert re.search(r"\b22 Kennzahlen, \d+ mit Daten", shown) and re.search(r"\b25 Kennzahlen, 25 mit Daten", shown)
    shares = {m.label: m.value for m in at.metric}
    assert list(shares) == ["Anteil im Plan"] and all(re.fullmatch(r"\d+ %", m.value) for m in at.metric)
    assert len(at.get("plotly_chart")) == 2  # one status bar per theme field
    assert re.search(r"✔ \d+ im Plan", shown) and re.search(r"✖ \d+ nicht im Plan", shown)
    assert re.search(r"▲ \d+ gefährdet", shown) and re.search(r"★ \d+ erreicht", shown)
    assert "○ 1 keine Daten" in shown  # EG-06 has no measurement yet


def test_cockpit_lists_action_fields_deviations_overdue_kpis_and_late_measures(demo_store):
    at = open_page("cockpit")
    shown = assert_page_ok(at)
    for heading in ("Handlungsfelder", "Größte Abweichungen vom Plan", "Überfällige Aktualisierungen",
                    "Verspätete Maßnahmen"):
        assert heading in shown
    labels = link_labels(at)
    assert "**Digitale Verwaltungsleistungen**" in labels and "**Umwelt**" in labels
    deviations = [label for label in labels if "des Plans" in label]
    assert deviations and all(label.startswith(("✖ nicht im Plan · **", "▲ gefährdet · **")) for label in deviations)
    assert any(re.search(r"\*\*EG-19\*\* Veröffentlichte Open-Data-Datensätze — \d+ % des Plans", label)
               for label in labels)
    overdue = [label for label in labels if label.startswith(stale_label("de"))]
    assert any("**EG-05**" in label and re.search(r"fällig seit \d\d\.\d\d\.\d{4}", label) for label in overdue)
    late = [label for label in labels if label.startswith("⚠ **M-")]
    assert any(re.search(r"\*\*M-01\*\* Serviceportal für Online-Dienste — in Umsetzung, \d+ Tage über Plan-Ende",
                         label) for label in late)


def test_cockpit_links_lead_to_the_detail_pages_with_their_query(demo_store):
    at = open_page("cockpit")
    links = {(str(p.proto.page), str(p.proto.query_string)) for p in at.get("page_link")}
    assert ("themenfelder", "thema=EG") in links
    assert ("themenfelder", "thema=SC&feld=SC-HF1") in links
    assert ("kennzahlen", "kpi=EG-05") in links
    assert ("massnahmen", "massnahme=M-01") in links


def test_cockpit_switches_to_english(demo_store):
    at = set_language(open_page("cockpit"), "en")
    shown = assert_page_ok(at)
    assert "Mission statement: Iserlohn digital" in shown
    assert f"As of: {date.today():%d/%m/%Y}" in shown
    assert {m.label for m in at.metric} == {"Share on track"}
    for heading in ("Action fields", "Biggest deviations from plan", "Overdue updates", "Late measures"):
        assert heading in shown
    assert re.search(r"✔ \d+ on track", shown) and "○ 1 no data" in shown
    assert re.search(r"\d+ days past planned end", shown)
    assert "Größte Abweichungen" not in shown and "im Plan" not in shown
    # The choice holds for the next page the visitor opens in the same session.
    at.switch_page("pages/kennzahlen.py").run()
    assert "Latest value" in texts(at)


def test_cockpit_as_of_a_past_day_shows_what_was_known_then(demo_store):
    at = open_page("cockpit")
    live = [c.value for c in at.caption]
    at = set_stand(at, date(2020, 6, 30))
    shown = assert_page_ok(at)
    assert "Stand: 30.06.2020" in shown
    assert "Eingefrorener Stand: 30.06.2020" in shown  # the sidebar says the view is frozen
    assert [c.value for c in at.caption] != live
    assert re.search(r"\b22 Kennzahlen, [0-9] mit Daten", shown)  # only a handful of values were known in mid-2020
    assert "Keine Maßnahme ist verspätet." in shown


def test_cockpit_on_an_empty_store_explains_how_to_load_a_strategy(empty_store):
    at = open_page("cockpit")
    shown = assert_page_ok(at)
    assert "Noch keine Strategie geladen" in shown and "python -m kpi seed" in shown
    assert not at.get("plotly_chart")
    assert [s.key for s in at.sidebar.selectbox] == ["w:lang"]  # the sidebar is there all the same


def test_cockpit_of_a_strategy_without_measures_says_so(tmp_path: Path, monkeypatch):
    store = Store(f"duckdb:///{tmp_path / 'plain.duckdb'}")
    store.save_catalog(stress_catalog(20))
    monkeypatch.setenv("KPI_DB_URL", store.url)
    shown = assert_page_ok(open_page("cockpit"))
    assert "Diese Strategie hat noch keine Maßnahmen." in shown
