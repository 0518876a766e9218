"""/upload in English with AppTest: the validation report names rows, columns and problems in English (issue 15)."""

from __future__ import annotations

import pytest

from tests.pages.conftest import set_language
from tests.pages.roles import IT, frame_with, open_as, serve


@pytest.fixture
def app_store(seeded_store, monkeypatch):
    return serve(seeded_store, monkeypatch)


def test_an_english_upload_shows_english_problems(app_store):
    at = set_language(open_as("upload", IT), "en")
    bad = "Kennzahl;Zeitraum;Wert;Kommentar\r\nEG-02;2024;viel;\r\nXX-99;2024;1;\r\nEG-01;2024;150;\r\n"
    at.file_uploader[0].set_value(("bad.csv", bad.encode("utf-8"), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    report = frame_with(at, "Problem")
    assert list(report.columns) == ["Row", "Column", "Value", "Problem"]
    rows = {(r.Row, r.Column, r.Value, r.Problem) for r in report.itertuples()}
    assert ("3", "KPI", "XX-99", "unknown KPI (not in the strategy catalog)") in rows
    assert any(row[:3] == ("2", "Value", "viel") and "is not a number" in row[3] for row in rows)
    assert any(row[:3] == ("4", "Value", "150") and "outside the valid range 0 to 100" in row[3] for row in rows)
    shown = " ".join(report["Problem"]) + " ".join(report["Column"])
    for german in ("Wert", "Kennzahl", "unbekannt", "außerhalb", "Zeile", "Spalte"):
        assert german not in shown
