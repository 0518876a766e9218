"""Committee reports from the cache in a real browser and over HTTP: /praesentation shows progress while the
background build runs and then serves the cached file at once; /api/v1/report.pdf serves the same file.

The cached files here are markers (`%PDF-aus-dem-Zwischenspeicher`), so that a download that returns them can
only have come from the cache; the real build is tested in tests/test_report_cache.py."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kpi import report_cache
from kpi.store import Store
from tests.e2e.conftest import assert_no_exception, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.e2e

STAND = date(2025, 12, 31)
PDF = b"%PDF-aus-dem-Zwischenspeicher"
PPTX = b"PK-aus-dem-Zwischenspeicher"


def put(store: Store, stand: date, fmt: str, data: bytes) -> Path:
    path = report_cache.cached_path(store, stand, "de", fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def cache_server(tmp_path_factory, seeded_template: Path) -> Iterator[tuple[str, Store]]:
    tmp_path = tmp_path_factory.mktemp("cache_server")
    db = tmp_path / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    cache = tmp_path / "cache"
    os.environ["KPI_REPORT_CACHE"] = str(cache)  # for report_cache in this process (the server gets it below)
    store = Store(f"duckdb:///{db}")
    for fmt, data in (("pdf", PDF), ("pptx", PPTX)):  # today's reports are ready: no background build starts
        put(store, date.today(), fmt, data)
    proc, url = start_server(db, {"KPI_REPORT_PREBUILD": "1", "KPI_REPORT_CACHE": str(cache)})
    yield url, store
    stop_server(proc)
    os.environ.pop("KPI_REPORT_CACHE", None)


def test_download_shows_progress_then_serves_the_cached_file(new_page, cache_server):
    url, store = cache_server
    # A build of 31.12.2025 is running (this test process stands in for it).
    marker = report_cache.cache_dir(store) / f".building-{STAND.isoformat()}_de.json"
    marker.write_text(json.dumps({"pid": os.getpid(), "started": time.time() - 5}))
    page = new_page(1280, 800)
    page.goto(f"{url}/praesentation?stand={STAND.isoformat()}")
    page.wait_for_selector("text=im Hintergrund erstellt", timeout=60000)
    pdf_button = page.get_by_role("button", name="PDF für das Protokoll")
    assert pdf_button.is_disabled()

    put(store, STAND, "pdf", PDF)  # the build finishes
    put(store, STAND, "pptx", PPTX)
    marker.unlink()
    page.wait_for_selector("text=im Hintergrund erstellt", state="detached", timeout=30000)
    wait_for_app(page)
    assert pdf_button.is_enabled()
    started = time.perf_counter()
    with page.expect_download(timeout=30000) as download:
        pdf_button.click()
    seconds = time.perf_counter() - started
    assert Path(download.value.path()).read_bytes() == PDF
    assert download.value.suggested_filename == "digitalcockpit_stand_2025-12-31.pdf"
    assert seconds < 10
    assert_no_exception(page)


def test_report_api_serves_the_cached_file_and_says_when_it_is_being_made(cache_server):
    url, store = cache_server
    with urllib.request.urlopen(f"{url}/api/v1/report.pdf", timeout=60) as response:  # today's
        assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
        assert response.read() == PDF
    marker = report_cache.cache_dir(store) / ".building-2024-12-31_de.json"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"pid": os.getpid(), "started": time.time()}))
    try:
        with urllib.request.urlopen(f"{url}/api/v1/report.pdf?stand=2024-12-31", timeout=60) as response:
            assert response.status == 202 and response.headers["Retry-After"]
            assert json.loads(response.read())["status"] == "building"
    finally:
        marker.unlink(missing_ok=True)
