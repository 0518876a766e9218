"""The st.App's lifespan watcher (kpi.web.server.watch_store): today's committee reports are scheduled at start
and again after every write to the store, once the write has settled."""

from __future__ import annotations

import threading
import time
from datetime import date

from kpi import report_cache
from kpi.store import Store
from kpi.web import server


def test_watcher_schedules_reports_at_start_and_after_each_write(seeded_store: Store, monkeypatch):
    calls: list[tuple] = []
    monkeypatch.setattr(
        report_cache, "schedule_default_reports", lambda store: calls.append(store.change_token()) or True
    )
    stop = threading.Event()
    watcher = threading.Thread(target=server.watch_store, args=(seeded_store, stop, 0.1), daemon=True)
    watcher.start()
    try:
        deadline = time.monotonic() + 20
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(calls) == 1  # at start
        time.sleep(0.5)
        assert len(calls) == 1  # nothing changed, nothing scheduled
        seeded_store.add_comment("EG-01", date(2025, 12, 31), "Neuer Kommentar", author="it")
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(calls) == 2 and calls[1] == seeded_store.change_token()
    finally:
        stop.set()
        watcher.join(5)
    assert not watcher.is_alive()


def test_app_options_name_the_routes_the_readme_promises():
    paths = {getattr(route, "path", "") for route in server.app_options()["routes"]}
    assert {
        "/healthz",
        "/livez",
        "/auth/claim",
        "/auth/logout",
        "/api/v1/kpis",
        "/api/v1/kpis/{kpi_id}",
        "/api/v1/values.csv",
        "/api/v1/values.json",
        "/api/v1/dcat.jsonld",
        "/api/v1/openapi.json",
    } <= paths


def test_api_bench_report_names_every_route_with_its_ratio_to_the_trivial_one():
    from kpi.bench.api import api_report

    row = {"requests": 2000, "p50_ms": 2.0, "p95_ms": 5.0, "per_second": 900.0, "ratio_p50": 1.0, "errors": 0}
    text = api_report(
        {
            "requests": 2000,
            "clients": 20,
            "rounds": 4,
            "routes": {"trivial /livez": row, "/api/v1/kpis": {**row, "p50_ms": 3.0, "ratio_p50": 1.5}},
        }
    )
    assert "2000 Anfragen je Adresse, 20 gleichzeitig" in text
    assert any(line.startswith("/api/v1/kpis") and "1.50" in line for line in text.splitlines())
