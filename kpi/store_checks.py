"""Checks of a store's URL and file before a command opens it, so that a configuration fault is one sentence that
says what is wrong and that nothing was written: an unknown database kind, a folder or a read-only file where the
store should be, a missing file for a read command (never an empty store created under a mistyped name)."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

from kpi.store import StoreError, StoreMissingError

FILE_BACKENDS = {"duckdb", "sqlite"}
SUPPORTED_BACKENDS = {"duckdb", "postgresql"}  # the two stores that are built and tested (README)


def check_store_url(url: str, *, read_only: bool) -> None:
    """Raise StoreError (StoreMissingError for a missing file) if `url` cannot be the store of this command."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"KPI_DB_URL/--db '{url}' ist keine gültige Datenbank-URL (erwartet "
            "duckdb:///pfad/kpi.duckdb); nichts geschrieben."
        ) from exc
    try:
        parsed.get_dialect()
    except sa.exc.NoSuchModuleError as exc:
        raise StoreError(
            f"KPI_DB_URL/--db nennt die unbekannte Datenbankart '{parsed.drivername}' (erwartet "
            "duckdb:///pfad/kpi.duckdb oder postgresql://…); nichts geschrieben."
        ) from exc
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise StoreError(
            f"KPI_DB_URL/--db nennt die Datenbankart '{parsed.get_backend_name()}', die Digitalcockpit "
            "nicht unterstützt (duckdb:///pfad/kpi.duckdb oder postgresql+psycopg://…); nichts "
            "geschrieben."
        )
    database = parsed.database
    if parsed.get_backend_name() not in FILE_BACKENDS or not database or database == ":memory:":
        return
    _check_file(Path(database), read_only)


def _check_file(path: Path, read_only: bool) -> None:
    if path.is_dir():
        raise StoreError(
            f"Die Datenbank {path} ist ein Ordner, keine Datenbankdatei (KPI_DB_URL/--db prüfen); nichts geschrieben."
        )
    if not path.exists():
        if read_only:
            raise StoreMissingError(
                f"Die Datenbank {path} gibt es nicht (KPI_DB_URL/--db prüfen oder zuerst "
                "`python -m kpi seed`); nichts angelegt."
            )
        folder = next((p for p in path.parents if p.exists()), None)
        if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError(
                f"Die Datenbank {path} kann nicht angelegt werden: der Ordner {folder} ist "
                "schreibgeschützt; nichts geschrieben."
            )
        return
    if not path.is_file():
        raise StoreError(f"Die Datenbank {path} ist keine normale Datei; nichts geschrieben.")
    if not os.access(path, os.R_OK):
        raise StoreError(f"Die Datenbank {path} ist nicht lesbar (Zugriffsrechte); nichts geschrieben.")
    if not read_only and not os.access(path, os.W_OK):
        raise StoreError(
            f"Die Datenbank {path} ist schreibgeschützt: dieser Befehl schreibt und wurde nicht "
            "ausgeführt; nichts geschrieben. Lesebefehle (status, export, uploads, report) gehen."
        )
