"""Several app servers on one store, in a real browser: an import from the command line is visible on the next
click in sessions of both servers; behind nginx (deploy/nginx/digitalcockpit.conf) the IT office logs in, opens
pages and uploads a file, every request of its browser reaching the one server that holds its session."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi import auth
from kpi.cluster import find_nginx, start_cluster
from kpi.serve import start_server, stop_server
from kpi.store import Store
from tests.e2e.conftest import ROOT, assert_no_exception, log_in, preview_upload, wait_for_app

pytestmark = pytest.mark.e2e

PASSWORD = "Rathaus-2026!"
CSV = "Kennzahl;Zeitraum;Wert\r\nEG-02;2025;23.456\r\nEG-03;2025;61,5\r\n".encode("cp1252")


def switch_to_english(page) -> None:
    """The next click of a session: the sidebar's language switch (a rerun of the same session and page; the
    KPI chosen by the URL stays, and the store snapshot's cache key does not hold the language)."""
    page.get_by_role("combobox", name="Sprache / Language").click()
    page.get_by_role("option", name="English").click()
    page.get_by_text("Action field").first.wait_for(timeout=30000)  # the new run has drawn ...
    wait_for_app(page)  # ... and ended


@pytest.fixture
def two_servers(tmp_path: Path, seeded_template: Path) -> Iterator[tuple[Path, list[str]]]:
    db = tmp_path / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    procs = [start_server(db), start_server(db)]
    yield db, [url for _, url in procs]
    for proc, _ in procs:
        stop_server(proc)


def test_a_command_line_import_is_visible_on_the_next_click_in_sessions_of_both_servers(browser, two_servers, tmp_path):
    db, urls = two_servers
    pages = [browser.new_page(viewport={"width": 1600, "height": 1000}, locale="de-DE") for _ in urls]
    try:
        for page, url in zip(pages, urls, strict=True):
            # both servers have drawn (and cached) EG-03 before the import
            page.goto(f"{url}/kennzahlen?kpi=EG-03")
            wait_for_app(page)
            page.get_by_text("Letzter Wert (2025)").wait_for(timeout=30000)
            assert page.locator("[data-testid='stMetricValue']", has_text="61,5").count() == 0
        upload = tmp_path / "messwerte.csv"
        upload.write_bytes(CSV)
        done = subprocess.run(
            [sys.executable, "-m", "kpi", "--db", f"duckdb:///{db}", "import", str(upload), "--user", "it"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        for page in pages:
            switch_to_english(page)
            page.get_by_text("Latest value (2025)").wait_for(timeout=30000)
            page.locator("[data-testid='stMetricValue']", has_text="61.5").first.wait_for(timeout=30000)
            assert_no_exception(page)
    finally:
        for page in pages:
            page.close()


@pytest.fixture
def proxied(tmp_path: Path, seeded_template: Path):
    if find_nginx() is None:
        pytest.skip(
            "nginx fehlt (Debian: `apt-get install nginx` als root; `make test` tut das): "
            "kein Test des Proxys mit Sitzungsbindung"
        )
    db = tmp_path / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    store = Store(f"duckdb:///{db}")
    auth.add_user(store, "it", "it_office", PASSWORD)
    with start_cluster(db, servers=2) as cluster:
        yield cluster, store


def route_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "dc_route")


def upstreams_of(cluster, route: str) -> set[str]:
    return {row["upstream"] for row in cluster.access_log() if row["route"] == route}


def test_through_the_proxy_the_it_office_logs_in_uploads_and_another_server_shows_the_value(browser, proxied):
    cluster, store = proxied
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")
    others = []
    try:
        page = context.new_page()
        page.goto(cluster.url)
        wait_for_app(page)
        log_in(page)
        wait_for_app(page)
        page.locator("[data-testid='stSidebar'] a[href$='massnahmen']").click()
        wait_for_app(page)
        assert_no_exception(page)

        preview_upload(page, CSV)
        page.get_by_role("button", name="Übernehmen").click()
        page.get_by_text(re.compile("Übernommen als Upload #\\d+")).wait_for(timeout=60000)
        assert_no_exception(page)
        assert store.uploads().iloc[0]["file_name"] == "messwerte-2025.csv"

        # Affinity: the page, its WebSocket and the upload of this browser all reached one server.
        route = route_of(context)
        mine = [row for row in cluster.access_log() if row["route"] == route]
        assert {row["upstream"] for row in mine} == {mine[0]["upstream"]}
        assert any(row["path"].startswith("/_stcore/upload_file") for row in mine), [r["path"] for r in mine]

        # A browser that the proxy sends to the other server sees the upload at once (both read one store).
        home = mine[0]["upstream"]
        for _ in range(30):  # each new browser gets a random route: a few tries find the other server
            other = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")
            others.append(other)
            other.request.get(cluster.url + "/livez")
            if upstreams_of(cluster, route_of(other)) - {home}:
                break
        assert upstreams_of(cluster, route_of(other)) - {home}, "no new browser was sent to the second server"
        view = other.new_page()
        view.goto(f"{cluster.url}/kennzahlen?kpi=EG-03")
        wait_for_app(view)
        view.get_by_text("61,5").first.wait_for(timeout=30000)
        assert_no_exception(view)
        assert upstreams_of(cluster, route_of(other)) - {home} == upstreams_of(cluster, route_of(other))

        # nginx logs a WebSocket when it closes: the first browser's went to its server too.
        context.close()
        stream = []
        for _ in range(100):
            stream = [row for row in cluster.access_log() if row["route"] == route and row["path"] == "/_stcore/stream"]
            if stream:
                break
            time.sleep(0.2)
        assert stream and {row["upstream"] for row in stream} == {home}
    finally:
        for other in others:
            other.close()
        context.close()
