"""Load the seed strategy and its illustrative demo measurements into a store (idempotent)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from kpi.catalog import DEFAULT_CATALOG, load_catalog
from kpi.demo import demo_measurements
from kpi.ingest import import_frame
from kpi.model import Catalog, Frequency
from kpi.revisions import record_catalog
from kpi.store import Store, measure_update_t, now

# When a period's value typically reaches the IT office: the demo history is recorded with this
# delay, so that "as of" a past date shows what was known then.
REPORTING_LAG = {
    Frequency.YEARLY: timedelta(days=75),
    Frequency.QUARTERLY: timedelta(days=40),
    Frequency.MONTHLY: timedelta(days=20),
}


def seed(store: Store, catalog_path: Path = DEFAULT_CATALOG, today: date | None = None) -> str:
    """Write the catalog; add demo measurements and initial measure states only to an empty store,
    so that a second run (or a run after real imports) changes no data."""
    catalog = load_catalog(catalog_path)
    record_catalog(store, catalog)
    lines = [
        f"Katalog '{catalog.strategy.title}': {len(catalog.kpis)} Kennzahlen, "
        f"{len(catalog.measures)} Maßnahmen geladen."
    ]
    if store.measurement_count() == 0:
        frame = demo_frame(catalog, today or date.today())
        result = import_frame(store, frame, name="Demo-Daten (illustrativ)", kind="seed", user="seed")
        if not result.ok:
            raise RuntimeError("Demo-Daten ungültig: " + "; ".join(map(str, result.problems[:5])))
        lines.append(f"Demo-Messwerte: new={result.new} changed={result.changed} unchanged={result.unchanged}")
        corrections = demo_corrections(frame)
        if len(corrections):
            import_frame(store, corrections, name="Korrektur (illustrativ)", kind="measurements", user="demo")
            lines.append(f"Demo-Korrekturen: {len(corrections)} Revisionen")
    else:
        lines.append("Messwerte vorhanden: keine Demo-Daten geschrieben.")
    lines.append(seed_measure_states(store, catalog))
    return "\n".join(lines)


def demo_frame(catalog: Catalog, today: date) -> pd.DataFrame:
    kpis = {k.id: k for k in catalog.kpis}
    moment = now()
    rows = []
    for r in demo_measurements(catalog, today):
        recorded = datetime.combine(
            r.period + REPORTING_LAG.get(kpis[r.kpi_id].frequency, timedelta(days=75)), datetime.min.time()
        )
        rows.append(
            dict(
                kpi_id=r.kpi_id,
                period=r.period,
                value=r.value,
                comment=r.comment,
                source=r.source,
                recorded_at=min(recorded.replace(hour=9), moment),
            )
        )
    return pd.DataFrame(rows, columns=["kpi_id", "period", "value", "comment", "source", "recorded_at"])


# Late reports that corrected an earlier value: they make the revision history and the "as of"
# reproduction visible in the demo (as of a day before the correction, the old value shows).
CORRECTIONS = [
    ("EG-02", 12, 1.04, "Nachmeldung: Anträge aus dem Landesportal nachträglich gezählt"),
    ("SC-10", 12, 1.02, "Korrektur nach Abgleich mit dem Marktstammdatenregister"),
]


def demo_corrections(frame: pd.DataFrame) -> pd.DataFrame:
    """Revise the second-newest yearly value of a few KPIs, recorded about four months after the original."""
    rows = []
    for kpi_id, _month, factor, comment in CORRECTIONS:
        series = frame[frame["kpi_id"] == kpi_id].sort_values("period")
        if len(series) < 2:
            continue
        original = series.iloc[-2]
        rows.append(
            dict(
                kpi_id=kpi_id,
                period=original["period"],
                value=_round_like(original["value"], original["value"] * factor),
                comment=comment,
                source=original["source"],
                recorded_at=min(original["recorded_at"] + timedelta(days=120), now()),
            )
        )
    return pd.DataFrame(rows, columns=frame.columns)


def _round_like(original: float, value: float) -> float:
    return float(round(value)) if float(original).is_integer() else round(value, 1)


def seed_measure_states(store: Store, catalog: Catalog) -> str:
    """The catalog's measure state becomes the first revision of each measure that has none yet."""
    known = set(store.measure_states()["measure_id"])
    missing = [m for m in catalog.measures if m.id not in known]
    if not missing:
        return "Maßnahmen-Stände vorhanden: nichts geschrieben."
    with store.writing() as conn:  # serialised with every writer, and counted in the change token
        upload_id = store.record_upload(
            conn,
            kind="seed",
            file_name="Strategiekatalog (Maßnahmen)",
            username="seed",
            n_new=len(missing),
            n_changed=0,
            n_unchanged=0,
        )
        moment = now()
        conn.execute(
            measure_update_t.insert(),
            [
                dict(
                    measure_id=m.id,
                    state=m.state.value,
                    progress=m.progress,
                    comment=None,
                    upload_id=upload_id,
                    recorded_at=min(datetime.combine(m.start, datetime.min.time()), moment),
                    recorded_by="seed",
                )
                for m in missing
            ],
        )
    return f"Maßnahmen-Stände: {len(missing)} geschrieben."
