"""kpi.attached: store files attached to the process's one DuckDB instance while a connection uses them."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest
import sqlalchemy as sa

from kpi.attached import INSTANCE
from kpi.ingest import import_file
from kpi.revisions import record_catalog
from kpi.store import Store, metadata
from tests.conftest import write


def test_the_file_is_attached_only_while_a_connection_uses_it(seeded_store):
    assert seeded_store.path not in INSTANCE.attached()
    with seeded_store.reading():
        assert INSTANCE.attached().count(seeded_store.path) == 1
        with seeded_store.connect(shared=False) as other:  # a second connection: the same attachment
            assert other.execute(sa.text("SELECT count(*) FROM kpi")).scalar() > 0
            assert INSTANCE.attached().count(seeded_store.path) == 1
        assert seeded_store.path in INSTANCE.attached()  # the reading block still uses it
    assert seeded_store.path not in INSTANCE.attached()


def test_no_second_instance_opens_a_file_the_store_has_attached(seeded_store):
    with seeded_store.reading():
        with pytest.raises(duckdb.Error, match="already attached"):
            duckdb.connect(seeded_store.path)
    duckdb.connect(seeded_store.path).close()  # detached: free again


def test_a_failed_statement_releases_the_file(seeded_store):
    with pytest.raises(sa.exc.DBAPIError), seeded_store.connect() as conn:
        conn.execute(sa.text("SELECT * FROM no_such_table"))
    assert seeded_store.path not in INSTANCE.attached()


def test_two_stores_open_at_once_each_see_only_their_own_tables(seeded_store, tmp_path):
    empty = Store(f"duckdb:///{tmp_path / 'leer' / 'kpi.duckdb'}")
    with seeded_store.reading():  # the demo store's tables are attached to the same instance meanwhile
        assert not empty.is_initialised()
        assert empty.strategy_ids() == []
        with empty.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
        empty.init_schema()  # create_all(checkfirst=True) must not skip tables the other file has
        with empty.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) >= {table.name for table in metadata.sorted_tables}
        assert empty.measurement_count() == 0
        assert seeded_store.measurement_count() > 0
    assert empty.is_initialised()
    assert INSTANCE.attached() == []


def test_an_old_store_is_migrated_while_another_store_is_open(seeded_store, tmp_path, catalog):
    """The migration's catalog checks (the revision sequence, the columns) look at the old store's own file, not at
    the demo store attached beside it, which has all of them."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE measurement (kpi_id VARCHAR, period DATE, value DOUBLE, comment VARCHAR,
                   source VARCHAR, upload_id INTEGER, recorded_at TIMESTAMP, recorded_by VARCHAR)""")
    con.execute(
        "INSERT INTO measurement VALUES ('EG-02', DATE '2024-12-31', 2, NULL, NULL, 1, TIMESTAMP '2025-01-01', 'x')"
    )
    con.close()
    with seeded_store.reading():
        old = Store(f"duckdb:///{path}")
        record_catalog(old, catalog)
        result = import_file(old, write(tmp_path, "c.csv", "Kennzahl;Zeitraum;Wert;Qualität\nEG-02;2024;3;vorläufig\n"))
        assert result.committed, result.problems
        values = old.current_values()
    assert values[["kpi_id", "value", "quality"]].values.tolist() == [["EG-02", 3.0, "provisional"]]


def test_two_stores_used_from_threads_at_once(seeded_store, tmp_path):
    """Server threads read one store while another thread opens and closes a second one over and over: a file
    detached while other reads ran could not be attached again (DuckDB still held it for their transactions)."""
    other = Store(f"duckdb:///{tmp_path / 'zweiter' / 'kpi.duckdb'}")
    errors: list[BaseException] = []
    done = {"reads": 0, "other": 0}
    stop = time.monotonic() + 3

    def repeat(work, counter: str) -> None:
        while time.monotonic() < stop:
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            done[counter] += 1

    threads = [
        threading.Thread(target=repeat, args=(seeded_store.current_values, "reads")),
        threading.Thread(target=repeat, args=(seeded_store.measurement_count, "reads")),
        threading.Thread(target=repeat, args=(lambda: other.strategy_ids() and other.is_initialised(), "other")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert done["reads"] > 10 and done["other"] > 10
    assert INSTANCE.attached() == []
