"""kpi.statuses: the lean status path reads only the values status needs and gives the snapshot's statuses."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kpi.bench import build_stress_store
from kpi.ingest import import_file
from kpi.status import FORECAST_WINDOW
from kpi.statuses import status_values, statuses
from kpi.store import now
from kpi.views import snapshot
from tests.conftest import write
from tests.test_values import add_value

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)


def test_statuses_equal_the_snapshots_on_the_demo_store(seeded_store):
    assert statuses(seeded_store) == snapshot(seeded_store).statuses
    past = datetime(2024, 1, 1)
    assert statuses(seeded_store, as_of=past) == snapshot(seeded_store, as_of=past).statuses


def test_statuses_of_an_empty_store_are_none(tmp_path):
    from kpi.store import Store

    assert statuses(Store(f"duckdb:///{tmp_path / 'leer.duckdb'}")) is None


def test_status_values_are_the_newest_window_from_the_last_break_on(tmp_path):
    store = build_stress_store(tmp_path / "stress.duckdb", 3)  # 240 monthly values per KPI, up to 12/2025
    before = now()
    add_value(store, "ST-0001", date(2025, 6, 30), 5000.0, quality="break")  # a new series from 06/2025 on
    add_value(store, "ST-0002", date(2025, 12, 31), None)  # the newest value retracted
    add_value(store, "ST-0002", date(2025, 11, 30), 1.0)  # a revision: the newest one counts

    values = status_values(store)
    by_kpi = {k: g for k, g in values.groupby("kpi_id")}
    assert len(by_kpi["ST-0000"]) == FORECAST_WINDOW
    assert by_kpi["ST-0000"]["period"].tolist()[-1] == date(2025, 12, 31)
    assert by_kpi["ST-0001"]["period"].tolist()[0] == date(2025, 6, 30)
    assert by_kpi["ST-0001"]["value"].tolist()[0] == 5000.0 and len(by_kpi["ST-0001"]) == 7
    assert by_kpi["ST-0002"]["period"].tolist()[-1] == date(2025, 11, 30)
    assert by_kpi["ST-0002"]["value"].tolist()[-1] == 1.0
    assert values["period"].is_monotonic_increasing is False  # sorted per KPI, not overall
    assert all(g["period"].is_monotonic_increasing for g in by_kpi.values())

    assert statuses(store) == snapshot(store).statuses
    assert statuses(store, as_of=before) == snapshot(store, as_of=before).statuses
    assert status_values(store, as_of=before).groupby("kpi_id").size().tolist() == [FORECAST_WINDOW] * 3
    assert status_values(store, kpi_ids=["ST-0001"])["kpi_id"].unique().tolist() == ["ST-0001"]


@pytest.mark.duckdb_only  # PostgreSQL reads in READ COMMITTED: one connection there, not one snapshot
def test_reads_in_one_reading_block_see_one_state_of_the_store(seeded_store, tmp_path):
    """Store.reading: the catalog and the values of a status come from one view of the store. A value written
    meanwhile (its own connection, as every write) is not seen inside the block, and is seen after it."""
    with seeded_store.reading() as conn:
        with seeded_store.connect() as inner:
            assert inner is conn  # reads inside the block share its connection
        before = seeded_store.measurement_count()  # the block's first read: its view of the store from here on
        file = write(tmp_path, "neu.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2026;30000\n")
        assert import_file(seeded_store, file, user="test", confirm_implausible=True).committed
        assert seeded_store.measurement_count() == before
    assert seeded_store.measurement_count() == before + 1
