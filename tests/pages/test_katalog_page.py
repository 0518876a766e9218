"""/katalog with AppTest: admin only (the role check is ui.page's, which runs also for a typed URL); editing a
KPI's targets shows the diff and the status changes before it is saved as a revision; /kennzahlen then lists
the target revisions and draws the superseded path; the demo notice line."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kpi.i18n import t
from kpi.own_strategy import remove_demo
from kpi.revisions import current_catalog
from kpi.text import md_escape
from tests.pages.conftest import html_tables
from tests.pages.roles import ADMIN, DEPT_BB, IT, VIEWER, messages, open_as, serve


@pytest.fixture
def app_store(seeded_store, monkeypatch):
    return serve(seeded_store, monkeypatch)


@pytest.mark.parametrize("user", [None, VIEWER, DEPT_BB, IT], ids=["anonymous", "viewer", "department", "it_office"])
def test_katalog_is_refused_to_everyone_but_admin(app_store, user):
    at = open_as("katalog", user)
    assert not [b for b in at.button if b.label == "Änderung prüfen"] and not at.expander
    assert "Berechtigung" in messages(at) or "Anmeldung" in messages(at)


def _field(at, label_start: str):
    return next(w for w in at.text_input if w.label.startswith(label_start))


def test_editing_targets_shows_status_changes_then_saves_a_revision(app_store):
    at = open_as("katalog", ADMIN)
    assert "E-Government" in " ".join(e.label for e in at.expander)
    _field(at, "Zielwerte").set_value("2022: 1; 2030: 5")
    next(d for d in at.date_input if d.label == "Gültig ab").set_value(date(2022, 1, 1))
    next(b for b in at.button if b.label == "Änderung prüfen").click().run()  # without a decision: refused
    assert "Bitte den Beschluss angeben" in messages(at)
    _field(at, "Beschluss").set_value("Ratsbeschluss V/2026/1")
    next(b for b in at.button if b.label == "Änderung prüfen").click().run()
    shown = messages(at).replace("\\", "")
    assert "Zielwert 2030: 100 → 5" in shown
    assert "EG-01: nicht im Plan → erreicht" in shown
    next(b for b in at.button if b.label == "Revision speichern").click().run()
    assert "Revision #2 gespeichert" in messages(at).replace("\\", "")
    assert current_catalog(app_store).kpi("EG-01").final_target.value == 5
    assert app_store.uploads().iloc[0]["kind"] == "catalog"
    # The revisions log: a captioned HTML table in words, newest first (no raw column names or codes).
    log = next(t for t in html_tables(at) if "Beschluss" in t["frame"].columns)["frame"]
    assert list(log.columns) == ["Nr.", "gültig ab", "Erfasst am", "von", "Beschluss", "Art", "Status"]
    assert list(log["Nr."]) == ["#2", "#1"] and log["Beschluss"][0] == "Ratsbeschluss V/2026/1"
    assert list(log["Art"]) == ["Änderung", "erste Fassung"] and log["gültig ab"][0] == "01.01.2022"
    assert set(log["Status"]) == {"übernommen"}
    body = next(str(e.proto.body) for e in at.get("html") if "Beschluss" in str(e.proto.body))
    assert "<caption" in body and "Revisionen des Strategiekatalogs" in body

    kd = open_as("kennzahlen", None, {"kpi": "EG-01"})
    text = messages(kd).replace("\\", "")
    assert "Zielpfad-Revisionen" in text and "Ratsbeschluss V/2026/1" in text
    names = [t.get("name", "") for t in json.loads(kd.get("plotly_chart")[0].proto.spec)["data"]]
    assert any(n.startswith("Früherer Zielpfad: Strategiebeschluss (bis 31.12.2021)") for n in names), names


def test_an_english_name_typed_on_the_page_is_saved_and_shown_in_english(app_store):
    before = current_catalog(app_store).kpi("EG-01")
    at = open_as("katalog", ADMIN)
    english = _field(at, "Name (englisch")
    assert english.value == before.name_en != ""  # the catalog's English wording, to edit
    english.set_value("Online services, revised")
    _field(at, "Beschluss").set_value("Ratsbeschluss V/2026/2")
    next(b for b in at.button if b.label == "Änderung prüfen").click().run()
    next(b for b in at.button if b.label == "Revision speichern").click().run()
    kpi = current_catalog(app_store).kpi("EG-01")
    assert (kpi.name_en, kpi.name) == ("Online services, revised", before.name)  # the German name stays
    kd = open_as("kennzahlen", None, {"kpi": "EG-01", "lang": "en"})
    assert "Online services, revised" in messages(kd)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_forms_offer_words_and_names_in_the_ui_language_not_codes(app_store, lang):
    """Direction and frequency in words, the parent goal, the responsible unit and the KPIs with their names, the
    hierarchy's names: all in the UI language (in English the catalog's English wording), never the stored codes."""
    catalog = current_catalog(app_store)
    goal, kpi, unit = catalog.goals[0], catalog.kpi("EG-01"), catalog.units[0]
    english = lang == "en"
    at = open_as("katalog", ADMIN, {"lang": "en"} if english else None)
    options = {s.label: s.options for s in at.selectbox}
    assert options[t("kat.direction", lang)] == (
        ["higher is better", "lower is better"] if english else ["höher ist besser", "niedriger ist besser"]
    )
    frequencies = options[t("kat.frequency", lang)]
    assert frequencies[0] == ("yearly" if english else "jährlich")
    assert ("every 2 years" if english else "alle 2 Jahre") in frequencies and "every_2_years" not in frequencies
    goal_name, kpi_name = (goal.name_en, kpi.name_en) if english else (goal.name, kpi.name)
    assert goal_name and kpi_name and (not english or (goal_name, kpi_name) != (goal.name, kpi.name))
    assert options[t("kat.parent", lang)][0] == f"{goal.id} · {goal_name}"
    unit_name = (unit.name_en or unit.name) if english else unit.name
    assert f"{unit.id} · {unit_name}" in options[t("kat.responsible", lang)]
    kpi_selectors = [s.options for s in at.selectbox if s.label == t("kat.kpi", lang)]
    assert len(kpi_selectors) == 2 and all(f"EG-01 · {kpi_name}" in o for o in kpi_selectors)  # edit and retire
    hierarchy = " ".join(m.value for e in at.expander for m in e.markdown)
    assert md_escape(goal_name) in hierarchy and md_escape(kpi_name) in hierarchy


def test_every_page_says_so_in_one_line_while_demo_values_are_current(app_store):
    at = open_as("cockpit")
    assert sum("Demo-Daten:" in str(c.value) for c in at.caption) == 1
    remove_demo(app_store)
    st_cache_cleared = serve(app_store, pytest.MonkeyPatch())
    at = open_as("cockpit")
    assert st_cache_cleared and not any("Demo-Daten:" in str(c.value) for c in at.caption)
