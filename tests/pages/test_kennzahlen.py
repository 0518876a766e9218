"""/kennzahlen with AppTest: one KPI's status, figures, chart, definition, revisions; deep links, languages, as-of."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kpi.auth import User
from kpi.bench import build_stress_store
from kpi.i18n import stale_label, status_color
from tests.pages.conftest import (
    assert_page_ok,
    html_tables,
    link_items,
    open_page,
    plain,
    set_language,
    set_stand,
    table_texts,
    texts,
)

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)


def headings(at) -> list[str]:
    return [str(h.value) for h in (*at.title, *at.header, *at.subheader)]


def chooser(at, label: str):
    """The select box "Handlungsfeld" or "Kennzahl" (German labels)."""
    return next(s for s in at.selectbox if s.label == label)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_deep_link_shows_the_kpi_with_status_figures_and_chart(demo_store):
    at = open_page("kennzahlen", kpi="EG-03")
    shown = plain(assert_page_ok(at))
    assert "EG-03 · Anteil medienbruchfrei bearbeiteter Online-Anträge" in headings(at)
    assert "### ✖ nicht im Plan" in shown
    assert "E-Government › Digitale Verwaltungsleistungen ›" in shown
    figures = metrics(at)
    assert figures["Letzter Wert (2025)"] == "36,1 %"
    assert figures["Plan zu diesem Zeitpunkt"] == "50 %" and figures["Fortschritt"] == "69 %"
    assert figures["Zielwert 2030"] == "90 %"
    assert re.fullmatch(r"\d+(,\d+)? %", figures["Prognose 2030"])
    assert re.search(r"Ziel voraussichtlich erreicht am \d\d\.\d\d\.\d{4}", shown)
    assert len(at.get("plotly_chart")) == 1
    assert chooser(at, "Handlungsfeld").value == "EG-HF1" and chooser(at, "Kennzahl").value == "EG-03"
    assert at.query_params["kpi"] == ["EG-03"] or at.query_params["kpi"] == "EG-03"


def test_definition_and_revisions_use_german_formats(demo_store):
    at = open_page("kennzahlen", kpi="EG-02")
    assert_page_ok(at)
    assert metrics(at)["Letzter Wert (2025)"] == "20.517"  # thousands dot
    shown = texts(at)
    assert "**Richtung:** höher ist besser" in shown and "**Erhebung:** jährlich" in shown
    tables = table_texts(at)
    assert re.search(r"\b\d\d\.\d\d\.\d{4} \d\d:\d\d\b", tables)  # "Erfasst am" 16.03.2026 09:00
    assert "Demo-Daten (illustrativ)" in tables


def unescaped(markdown: str) -> str:
    """Markdown source as it reads: without the backslashes of kpi.text.md_escape."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_the_definition_is_text_that_wraps_not_a_table_cell(demo_store):
    """The Steckbrief shows every fact in full as Markdown (a table cell would cut the long ones off)."""
    at = open_page("kennzahlen", kpi="EG-03")
    shown = unescaped(texts(at))
    definition = (
        "Anteil der Online-Anträge eines Jahres, die ohne Ausdruck oder erneute Erfassung direkt an das "
        "Fachverfahren übergeben werden."
    )
    assert f"**Definition:** {definition}" in shown
    assert "**Verantwortlich:** IT-Abteilung (Ressort Bürger, Sicherheit und IT)" in shown
    assert "**Datenquelle:** Serviceportal / Schnittstellenprotokolle der Fachverfahren" in shown
    assert "**Meilensteine:** 2023: 25\u00a0%, 2025: 50\u00a0%, 2030: 90\u00a0%" in shown  # "90 %" never split
    assert "im Plan ab 95\u00a0% des Plans, gefährdet ab 80\u00a0%, darunter nicht im Plan" in shown
    assert not any(definition in str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel())
    english = unescaped(texts(set_language(at, "en")))
    assert "**Direction:** higher is better" in english and "**Owner:** IT Department" in english
    assert "on track from 95\u00a0% of plan, at risk from 80\u00a0%, below that off track" in english


def test_status_heading_is_colour_icon_and_word(demo_store):
    at = open_page("kennzahlen", kpi="EG-05")
    heading = next(str(m.value) for m in at.markdown if str(m.value).startswith("### "))
    assert plain(heading) == "### ✔ im Plan · ◷ veraltet"
    assert status_color("on_track") in heading


