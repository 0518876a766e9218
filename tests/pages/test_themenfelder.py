"""/themenfelder with AppTest: one theme field's goals and KPIs as small multiples, with filters."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kpi.bench import build_stress_store
from tests.pages.conftest import assert_page_ok, open_page, set_language, set_stand


def kpi_links(at) -> list[str]:
    """The KPI cards' links (the sidebar menu links to /kennzahlen too, without a query)."""
    return [
        str(p.proto.label)
        for p in at.get("page_link")
        if str(p.proto.page) == "kennzahlen" and str(p.proto.query_string)
    ]


def test_theme_page_shows_action_fields_goals_and_one_chart_per_kpi(demo_store):
    at = open_page("themenfelder")
    shown = assert_page_ok(at)
    assert at.selectbox(key="theme").value == "EG"
    assert [t.value for t in at.title] == ["E-Government"] or "E-Government" in shown
    assert [h.value for h in at.header] == [
        "Digitale Verwaltungsleistungen",
        "Digitale Arbeitsprozesse und E-Akte",
        "IT-Sicherheit und digitale Kompetenzen",
        "Offene Daten und Beteiligung",
    ]
    assert any(m.value.startswith("#### Ziel: ") for m in at.markdown)
    assert "page-EG" not in [w.key for w in at.selectbox]  # 22 KPIs fit one page
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
    assert any(m.value.startswith("#### Goal: ") for m in at.markdown)
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


@pytest.fixture
def big_store(tmp_path, monkeypatch):
    """80 KPIs, 40 per theme field: more than one page of charts."""
    store = build_stress_store(tmp_path / "big.duckdb", 80)
    monkeypatch.setenv("KPI_DB_URL", store.url)
    return store


def test_many_kpis_are_paged_30_charts_at_a_time(big_store):
    at = open_page("themenfelder")
    assert_page_ok(at)
    pager = at.selectbox(key="page-EG")
    assert pager.value == 1 and pager.options == [
        "Seite 1 von 2 · Kennzahlen 1–30 von 40",
        "Seite 2 von 2 · Kennzahlen 31–40 von 40",
    ]
    first = kpi_links(at)
    assert len(first) == 30 and len(at.get("plotly_chart")) == 30
    pager.set_value(2).run()
    assert_page_ok(at)
    second = kpi_links(at)
    assert len(second) == 10 and len(at.get("plotly_chart")) == 10 and not set(first) & set(second)
    assert str(at.query_params["seite"]).strip("[]'") == "2"


def test_a_page_deep_link_and_a_filter_that_fits_one_page(big_store):
    at = open_page("themenfelder", seite="2")
    assert at.selectbox(key="page-EG").value == 2
    assert len(kpi_links(at)) == 10
    at.multiselect(key="fields-EG").set_value(["HF-00"]).run()
    assert_page_ok(at)
    assert len(kpi_links(at)) == 8  # one action field: one page, no page selector
    assert "page-EG" not in [w.key for w in at.selectbox]
