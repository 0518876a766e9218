"""Issue 12, finding 12: a typed KPI comment has a length limit and no control characters (an ANSI escape, a
bidirectional override); the sentence says what and that nothing was saved. Before, the page cut a long comment
off silently and stored control characters, and the store took any text."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.comment_rules import CommentError, check_comment
from kpi.ingest import MAX_COMMENT_CHARS, import_file, record_measure_update
from tests.conftest import write

PERIOD = date(2024, 12, 31)


@pytest.mark.parametrize(
    "text,code",
    [
        ("x" * (MAX_COMMENT_CHARS + 1), "comment.too_long"),
        ("\x1b[31mrot\x1b[0m", "text.control_char"),
        ("Zahl \u202eanders gelesen", "text.control_char"),
        ("NUL\x00", "text.control_char"),
        ("C1 \x9b", "text.control_char"),
    ],
    ids=["too-long", "ansi", "bidi-override", "nul", "c1"],
)
def test_a_bad_kpi_comment_is_refused_and_nothing_is_written(store, text, code):
    with pytest.raises(CommentError) as refused:
        store.add_comment("EG-02", PERIOD, text, author="it")
    assert refused.value.code == code and "nichts gespeichert" in refused.value.message
    assert len(store.query("SELECT * FROM kpi_comment")) == 0


def test_a_comment_at_the_limit_with_line_breaks_and_tabs_is_kept(store):
    text = ("Abweichung:\n\t- Ursache" + "x" * MAX_COMMENT_CHARS)[:MAX_COMMENT_CHARS]
    store.add_comment("EG-02", PERIOD, "  " + text + "\n", author="it")
    assert store.comments(kpi_id="EG-02")["text"].tolist() == [text]


def test_the_messages_name_the_length_and_the_character():
    with pytest.raises(CommentError, match="2.001 Zeichen lang, erlaubt sind höchstens 2.000"):
        check_comment("x" * 2001)
    with pytest.raises(CommentError, match=r"Steuerzeichen \(U\+001B\) an Stelle 4"):
        check_comment("abc\x1b")
    with pytest.raises(CommentError, match="nothing was saved"):
        check_comment("abc\x1b", "en")


def test_measure_update_and_upload_comments_have_the_same_limit(store, tmp_path):
    long = "x" * (MAX_COMMENT_CHARS + 1)
    update = record_measure_update(store, "M-01", "geplant", 0, long, user="it", dry_run=True)
    assert [p.code for p in update.problems] == ["comment.too_long"]
    control = record_measure_update(store, "M-01", "geplant", 0, "a\x1bb", user="it", dry_run=True)
    assert [p.code for p in control.problems] == ["text.control_char"]
    upload = import_file(store, write(tmp_path, "k.csv", f"Kennzahl;Zeitraum;Wert;Kommentar\nEG-02;2024;1;{long}\n"))
    assert [(p.code, p.column) for p in upload.problems] == [("comment.too_long", "comment")]
    assert store.measurement_count() == 0
