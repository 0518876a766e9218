"""Browser tests: the real Streamlit server on a free port over a seeded temp store, driven by Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi import auth, sessions
from kpi.browser import LAUNCH_ARGS, find_chromium
from kpi.serve import ROOT, free_port, start_server, stop_server, wait_for_app  # noqa: F401 - shared with tests
from kpi.store import Store

SCREENSHOTS = ROOT / "screenshots"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if not path:
        pytest.fail("no Chromium found: run `make chromium` (or set KPI_CHROMIUM)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory, seeded_template) -> Path:
    path = tmp_path_factory.mktemp("e2e") / "kpi.duckdb"
    path.write_bytes(seeded_template.read_bytes())
    return path


@pytest.fixture(scope="session")
def server(e2e_db) -> Iterator[str]:
    """One server for the read-only page tests (tests that write start their own)."""
    proc, url = start_server(e2e_db)
    yield url
    stop_server(proc)


def assert_no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.inner_text("body")


PASSWORD = "Rathaus-2026!"


def log_in(page, name: str = "it", password: str = PASSWORD) -> None:
    """Log in with the sidebar's form (exact labels: the eye button beside the password is "Passwort anzeigen")."""
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_label("Benutzer", exact=True).fill(name)
    sidebar.get_by_label("Passwort", exact=True).fill(password)
    sidebar.get_by_role("button", name="Anmelden").click()
    sidebar.get_by_text("Angemeldet als").wait_for(timeout=30000)
    # The login cookie comes by a request the page makes after that run (kpi.web.session): a navigation before it
    # has arrived (page.goto, reload) would start a session that is not logged in.
    for _ in range(300):
        if any(c["name"] == sessions.COOKIE_NAME for c in page.context.cookies()):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the login cookie was not set within 30 s")


@pytest.fixture
def private_server(tmp_path: Path, seeded_template: Path) -> Iterator[tuple[str, Store]]:
    """A server without the public view, with the IT-office user `it`."""
    db = tmp_path / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    store = Store(f"duckdb:///{db}")
    auth.add_user(store, "it", "it_office", PASSWORD)
    proc, url = start_server(db, {"KPI_PUBLIC_VIEW": "0"})
    yield url, store
    stop_server(proc)


@pytest.fixture(scope="module")
def a11y_server(tmp_path_factory, seeded_template: Path) -> Iterator[str]:
    """A server over the demo store with the users it_office and admin (the accessibility scans)."""
    db = tmp_path_factory.mktemp("a11y") / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    store = Store(f"duckdb:///{db}")
    for role in ("it_office", "admin"):  # the roles of tests/e2e/axe_scan.py STAFF
        auth.add_user(store, role, role, PASSWORD)
    proc, url = start_server(db)
    yield url
    stop_server(proc)
