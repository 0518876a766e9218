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
def browser_tab(browser) -> Iterator:
    """The worker's one browser tab (a function that gives it, opening it again should a test have closed it)."""
    context = browser.new_context(locale="de-DE")
    tab = []

    def get():
        if not tab or tab[0].is_closed():
            tab[:] = [context.new_page()]
        return tab[0]

    yield get
    context.close()


@pytest.fixture
def new_page(browser_tab) -> Iterator:
    """`new_page(width, height)`: the worker's browser tab at that size, holding nothing of an earlier test: no
    cookie (so no login), no stored data of the page it shows. One tab for all tests because Chromium keeps what a
    tab has loaded and compiled while it goes from page to page: a Streamlit page loads in 3.6–3.9 s in a tab that
    has shown one before, against 7.1–7.7 s in a new tab and 7.2–8.3 s in a new context (/themenfelder, here). So a
    test calling it twice gets the same tab; tests that need two sessions side by side make their own contexts."""
    page = browser_tab()
    page.context.clear_cookies()
    page.evaluate("() => { try { sessionStorage.clear(); localStorage.clear(); } catch (e) {} }")

    def make(width: int = 1280, height: int = 800):
        page = browser_tab()
        page.set_viewport_size({"width": width, "height": height})
        return page

    yield make
    browser_tab().context.clear_cookies()


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory, seeded_template) -> Path:
    """The demo store with the users `it` and `it_office` (role it_office) and `admin` (tests/e2e/axe_scan.py STAFF)."""
    path = tmp_path_factory.mktemp("e2e") / "kpi.duckdb"
    path.write_bytes(seeded_template.read_bytes())
    store = Store(f"duckdb:///{path}")
    for name, role in (("it", "it_office"), ("it_office", "it_office"), ("admin", "admin")):
        auth.add_user(store, name, role, PASSWORD)
    return path


@pytest.fixture(scope="session")
def server(e2e_db) -> Iterator[str]:
    """One server for the tests that change no data (tests that do start their own): the page tests, and those that
    only log in to look (the accessibility scans, the reflow checks)."""
    proc, url = start_server(e2e_db)
    yield url
    stop_server(proc)


def assert_no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.inner_text("body")


PASSWORD = "Rathaus-2026!"

# The words of the text tables' headers (kpi.web.ui.text_table) that the browser has broken across two lines.
HEADER_WORDS_BROKEN = """() => [...document.querySelectorAll('[data-testid=stMain] .kpi-table th')].flatMap(th => {
    const node = th.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) return [];
    return [...node.textContent.matchAll(/\\S+/g)].filter(m => {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
    }).map(m => m[0]);
})"""


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


def start_presenting(page, base: str, stand: str = "2025-12-31", settle=wait_for_app) -> None:
    """The committee deck as of `stand` in presentation mode, each run ended (`settle`)."""
    page.goto(f"{base}/praesentation?stand={stand}")
    page.wait_for_selector("text=Folie 1 /", timeout=60000)
    settle(page)
    page.get_by_role("button", name="Präsentieren").click()
    page.wait_for_selector("button:has-text('Beenden')", timeout=30000)
    settle(page)


def preview_upload(page, data: bytes, name: str = "messwerte-2025.csv") -> None:
    """Logged in as the IT office: the upload page from the sidebar menu, a CSV file chosen and its preview drawn."""
    page.locator("[data-testid='stSidebar'] a[href$='upload']").first.click()
    page.get_by_text("② Datei hochladen").wait_for(timeout=30000)
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_text("④ Vorschau: was sich ändert").wait_for(timeout=60000)
    wait_for_app(page)


@pytest.fixture(scope="session")
def private_server(tmp_path_factory, seeded_template: Path) -> Iterator[tuple[str, Store]]:
    """A server without the public view, with the IT-office user `it` (whose password stays as it is: a test that
    changes a password adds its own user)."""
    db = tmp_path_factory.mktemp("private") / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    store = Store(f"duckdb:///{db}")
    auth.add_user(store, "it", "it_office", PASSWORD)
    proc, url = start_server(db, {"KPI_PUBLIC_VIEW": "0"})
    yield url, store
    stop_server(proc)
