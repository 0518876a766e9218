"""Store files opened cheaply: one in-memory DuckDB instance per process, each store file ATTACHed to it while a
connection uses it and DETACHed when the process has no connection open (see `_Instance`).

Starting a DuckDB instance costs about 40 ms on this machine (it registers every built-in function), attaching a
file to a running one about 5 ms. `duckdb.connect(path)` starts an instance for every short-lived connection, so
the store's rule "never keep the file open between operations" cost 40 ms per operation. Attached like this the
rule still holds: after DETACH another process (an import from the command line) can open the file, and DuckDB
refuses a second open of the same file inside this process ("Unique file handle conflict"), so no two instances
ever write one file.
"""

from __future__ import annotations

import os
import tempfile
import threading

import duckdb
from duckdb_engine import ConnectionWrapper


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Instance:
    """The process's DuckDB instance and the files attached to it, counted by their open connections.

    Files are detached when the whole instance is idle (no connection open to any file), not as soon as their own
    last connection closes: DuckDB keeps a detached database registered until every transaction that began before
    the DETACH has ended, so attaching the file again while another store's reads run failed with "Unique file
    handle conflict … already attached". A process with one store (a server) detaches it after every operation as
    before; with several, a file waits for the others' connections to close."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._base: duckdb.DuckDBPyConnection | None = None
        self._pid = 0
        self._files: dict[str, list] = {}  # real path -> [alias, open connections]
        self._open = 0  # open connections to any file
        self._next = 0

    def _started(self) -> duckdb.DuckDBPyConnection:
        if self._base is None or self._pid != os.getpid():  # a forked child starts its own instance
            # An in-memory instance would spill to ./.tmp; spill files go to this process's own folder instead.
            spill = os.path.join(tempfile.gettempdir(), f"kpi-duckdb-{os.getpid()}")
            self._base = duckdb.connect(config={"temp_directory": spill})
            self._pid = os.getpid()
            self._files = {}
            self._open = 0
        return self._base

    def open(self, path: str) -> duckdb.DuckDBPyConnection:
        """A new connection whose default database is the store file at `path` (attached first if no connection
        uses it yet). Raises DuckDB's own error when another process holds the file's lock."""
        key = os.path.realpath(path)
        with self._guard:
            base = self._started()
            entry = self._files.get(key)
            if entry is None:
                self._next += 1
                alias = f"store_{self._next}"
                base.execute(f"ATTACH {_literal(key)} AS {alias}")
                entry = self._files[key] = [alias, 0]
            entry[1] += 1
            self._open += 1
            connection = base.cursor()
        try:
            connection.execute(f"USE {entry[0]}")
        except BaseException:
            connection.close()
            self.release(key)
            raise
        return connection

    def release(self, key: str) -> None:
        """One connection to the file `key` (a real path) closed. When no connection is open at all, every file
        is detached, which checkpoints it and frees its lock."""
        with self._guard:
            entry = self._files.get(key)
            if entry is None or self._pid != os.getpid():
                return
            entry[1] = max(entry[1] - 1, 0)
            self._open = max(self._open - 1, 0)
            if self._open:
                return
            for path, (alias, _users) in list(self._files.items()):
                self._base.execute(f"DETACH {alias}")  # if this fails, the file stays attached for the next use
                del self._files[path]

    def attached(self) -> list[str]:
        """The real paths of the files attached now (for tests and diagnostics)."""
        with self._guard:
            return sorted(self._files) if self._pid == os.getpid() else []


INSTANCE = _Instance()


class AttachedConnection(ConnectionWrapper):
    """duckdb-engine's connection wrapper around a connection from `INSTANCE`; closing it releases the file."""

    def __init__(self, path: str) -> None:
        super().__init__(INSTANCE.open(path))
        self._key = os.path.realpath(path)

    def close(self) -> None:
        if self.closed:
            return
        try:
            super().close()
        finally:
            INSTANCE.release(self._key)


# The tables and views of the connection's own store file: other files may be attached to the same instance at the
# same time, and duckdb-engine's reflection looks in every attached database when no schema is named.
_OWN_TABLES = """
    SELECT name FROM (
        SELECT table_name AS name, database_name, schema_name FROM duckdb_tables()
        UNION ALL SELECT view_name, database_name, schema_name FROM duckdb_views() WHERE NOT internal
    ) WHERE database_name = current_database() AND schema_name = coalesce(:schema, current_schema())
"""


def use_attached_files(engine, path: str) -> None:
    """Every connection of the SQLAlchemy `engine` (a DuckDB file store) comes from `INSTANCE`, and its reflection
    (`has_table`, `get_table_names`, so also `create_all(checkfirst=True)`) sees only that store's file."""
    import sqlalchemy as sa

    @sa.event.listens_for(engine, "do_connect")
    def _connect(dialect, connection_record, cargs, cparams):  # noqa: ARG001 - SQLAlchemy's signature
        return AttachedConnection(path)

    def has_table(connection, table_name, schema=None, **kw):  # noqa: ARG001 - the dialect's signature
        sql = sa.text(_OWN_TABLES + " AND name = :name")
        return connection.execute(sql, {"schema": schema, "name": table_name}).first() is not None

    def get_table_names(connection, schema=None, **kw):  # noqa: ARG001 - the dialect's signature
        return [name for (name,) in connection.execute(sa.text(_OWN_TABLES), {"schema": schema})]

    engine.dialect.has_table = has_table  # this engine's dialect instance only
    engine.dialect.get_table_names = get_table_names
