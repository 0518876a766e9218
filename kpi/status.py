"""The status rule: target path, progress, status, staleness and a robust trend forecast per KPI.

Pure functions over `kpi.model` types: no I/O, no database, no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter

import numpy as np
from scipy.stats import norm

from kpi.model import Direction, Kpi, Status, Target, add_periods

DAYS_PER_YEAR = 365.25

# Confidence level of the forecast band (Theil–Sen slope interval).
FORECAST_CONFIDENCE = 0.95
FORECAST_WINDOW = 36  # newest points the trend is fitted to

# Relative tolerance for "meets the target": a trend line that lands exactly on the target
# comes out a rounding hair below it, and that must not turn "on time" into "late".
_MEETS_REL_TOL = 1e-9

# Floor for the scale of the "target equals baseline" rule, so a plan of 0 does not divide by 0.
_TINY = 1e-12


@dataclass(frozen=True)
class Point:
    """One measurement of a KPI."""

    period: date  # end date of the period the value belongs to
    value: float


@dataclass(frozen=True)
class Forecast:
    """A robust straight-line trend over the recent measurements, read at the final target date."""

    target_period: date
    target_value: float
    value_at_target: float
    low: float  # band at target_period from the slope's confidence interval
    high: float
    slope_per_year: float
    # First day on which the trend meets the final target; may lie in the past.
    reach_date: date | None
    on_time: bool
    # The trend passes through (pivot_ordinal, pivot_value): the medians of the fitted days and
    # values (Sen's intercept). Anchoring there rather than at year 0 keeps value_at precise.
    pivot_ordinal: float
    pivot_value: float

    def value_at(self, day: date) -> float:
        """Value of the trend line on `day` (for drawing the line and the band)."""
        years = (day.toordinal() - self.pivot_ordinal) / DAYS_PER_YEAR
        return self.pivot_value + self.slope_per_year * years


@dataclass(frozen=True)
class KpiStatus:
    """What the cockpit shows for one KPI on a given day."""

    kpi_id: str
    status: Status
    stale: bool
    latest_period: date | None
    latest_value: float | None
    planned_value: float | None  # target path at latest_period
    progress: float | None  # see progress_ratio
    # Latest minus plan, signed so that negative means behind plan in either direction.
    deviation: float | None
    next_due: date | None  # stale from the day after this date on
    forecast: Forecast | None


def meets(kpi: Kpi, value: float, target: float) -> bool:
    """Whether `value` is at least as good as `target` in the KPI's direction."""
    tolerance = _MEETS_REL_TOL * max(1.0, abs(target))
    if kpi.direction is Direction.LOWER:
        return value <= target + tolerance
    return value >= target - tolerance


def _milestones(kpi: Kpi) -> tuple[Target, ...]:
    # The catalog should already sort them; sorting here is cheap and makes the rule
    # independent of it.
    return tuple(sorted(kpi.targets, key=attrgetter("period")))


def _final_target(kpi: Kpi) -> Target:
    return max(kpi.targets, key=attrgetter("period"))


def planned_value_at(kpi: Kpi, day: date) -> float:
    """Target path on `day`: linear by days from the baseline through each milestone.

    Flat at the final target after the last milestone; the baseline value before the baseline.
    """
    day_ord = day.toordinal()
    prev_ord = kpi.baseline_period.toordinal()
    prev_value = kpi.baseline_value
    if day_ord <= prev_ord:
        return prev_value
    for milestone in _milestones(kpi):
        next_ord = milestone.period.toordinal()
        if day_ord <= next_ord:
            # A milestone on the previous date is a step, not a slope.
            if next_ord == prev_ord:
                return milestone.value
            share = (day_ord - prev_ord) / (next_ord - prev_ord)
            return prev_value + share * (milestone.value - prev_value)
        prev_ord, prev_value = next_ord, milestone.value
    return prev_value


def _shortfall(kpi: Kpi, actual: float, planned: float) -> float:
    """How far `actual` is behind `planned` in the KPI's direction (negative = ahead)."""
    if kpi.direction is Direction.LOWER:
        return actual - planned
    return planned - actual


