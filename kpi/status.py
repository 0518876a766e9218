"""The status rule: target path, progress, status, the one overdue rule and a robust trend forecast per KPI.

Pure functions over `kpi.model` types: no I/O, no database, no Streamlit. The forecast exists twice: `forecast`
for one KPI (the readable definition) and `forecast_all` for many KPIs in one numpy pass (what the cockpit uses);
tests check that both give identical results.
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
# The trend is fitted to the values of the newest FORECAST_YEARS years (recent pace weighs more than an old jump),
# at least MIN_FORECAST_POINTS and at most FORECAST_WINDOW of them. Fewer values than MIN_FORECAST_POINTS give no
# forecast at all: a line through two or three points has no honest band.
FORECAST_YEARS = 3.0
FORECAST_WINDOW = 36
MIN_FORECAST_POINTS = 4
# A bounded model keeps its values inside the valid range; a value on the range's edge is taken as lying this share
# of the range inside it (a logit of exactly 0 % or 100 % is infinite).
EDGE = 0.005

# Why there is no forecast (KpiStatus.forecast_note).
NOTE_TOO_FEW = "too_few"  # fewer than MIN_FORECAST_POINTS values
NOTE_DEADLINE_PASSED = "deadline_passed"  # the final target period is measured: the outcome, not a forecast

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


# -- model scales -------------------------------------------------------------------------------------------------
# "linear": the values themselves. "logit": a share of [lo, hi] on the logit scale (both bounds known).
# "log_low" / "log_high": the distance to the one known bound on a log scale. All are increasing in the value.


def _to_model(scale: str, values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    if scale == "linear":
        return values
    if scale == "logit":
        share = np.clip((values - lo) / (hi - lo), EDGE, 1.0 - EDGE)
        return np.log(share / (1.0 - share))
    if scale == "log_low":
        return np.log(np.maximum(values - lo, EDGE * hi))  # hi carries the floor's scale for one-sided bounds
    return -np.log(np.maximum(hi - values, EDGE * lo))  # log_high: lo carries the floor's scale


def _from_model(scale: str, z: float, lo: float, hi: float) -> float:
    if scale == "linear":
        return z
    if scale == "logit":
        return lo + (hi - lo) / (1.0 + math.exp(-max(min(z, 700.0), -700.0)))
    if scale == "log_low":
        return lo + math.exp(min(z, 700.0))
    return hi - math.exp(min(-z, 700.0))


@dataclass(frozen=True)
class Trend:
    """A Theil–Sen line on a model scale: through (pivot_ordinal, pivot) with `slope` per year on that scale."""

    scale: str
    lo: float
    hi: float
    pivot_ordinal: float
    pivot: float
    slope: float
    low_slope: float
    high_slope: float

    def model_at(self, day: date, slope: float | None = None) -> float:
        years = (day.toordinal() - self.pivot_ordinal) / DAYS_PER_YEAR
        return self.pivot + (self.slope if slope is None else slope) * years

    def value_at(self, day: date) -> float:
        return _from_model(self.scale, self.model_at(day), self.lo, self.hi)

    def band_at(self, day: date) -> tuple[float, float]:
        ends = sorted(
            _from_model(self.scale, self.model_at(day, s), self.lo, self.hi) for s in (self.low_slope, self.high_slope)
        )
        return ends[0], ends[1]


@dataclass(frozen=True)
class Forecast:
    """A robust trend over the recent measurements, read at the final target date."""

    target_period: date
    target_value: float
    value_at_target: float
    low: float  # band at target_period from the slope's confidence interval (always inside the valid range)
    high: float
    # Slope of the line on its model scale per year (units per year for the linear model).
    slope_per_year: float
    # First day on which the trend meets the final target; never before the newest value unless that value meets it.
    reach_date: date | None
    on_time: bool
    trend: Trend
    # True when the straight line would have left the valid range, so that a bounded model (logit / log) is used:
    # the forecast then bends towards the range's edge instead of crossing it.
    bounded: bool

    @property
    def pivot_ordinal(self) -> float:
        return self.trend.pivot_ordinal

    def value_at(self, day: date) -> float:
        """Value of the trend on `day` (for drawing the line and for the backtest)."""
        return self.trend.value_at(day)

    def band_at(self, day: date) -> tuple[float, float]:
        return self.trend.band_at(day)


@dataclass(frozen=True)
class KpiStatus:
    """What the cockpit shows for one KPI on a given day."""

    kpi_id: str
    status: Status
    # Overdue (is_overdue): the next value, or for a KPI without data the first one, is past its due date.
    stale: bool
    latest_period: date | None
    latest_value: float | None
    planned_value: float | None  # target path at latest_period
    progress: float | None  # see progress_ratio
    # Latest minus plan, signed so that negative means behind plan in either direction.
    deviation: float | None
    next_due: date | None  # overdue from the day after this date on
    forecast: Forecast | None
    forecast_note: str = ""  # why there is no forecast: NOTE_TOO_FEW, NOTE_DEADLINE_PASSED or "" (no data)


def meets(kpi: Kpi, value: float, target: float) -> bool:
    """Whether `value` is at least as good as `target` in the KPI's direction."""
    tolerance = _MEETS_REL_TOL * max(1.0, abs(target))
    if kpi.direction is Direction.LOWER:
        return value <= target + tolerance
    return value >= target - tolerance


