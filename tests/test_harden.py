"""Issue 12: one test per finding of the outside attack (each failed on the code before the hardening), plus the
reader-level rules of issue 11 (template rows, quality column, problem codes) and the store's revision rule."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import openpyxl
import pytest

import kpi.store
from kpi import auth, cli, ingest, reader
from kpi.audit import undo_upload
from kpi.auth import User
from kpi.ingest import import_measures
from kpi.revisions import record_catalog
from kpi.store import Store
from tests.conftest import write
from tests.fixtures import bombs

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py); duckdb_only: about the file

ROOT = Path(__file__).resolve().parents[1]
ADMIN = User("admin", "admin")
PASSWORD = "Richtig-Passwort-1"


def import_file(*args, **kwargs):
    """These tests are about hardening, not plausibility: their deliberate jumps are confirmed."""
    return ingest.import_file(*args, **{"confirm_implausible": True, **kwargs})


def value_of(store: Store, kpi_id: str, period: date) -> float | None:
    frame = store.current_values(kpi_ids=[kpi_id])
    rows = frame[frame["period"] == period]
    return None if rows.empty else float(rows["value"].iloc[0])


def xlsx_bytes(rows: list[list], *, hidden_first: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if hidden_first:
        sheet.sheet_state = "hidden"
        book.create_sheet("Sichtbar").append(["nichts"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- 1. order: a later correction is always the current value --------------------------------------


def test_1_a_correction_stays_current_when_the_clock_goes_back(store, tmp_path, monkeypatch):
    first = write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;100\n")
    assert import_file(store, first).committed
    back = datetime.now() - timedelta(hours=3)  # a clock step back, a DST fall-back or another time zone
    monkeypatch.setattr(kpi.store, "now", lambda: back)
    monkeypatch.setattr("kpi.ingest.now", lambda: back, raising=False)
    second = write(tmp_path, "b.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;200\n")
    result = import_file(store, second)
    assert result.changed == 1
    assert value_of(store, "EG-02", date(2024, 12, 31)) == 200
    again = import_file(store, second)  # nothing invisible is written again
    assert (again.changed, again.unchanged) == (0, 1)
    # The as-of cut agrees: as of now both revisions are in, the correction wins.
    assert value_of_as_of(store, datetime.now() + timedelta(days=1)) == 200


def value_of_as_of(store: Store, as_of: datetime) -> float | None:
    frame = store.current_values(as_of, kpi_ids=["EG-02"])
    return None if frame.empty else float(frame["value"].iloc[0])


@pytest.mark.processes  # a fresh interpreter (subprocess)
def test_1_writers_in_different_time_zones_keep_the_order(store, tmp_path):
    script = (
        "import sys; from kpi.ingest import import_file; from kpi.store import Store; "
        "r = import_file(Store(sys.argv[1]), sys.argv[2]); print(r.summary()); sys.exit(0 if r.committed else 1)"
    )
    for zone, value in (("Pacific/Kiritimati", 100), ("Pacific/Honolulu", 200)):  # UTC+14, then UTC-10
        path = write(tmp_path, f"{value}.csv", f"Kennzahl;Zeitraum;Wert\nEG-02;2024;{value}\n")
        proc = subprocess.run(
            [sys.executable, "-c", script, store.url, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "TZ": zone},
        )
        assert proc.returncode == 0, proc.stderr
    assert value_of(store, "EG-02", date(2024, 12, 31)) == 200


def test_old_stores_get_the_revision_key_in_the_old_order(tmp_path, catalog):
    """A store written before `rev` existed: the migration backfills it (older revisions lower) and adds quality."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE measurement (kpi_id VARCHAR, period DATE, value DOUBLE, comment VARCHAR,
                   source VARCHAR, upload_id INTEGER, recorded_at TIMESTAMP, recorded_by VARCHAR)""")
    con.execute("""INSERT INTO measurement VALUES ('EG-02', DATE '2024-12-31', 2, NULL, NULL, 2, TIMESTAMP '2025-02-01', 'x'),
                   ('EG-02', DATE '2024-12-31', 1, NULL, NULL, 1, TIMESTAMP '2025-01-01', 'x')""")
    con.close()
    store = Store(f"duckdb:///{path}")
    record_catalog(store, catalog)
    assert value_of(store, "EG-02", date(2024, 12, 31)) == 2
    result = import_file(store, write(tmp_path, "c.csv", "Kennzahl;Zeitraum;Wert;Qualität\nEG-02;2024;3;vorläufig\n"))
    assert result.committed, result.problems
    assert value_of(store, "EG-02", date(2024, 12, 31)) == 3
    assert store.current_values()["quality"].tolist() == ["provisional"]


# -- 2. one typo row must not take the dashboard down -----------------------------------------------


@pytest.mark.parametrize("period", ["9999", "0000", "31.12.0000", "1900"])
def test_2_periods_outside_a_sane_window_are_refused(store, tmp_path, period):
    path = write(tmp_path, "typo.csv", f"Kennzahl;Zeitraum;Wert\nEG-02;2024;100\nEG-02;{period};5\n")
    result = import_file(store, path)
    assert not result.ok
    assert result.problems[0].row == 3 and result.problems[0].column == "period"
    assert result.problems[0].code in ("period.out_of_range", "period.unreadable")
    assert store.measurement_count() == 0


# -- 3. DuckDB reads the named file, never a glob -------------------------------------------------------


def test_3_the_cli_imports_exactly_the_named_file(store, tmp_path, capsys):
    named = write(tmp_path, "werte[1].csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;111\n")
    write(tmp_path, "werte1.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;999\nEG-07;2024;5\n")
    write(tmp_path, "star_a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;1\n")
    assert cli.main(["--db", store.url, "import", str(named)]) == 0
    assert value_of(store, "EG-02", date(2024, 12, 31)) == 111
    assert store.current_values()["kpi_id"].tolist() == ["EG-02"]
    assert cli.main(["--db", store.url, "import", str(tmp_path / "star*.csv")]) == 1
    assert "nicht lesbar" in capsys.readouterr().err
    assert store.measurement_count() == 1


# -- 4. an undo never overwrites an import that runs at the same moment in one process --------------


def race(*jobs) -> list[BaseException]:
    """Run the jobs in threads released at the same moment; the exceptions they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_4_undo_and_import_in_two_threads_never_lose_the_import(seeded_store, tmp_path):
    # The import writes many rows, so that it is still writing while the undo plans and writes; the undo starts a
    # little later each round (0 to 0.2 s in 8 steps), so that some round lands inside the import's write.
    for round_, year in enumerate(range(2000, 2008)):
        base = write(tmp_path, f"a{year}.csv", f"Kennzahl;Zeitraum;Wert\nEG-02;{year};1\n")
        upload = import_file(seeded_store, base).upload_id
        bulk = "".join(f"EG-04;{m:02d}/{y};{m + round_}\n" for y in range(1975, 2000) for m in range(1, 13))
        newer = write(tmp_path, f"b{year}.csv", f"Kennzahl;Zeitraum;Wert\nEG-02;{year};2\n{bulk}")

        def late_undo(u=upload, delay=0.025 * round_):
            time.sleep(delay)
            undo_upload(seeded_store, u, ADMIN)

        assert not race(late_undo, lambda p=newer: import_file(seeded_store, p))
        assert value_of(seeded_store, "EG-02", date(year, 12, 31)) == 2, year


