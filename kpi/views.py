"""Page-ready data: composes the store and the status engine, so that pages and the command line
ask one function for what they show (a page imports ui, views and charts, nothing deeper)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

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
    demo_uploads: frozenset[int] = frozenset()  # uploads of illustrative demo values (kpi.own_strategy)

    @property
    def kpis(self) -> tuple[Kpi, ...]:
        return self.catalog.kpis

    def series(self, kpi_id: str) -> pd.DataFrame:
        rows = self._rows
        if rows is None:
            return self.values[self.values["kpi_id"] == kpi_id]
        start, end = rows.get(kpi_id, (0, 0))
        return self.values.iloc[start:end]

    @cached_property
    def _rows(self) -> dict[str, tuple[int, int]] | None:
        """Where each KPI's values lie in `values` (grouped by KPI, as the store returns them): a slice instead
        of a scan of every row per KPI. None if the rows are not grouped by KPI."""
        ids = self.values["kpi_id"].to_numpy()
        if not len(ids):
            return {}
        bounds = np.flatnonzero(ids[1:] != ids[:-1]) + 1
        rows = {ids[s]: (int(s), int(e)) for s, e in zip(np.concatenate(([0], bounds)),
                                                          np.concatenate((bounds, [len(ids)])))}
        return rows if len(rows) == len(bounds) + 1 else None

    @cached_property
    def frame(self) -> pd.DataFrame:
        """status_frame, computed once per snapshot (snapshots are shared by every session of the app)."""
        return _status_rows(self)


def reference_day(as_of: datetime | None) -> date:
    return as_of.date() if as_of else date.today()


def snapshot(store: Store, as_of: datetime | None = None, strategy_id: str | None = None) -> Snapshot | None:
    """The state of the strategy as of a moment (None: now); None if the store holds no strategy."""
    from kpi.own_strategy import demo_upload_ids
    from kpi.revisions import catalog_for_status

    catalog = store.load_catalog(strategy_id, as_of=as_of, measure_states=False)  # measure_frame reads them
    if catalog is None:
        return None
    today = reference_day(as_of)
    values = store.current_values(as_of, [k.id for k in catalog.kpis])
    # Each KPI's status is judged against the target path in force for its latest period (catalog revisions).
    statuses = evaluate_all(catalog_for_status(catalog, values), values, today)
    return Snapshot(catalog, as_of, today, values, statuses, measure_frame(store, catalog, as_of, today),
                    demo_upload_ids(store))


def demo_notice(snap: Snapshot, lang: str = "de") -> str | None:
    """The one line every page and report shows while illustrative demo values are current; None otherwise."""
    if not snap.demo_uploads or snap.values.empty:
        return None
    demo = int(snap.values["upload_id"].isin(list(snap.demo_uploads)).sum())
    if not demo:
        return None
    if lang == "de":
        return (f"Demo-Daten: {demo} von {len(snap.values)} aktuellen Werten sind illustrative Demo-Werte, keine "
                "Messungen (entfernen: python -m kpi demo remove).")
    return (f"Demo data: {demo} of {len(snap.values)} current values are illustrative demo values, not measurements "
            "(remove: python -m kpi demo remove).")


def evaluate_all(catalog: Catalog, values: pd.DataFrame, today: date) -> dict[str, KpiStatus]:
    """Evaluate every KPI; `values` is sorted by (kpi_id, period) as the store returns it."""
    grouped: dict[str, list[Point]] = {}
    if len(values):
        # evaluate() looks at the newest point and the forecast window only: pass just those.
        periods = values["period"].to_numpy()
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
    """One row per KPI with its place in the plan and its evaluation (the `status` command's table).
    A shallow copy of the snapshot's own frame: with pandas' copy-on-write a caller's change stays its own."""
    return snap.frame.copy(deep=False)


def _status_rows(snap: Snapshot) -> pd.DataFrame:
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


@dataclass(frozen=True)
class ThemeSummary:
    theme_id: str
    name: str
    counts: dict[str, int]
    total: int
    with_data: int
    share_on_track: float | None  # on track or achieved, of the KPIs with data


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["status"].value_counts().to_dict() if len(frame) else {}
    return {s.value: int(counts.get(s.value, 0)) for s in STATUS_ORDER}


def status_mix_text(counts: dict[str, int], lang: str) -> str:
    """`★ 1 erreicht · ✔ 4 im Plan · ▲ 1 gefährdet` — the status mix in words, never colour alone."""
    from kpi.i18n import STATUS_STYLE

    parts = [f"{STATUS_STYLE[s]['icon']} {counts[s]} {STATUS_STYLE[s][lang]}"
             for s in ("achieved", "on_track", "at_risk", "off_track", "no_data") if counts.get(s)]
    return " · ".join(parts) or "–"


def theme_summaries(snap: Snapshot, frame: pd.DataFrame | None = None) -> list[ThemeSummary]:
    frame = status_frame(snap) if frame is None else frame
    out = []
    for theme in snap.catalog.themes:
        part = frame[frame["theme_id"] == theme.id] if len(frame) else frame
        counts = status_counts(part)
        with_data = len(part) - counts["no_data"]
        good = counts["on_track"] + counts["achieved"]
        out.append(ThemeSummary(theme.id, theme.name, counts, len(part), with_data,
                                good / with_data if with_data else None))
    return out


def action_field_summaries(snap: Snapshot, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per action field: its theme, status mix, stale and late-measure counts, in catalog order."""
    frame = status_frame(snap) if frame is None else frame
    rows = []
    for af in snap.catalog.action_fields:
        part = frame[frame["action_field_id"] == af.id] if len(frame) else frame
        measures = snap.measures[snap.measures["action_field_id"] == af.id]
        rows.append(dict(id=af.id, name=af.name, theme_id=af.theme_id, kpis=len(part), **status_counts(part),
                         stale=int(part["stale"].sum()) if len(part) else 0,
                         measures=len(measures), late_measures=int(measures["late"].sum()) if len(measures) else 0))
    return pd.DataFrame(rows)


def biggest_deviations(frame: pd.DataFrame, limit: int = 8) -> pd.DataFrame:
    """KPIs furthest behind plan (lowest progress first), among those neither achieved nor without data."""
    behind = frame[frame["status"].isin(["off_track", "at_risk"])].copy()
    return behind.sort_values("progress").head(limit)


def overdue(frame: pd.DataFrame) -> pd.DataFrame:
    """KPIs whose next value is overdue (stale), oldest first."""
    return frame[frame["stale"]].sort_values("next_due")


def late_measures(snap: Snapshot) -> pd.DataFrame:
    if snap.measures.empty:
        return snap.measures
    return snap.measures[snap.measures["late"].astype(bool)].sort_values("days_late", ascending=False)


@dataclass(frozen=True)
class KpiDetail:
    kpi: Kpi
    status: KpiStatus
    series: pd.DataFrame
    revisions: pd.DataFrame
    comments: pd.DataFrame
    measures: pd.DataFrame
    theme: str
    action_field: str
    goal: str
    unit_name: str


def kpi_detail(store: Store, snap: Snapshot, kpi_id: str) -> KpiDetail | None:
    kpi = next((k for k in snap.kpis if k.id == kpi_id), None)
    if kpi is None:
        return None
    revisions = store.revisions(kpi_id)
    if snap.as_of is not None and len(revisions):
        revisions = revisions[revisions["recorded_at"] <= pd.Timestamp(snap.as_of)]
    comments = store.comments(snap.as_of, kpi_id)
    measures = snap.measures[snap.measures["kpi_ids"].map(lambda ids: kpi_id in ids)] if len(snap.measures) else \
        snap.measures
    cat = snap.catalog
    return KpiDetail(
        kpi=kpi, status=snap.statuses[kpi_id], series=snap.series(kpi_id).reset_index(drop=True),
        revisions=revisions, comments=comments, measures=measures,
        theme=next((t.name for t in cat.themes if t.id == kpi.theme_id), ""),
        action_field=next((a.name for a in cat.action_fields if a.id == kpi.action_field_id), ""),
        goal=next((g.name for g in cat.goals if g.id == kpi.goal_id), ""),
        unit_name=next((u.name for u in cat.units if u.id == kpi.responsible), kpi.responsible),
    )


def kpi_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """KPI rows formatted for a table: status with icon and word, German (or English) numbers and periods.
    Few, compact columns (id and name in one, each value with its period) so that the table fits a 1280 px
    screen: status, KPI, actual (period), planned, progress, target (year), forecast."""
    from kpi.i18n import fmt_percent, fmt_period, fmt_value, stale_label, status_label

    de = lang == "de"
    rows = []
    for r in frame.itertuples():
        actual = fmt_value(r.latest_value, r.unit, lang)
        rows.append({
            "Status": status_label(r.status, lang) + (f" · {stale_label(lang)}" if r.stale else ""),
            ("Kennzahl" if de else "KPI"): f"{r.kpi_id} · {r.name}",
            ("Ist (Stand)" if de else "Actual (period)"): actual if actual == "–" else
            f"{actual} ({fmt_period(r.latest_period, r.frequency, lang)})",
            ("Plan" if de else "Planned"): fmt_value(r.planned_value, r.unit, lang),
            ("Fortschritt" if de else "Progress"): fmt_percent(r.progress, lang),
            ("Ziel" if de else "Target"): f"{fmt_value(r.target, r.unit, lang)} ({r.target_period.year})",
            ("Prognose" if de else "Forecast"): fmt_value(r.forecast_value, r.unit, lang),
        })
    return pd.DataFrame(rows)


def measure_table(measures: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """Measures formatted for a table; progress stays numeric for a progress bar column. Columns: measure,
    state, progress, action field, responsible unit, period (start – planned end)."""
    from kpi.i18n import fmt_date, measure_state_label

    de = lang == "de"
    units = {u.id: u.name for u in catalog.units}
    fields = {a.id: a.name for a in catalog.action_fields}
    rows = []
    for m in measures.itertuples():
        rows.append({
            ("Maßnahme" if de else "Measure"): f"{'⚠ ' if m.late else ''}{m.id} {m.title}",
            ("Status" if de else "State"): measure_state_label(m.state, lang)
            + ((" · verspätet" if de else " · late") if m.late else ""),
            ("Fortschritt" if de else "Progress"): float(m.progress),
            ("Handlungsfeld" if de else "Action field"): fields.get(m.action_field_id, m.action_field_id),
            ("Verantwortlich" if de else "Responsible"): units.get(m.responsible, m.responsible),
            ("Laufzeit" if de else "Duration"): f"{fmt_date(m.start, lang)} – {fmt_date(m.planned_end, lang)}",
        })
    return pd.DataFrame(rows)
