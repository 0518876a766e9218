"""Load the seed strategy and its illustrative demo measurements into a store (idempotent)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from kpi.catalog import DEFAULT_CATALOG, load_catalog
from kpi.demo import demo_measurements
from kpi.ingest import import_frame
from kpi.model import Catalog, Frequency
from kpi.store import Store, measure_update_t, now

# When a period's value typically reaches the IT office: the demo history is recorded with this
# delay, so that "as of" a past date shows what was known then.
REPORTING_LAG = {Frequency.YEARLY: timedelta(days=75), Frequency.QUARTERLY: timedelta(days=40),
                 Frequency.MONTHLY: timedelta(days=20)}


def seed(store: Store, catalog_path: Path = DEFAULT_CATALOG, today: date | None = None) -> str:
    """Write the catalog; add demo measurements and initial measure states only to an empty store,
    so that a second run (or a run after real imports) changes no data."""
    catalog = load_catalog(catalog_path)
    store.save_catalog(catalog)
    lines = [f"Katalog '{catalog.strategy.title}': {len(catalog.kpis)} Kennzahlen, "
             f"{len(catalog.measures)} Maßnahmen geladen."]
    if store.measurement_count() == 0:
        result = import_frame(store, demo_frame(catalog, today or date.today()), name="Demo-Daten (illustrativ)",
                              kind="seed", user="seed")
        if not result.ok:
            raise RuntimeError("Demo-Daten ungültig: " + "; ".join(map(str, result.problems[:5])))
        lines.append(f"Demo-Messwerte: new={result.new} changed={result.changed} unchanged={result.unchanged}")
    else:
        lines.append("Messwerte vorhanden: keine Demo-Daten geschrieben.")
    lines.append(seed_measure_states(store, catalog))
    return "\n".join(lines)


def demo_frame(catalog: Catalog, today: date) -> pd.DataFrame:
    kpis = {k.id: k for k in catalog.kpis}
    moment = now()
    rows = []
    for r in demo_measurements(catalog, today):
        recorded = datetime.combine(r.period + REPORTING_LAG[kpis[r.kpi_id].frequency], datetime.min.time())
        rows.append(dict(kpi_id=r.kpi_id, period=r.period, value=r.value, comment=r.comment, source=r.source,
                         recorded_at=min(recorded.replace(hour=9), moment)))
    return pd.DataFrame(rows, columns=["kpi_id", "period", "value", "comment", "source", "recorded_at"])


def seed_measure_states(store: Store, catalog: Catalog) -> str:
    """The catalog's measure state becomes the first revision of each measure that has none yet."""
    known = set(store.measure_states()["measure_id"])
    missing = [m for m in catalog.measures if m.id not in known]
    if not missing:
        return "Maßnahmen-Stände vorhanden: nichts geschrieben."
    with store.connect() as conn:
        upload_id = store.record_upload(conn, kind="seed", file_name="Strategiekatalog (Maßnahmen)",
                                        username="seed", n_new=len(missing), n_changed=0, n_unchanged=0)
        moment = now()
        conn.execute(measure_update_t.insert(), [dict(
            measure_id=m.id, state=m.state.value, progress=m.progress, comment=None, upload_id=upload_id,
            recorded_at=min(datetime.combine(m.start, datetime.min.time()), moment), recorded_by="seed")
            for m in missing])
    return f"Maßnahmen-Stände: {len(missing)} geschrieben."
