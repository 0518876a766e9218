"""What the pages' caches rely on: the store's change token moves with every write and stays put while the
store is only read, and a snapshot's per-KPI series and status frame equal the plain computations."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpi import ingest, views
from kpi.revisions import record_catalog
from kpi.store import Store
from tests.conftest import TODAY, write


def test_change_token_is_stable_while_reading_and_moves_with_every_write(seeded_store: Store, tmp_path):
    token = seeded_store.change_token()
    views.snapshot(seeded_store)
    seeded_store.version()
    seeded_store.revisions("EG-03")
    assert seeded_store.change_token() == token

    seeded_store.add_comment("EG-03", date(2025, 12, 31), "Nachmeldung folgt", "test")
    after_comment = seeded_store.change_token()
    assert after_comment != token

    csv = write(tmp_path, "eg03.csv", "kpi_id;period;value\nEG-03;2026;41,5\n")
    result = ingest.import_file(seeded_store, csv, user="test")
    assert result.ok, result
    assert seeded_store.change_token() not in (token, after_comment)


def test_change_token_of_a_missing_file_changes_once_the_store_exists(tmp_path, catalog):
    store = Store(f"duckdb:///{tmp_path / 'new.duckdb'}", lock_timeout=2)
    before = store.change_token()
    record_catalog(store, catalog)
    assert store.change_token() != before


def test_snapshot_series_and_frame_equal_the_plain_computations(seeded_store: Store):
    snap = views.snapshot(seeded_store, None)
    for kpi in snap.kpis:
        plain = snap.values[snap.values["kpi_id"] == kpi.id]
        pd.testing.assert_frame_equal(snap.series(kpi.id), plain)
    assert snap.series("NO-SUCH-KPI").empty
    frame = views.status_frame(snap)
    assert list(frame["kpi_id"]) == [k.id for k in snap.kpis]
    frame["status"] = "changed by a caller"  # a page's change stays its own
    assert "changed by a caller" not in set(views.status_frame(snap)["status"])


def test_series_of_values_not_grouped_by_kpi_fall_back_to_a_scan(seeded_store: Store):
    snap = views.snapshot(seeded_store, None)
    shuffled = snap.values.sample(frac=1, random_state=1).reset_index(drop=True)
    mixed = views.Snapshot(snap.catalog, None, TODAY, shuffled, snap.statuses, snap.measures)
    assert sorted(mixed.series("EG-03")["period"]) == sorted(snap.series("EG-03")["period"])
