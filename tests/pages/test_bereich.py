"""/bereich (Mein Bereich) with AppTest: a unit's KPIs and measures, what needs attention, languages, as-of."""

from __future__ import annotations

import re
from datetime import date

from kpi.auth import User
from kpi.i18n import stale_label
from tests.pages.conftest import assert_page_ok, open_page, set_language, set_stand, table_texts


def attention(at) -> list[str]:
    return [str(p.proto.label) for p in at.get("page_link") if str(p.proto.query_string)]


def summary(at) -> str:
    return next(m.value for m in at.markdown if re.search(r"\d+ (Kennzahlen|KPIs) · ", m.value))


def test_my_area_shows_the_units_kpis_measures_and_what_needs_attention(demo_store):
    at = open_page("bereich")
    shown = assert_page_ok(at)
    assert at.selectbox(key="unit").value == "STAB-DIG"
    assert "Stabsstelle Digitalisierung" in [t.value for t in at.title]
    assert re.fullmatch(r"7 Kennzahlen · 3 hinter Plan · 0 überfällig · \d+ Maßnahmen verspätet", summary(at))
    links = attention(at)
    assert any(re.fullmatch(r"✖ nicht im Plan · \*\*EG-19\*\* Veröffentlichte Open-Data-Datensätze — liegt bei "
                            r"\d+ % des Plans", link) for link in links)
    assert any(link.startswith("⚠ **M-01** Serviceportal für Online-Dienste — Plan-Ende 31.12.2024") for link in links)
    tables = table_texts(at)
    assert "○ keine Daten" in tables and "EG-06" in tables  # the unit's KPI without data is listed
    assert "20.517" in tables and "100 % (2030)" in tables
    assert "Kennzahlen (7)" in shown and "Maßnahmen (" in shown


def test_choosing_a_unit_by_selectbox_or_link(demo_store):
    at = open_page("bereich")
    at.selectbox(key="unit").set_value("BB").run()
    assert_page_ok(at)
    assert "Bürgerbüro" in [t.value for t in at.title]
    assert any(link.startswith(f"{stale_label('de')} · **EG-05**") and re.search(r"fällig seit \d\d\.\d\d\.\d{4}", link)
               for link in attention(at))
    assert "BB" in str(at.query_params["einheit"])
    linked = open_page("bereich", einheit="UMW")
    assert_page_ok(linked)
    assert "Umwelt und Klima" in [t.value for t in linked.title]


def test_a_department_user_starts_in_their_own_unit(demo_store):
    at = open_page("bereich", User("bb", "department", "BB"))
    assert_page_ok(at)
    assert at.selectbox(key="unit").value == "BB"


def test_my_area_in_english(demo_store):
    at = set_language(open_page("bereich"), "en")
    shown = assert_page_ok(at)
    assert re.fullmatch(r"7 KPIs · 3 behind plan · 0 overdue · \d+ measures late", summary(at))
    assert "Needs attention" in shown and at.selectbox(key="unit").label == "Responsible unit"
    assert any("is at" in link and "of plan" in link for link in attention(at))
    assert "20,517" in table_texts(at)


def test_as_of_a_past_day_shows_what_needed_attention_then(demo_store):
    at = set_stand(open_page("bereich"), date(2020, 6, 30))
    shown = assert_page_ok(at)
    assert re.fullmatch(r"7 Kennzahlen · \d+ hinter Plan · \d+ überfällig · 0 Maßnahmen verspätet", summary(at))
    assert not any(link.startswith("⚠ **M-") for link in attention(at))
    assert "Eingefrorener Stand: 30.06.2020" in shown


def test_my_area_on_an_empty_store(empty_store):
    assert "Noch keine Strategie geladen" in assert_page_ok(open_page("bereich"))
