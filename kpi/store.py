"""The one door to the database: engine, tables and the queries every other layer uses.

Measurements and measure updates are append-only revisions: nothing is updated in place or
deleted. "Current" is the newest revision per (KPI, period); "as of D" the newest recorded on or
before D. A revision with value NULL retracts a value (written by undo).

The store never keeps the DuckDB file open between operations (NullPool, short connections),
so that the command-line import works while the dashboard runs; opening retries for a bounded
time while another process holds the write lock. Opening is cheap: the file is attached to the process's
one DuckDB instance while connections use it (kpi.attached).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from kpi.attached import use_attached_files
from kpi.content import ENGLISH_FIELDS
from kpi.model import (
    ActionField,
    Catalog,
    Direction,
    Frequency,
    Goal,
    Kpi,
    Measure,
    MeasureState,
    Strategy,
    Target,
    Theme,
    Thresholds,
    Unit,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"duckdb:///{ROOT / 'data' / 'kpi.duckdb'}"
DEFAULT_LOCK_TIMEOUT = 20.0


def lock_timeout_seconds() -> float:
    """KPI_LOCK_TIMEOUT (seconds to wait for a locked store); a value that is not a number is named on stderr
    (once, when a store is first opened, never at import) and the default is used, rather than every command
    failing at start-up."""
    raw = os.environ.get("KPI_LOCK_TIMEOUT", "").strip().replace(",", ".")
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 86400:
        if raw in _WARNED:
            return DEFAULT_LOCK_TIMEOUT
        _WARNED.add(raw)
        print(
            f"Hinweis: KPI_LOCK_TIMEOUT={raw!r} ist keine Sekundenzahl zwischen 0 und 86400; "
            f"es gelten {DEFAULT_LOCK_TIMEOUT:.0f} s.",
            file=sys.stderr,
        )
        return DEFAULT_LOCK_TIMEOUT
    return value


_WARNED: set[str] = set()  # KPI_LOCK_TIMEOUT values already named on stderr

metadata = sa.MetaData()
upload_seq = sa.Sequence("upload_id_seq", metadata=metadata)
# One monotonic revision key shared by measurement, measure_update and kpi_comment: "current" is the highest rev
# per key, never the newest wall-clock time (a clock or a time zone can go back; the sequence cannot).
revision_seq = sa.Sequence("revision_seq", metadata=metadata)


# The English wordings of the catalog's content (kpi.content.ENGLISH_FIELDS) as nullable `<field>_en` columns of
# each catalog table, and the strategy's principles as a JSON list; added to older stores by `add_english_columns`
# and `migrate`.
_CONTENT_TYPES = {
    "strategy": "Strategy",
    "org_unit": "Unit",
    "theme": "Theme",
    "action_field": "ActionField",
    "goal": "Goal",
    "kpi": "Kpi",
    "measure": "Measure",
}
ENGLISH_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(f"{field}_en" for field in ENGLISH_FIELDS[kind]) + (("principles_en",) if kind == "Strategy" else ())
    for table, kind in _CONTENT_TYPES.items()
}


def _rev_column() -> sa.Column:
    return sa.Column("rev", sa.BigInteger, revision_seq, server_default=revision_seq.next_value())


strategy_t = sa.Table(
    "strategy",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("city", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("adopted", sa.Date),
    sa.Column("mission", sa.String),
    sa.Column("principles", sa.String),  # JSON list
    sa.Column("illustrative", sa.Boolean),
    sa.Column("note", sa.String),
    sa.Column("loaded_at", sa.DateTime),
    sa.Column("title_en", sa.String),
    sa.Column("mission_en", sa.String),
    sa.Column("principles_en", sa.String),
    sa.Column("note_en", sa.String),
)
unit_t = sa.Table(
    "org_unit",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("strategy_id", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("name_en", sa.String),
)
theme_t = sa.Table(
    "theme",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("strategy_id", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("position", sa.Integer),
    sa.Column("name_en", sa.String),
)
action_field_t = sa.Table(
    "action_field",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("theme_id", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.String),
    sa.Column("position", sa.Integer),
    sa.Column("name_en", sa.String),
    sa.Column("description_en", sa.String),
)
goal_t = sa.Table(
    "goal",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("action_field_id", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("position", sa.Integer),
    sa.Column("name_en", sa.String),
)
kpi_t = sa.Table(
    "kpi",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("strategy_id", sa.String, nullable=False),
    sa.Column("goal_id", sa.String),
    sa.Column("action_field_id", sa.String),
    sa.Column("theme_id", sa.String),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("definition", sa.String),
    sa.Column("unit", sa.String),
    sa.Column("direction", sa.String),
    sa.Column("frequency", sa.String),
    sa.Column("baseline_period", sa.Date),
    sa.Column("baseline_value", sa.Double),
    sa.Column("range_min", sa.Double),
    sa.Column("range_max", sa.Double),
    sa.Column("responsible", sa.String),
    sa.Column("source", sa.String),
    sa.Column("on_track", sa.Double),
    sa.Column("at_risk", sa.Double),
    sa.Column("grace_days", sa.Integer),
    sa.Column("real_data", sa.Boolean),
    sa.Column("position", sa.Integer),
    sa.Column("name_en", sa.String),
    sa.Column("unit_en", sa.String),
    sa.Column("definition_en", sa.String),
    sa.Column("source_en", sa.String),
)
target_t = sa.Table(
    "kpi_target",
    metadata,
    sa.Column("kpi_id", sa.String, primary_key=True),
    sa.Column("period", sa.Date, primary_key=True),
    sa.Column("value", sa.Double, nullable=False),
)
measure_t = sa.Table(
    "measure",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("strategy_id", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("action_field_id", sa.String),
    sa.Column("responsible", sa.String),
    sa.Column("start", sa.Date),
    sa.Column("planned_end", sa.Date),
    sa.Column("description", sa.String),
    sa.Column("kpi_ids", sa.String),  # JSON list
    sa.Column("position", sa.Integer),
    sa.Column("title_en", sa.String),
    sa.Column("description_en", sa.String),
)
upload_t = sa.Table(
    "upload",
    metadata,
    sa.Column("id", sa.Integer, upload_seq, server_default=upload_seq.next_value(), primary_key=True),
    sa.Column("kind", sa.String, nullable=False),  # measurements | measures | seed | undo | comment
    sa.Column("file_name", sa.String),
    sa.Column("sha256", sa.String),
    sa.Column("username", sa.String),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("n_new", sa.Integer),
    sa.Column("n_changed", sa.Integer),
    sa.Column("n_unchanged", sa.Integer),
    sa.Column("state", sa.String, nullable=False),  # committed | undone
    sa.Column("undo_of", sa.Integer),
)
# No primary key or index on the revision tables: they are append-only and written in bulk,
# and DuckDB's zone maps serve the (kpi_id, period) look-ups.
measurement_t = sa.Table(
    "measurement",
    metadata,
    sa.Column("kpi_id", sa.String, nullable=False),
    sa.Column("period", sa.Date, nullable=False),
    sa.Column("value", sa.Double),  # NULL = value retracted
    sa.Column("comment", sa.String),
    sa.Column("source", sa.String),
    sa.Column("quality", sa.String),  # final | provisional | estimated | break; NULL = final
    sa.Column("upload_id", sa.Integer, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("recorded_by", sa.String),
    _rev_column(),
)
measure_update_t = sa.Table(
    "measure_update",
    metadata,
    sa.Column("measure_id", sa.String, nullable=False),
    sa.Column("state", sa.String, nullable=False),
    sa.Column("progress", sa.Double, nullable=False),
    sa.Column("comment", sa.String),
    sa.Column("upload_id", sa.Integer, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("recorded_by", sa.String),
    _rev_column(),
)
comment_t = sa.Table(
    "kpi_comment",
    metadata,
    sa.Column("kpi_id", sa.String, nullable=False),
    sa.Column("period", sa.Date, nullable=False),
    sa.Column("text", sa.String),  # NULL or empty = comment withdrawn
    sa.Column("author", sa.String),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    _rev_column(),
)
user_t = sa.Table(
    "app_user",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("role", sa.String, nullable=False),
    sa.Column("unit", sa.String),
    sa.Column("password_hash", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
login_attempt_t = sa.Table(
    "login_attempt",
    metadata,
    sa.Column("name", sa.String, nullable=False),  # normalised user name as typed (unknown names too)
    sa.Column("attempted_at", sa.DateTime, nullable=False),
    sa.Column("outcome", sa.String, nullable=False),  # ok | failed
    sa.Column("client", sa.String),  # where the attempt came from (address), "" when unknown
)


try:  # the PostgreSQL driver's own errors (COPY runs on it directly), where it is installed
    import psycopg

    DRIVER_ERRORS: tuple[type[BaseException], ...] = (psycopg.Error,)
except ImportError:  # pragma: no cover - a DuckDB-only installation
    DRIVER_ERRORS = ()


class StoreLockedError(RuntimeError):
    """The database file stayed locked by another process for longer than the bounded wait."""


def database_url() -> str:
    return os.environ.get("KPI_DB_URL") or DEFAULT_URL


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("could not set" in text or "conflicting" in text)


def now() -> datetime:
    """Recording timestamps are naive UTC, microsecond resolution (never local wall time: a writer in another
    time zone or a DST fall-back would put a later revision "before" an earlier one)."""
    return datetime.now(UTC).replace(tzinfo=None)


# The revision tables and their keys: the one place that says what "a value" is.
REVISION_KEYS = {
    "measurement": ("kpi_id", "period"),
    "measure_update": ("measure_id",),
    "kpi_comment": ("kpi_id", "period"),
}


def latest_sql(table: str, *, as_of: str | None = None, where: str = "TRUE") -> str:
    """SQL for the one "current" / "as of D" rule: per key of `table` the revision with the highest `rev`,
    among the revisions recorded on or before D when `as_of` names D's placeholder (`?` or `:as_of`).
    `where` narrows the rows before the rule is applied (a KPI, the keys of one upload); its placeholders
    come before the as-of one."""
    keys = ", ".join(REVISION_KEYS[table])
    cut = f" AND recorded_at <= {as_of}" if as_of else ""
    # Plain SQL that DuckDB and PostgreSQL both run (no QUALIFY); the extra column `latest_rank` is always 1.
    return (
        f"SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {keys} ORDER BY rev DESC) AS latest_rank "
        f"FROM {table} WHERE ({where}){cut}) AS ranked WHERE latest_rank = 1"
    )


_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock(url: str) -> threading.RLock:
    """The process-wide lock for one store: writers inside one server process are serialised like writers in
    different processes (which DuckDB's file lock serialises)."""
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(url, threading.RLock())


class StoreError(RuntimeError):
    """The store cannot be used (missing, damaged, read-only, full disk): the message is one sentence."""


class StoreMissingError(StoreError):
    """A read was asked of a store file that does not exist (a mistyped KPI_DB_URL, or not seeded yet)."""


_MIGRATED: set[str] = set()


class Store:
    def __init__(self, url: str | None = None, lock_timeout: float | None = None, *, read_only: bool = False):
        """`read_only`: open the file read-only (read commands) and refuse a file that does not exist, instead of
        creating an empty store under a mistyped name."""
        self.url = url or database_url()
        self.lock_timeout = lock_timeout_seconds() if lock_timeout is None else lock_timeout
        self.read_only = read_only
        self._ensured: set[str] = set()  # tables this object has made sure of (see _ensure)
        self._reading = threading.local()  # the connection of a `reading()` block in this thread, if any
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(
                f"KPI_DB_URL/--db '{self.url}' ist keine gültige Datenbank-URL (erwartet duckdb:///pfad/kpi.duckdb)."
            ) from exc
        self.is_duckdb = parsed.get_backend_name() == "duckdb"
        in_file = self.is_duckdb and parsed.database and parsed.database != ":memory:"
        if in_file and read_only and not Path(parsed.database).is_file():
            raise StoreMissingError(
                f"Die Datenbank {parsed.database} gibt es nicht (KPI_DB_URL/--db prüfen oder "
                "zuerst `python -m kpi seed`); nichts angelegt."
            )
        if in_file and not read_only:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.path = parsed.database if self.is_duckdb else None
        connect_args = {"read_only": True} if read_only and self.is_duckdb else {}
        if self.is_duckdb:
            self.engine = sa.create_engine(self.url, poolclass=NullPool, connect_args=connect_args)
            if in_file and not read_only:
                use_attached_files(self.engine, parsed.database)  # kpi.attached: 5 ms per open instead of 40
        else:  # a server database: a small pool of open connections (kpi.pgstore)
            from kpi import pgstore

            self.engine = sa.create_engine(self.url, **pgstore.engine_options())

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)})"

    # -- connections -----------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """One connection for several reads in a row (the status of every KPI: the catalog, then the values): the
        file opened once instead of per read, and on DuckDB one transaction's view of the store (PostgreSQL reads
        in READ COMMITTED). Reads inside the block use it; writes open their own connection as always."""
        if getattr(self._reading, "conn", None) is not None:
            yield self._reading.conn
            return
        with self.connect() as conn:
            self._reading.conn = conn
            try:
                yield conn
            finally:
                self._reading.conn = None

    @contextmanager
    def connect(self, shared: bool = True) -> Iterator[sa.Connection]:
        """A short-lived connection in one transaction: committed on success, rolled back on error. Inside a
        `reading()` block (`shared`): that block's connection."""
        if shared and getattr(self._reading, "conn", None) is not None:
            yield self._reading.conn
            return
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                conn = self.engine.connect()
                break
            except (sa.exc.OperationalError, sa.exc.DBAPIError, duckdb.IOException) as exc:
                if not _is_lock_error(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreLockedError(
                        f"Die Datenbank {self.path or self.url} ist seit {self.lock_timeout:.0f} s von einem "
                        "anderen Prozess gesperrt (z. B. ein laufender Import). Bitte in einer Minute erneut versuchen."
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        try:
            if self.is_duckdb and not self.read_only and self.url not in _MIGRATED:
                with conn.begin():
                    migrate(conn)
                _MIGRATED.add(self.url)
            with conn.begin():
                yield conn
        finally:
            conn.close()

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """A write transaction, serialised with every other writer of this store in this process."""
        if self.read_only:
            raise StoreError("Die Datenbank ist nur zum Lesen geöffnet; nichts geschrieben.")
        with write_lock(self.url), self.connect(shared=False) as conn:
            if not self.is_duckdb:
                self._serialise(conn)
            yield conn

    def _serialise(self, conn: sa.Connection) -> None:
        """PostgreSQL: writers on every server wait for each other (kpi.pgstore)."""
        from kpi import pgstore

        try:
            pgstore.serialise(conn, self.lock_timeout, create_version="store_version" not in self._ensured)
            self._ensured.add("store_version")  # once per Store object, not on every write
        except pgstore.WriterBusyError as exc:
            raise StoreLockedError(
                f"Die Datenbank {self} wird seit {self.lock_timeout:.0f} s von einem anderen Schreibvorgang belegt "
                "(z. B. ein laufender Import). Bitte in einer Minute erneut versuchen; nichts geschrieben."
            ) from exc

    @contextmanager
    def duck_writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """`duck()` as a serialised write transaction."""
        if not self.is_duckdb:
            raise NotImplementedError("Bulk import and analytics need a DuckDB store (KPI_DB_URL=duckdb:///…)")
        with self.writing() as conn:
            yield conn.connection.driver_connection

    @staticmethod
    def moment(conn: sa.Connection | duckdb.DuckDBPyConnection) -> datetime:
        """The recording time of a write: now (UTC), but never before a time already stored, so that an as-of cut
        can never put a later revision before an earlier one even when the clock went back."""
        sql = (
            "SELECT greatest((SELECT max(recorded_at) FROM measurement), (SELECT max(recorded_at) FROM "
            "measure_update), (SELECT max(recorded_at) FROM kpi_comment), (SELECT max(created_at) FROM upload))"
        )
        try:
            if isinstance(conn, sa.Connection) and conn.dialect.name != "duckdb":
                with conn.begin_nested():  # a failed statement must not abort PostgreSQL's transaction
                    newest = conn.execute(sa.text(sql)).fetchone()[0]
            else:
                newest = (
                    conn.execute(sa.text(sql)) if isinstance(conn, sa.Connection) else conn.execute(sql)
                ).fetchone()[0]
        except (sa.exc.DBAPIError, duckdb.Error):
            newest = None  # a store without those tables yet
        moment = now()
        if newest is not None and newest >= moment:
            moment = newest + timedelta(microseconds=1)
        return moment

    @contextmanager
    def duck(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The DuckDB connection under a short-lived transaction, for bulk work in SQL."""
        if not self.is_duckdb:
            raise NotImplementedError("Bulk import and analytics need a DuckDB store (KPI_DB_URL=duckdb:///…)")
        with self.connect() as conn:
            yield conn.connection.driver_connection

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """`sql` with `?` placeholders; a frame back, DATE columns as `date` (both backends)."""
        if not self.is_duckdb:
            from kpi import pgstore

            with self.connect() as conn:
                return pgstore.query(conn, sql, params)
        with self.duck() as con:
            cursor = con.execute(sql, params or [])
            dates = [d[0] for d in cursor.description if str(d[1]) == "DATE"]
            frame = cursor.df()
        # DATE columns arrive as timestamps: periods are calendar days, keep them as `date`.
        for column in dates:
            values = frame[column].to_numpy(dtype="datetime64[D]").astype(object)  # NaT becomes None
            frame[column] = pd.Series(values, index=frame.index, dtype=object)
        return frame

    # -- schema and catalog ----------------------------------------------------------------
    def init_schema(self) -> None:
        with self.writing() as conn:
            metadata.create_all(conn)
            if self.is_duckdb:
                migrate(conn)

    def is_initialised(self) -> bool:
        with self.connect() as conn:
            return sa.inspect(conn).has_table("kpi")

    def strategy_ids(self) -> list[str]:
        with self.connect() as conn:
            if not sa.inspect(conn).has_table("strategy"):
                return []
            return list(conn.execute(sa.select(strategy_t.c.id).order_by(strategy_t.c.loaded_at)).scalars())

    def stored_catalog(self, strategy_id: str | None = None) -> Catalog | None:
        """The current-catalog tables as stored, with each measure's state as last recorded; None for an empty
        store (a store made before catalog revisions holds its catalog only here)."""
        with self.connect() as conn:
            if not sa.inspect(conn).has_table("strategy"):
                return None
            q = sa.select(strategy_t).order_by(strategy_t.c.loaded_at.desc())
            if strategy_id:
                q = q.where(strategy_t.c.id == strategy_id)
            s = conn.execute(q).mappings().first()
            if s is None:
                return None
            sid = s["id"]
            rows = lambda stmt: conn.execute(stmt).mappings().all()  # noqa: E731
            units = rows(sa.select(unit_t).where(unit_t.c.strategy_id == sid))
            themes = rows(sa.select(theme_t).where(theme_t.c.strategy_id == sid).order_by(theme_t.c.position))
            theme_ids = [t["id"] for t in themes]
            afs = rows(
                sa.select(action_field_t)
                .where(action_field_t.c.theme_id.in_(theme_ids))
                .order_by(action_field_t.c.position)
            )
            goals = rows(
                sa.select(goal_t)
                .where(goal_t.c.action_field_id.in_([a["id"] for a in afs]))
                .order_by(goal_t.c.position)
            )
            kpis = rows(sa.select(kpi_t).where(kpi_t.c.strategy_id == sid).order_by(kpi_t.c.position))
            targets: dict[str, list[Target]] = {}
            for t in rows(
                sa.select(target_t).where(target_t.c.kpi_id.in_([k["id"] for k in kpis])).order_by(target_t.c.period)
            ):
                targets.setdefault(t["kpi_id"], []).append(Target(t["period"], t["value"]))
            measures = rows(sa.select(measure_t).where(measure_t.c.strategy_id == sid).order_by(measure_t.c.position))
            states = {
                r["measure_id"]: r
                for r in conn.execute(
                    sa.text(f"SELECT measure_id, state, progress FROM ({latest_sql('measure_update')}) AS latest")
                ).mappings()
            }
        return Catalog(
            strategy=Strategy(
                id=sid,
                city=s["city"],
                title=s["title"],
                adopted=s["adopted"],
                mission=s["mission"] or "",
                principles=tuple(json.loads(s["principles"] or "[]")),
                illustrative=bool(s["illustrative"]),
                note=s["note"] or "",
                title_en=s.get("title_en") or "",
                mission_en=s.get("mission_en") or "",
                principles_en=tuple(json.loads(s.get("principles_en") or "[]")),
                note_en=s.get("note_en") or "",
            ),
            units=tuple(Unit(u["id"], u["name"], u.get("name_en") or "") for u in units),
            themes=tuple(Theme(t["id"], t["name"], t.get("name_en") or "") for t in themes),
            action_fields=tuple(
                ActionField(
                    a["id"],
                    a["name"],
                    a["theme_id"],
                    a["description"] or "",
                    a.get("name_en") or "",
                    a.get("description_en") or "",
                )
                for a in afs
            ),
            goals=tuple(Goal(g["id"], g["name"], g["action_field_id"], g.get("name_en") or "") for g in goals),
            kpis=tuple(_kpi_from_row(k, tuple(targets.get(k["id"], ()))) for k in kpis),
            measures=tuple(
                Measure(
                    id=m["id"],
                    title=m["title"],
                    action_field_id=m["action_field_id"],
                    responsible=m["responsible"],
                    start=m["start"],
                    planned_end=m["planned_end"],
                    state=MeasureState(states[m["id"]]["state"]) if m["id"] in states else MeasureState.PLANNED,
                    progress=float(states[m["id"]]["progress"]) if m["id"] in states else 0.0,
                    kpi_ids=tuple(json.loads(m["kpi_ids"] or "[]")),
                    description=m["description"] or "",
                    title_en=m.get("title_en") or "",
                    description_en=m.get("description_en") or "",
                )
                for m in measures
            ),
        )

    # -- reads -----------------------------------------------------------------------------
    def version(self) -> tuple:
        """Changes whenever anything is written: the key for caching read results."""
        with self.connect() as conn:
            if not sa.inspect(conn).has_table("upload"):
                return (0,)
            return tuple(
                conn.execute(
                    sa.text(
                        "SELECT (SELECT max(id) FROM upload), (SELECT count(*) FROM upload WHERE state = 'undone'), "
                        "(SELECT max(recorded_at) FROM kpi_comment), (SELECT max(loaded_at) FROM strategy)"
                    )
                ).one()
            )

    def change_token(self) -> tuple:
        """Changes whenever anything is written, without opening the database: every DuckDB commit appends to
        the file's write-ahead log or rewrites the file itself (a checkpoint), so the two files' size, change
        time and inode name the state. A stat costs microseconds; opening the file to ask `version()` costs
        milliseconds on every page run (kpi.attached). A spurious change (a checkpoint) only costs one recomputation."""
        if not self.is_duckdb:
            from kpi import pgstore

            with self.connect() as conn:
                return pgstore.change_token(conn)
        if not self.path or self.path == ":memory:":
            return ("version", *self.version())
        token: list = []
        for file in (self.path, self.path + ".wal"):
            try:
                info = os.stat(file)
            except FileNotFoundError:
                token.append(None)
            else:
                token.append((info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
        return tuple(token)

    def current_values(self, as_of: datetime | None = None, kpi_ids: list[str] | None = None) -> pd.DataFrame:
        """Newest revision per (KPI, period) recorded up to `as_of` (all if None); retracted values left out."""
        where, params = "TRUE", []
        if kpi_ids is not None:
            where = "list_contains(?, kpi_id)" if self.is_duckdb else "kpi_id = ANY(?)"
            params.append(list(kpi_ids))
        if as_of is not None:
            params.append(as_of)
        latest = latest_sql("measurement", as_of="?" if as_of is not None else None, where=where)
        return self.query(
            f"""SELECT kpi_id, period, value, comment, source, quality, recorded_at, recorded_by, upload_id
                FROM ({latest}) AS latest WHERE value IS NOT NULL ORDER BY kpi_id, period""",
            params,
        )

    def revisions(self, kpi_id: str, as_of: datetime | None = None) -> pd.DataFrame:
        """Every revision of one KPI (recorded up to `as_of`), newest first, with the upload it came from."""
        cut = " AND m.recorded_at <= ?" if as_of is not None else ""
        return self.query(
            f"""SELECT m.period, m.value, m.comment, m.source, m.quality, m.recorded_at, m.recorded_by, m.upload_id,
                      u.kind, u.file_name, u.state AS upload_state
               FROM measurement m LEFT JOIN upload u ON u.id = m.upload_id
               WHERE m.kpi_id = ?{cut} ORDER BY m.period DESC, m.rev DESC""",
            [kpi_id] + ([as_of] if as_of is not None else []),
        )

    def uploads(self) -> pd.DataFrame:
        return self.query("SELECT * FROM upload ORDER BY id DESC")

    def measure_history(self, measure_id: str | None = None, as_of: datetime | None = None) -> pd.DataFrame:
        """Every update of a measure (or of all) recorded up to `as_of`, newest first."""
        where, params = ["TRUE"], []
        if measure_id:
            where.append("measure_id = ?")
            params.append(measure_id)
        if as_of is not None:
            where.append("recorded_at <= ?")
            params.append(as_of)
        return self.query(f"SELECT * FROM measure_update WHERE {' AND '.join(where)} ORDER BY rev DESC", params)

    def measure_states(self, as_of: datetime | None = None) -> pd.DataFrame:
        latest = latest_sql("measure_update", as_of="?" if as_of else None)
        return self.query(
            f"SELECT measure_id, state, progress, comment, recorded_at FROM ({latest}) AS latest",
            [as_of] if as_of else [],
        )

    def comments(self, as_of: datetime | None = None, kpi_id: str | None = None) -> pd.DataFrame:
        """The newest comment per (KPI, period) as of a moment; withdrawn (empty) comments left out."""
        where, params = "TRUE", []
        if kpi_id is not None:
            where = "kpi_id = ?"
            params.append(kpi_id)
        if as_of is not None:
            params.append(as_of)
        latest = latest_sql("kpi_comment", as_of="?" if as_of is not None else None, where=where)
        return self.query(
            f"""SELECT kpi_id, period, text, author, recorded_at FROM ({latest}) AS latest
                WHERE coalesce(text, '') <> '' ORDER BY kpi_id, period""",
            params,
        )

    def measurement_count(self) -> int:
        with self.connect() as conn:
            if not sa.inspect(conn).has_table("measurement"):
                return 0
            return int(conn.execute(sa.text("SELECT count(*) FROM measurement")).scalar())

    # -- small writes ----------------------------------------------------------------------
    def add_comment(self, kpi_id: str, period: date, text: str, author: str) -> None:
        from kpi.comment_rules import check_comment

        text = check_comment(text)  # a refused comment raises before anything is written
        with self.writing() as conn:
            conn.execute(
                comment_t.insert(),
                [dict(kpi_id=kpi_id, period=period, text=text, author=author, recorded_at=self.moment(conn))],
            )

    def record_upload(self, conn: sa.Connection, **fields: Any) -> int:
        fields.setdefault("created_at", now())
        fields.setdefault("state", "committed")
        return int(conn.execute(upload_t.insert().returning(upload_t.c.id), [fields]).scalar_one())

    # -- users and login attempts (kpi.auth) -----------------------------------------------
    def _ensure(self, conn: sa.Connection, *tables: sa.Table) -> None:
        """Stores created before a table existed get it on first use (create_all skips existing ones): once per
        Store object and table, not on every login."""
        missing = [table for table in tables if table.name not in self._ensured]
        if missing:
            metadata.create_all(conn, tables=missing, checkfirst=True)
            self._ensured.update(table.name for table in missing)

    def _has(self, conn: sa.Connection, table: sa.Table) -> bool:
        """Whether the store has the table; looked up until it is there, then known for this Store object."""
        if table.name not in self._ensured and sa.inspect(conn).has_table(table.name):
            self._ensured.add(table.name)
        return table.name in self._ensured

    def users(self) -> list[dict]:
        with self.connect() as conn:
            if not sa.inspect(conn).has_table("app_user"):
                return []
            return [
                dict(r)
                for r in conn.execute(
                    sa.select(user_t.c.name, user_t.c.role, user_t.c.unit, user_t.c.created_at).order_by(user_t.c.name)
                ).mappings()
            ]

    def user_row(self, name: str) -> dict | None:
        with self.connect() as conn:
            if not self._has(conn, user_t):
                return None
            row = conn.execute(sa.select(user_t).where(user_t.c.name == name)).mappings().first()
            return dict(row) if row else None

    def insert_user(self, name: str, role: str, unit: str | None, password_hash: str) -> bool:
        """Add a user; False when the name is taken (nothing written)."""
        with self.writing() as conn:
            self._ensure(conn, user_t)
            if conn.execute(sa.select(user_t.c.name).where(user_t.c.name == name)).first():
                return False
            conn.execute(
                user_t.insert(), [dict(name=name, role=role, unit=unit, password_hash=password_hash, created_at=now())]
            )
            return True

    def update_user_hash(self, name: str, password_hash: str) -> bool:
        with self.writing() as conn:
            self._ensure(conn, user_t)
            return (
                conn.execute(user_t.update().where(user_t.c.name == name).values(password_hash=password_hash)).rowcount
                > 0
            )

    def delete_user(self, name: str) -> bool:
        with self.writing() as conn:
            self._ensure(conn, user_t)
            return conn.execute(user_t.delete().where(user_t.c.name == name)).rowcount > 0

    def login_failures(self, name: str, since: datetime, client: str = "") -> list[datetime]:
        """Failed attempts for a name from a client since a moment and after its last successful login there,
        oldest first."""
        with self.connect() as conn:
            if not self._has(conn, login_attempt_t):
                return []
            t = login_attempt_t.c
            same = sa.and_(t.name == name, sa.func.coalesce(t.client, "") == client)
            last_ok = conn.execute(sa.select(sa.func.max(t.attempted_at)).where(same, t.outcome == "ok")).scalar()
            q = sa.select(t.attempted_at).where(same, t.outcome == "failed", t.attempted_at >= since)
            if last_ok is not None:
                q = q.where(t.attempted_at > last_ok)
            return list(conn.execute(q.order_by(t.attempted_at)).scalars())

    def record_login_attempt(
        self,
        name: str,
        outcome: str,
        at: datetime | None = None,
        *,
        client: str = "",
        prune_before: datetime | None = None,
    ) -> None:
        with self.writing() as conn:
            self._ensure(conn, login_attempt_t)
            if prune_before is not None:
                conn.execute(login_attempt_t.delete().where(login_attempt_t.c.attempted_at < prune_before))
            conn.execute(
                login_attempt_t.insert(), [dict(name=name, attempted_at=at or now(), outcome=outcome, client=client)]
            )

    def clear_login_attempts(self, name: str) -> int:
        """Forget a name's failed attempts (unlock, new password); returns how many."""
        with self.writing() as conn:
            self._ensure(conn, login_attempt_t)
            return conn.execute(
                login_attempt_t.delete().where(login_attempt_t.c.name == name, login_attempt_t.c.outcome == "failed")
            ).rowcount

    def prune_login_attempts(self, before: datetime) -> None:
        with self.writing() as conn:
            self._ensure(conn, login_attempt_t)
            conn.execute(login_attempt_t.delete().where(login_attempt_t.c.attempted_at < before))

    # -- audit look-ups (kpi.audit, the protocol page) -------------------------------------
    def upload(self, upload_id: int) -> dict | None:
        with self.connect() as conn:
            row = conn.execute(sa.select(upload_t).where(upload_t.c.id == upload_id)).mappings().first()
            return dict(row) if row else None

    def undo_of(self, upload_id: int) -> dict | None:
        """The undo that reverted an upload, if any."""
        with self.connect() as conn:
            row = (
                conn.execute(sa.select(upload_t).where(upload_t.c.undo_of == upload_id, upload_t.c.kind == "undo"))
                .mappings()
                .first()
            )
            return dict(row) if row else None

    def upload_measurements(self, upload_id: int) -> pd.DataFrame:
        """The measurement revisions one upload wrote (for an undo: the restoring and retracting ones)."""
        return self.query(
            """SELECT kpi_id, period, value, comment, source, quality, recorded_at, recorded_by FROM measurement
               WHERE upload_id = ? ORDER BY kpi_id, period""",
            [upload_id],
        )

    def upload_measure_updates(self, upload_id: int) -> pd.DataFrame:
        return self.query(
            """SELECT measure_id, state, progress, comment, recorded_at, recorded_by FROM measure_update
               WHERE upload_id = ? ORDER BY measure_id""",
            [upload_id],
        )


def write_catalog_rows(conn: sa.Connection, catalog: Catalog) -> None:
    """Replace the strategy's rows of the current-catalog tables (the cache of the catalog in force now)."""
    s = catalog.strategy
    metadata.create_all(conn)
    add_english_columns(conn)
    old_kpis = sa.select(kpi_t.c.id).where(kpi_t.c.strategy_id == s.id)
    conn.execute(target_t.delete().where(target_t.c.kpi_id.in_(old_kpis)))
    old_afs = sa.select(action_field_t.c.id).join(theme_t, theme_t.c.id == action_field_t.c.theme_id)
    conn.execute(goal_t.delete().where(goal_t.c.action_field_id.in_(old_afs.where(theme_t.c.strategy_id == s.id))))
    conn.execute(
        action_field_t.delete().where(
            action_field_t.c.theme_id.in_(sa.select(theme_t.c.id).where(theme_t.c.strategy_id == s.id))
        )
    )
    for table in (kpi_t, measure_t, theme_t, unit_t):
        conn.execute(table.delete().where(table.c.strategy_id == s.id))
    conn.execute(strategy_t.delete().where(strategy_t.c.id == s.id))
    conn.execute(
        strategy_t.insert(),
        [
            dict(
                id=s.id,
                city=s.city,
                title=s.title,
                adopted=s.adopted,
                mission=s.mission,
                principles=json.dumps(list(s.principles), ensure_ascii=False),
                illustrative=s.illustrative,
                note=s.note,
                loaded_at=now(),
                title_en=s.title_en or None,
                mission_en=s.mission_en or None,
                principles_en=json.dumps(list(s.principles_en), ensure_ascii=False) if s.principles_en else None,
                note_en=s.note_en or None,
            )
        ],
    )
    _insert_rows(
        conn, unit_t, [dict(id=u.id, strategy_id=s.id, name=u.name, name_en=u.name_en or None) for u in catalog.units]
    )
    _insert_rows(
        conn,
        theme_t,
        [
            dict(id=t.id, strategy_id=s.id, name=t.name, position=i, name_en=t.name_en or None)
            for i, t in enumerate(catalog.themes)
        ],
    )
    _insert_rows(
        conn,
        action_field_t,
        [
            dict(
                id=a.id,
                theme_id=a.theme_id,
                name=a.name,
                description=a.description,
                position=i,
                name_en=a.name_en or None,
                description_en=a.description_en or None,
            )
            for i, a in enumerate(catalog.action_fields)
        ],
    )
    _insert_rows(
        conn,
        goal_t,
        [
            dict(id=g.id, action_field_id=g.action_field_id, name=g.name, position=i, name_en=g.name_en or None)
            for i, g in enumerate(catalog.goals)
        ],
    )
    if catalog.kpis:
        conn.execute(kpi_t.insert(), [_kpi_row(k, s.id, i) for i, k in enumerate(catalog.kpis)])
        conn.execute(
            target_t.insert(),
            [dict(kpi_id=k.id, period=t.period, value=t.value) for k in catalog.kpis for t in k.targets],
        )
    if catalog.measures:
        conn.execute(
            measure_t.insert(),
            [
                dict(
                    id=m.id,
                    strategy_id=s.id,
                    title=m.title,
                    action_field_id=m.action_field_id,
                    responsible=m.responsible,
                    start=m.start,
                    planned_end=m.planned_end,
                    description=m.description,
                    kpi_ids=json.dumps(list(m.kpi_ids)),
                    position=i,
                    title_en=m.title_en or None,
                    description_en=m.description_en or None,
                )
                for i, m in enumerate(catalog.measures)
            ],
        )


def _insert_rows(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    if rows:  # an empty parameter list would insert one row of NULLs
        conn.execute(table.insert(), rows)


def _kpi_row(k: Kpi, strategy_id: str, position: int) -> dict:
    return dict(
        id=k.id,
        strategy_id=strategy_id,
        goal_id=k.goal_id,
        action_field_id=k.action_field_id,
        theme_id=k.theme_id,
        name=k.name,
        definition=k.definition,
        unit=k.unit,
        direction=k.direction.value,
        frequency=k.frequency.value,
        baseline_period=k.baseline_period,
        baseline_value=k.baseline_value,
        range_min=k.range_min,
        range_max=k.range_max,
        responsible=k.responsible,
        source=k.source,
        on_track=k.thresholds.on_track,
        at_risk=k.thresholds.at_risk,
        grace_days=k.grace_days,
        real_data=k.real_data,
        position=position,
        name_en=k.name_en or None,
        unit_en=k.unit_en or None,
        definition_en=k.definition_en or None,
        source_en=k.source_en or None,
    )


def _kpi_from_row(r: Any, targets: tuple[Target, ...]) -> Kpi:
    return Kpi(
        id=r["id"],
        name=r["name"],
        unit=r["unit"],
        direction=Direction(r["direction"]),
        frequency=Frequency(r["frequency"]),
        baseline_period=r["baseline_period"],
        baseline_value=r["baseline_value"],
        targets=targets,
        definition=r["definition"] or "",
        range_min=r["range_min"],
        range_max=r["range_max"],
        responsible=r["responsible"] or "",
        source=r["source"] or "",
        goal_id=r["goal_id"] or "",
        action_field_id=r["action_field_id"] or "",
        theme_id=r["theme_id"] or "",
        thresholds=Thresholds(r["on_track"], r["at_risk"]),
        grace_days=r["grace_days"],
        real_data=bool(r["real_data"]),
        name_en=r.get("name_en") or "",
        unit_en=r.get("unit_en") or "",
        definition_en=r.get("definition_en") or "",
        source_en=r.get("source_en") or "",
    )


def add_english_columns(conn: sa.Connection) -> None:
    """Add the English-content columns (ENGLISH_COLUMNS) to a store's catalog tables that lack them, idempotently,
    on DuckDB and PostgreSQL alike."""
    have: dict[str, set[str]] = {}
    for table, column in conn.execute(
        sa.text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_name IN :tables"
        ).bindparams(sa.bindparam("tables", expanding=True)),
        {"tables": list(ENGLISH_COLUMNS)},
    ):
        have.setdefault(table, set()).add(column)
    for table, wanted in ENGLISH_COLUMNS.items():
        for column in wanted:
            if table in have and column not in have[table]:
                conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} VARCHAR"))


_HAS_REVISION_SEQ = (
    "SELECT count(*) FROM duckdb_sequences() "
    "WHERE database_name = current_database() AND sequence_name = 'revision_seq'"
)


def migrate(conn: sa.Connection) -> None:
    """Bring a store written by an older version up to date, idempotently: the revision key `rev` (backfilled
    in the old order, recorded_at then upload, as negative numbers so that every new revision sorts after
    them) and the measurement's `quality` column."""
    columns: dict[str, set[str]] = {}
    for table, column in conn.execute(
        sa.text(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal"
        )
    ):
        columns.setdefault(table, set()).add(column)
    for table, wanted in ENGLISH_COLUMNS.items():
        for column in wanted:
            if table in columns and column not in columns[table]:
                conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} VARCHAR"))
    if "login_attempt" in columns and "client" not in columns["login_attempt"]:
        conn.execute(sa.text("ALTER TABLE login_attempt ADD COLUMN IF NOT EXISTS client VARCHAR"))
    if "measurement" not in columns:
        return
    # Not `revision_seq.create(conn, checkfirst=True)`: its check asks DuckDB's emulated PostgreSQL catalog, which
    # took 8.3 ms of the first connection to every store (this query: 2.0 ms).
    if not conn.execute(sa.text(_HAS_REVISION_SEQ)).scalar():
        conn.execute(sa.text("CREATE SEQUENCE IF NOT EXISTS revision_seq"))
    for table in REVISION_KEYS:
        if table not in columns or "rev" in columns[table]:
            continue
        order = "recorded_at, upload_id" if table != "kpi_comment" else "recorded_at"
        conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS rev BIGINT"))
        conn.execute(
            sa.text(
                f"""UPDATE {table} SET rev = o.rev FROM (
                  SELECT rowid AS rid, row_number() OVER (ORDER BY {order}) - count(*) OVER () - 1 AS rev
                  FROM {table}) AS o WHERE {table}.rowid = o.rid"""
            )
        )
        conn.execute(sa.text(f"ALTER TABLE {table} ALTER COLUMN rev SET DEFAULT nextval('revision_seq')"))
    if "quality" not in columns["measurement"]:
        conn.execute(sa.text("ALTER TABLE measurement ADD COLUMN IF NOT EXISTS quality VARCHAR"))
