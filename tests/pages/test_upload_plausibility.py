"""/upload with AppTest: implausible values (decimal slips) are flagged, shown beside the previous period's value,
and committed only after the explicit confirmation."""

from __future__ import annotations

import pytest

from tests.pages.roles import IT, frame_with, messages, open_as, serve
from tests.test_plausibility import _next_period


@pytest.fixture
def app_store(seeded_store, monkeypatch):
    return serve(seeded_store, monkeypatch)


def commit_button(at):
    return next(b for b in at.button if b.label == "Übernehmen")


def test_decimal_slip_needs_the_confirmation_before_commit(app_store):
    period, last = _next_period(app_store, "EG-04")
    slip = f"{last / 10:.2f}".replace(".", ",")
    at = open_as("upload", IT)
    at.file_uploader[0].set_value(
        ("slip.csv", f"Kennzahl;Zeitraum;Wert\r\nEG-04;{period};{slip}\r\n".encode(), "text/csv")
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "1 auffälliger Wert" in messages(at)
    flags = frame_with(at, "Problem")
    assert any("÷10: Komma verrutscht?" in m and "Vorperiode" in m for m in flags["Problem"])
    preview = frame_with(at, "Änderung")
    row = preview.iloc[0]
    assert row["Änderung"] == "＋ neu"
    assert row["Bisher"].startswith("Vorperiode") and row["Bisher"] != "–"
    assert row["Prüfen"] == "⚠ ÷10: Komma verrutscht?"
    before = app_store.measurement_count()
    assert commit_button(at).disabled
    box = next(c for c in at.checkbox if c.label == "Auffällige Werte geprüft")
    box.check().run()
    assert not commit_button(at).disabled
    commit_button(at).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Übernommen als Upload" in " ".join(s.value for s in at.success)
    assert app_store.measurement_count() == before + 1