# -- 5. undoing uploads in order never brings back an undone value --------------------------------------


def test_5_undo_in_order_does_not_restore_an_undone_value(store, tmp_path):
    a = import_file(store, write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n")).upload_id
    b = import_file(store, write(tmp_path, "b.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;2\n")).upload_id
    first = undo_upload(store, a, ADMIN)
    assert first.ok and first.skipped  # B is current: A's row is left alone
    second = undo_upload(store, b, ADMIN)
    assert second.ok
    assert value_of(store, "EG-02", date(2024, 12, 31)) is None  # neither A's 1 nor B's 2


# -- 6. a measure file with an unclosed quote is refused ------------------------------------------------


def test_6_measure_csv_with_an_unclosed_quote_is_refused(store, tmp_path):
    path = write(
        tmp_path, "m.csv", 'Maßnahme;Status;Fortschritt;Kommentar\nM-01;in Umsetzung;40;"läuft\nM-02;geplant;0;\n'
    )
    result = import_measures(store, path)
    assert not result.ok and result.problems[0].code == "file.quoting"
    assert result.problems[0].row == 2
    assert store.measure_states().empty


# -- 7. English decimals in a German file are refused ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Kennzahl;Zeitraum;Wert\nEG-02;2024;0.125\n",
        "Kennzahl\tZeitraum\tWert\nEG-02\t2024\t0.250\n",
        "Kennzahl;Zeitraum;Wert\nEG-02;2024;2 1 0 0 0\n",
    ],
)
def test_7_english_decimals_and_spaced_digits_in_a_german_file_are_refused(store, tmp_path, text):
    result = import_file(store, write(tmp_path, "de.csv", text))
    assert not result.ok and result.problems[0].code == "value.format" and result.problems[0].kpi_id == "EG-02"
    assert store.measurement_count() == 0


def test_7_german_numbers_still_read(store, tmp_path):
    result = import_file(
        store,
        write(
            tmp_path, "de.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;1.234,5\nEG-02;2024;12 345\nEG-07;Q3/2024;0,125\n"
        ),
    )
    assert result.ok, result.problems
    assert value_of(store, "EG-02", date(2024, 12, 31)) == 12345


