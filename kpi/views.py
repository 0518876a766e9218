"""Page-ready data: composes the store and the status engine, so that pages and the command line
ask one function for what they show (a page imports ui, views and charts, nothing deeper)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from kpi.model import Catalog, Kpi, MeasureState, Status
from kpi.status import FORECAST_WINDOW, KpiStatus, Point, evaluate
from kpi.store import Store

STATUS_ORDER = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.ACHIEVED, Status.NO_DATA]


@dataclass(frozen=True)
class Snapshot:
    """Everything known at one moment: the plan, the current values and the evaluation of every KPI."""

    catalog: Catalog
    as_of: datetime | None
    today: date
    values: pd.DataFrame  # current revision per (kpi_id, period)
    statuses: dict[str, KpiStatus]
    measures: pd.DataFrame  # measure catalog with its current state

    @property
    def kpis(self) -> tuple[Kpi, ...]:
        return self.catalog.kpis

    def series(self, kpi_id: str) -> pd.DataFrame:
        return self.values[self.values["kpi_id"] == kpi_id]


def reference_day(as_of: datetime | None) -> date:
    return as_of.date() if as_of else date.today()


def snapshot(store: Store, as_of: datetime | None = None, strategy_id: str | None = None) -> Snapshot | None:
    """The state of the strategy as of a moment (None: now); None if the store holds no strategy."""
    catalog = store.load_catalog(strategy_id)
    if catalog is None:
        return None
    today = reference_day(as_of)
    values = store.current_values(as_of, [k.id for k in catalog.kpis])
    statuses = evaluate_all(catalog, values, today)
    return Snapshot(catalog, as_of, today, values, statuses, measure_frame(store, catalog, as_of, today))


def evaluate_all(catalog: Catalog, values: pd.DataFrame, today: date) -> dict[str, KpiStatus]:
    """Evaluate every KPI; `values` is sorted by (kpi_id, period) as the store returns it."""
    grouped: dict[str, list[Point]] = {}
    if len(values):
        # evaluate() looks at the newest point and the forecast window only: pass just those.
        periods = values["period"].to_numpy(dtype="datetime64[D]").astype(object)
        numbers = values["value"].to_numpy(dtype=float)
        ids = values["kpi_id"].to_numpy()
        bounds = np.flatnonzero(ids[1:] != ids[:-1]) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(ids)]))
        for start, end in zip(starts, ends):
            first = max(start, end - FORECAST_WINDOW)
            grouped[ids[start]] = [Point(periods[i], float(numbers[i])) for i in range(first, end)]
    return {k.id: evaluate(k, grouped.get(k.id, []), today) for k in catalog.kpis}


def measure_frame(store: Store, catalog: Catalog, as_of: datetime | None, today: date) -> pd.DataFrame:
    """Measures with their state as of the moment; `late` = planned end passed and not completed."""
    states = store.measure_states(as_of).set_index("measure_id") if catalog.measures else pd.DataFrame()
    rows = []
    for m in catalog.measures:
        state, progress, comment = MeasureState.PLANNED.value, 0.0, None
        if m.id in states.index:
            rec = states.loc[m.id]
            state, progress, comment = rec["state"], float(rec["progress"]), rec["comment"]
        done = state == MeasureState.DONE.value
        rows.append(dict(
            id=m.id, title=m.title, action_field_id=m.action_field_id, responsible=m.responsible, start=m.start,
            planned_end=m.planned_end, state=state, progress=progress, comment=comment,
            kpi_ids=list(m.kpi_ids), late=(not done and m.planned_end < today) or state == MeasureState.DELAYED.value,
            days_late=max((today - m.planned_end).days, 0) if not done else 0,
        ))
    return pd.DataFrame(rows, columns=["id", "title", "action_field_id", "responsible", "start", "planned_end",
                                       "state", "progress", "comment", "kpi_ids", "late", "days_late"])


def status_frame(snap: Snapshot) -> pd.DataFrame:
    """One row per KPI with its place in the plan and its evaluation (the `status` command's table)."""
    themes = {t.id: t.name for t in snap.catalog.themes}
    fields = {a.id: a.name for a in snap.catalog.action_fields}
    units = {u.id: u.name for u in snap.catalog.units}
    rows = []
    for k in snap.kpis:
        st = snap.statuses[k.id]
        fc = st.forecast
        rows.append(dict(
            kpi_id=k.id, name=k.name, theme=themes.get(k.theme_id, k.theme_id),
            action_field=fields.get(k.action_field_id, k.action_field_id), action_field_id=k.action_field_id,
            theme_id=k.theme_id, goal_id=k.goal_id, unit=k.unit, direction=k.direction.value,
            frequency=k.frequency.value, responsible=k.responsible, responsible_name=units.get(k.responsible, ""),
            status=st.status.value, stale=st.stale, latest_period=st.latest_period, latest_value=st.latest_value,
            planned_value=st.planned_value, progress=st.progress, deviation=st.deviation,
            target=k.final_target.value, target_period=k.final_target.period,
            forecast_value=fc.value_at_target if fc else None, forecast_low=fc.low if fc else None,
            forecast_high=fc.high if fc else None, reach_date=fc.reach_date if fc else None,
            on_time=fc.on_time if fc else None, next_due=st.next_due,
        ))
    return pd.DataFrame(rows)
