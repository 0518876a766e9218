"""The command line as the IT office scripts it: `python -m kpi` against a store in tmp_path, run in this process
(kpi.cli.main with its output captured); the last tests start real processes (environment, a closed pipe)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from kpi.cli import EXPORT_COLUMNS
from kpi.ingest import import_file
from kpi.store import Store
from tests.cli_inprocess import CliResult, run_cli
from tests.conftest import write

ROOT = Path(__file__).resolve().parents[1]
COUNTS = re.compile(r"new=(\d+) changed=(\d+) unchanged=(\d+)")
STATUS_KEYS = {
    "kpi_id",
    "name",
    "theme",
    "action_field",
    "unit",
    "direction",
    "frequency",
    "status",
    "latest_period",
    "latest_value",
    "target",
    "target_period",
    "forecast_value",
    "stale",
}


def run_kpi(db: Path | str, *args: str) -> CliResult:
    return run_cli(*args, db=f"duckdb:///{db}")


def counts(proc: CliResult) -> tuple[int, int, int]:
    found = COUNTS.search(proc.stdout)
    assert found, proc.stdout + proc.stderr
    return tuple(int(n) for n in found.groups())


def no_traceback(proc: CliResult) -> bool:
    return "Traceback" not in proc.stdout and "Traceback" not in proc.stderr


def strict_json(text: str):
    """json.loads that refuses NaN/Infinity, as every non-Python consumer does."""

    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def db_of(store: Store) -> Path:
    return Path(store.path)


@pytest.fixture(scope="module")
def cli_seeded(tmp_path_factory) -> Path:
    """A store seeded by `python -m kpi seed` itself (today's date, like the status command)."""
    db = tmp_path_factory.mktemp("cli") / "kpi.duckdb"
    proc = run_kpi(db, "seed")
    assert proc.returncode == 0, proc.stderr
    assert counts(proc)[0] > 500
    return db


@pytest.fixture
def cli_seeded_copy(cli_seeded, tmp_path) -> Path:
    db = tmp_path / "kpi.duckdb"
    shutil.copy(cli_seeded, db)
    return db


# -- seed --------------------------------------------------------------------------------------


def test_seed_again_writes_no_new_revisions(cli_seeded_copy):
    store = Store(f"duckdb:///{cli_seeded_copy}")
    before, uploads = store.measurement_count(), len(store.uploads())
    assert before > 500
    proc = run_kpi(cli_seeded_copy, "seed")
    assert proc.returncode == 0, proc.stderr
    assert "keine Demo-Daten geschrieben" in proc.stdout
    assert store.measurement_count() == before
    assert len(store.uploads()) == uploads


# -- import ------------------------------------------------------------------------------------

FIRST = "Kennzahl;Zeitraum;Wert\nEG-02;2023;12.345\nEG-02;2024;13.000,5\nEG-07;Q3/2024;61,2\n"


def test_import_prints_counts_and_reimport_writes_no_new_revisions(store, tmp_path):
    assert import_file(store, write(tmp_path, "vorher.csv", FIRST)).new == 3
    path = write(
        tmp_path, "messwerte.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2023;12.345\nEG-02;2024;13.100\nSC-02;09/2024;4.234\n"
    )
    first = run_kpi(db_of(store), "import", str(path))
    assert first.returncode == 0, first.stderr
    assert counts(first) == (1, 1, 1)
    assert "übernommen" in first.stdout
    assert store.measurement_count() == 5
    values = store.current_values().set_index(["kpi_id", "period"])["value"]
    assert values[("EG-02", date(2024, 12, 31))] == 13100
    assert values[("SC-02", date(2024, 9, 30))] == 4234
    again = run_kpi(db_of(store), "import", str(path))
    assert again.returncode == 0, again.stderr
    assert counts(again) == (0, 0, 3)
    assert store.measurement_count() == 5
    # the upload itself is logged (who sent what), with nothing but unchanged rows
    newest = store.uploads().iloc[0]
    assert (newest["n_new"], newest["n_changed"], newest["n_unchanged"]) == (0, 0, 3)


def test_dry_run_prints_counts_and_writes_nothing(store, tmp_path):
    path = write(tmp_path, "messwerte.csv", FIRST)
    proc = run_kpi(db_of(store), "import", str(path), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert counts(proc) == (3, 0, 0)
    assert "Probelauf" in proc.stdout
    assert store.measurement_count() == 0
    assert len(store.uploads()) == 0


def test_bad_file_lists_each_problem_with_row_and_column_and_writes_nothing(seeded_store, tmp_path):
    before, uploads = seeded_store.measurement_count(), len(seeded_store.uploads())
    path = write(
        tmp_path, "fehler.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2025;abc\nXX-99;2025;5\nEG-02;2024-13;5\nEG-02;2022;7\n"
    )
    proc = run_kpi(db_of(seeded_store), "import", str(path))
    assert proc.returncode != 0
    assert no_traceback(proc)
    problems = [line for line in proc.stderr.splitlines() if "Zeile" in line]
    assert len(problems) == 3, proc.stderr
    assert all("fehler.csv" in line and "Spalte" in line for line in problems)
    assert re.findall(r"Zeile (\d+), Spalte (\w+)", proc.stderr) == [
        ("2", "Wert"),
        ("3", "Kennzahl"),
        ("4", "Zeitraum"),
    ]
    assert "Nichts wurde geschrieben" in proc.stderr
    assert seeded_store.measurement_count() == before
    assert len(seeded_store.uploads()) == uploads


def test_missing_file_gives_a_readable_message(store, tmp_path):
    proc = run_kpi(db_of(store), "import", str(tmp_path / "gibt-es-nicht.csv"))
    assert proc.returncode != 0
    assert no_traceback(proc)
    assert "gibt-es-nicht.csv" in proc.stderr and "nicht lesbar" in proc.stderr
    assert store.measurement_count() == 0


def test_import_into_a_store_without_catalog_asks_for_seed(tmp_path):
    path = write(tmp_path, "messwerte.csv", FIRST)
    proc = run_kpi(tmp_path / "leer.duckdb", "import", str(path))
    assert proc.returncode != 0
    assert no_traceback(proc)
    assert "Strategiekatalog" in proc.stderr and "seed" in proc.stderr


# -- export ------------------------------------------------------------------------------------


def test_export_csv_and_json_carry_the_current_values(seeded_store):
    expected = seeded_store.current_values()
    as_csv = run_kpi(db_of(seeded_store), "export", "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.startswith("kpi_id,period,value,comment,source,recorded_at")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == len(expected)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["period"]) for r in rows)
    assert {(r["kpi_id"], r["period"], float(r["value"])) for r in rows} == {
        (k, p.isoformat(), v) for k, p, v in zip(expected["kpi_id"], expected["period"], expected["value"])
    }

    as_json = run_kpi(db_of(seeded_store), "export", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    records = strict_json(as_json.stdout)
    assert len(records) == len(expected)
    assert all(set(r) == set(EXPORT_COLUMNS) for r in records)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["period"]) for r in records)
    assert any(r["comment"] is None for r in records) and any(isinstance(r["comment"], str) for r in records)
    datetime.fromisoformat(records[0]["recorded_at"])


def test_export_as_of_shows_the_value_before_and_after_a_correction(store, tmp_path):
    # The two imports run in this process (the CLI import is covered above); the export is the command.
    first = import_file(store, write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;200\n"))
    assert first.committed
    time.sleep(0.01)
    between = datetime.now()
    time.sleep(0.01)
    assert import_file(store, write(tmp_path, "b.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;250\n")).changed == 1

    def exported(*args: str) -> list[tuple[str, str, str]]:
        proc = run_kpi(db_of(store), "export", "--format", "csv", *args)
        assert proc.returncode == 0, proc.stderr
        return [(r["kpi_id"], r["period"], r["value"]) for r in csv.DictReader(io.StringIO(proc.stdout))]

    assert exported("--as-of", between.isoformat()) == [("EG-02", "2024-12-31", "200.0")]
    assert exported() == [("EG-02", "2024-12-31", "250.0")]


def test_formula_in_a_comment_is_neutralised_in_the_csv_export(store, tmp_path):
    path = write(tmp_path, "formel.csv", 'Kennzahl;Zeitraum;Wert;Kommentar\nEG-02;2024;5;"=HYPERLINK(""x"")"\n')
    assert import_file(store, path).committed
    assert store.current_values()["comment"].tolist() == ['=HYPERLINK("x")']  # stored as written
    proc = run_kpi(db_of(store), "export", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    (row,) = csv.DictReader(io.StringIO(proc.stdout))
    assert row["comment"] == '\'=HYPERLINK("x")'


# -- status ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def status_now(cli_seeded) -> list[dict]:
    proc = run_kpi(cli_seeded, "status", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return strict_json(proc.stdout)


def test_status_json_has_one_object_per_kpi_with_every_status(status_now, catalog):
    assert [r["kpi_id"] for r in status_now] == [k.id for k in catalog.kpis]
    assert len(status_now) == 47
    for r in status_now:
        assert STATUS_KEYS <= set(r), STATUS_KEYS - set(r)
    assert {"on_track", "at_risk", "off_track", "achieved", "no_data"} <= {r["status"] for r in status_now}
    assert sum(r["stale"] for r in status_now) == 2  # EG-05 (no value for two years), EG-06 (first value overdue)
    with_value = [r for r in status_now if r["status"] != "no_data"]
    assert all(isinstance(r["latest_value"], float) and r["latest_period"] for r in with_value)


def test_status_table_lists_every_kpi(cli_seeded, catalog):
    proc = run_kpi(cli_seeded, "status")
    assert proc.returncode == 0, proc.stderr
    assert no_traceback(proc)
    starts = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    assert {k.id for k in catalog.kpis} <= starts
    assert "Summe:" in proc.stdout and "überfällig 2" in proc.stdout


def test_status_as_of_an_earlier_date_knows_less(cli_seeded, status_now):
    proc = run_kpi(cli_seeded, "status", "--format", "json", "--as-of", "2022-06-30")
    assert proc.returncode == 0, proc.stderr
    then = {r["kpi_id"]: r["latest_period"] for r in strict_json(proc.stdout)}
    now = {r["kpi_id"]: r["latest_period"] for r in status_now}
    assert sum(p is not None for p in then.values()) < sum(p is not None for p in now.values())
    assert all(p is None or p <= "2022-06-30" for p in then.values())
    assert all(then[k] is None or (now[k] is not None and then[k] <= now[k]) for k in now)
    assert sum(then[k] is not None and then[k] < now[k] for k in now) > 30


@pytest.mark.processes
def test_a_malformed_lock_timeout_is_named_and_the_default_used(seeded_store: Store):
    env = {**os.environ, "KPI_DB_URL": seeded_store.url, "KPI_LOCK_TIMEOUT": "zwanzig"}
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "status"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "KPI_LOCK_TIMEOUT='zwanzig'" in proc.stderr and "20 s" in proc.stderr
    assert "EG-03" in proc.stdout


@pytest.mark.processes
def test_export_into_a_pipe_that_closes_early_is_quiet(tmp_path):
    from kpi.bench import build_stress_store

    big = build_stress_store(tmp_path / "big.duckdb", 200)  # 48,000 rows: far more than a pipe buffer
    env = {**os.environ, "KPI_DB_URL": big.url}
    export = subprocess.Popen(
        [sys.executable, "-m", "kpi", "export", "--format", "csv"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    export.stdout.readline()
    export.stdout.close()  # like `| head -1`
    _out, err = export.communicate(timeout=120)
    assert export.returncode == 0
    assert b"BrokenPipe" not in err and b"Traceback" not in err