def test_values_are_a_text_table_sharing_the_width_with_numbers_right_aligned(demo_store):
    at = open_page("kennzahlen", kpi="EG-03")
    assert not at.dataframe  # no data grid: the page switch does not wait for one
    values = next(t for t in html_tables(at) if "Wert" in t["frame"].columns)
    columns = list(values["frame"].columns)
    assert columns == ["Zeitraum", "Wert", "Qualität", "Kommentar", "Erfasst am", "von", "Quelle"]
    assert abs(sum(values["widths"]) - 100) < 0.5  # shares of the full width: never sideways scrolling
    assert values["right"] == [c == "Wert" for c in columns]
    assert columns[values["widths"].index(max(values["widths"]))] == "Kommentar"  # the free text gets the room
    assert values["frame"]["Zeitraum"].iloc[0] == "2025" and values["frame"]["Wert"].iloc[0] == "36,1 %"


def test_a_long_history_shows_two_years_and_a_switch_for_all(tmp_path, monkeypatch):
    store = build_stress_store(tmp_path / "long.duckdb", 4)  # 240 monthly values per KPI
    monkeypatch.setenv("KPI_DB_URL", store.url)
    at = open_page("kennzahlen", kpi="ST-0001")
    shown = assert_page_ok(at)
    values = next(t for t in html_tables(at) if "Wert" in t["frame"].columns)["frame"]
    assert len(values) == 24 and values["Zeitraum"].iloc[0] == "12/2025"
    assert "… und 216 weitere" in shown
    at.toggle(key="all-values").set_value(True).run()
    values = next(t for t in html_tables(at) if "Wert" in t["frame"].columns)["frame"]
    assert len(values) == 240 and values["Zeitraum"].iloc[-1] == "01/2006"
    assert "… und 216 weitere" not in assert_page_ok(at)


def test_user_text_in_a_table_cell_is_escaped(demo_store):
    import pandas as pd

    from kpi.web.ui import text_table_html

    markup = text_table_html(pd.DataFrame({"Kommentar": ["<img src=x onerror=alert(1)> & mehr"]}), {})
    assert "<img" not in markup and "&lt;img src=x onerror=alert(1)&gt; &amp; mehr" in markup


def test_related_measures_link_to_their_history_with_state_progress_owner_and_period(demo_store):
    at = open_page("kennzahlen", kpi="EG-03")
    assert_page_ok(at)
    measures = [(page, query, label, detail) for page, query, label, detail in link_items(at) if page == "massnahmen"]
    assert measures == [
        (
            "massnahmen",
            "massnahme=M-02",
            "**M-02** Anbindung der Fachverfahren an das Serviceportal",
            "in Umsetzung · 20 % · IT-Abteilung (Ressort Bürger, Sicherheit und IT) · 01.01.2023 – 31.12.2028",
        )
    ]


def test_choosing_an_action_field_shows_its_first_kpi_and_its_list(demo_store):
    at = open_page("kennzahlen", kpi="EG-03")
    ids = [o.split(" · ")[0] for o in chooser(at, "Kennzahl").options]
    assert "EG-03" in ids and "SC-13" not in ids
    assert chooser(at, "Handlungsfeld").options[:2] == [
        "Digitale Verwaltungsleistungen",
        "Digitale Arbeitsprozesse und E-Akte",
    ]
    chooser(at, "Handlungsfeld").set_value("SC-HF3").run()
    assert_page_ok(at)
    kpis = chooser(at, "Kennzahl")
    ids = [o.split(" · ")[0] for o in kpis.options]
    assert kpis.value == ids[0] and "SC-13" in ids and "EG-03" not in ids
    assert any(h.startswith(ids[0] + " · ") for h in headings(at))
    assert str(at.query_params["kpi"]).strip("[]'") == ids[0]


def test_choosing_another_kpi_updates_page_and_url(demo_store):
    at = open_page("kennzahlen", kpi="EG-03")
    chooser(at, "Handlungsfeld").set_value("SC-HF3").run()
    chooser(at, "Kennzahl").set_value("SC-13").run()
    shown = plain(assert_page_ok(at))
    assert "SC-13 · Anteil LED-Leuchten an der Straßenbeleuchtung" in headings(at)
    assert "### ★ erreicht" in shown
    assert not any(h.startswith("EG-03") for h in headings(at))
    assert "SC-13" in str(at.query_params["kpi"])


