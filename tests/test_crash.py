"""Crash safety: an import killed (SIGKILL) at any moment leaves the store either exactly as before or
with the whole upload, never a part of it, and the store takes the next import normally."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kpi.bench import build_stress_store, write_german_csv
from kpi.ingest import import_file
from kpi.store import Store

ROOT = Path(__file__).resolve().parents[1]
ROWS, KPIS = 300_000, 600  # 500 months per KPI: periods from 1984, inside the sane window

pytestmark = [
    pytest.mark.skipif(
        not Path("/proc/self/fd").is_dir(), reason="needs /proc to see when the import has opened the store"
    ),
    pytest.mark.processes,
    pytest.mark.xdist_group("crash"),
]  # one worker builds the big store once


@dataclass(frozen=True)
class Stress:
    base: Path  # the store before the import
    csv: Path
    count: int  # measurement rows before
    uploads: int  # upload rows before
    written: int  # revisions a clean import writes (new + changed, from a dry run)
    seconds: float  # a clean import's run time from opening the store to its exit, on this machine now


def start_import(db: Path, csv_path: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kpi", "--db", f"duckdb:///{db}", "import", str(csv_path)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until_open(proc: subprocess.Popen, db: Path, log: Path, timeout: float = 120) -> float:
    """Poll until the import process has the store file open; returns that moment (monotonic)."""
    target = str(db.resolve())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"import ended before opening the store: {log.read_text()[-2000:]}")
        try:
            fds = os.listdir(f"/proc/{proc.pid}/fd")
        except OSError:
            fds = []
        for fd in fds:
            try:
                if os.readlink(f"/proc/{proc.pid}/fd/{fd}") == target:
                    return time.monotonic()
            except OSError:
                continue
        time.sleep(0.002)
    proc.kill()
    pytest.fail("import did not open the store in time")


@pytest.fixture(scope="module")
def stress(tmp_path_factory) -> Stress:
    work = tmp_path_factory.mktemp("crash")
    base = work / "base.duckdb"
    store = build_stress_store(base, kpis=KPIS)
    csv_path = work / "messwerte.csv"
    write_german_csv(csv_path, ROWS, kpis=KPIS)
    count, uploads = store.measurement_count(), len(store.uploads())
    dry = import_file(store, csv_path, dry_run=True)
    assert dry.ok, dry.problems[:3]
    written = dry.new + dry.changed
    assert dry.new > 0 and dry.changed > 0 and store.measurement_count() == count

    calibration = work / "calibration.duckdb"
    shutil.copy(base, calibration)
    log = work / "calibration.log"
    proc = start_import(calibration, csv_path, log)
    opened = wait_until_open(proc, calibration, log)
    assert proc.wait(timeout=300) == 0, log.read_text()[-2000:]
    seconds = time.monotonic() - opened
    assert Store(f"duckdb:///{calibration}").measurement_count() == count + written
    return Stress(base, csv_path, count, uploads, written, seconds)


# Kill points as shares of a clean import's run time (staging, validation, diff and write follow each
# other; on a loaded machine the phases shift, which is why the outcome may be either state), and
# once exactly when the commit starts.
@pytest.mark.parametrize(
    "kill_at", [0.15, 0.5, 0.9, "commit"], ids=["kill-early", "kill-midway", "kill-late", "kill-at-commit"]
)
def test_killed_import_leaves_the_store_as_before_or_complete(stress, tmp_path, kill_at):
    db = tmp_path / "kpi.duckdb"
    shutil.copy(stress.base, db)
    log = tmp_path / "import.log"
    proc = start_import(db, stress.csv, log)
    opened = wait_until_open(proc, db, log)
    if kill_at == "commit":
        # DuckDB creates the write-ahead log when the transaction commits: kill right then.
        wal = Path(f"{db}.wal")
        while proc.poll() is None and not wal.exists():
            time.sleep(0.0005)
    else:
        time.sleep(max(0.0, opened + kill_at * stress.seconds - time.monotonic()))
    proc.kill()
    proc.wait(timeout=30)

    store = Store(f"duckdb:///{db}", lock_timeout=10)
    count = store.measurement_count()
    uploads = store.uploads()
    assert count in (stress.count, stress.count + stress.written)
    committed = count == stress.count + stress.written
    assert len(uploads) == stress.uploads + (1 if committed else 0)
    if committed:
        newest = uploads.iloc[0]
        assert newest["n_new"] + newest["n_changed"] == stress.written
        assert newest["file_name"] == stress.csv.name

    again = import_file(store, stress.csv)
    assert again.committed, again.problems[:3]
    assert again.new + again.changed == (0 if committed else stress.written)
    assert store.measurement_count() == stress.count + stress.written
