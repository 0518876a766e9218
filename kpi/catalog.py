"""Load and validate the strategy catalog file (YAML) into the domain types of `kpi.model`.

Every problem is reported with its path in the file (e.g. `themes[0].action_fields[1].goals[0].kpis[2].unit`),
all at once, so that whoever edits the file can fix it in one go.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

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
from kpi.periods import PeriodError, parse_period
from kpi.problems import CatalogProblem

DEFAULT_CATALOG = Path(__file__).resolve().parent.parent / "data" / "strategy.yaml"
KPI_ID = re.compile(r"^[A-Z]{2,5}-\d{2,4}$")  # data/CATALOG_SCHEMA.md documents this pattern


class CatalogError(ValueError):
    """Every problem of a catalog at once; each a `CatalogProblem` (its German text, and `.text(lang)`) or, from
    older callers, a plain string."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{source}: {len(problems)} Fehler im Strategiekatalog:\n" + "\n".join(f"  - {p}" for p in problems)
        )


class _Reader:
    """Collects problems while reading, instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def req(self, node: Any, key: str, path: str, kind: type | tuple[type, ...] = str) -> Any:
        if not isinstance(node, dict) or node.get(key) in (None, ""):
            self.problems.append(CatalogProblem(f"{path}.{key}", "catalog.missing"))
            return None
        value = node[key]
        if not isinstance(value, kind):
            self.problems.append(
                CatalogProblem(f"{path}.{key}", "catalog.type", type=type(value).__name__, value=repr(value))
            )
            return None
        return value

    def enum(self, node: dict, key: str, path: str, enum_type: type, default: Any = None) -> Any:
        raw = node.get(key, default) if isinstance(node, dict) else None
        try:
            return enum_type(raw)
        except ValueError:
            allowed = ", ".join(e.value for e in enum_type)
            self.problems.append(
                CatalogProblem(f"{path}.{key}", "catalog.not_allowed", value=str(raw), allowed=allowed)
            )
            return None

    def day(self, node: dict, key: str, path: str) -> date | None:
        raw = self.req(node, key, path, (str, date))
        if raw is None:
            return None
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problems.append(CatalogProblem(f"{path}.{key}", "catalog.not_iso_date", value=str(raw)))
            return None

    def period(self, raw: Any, path: str, frequency: Frequency | None) -> date | None:
        try:
            end, written = parse_period(raw, frequency)
        except PeriodError as exc:
            self.problems.append(CatalogProblem(path, exc.code, **exc.params))
            return None
        # A finer period than the KPI's (a quarter for a yearly KPI) ends off the KPI's period
        # grid, so that no measurement could ever fall on it; a coarser one ends on the grid.
        if frequency and written and written.months < frequency.grid_months:
            self.problems.append(
                CatalogProblem(path, "catalog.period_finer", granularity=written.value, frequency=frequency.value)
            )
            return None
        return end

    def number(self, raw: Any, path: str) -> float | None:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            self.problems.append(CatalogProblem(path, "catalog.not_a_number", value=str(raw)))
            return None
        return float(raw)


def _en(node: Any, key: str) -> str:
    """The optional English wording `<key>_en` of a content field; empty where the catalog has none."""
    value = node.get(f"{key}_en") if isinstance(node, dict) else None
    return "" if value is None else str(value).strip()


def load_catalog(path: str | Path = DEFAULT_CATALOG) -> Catalog:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(str(path), [CatalogProblem("", "catalog.unreadable", detail=str(exc))]) from exc
    except yaml.YAMLError as exc:
        raise CatalogError(str(path), [CatalogProblem("", "catalog.yaml", detail=str(exc))]) from exc
    return parse_catalog(data, source=str(path))


def parse_catalog(data: Any, source: str = "<catalog>") -> Catalog:
    r = _Reader()
    if not isinstance(data, dict):
        raise CatalogError(source, [CatalogProblem("", "catalog.not_mapping")])
    s = data.get("strategy") or {}
    principles = s.get("principles") or []
    strategy = Strategy(
        id=r.req(s, "id", "strategy") or "",
        city=r.req(s, "city", "strategy") or "",
        title=r.req(s, "title", "strategy") or "",
        adopted=r.day(s, "adopted", "strategy") or date.min,
        mission=r.req(s, "mission", "strategy") or "",
        principles=tuple(str(p) for p in principles),
        illustrative=bool(s.get("illustrative", True)),
        note=str(s.get("note") or ""),
        title_en=_en(s, "title"),
        mission_en=_en(s, "mission"),
        principles_en=tuple(str(p) for p in s.get("principles_en") or []),
        note_en=_en(s, "note"),
    )
    units = []
    for i, u in enumerate(data.get("units") or []):
        units.append(
            Unit(
                id=r.req(u, "id", f"units[{i}]") or "",
                name=r.req(u, "name", f"units[{i}]") or "",
                name_en=_en(u, "name"),
            )
        )
    unit_ids = {u.id for u in units}
    if not units:
        r.problems.append(CatalogProblem("units", "catalog.no_units"))

    seen: dict[str, str] = {}

    def unique(kind: str, ident: str | None, path: str) -> None:
        if ident and ident in seen:
            r.problems.append(CatalogProblem(f"{path}.id", "catalog.duplicate_id", value=ident, first=seen[ident]))
        elif ident:
            seen[ident] = path

    themes, action_fields, goals, kpis, declared_kpi_ids = _parse_themes(r, data, unit_ids, unique)
    if not themes:
        r.problems.append(CatalogProblem("themes", "catalog.no_themes"))

    kpi_ids = {k.id for k in kpis} | declared_kpi_ids
    af_ids = {a.id for a in action_fields}
    measures = []
    for mi, m in enumerate(data.get("measures") or []):
        measure = _parse_measure(r, m, f"measures[{mi}]", kpi_ids, af_ids, unit_ids)
        unique("measure", measure.id, f"measures[{mi}]")
        measures.append(measure)

    if r.problems:
        raise CatalogError(source, r.problems)
    return Catalog(
        strategy, tuple(units), tuple(themes), tuple(action_fields), tuple(goals), tuple(kpis), tuple(measures)
    )


def _parse_themes(
    r: _Reader, data: dict, unit_ids: set[str], unique: Callable[[str, str | None, str], None]
) -> tuple[list[Theme], list[ActionField], list[Goal], list[Kpi], set[str]]:
    """Theme fields → action fields → goals → KPIs, and the ids of every KPI declared (also those with
    problems, already reported where they are)."""
    themes, action_fields, goals, kpis = [], [], [], []
    declared_kpi_ids: set[str] = set()
    for ti, t in enumerate(data.get("themes") or []):
        tp = f"themes[{ti}]"
        theme = Theme(id=r.req(t, "id", tp) or "", name=r.req(t, "name", tp) or "", name_en=_en(t, "name"))
        unique("theme", theme.id, tp)
        themes.append(theme)
        for ai, a in enumerate((t or {}).get("action_fields") or []):
            ap = f"{tp}.action_fields[{ai}]"
            af = ActionField(
                id=r.req(a, "id", ap) or "",
                name=r.req(a, "name", ap) or "",
                theme_id=theme.id,
                description=str((a or {}).get("description") or ""),
                name_en=_en(a, "name"),
                description_en=_en(a, "description"),
            )
            unique("action_field", af.id, ap)
            action_fields.append(af)
            for gi, g in enumerate((a or {}).get("goals") or []):
                gp = f"{ap}.goals[{gi}]"
                goal = Goal(
                    id=r.req(g, "id", gp) or "",
                    name=r.req(g, "name", gp) or "",
                    action_field_id=af.id,
                    name_en=_en(g, "name"),
                )
                unique("goal", goal.id, gp)
                goals.append(goal)
                for ki, k in enumerate((g or {}).get("kpis") or []):
                    if isinstance(k, dict) and k.get("id"):
                        declared_kpi_ids.add(str(k["id"]))
                    kpi = _parse_kpi(r, k, f"{gp}.kpis[{ki}]", unit_ids, theme.id, af.id, goal.id)
                    if kpi:
                        unique("kpi", kpi.id, f"{gp}.kpis[{ki}]")
                        kpis.append(kpi)
    return themes, action_fields, goals, kpis, declared_kpi_ids


def _parse_measure(r: _Reader, m: Any, mp: str, kpi_ids: set[str], af_ids: set[str], unit_ids: set[str]) -> Measure:
    linked = tuple(str(x) for x in (m or {}).get("kpis") or [])
    for x in linked:
        if x not in kpi_ids:
            r.problems.append(CatalogProblem(f"{mp}.kpis", "catalog.unknown_kpi", value=str(x)))
    action_field = r.req(m, "action_field", mp)
    if action_field and action_field not in af_ids:
        r.problems.append(CatalogProblem(f"{mp}.action_field", "catalog.unknown_action_field", value=str(action_field)))
    responsible = r.req(m, "responsible", mp)
    if responsible and responsible not in unit_ids:
        r.problems.append(CatalogProblem(f"{mp}.responsible", "catalog.unknown_unit", value=str(responsible)))
    progress = r.number((m or {}).get("progress", 0), f"{mp}.progress")
    if progress is not None and not 0 <= progress <= 100:
        r.problems.append(CatalogProblem(f"{mp}.progress", "catalog.progress_range", value=str(progress)))
    start, end = r.day(m, "start", mp), r.day(m, "planned_end", mp)
    if start and end and end < start:
        r.problems.append(CatalogProblem(f"{mp}.planned_end", "catalog.end_before_start", start=start.isoformat()))
    measure = Measure(
        id=r.req(m, "id", mp) or "",
        title=r.req(m, "title", mp) or "",
        action_field_id=action_field or "",
        responsible=responsible or "",
        start=start or date.min,
        planned_end=end or date.min,
        state=r.enum(m, "state", mp, MeasureState, "geplant") or MeasureState.PLANNED,
        progress=progress or 0.0,
        kpi_ids=linked,
        description=str((m or {}).get("description") or ""),
        title_en=_en(m, "title"),
        description_en=_en(m, "description"),
    )
    return measure


def _parse_range(r: _Reader, k: dict, path: str) -> tuple[float | None, float | None]:
    rng = k.get("range") or [None, None]
    if not isinstance(rng, list) or len(rng) != 2:
        r.problems.append(CatalogProblem(f"{path}.range", "catalog.range_pair"))
        rng = [None, None]
    lo = None if rng[0] is None else r.number(rng[0], f"{path}.range[0]")
    hi = None if rng[1] is None else r.number(rng[1], f"{path}.range[1]")
    if lo is not None and hi is not None and lo > hi:
        r.problems.append(CatalogProblem(f"{path}.range", "catalog.range_inverted", min=str(lo), max=str(hi)))
    return lo, hi


def _parse_status_rules(r: _Reader, k: dict, path: str) -> tuple[Thresholds, int | None]:
    th = k.get("thresholds") or {}
    thresholds = Thresholds(float(th.get("on_track", 0.95)), float(th.get("at_risk", 0.80)))
    if not 0 < thresholds.at_risk <= thresholds.on_track <= 1.5:
        r.problems.append(CatalogProblem(f"{path}.thresholds", "catalog.thresholds"))
    grace = k.get("grace_days")
    if grace is not None and (not isinstance(grace, int) or grace < 0):
        r.problems.append(CatalogProblem(f"{path}.grace_days", "catalog.grace_days"))
    return thresholds, grace


def _parse_kpi(
    r: _Reader, k: Any, path: str, unit_ids: set[str], theme_id: str, action_field_id: str, goal_id: str
) -> Kpi | None:
    before = len(r.problems)
    kpi_id = r.req(k, "id", path)
    if kpi_id and not KPI_ID.match(kpi_id):
        r.problems.append(CatalogProblem(f"{path}.id", "catalog.kpi_id_pattern", value=str(kpi_id)))
    if not isinstance(k, dict):
        return None
    frequency = r.enum(k, "frequency", path, Frequency)
    direction = r.enum(k, "direction", path, Direction)
    baseline = k.get("baseline") or {}
    b_period = r.period(baseline.get("period"), f"{path}.baseline.period", frequency)
    b_value = r.number(baseline.get("value"), f"{path}.baseline.value")
    targets = []
    raw_targets = k.get("targets") or {}
    if not isinstance(raw_targets, dict) or not raw_targets:
        r.problems.append(CatalogProblem(f"{path}.targets", "catalog.no_targets"))
        raw_targets = {}
    for period_text, value in raw_targets.items():
        period = r.period(period_text, f"{path}.targets.{period_text}", frequency)
        number = r.number(value, f"{path}.targets.{period_text}")
        if period and number is not None:
            targets.append(Target(period, number))
    targets.sort(key=lambda t: t.period)
    if b_period and targets and targets[0].period <= b_period:
        r.problems.append(CatalogProblem(f"{path}.targets", "catalog.targets_before_baseline"))
    lo, hi = _parse_range(r, k, path)
    for label, value in [("baseline", b_value)] + [(f"targets.{t.period.year}", t.value) for t in targets]:
        if value is not None and ((lo is not None and value < lo) or (hi is not None and value > hi)):
            r.problems.append(
                CatalogProblem(f"{path}.{label}", "catalog.value_range", value=str(value), min=str(lo), max=str(hi))
            )
    responsible = r.req(k, "responsible", path)
    if responsible and responsible not in unit_ids:
        r.problems.append(CatalogProblem(f"{path}.responsible", "catalog.unknown_unit", value=str(responsible)))
    thresholds, grace = _parse_status_rules(r, k, path)
    name, unit = r.req(k, "name", path), r.req(k, "unit", path)
    if len(r.problems) > before:
        return None
    return Kpi(
        id=kpi_id,
        name=name,
        unit=unit,
        direction=direction,
        frequency=frequency,
        baseline_period=b_period,
        baseline_value=b_value,
        targets=tuple(targets),
        definition=str(k.get("definition") or ""),
        range_min=lo,
        range_max=hi,
        responsible=responsible,
        source=str(k.get("source") or ""),
        goal_id=goal_id,
        action_field_id=action_field_id,
        theme_id=theme_id,
        thresholds=thresholds,
        grace_days=grace,
        real_data=bool(k.get("real_data", False)),
        name_en=_en(k, "name"),
        unit_en=_en(k, "unit"),
        definition_en=_en(k, "definition"),
        source_en=_en(k, "source"),
    )
