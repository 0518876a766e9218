"""/kennzahlen with AppTest: each value's own source and quality, and both kinds of comment."""

from __future__ import annotations

import json
from datetime import date

from tests.pages.conftest import html_tables, open_page, texts
from tests.test_values import add_value


def table(at, column: str):
    return next(t["frame"] for t in html_tables(at) if column in t["frame"].columns)


def chart_spec(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_real_breitbandatlas_values_show_their_source_not_the_upload(demo_store):
    at = open_page("kennzahlen", kpi="SC-16")
    assert not at.exception
    values = table(at, "Quelle")
    assert (values["Quelle"] == "Breitbandatlas | Gigabit-Grundbuch").sum() >= 5  # the real half-years up to 2021
    assert "Demo-Daten (illustrativ)" not in set(values["Quelle"])


def test_value_comments_and_discussion_comments_are_listed_together(demo_store):
    demo_store.add_comment("EG-04", date(2024, 1, 31), "Ersatzsystem bestellt", "Bürgerbüro")
    at = open_page("kennzahlen", kpi="EG-04")
    assert not at.exception
    assert "Noch keine Kommentare" not in texts(at)
    notes = table(at, "Art")
    rows = {(r.Zeitraum, r.Art) for r in notes.itertuples()}
    assert ("11/2023", "zum Wert") in rows and ("01/2024", "Diskussion") in rows
    assert any(text.startswith("Cyberangriff") for text in notes["Kommentar"])
    hovers = [c[0] for trace in chart_spec(at)["data"] if trace.get("name") == "Ist-Werte" for c in trace["customdata"]]
    assert any("Cyberangriff" in h for h in hovers) and any("Ersatzsystem bestellt" in h for h in hovers)


def test_quality_of_each_value_is_shown_in_the_table_and_the_chart(demo_store):
    last = demo_store.current_values(kpi_ids=["EG-02"]).iloc[-1]
    add_value(
        demo_store,
        "EG-02",
        date(last["period"].year + 1, 12, 31),
        float(last["value"]),
        quality="provisional",
        source="Landesportal (Vorabauswertung)",
    )
    at = open_page("kennzahlen", kpi="EG-02")
    assert not at.exception
    newest = table(at, "Qualität").iloc[0]
    assert newest["Zeitraum"] == str(last["period"].year + 1)
    assert newest["Qualität"] == "vorläufig" and newest["Quelle"] == "Landesportal (Vorabauswertung)"
    assert table(at, "Qualität").iloc[1]["Qualität"] == "endgültig"
    actual = next(t for t in chart_spec(at)["data"] if t.get("name") == "Ist-Werte")
    assert actual["marker"]["symbol"][-1] == "circle-open"
