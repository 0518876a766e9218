"""/massnahmen with AppTest: timeline and table of measures, filters, a measure's history, languages, as-of."""

from __future__ import annotations

import json
import re
from datetime import date

from tests.pages.conftest import (
    assert_page_ok,
    html_tables,
    open_page,
    set_language,
    set_stand,
    table_texts,
    texts,
)


def measure_table(at):
    """The measures as the page's HTML table (read-only tables are real tables for screen readers, issue 15)."""
    return next(t["frame"] for t in html_tables(at) if {"Maßnahme", "Measure"} & set(t["frame"].columns))


def summary(at) -> str:
    return next(m.value for m in at.markdown if re.search(r"\d+ (Maßnahmen?|measures?),", m.value))


def test_measures_page_shows_timeline_and_table_with_late_ones_marked(demo_store):
    at = open_page("massnahmen")
    shown = assert_page_ok(at)
    assert "Maßnahmen" in [t.value for t in at.title]
    assert re.fullmatch(r"34 Maßnahmen, davon \d+ verspätet", summary(at))
    assert len(at.get("plotly_chart")) == 1
    table = measure_table(at)
    assert len(table) == 34
    first = table.iloc[0]
    assert first["Maßnahme"] == "⚠ M-01 Serviceportal für Online-Dienste"
    assert first["Status"] == "in Umsetzung · verspätet"
    assert first["Laufzeit"] == "01.03.2021 – 31.12.2024"
    assert "Zeitplan" in shown and "Übersicht" in shown


def test_measures_table_is_a_real_table_with_every_row_a_caption_and_the_widest_column_for_titles(demo_store):
    at = open_page("massnahmen")
    table = next(t for t in html_tables(at) if "Maßnahme" in t["frame"].columns)
    assert list(table["frame"].columns) == ["Maßnahme", "Status", "Fortschritt", "Verantwortlich", "Laufzeit"]
    assert len(table["frame"]) == 34  # every row in the markup, not only the drawn ones of a canvas grid
    assert max(zip(table["widths"], table["frame"].columns))[1] == "Maßnahme"
    assert table["right"] == [False, False, True, False, False]
    assert all(re.fullmatch(r"\d+ %", v) for v in table["frame"]["Fortschritt"])
    body = next(str(e.proto.body) for e in at.get("html") if "Maßnahme" in str(e.proto.body))
    assert "<caption" in body and 'role="region"' in body and 'tabindex="0"' in body


def test_timeline_shows_whole_titles_wrapped_onto_lines(demo_store):
    at = open_page("massnahmen")
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    # The titles stand above the bars (annotations at the left edge), not beside them as tick labels (reflow).
    assert layout["yaxis"]["showticklabels"] is False
    labels = [a["text"] for a in layout["annotations"] if a.get("xref") == "paper" and a.get("x") == 0]
    assert len(labels) == 34
    longest = next(label for label in labels if label.startswith("M-20"))
    whole = "M-20 Digitallotsen: Schülerinnen und Schüler schulen Seniorinnen und Senioren"
    assert longest.replace("<br>", " ").startswith(whole + " · ")  # the state follows as a word (issue 15)
    assert all(len(line) <= 34 for label in labels for line in label.split("<br>"))  # fits 320 px
    flat = [label.replace("<br>", " ") for label in labels]
    assert any(label.startswith("⚠ M-01 Serviceportal für Online-Dienste · ") for label in flat)
    assert all(
        label.rsplit(" · ", 1)[1] in {"geplant", "in Umsetzung", "abgeschlossen", "pausiert", "verzögert"}
        for label in flat
    )
    assert layout["height"] >= 34 * (2 * 18 + 22)  # a row holds its title's lines and its bar


def test_summary_counts_one_measure_in_the_singular(demo_store):
    at = open_page("massnahmen")
    at.multiselect(key="ms-units").set_value(["FIN"]).run()
    assert_page_ok(at)
    assert summary(at) == "1 Maßnahme, davon 1 verspätet"
    at = set_language(at, "en")
    assert summary(at) == "1 measure, 1 of it late"