def _milestones(kpi: Kpi) -> tuple[Target, ...]:
    # The catalog should already sort them; the rule does not rely on it (sorted once per Kpi object).
    return kpi.milestones


def _final_target(kpi: Kpi) -> Target:
    return kpi.last_target


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


def _step(kpi: Kpi, planned: float) -> float:
    """What a progress of 1.0 stands for at a plan value: the planned step from the baseline, or, when the plan
    equals the baseline, the plan itself (the tie rule of progress_ratio)."""
    step = abs(planned - kpi.baseline_value)
    return step if step != 0.0 else max(abs(planned), _TINY)


def progress_ratio(kpi: Kpi, actual: float, day: date, planned: float | None = None) -> float | None:
    """Share of the planned improvement (baseline → plan on `day`) that `actual` has achieved.

    For a plan that moves in the KPI's direction this is (actual − baseline) / (planned − baseline),
    for both directions. It is computed as 1 − shortfall / |planned − baseline| so that it stays
    meaningful when a plan allows a decline (e.g. "higher is better", target below baseline):
    being better than such a plan still counts as ahead (> 1), not behind.

    Tie rule, when the plan equals the baseline on `day` (target = baseline, or `day` at or before
    the baseline period), so that there is no planned step to measure against:
    1.0 if `actual` meets the plan, otherwise 1 − shortfall / |planned| clipped at 0, i.e. the
    relative shortfall against the plan (a plan of 0 missed by any amount gives 0.0).

    None when `actual` is not a finite number: there is nothing to measure. `planned`: the plan on `day`, when the
    caller has it already.
    """
    if not math.isfinite(actual):
        return None
    if planned is None:
        planned = planned_value_at(kpi, day)
    shortfall = _shortfall(kpi, actual, planned)
    if planned == kpi.baseline_value:
        if meets(kpi, actual, planned):
            return 1.0
        return max(0.0, 1.0 - shortfall / _step(kpi, planned))
    return 1.0 - shortfall / _step(kpi, planned)


def tolerance_band(kpi: Kpi, days: Sequence[date]) -> tuple[list[float], list[float]]:
    """The values at which a KPI stops being on track, and stops being at risk, on each of `days`.

    The inverse of progress_ratio at the KPI's thresholds, so that a chart drawing these edges and the status agree:
    a value on the plan's side of the on-track edge is on track. Works for rising, falling and flat plans.
    """
    sign = 1.0 if kpi.direction is Direction.LOWER else -1.0  # the side of the plan that is "behind"
    on_track, at_risk = [], []
    for day in days:
        planned = planned_value_at(kpi, day)
        step = _step(kpi, planned)
        on_track.append(planned + sign * (1.0 - kpi.thresholds.on_track) * step)
        at_risk.append(planned + sign * (1.0 - kpi.thresholds.at_risk) * step)
    return on_track, at_risk


def band_days(kpi: Kpi, first: date, last: date, samples: int = 48) -> list[date]:
    """Days to draw the tolerance band on: the plan's corners and evenly spread days between first and last (the
    band's edges bend where the plan crosses the baseline)."""
    corners = {kpi.baseline_period, *(t.period for t in kpi.targets), first, last}
    span = max((last - first).days, 1)
    spread = {first + timedelta(days=round(span * i / samples)) for i in range(samples + 1)}
    return sorted(d for d in corners | spread if first <= d <= last)


