"""The IT office's upload in a real browser: log in, upload a German Windows-1252 CSV, preview, commit,
see the value on the KPI page; a hidden page typed as URL on a fresh server refuses; screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpi import auth
from kpi.serve import start_server, stop_server
from kpi.store import Store
from tests.e2e.conftest import (
    HEADER_WORDS_BROKEN,
    SCREENSHOTS,
    assert_no_exception,
    log_in,
    preview_upload,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

PASSWORD = "Rathaus-2026!"
PAYLOAD = "<script>alert(1)</script><b>x</b>"
CSV = (
    "Kennzahl;Zeitraum;Wert;Kommentar\r\n"
    "EG-02;2025;23.456;Anträge über „Serviceportal“, Gebühren in € bezahlt\r\n"
    f"EG-03;2025;61,5;{PAYLOAD}\r\n"
).encode("cp1252")
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}


@pytest.fixture
def it_server(tmp_path: Path, seeded_template: Path) -> Iterator[tuple[str, Store]]:
    db = tmp_path / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    store = Store(f"duckdb:///{db}")
    auth.add_user(store, "it", "it_office", PASSWORD)
    proc, url = start_server(db)
    yield url, store
    stop_server(proc)


def sidebar_link(page, path: str):
    """A menu entry by its URL path (its text also holds the icon's ligature name)."""
    return page.locator(f"[data-testid='stSidebar'] a[href$='{path}']")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(600)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})


def test_it_office_uploads_a_german_csv_and_the_kpi_page_shows_the_value(new_page, it_server):
    url, store = it_server
    dialogs: list[str] = []
    page = new_page(1920, 1080)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    wait_for_app(page)
    log_in(page)
    wait_for_app(page)

    preview_upload(page, CSV)
    assert_no_exception(page)
    assert page.get_by_text("Keine Fehler: alle 2 Zeilen sind gültig.").is_visible()
    page.get_by_role("button", name="Übernehmen").scroll_into_view_if_needed()
    shoot(page, "upload-preview")
    # On the projector, with the list of values due open too, every header word of the page's tables (due, hints,
    # preview) stays on one line.
    page.get_by_text("Fällige Werte ansehen").click()
    page.locator("[data-testid='stMain'] .kpi-table th", has_text="Fällig bis").wait_for(timeout=30000)
    page.set_viewport_size({"width": 1280, "height": 720})
    assert page.locator("[data-testid='stMain'] .kpi-table th").count() == 6 + 4 + 7
    assert page.evaluate(HEADER_WORDS_BROKEN) == []
    page.set_viewport_size({"width": 1920, "height": 1080})

    page.get_by_role("button", name="Übernehmen").click()
    page.get_by_text(re.compile("Übernommen als Upload #\\d+")).wait_for(timeout=60000)
    wait_for_app(page)
    assert_no_exception(page)
    newest = store.uploads().iloc[0]
    assert (newest["file_name"], newest["username"], newest["kind"]) == ("messwerte-2025.csv", "it", "measurements")

    sidebar_link(page, "protokoll").click()
    page.get_by_text("Upload #", exact=False).first.wait_for(timeout=30000)
    wait_for_app(page)
    assert_no_exception(page)
    shoot(page, "protokoll")

    page.goto(f"{url}/kennzahlen?kpi=EG-02")
    wait_for_app(page)
    page.get_by_text("23.456").first.wait_for(timeout=30000)
    assert_no_exception(page)

    page.goto(f"{url}/kennzahlen?kpi=EG-03")
    wait_for_app(page)
    page.get_by_text("61,5").first.wait_for(timeout=30000)
    assert page.locator("b", has_text=re.compile("^x$")).count() == 0
    assert dialogs == []


def test_a_viewer_typing_the_upload_url_on_a_fresh_server_gets_no_file_uploader(new_page, tmp_path, seeded_template):
    db = tmp_path / "kpi.duckdb"
    db.write_bytes(seeded_template.read_bytes())
    proc, url = start_server(db)  # fresh: no session has run app.py yet
    page = new_page(1280, 720)
    try:
        page.goto(f"{url}/upload")
        wait_for_app(page)
        page.get_by_text("Für diese Seite ist eine Anmeldung nötig").wait_for(timeout=30000)
        assert page.locator("[data-testid='stFileUploader']").count() == 0
        assert page.locator("input[type='file']").count() == 0
        assert_no_exception(page)
        # A refusal in place of the page, not Streamlit's "page not found" and the cockpit.
        assert page.url.split("?")[0].endswith("/upload")
        assert "Page not found" not in page.inner_text("body")
        assert page.locator("[data-testid='stMain']").get_by_text("Leitbild").count() == 0
        menu = page.locator("[data-testid='stSidebarNav']")
        expect(menu.get_by_role("link", name="Cockpit").first).to_be_visible(timeout=30000)
        assert menu.get_by_role("link", name="Upload").count() == 0
        assert menu.get_by_role("link", name="Protokoll").count() == 0
        page.goto(f"{url}/protokoll")
        wait_for_app(page)
        page.get_by_text("Für diese Seite ist eine Anmeldung nötig").wait_for(timeout=30000)
        assert page.locator("[data-testid='stDataFrame']").count() == 0
    finally:
        stop_server(proc)
