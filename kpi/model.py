"""Domain types shared by every layer: the strategy hierarchy, KPIs, periods and status values."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property
from operator import attrgetter


class Direction(str, Enum):
    HIGHER = "higher"
    LOWER = "lower"


class Frequency(str, Enum):
    YEARLY = "yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    HALF_YEARLY = "half_yearly"
    # Surveys repeated every N years (a modal-split survey every 5 years): their periods are years, the next
    # value is due N years after the last one.
    EVERY_2_YEARS = "every_2_years"
    EVERY_3_YEARS = "every_3_years"
    EVERY_4_YEARS = "every_4_years"
    EVERY_5_YEARS = "every_5_years"
    EVERY_6_YEARS = "every_6_years"
    EVERY_10_YEARS = "every_10_years"

    @property
    def months(self) -> int:
        """Months from one value to the next (the staleness rule steps by this)."""
        return _MONTHS[self.value]

    @property
    def grid_months(self) -> int:
        """Length of one period in months: a multi-year survey still reports a calendar year."""
        return min(self.months, 12)

    @property
    def period_kind(self) -> Frequency:
        """The frequency whose periods this one reports (yearly for every N years)."""
        return Frequency.YEARLY if self.months > 12 else self

    @property
    def default_grace_days(self) -> int:
        """How long after a period is due its value may still arrive before the KPI counts as stale."""
        return _GRACE_DAYS.get(self.value, 180)  # 180: a survey every N years


# Per frequency: months from one value to the next, and the default grace days (status rules evaluate these for
# thousands of KPIs at once, so they are looked up, not computed).
_MONTHS = {f.value: 12 * int(f.value.split("_")[1]) for f in Frequency if f.value.startswith("every_")} | {
    "yearly": 12,
    "half_yearly": 6,
    "quarterly": 3,
    "monthly": 1,
}
_GRACE_DAYS = {"yearly": 120, "half_yearly": 90, "quarterly": 60, "monthly": 30}


class Status(str, Enum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MISSED = "missed"  # the final target date has passed and the target was not met
    NOT_ASSESSABLE = "not_assessable"  # values, but none after the baseline period: no planned step to judge
    NO_DATA = "no_data"


class MeasureState(str, Enum):
    PLANNED = "geplant"
    IN_PROGRESS = "in_umsetzung"
    DONE = "abgeschlossen"
    PAUSED = "pausiert"
    DELAYED = "verzoegert"


@dataclass(frozen=True)
class Thresholds:
    """Progress ratios from which a KPI counts as on track / at risk (below: off track)."""

    on_track: float = 0.95
    at_risk: float = 0.80


@dataclass(frozen=True)
class Target:
    period: date
    value: float


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    unit: str
    direction: Direction
    frequency: Frequency
    baseline_period: date
    baseline_value: float
    targets: tuple[Target, ...]
    definition: str = ""
    range_min: float | None = None
    range_max: float | None = None
    responsible: str = ""
    source: str = ""
    goal_id: str = ""
    action_field_id: str = ""
    theme_id: str = ""
    thresholds: Thresholds = field(default_factory=Thresholds)
    grace_days: int | None = None
    real_data: bool = False
    # English wording of the content, where the catalog has it (empty: the German text is shown, marked lang="de").
    name_en: str = ""
    unit_en: str = ""
    definition_en: str = ""
    source_en: str = ""
    # Every version of this KPI's plan (targets, baseline, thresholds) in force over time, oldest first, the
    # current one last; empty while the plan never changed (kpi.revisions fills it).
    history: tuple[KpiVersion, ...] = field(default=(), compare=False, repr=False)

    @property
    def final_target(self) -> Target:
        return self.targets[-1]

    @cached_property
    def milestones(self) -> tuple[Target, ...]:
        """The targets by period (the catalog sorts them; the status rules do not rely on it)."""
        return tuple(sorted(self.targets, key=attrgetter("period")))

    @cached_property
    def last_target(self) -> Target:
        """The target with the latest period: what the KPI must reach in the end."""
        return max(self.targets, key=attrgetter("period"))

    @cached_property
    def effective_grace_days(self) -> int:
        return self.grace_days if self.grace_days is not None else self.frequency.default_grace_days


@dataclass(frozen=True)
class KpiVersion:
    """One version of a KPI's plan from a catalog revision: in force for periods ending from `valid_from` on."""

    valid_from: date
    decision: str
    revision: int
    kpi: Kpi
    valid_until: date | None = None  # the day before the next version took over; None for the current one


@dataclass(frozen=True)
class Goal:
    id: str
    name: str
    action_field_id: str
    name_en: str = ""


@dataclass(frozen=True)
class ActionField:
    id: str
    name: str
    theme_id: str
    description: str = ""
    name_en: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    action_field_id: str
    responsible: str
    start: date
    planned_end: date
    state: MeasureState
    progress: float
    kpi_ids: tuple[str, ...] = ()
    description: str = ""
    title_en: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Strategy:
    id: str
    city: str
    title: str
    adopted: date
    mission: str
    principles: tuple[str, ...]
    illustrative: bool = True
    note: str = ""
    title_en: str = ""
    mission_en: str = ""
    principles_en: tuple[str, ...] = ()
    note_en: str = ""


@dataclass(frozen=True)
class Catalog:
    strategy: Strategy
    units: tuple[Unit, ...]
    themes: tuple[Theme, ...]
    action_fields: tuple[ActionField, ...]
    goals: tuple[Goal, ...]
    kpis: tuple[Kpi, ...]
    measures: tuple[Measure, ...]

    def kpi(self, kpi_id: str) -> Kpi:
        return self._kpi_by_id[kpi_id]

    @cached_property
    def _kpi_by_id(self) -> dict[str, Kpi]:
        return {k.id: k for k in self.kpis}


def period_end(year: int, month: int) -> date:
    """Last day of the given month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def snap_to_period_end(day: date, frequency: Frequency) -> date:
    """End date of the period (of the given frequency) that contains `day`."""
    months = frequency.grid_months
    last_month = ((day.month - 1) // months + 1) * months
    return period_end(day.year, last_month)


def add_periods(day: date, frequency: Frequency, count: int) -> date:
    """The period end `count` periods after the period ending on `day`."""
    index = day.year * 12 + day.month - 1 + count * frequency.months
    return period_end(index // 12, index % 12 + 1)
