"""/katalog in English with AppTest: a catalog edit's problems are worded in the UI language (issue 15)."""

from __future__ import annotations

import pytest

from tests.pages.conftest import set_language
from tests.pages.roles import ADMIN, messages, open_as, serve


@pytest.fixture
def app_store(seeded_store, monkeypatch):
    return serve(seeded_store, monkeypatch)


def _field(at, label_start: str):
    return next(w for w in at.text_input if w.label.startswith(label_start))


@pytest.mark.parametrize(
    "lang,targets,decision,check,expected,unexpected",
    [
        ("en", "Targets", "Decision", "Check change", "targets: '2030 5' is not 'period: value'", "Zielwerte:"),
        (
            "de",
            "Zielwerte",
            "Beschluss",
            "Änderung prüfen",
            "Zielwerte: '2030 5' ist nicht 'Zeitraum: Wert'",
            "targets:",
        ),
    ],
    ids=["english", "german"],
)
def test_a_bad_target_is_named_in_the_ui_language(app_store, lang, targets, decision, check, expected, unexpected):
    at = set_language(open_as("katalog", ADMIN), lang)
    _field(at, targets).set_value("2030 5")
    _field(at, decision).set_value("V/2026/1")
    next(b for b in at.button if b.label == check).click().run()
    shown = messages(at).replace("\\", "")
    assert expected in shown and unexpected not in shown
