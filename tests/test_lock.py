"""The write lock: an import waits a bounded time for a DuckDB file another process holds, then gives
up with a clear message; the store itself never keeps the file open between operations."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpi.revisions import current_catalog
from tests.conftest import write

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.processes
ROW = "Kennzahl;Zeitraum;Wert\nEG-02;2024;100\n"

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
print("released", time.time(), flush=True)
"""


def hold_lock(path: str, seconds: float) -> subprocess.Popen:
    """Start a process that holds the DuckDB file open for writing; returns once it has the lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, path, str(seconds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = holder.stdout.readline()
    assert line.strip() == "locked", holder.stderr.read()
    return holder


def run_import(db: str, csv_path: Path, lock_timeout: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "KPI_DB_URL": f"duckdb:///{db}", "KPI_LOCK_TIMEOUT": str(lock_timeout)}
    return subprocess.run(
        [sys.executable, "-m", "kpi", "import", str(csv_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_waits_for_a_short_lock_and_then_succeeds(store, tmp_path):
    csv_path = write(tmp_path, "messwerte.csv", ROW)
    holder = hold_lock(store.path, 4)
    try:
        proc = run_import(store.path, csv_path, lock_timeout=10)
        finished = time.time()
        word, released = holder.stdout.readline().split()
        assert holder.wait(timeout=10) == 0
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 0, proc.stderr
    assert "new=1" in proc.stdout
    # It finished only after the holder let go (unhindered it needs about 1.5 s, the lock is held for 4 s).
    assert word == "released" and finished >= float(released)
    assert store.measurement_count() == 1


def test_import_gives_up_on_a_long_lock_with_exit_code_3(store, tmp_path):
    csv_path = write(tmp_path, "messwerte.csv", ROW)
    holder = hold_lock(store.path, 30)
    try:
        started = time.monotonic()
        proc = run_import(store.path, csv_path, lock_timeout=1)
        elapsed = time.monotonic() - started
        assert holder.poll() is None, "the holder must still hold the lock when the import gives up"
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "gesperrt" in proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert elapsed < 25
    assert store.measurement_count() == 0
    assert len(store.uploads()) == 0


def test_store_releases_the_file_after_each_operation(seeded_store):
    assert len(seeded_store.current_values()) > 0
    current_catalog(seeded_store)
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; duckdb.connect(sys.argv[1]).close(); print('opened')",
            seeded_store.path,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "opened"
