"""Import: German and plain files, every bad-file class, all-or-nothing, re-import, revisions."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from kpi.ingest import import_file
from tests.conftest import write

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)


def measurement_rows(store) -> int:
    return store.measurement_count()


def test_german_excel_csv_windows_1252_with_comment(store, tmp_path):
    path = write(
        tmp_path,
        "messwerte.csv",
        "Kennzahl;Zeitraum;Wert;Kommentar\r\nEG-02;2024;12.345,5;Anträge über „Serviceportal“ €\r\n"
        "EG-07;Q3/2024;61,2;\r\nSC-02;09/2024;4.234;\r\n",
        encoding="cp1252",
    )
    result = import_file(store, path, user="it")
    assert result.ok, result.problems
    assert (result.new, result.changed, result.unchanged) == (3, 0, 0)
    values = store.current_values().set_index("kpi_id")
    assert values.loc["EG-02", "value"] == 12345.5
    assert values.loc["EG-02", "comment"] == "Anträge über „Serviceportal“ €"
    assert values.loc["EG-07", "period"] == date(2024, 9, 30)
    assert values.loc["SC-02", "period"] == date(2024, 9, 30)
    assert values.loc["SC-02", "value"] == 4234


def test_cells_typed_by_hand_are_read_like_clean_ones(store, tmp_path):
    """Spaces around a KPI or a period, a KPI in lower case, thousands grouped with a space, a no-break space or a
    narrow no-break space, a per cent sign: each read as the clean cell would be; problems quote the trimmed KPI."""
    path = write(
        tmp_path,
        "von_hand.csv",
        "Kennzahl;Zeitraum;Wert\n eg-02 ; 2024 ;1 234,5\nEG-07; Q3/2024;61,2 %\n EG-07 ;Q4/2024 ; 62,0 \n"
        "SC-02;09/2024;4\u00a0234\nSC-02;10/2024;4\u202f321,5\n",
    )
    result = import_file(store, path)
    assert result.ok, result.problems
    assert (result.new, result.changed, result.unchanged) == (5, 0, 0)
    values = {(row.kpi_id, row.period): row.value for row in store.current_values().itertuples()}
    assert values == {
        ("EG-02", date(2024, 12, 31)): 1234.5,
        ("EG-07", date(2024, 9, 30)): 61.2,
        ("EG-07", date(2024, 12, 31)): 62.0,
        ("SC-02", date(2024, 9, 30)): 4234.0,
        ("SC-02", date(2024, 10, 31)): 4321.5,
    }
    bad = write(tmp_path, "falsch.csv", "Kennzahl;Zeitraum;Wert\n xx-99 ;2024;5\n  ;2024;5\nEG-02; 2024 ;5 5\n")
    result = import_file(store, bad)
    assert [(p.row, p.column, p.code, p.value) for p in result.problems] == [
        (2, "kpi_id", "kpi.unknown", "xx-99"),
        (3, "kpi_id", "kpi.missing", ""),
        (4, "value", "value.format", "5 5"),
    ]
    assert measurement_rows(store) == 5


def test_utf8_bom_and_english_headers_plain_csv(store, tmp_path):
    path = write(
        tmp_path,
        "plain.csv",
        "\ufeffkpi_id,period,value,comment,source\nEG-02,2023,1234.5,,portal\nEG-07,2024-Q1,55.25,,\n",
    )
    result = import_file(store, path)
    assert result.ok, result.problems
    values = store.current_values().set_index("kpi_id")
    assert values.loc["EG-02", "value"] == 1234.5
    assert values.loc["EG-07", "period"] == date(2024, 3, 31)


@pytest.mark.parametrize(
    "period,frequency_kpi,expected",
    [
        ("2024", "EG-02", date(2024, 12, 31)),
        ("31.12.2024", "EG-02", date(2024, 12, 31)),
        ("Berichtsjahr 2021", "EG-02", date(2021, 12, 31)),
        ("2024-Q3", "EG-07", date(2024, 9, 30)),
        ("Q2/2024", "EG-07", date(2024, 6, 30)),
        ("15.08.2024", "EG-07", date(2024, 9, 30)),
        ("2024-09", "SC-02", date(2024, 9, 30)),
        ("02/2024", "SC-02", date(2024, 2, 29)),
        ("2024-02-10", "SC-02", date(2024, 2, 29)),
    ],
    ids=[
        "year",
        "german-date-year-end",
        "berichtsjahr",
        "iso-quarter",
        "q-slash",
        "date-in-quarter",
        "iso-month",
        "month-slash-leap",
        "iso-date-snapped",
    ],
)
def test_period_forms_normalise_to_period_end(store, tmp_path, period, frequency_kpi, expected):
    path = write(tmp_path, "p.csv", f"Kennzahl;Zeitraum;Wert\n{frequency_kpi};{period};5\n")
    result = import_file(store, path)
    assert result.ok, result.problems
    assert store.current_values()["period"].tolist() == [expected]


HEADER = "Kennzahl;Zeitraum;Wert;Kommentar;Quelle;Qualität"
# A row each check reports (in a file with HEADER), the column it names, its code and its German wording's start.
ROW_CHECKS = [
    (";2024;5;;;", "kpi_id", "kpi.missing", "Kennzahl fehlt"),
    ("XX-99;2024;5;;;", "kpi_id", "kpi.unknown", "unbekannte Kennzahl"),
    ("EG-01;;5;;;", "period", "period.missing", "Zeitraum fehlt"),
    ("EG-01;2024-13;5;;;", "period", "period.unreadable", "nicht lesbar"),
    ("EG-01;1900;5;;;", "period", "period.out_of_range", "außerhalb des zulässigen Fensters"),
    ("EG-01;Q3/2024;5;;;", "period", "period.frequency", "ein Quartal, aber EG-01 wird jährlich"),
    ("EG-02;2024;abc;;;", "value", "value.format", "keine Zahl"),
    ("EG-02;2023;12.5;;;", "value", "value.format", "keine Zahl"),  # an English decimal in a German file
    ("EG-01;2024;101,5;;;", "value", "value.out_of_range", "außerhalb des gültigen Bereichs"),
    ("EG-02;2022;9.999.999.999.999.999;;;", "value", "value.not_finite", "keine endliche Zahl"),
    ("EG-02;2021;5;;;ungefähr", "quality", "quality.unknown", "unbekannte Qualitätsangabe"),
    ("EG-02;2020;5;" + "x" * 2001 + ";;", "comment", "comment.too_long", "länger als 2.000 Zeichen"),
]


@pytest.mark.parametrize(
    "line,column,fragment",
    [(row, column, fragment) for row, column, _, fragment in ROW_CHECKS]
    + [("EG-01;2024;5;;", "quality", "falsche Anzahl Spalten")],  # a field short: the last column is missing
    ids=[code for _, _, code, _ in ROW_CHECKS] + ["missing-column"],
)
def test_bad_rows_name_row_and_column_and_write_nothing(store, tmp_path, line, column, fragment):
    path = write(tmp_path, "bad.csv", f"{HEADER}\nEG-02;2024;100;;;\n\n{line}\n")
    result = import_file(store, path)
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(4, column)]
    assert fragment in result.problems[0].message
    assert measurement_rows(store) == 0
    assert len(store.uploads()) == 0


def test_every_check_reports_its_own_row_in_one_file_and_nothing_is_written(store, tmp_path):
    """Each check finds its row among many (the import flags suspect rows in one pass, then words each problem).
    Control characters are refused for the whole CSV file before (file.control_char); see the next test."""
    flagged = [(row, column, code) for row, column, code, _ in ROW_CHECKS] + [
        ("EG-03;2024;1;;;", "value", "row.conflict"),
        ("EG-03;2024;2;;;", "value", "row.conflict"),
    ]
    fine = [
        "EG-02;2017;;;;",  # a template row left empty: skipped, not a problem
        "EG-02;2016;5;gut;Portal;vorläufig",
    ]
    rows = [row for row, _, _ in flagged] + fine
    path = write(tmp_path, "alles.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    result = import_file(store, path)
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (line, column, code) for line, (_, column, code) in enumerate(flagged, start=2)
    ]
    assert result.problem_count == len(flagged) and result.not_filled == 1
    by_row = {p.row: p for p in result.problems}
    assert (by_row[3].value, by_row[5].value, by_row[10].value) == ("XX-99", "2024-13", "101,5")  # as written
    assert by_row[len(flagged) + 1].params["kpi_name"] and by_row[len(flagged) + 1].params["kpi"] == "EG-03"
    assert measurement_rows(store) == 0
    assert len(store.uploads()) == 0


def test_control_characters_in_rows_from_memory_are_refused_per_row(store):
    import pandas as pd

    from kpi.ingest import import_frame

    frame = pd.DataFrame(
        {
            "kpi_id": ["EG-02", "EG-02", "EG-02"],
            "period": ["2019", "2018", "2017"],
            "value": [5.0, 6.0, 7.0],
            "comment": ["a\x1bb", None, "gut"],
            "source": [None, "Portal\x07", "Portal"],
        }
    )
    result = import_frame(store, frame, name="Korrektur")
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (2, "comment", "text.control_char"),
        (3, "source", "text.control_char"),
    ]
    assert measurement_rows(store) == 0


def test_warnings_quote_the_period_and_the_value_as_written(store, tmp_path):
    first = write(tmp_path, "vorher.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;1.000\n")
    assert import_file(store, first, user="it").ok
    later = write(
        tmp_path, "nachher.csv", "Kennzahl;Zeitraum;Wert\nEG-01;2024;5\nEG-02;2024;2.500,5\nEG-01;Jahr 2027;5\n"
    )
    result = import_file(store, later, today=date(2026, 12, 2), dry_run=True)
    assert result.ok, result.problems
    warnings = {p.code: (p.row, p.value) for p in result.warnings}
    assert warnings["period.future"] == (4, "Jahr 2027")
    assert warnings["value.jump"] == (3, "2.500,5")


def test_conflicting_duplicates_are_refused_identical_ones_collapse(store, tmp_path):
    same = write(tmp_path, "same.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;100\nEG-02;2024;100\n")
    result = import_file(store, same)
    assert result.ok and result.new == 1
    conflict = write(tmp_path, "conflict.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;100\nEG-02;2023;101\n")
    result = import_file(store, conflict)
    assert [p.row for p in result.problems] == [2, 3]
    assert "widersprüchliche Doppelung" in result.problems[0].message
    assert measurement_rows(store) == 1


@pytest.mark.parametrize(
    "name,content,fragment",
    [
        ("empty.csv", b"", "leer"),
        ("header-only.csv", b"Kennzahl;Zeitraum;Wert\n", "keine Datenzeilen"),
        ("words.csv", b"Dies ist ein Brief und keine Tabelle\n", "keine Tabelle"),
        ("wrong-header.csv", b"a;b;c\n1;2;3\n", "Kopfzeile unvollst"),
        ("binary.csv", b"\x00\x01\x02PDF", "Binärdaten"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", "XLSX nicht lesbar"),
        ("notes.pdf", b"%PDF-1.4", "nicht unterstützt"),
    ],
    ids=["empty", "header-only", "prose", "wrong-header", "binary", "broken-xlsx", "wrong-type"],
)
def test_non_tabular_files_are_refused_with_a_message(store, tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    result = import_file(store, path)
    assert not result.ok
    assert fragment in result.problems[0].message
    assert measurement_rows(store) == 0


def test_file_over_size_limit_is_refused(store, tmp_path, monkeypatch):
    import kpi.ingest

    monkeypatch.setattr(kpi.ingest, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, "big.csv", "Kennzahl;Zeitraum;Wert\n" + "EG-02;2024;1\n" * 20)
    result = import_file(store, path)
    assert "zu groß" in result.problems[0].message
    assert measurement_rows(store) == 0


def test_reimport_writes_no_new_revisions_and_change_writes_one(store, tmp_path):
    path = write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;100\nEG-02;2024;200\n")
    assert import_file(store, path).new == 2
    again = import_file(store, path)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    assert measurement_rows(store) == 2
    changed = write(tmp_path, "b.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;100\nEG-02;2024;250\n")
    result = import_file(store, changed)
    assert (result.new, result.changed, result.unchanged) == (0, 1, 1)
    assert measurement_rows(store) == 3
    revisions = store.revisions("EG-02")
    assert revisions[revisions["period"] == date(2024, 12, 31)]["value"].tolist() == [250, 200]


def test_as_of_shows_what_was_known_then(store, tmp_path):
    from kpi.store import now

    import_file(store, write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;200\n"))
    between = now()
    import_file(store, write(tmp_path, "b.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;250\n"))
    assert store.current_values(between)["value"].tolist() == [200]
    assert store.current_values()["value"].tolist() == [250]


def test_dry_run_counts_but_writes_nothing(store, tmp_path):
    path = write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;100\n")
    result = import_file(store, path, dry_run=True)
    assert result.ok and result.new == 1 and not result.committed
    assert measurement_rows(store) == 0 and len(store.uploads()) == 0


def test_upload_is_recorded_with_sha256_and_counts(store, tmp_path):
    import hashlib

    path = write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;100\n")
    import_file(store, path, user="mueller")
    upload = store.uploads().iloc[0]
    assert upload["file_name"] == "a.csv" and upload["username"] == "mueller"
    assert upload["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (upload["n_new"], upload["n_changed"], upload["n_unchanged"], upload["state"]) == (1, 0, 0, "committed")


def _xlsx(tmp_path, sheets: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "werte.xlsx"
    book.save(path)
    return path


def test_xlsx_prefers_sheet_messwerte_and_reads_native_numbers_and_dates(store, tmp_path):
    from datetime import datetime

    path = _xlsx(
        tmp_path,
        {
            "Hinweise": [["Bitte ausfüllen"]],
            "Messwerte": [
                ["Kennzahl", "Zeitraum", "Wert"],
                ["EG-02", 2024, 1234.5],
                ["SC-02", datetime(2024, 9, 30), 4234],
                ["EG-07", "Q3/2024", "61,2"],
            ],
        },
    )
    result = import_file(store, path)
    assert result.ok, result.problems
    values = store.current_values().set_index("kpi_id")
    assert values.loc["EG-02", "value"] == 1234.5
    assert values.loc["SC-02", "period"] == date(2024, 9, 30)
    assert values.loc["EG-07", "value"] == 61.2


def test_xlsx_problem_names_excel_row(store, tmp_path):
    path = _xlsx(
        tmp_path, {"Tabelle1": [["Kennzahl", "Zeitraum", "Wert"], ["EG-02", 2024, 5], ["EG-02", 2023, "viel"]]}
    )
    result = import_file(store, path)
    assert [(p.row, p.column, p.value) for p in result.problems] == [(3, "value", "viel")]
