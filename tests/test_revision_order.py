"""Issue 12, finding 1 (order): the later correction is the current one whatever the writer's time zone or clock.
Writers in Auckland (UTC+13 in December) and Los Angeles (UTC-8) correct the same cell one after another, in both
orders; a second writer whose clock went back corrects a value, a comment and a measure state. Before, revisions
were ordered by naive local wall time, and Auckland-then-Los-Angeles left Auckland's value current."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import kpi.store
from kpi.ingest import import_file, record_measure_update
from tests.conftest import write

ROOT = Path(__file__).resolve().parents[1]
PERIOD = date(2024, 12, 31)
WRITE = (
    "import sys; from kpi.ingest import import_file; from kpi.store import Store; "
    "r = import_file(Store(sys.argv[1]), sys.argv[2], confirm_implausible=True); sys.exit(0 if r.committed else 1)"
)


def current(store) -> float:
    frame = store.current_values(kpi_ids=["EG-02"])
    return float(frame[frame["period"] == PERIOD]["value"].iloc[0])


@pytest.mark.processes  # each correction comes from a process in its own time zone
@pytest.mark.parametrize(
    "zones",
    [("Pacific/Auckland", "America/Los_Angeles"), ("America/Los_Angeles", "Pacific/Auckland")],
    ids=["east-then-west", "west-then-east"],
)
def test_corrections_from_two_time_zones_keep_their_order(store, tmp_path, zones):
    for step, zone in enumerate(zones, start=1):
        path = write(tmp_path, f"{step}.csv", f"Kennzahl;Zeitraum;Wert\nEG-02;2024;{step * 100}\n")
        proc = subprocess.run(
            [sys.executable, "-c", WRITE, store.url, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "TZ": zone},
        )
        assert proc.returncode == 0, proc.stderr
        assert current(store) == step * 100, zone
    again = import_file(store, tmp_path / "2.csv", dry_run=True)  # the current value is the one just written
    assert (again.changed, again.unchanged) == (0, 1)
    assert len(store.revisions("EG-02")) == 2


def test_a_clock_that_goes_back_keeps_value_comment_and_measure_current(store, tmp_path, monkeypatch):
    assert import_file(
        store, write(tmp_path, "a.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;100\n"), confirm_implausible=True
    ).committed
    store.add_comment("EG-02", PERIOD, "erste Fassung", author="it")
    assert record_measure_update(store, "M-01", "geplant", 0, None, user="it").committed
    back = datetime.now() - timedelta(days=2)  # the second writer's clock is two days behind
    monkeypatch.setattr(kpi.store, "now", lambda: back)
    assert import_file(
        store, write(tmp_path, "b.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;200\n"), confirm_implausible=True
    ).committed
    store.add_comment("EG-02", PERIOD, "korrigiert", author="it")
    assert record_measure_update(store, "M-01", "in Umsetzung", 10, None, user="it").committed
    assert current(store) == 200
    assert store.comments(kpi_id="EG-02")["text"].tolist() == ["korrigiert"]
    assert store.measure_states().set_index("measure_id").loc["M-01", "progress"] == 10
