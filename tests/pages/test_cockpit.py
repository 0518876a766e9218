"""/ (Cockpit) with AppTest: the whole strategy at a glance, in German and English, live and as of a past day."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kpi import i18n
from kpi.bench import stress_catalog
from kpi.i18n import stale_label, status_color
from kpi.revisions import record_catalog
from kpi.store import Store
from tests.pages.conftest import assert_page_ok, link_items, open_page, set_language, set_stand, texts, today_de

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)


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
    for heading in (
        "Handlungsfelder",
        "Größte Abweichungen vom Plan",
        "Überfällige Aktualisierungen",
        "Verspätete Maßnahmen",
    ):
        assert heading in shown
    labels = link_labels(at)
    assert "**Digitale Verwaltungsleistungen**" in labels and "**Umwelt**" in labels
    items = link_items(at)
    deviations = [(label, detail) for _p, _q, label, detail in items if "des Plans" in detail]
    assert deviations and all(detail.startswith(("✖ nicht im Plan · ", "▲ gefährdet · ")) for _l, detail in deviations)
    assert ("**EG-19** Veröffentlichte Open-Data-Datensätze", "✖ nicht im Plan · 49 % des Plans") in deviations
    overdue = [(label, detail) for _p, _q, label, detail in items if detail.startswith(stale_label("de"))]
    assert any(
        label == "**EG-05** Durchschnittliche Wartezeit im Bürgerbüro"
        and re.fullmatch(r"◷ veraltet · fällig seit \d\d\.\d\d\.\d{4}", detail)
        for label, detail in overdue
    )
    late = {label: detail for page, _q, label, detail in items if page == "massnahmen"}
    assert re.fullmatch(r"in Umsetzung · \d+ Tage über Plan-Ende", late["⚠ **M-01** Serviceportal für Online-Dienste"])
    # More than a thousand days, in the German number format (M-08 was planned to end in 2023).
    assert re.fullmatch(
        r"in Umsetzung · \d\.\d{3} Tage über Plan-Ende", late["⚠ **M-08** Elektronischer Rechnungsworkflow (XRechnung)"]
    )


def test_long_names_are_whole_in_the_link_and_the_detail_stands_beneath(demo_store):
    """The full name is the link (the page lets it wrap), status and numbers are a line of their own."""
    items = link_items(open_page("cockpit"))
    labels = [label for _p, _q, label, _d in items]
    assert "⚠ **M-19** WLAN und Endgeräte für alle Unterrichtsräume (DigitalPakt Schule)" in labels
    assert "⚠ **M-11** Informationssicherheitsmanagement nach BSI IT-Grundschutz" in labels
    assert not any("—" in label or "des Plans" in label or "fällig seit" in label for label in labels)


def test_status_in_the_lists_is_colour_icon_and_word(demo_store):
    at = open_page("cockpit")
    raw = [str(c.value) for c in at.caption if "des Plans" in str(c.value)]
    assert raw and all("✖ nicht im Plan" in c or "▲ gefährdet" in c for c in raw)
    off_track = next(c for c in raw if "✖ nicht im Plan" in c)
    assert status_color("off_track") in off_track  # the badge's colour, beside icon and word


def test_one_late_measure_is_counted_in_the_singular(demo_store):
    at = open_page("cockpit")
    captions = [str(c.value) for c in at.caption]
    assert "⚠ 1 verspätete Maßnahme" in captions  # e.g. "Offene Daten und Beteiligung"
    assert "⚠ 2 verspätete Maßnahmen" in captions
    at = set_language(at, "en")
    captions = [str(c.value) for c in at.caption]
    assert "⚠ 1 late measure" in captions and "⚠ 2 late measures" in captions
    assert i18n.t_count("cockpit.days_late", 1, "de") == "1 Tag über Plan-Ende"
    assert i18n.t_count("cockpit.days_late", 1, "en") == "1 day past planned end"
    assert i18n.t_count("cockpit.kpis", 1, "de", d=1) == "1 Kennzahl, 1 mit Daten"
    assert i18n.t_count("cockpit.kpis", 1060, "de", d=0) == "1.060 Kennzahlen, 0 mit Daten"


def test_cockpit_links_lead_to_the_detail_pages_with_their_query(demo_store):
    at = open_page("cockpit")
    links = {(str(p.proto.page), str(p.proto.query_string)) for p in at.get("page_link")}
    assert ("themenfelder", "thema=EG") in links
    assert ("themenfelder", "thema=SC&feld=SC-HF1") in links
    targets = {label: (page, query) for page, query, label, _detail in link_items(at)}
    assert targets["**EG-19** Veröffentlichte Open-Data-Datensätze"] == ("kennzahlen", "kpi=EG-19")
    assert targets["**EG-05** Durchschnittliche Wartezeit im Bürgerbüro"] == ("kennzahlen", "kpi=EG-05")
    assert targets["⚠ **M-01** Serviceportal für Online-Dienste"] == ("massnahmen", "massnahme=M-01")
    kpi_links = [(query, label) for page, query, label, _d in link_items(at) if page == "kennzahlen"]
    # deviations (missed, off track, at risk) and overdue KPIs (EG-05 stale, EG-06 first value overdue)
    assert len(kpi_links) == 10 and all(query == f"kpi={label[2:7]}" for query, label in kpi_links)


def test_cockpit_switches_to_english(demo_store):
    at = set_language(open_page("cockpit"), "en")
    shown = assert_page_ok(at)
    assert "Mission statement: Iserlohn digital" in shown
    assert f"As of: {date.today():%d/%m/%Y}" in shown
    assert {m.label for m in at.metric} == {"Share on track"}
    for heading in ("Action fields", "Biggest deviations from plan", "Overdue updates", "Late measures"):
        assert heading in shown
    assert re.search(r"✔ \d+ on track", shown) and "○ 1 no data" in shown
    assert any(re.fullmatch(r"in progress · \d+ days past planned end", detail) for *_rest, detail in link_items(at))
    assert "Größte Abweichungen" not in shown and "im Plan" not in shown
    # The choice holds for the next page the visitor opens in the same session.
    at.switch_page("app_pages/kennzahlen.py").run()
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
    record_catalog(store, stress_catalog(20))
    monkeypatch.setenv("KPI_DB_URL", store.url)
    shown = assert_page_ok(open_page("cockpit"))
    assert "Diese Strategie hat noch keine Maßnahmen." in shown


def test_long_lists_show_eight_entries_and_a_switch_for_the_rest(tmp_path, monkeypatch):
    from kpi.bench import build_stress_store

    store = build_stress_store(tmp_path / "many.duckdb", 30)  # every monthly KPI overdue (data ends 12/2025)
    monkeypatch.setenv("KPI_DB_URL", store.url)
    at = open_page("cockpit")
    shown = assert_page_ok(at)
    overdue = [label for page, _q, label, detail in link_items(at) if "fällig seit" in detail]
    assert len(overdue) == 8
    assert "… und 22 weitere" in shown
    at.toggle(key="all-overdue").set_value(True).run()
    shown = assert_page_ok(at)
    assert len([d for *_rest, d in link_items(at) if "fällig seit" in d]) == 30
    assert "… und 22 weitere" not in shown