def test_filters_narrow_the_measures(demo_store, catalog):
    at = open_page("massnahmen")
    at.multiselect(key="ms-states").set_value(["abgeschlossen"]).run()
    assert_page_ok(at)
    done = measure_table(at)
    assert len(done) and set(done["Status"]) == {"abgeschlossen"}
    at.multiselect(key="ms-states").set_value([]).run()
    at.toggle(key="ms-late").set_value(True).run()
    assert_page_ok(at)
    late = measure_table(at)
    assert len(late) and all("verspätet" in s or "verzögert" in s for s in late["Status"])
    assert re.fullmatch(rf"{len(late)} Maßnahmen, davon {len(late)} verspätet", summary(at))
    at.multiselect(key="ms-fields").set_value(["EG-HF1"]).run()
    in_field = {m.id for m in catalog.measures if m.action_field_id == "EG-HF1"}
    shown = {title.removeprefix("⚠ ").split(" ")[0] for title in measure_table(at)["Maßnahme"]}
    assert shown and shown <= in_field
    at.toggle(key="ms-late").set_value(False).run()
    at.multiselect(key="ms-fields").set_value([]).run()
    at.multiselect(key="ms-units").set_value(["BB"]).run()
    assert set(measure_table(at)["Verantwortlich"]) == {"Bürgerbüro"}


def test_a_filter_that_matches_nothing_says_so(demo_store):
    at = open_page("massnahmen")
    at.multiselect(key="ms-states").set_value(["abgeschlossen"]).run()
    at.toggle(key="ms-late").set_value(True).run()
    shown = assert_page_ok(at)
    assert "Keine Maßnahme passt zu diesem Filter." in shown
    assert not at.get("plotly_chart")


def test_a_measures_history_via_selectbox_and_deep_link(demo_store):
    at = open_page("massnahmen")
    history = at.selectbox(key="ms-history")
    assert history.value is None
    assert (history.label, history.proto.placeholder) == ("Verlauf einer Maßnahme", "Maßnahme auswählen …")
    at.selectbox(key="ms-history").set_value("M-01").run()
    shown = assert_page_ok(at)
    assert "Laufzeit: 01.03.2021 – 31.12.2024" in shown
    assert "in Umsetzung" in table_texts(at) and "75 %" in table_texts(at)
    assert "M-01" in str(at.query_params["massnahme"])
    kpis = {(str(p.proto.page), str(p.proto.query_string), str(p.proto.label)) for p in at.get("page_link")}
    assert ("kennzahlen", "kpi=EG-01", "**EG-01** Anteil OZG-Leistungen online (Reifegrad ≥ 3)") in kpis
    linked = open_page("massnahmen", massnahme="M-03")
    assert linked.selectbox(key="ms-history").value == "M-03"
    assert "Laufzeit: 01.03.2020 – 31.12.2020" in assert_page_ok(linked)
    english = set_language(open_page("massnahmen"), "en").selectbox(key="ms-history")
    assert (english.label, english.proto.placeholder) == ("History of a measure", "Choose a measure …")


def test_measures_page_in_english(demo_store):
    at = set_language(open_page("massnahmen"), "en")
    shown = assert_page_ok(at)
    assert re.fullmatch(r"34 measures, \d+ of them late", summary(at))
    assert "Measures" in [t.value for t in at.title] and "Timeline" in shown
    assert at.toggle(key="ms-late").label == "late only"
    assert "in progress" in table_texts(at) and "in Umsetzung" not in table_texts(at)
    assert "31/12/2024" in table_texts(at)


def test_as_of_a_past_day_shows_the_measure_states_known_then(demo_store):
    at = set_stand(open_page("massnahmen"), date(2020, 6, 30))
    shown = assert_page_ok(at)
    assert summary(at) == "34 Maßnahmen, davon 0 verspätet"
    states = dict(zip(measure_table(at)["Maßnahme"], measure_table(at)["Status"]))
    assert states["M-01 Serviceportal für Online-Dienste"] == "geplant"  # it started in March 2021
    assert "Eingefrorener Stand: 30.06.2020" in shown


def test_measures_page_on_an_empty_store(empty_store):
    at = open_page("massnahmen")
    assert "Noch keine Strategie geladen" in assert_page_ok(at)
    assert "Traceback" not in texts(at)
