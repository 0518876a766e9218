"""Issue 12, finding 2 (defence in depth) on the pages: with values for 31.12.9999 and 31.12.0001 already in the
store, every page loads and shows one warning naming KPI, period and upload, and /protokoll undoes the upload.
Before, every page showed "Diese Ansicht konnte nicht geladen werden" and the upload could not be undone."""

from __future__ import annotations

import pytest

from tests.pages.conftest import FAILED
from tests.pages.roles import ADMIN, IT, frame_with, messages, open_as, serve
from tests.stored_typos import write_typo_upload

PAGES = [
    ("cockpit", None, None),
    ("themenfelder", None, None),
    ("kennzahlen", None, {"kpi": "EG-02"}),
    ("massnahmen", None, None),
    ("bereich", IT, None),
    ("praesentation", None, None),
    ("upload", IT, None),
    ("protokoll", IT, None),
    ("katalog", ADMIN, None),
]


@pytest.fixture
def typo_store(seeded_store, monkeypatch):
    store = serve(seeded_store, monkeypatch)
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "1")
    return store, write_typo_upload(store)


@pytest.mark.parametrize("page,user,query", PAGES, ids=[p for p, _u, _q in PAGES])
def test_every_page_loads_and_names_the_impossible_periods(typo_store, page, user, query):
    _store, upload_id = typo_store
    at = open_as(page, user, query)
    text = messages(at).replace("\\", "")
    assert not any(f in text for f in FAILED), text
    warnings = [str(w.value).replace("\\", "") for w in at.warning if "unmöglichem Zeitraum" in str(w.value)]
    assert len(warnings) == 1, warnings
    assert "EG-02 31.12.9999" in warnings[0] and "EG-01 31.12.0001" in warnings[0]
    assert f"Upload {upload_id}" in warnings[0] and "/protokoll" in warnings[0]


def test_the_upload_is_undone_on_protokoll_and_the_warning_goes(typo_store):
    store, upload_id = typo_store
    at = open_as("protokoll", IT)
    at.selectbox(key="protokoll:upload").set_value(upload_id).run()
    assert not any(f in messages(at) for f in FAILED)
    rows = frame_with(at, "Quelle")  # the upload's rows, with the impossible periods as they are stored
    assert len(rows) == 2
    assert {b.label for b in at.download_button} >= {"CSV-Export", "Excel-Export"}
    at.checkbox(key=f"protokoll:confirm:{upload_id}").check().run()
    next(b for b in at.button if b.label == "Rückgängig machen").click().run()
    assert not at.exception
    assert store.upload(upload_id)["state"] == "undone"
    at = open_as("cockpit")
    assert "unmöglichem Zeitraum" not in messages(at)
