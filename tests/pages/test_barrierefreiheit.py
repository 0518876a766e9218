"""/barrierefreiheit with AppTest: the accessibility statement BITV 2.0 asks for, reachable for everyone, with the
city's contact (or a placeholder the city must replace, shown clearly) and the enforcement procedure."""

from __future__ import annotations

from tests.pages.conftest import assert_page_ok, open_page, set_language


def test_the_statement_names_conformity_limits_and_enforcement(demo_store, monkeypatch):
    monkeypatch.delenv("KPI_A11Y_CONTACT", raising=False)
    at = open_page("barrierefreiheit")
    shown = assert_page_ok(at)
    assert [t.value for t in at.title] == ["Barrierefreiheit"]
    assert "teilweise barrierefrei" in shown and "axe-core" in shown
    assert "Auswahl-Tabelle" in shown and "Diagramme" in shown  # the Streamlit limits that remain, by name
    assert "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen" in shown
    assert "Schlichtungsstelle nach § 16 BGG" in shown
    assert "KPI_A11Y_CONTACT" in shown and any("KPI_A11Y_CONTACT" in w.value for w in at.warning)


def test_the_citys_contact_is_shown_and_the_page_speaks_english(demo_store, monkeypatch):
    monkeypatch.setenv("KPI_A11Y_CONTACT", "barrierefrei@iserlohn.example, Tel. 02371 217-0")
    at = open_page("barrierefreiheit")
    shown = assert_page_ok(at).replace("\\", "")  # the contact is escaped Markdown (kpi.text.md_escape)
    assert "barrierefrei@iserlohn.example, Tel. 02371 217-0" in shown and not at.warning
    shown = assert_page_ok(set_language(at, "en")).replace("\\", "")
    assert "Accessibility" in [t.value for t in at.title] and "partially accessible" in shown
    assert "Report a barrier" in shown and "barrierefrei@iserlohn.example" in shown


def test_anonymous_visitors_without_public_view_can_read_the_statement(demo_store, monkeypatch):
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "0")
    at = open_page("barrierefreiheit")
    shown = assert_page_ok(at)
    assert "Enforcement" not in shown and "Durchsetzungsverfahren" in shown
