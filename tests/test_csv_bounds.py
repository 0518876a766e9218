"""Issue 12, finding 9/11 for CSV: measurement and measure-update files are decoded and checked in a child process
with a time and a memory limit and caps on rows, columns, line and field length, from the command line and from
the web app (both call kpi.ingest). Each bomb is refused with a sentence and nothing is written; before, the
app process parsed them itself (a 100,000-column row or a quote left open went to DuckDB or the csv module
unbounded). Time and memory figures: `python -m tests.fixtures.bombs` (never asserted here)."""

from __future__ import annotations

import pytest

from kpi import cli, reader
from kpi.ingest import import_file, import_measures
from tests.fixtures import bombs

CSV_BOMBS = {
    "one 10 MB line": (bombs.single_line_csv, "file.line_too_long"),
    "10M tiny rows": (bombs.tiny_rows_csv, "file.too_many_rows"),
    "100k-column row": (bombs.wide_row_csv, "file.too_many_columns"),
    "50 MB quoted field": (bombs.quoted_field_csv, "file.field_too_long"),
    "50 MB of quotes": (bombs.quotes_csv, "file.line_too_long"),
}


@pytest.mark.parametrize("label", list(CSV_BOMBS))
def test_a_csv_bomb_is_refused_with_a_sentence_and_nothing_written(store, label):
    make, code = CSV_BOMBS[label]
    result = import_file(store, data=make(), file_name="bomb.csv")
    assert not result.ok and result.problems[0].code == code, result.problems[:1]
    assert result.problems[0].message and "Traceback" not in result.problems[0].message
    assert store.measurement_count() == 0 and store.uploads().query("kind == 'measurements'").empty


@pytest.mark.parametrize(
    "data,code",
    [
        (bombs.measure_rows_csv(), "file.too_many_rows"),
        (
            b"Ma\xc3\x9fnahme;Status;Fortschritt;Kommentar\nM-01;geplant;0;" + b";x" * 100_000 + b"\n",
            "file.too_many_columns",
        ),
        (
            b'Ma\xc3\x9fnahme;Status;Fortschritt;Kommentar\nM-01;geplant;0;"' + b"x" * 100_000 + b"\n",
            "file.field_too_long",
        ),
    ],
    ids=["10M-rows", "100k-columns", "open-quote"],
)
def test_a_measure_csv_bomb_is_refused(store, data, code):
    result = import_measures(store, data=data, file_name="massnahmen.csv")
    assert not result.ok and result.problems[0].code == code, result.problems[:1]
    assert store.measure_states().empty


def test_the_command_line_refuses_a_bomb_in_one_sentence(store, tmp_path, capsys):
    path = tmp_path / "bomb.csv"
    path.write_bytes(bombs.wide_row_csv())
    assert cli.main(["--db", store.url, "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "mehr als 64 Spalten" in err and "Traceback" not in err
    assert store.measurement_count() == 0


def test_the_parsing_child_is_stopped_at_its_time_limit():
    with pytest.raises(reader.ReadError) as stopped:
        reader.read_csv(b"Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n", seconds=0, isolate=True)
    assert stopped.value.code == "csv.timeout" and "abgebrochen" in stopped.value.message


def test_the_parsing_child_is_stopped_at_its_memory_limit():
    data = b"Kennzahl;Zeitraum;Wert;Kommentar\n" + b'EG-02;2024;1;"x"\n' * 2_000_000  # 34 MB
    with pytest.raises(reader.ReadError) as stopped:
        reader.read_csv(data, memory=64 * 1024 * 1024)
    assert stopped.value.code == "csv.memory" and "zu groß" in stopped.value.message


def test_a_normal_file_reads_the_same_through_the_child_and_here(store, tmp_path):
    text = 'Kennzahl;Zeitraum;Wert;Kommentar\nEG-02;2023;1.234,5;"mit ; Semikolon"\nEG-02;2024;12 345;Straße\n'
    for encoding in ("utf-8-sig", "cp1252"):
        for isolate in (True, False):
            checked = reader.read_csv(text.encode(encoding), records=True, isolate=isolate)
            assert checked.text == text and checked.delimiter == ";"
            assert checked.records[1] == (2, ["EG-02", "2023", "1.234,5", "mit ; Semikolon"])
    result = import_file(store, data=text.encode("cp1252"), file_name="w.csv", confirm_implausible=True)
    assert result.committed, result.problems
    assert store.comments().empty and set(store.current_values()["comment"]) == {"mit ; Semikolon", "Straße"}


def test_only_a_large_file_that_is_not_a_plain_table_is_parsed_in_the_child():
    """A small file, and a large one without quotes, are checked in this process (their cost is bounded by their
    size); a large file with quoted fields goes to the child, which reports its peak memory."""
    plain = b"Kennzahl;Zeitraum;Wert\n" + b"EG-02;2024;1\n" * 120_000  # 1.5 MB
    quoted = b"Kennzahl;Zeitraum;Wert;Kommentar\n" + b'EG-02;2024;1;"x"\n' * 80_000  # 1.4 MB
    for data, in_child in ((b"Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n", False), (plain, False), (quoted, True)):
        reader.LAST_CHILD_PEAK_BYTES[0] = -1
        checked = reader.read_csv(data)
        assert checked.delimiter == ";" and checked.text == data.decode()
        assert (reader.LAST_CHILD_PEAK_BYTES[0] != -1) is in_child
