"""/bereich (Mein Bereich) with AppTest: a unit's KPIs and measures, what needs attention, languages, as-of."""

from __future__ import annotations

import re
from datetime import date

from kpi.auth import User
from kpi.i18n import stale_label, status_color, tint
from tests.pages.conftest import (
    assert_page_ok,
    html_tables,
    link_items,
    open_page,
    set_language,
    set_stand,
    table_texts,
)


def attention(at) -> list[str]:
    """Each entry of "Braucht Aufmerksamkeit" as one line: the link, then the detail beneath it."""
    return [f"{label} — {detail}" for _page, _query, label, detail in link_items(at)]


def summary(at) -> str:
    return next(m.value for m in at.markdown if re.search(r"\d+ (Kennzahl(en)?|KPIs?) · ", m.value))


def test_my_area_shows_the_units_kpis_measures_and_what_needs_attention(demo_store):
    at = open_page("bereich")
    shown = assert_page_ok(at)
    assert at.selectbox(key="unit").value == "STAB-DIG"
    assert "Stabsstelle Digitalisierung" in [t.value for t in at.title]
    assert re.fullmatch(r"7 Kennzahlen · 3 hinter Plan · 1 überfällig · \d+ Maßnahmen verspätet", summary(at))
    links = attention(at)
    assert any(
        re.fullmatch(
            r"\*\*EG-19\*\* Veröffentlichte Open-Data-Datensätze — ✖ nicht im Plan · liegt bei "
            r"\d+ % des Plans",
            link,
        )
        for link in links
    )
    assert "⚠ **M-01** Serviceportal für Online-Dienste — in Umsetzung · Plan-Ende 31.12.2024 überschritten" in links
    targets = {(page, query) for page, query, _label, _detail in link_items(at)}
    assert {("kennzahlen", "kpi=EG-19"), ("massnahmen", "massnahme=M-01")} <= targets
    tables = table_texts(at)
    assert "○ keine Daten" in tables and "EG-06 · Zufriedenheit mit den Online-Diensten" in tables
    assert "20.517 (2025)" in tables and "100 % (2030)" in tables
    assert "Kennzahlen (7)" in shown and "Maßnahmen (" in shown


def test_my_areas_tables_are_real_tables_with_a_caption_numbers_right_and_status_in_words(demo_store):
    at = open_page("bereich")
    kpis, measures = (t for t in html_tables(at) if {"Kennzahl", "Maßnahme"} & set(t["frame"].columns))
    assert list(kpis["frame"].columns) == [
        "Status",
        "Kennzahl",
        "Ist (Stand)",
        "Plan",
        "Fortschritt",
        "Ziel",
        "Prognose",
    ]
    assert max(zip(kpis["widths"], kpis["frame"].columns))[1] == "Kennzahl"
    assert kpis["right"] == [False, False, True, True, True, True, True]
    assert len(kpis["frame"]) == 7  # every row in the markup (the summary line counts 7 KPIs)
    # The status in words and icon; its tint only adds to them (no information by colour alone).
    assert {"○ keine Daten"} <= set(kpis["frame"]["Status"])
    body = next(str(e.proto.body) for e in at.get("html") if "Prognose" in str(e.proto.body))
    assert "<caption" in body and "Kennzahlen von " in body
    assert tint(status_color("off_track")) in body or tint(status_color("no_data")) in body
    assert list(measures["frame"].columns) == ["Maßnahme", "Status", "Fortschritt", "Handlungsfeld", "Laufzeit"]
    assert all(re.fullmatch(r"\d+ %", v) for v in measures["frame"]["Fortschritt"])
    assert not at.dataframe  # no canvas grid left on the page


def test_a_unit_with_one_late_measure_is_counted_in_the_singular(demo_store):
    at = open_page("bereich", einheit="BB")
    assert_page_ok(at)
    assert summary(at) == "2 Kennzahlen · 0 hinter Plan · 1 überfällig · 1 Maßnahme verspätet"
    at = set_language(at, "en")
    assert summary(at) == "2 KPIs · 0 behind plan · 1 overdue · 1 measure late"


def test_choosing_a_unit_by_selectbox_or_link(demo_store):
    at = open_page("bereich")
    at.selectbox(key="unit").set_value("BB").run()
    assert_page_ok(at)
    assert "Bürgerbüro" in [t.value for t in at.title]
    assert any(
        link.startswith(
            f"**EG-05** Durchschnittliche Wartezeit im Bürgerbüro — {stale_label('de')} · Aktualisierung fällig seit "
        )
        and re.search(r"fällig seit \d\d\.\d\d\.\d{4}$", link)
        for link in attention(at)
    )
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
    assert re.fullmatch(r"7 KPIs · 3 behind plan · 1 overdue · \d+ measures late", summary(at))
    assert "Needs attention" in shown and at.selectbox(key="unit").label == "Responsible unit"
    assert any("is at" in link and "of plan" in link for link in attention(at))
    assert "20,517" in table_texts(at)


def test_as_of_a_past_day_shows_what_needed_attention_then(demo_store):
    at = set_stand(open_page("bereich"), date(2020, 6, 30))
    shown = assert_page_ok(at)
    assert re.fullmatch(r"7 Kennzahlen · \d+ hinter Plan · \d+ überfällig · 0 Maßnahmen verspätet", summary(at))
    assert not any(link.startswith("⚠ **M-") for link in attention(at))
    assert attention(at) or "Nichts Dringendes" in shown
    assert "Eingefrorener Stand: 30.06.2020" in shown


def test_my_area_on_an_empty_store(empty_store):
    assert "Noch keine Strategie geladen" in assert_page_ok(open_page("bereich"))
