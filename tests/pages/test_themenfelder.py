"""/themenfelder with AppTest: one theme field's goals and KPIs as small multiples, with filters."""

from __future__ import annotations

import re
from datetime import date

from tests.pages.conftest import assert_page_ok, open_page, set_language, set_stand


def kpi_links(at) -> list[str]:
    """The KPI cards' links (the sidebar menu links to /kennzahlen too, without a query)."""
    return [str(p.proto.label) for p in at.get("page_link")
            if str(p.proto.page) == "kennzahlen" and str(p.proto.query_string)]


def test_theme_page_shows_action_fields_goals_and_one_chart_per_kpi(demo_store):
    at = open_page("themenfelder")
    shown = assert_page_ok(at)
    assert at.selectbox(key="theme").value == "EG"
    assert [t.value for t in at.title] == ["E-Government"] or "E-Government" in shown
    assert [h.value for h in at.header] == ["Digitale Verwaltungsleistungen", "Digitale Arbeitsprozesse und E-Akte",
                                            "IT-Sicherheit und digitale Kompetenzen", "Offene Daten und Beteiligung"]
    assert any(s.value.startswith("Ziel: ") for s in at.subheader)
    links = kpi_links(at)
    assert len(links) == 22 and len(at.get("plotly_chart")) == 22
    assert "**EG-03** Anteil medienbruchfrei bearbeiteter Online-Anträge" in links
    assert "✖ nicht im Plan — Ist 36,1 % · Plan 50 % (69 %)" in shown
    assert "✔ im Plan — Ist 20.517 · Plan 20.000 (103 %)" in shown  # thousands dot
    assert "○ keine Daten — Noch keine Messwerte" in shown  # EG-06


def test_query_parameter_and_selectbox_choose_the_theme(demo_store):
    at = open_page("themenfelder", thema="SC")
    assert_page_ok(at)
    assert at.selectbox(key="theme").value == "SC"
    assert all(link.startswith("**SC-") for link in kpi_links(at))
    at.selectbox(key="theme").set_value("EG").run()
    assert_page_ok(at)
    assert all(link.startswith("**EG-") for link in kpi_links(at))
    assert str(at.query_params["thema"]).strip("[]'") == "EG"


def test_action_field_filter_and_its_deep_link(demo_store):
    at = open_page("themenfelder", thema="EG", feld="EG-HF2")
    assert_page_ok(at)
    assert at.multiselect(key="fields-EG").value == ["EG-HF2"]
    assert [h.value for h in at.header] == ["Digitale Arbeitsprozesse und E-Akte"]
    at.multiselect(key="fields-EG").set_value(["EG-HF1", "EG-HF4"]).run()
    assert_page_ok(at)
    assert [h.value for h in at.header] == ["Digitale Verwaltungsleistungen", "Offene Daten und Beteiligung"]


def test_status_filter_finds_the_kpi_without_data(demo_store):
    at = open_page("themenfelder")
    at.multiselect(key="status-filter").set_value(["no_data"]).run()
    shown = assert_page_ok(at)
    assert kpi_links(at) == ["**EG-06** Zufriedenheit mit den Online-Diensten"]
    assert "○ keine Daten — Noch keine Messwerte" in shown
    assert "○ keine Daten" in at.multiselect(key="status-filter").options


def test_a_filter_that_matches_nothing_says_so(demo_store):
    at = open_page("themenfelder", thema="SC")
    at.multiselect(key="status-filter").set_value(["no_data"]).run()
    shown = assert_page_ok(at)
    assert "Keine Kennzahl passt zu diesem Filter." in shown
    assert not at.get("plotly_chart")


def test_theme_page_in_english(demo_store):
    at = set_language(open_page("themenfelder"), "en")
    shown = assert_page_ok(at)
    assert "✖ off track — Actual 36.1 % · plan 50 % (69 %)" in shown
    assert "✔ on track — Actual 20,517 · plan 20,000 (103 %)" in shown
    assert any(s.value.startswith("Goal: ") for s in at.subheader)
    assert at.selectbox(key="theme").label == "Theme field"


def test_as_of_a_past_day_shows_the_state_known_then(demo_store):
    at = set_stand(open_page("themenfelder"), date(2023, 6, 30))
    shown = assert_page_ok(at)
    assert "▲ gefährdet — Ist 13 % · Plan 15 %" in shown
    assert "36,1 %" not in shown
    assert re.search(r"Eingefrorener Stand: 30\.06\.2023", shown)


def test_theme_page_on_an_empty_store(empty_store):
    shown = assert_page_ok(open_page("themenfelder"))
    assert "Noch keine Strategie geladen" in shown
