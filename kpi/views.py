"""Page-ready data: composes the store and the status engine, so that pages and the command line
ask one function for what they show (a page imports ui, views and charts, nothing deeper)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

import numpy as np
import pandas as pd

from kpi import content, period_window
from kpi.i18n import t
from kpi.model import Catalog, Kpi, MeasureState, Status
from kpi.period_window import OutOfWindow
from kpi.revisions import current_catalog
from kpi.status import MIN_FORECAST_POINTS, KpiStatus, evaluate_many

__all__ = ["MIN_FORECAST_POINTS"]  # pages name the minimum for a forecast; they import views, not the status engine
from kpi.store import Store

STATUS_ORDER = [
    Status.MISSED,
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.ON_TRACK,
    Status.ACHIEVED,
    Status.NOT_ASSESSABLE,
    Status.NO_DATA,
]


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
    out_of_window: tuple[OutOfWindow, ...] = ()  # stored values with an impossible period, left out (kpi.period_window)
    lang: str = "de"  # the language of the catalog's content (in_language)

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
        rows = {
            ids[s]: (int(s), int(e))
            for s, e in zip(np.concatenate(([0], bounds)), np.concatenate((bounds, [len(ids)])))
        }
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

    with store.reading():  # every read from one view of the store, the file opened once
        catalog = current_catalog(store, strategy_id, as_of=as_of, measure_states=False)  # measure_frame reads them
        if catalog is None:
            return None
        today = reference_day(as_of)
        current = store.current_values(as_of, [k.id for k in catalog.kpis])
        measures, demo = measure_frame(store, catalog, as_of, today), demo_upload_ids(store)
    values, excluded = sane_values(store, catalog, current, today)
    # Each KPI's status is judged against the target path in force for its latest period (catalog revisions).
    statuses = evaluate_all(catalog_for_status(catalog, values), values, today)
    return Snapshot(catalog, as_of, today, values, statuses, measures, demo, excluded)


def in_language(snap: Snapshot, lang: str) -> Snapshot:
    """The snapshot with the catalog's content (names, units, Leitbild, …) in `lang` where the catalog has it
    (kpi.content); German stays where it has not, and the frame's `name_lang` says so for each KPI."""
    if lang == snap.lang:
        return snap
    catalog = content.catalog_in(snap.catalog, lang)
    measures = snap.measures
    if len(measures):
        titles = {m.id: m.title for m in catalog.measures}
        measures = measures.assign(title=measures["id"].map(titles).fillna(measures["title"]))
    return dataclasses.replace(snap, catalog=catalog, measures=measures, lang=lang)


def sane_values(
    store: Store, catalog: Catalog, values: pd.DataFrame, today: date
) -> tuple[pd.DataFrame, tuple[OutOfWindow, ...]]:
    """`values` without the stored rows whose period is impossible (kpi.period_window), and those rows named with
    their upload's file name, for the one warning that pages, the command line and the deck show."""
    kept, excluded = period_window.split(catalog, values, today)
    if excluded.empty:
        return values, ()
    names = {}
    for upload_id in set(excluded["upload_id"].dropna().astype(int)):
        row = store.upload(upload_id)
        names[upload_id] = row.get("file_name") if row else None
    return kept.reset_index(drop=True), tuple(period_window.rows(excluded, names))


def out_of_window_notice(snap: Snapshot, lang: str = "de") -> str | None:
    """The one warning about stored values with an impossible period (plain text); None when there are none."""
    return period_window.notice(list(snap.out_of_window), lang)


def demo_notice(snap: Snapshot, lang: str = "de") -> str | None:
    """The one line every page and report shows while illustrative demo values are current; None otherwise."""
    if not snap.demo_uploads or snap.values.empty:
        return None
    demo = int(snap.values["upload_id"].isin(list(snap.demo_uploads)).sum())
    if not demo:
        return None
    return t("notice.demo", lang, demo=demo, total=len(snap.values))


def evaluate_all(catalog: Catalog, values: pd.DataFrame, today: date) -> dict[str, KpiStatus]:
    """Evaluate every KPI; `values` is sorted by (kpi_id, period) as the store returns it. The forecasts of all
    KPIs are fitted in one numpy pass (kpi.status.evaluate_many)."""
    where: dict[str, tuple[int, int]] = {}
    periods = values["period"].to_numpy() if len(values) else np.array([], dtype=object)
    numbers = values["value"].to_numpy(dtype=float) if len(values) else np.array([], dtype=float)
    if len(values):
        kpi_ids = values["kpi_id"]
        firsts = np.flatnonzero(kpi_ids.ne(kpi_ids.shift()).to_numpy())  # the first row of each KPI
        breaks = _break_rows(values)
        for kpi_id, start, end in zip(kpi_ids.iloc[firsts].tolist(), firsts.tolist(), [*firsts[1:], len(values)]):
            # The forecast is not fitted across a break in the series: only the values from the last break on.
            where[kpi_id] = (max(start, _last_break(breaks, start, end)), int(end))
    spans = [where.get(k.id, (0, 0)) for k in catalog.kpis]
    starts = np.array([s for s, _ in spans], dtype=int)
    ends = np.array([e for _, e in spans], dtype=int)
    statuses = evaluate_many(catalog.kpis, periods, numbers, starts, ends, today)
    return {k.id: st for k, st in zip(catalog.kpis, statuses)}


