"""What the store does differently on PostgreSQL: the one place of PostgreSQL-specific code (kpi.store, the import
and the migration call it).

- Writers on several servers are serialised in PostgreSQL itself: every write transaction first takes one
  transaction-level advisory lock (bounded by the store's lock timeout), so two imports through two servers
  run one after the other; neither is ever half-written (one transaction each).
- Every write transaction bumps the one row of `store_version`: the change token all servers share.
- Reads through `Store.query` run on the driver connection (`?` placeholders as in DuckDB) and come back as
  the frame DuckDB would give: DATE columns as `date`, timestamps as datetime64, nullable integers.
- Bulk import: the file is parsed and validated in an in-memory DuckDB that holds copies of the catalog tables
  and of the current values of the KPIs in the file, read inside the write transaction (under the lock);
  the validated rows are loaded with COPY (CSV written by DuckDB) in that same transaction.
- A small pool of open connections per process (KPI_DB_POOL).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

WRITER_LOCK_KEY = 16_2026_0001  # any constant: the one advisory lock all writers of a store take
VERSION_DDL = "CREATE TABLE IF NOT EXISTS store_version (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)"
BUMP_SQL = "INSERT INTO store_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = store_version.n + 1"

# PostgreSQL type OIDs -> the pandas dtype DuckDB's `.df()` gives for the same SQL type.
_INTEGER = {20: "Int64", 21: "Int16", 23: "Int32"}
_FLOAT = {700, 701, 1700}
_TIMESTAMP = {1114, 1184}
_BOOL = 16


DEFAULT_POOL = 5


def engine_options() -> dict:
    """Connections are kept open in a pool (KPI_DB_POOL per process, default 5, 0 = a new connection each time):
    opening one costs 2-50 ms (more under load, more with TLS and password checks), and a page run asks the
    store several times. A connection that went away (server restart, failover) is replaced on checkout."""
    raw = os.environ.get("KPI_DB_POOL", "").strip()
    size = int(raw) if raw.isdigit() else DEFAULT_POOL
    if size == 0:
        return {"poolclass": NullPool}
    return {
        "pool_size": size,
        "max_overflow": 2 * size,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "pool_timeout": 60,
    }


class WriterBusyError(RuntimeError):
    """Another server's writer held the store's write lock longer than the bounded wait."""


def pyformat(sql: str) -> str:
    """DuckDB-style `?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return re.sub(r"\?", "%s", sql.replace("%", "%%"))


def _params(params: list | tuple | None) -> list:
    return [list(p) if isinstance(p, tuple) else p for p in (params or [])]


def frame(cursor) -> pd.DataFrame:
    """A psycopg cursor's result as a DataFrame typed like DuckDB's."""
    if cursor.description is None:
        return pd.DataFrame()
    names = [d.name for d in cursor.description]
    out = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
    for d in cursor.description:
        column = out[d.name]
        if d.type_code in _INTEGER:
            out[d.name] = column.astype(_INTEGER[d.type_code])
        elif d.type_code in _FLOAT:
            out[d.name] = pd.to_numeric(column, errors="coerce").astype("float64")
        elif d.type_code in _TIMESTAMP:
            out[d.name] = pd.to_datetime(column)
        elif d.type_code == _BOOL and not column.isna().any():
            out[d.name] = column.astype(bool)
        elif d.type_code == 1082:
            out[d.name] = pd.Series(list(column), index=out.index, dtype=object).where(column.notna(), None)
    return out


def query(conn: sa.Connection, sql: str, params: list | dict | None) -> pd.DataFrame:
    if isinstance(params, dict):
        result = conn.execute(sa.text(sql), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.execute(pyformat(sql), _params(params))
        return frame(cursor)


def serialise(conn: sa.Connection, timeout: float, *, create_version: bool = True) -> None:
    """Take the store's writer lock (waits at most `timeout` seconds) and bump the change token (its table made
    sure of first unless the caller knows it exists)."""
    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(max(timeout, 0.001) * 1000)}ms'"))
    try:
        with conn.begin_nested():
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK_KEY})
    except sa.exc.OperationalError as exc:
        raise WriterBusyError(str(exc).splitlines()[0]) from exc
    conn.execute(sa.text("SET LOCAL lock_timeout = 0"))
    if create_version:
        conn.execute(sa.text(VERSION_DDL))
    conn.execute(sa.text(BUMP_SQL))


def change_token(conn: sa.Connection) -> tuple:
    """The store's write counter: the same on every server, bumped by every write transaction."""
    if not sa.inspect(conn).has_table("store_version"):
        return ("pg", 0)
    return ("pg", conn.execute(sa.text("SELECT n FROM store_version WHERE id = 1")).scalar() or 0)


def _duck_type(column: sa.Column) -> str:
    from duckdb_engine import Dialect

    return column.type.compile(dialect=Dialect())


def mirror(
    conn: sa.Connection,
    con: duckdb.DuckDBPyConnection,
    table: sa.Table,
    source: str | None = None,
    params: list | None = None,
) -> None:
    """Copy rows of a store table (all, or those of `source`, a query with the table's columns) into a table of
    the same name and column types in the DuckDB `con`: PostgreSQL's COPY TO as CSV, read by DuckDB's CSV reader
    (NULL is an empty field, an empty text a quoted one)."""
    names = [c.name for c in table.columns]
    columns = ", ".join(f'"{c.name}" {_duck_type(c)}' for c in table.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table.name} ({columns})")
    select = f"SELECT {', '.join(names)} FROM ({source or f'SELECT * FROM {table.name}'}) AS src"
    with tempfile.TemporaryDirectory(prefix="kpi-mirror-") as folder:
        path = Path(folder) / "rows.csv"
        with conn.connection.driver_connection.cursor() as cursor, path.open("wb") as out:
            with cursor.copy(f"COPY ({pyformat(select)}) TO STDOUT (FORMAT csv)", _params(params)) as copy:
                for block in copy:
                    out.write(block)
        if path.stat().st_size:
            con.execute(
                f"COPY {table.name} FROM '{path}' (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', "
                "ESCAPE '\"', ALLOW_QUOTED_NULLS false)"
            )


@contextmanager
def staging(conn: sa.Connection, tables: tuple[sa.Table, ...]) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB holding the catalog tables a measurement file is checked against."""
    con = duckdb.connect()
    try:
        for table in tables:
            mirror(conn, con, table)
        yield con
    finally:
        con.close()


def copy_from_duck(
    con: duckdb.DuckDBPyConnection, relation: str, conn: sa.Connection, table: str, columns: Iterable[str]
) -> int:
    """Bulk-load the rows of a DuckDB table or view (in `columns` order) with ONE COPY inside the store's
    transaction: DuckDB writes them as CSV, PostgreSQL reads that CSV; returns how many."""
    names = ", ".join(columns)
    with tempfile.TemporaryDirectory(prefix="kpi-copy-") as folder:
        path = Path(folder) / "rows.csv"
        con.execute(f"COPY (SELECT {names} FROM {relation}) TO '{path}' (FORMAT csv, HEADER false)")
        with conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy, path.open("rb") as rows:
                while block := rows.read(1 << 20):
                    copy.write(block)
            return cursor.rowcount
