"""The strategy's content in English (issue 15): KPI names, units, sources and the Leitbild in the English UI, and a
German text where the catalog has no English wording, marked lang="de"."""

from __future__ import annotations

import dataclasses
import re

from kpi.revisions import current_catalog, record_catalog
from tests.pages.conftest import assert_page_ok, open_page, plain, set_language, texts


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def without_english(store, kpi_id: str) -> None:
    """Record a catalog revision in which one KPI has lost its English name and definition."""
    catalog = current_catalog(store, measure_states=False)
    kpis = tuple(dataclasses.replace(k, name_en="", definition_en="") if k.id == kpi_id else k for k in catalog.kpis)
    assert record_catalog(
        store, dataclasses.replace(catalog, kpis=kpis), decision="ohne Englisch", user="t"
    ).revision_id


def test_kpi_page_in_english_shows_english_name_unit_and_source(demo_store):
    at = set_language(open_page("kennzahlen", kpi="EG-05"), "en")
    shown = unescaped(plain(assert_page_ok(at)))
    assert at.title[0].value == "EG-05 · Average waiting time at the Citizens' Office"
    assert "**Unit:** minutes" in shown
    assert "**Data source:** Citizens' Office queue-calling system" in shown
    assert "Mean waiting time in minutes between arrival and being called to the counter" in shown
    assert "Durchschnittliche Wartezeit" not in shown and "Minuten" not in shown
    assert 'lang="de"' not in texts(at)  # everything has its English wording: nothing marked


def test_kpi_page_in_german_stays_german(demo_store):
    at = open_page("kennzahlen", kpi="EG-05")
    shown = unescaped(plain(assert_page_ok(at)))
    assert at.title[0].value == "EG-05 · Durchschnittliche Wartezeit im Bürgerbüro"
    assert "**Einheit:** Minuten" in shown and "Average waiting time" not in shown


def test_a_kpi_without_english_shows_its_german_name_marked_as_german(demo_store):
    without_english(demo_store, "EG-03")
    at = set_language(open_page("kennzahlen", kpi="EG-03"), "en")
    assert_page_ok(at)
    heading = next(str(m.value) for m in at.markdown if str(m.value).startswith("# "))
    assert heading.startswith("# EG-03 · ") and '<span lang="de">Anteil medienbruchfrei' in heading
    definition = next(str(m.value) for m in at.markdown if str(m.value).startswith("**Definition:**"))
    assert '<span lang="de">Anteil der Online' in definition
    # the unit and source still have their English wording: not marked
    facts = next(str(m.value) for m in at.markdown if "**Data source:**" in str(m.value))
    assert 'lang="de"' not in facts and "Service portal / interface logs" in unescaped(facts)
    assert not at.title  # the marked heading takes the place of st.title: one h1


def test_cockpit_in_english_shows_english_title_leitbild_and_kpi_names(demo_store):
    at = set_language(open_page("cockpit"), "en")
    shown = unescaped(plain(assert_page_ok(at)))
    assert at.title[0].value == "Digitalisation strategy of the City of Iserlohn"
    assert "**Mission statement: Iserlohn digital**" in shown
    assert "Digitale Verwaltungsleistungen" not in shown and "Digital administrative services" in shown
    links = " ".join(str(link.label) for link in at.get("page_link"))
    assert "Average waiting time at the Citizens' Office" in links or "Share of" in links
    assert "Anteil " not in links


def test_cockpit_marks_a_missing_english_mission_as_german(demo_store):
    catalog = current_catalog(demo_store, measure_states=False)
    strategy = dataclasses.replace(catalog.strategy, mission="Iserlohn vernetzt", mission_en="")
    assert record_catalog(
        demo_store, dataclasses.replace(catalog, strategy=strategy), decision="x", user="t"
    ).revision_id
    at = set_language(open_page("cockpit"), "en")
    assert_page_ok(at)
    line = next(str(m.value) for m in at.markdown if "Mission statement" in str(m.value))
    assert '<span lang="de">Iserlohn vernetzt</span>' in line


def test_theme_page_marks_a_goal_without_english_as_german(demo_store):
    catalog = current_catalog(demo_store, measure_states=False)
    goals = tuple(dataclasses.replace(g, name_en="") if g.id == "EG-Z1" else g for g in catalog.goals)
    assert record_catalog(demo_store, dataclasses.replace(catalog, goals=goals), decision="x", user="t").revision_id
    at = set_language(open_page("themenfelder"), "en")
    assert_page_ok(at)
    headings = [str(m.value) for m in at.markdown if str(m.value).startswith("#### Goal: ")]
    assert any('<span lang="de">Bis Ende 2025 sind 70' in h for h in headings)
    assert any("By the end of 2025, 900 workplaces" in unescaped(h) and "lang=" not in h for h in headings)
    assert at.title[0].value == "E-Government"
