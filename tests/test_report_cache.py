"""The committee report cache (kpi.report_cache): keys, look-up, progress markers, failures remembered. The real
background build is tested beside the session's report builds, whose charts it takes (tests/test_report.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date

import pytest

from kpi import report_cache
from kpi.store import Store

STAND = date(2025, 12, 31)


@pytest.fixture
def cache(seeded_store: Store, tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("KPI_REPORT_CACHE", str(tmp_path / "cache"))
    return seeded_store


def test_key_changes_with_store_state_stand_language_and_format():
    base = report_cache.cache_key((1, 0, None, "x"), STAND, "de", "pdf")
    assert base == report_cache.cache_key((1, 0, None, "x"), STAND, "de", "pdf")
    others = {
        report_cache.cache_key((2, 0, None, "x"), STAND, "de", "pdf"),
        report_cache.cache_key((1, 0, None, "x"), date(2024, 12, 31), "de", "pdf"),
        report_cache.cache_key((1, 0, None, "x"), STAND, "en", "pdf"),
        report_cache.cache_key((1, 0, None, "x"), STAND, "de", "pptx"),
    }
    assert base not in others and len(others) == 4


def test_a_cached_file_is_found_until_the_store_changes(cache: Store):
    assert report_cache.lookup(cache, STAND, "de", "pdf") is None
    path = report_cache.cached_path(cache, STAND, "de", "pdf")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-cached")
    assert report_cache.lookup(cache, STAND, "de", "pdf") == path
    assert report_cache.lookup(cache, STAND, "en", "pdf") is None
    cache.add_comment("EG-01", date(2025, 12, 31), "neu", author="x")  # any write is a new store state
    assert report_cache.lookup(cache, STAND, "de", "pdf") is None


def test_progress_marker_of_a_finished_process_is_cleared(cache: Store):
    folder = report_cache.cache_dir(cache)
    folder.mkdir(parents=True)
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    marker = folder / f".building-{STAND.isoformat()}_de.json"
    marker.write_text(json.dumps({"pid": int(done.stdout), "started": time.time()}))
    assert report_cache.progress(cache, STAND, "de") is None and not marker.exists()
    marker.write_text(json.dumps({"pid": os.getpid(), "started": time.time() - 3}))
    running = report_cache.progress(cache, STAND, "de")
    assert running is not None and running.seconds >= 3
    assert report_cache.schedule(cache, STAND, "de") is False  # one build at a time


def test_a_failed_build_is_not_retried_for_the_same_store_state(cache: Store, monkeypatch):
    folder = report_cache.cache_dir(cache)
    folder.mkdir(parents=True)
    key = report_cache.cache_key(cache.version(), STAND, "de", "")
    (folder / f".failed-{STAND.isoformat()}_de.json").write_text(json.dumps({"key": key, "error": "kein Chromium"}))
    assert report_cache.failed(cache, STAND, "de") == "kein Chromium"
    assert report_cache.schedule(cache, STAND, "de") is False
    assert report_cache.failed(cache, date(2024, 12, 31), "de") is None


def test_default_reports_are_not_scheduled_when_prebuild_is_off(cache: Store, monkeypatch):
    monkeypatch.setenv("KPI_REPORT_PREBUILD", "0")
    assert report_cache.schedule_default_reports(cache) is False
    assert not report_cache.cache_dir(cache).exists()


def test_at_most_two_builds_run_at_once(cache: Store):
    folder = report_cache.cache_dir(cache)
    folder.mkdir(parents=True)
    for day in ("2024-12-31", "2023-12-31"):
        (folder / f".building-{day}_de.json").write_text(json.dumps({"pid": os.getpid(), "started": time.time()}))
    assert report_cache.running_builds(cache) == 2
    assert report_cache.schedule(cache, STAND, "de") is False
    assert report_cache.progress(cache, STAND, "de") is None  # nothing started