def progress_ratio(kpi: Kpi, actual: float, day: date) -> float | None:
    """Share of the planned improvement (baseline → plan on `day`) that `actual` has achieved.

    For a plan that moves in the KPI's direction this is (actual − baseline) / (planned − baseline),
    for both directions. It is computed as 1 − shortfall / |planned − baseline| so that it stays
    meaningful when a plan allows a decline (e.g. "higher is better", target below baseline):
    being better than such a plan still counts as ahead (> 1), not behind.

    Tie rule, when the plan equals the baseline on `day` (target = baseline, or `day` at or before
    the baseline period), so that there is no planned step to measure against:
    1.0 if `actual` meets the plan, otherwise 1 − shortfall / |planned| clipped at 0, i.e. the
    relative shortfall against the plan (a plan of 0 missed by any amount gives 0.0).

    None when `actual` is not a finite number: there is nothing to measure.
    """
    if not math.isfinite(actual):
        return None
    planned = planned_value_at(kpi, day)
    shortfall = _shortfall(kpi, actual, planned)
    step = abs(planned - kpi.baseline_value)
    if step == 0.0:
        if meets(kpi, actual, planned):
            return 1.0
        return max(0.0, 1.0 - shortfall / max(abs(planned), _TINY))
    return 1.0 - shortfall / step


def classify(kpi: Kpi, progress: float | None, latest_value: float | None) -> Status:
    """Status word for a KPI from its newest value and the progress at that value's period."""
    if latest_value is None or progress is None:
        return Status.NO_DATA
    # Reaching the final target early is achieved, whatever the intermediate path says.
    if meets(kpi, latest_value, _final_target(kpi).value):
        return Status.ACHIEVED
    if progress >= kpi.thresholds.on_track:
        return Status.ON_TRACK
    if progress >= kpi.thresholds.at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


def next_due_date(kpi: Kpi, latest_period: date | None) -> date:
    """Last day on which the next value may arrive before the KPI counts as stale.

    Without data, the first value is expected for the first period after the baseline.
    """
    last = latest_period if latest_period is not None else kpi.baseline_period
    return add_periods(last, kpi.frequency, 1) + timedelta(days=kpi.effective_grace_days)


def is_stale(kpi: Kpi, latest_period: date | None, today: date) -> bool:
    """Whether the next value is overdue: stale from the day after next_due_date on.

    No data is its own status, not staleness.
    """
    if latest_period is None:
        return False
    return today > next_due_date(kpi, latest_period)


def _date_from_ordinal(ordinal: float) -> date | None:
    rounded = round(ordinal)
    # A trend so flat that it would take longer than the calendar allows: never.
    if not 1 <= rounded <= date.max.toordinal():
        return None
    return date.fromordinal(rounded)


def _clip(kpi: Kpi, value: float) -> float:
    if kpi.range_min is not None:
        value = max(value, kpi.range_min)
    if kpi.range_max is not None:
        value = min(value, kpi.range_max)
    return value


def _repeat_term(values: np.ndarray) -> float:
    counts = np.unique(values, return_counts=True)[1]
    counts = counts[counts > 1].astype(float)
    return float(np.sum(counts * (counts - 1) * (2 * counts + 5)))


