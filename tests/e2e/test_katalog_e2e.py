"""/katalog typed as the first request to a fresh server: refused to a visitor who is not an admin."""

from __future__ import annotations

import shutil

import pytest

from kpi.serve import start_server, stop_server

pytestmark = pytest.mark.e2e


def test_katalog_typed_on_a_fresh_server_is_refused_without_admin(e2e_db, tmp_path, new_page):
    db = tmp_path / "fresh.duckdb"
    shutil.copy(e2e_db, db)
    proc, url = start_server(db)
    try:
        page = new_page(1280, 800)
        page.goto(url + "/katalog")
        page.get_by_text("Anmeld").or_(page.get_by_text("Berechtigung")).first.wait_for(timeout=60_000)
        body = page.inner_text("body")
        assert "Änderung prüfen" not in body and "Hierarchie" not in body
    finally:
        stop_server(proc)