def assess(kpi: Kpi, latest: Point | None, planned: float | None = None) -> tuple[Status, float | None]:
    """Status and progress of a KPI from its newest value, judged against the plan in force at that value's period.

    - no value: NO_DATA; value not a number: NO_DATA.
    - achieved: the final target is met and the value is not behind the plan at its period.
    - missed: the value's period is on or after the final target date and the target is not met.
    - not assessable: no value for a period after the baseline period (the plan has no step there yet).
    - otherwise on track / at risk / off track by the progress thresholds.
    """
    if latest is None:
        return Status.NO_DATA, None
    if planned is None:  # `planned`: the plan at the value's period, when the caller has it already
        planned = planned_value_at(kpi, latest.period)
    progress = progress_ratio(kpi, latest.value, latest.period, planned)
    if progress is None:
        return Status.NO_DATA, None
    final = _final_target(kpi)
    if meets(kpi, latest.value, final.value) and meets(kpi, latest.value, planned):
        return Status.ACHIEVED, progress
    if latest.period >= final.period:
        return Status.MISSED, progress
    if latest.period <= kpi.baseline_period:
        return Status.NOT_ASSESSABLE, None
    return classify(kpi, progress, latest.value), progress


def classify(kpi: Kpi, progress: float | None, latest_value: float | None) -> Status:
    """Status word from the progress thresholds (the part of `assess` for a value inside the plan's run time):
    achieved when the final target is met and the value is not behind plan (progress ≥ 1), else by the thresholds."""
    if latest_value is None or progress is None:
        return Status.NO_DATA
    if meets(kpi, latest_value, _final_target(kpi).value) and progress >= 1.0 - _MEETS_REL_TOL:
        return Status.ACHIEVED
    if progress >= kpi.thresholds.on_track:
        return Status.ON_TRACK
    if progress >= kpi.thresholds.at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


# -- the one overdue rule ------------------------------------------------------------------------------------------


def due_date(kpi: Kpi, last_period: date | None) -> date:
    """Last day on which the next value may arrive before the KPI counts as overdue.

    The next value is the one for the period after `last_period`; without data, the first period after the baseline.
    """
    last = last_period if last_period is not None else kpi.baseline_period
    return add_periods(last, kpi.frequency, 1) + timedelta(days=kpi.effective_grace_days)


def period_due_date(kpi: Kpi, period: date) -> date:
    """Last day on which the value for `period` may arrive (the period's end plus the grace days)."""
    return period + timedelta(days=kpi.effective_grace_days)


def is_overdue(kpi: Kpi, last_period: date | None, day: date) -> bool:
    """THE overdue rule: on `day`, the value after `last_period` (or the first value, without data) is overdue.

    Overdue from the day after due_date on. Every view (cockpit, area page, upload, deck, `status`) asks this.
    """
    return day > due_date(kpi, last_period)


# Kept for callers of the old names: both are the overdue rule above.
next_due_date = due_date
is_stale = is_overdue


# -- forecast ------------------------------------------------------------------------------------------------------


def _date_from_ordinal(ordinal: float) -> date | None:
    if not math.isfinite(ordinal):
        return None
    rounded = round(ordinal)
    # A trend so flat that it would take longer than the calendar allows: never.
    if not 1 <= rounded <= date.max.toordinal():
        return None
    return date.fromordinal(rounded)


def _repeat_term(values: np.ndarray) -> float:
    counts = np.unique(values, return_counts=True)[1]
    counts = counts[counts > 1].astype(float)
    return float(np.sum(counts * (counts - 1) * (2 * counts + 5)))


def _z(confidence: float) -> float:
    z = _Z_CACHE.get(confidence)
    if z is None:
        alpha = 1.0 - confidence if confidence > 0.5 else confidence
        z = _Z_CACHE.setdefault(confidence, float(norm.ppf(alpha / 2.0)))
    return z


_Z_CACHE: dict[float, float] = {}


