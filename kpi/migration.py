"""`python -m kpi migrate --to URL`: move a DuckDB store to PostgreSQL with its whole history.

Every table is copied as it is (all revisions, the audit log, comments, users, login attempts, sessions, catalog
revisions), ids included, in ONE transaction of the target with COPY; the sequences continue where the source's
stopped. A target that already holds data is refused (nothing written). Afterwards the export as of several moments
(each upload's time, at most MAX_CHECKS of them spread over the history, and now) is compared between source and
target, and the comparison printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from kpi.store import Store, StoreError, metadata

MAX_CHECKS = 12
# Sequence -> the (table, column) pairs it numbers.
SEQUENCES = {
    "upload_id_seq": [("upload", "id")],
    "revision_seq": [("measurement", "rev"), ("measure_update", "rev"), ("kpi_comment", "rev")],
    "catalog_revision_id_seq": [("catalog_revision", "id")],
}


class MigrationError(StoreError):
    """The migration cannot start (target not empty, not PostgreSQL, source missing): nothing written."""


@dataclass
class Check:
    as_of: datetime | None  # None: now
    rows: int
    equal: bool


@dataclass
class Migration:
    tables: dict[str, int] = field(default_factory=dict)  # rows copied per table
    sequences: dict[str, int] = field(default_factory=dict)  # last value per sequence in the target
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.equal for c in self.checks)


def _all_tables() -> list[sa.Table]:
    import kpi.revisions  # noqa: F401  (registers catalog_revision)
    import kpi.sessions  # noqa: F401  (registers app_session)

    return list(metadata.sorted_tables)


def _source_columns(conn: sa.Connection) -> dict[str, list[str]]:
    columns: dict[str, list[str]] = {}
    for table, column in conn.execute(
        sa.text(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
            "ORDER BY table_name, column_index"
        )
    ):
        columns.setdefault(table, []).append(column)
    return columns


def _refuse_non_empty(target: Store, tables: list[sa.Table]) -> None:
    with target.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        filled = [
            t.name
            for t in tables
            if t.name in present and conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
        ]
    if filled:
        raise MigrationError(
            f"Das Ziel {target} enthält schon Daten ({', '.join(filled)}); die Übernahme schreibt nur "
            "in eine leere Datenbank. Nichts geschrieben."
        )


def _sequence_positions(source: Store) -> dict[str, int]:
    """Each sequence's last value in the source: the highest id it numbered, or further when a number was drawn
    and its transaction rolled back (numbers are never handed out twice)."""
    with source.connect() as conn:
        columns = _source_columns(conn)
        drawn = dict(
            conn.execute(
                sa.text(
                    "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE database_name = current_database()"
                )
            ).fetchall()
        )
        positions = {}
        for name, users in SEQUENCES.items():
            highest = [
                conn.execute(sa.text(f"SELECT max({col}) FROM {table}")).scalar()
                for table, col in users
                if col in columns.get(table, [])
            ]
            values = [v for v in [*highest, drawn.get(name)] if v is not None]
            if values:
                positions[name] = int(max(values))
    return positions


def _copy_table(source: Store, conn: sa.Connection, table: sa.Table, columns: list[str]) -> int:
    from kpi import pgstore

    names = [c.name for c in table.columns if c.name in columns]
    with source.duck() as con:
        return pgstore.copy_from_duck(con, table.name, conn, table.name, names)


def copy_store(source: Store, target: Store) -> Migration:
    """Copy every table and the sequence positions from a DuckDB `source` into an empty PostgreSQL `target`."""
    if not source.is_duckdb:
        raise MigrationError(f"Die Quelle {source} ist keine DuckDB-Datei; übernommen wird aus DuckDB nach PostgreSQL.")
    if target.engine.dialect.name != "postgresql":
        raise MigrationError(f"Das Ziel {target} ist keine PostgreSQL-Datenbank (postgresql+psycopg://…).")
    if not source.is_initialised():
        raise MigrationError(f"Die Quelle {source} enthält keinen Strategiekatalog; nichts zu übernehmen.")
    tables = _all_tables()
    _refuse_non_empty(target, tables)
    positions = _sequence_positions(source)
    result = Migration()
    with source.connect() as conn:
        present = _source_columns(conn)
    with target.writing() as conn:
        metadata.create_all(conn, tables=tables)
        for table in tables:
            if table.name in present:
                result.tables[table.name] = _copy_table(source, conn, table, present[table.name])
        for name, value in positions.items():
            conn.execute(sa.text("SELECT setval(:s, :v, true)"), {"s": name, "v": value})
            result.sequences[name] = value
    return result


def moments(store: Store) -> list[datetime | None]:
    """The moments the export is compared at: upload times (at most MAX_CHECKS, spread evenly, the last one
    always) and now (None)."""
    times = sorted(set(store.uploads()["created_at"].dropna()))
    if len(times) > MAX_CHECKS - 1:
        step = (len(times) - 1) / (MAX_CHECKS - 2)
        times = [times[round(i * step)] for i in range(MAX_CHECKS - 1)]
    return [t.to_pydatetime() if hasattr(t, "to_pydatetime") else t for t in times] + [None]


def compare_exports(source: Store, target: Store, at: list[datetime | None]) -> list[Check]:
    from kpi.opendata import export_csv, export_frame

    checks = []
    for as_of in at:
        before = export_frame(source, as_of)
        after = export_frame(target, as_of)
        checks.append(Check(as_of, len(before), export_csv(before) == export_csv(after)))
    return checks


def migrate_store(source: Store, target: Store, say: Callable[[str], None] = print) -> Migration:
    """Copy, then verify; `say` gets the lines of the comparison."""
    result = copy_store(source, target)
    say(f"Übernommen nach {target}:")
    for name, n in result.tables.items():
        say(f"  {name}: {n} Zeilen")
    for name, value in result.sequences.items():
        say(f"  Sequenz {name}: weiter nach {value}")
    result.checks = compare_exports(source, target, moments(source))
    say("Vergleich `export --as-of` vorher/nachher:")
    for check in result.checks:
        when = check.as_of.isoformat(sep=" ", timespec="microseconds") if check.as_of else "jetzt"
        say(f"  Stand {when}: {check.rows} Zeilen, {'gleich' if check.equal else 'ABWEICHEND'}")
    say(
        "Ergebnis: alle Stände gleich."
        if result.ok
        else "Ergebnis: ABWEICHUNG – das Ziel nicht verwenden (Datenbank löschen, Fehler melden)."
    )
    return result