def test_going_back_to_the_linked_kpi_is_not_lost(demo_store):
    """Open a link to EG-03, pick EG-02, then EG-03 again: each click shows its KPI (the URL follows the lists,
    a list's choice is never reset by the URL it wrote itself)."""
    at = open_page("kennzahlen", kpi="EG-03")
    chooser(at, "Kennzahl").set_value("EG-02").run()
    assert "EG-02 · " + "" in " ".join(headings(at)) and chooser(at, "Kennzahl").value == "EG-02"
    chooser(at, "Kennzahl").set_value("EG-03").run()
    assert any(h.startswith("EG-03 · ") for h in headings(at)), headings(at)
    assert chooser(at, "Kennzahl").value == "EG-03"
    chooser(at, "Handlungsfeld").set_value("SC-HF3").run()
    assert chooser(at, "Kennzahl").value.startswith("SC-") and chooser(at, "Handlungsfeld").value == "SC-HF3"


def test_lowercase_deep_link_is_accepted(demo_store):
    at = open_page("kennzahlen", kpi="eg-03")
    assert_page_ok(at)
    assert "EG-03 · Anteil medienbruchfrei bearbeiteter Online-Anträge" in headings(at)


def test_unknown_kpi_in_the_link_is_named_and_the_first_kpi_shown(demo_store):
    at = open_page("kennzahlen", kpi="XX-99")
    shown = plain(assert_page_ok(at))
    assert "Die Kennzahl 'XX-99' gibt es im Strategiekatalog nicht." in [w.value for w in at.warning]
    assert any(h.startswith("EG-01 · ") for h in headings(at)) and "XX-99" in shown


def test_kpi_without_data_says_so_and_when_the_first_value_is_due(demo_store):
    at = open_page("kennzahlen", kpi="EG-06")
    shown = plain(assert_page_ok(at))
    assert "### ○ keine Daten" in shown
    assert re.search(
        r"Für diese Kennzahl liegen noch keine Messwerte vor\. Der erste Wert ist fällig am "
        r"\d\d\.\d\d\.\d{4}\.",
        shown,
    )
    figures = metrics(at)
    assert figures["Letzter Wert (–)"] == "–" and figures["Fortschritt"] == "–"
    assert figures["Zielwert 2030"] == "85 %"
    assert "Zu wenige Werte für eine Prognose (nötig sind mindestens 4)." in shown
    assert len(at.get("plotly_chart")) == 1  # target path and bands are drawn even without values


def test_stale_kpi_is_marked_on_top_of_its_status(demo_store):
    at = open_page("kennzahlen", kpi="EG-05")
    shown = plain(assert_page_ok(at))
    assert f"### ✔ im Plan · {stale_label('de')}" in shown
    assert re.search(r"Veraltet: der nächste Wert war fällig am \d\d\.\d\d\.\d{4}\.", shown)


def test_kpi_page_in_english(demo_store):
    at = set_language(open_page("kennzahlen", kpi="EG-03"), "en")
    shown = plain(assert_page_ok(at))
    assert "### ✖ off track" in shown
    figures = metrics(at)
    assert figures["Latest value (2025)"] == "36.1 %" and figures["Target 2030"] == "90 %"
    assert re.search(r"Target expected to be reached on \d\d/\d\d/\d{4}", shown)
    assert "**Direction:** higher is better" in shown and "Definition" in shown
    assert "nicht im Plan" not in shown


def test_as_of_a_past_day_hides_later_values(demo_store):
    at = open_page("kennzahlen", kpi="EG-03")
    assert "2025" in table_texts(at)
    at = set_stand(at, date(2025, 6, 30))
    shown = plain(assert_page_ok(at))
    assert metrics(at)["Letzter Wert (2024)"] == "29,4 %"
    assert "36,1 %" not in table_texts(at)  # the 2025 value was recorded in 2026
    assert "Eingefrorener Stand: 30.06.2025" in shown
    at = set_stand(at, date(2023, 6, 30))
    shown = plain(assert_page_ok(at))
    assert "### ▲ gefährdet" in shown and metrics(at)["Letzter Wert (2022)"] == "13 %"


def test_department_user_of_the_owning_unit_sees_the_page_without_errors(demo_store):
    at = open_page("kennzahlen", User("bb", "department", "BB"), kpi="EG-05")
    assert_page_ok(at)
    assert "EG-05 · Durchschnittliche Wartezeit im Bürgerbüro" in headings(at)


def test_kpi_page_on_an_empty_store(empty_store):
    at = open_page("kennzahlen", kpi="EG-03")
    shown = plain(assert_page_ok(at))
    assert "Noch keine Strategie geladen" in shown
    assert not at.get("plotly_chart")