def theil_sen(x: np.ndarray, y: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Theil–Sen slope with Sen's (1968) confidence interval, as scipy.stats.theilslopes computes it.

    Written out in numpy because scipy's input checks cost ~0.8 ms a call, which is most of the
    time for 2,000 KPIs; tests compare both on random data.
    """
    dx = x[:, None] - x
    dy = y[:, None] - y
    mask = dx > 0
    slopes = np.sort(dy[mask] / dx[mask])
    slope = float(np.median(slopes))
    z = _Z_CACHE.get(confidence)
    if z is None:
        alpha = 1.0 - confidence if confidence > 0.5 else confidence
        z = _Z_CACHE.setdefault(confidence, float(norm.ppf(alpha / 2.0)))
    n, nt = len(y), len(slopes)
    sigma = np.sqrt((n * (n - 1) * (2 * n + 5) - _repeat_term(x) - _repeat_term(y)) / 18.0)
    upper = min(int(np.round((nt - z * sigma) / 2.0)), nt - 1)
    lower = max(int(np.round((nt + z * sigma) / 2.0)) - 1, 0)
    return slope, float(slopes[lower]), float(slopes[upper])


_Z_CACHE: dict[float, float] = {}


def forecast(kpi: Kpi, points: Sequence[Point], window: int = FORECAST_WINDOW) -> Forecast | None:
    """Theil–Sen trend over the newest `window` points, projected to the final target period.

    The window keeps the cost bounded for long monthly series and follows the recent trend.
    None when fewer than two distinct periods are available: no slope can be estimated.
    The band only reflects the uncertainty of the slope (its confidence interval, pivoting on
    the median of the fitted points), not the scatter of single values around the line.
    """
    if window < 2:
        raise ValueError(f"window must be at least 2, got {window}")
    recent = sorted(points, key=attrgetter("period"))[-window:]
    if len(recent) < 2:
        return None
    days = np.fromiter((p.period.toordinal() for p in recent), dtype=float, count=len(recent))
    if days[0] == days[-1]:
        return None
    values = np.fromiter((p.value for p in recent), dtype=float, count=len(recent))
    years = days / DAYS_PER_YEAR
    # "separate" is Sen's intercept: the line passes through (median x, median y).
    slope, low_slope, high_slope = theil_sen(years, values, FORECAST_CONFIDENCE)
    pivot_ordinal = float(np.median(days))
    pivot_value = float(np.median(values))

    target = _final_target(kpi)
    years_to_target = (target.period.toordinal() - pivot_ordinal) / DAYS_PER_YEAR
    value_at_target = pivot_value + slope * years_to_target
    band = sorted(pivot_value + float(s) * years_to_target for s in (low_slope, high_slope))
    # A projection outside the valid range (a share above 100 %, a negative count) is not a forecast
    # anyone can use: the trend is capped at the range, and the cap is visible as a flat band edge.
    value_at_target, band = _clip(kpi, value_at_target), [_clip(kpi, b) for b in band]

    # The trend only "reaches" the target if it moves towards the good side of it; a line moving
    # away crossed it (if at all) on the way out, which is no reach date.
    towards = slope > 0 if kpi.direction is Direction.HIGHER else slope < 0
    reach_date = None
    if towards:
        reach_ordinal = pivot_ordinal + (target.value - pivot_value) / slope * DAYS_PER_YEAR
        reach_date = _date_from_ordinal(reach_ordinal)

    return Forecast(
        target_period=target.period,
        target_value=target.value,
        value_at_target=value_at_target,
        low=band[0],
        high=band[1],
        slope_per_year=slope,
        reach_date=reach_date,
        on_time=meets(kpi, value_at_target, target.value),
        pivot_ordinal=pivot_ordinal,
        pivot_value=pivot_value,
    )


def evaluate(kpi: Kpi, points: Sequence[Point], today: date) -> KpiStatus:
    """Everything the cockpit shows about one KPI on `today`, from its measurements.

    Points are sorted by period; the newest is the latest value (for equal periods, the one
    given last).
    """
    ordered = sorted(points, key=attrgetter("period"))
    if not ordered:
        return KpiStatus(
            kpi_id=kpi.id,
            status=Status.NO_DATA,
            stale=False,
            latest_period=None,
            latest_value=None,
            planned_value=None,
            progress=None,
            deviation=None,
            next_due=next_due_date(kpi, None),
            forecast=None,
        )
    latest = ordered[-1]
    planned = planned_value_at(kpi, latest.period)
    progress = progress_ratio(kpi, latest.value, latest.period)
    return KpiStatus(
        kpi_id=kpi.id,
        status=classify(kpi, progress, latest.value),
        stale=is_stale(kpi, latest.period, today),
        latest_period=latest.period,
        latest_value=latest.value,
        planned_value=planned,
        progress=progress,
        deviation=-_shortfall(kpi, latest.value, planned),
        next_due=next_due_date(kpi, latest.period),
        forecast=forecast(kpi, ordered),
    )
