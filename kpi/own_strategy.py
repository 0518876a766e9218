"""A city's own strategy: `init` (the catalog only, no demo data) and `demo remove` (the demo values taken out
of the current view as retractions, logged, so that "as of" before it still shows them).

Demo values are the ones written by `python -m kpi seed`: its uploads of kind `seed` (the illustrative series
and the measures' starting states) and the illustrative corrections it logs as user `demo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from kpi.revisions import current_catalog
from kpi.store import Store, measure_update_t, measurement_t

DEMO_USERS = ("seed", "demo")


def demo_upload_ids(store: Store) -> frozenset[int]:
    """The uploads that wrote illustrative demo values (kind `seed`, or written by the seed's users)."""
    with store.connect() as conn:
        if not sa.inspect(conn).has_table("upload"):
            return frozenset()
        rows = conn.execute(
            sa.text(
                "SELECT id FROM upload WHERE kind = 'seed' OR (kind = 'measurements' AND username IN ('seed', 'demo'))"
            )
        ).scalars()
        return frozenset(int(r) for r in rows)


@dataclass
class DemoRemoval:
    upload_id: int | None
    values: int
    measures: int

    @property
    def message(self) -> str:
        if self.upload_id is None:
            return "Keine Demo-Daten im aktuellen Stand: nichts geschrieben."
        return (
            f"Demo-Daten entfernt (Protokoll #{self.upload_id}): {self.values} Demo-Wert(e) zurückgezogen, "
            f"{self.measures} Maßnahmen-Stand/Stände auf den Ausgangszustand gesetzt. Ansichten mit einem Stand "
            "vor heute zeigen sie weiterhin."
        )


def remove_demo(store: Store, user: str = "cli") -> DemoRemoval:
    """Retract every current demo value and demo measure state in one transaction, logged as `demo_remove`."""
    ids = demo_upload_ids(store)
    if not ids:
        return DemoRemoval(None, 0, 0)
    values = store.current_values()
    values = values[values["upload_id"].isin(list(ids))]
    history = store.measure_history()  # newest first: the first row per measure is its current state
    measures = history.drop_duplicates("measure_id", keep="first") if len(history) else history
    measures = measures[measures["upload_id"].isin(list(ids))] if len(measures) else measures
    if values.empty and measures.empty:
        return DemoRemoval(None, 0, 0)
    with store.writing() as conn:
        moment = store.moment(conn)  # after every stored revision, so that the retractions are current
        upload_id = store.record_upload(
            conn,
            kind="demo_remove",
            file_name="Demo-Daten entfernt",
            username=user,
            created_at=moment,
            n_new=0,
            n_changed=len(values) + len(measures),
            n_unchanged=0,
        )
        if len(values):
            conn.execute(
                measurement_t.insert(),
                [
                    dict(
                        kpi_id=k,
                        period=p,
                        value=None,
                        comment="Demo-Wert entfernt",
                        source=None,
                        upload_id=upload_id,
                        recorded_at=moment,
                        recorded_by=user,
                    )
                    for k, p in zip(values["kpi_id"], values["period"])
                ],
            )
        if len(measures):
            conn.execute(
                measure_update_t.insert(),
                [
                    dict(
                        measure_id=m,
                        state="geplant",
                        progress=0.0,
                        comment="Demo-Stand entfernt",
                        upload_id=upload_id,
                        recorded_at=moment,
                        recorded_by=user,
                    )
                    for m in measures["measure_id"]
                ],
            )
    return DemoRemoval(upload_id, len(values), len(measures))


@dataclass
class InitResult:
    ok: bool
    message: str
    lines: list[str]


def init_store(store: Store, path: str | Path, user: str = "cli") -> InitResult:
    """Create the store with the strategy of `path` only (no measurements, no measure progress), or check that
    an existing store holds exactly this catalog."""
    from kpi.catalog_io import read_catalog_file
    from kpi.revisions import diff_catalogs, record_catalog

    catalog = read_catalog_file(path)
    existing = current_catalog(store)
    if existing is None:
        result = record_catalog(store, catalog, decision="Strategiebeschluss", user=user)
        return InitResult(
            True,
            f"Datenbank eingerichtet: '{catalog.strategy.title}' mit {len(catalog.themes)} "
            f"Themenfeldern, {len(catalog.kpis)} Kennzahlen, {len(catalog.measures)} Maßnahmen "
            f"(gültig ab {result.valid_from:%d.%m.%Y}); keine Messwerte, keine Demo-Daten.",
            [],
        )
    if existing.strategy.id != catalog.strategy.id:
        return InitResult(
            False,
            f"Die Datenbank enthält schon die Strategie '{existing.strategy.id}', nicht "
            f"'{catalog.strategy.id}'. Für eine andere Strategie eine eigene Datenbank angeben "
            "(--db duckdb:///pfad/stadt.duckdb).",
            [],
        )
    diff = diff_catalogs(existing, catalog)
    if diff.empty:
        return InitResult(
            True,
            f"Datenbank geprüft: der Katalog '{catalog.strategy.title}' ist unverändert "
            "gespeichert; nichts geschrieben.",
            [],
        )
    return InitResult(
        False,
        "Der gespeicherte Katalog weicht von der Datei ab; nichts geschrieben. Änderungen "
        "als Revision mit Beschluss speichern: python -m kpi catalog import DATEI "
        '--valid-from DATUM --decision "Ratsbeschluss …"',
        diff.lines(),
    )