# -- 8. nobody can lock an account -------------------------------------------------------------------


def test_8_failures_from_one_client_do_not_lock_the_owner_out(store, capsys):
    auth.add_user(store, "admin", "admin", PASSWORD)
    t0 = datetime(2026, 1, 1, 12)
    for i in range(8):  # a burst of wrong passwords from one client
        auth.authenticate(store, "admin", "falsch", at=t0 + timedelta(milliseconds=100 * i), client="203.0.113.9")
    attacker = auth.authenticate(store, "admin", PASSWORD, at=t0 + timedelta(seconds=1), client="203.0.113.9")
    assert not attacker.ok and "erneut versuchen" in attacker.message  # slowed down, answered at once
    assert auth.authenticate(store, "admin", PASSWORD, at=t0 + timedelta(seconds=9), client="10.0.0.5").ok
    assert cli.main(["--db", store.url, "user", "unlock", "admin"]) == 0
    assert auth.authenticate(store, "admin", PASSWORD, at=t0 + timedelta(seconds=10), client="203.0.113.9").ok
    # A password reset lifts a back-off too; typed names are stored capped; old attempts are pruned.
    for i in range(6):
        auth.authenticate(store, "admin", "falsch", at=t0 + timedelta(seconds=20 + i))
    auth.set_password(store, "admin", "Neues-Passwort-2")
    assert auth.authenticate(store, "admin", "Neues-Passwort-2", at=t0 + timedelta(seconds=27)).ok
    auth.authenticate(store, "x" * 100_000, "falsch", at=t0 + timedelta(days=2))
    names = store.query("SELECT name, attempted_at FROM login_attempt")
    assert names["name"].str.len().max() <= 64
    assert names["attempted_at"].min() >= t0 + timedelta(days=1)


def test_8_a_password_of_spaces_is_refused(store):
    with pytest.raises(auth.AuthError):
        auth.add_user(store, "it", "it_office", " " * 8)


# -- 9. small XLSX bombs are refused or read within seconds and bounded memory --------------------------


@pytest.mark.duckdb_only  # about reading the file: the store's backend plays no part
@pytest.mark.processes  # a fresh interpreter (subprocess)
def test_9_a_declared_huge_dimension_is_not_trusted(store, tmp_path):
    bomb = bombs.dimension_bomb()
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(bomb)).read("xl/worksheets/sheet1.xml")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "import", str(path), "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KPI_DB_URL": store.url},
    )
    # Read, not stopped: the parsing child would have been stopped at its time limit (xlsx.timeout, exit 1). No
    # wall-time bound here: on a loaded machine the interpreter's start alone can take many seconds.
    assert proc.returncode == 0, proc.stderr


def test_9_a_shared_strings_bomb_is_refused_unread(store):
    bomb = bombs.shared_strings_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    reader.LAST_CHILD_PEAK_BYTES[0] = -1  # a parsing child would overwrite it with its peak
    result = import_file(store, data=bomb, file_name="bomb.xlsx")
    assert not result.ok and result.problems[0].code in ("xlsx.too_many_strings", "xlsx.too_large")
    assert reader.LAST_CHILD_PEAK_BYTES[0] == -1  # refused from the zip directory: no child parsed it


# -- 10. a crafted link writes nothing into the page ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[Bitte hier neu anmelden](http://x.example/login)",
        "![t](http://host/t.png)",
        "http://x.example/login",
        "www.x.example",
        ":red[Achtung]",
        "<b>fett</b>",
        "<http://x.example>",
        "admin@x.example",
    ],
)
def test_10_text_from_a_url_is_shown_literally(text):
    from kpi.text import md_escape

    escaped = md_escape(text)
    # Every character Markdown could give a meaning to is backslash-escaped (a literal in CommonMark).
    assert re.search(r"(?<!\\)[\[\]()!:<>/.@]", escaped) is None, escaped
    assert escaped.replace("\\", "") == text


# -- 11. faults give one sentence and an exit code; read commands never write ---------------------------


