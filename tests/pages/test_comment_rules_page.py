"""Issue 12, finding 12 on /kennzahlen: a comment with a control character is refused with a sentence, and
nothing is saved (before, it was stored as typed)."""

from __future__ import annotations

from tests.pages.roles import DEPT_BB, messages, open_as, serve


def test_a_comment_with_an_escape_sequence_is_refused_on_the_page(seeded_store, monkeypatch):
    store = serve(seeded_store, monkeypatch)
    at = open_as("kennzahlen", DEPT_BB, {"kpi": "EG-04"})
    at.text_area(key="comment-text-EG-04").input("Abweichung \x1b[31mrot\x1b[0m")
    next(b for b in at.button if b.label == "Kommentar speichern").click().run()
    assert not at.exception
    errors = " ".join(str(e.value) for e in at.error).replace("\\", "")
    assert "Steuerzeichen (U+001B)" in errors and "nichts gespeichert" in errors, messages(at)
    assert store.comments(kpi_id="EG-04").empty