def _break_rows(values: pd.DataFrame) -> np.ndarray:
    """Row numbers of the values marked as a break in the series (quality "break"), ascending."""
    if "quality" not in values:
        return np.array([], dtype=int)
    return np.flatnonzero(values["quality"].to_numpy(dtype=object) == "break")


def _last_break(breaks: np.ndarray, start: int, end: int) -> int:
    """The row of the last break within [start, end), or start when the KPI's series has none."""
    if not len(breaks):
        return int(start)
    inside = breaks[(breaks >= start) & (breaks < end)]
    return int(inside[-1]) if len(inside) else int(start)


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
        rows.append(
            dict(
                id=m.id,
                title=m.title,
                action_field_id=m.action_field_id,
                responsible=m.responsible,
                start=m.start,
                planned_end=m.planned_end,
                state=state,
                progress=progress,
                comment=comment,
                kpi_ids=list(m.kpi_ids),
                late=(not done and m.planned_end < today) or state == MeasureState.DELAYED.value,
                days_late=max((today - m.planned_end).days, 0) if not done else 0,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "title",
            "action_field_id",
            "responsible",
            "start",
            "planned_end",
            "state",
            "progress",
            "comment",
            "kpi_ids",
            "late",
            "days_late",
        ],
    )


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
        rows.append(
            dict(
                kpi_id=k.id,
                name=k.name,
                name_lang=content.localized(k, "name", snap.lang).lang,
                theme=themes.get(k.theme_id, k.theme_id),
                action_field=fields.get(k.action_field_id, k.action_field_id),
                action_field_id=k.action_field_id,
                theme_id=k.theme_id,
                goal_id=k.goal_id,
                unit=k.unit,
                direction=k.direction.value,
                frequency=k.frequency.value,
                responsible=k.responsible,
                responsible_name=units.get(k.responsible, ""),
                status=st.status.value,
                stale=st.stale,
                latest_period=st.latest_period,
                latest_value=st.latest_value,
                planned_value=st.planned_value,
                progress=st.progress,
                deviation=st.deviation,
                target=k.final_target.value,
                target_period=k.final_target.period,
                forecast_value=fc.value_at_target if fc else None,
                forecast_low=fc.low if fc else None,
                forecast_high=fc.high if fc else None,
                reach_date=fc.reach_date if fc else None,
                on_time=fc.on_time if fc else None,
                next_due=st.next_due,
                forecast_note=st.forecast_note,
                forecast_bounded=fc.bounded if fc else None,
            )
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ThemeSummary:
    theme_id: str
    name: str
    counts: dict[str, int]
    total: int
    with_data: int
    share_on_track: float | None  # on track or achieved and not overdue, of the KPIs with data
    stale: int = 0  # overdue KPIs (kpi.status.is_overdue), with or without data


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["status"].value_counts().to_dict() if len(frame) else {}
    return {s.value: int(counts.get(s.value, 0)) for s in STATUS_ORDER}


def status_mix_text(counts: dict[str, int], lang: str) -> str:
    """`★ 1 erreicht · ✔ 4 im Plan · ▲ 1 gefährdet` — the status mix in words, never colour alone."""
    from kpi.i18n import STATUS_STYLE

    parts = [
        f"{STATUS_STYLE[s]['icon']} {counts[s]} {STATUS_STYLE[s][lang]}"
        for s in reversed([s.value for s in STATUS_ORDER])
        if counts.get(s)
    ]
    return " · ".join(parts) or "–"


def theme_summaries(snap: Snapshot, frame: pd.DataFrame | None = None) -> list[ThemeSummary]:
    frame = status_frame(snap) if frame is None else frame
    out = []
    for theme in snap.catalog.themes:
        part = frame[frame["theme_id"] == theme.id] if len(frame) else frame
        counts = status_counts(part)
        with_data = len(part) - counts["no_data"]
        # An overdue KPI counts as overdue, not as on track: its last value says nothing about today.
        good = (
            int((part["status"].isin(["on_track", "achieved"]) & ~part["stale"].astype(bool)).sum()) if len(part) else 0
        )
        out.append(
            ThemeSummary(
                theme.id,
                theme.name,
                counts,
                len(part),
                with_data,
                good / with_data if with_data else None,
                int(part["stale"].sum()) if len(part) else 0,
            )
        )
    return out


def action_field_summaries(snap: Snapshot, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per action field: its theme, status mix, stale and late-measure counts, in catalog order."""
    frame = status_frame(snap) if frame is None else frame
    rows = []
    for af in snap.catalog.action_fields:
        part = frame[frame["action_field_id"] == af.id] if len(frame) else frame
        measures = snap.measures[snap.measures["action_field_id"] == af.id]
        rows.append(
            dict(
                id=af.id,
                name=af.name,
                theme_id=af.theme_id,
                kpis=len(part),
                **status_counts(part),
                stale=int(part["stale"].sum()) if len(part) else 0,
                measures=len(measures),
                late_measures=int(measures["late"].sum()) if len(measures) else 0,
            )
        )
    return pd.DataFrame(rows)


def biggest_deviations(frame: pd.DataFrame, limit: int = 8) -> pd.DataFrame:
    """KPIs furthest behind plan (lowest progress first): missed, off track or at risk."""
    behind = frame[frame["status"].isin(["missed", "off_track", "at_risk"])].copy()
    return behind.sort_values("progress").head(limit)


def overdue(frame: pd.DataFrame) -> pd.DataFrame:
    """KPIs whose next (or, without data, first) value is overdue by kpi.status.is_overdue, oldest first. The
    cockpit, /bereich, /upload, the deck and `status` all list these."""
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
    notes: pd.DataFrame | None = None  # both kinds of comment, see comment_notes


def kpi_detail(store: Store, snap: Snapshot, kpi_id: str) -> KpiDetail | None:
    kpi = next((k for k in snap.kpis if k.id == kpi_id), None)
    if kpi is None:
        return None
    revisions = store.revisions(kpi_id, snap.as_of)
    comments = store.comments(snap.as_of, kpi_id)
    measures = (
        snap.measures[snap.measures["kpi_ids"].map(lambda ids: kpi_id in ids)] if len(snap.measures) else snap.measures
    )
    cat = snap.catalog
    series = snap.series(kpi_id).reset_index(drop=True)
    return KpiDetail(
        kpi=kpi,
        status=snap.statuses[kpi_id],
        series=series,
        notes=comment_notes(series, comments),
        revisions=revisions,
        comments=comments,
        measures=measures,
        theme=next((t.name for t in cat.themes if t.id == kpi.theme_id), ""),
        action_field=next((a.name for a in cat.action_fields if a.id == kpi.action_field_id), ""),
        goal=next((g.name for g in cat.goals if g.id == kpi.goal_id), ""),
        unit_name=next((u.name for u in cat.units if u.id == kpi.responsible), kpi.responsible),
    )


def kpi_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """KPI rows formatted for a table: status with icon and word, German (or English) numbers and periods.
    Few, compact columns (id and name in one, each value with its period) so that the table fits a 1280 px
    screen: status, KPI, actual (period), planned, progress, target (year), forecast."""
    from kpi.i18n import fmt_period, fmt_progress, fmt_value, stale_label, status_label

    rows = []
    for r in frame.itertuples():
        actual = fmt_value(r.latest_value, r.unit, lang)
        rows.append(
            {
                "Status": status_label(r.status, lang)
                + (f" · {stale_label(lang)}" if r.stale and r.status != "no_data" else ""),
                t("col.kpi", lang): f"{r.kpi_id} · {r.name}",
                t("col.actual_period", lang): actual
                if actual == "–"
                else f"{actual} ({fmt_period(r.latest_period, r.frequency, lang)})",
                t("col.planned", lang): fmt_value(r.planned_value, r.unit, lang),
                t("col.progress", lang): fmt_progress(r.progress, r.direction, lang, of_plan=False),
                t("col.target", lang): f"{fmt_value(r.target, r.unit, lang)} ({r.target_period.year})",
                t("col.forecast", lang): fmt_value(r.forecast_value, r.unit, lang),
            }
        )
    return pd.DataFrame(rows)


def measure_table(measures: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """Measures formatted for a table; progress stays numeric for a progress bar column. Columns: measure,
    state, progress, action field, responsible unit, period (start – planned end)."""
    from kpi.i18n import fmt_date, measure_state_label

    units = {u.id: u.name for u in catalog.units}
    fields = {a.id: a.name for a in catalog.action_fields}
    rows = []
    for m in measures.itertuples():
        rows.append(
            {
                t("col.measure", lang): f"{'⚠ ' if m.late else ''}{m.id} {m.title}",
                t("col.state", lang): measure_state_label(m.state, lang)
                + (f" · {t('measure.late', lang)}" if m.late else ""),
                t("col.progress", lang): float(m.progress),
                t("col.action_field", lang): fields.get(m.action_field_id, m.action_field_id),
                t("col.responsible", lang): units.get(m.responsible, m.responsible),
                t("col.duration", lang): f"{fmt_date(m.start, lang)} – {fmt_date(m.planned_end, lang)}",
            }
        )
    return pd.DataFrame(rows)


NOTE_COLUMNS = ["period", "text", "kind", "author", "recorded_at"]


def comment_notes(series: pd.DataFrame, comments: pd.DataFrame | None, since: date | None = None) -> pd.DataFrame:
    """Both kinds of comment on one KPI's values, one row each, newest period first: the comment that came with a
    value (upload column `Kommentar`, kind "value") and the discussion comments (kpi_comment, kind "discussion").
    `series`: the KPI's current values (period, comment, recorded_by, recorded_at); `comments`: its discussion
    comments as store.comments returns them. `since`: only periods from that day on (the periods in view)."""
    rows = []
    if len(series) and "comment" in series:  # column lists, not itertuples: a deck asks for every KPI's notes
        authors, times = (
            series[c].tolist() if c in series else [None] * len(series) for c in ("recorded_by", "recorded_at")
        )
        for period, text, author, at in zip(series["period"].tolist(), series["comment"].tolist(), authors, times):
            if isinstance(text, str) and text.strip():
                rows.append(dict(period=period, text=text.strip(), kind="value", author=author or "", recorded_at=at))
    seen = {(row["period"], row["text"]) for row in rows}
    if comments is not None and len(comments):
        for period, text, author, at in zip(
            *(comments[c].tolist() for c in ("period", "text", "author", "recorded_at"))
        ):
            text = str(text or "").strip()
            if text and (period, text) not in seen:
                rows.append(dict(period=period, text=text, kind="discussion", author=author or "", recorded_at=at))
    if since is not None:
        rows = [row for row in rows if row["period"] >= since]
    notes = pd.DataFrame(rows, columns=NOTE_COLUMNS)
    if len(notes) < 2:
        return notes
    order = notes["kind"].map({"value": 0, "discussion": 1})
    return (
        notes.assign(_order=order)
        .sort_values(["period", "_order", "recorded_at"], ascending=[False, True, True])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def comments_by_period(notes: pd.DataFrame) -> dict[date, str]:
    """The comments of each period in one text (value comment first), e.g. for a chart's hover."""
    merged: dict[date, list[str]] = {}
    for r in notes.sort_values("period", kind="stable").itertuples() if len(notes) else ():
        merged.setdefault(r.period, []).append(r.text)
    return {period: " · ".join(texts) for period, texts in merged.items()}


# Quality of a value (measurement.quality; NULL is final): the word shown beside it is the text `quality.<q>`.
QUALITIES = ("final", "provisional", "estimated", "break")


def quality_label(quality: object, lang: str = "de") -> str:
    key = quality if isinstance(quality, str) and quality in QUALITIES else "final"
    return t(f"quality.{key}", lang)


def value_source(source: object, kpi: Kpi) -> str:
    """Where a value comes from: its own source, else the KPI's catalog source (never the upload's file name)."""
    return source.strip() if isinstance(source, str) and source.strip() else kpi.source


# -- status preview of a catalog change --------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    kpi_id: str
    before: str | None  # status value; None: the KPI is new
    after: str | None  # None: the KPI is retired

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def text(self, lang: str = "de") -> str:
        from kpi.i18n import status_label

        a = status_label(self.before, lang, icon=False) if self.before else t("status_change.new", lang)
        b = status_label(self.after, lang, icon=False) if self.after else t("status_change.retired", lang)
        return f"{self.kpi_id}: {a} → {b}" if self.changed else f"{self.kpi_id}: {b}"


def status_preview(
    store: Store, catalog: Catalog, valid_from: date, as_of: datetime | None = None
) -> list[StatusChange]:
    """The status every KPI would get if `catalog` were recorded now, valid from `valid_from`, beside the one it
    has (new and retired KPIs included); `changed` marks the ones that change."""
    from kpi.revisions import catalog_for_status, with_candidate

    snap = snapshot(store, as_of)
    day = reference_day(as_of)
    values, _ = sane_values(store, catalog, store.current_values(as_of, [k.id for k in catalog.kpis]), day)
    if snap is None:
        after = evaluate_all(catalog, values, day)
        return [StatusChange(k.id, None, after[k.id].status.value) for k in catalog.kpis]
    new = with_candidate(store, catalog, valid_from, day, as_of)
    after = evaluate_all(catalog_for_status(new, values), values, day)
    out = []
    for kpi_id in dict.fromkeys([*(k.id for k in new.kpis), *(k.id for k in snap.kpis)]):
        b = snap.statuses[kpi_id].status.value if kpi_id in snap.statuses else None
        a = after[kpi_id].status.value if kpi_id in after else None
        out.append(StatusChange(kpi_id, b, a))
    return out