@pytest.mark.duckdb_only  # the DuckDB file: broken, missing, not written by a read
@pytest.mark.processes  # a fresh interpreter (subprocess)
def test_11_faults_are_sentences_and_read_commands_do_not_write(store, tmp_path, capsys):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database" * 100)
    assert cli.main(["--db", f"duckdb:///{broken}", "export"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("Fehler:") and "Traceback" not in err and len(err.strip().splitlines()) == 1
    missing = tmp_path / "tippfehler.duckdb"
    assert cli.main(["--db", f"duckdb:///{missing}", "status"]) == 1
    assert "gibt es nicht" in capsys.readouterr().err and not missing.exists()
    before = Path(store.path).read_bytes()
    assert cli.main(["--db", store.url, "export", "--format", "json"]) == 0
    assert Path(store.path).read_bytes() == before and not Path(store.path + ".wal").exists()
    proc = subprocess.run(
        [sys.executable, "-c", "import kpi.ingest; print(kpi.ingest.MAX_FILE_BYTES)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KPI_MAX_FILE_MB": "abc"},
    )
    assert proc.returncode == 0 and int(proc.stdout) == 100 * 1024 * 1024, proc.stderr


def test_11_a_huge_single_line_file_is_a_sentence(store):
    result = import_file(store, data=b"Kennzahl;Zeitraum;Wert" + b"x" * (10 * 1024 * 1024), file_name="line.csv")
    assert not result.ok and result.problems[0].code == "file.line_too_long"


# -- 12. what used to be accepted without complaint -------------------------------------------------------


@pytest.mark.parametrize("case", ["nul", "mixed", "big", "inf", "hidden", "second_value", "comment", "ansi", "devzero"])
def test_12_bad_input_is_refused_with_a_sentence(store, tmp_path, case):
    header = "Kennzahl;Zeitraum;Wert;Kommentar\n"
    data, name = {
        "nul": ((header + "EG-02;2024;1;x\n" * 400).encode() + b"EG-07;2024;2;\x00\n", "a.csv"),
        "mixed": (
            header.encode() + "EG-02;2024;1;Straße\n".encode() + "EG-07;2024;2;Straße\n".encode("cp1252"),
            "a.csv",
        ),
        "big": (xlsx_bytes([["Kennzahl", "Zeitraum", "Wert"], ["EG-02", "2024", 1e308]]), "a.xlsx"),
        "inf": (bombs.infinite_cell(), "a.xlsx"),
        "hidden": (xlsx_bytes([["Kennzahl", "Zeitraum", "Wert"], ["EG-02", "2024", 1]], hidden_first=True), "a.xlsx"),
        "second_value": (b"Kennzahl;Zeitraum;Wert;Wert\nEG-02;2024;1;2\n", "a.csv"),
        "comment": ((header + "EG-02;2024;1;" + "x" * 100_000 + "\n").encode(), "a.csv"),
        "ansi": ((header + "EG-02;2024;1;\x1b[31mrot\x1b[0m\n").encode(), "a.csv"),
        "devzero": (None, "/dev/zero"),
    }[case]
    if data is None:
        result = import_file(store, name)
    else:
        result = import_file(store, data=data, file_name=name)
    assert not result.ok, case
    assert result.problems[0].code and result.problems[0].message
    assert store.measurement_count() == 0


# -- issue 11 at the reader: template rows, quality, problem codes -------------------------------------


def test_template_rows_left_empty_are_skipped_and_counted(store, tmp_path):
    text = "Kennzahl;Zeitraum;Wert;Kommentar\nEG-02;2024;100;\nEG-07;2024;;\nEG-07;2023;;\n"
    result = import_file(store, write(tmp_path, "vorlage.csv", text))
    assert result.committed and result.not_filled == 2 and result.new == 1
    assert "nicht ausgefüllt: 2 Zeilen" in result.summary()


@pytest.mark.parametrize(
    "word,code",
    [("vorläufig", "provisional"), ("GESCHÄTZT", "estimated"), ("Bruch", "break"), ("final", "final"), ("", None)],
)
def test_quality_column_is_parsed_and_stored(store, tmp_path, word, code):
    result = import_file(store, write(tmp_path, "q.csv", f"Kennzahl;Zeitraum;Wert;Qualität\nEG-02;2024;1;{word}\n"))
    assert result.committed, result.problems
    assert store.current_values()["quality"].tolist() == [code]


def test_an_unknown_quality_names_row_column_and_value(store, tmp_path):
    result = import_file(store, write(tmp_path, "q.csv", "Kennzahl;Zeitraum;Wert;quality\nEG-02;2024;1;ungefähr\n"))
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.value, problem.code) == (2, "quality", "ungefähr", "quality.unknown")
    assert problem.kpi_id == "EG-02" and "EG-02" in str(problem)


def test_12_the_json_export_keeps_text_as_stored(store, tmp_path, capsys):
    assert import_file(store, write(tmp_path, "f.csv", "Kennzahl;Zeitraum;Wert;Kommentar\nEG-02;2024;1;-2+3\n")).ok
    assert cli.main(["--db", store.url, "export", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["comment"] == "-2+3"
    assert cli.main(["--db", store.url, "export", "--format", "csv"]) == 0
    assert "'-2+3" in capsys.readouterr().out  # CSV opens in a spreadsheet: neutralised there