def theil_sen(x: np.ndarray, y: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Theil–Sen slope with Sen's (1968) confidence interval, as scipy.stats.theilslopes computes it.

    Written out in numpy because scipy's input checks cost ~0.8 ms a call; tests compare both on random data.
    """
    dx = x[:, None] - x
    dy = y[:, None] - y
    mask = dx > 0
    slopes = np.sort(dy[mask] / dx[mask])
    slope = float(np.median(slopes))
    z = _z(confidence)
    n, nt = len(y), len(slopes)
    sigma = np.sqrt((n * (n - 1) * (2 * n + 5) - _repeat_term(x) - _repeat_term(y)) / 18.0)
    upper = min(int(np.round((nt - z * sigma) / 2.0)), nt - 1)
    lower = max(int(np.round((nt + z * sigma) / 2.0)) - 1, 0)
    return slope, float(slopes[lower]), float(slopes[upper])


def recent_points(points: Sequence[Point], window: int = FORECAST_WINDOW) -> list[Point]:
    """The points the trend is fitted to: one per period (the last given wins), the newest FORECAST_YEARS years,
    at least MIN_FORECAST_POINTS and at most `window` of them."""
    by_period = {p.period: p for p in points}
    ordered = [by_period[d] for d in sorted(by_period)][-window:]
    if not ordered:
        return []
    start = ordered[-1].period.toordinal() - FORECAST_YEARS * DAYS_PER_YEAR
    keep = sum(1 for p in ordered if p.period.toordinal() > start)
    return ordered[-max(keep, MIN_FORECAST_POINTS) :]


def _bounds(kpi: Kpi) -> tuple[float, float]:
    lo = kpi.range_min if kpi.range_min is not None else -math.inf
    hi = kpi.range_max if kpi.range_max is not None else math.inf
    return lo, hi


def _bounded_scale(kpi: Kpi, days: np.ndarray, values: np.ndarray) -> tuple[str, float, float]:
    """The bounded model for a KPI whose straight line leaves its valid range, with the scale's two parameters."""
    lo, hi = _bounds(kpi)
    if math.isfinite(lo) and math.isfinite(hi):
        return "logit", lo, hi
    if math.isfinite(lo):
        return "log_low", lo, max(float(np.max(values - lo)), _TINY)  # hi: the floor's scale
    return "log_high", max(float(np.max(hi - values)), _TINY), hi


def _leaves_range(kpi: Kpi, trend: Trend, day: date) -> bool:
    lo, hi = _bounds(kpi)
    ends = (trend.value_at(day), *trend.band_at(day))
    return min(ends) < lo or max(ends) > hi


def _fit(days: np.ndarray, z: np.ndarray) -> tuple[float, float, float, float, float]:
    """Theil–Sen on (days, z): pivot day, pivot value, slope per year, low and high slope."""
    slope, low, high = theil_sen(days / DAYS_PER_YEAR, z, FORECAST_CONFIDENCE)
    return float(np.median(days)), float(np.median(z)), slope, low, high


def fit_trend(kpi: Kpi, recent: Sequence[Point], horizon: date) -> tuple[Trend, bool]:
    """The trend through `recent` (sorted, distinct periods): a straight line, or the bounded model when the line
    (or its band) would leave the KPI's valid range by `horizon`. Returns the trend and whether it is bounded."""
    days = np.array([p.period.toordinal() for p in recent], dtype=float)
    values = np.array([p.value for p in recent], dtype=float)
    trend = Trend("linear", -math.inf, math.inf, *_fit(days, values))
    if not _leaves_range(kpi, trend, horizon):
        return trend, False
    scale, lo, hi = _bounded_scale(kpi, days, values)
    return Trend(scale, lo, hi, *_fit(days, _to_model(scale, values, lo, hi))), True


def _target_on_scale(trend: Trend, target: float) -> float:
    if trend.scale == "linear":
        return float(target)
    return float(_to_model(trend.scale, np.array([target]), trend.lo, trend.hi)[0])


def _reach_date(kpi: Kpi, trend: Trend, target: float, latest: Point) -> date | None:
    """First day the trend meets `target`; never before the newest value unless that value meets the target
    (then the trend is re-anchored at the newest value: from there, at the trend's pace)."""
    towards = trend.slope > 0 if kpi.direction is Direction.HIGHER else trend.slope < 0
    met = meets(kpi, latest.value, target)
    if not towards:
        return latest.period if met else None
    z_target = _target_on_scale(trend, target)
    ordinal = trend.pivot_ordinal + (z_target - trend.pivot) / trend.slope * DAYS_PER_YEAR
    if met:
        return min(_date_from_ordinal(ordinal) or latest.period, latest.period)
    if ordinal < latest.period.toordinal():
        z_latest = _target_on_scale(trend, latest.value)
        ordinal = latest.period.toordinal() + (z_target - z_latest) / trend.slope * DAYS_PER_YEAR
    return _date_from_ordinal(max(ordinal, latest.period.toordinal() + 1))


def _effective_target(trend: Trend, target: float) -> float:
    """The target as the model can reach it: a target on the range's edge counts as met within EDGE of it."""
    if trend.scale == "linear":
        return target
    span = trend.hi - trend.lo if trend.scale == "logit" else trend.hi if trend.scale == "log_low" else trend.lo
    low = trend.lo + EDGE * span if math.isfinite(trend.lo) else -math.inf
    high = trend.hi - EDGE * span if math.isfinite(trend.hi) else math.inf
    return min(max(target, low), high)


def _make_forecast(kpi: Kpi, trend: Trend, bounded: bool, latest: Point) -> Forecast:
    final = _final_target(kpi)
    value_at_target = trend.value_at(final.period)
    low, high = trend.band_at(final.period)
    target = _effective_target(trend, final.value)
    return Forecast(
        target_period=final.period,
        target_value=final.value,
        value_at_target=value_at_target,
        low=low,
        high=high,
        slope_per_year=trend.slope,
        reach_date=_reach_date(kpi, trend, target, latest),
        on_time=meets(kpi, value_at_target, target),
        trend=trend,
        bounded=bounded,
    )


def forecast_note(kpi: Kpi, points: Sequence[Point]) -> str:
    """Why there is no forecast ("" when there is one, or no data at all)."""
    if not points:
        return ""
    if max(p.period for p in points) >= _final_target(kpi).period:
        return NOTE_DEADLINE_PASSED
    if len({p.period for p in points}) < MIN_FORECAST_POINTS:
        return NOTE_TOO_FEW
    return ""


def forecast(
    kpi: Kpi, points: Sequence[Point], window: int = FORECAST_WINDOW, horizon: date | None = None
) -> Forecast | None:
    """Theil–Sen trend over the recent points (recent_points), projected to the final target period.

    None when there are fewer than MIN_FORECAST_POINTS distinct periods, or when the final target period has been
    measured (the outcome is known: achieved or missed). The band is the slope's confidence interval, pivoting on
    the medians of the fitted points. A line that would leave the valid range (a share above 100 %, a negative
    count) is replaced by a bounded model (logit for a range with two bounds, log of the distance to one bound).
    `horizon` (default: the final target period) is the day up to which the line must stay in range.
    """
    if window < MIN_FORECAST_POINTS:
        raise ValueError(f"window must be at least {MIN_FORECAST_POINTS}, got {window}")
    if not points or forecast_note(kpi, points):
        return None
    recent = recent_points(points, window)
    trend, bounded = fit_trend(kpi, recent, horizon or _final_target(kpi).period)
    return _make_forecast(kpi, trend, bounded, recent[-1])


def evaluate(kpi: Kpi, points: Sequence[Point], today: date) -> KpiStatus:
    """Everything the cockpit shows about one KPI on `today`, from its measurements.

    Points are sorted by period; the newest is the latest value (for equal periods, the one
    given last).
    """
    ordered = sorted(points, key=attrgetter("period"))
    latest = ordered[-1] if ordered else None
    fc = forecast(kpi, ordered) if ordered else None
    return _kpi_status(kpi, latest, today, fc, forecast_note(kpi, ordered))


def _kpi_status(kpi: Kpi, latest: Point | None, today: date, fc: Forecast | None, note: str) -> KpiStatus:
    period = latest.period if latest else None
    planned = planned_value_at(kpi, latest.period) if latest else None
    status, progress = assess(kpi, latest, planned)
    due = due_date(kpi, period)
    return KpiStatus(
        kpi_id=kpi.id,
        status=status,
        stale=today > due,  # is_overdue(kpi, period, today), with the due date at hand
        latest_period=period,
        latest_value=latest.value if latest else None,
        planned_value=planned,
        progress=progress,
        deviation=-_shortfall(kpi, latest.value, planned) if latest else None,
        next_due=due,
        forecast=fc,
        forecast_note=note,
    )


# -- the same forecast for many KPIs at once -----------------------------------------------------------------------


def _batch_median(sorted_rows: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Median of the first `counts` entries of each sorted row (as np.median computes it)."""
    low = np.take_along_axis(sorted_rows, ((counts - 1) // 2)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(sorted_rows, (counts // 2)[:, None], axis=1)[:, 0]
    return (low + high) / 2.0


def _batch_repeat_term(rows: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Σ c(c−1)(2c+5) over the groups of equal values per row: each value counts the equal values of its row. Only
    the rows with a repeated value are counted out (the days of a KPI's values never repeat)."""
    ordered = np.sort(np.where(valid, rows, np.nan), axis=1)  # NaN last, and never equal to anything
    repeats = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
    term = np.zeros(len(rows))
    if len(repeats):
        rows, valid = rows[repeats], valid[repeats]
        equal = (rows[:, :, None] == rows[:, None, :]) & valid[:, None, :]
        counts = equal.sum(axis=2).astype(float)
        term[repeats] = np.where(valid, (counts - 1.0) * (2.0 * counts + 5.0), 0.0).sum(axis=1)
    return term


def _pair_slopes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The slope (y[j] − y[i]) / (x[j] − x[i]) of every pair i < j of each row, and the j of each column: the pairs
    one distance j − i at a time, as slices (a gather of every pair by index takes three times as long)."""
    width = x.shape[1]
    out = np.empty((x.shape[0], width * (width - 1) // 2))
    later = np.empty(out.shape[1], dtype=int)
    start = 0
    for step in range(1, width):
        stop = start + width - step
        np.divide(y[:, step:] - y[:, :-step], x[:, step:] - x[:, :-step], out=out[:, start:stop])
        later[start:stop] = np.arange(step, width)
        start = stop
    return out, later


def _fit_batch(days: np.ndarray, z: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
    """`_fit` for each row of (days, z), the first n[k] entries of row k valid (sorted by day, distinct days).

    One numpy pass over every pair of every row; the same operations in the same order as theil_sen, so the
    results are identical.
    """
    width = days.shape[1]
    valid = np.arange(width)[None, :] < n[:, None]
    years = days / DAYS_PER_YEAR
    slopes, later = _pair_slopes(years, z)
    slopes[later[None, :] >= n[:, None]] = np.inf
    slopes.sort(axis=1)
    nt = n * (n - 1) // 2
    slope = _batch_median(slopes, nt)
    zc = _z(FORECAST_CONFIDENCE)
    nf = n.astype(float)
    sigma = np.sqrt(
        (nf * (nf - 1) * (2 * nf + 5) - _batch_repeat_term(years, valid) - _batch_repeat_term(z, valid)) / 18.0
    )
    upper = np.minimum(np.round((nt - zc * sigma) / 2.0).astype(int), nt - 1)
    lower = np.maximum(np.round((nt + zc * sigma) / 2.0).astype(int) - 1, 0)
    low = np.take_along_axis(slopes, lower[:, None], axis=1)[:, 0]
    high = np.take_along_axis(slopes, upper[:, None], axis=1)[:, 0]
    pivot_day = _batch_median(np.sort(np.where(valid, days, np.inf), axis=1), n)
    pivot = _batch_median(np.sort(np.where(valid, z, np.inf), axis=1), n)
    return pivot_day, pivot, slope, low, high


def _batch_model_values(kpis: list[Kpi], values: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, list]:
    """The rows of `values` on each KPI's bounded scale, and the scales (scale, lo, hi) per row."""
    out = np.full_like(values, np.nan)
    scales = []
    for row, kpi in enumerate(kpis):
        v = values[row][valid[row]]
        scale = _bounded_scale(kpi, v, v)
        out[row, : len(v)] = _to_model(scale[0], v, scale[1], scale[2])
        scales.append(scale)
    return out, scales


def forecast_all(
    kpis: Sequence[Kpi],
    periods: np.ndarray,
    values: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    window: int = FORECAST_WINDOW,
) -> list[Forecast | None]:
    """`forecast` for every KPI at once: kpis[k]'s points are periods/values[starts[k]:ends[k]], sorted by period,
    one per period (as the store returns them). The Theil–Sen fits run as one numpy pass over all KPIs."""
    starts, ends = np.asarray(starts, dtype=int), np.asarray(ends, dtype=int)
    values = np.asarray(values, dtype=float)
    count = ends - starts
    first = np.maximum(starts, ends - window)
    # Only the rows in each KPI's window are looked at: their days, in a local array `days` of rows
    # [first[k], ends[k]) for every KPI, at offset[k].
    sizes = ends - first
    offset = np.concatenate(([0], np.cumsum(sizes)))[:-1]
    rows = np.repeat(first - offset, sizes) + np.arange(int(sizes.sum()))
    days = np.array([p.toordinal() for p in periods[rows].tolist()], dtype=float)
    final = np.array([_final_target(k).period.toordinal() for k in kpis], dtype=float)
    last = np.where(sizes > 0, days[np.maximum(offset + sizes - 1, 0)] if len(days) else 0.0, -np.inf)
    group = np.repeat(np.arange(len(kpis)), sizes)
    recent = days > (last - FORECAST_YEARS * DAYS_PER_YEAR)[group]
    cumulative = np.concatenate(([0], np.cumsum(recent)))
    take = np.minimum(sizes, np.maximum(cumulative[offset + sizes] - cumulative[offset], MIN_FORECAST_POINTS))
    ok = np.flatnonzero((count >= MIN_FORECAST_POINTS) & (last < final))
    out: list[Forecast | None] = [None] * len(kpis)
    if not len(ok):
        return out
    n = take[ok]
    width = int(n.max())
    valid = np.arange(width)[None, :] < n[:, None]
    local = np.where(valid, (offset[ok] + sizes[ok] - n)[:, None] + np.arange(width)[None, :], 0)
    d, v = np.where(valid, days[local], np.nan), np.where(valid, values[rows[local]], np.nan)
    linear = _fit_batch(d, v, n)
    trends = [Trend("linear", -math.inf, math.inf, *fit) for fit in zip(*(a.tolist() for a in linear))]
    leaving = np.flatnonzero(_leave_range([kpis[k] for k in ok], final[ok], linear)).tolist()
    if leaving:
        rows = np.array(leaving)
        z, scales = _batch_model_values([kpis[ok[r]] for r in rows], v[rows], valid[rows])
        bounded = _fit_batch(d[rows], z, n[rows])
        for pos, row in enumerate(leaving):
            trends[row] = Trend(*scales[pos], *(float(a[pos]) for a in bounded))
    leaving_set = set(leaving)
    for row, k in enumerate(ok):
        latest = Point(periods[ends[k] - 1], float(values[ends[k] - 1]))
        out[k] = _make_forecast(kpis[k], trends[row], row in leaving_set, latest)
    return out


def _leave_range(kpis: list[Kpi], final: np.ndarray, linear: tuple[np.ndarray, ...]) -> np.ndarray:
    """`_leaves_range` for each KPI's straight line at its final target day (ordinals in `final`), in one numpy
    pass: the same operations as Trend.model_at, so the same answers."""
    pivot_day, pivot, slope, low, high = linear
    years = (final - pivot_day) / DAYS_PER_YEAR
    ends = np.stack([pivot + slope * years, pivot + low * years, pivot + high * years])
    lo, hi = np.array([_bounds(k) for k in kpis], dtype=float).reshape(-1, 2).T
    return (ends.min(axis=0) < lo) | (ends.max(axis=0) > hi)


def evaluate_many(
    kpis: Sequence[Kpi], periods: np.ndarray, values: np.ndarray, starts: np.ndarray, ends: np.ndarray, today: date
) -> list[KpiStatus]:
    """`evaluate` for every KPI at once (same input layout as forecast_all), with the forecasts in one pass."""
    forecasts = forecast_all(kpis, periods, values, starts, ends)
    out = []
    for k, kpi in enumerate(kpis):
        if ends[k] > starts[k]:
            latest = Point(periods[ends[k] - 1], float(values[ends[k] - 1]))
            final = _final_target(kpi).period
            note = (
                NOTE_DEADLINE_PASSED
                if latest.period >= final
                else NOTE_TOO_FEW
                if ends[k] - starts[k] < MIN_FORECAST_POINTS
                else ""
            )
        else:
            latest, note = None, ""
        out.append(_kpi_status(kpi, latest, today, forecasts[k], note))
    return out
