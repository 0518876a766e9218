"""The status rule, branch by branch, with numbers that can be checked by hand."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from kpi.model import Direction, Frequency, Kpi, Status, Target, Thresholds
from kpi.status import (
    Point,
    classify,
    evaluate,
    forecast,
    is_stale,
    meets,
    planned_value_at,
    progress_ratio,
)

HIGHER = Direction.HIGHER
LOWER = Direction.LOWER


def make_kpi(
    direction: Direction = HIGHER,
    baseline: tuple[date, float] = (date(2020, 12, 31), 20.0),
    targets: tuple[tuple[date, float], ...] = (
        (date(2022, 12, 31), 40.0),
        (date(2024, 12, 31), 60.0),
    ),
    frequency: Frequency = Frequency.YEARLY,
    thresholds: Thresholds | None = None,
    grace_days: int | None = None,
) -> Kpi:
    return Kpi(
        id="K-1",
        name="Test KPI",
        unit="%",
        direction=direction,
        frequency=frequency,
        baseline_period=baseline[0],
        baseline_value=baseline[1],
        targets=tuple(Target(period, value) for period, value in targets),
        thresholds=thresholds if thresholds is not None else Thresholds(),
        grace_days=grace_days,
    )


# Online share, higher is better: 20 (2020) → 40 (2022) → 60 (2024).
ONLINE_SHARE = make_kpi()
# Processing days, lower is better: 100 (2020) → 60 (2022) → 40 (2024).
PROCESSING_DAYS = make_kpi(
    LOWER,
    baseline=(date(2020, 12, 31), 100.0),
    targets=((date(2022, 12, 31), 60.0), (date(2024, 12, 31), 40.0)),
)
# "Hold the level": the target equals the baseline, so there is no planned step.
HOLD_HIGHER = make_kpi(targets=((date(2024, 12, 31), 20.0),))
HOLD_LOWER = make_kpi(LOWER, baseline=(date(2020, 12, 31), 5.0), targets=((date(2024, 12, 31), 5.0),))
HOLD_ZERO = make_kpi(LOWER, baseline=(date(2020, 12, 31), 0.0), targets=((date(2024, 12, 31), 0.0),))

TODAY = date(2023, 1, 15)


# --- status per branch -------------------------------------------------------------------------

END_2021 = date(2021, 12, 31)
END_2022 = date(2022, 12, 31)
END_2024 = date(2024, 12, 31)
MID_2026 = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("period", "value", "status", "progress"),
    [
        # plan at the first milestone (end of 2022) is 40, a step of 20 from the baseline
        pytest.param(END_2022, 39.5, Status.ON_TRACK, 0.975, id="higher-is-better-on-track"),
        pytest.param(END_2022, 39.0, Status.ON_TRACK, 0.95, id="higher-is-better-on-track-at-threshold"),
        pytest.param(END_2022, 50.0, Status.ON_TRACK, 1.5, id="higher-is-better-ahead-of-plan"),
        pytest.param(END_2022, 37.0, Status.AT_RISK, 0.85, id="higher-is-better-at-risk"),
        pytest.param(END_2022, 30.0, Status.OFF_TRACK, 0.5, id="higher-is-better-off-track"),
        pytest.param(END_2022, 15.0, Status.OFF_TRACK, -0.25, id="higher-is-better-below-baseline"),
        pytest.param(END_2022, 60.0, Status.ACHIEVED, 2.0, id="higher-is-better-achieved-early"),
        pytest.param(END_2024, 65.0, Status.ACHIEVED, 1.125, id="higher-is-better-achieved"),
        # halfway (365 of 730 days) to the first milestone the plan is 30
        pytest.param(END_2021, 29.0, Status.AT_RISK, 0.9, id="higher-is-better-before-first-milestone"),
        # after the final target date a value short of it has missed the target
        pytest.param(MID_2026, 55.0, Status.MISSED, 0.875, id="higher-is-better-after-final-target"),
    ],
)
def test_status_higher_is_better(period: date, value: float, status: Status, progress: float) -> None:
    result = evaluate(ONLINE_SHARE, [Point(period, value)], TODAY)
    assert result.status is status
    assert result.progress == pytest.approx(progress)
    assert (result.latest_period, result.latest_value) == (period, value)


@pytest.mark.parametrize(
    ("period", "value", "status", "progress"),
    [
        # plan at the first milestone is 60, a step of 40 down; (value-100)/(60-100) gives the same
        pytest.param(END_2022, 61.0, Status.ON_TRACK, 0.975, id="lower-is-better-on-track"),
        pytest.param(END_2022, 50.0, Status.ON_TRACK, 1.25, id="lower-is-better-ahead-of-plan"),
        pytest.param(END_2022, 66.0, Status.AT_RISK, 0.85, id="lower-is-better-at-risk"),
        pytest.param(END_2022, 75.0, Status.OFF_TRACK, 0.625, id="lower-is-better-off-track"),
        pytest.param(END_2022, 110.0, Status.OFF_TRACK, -0.25, id="lower-is-better-above-baseline"),
        pytest.param(END_2022, 40.0, Status.ACHIEVED, 1.5, id="lower-is-better-achieved-early"),
        pytest.param(END_2024, 34.0, Status.ACHIEVED, 1.1, id="lower-is-better-achieved"),
        # halfway to the first milestone the plan is 80, a step of 20 down
        pytest.param(END_2021, 82.0, Status.AT_RISK, 0.9, id="lower-is-better-before-first-milestone"),
        # after the final target date a value short of it (40) has missed the target
        pytest.param(MID_2026, 46.0, Status.MISSED, 0.9, id="lower-is-better-after-final-target"),
    ],
)
def test_status_lower_is_better(period: date, value: float, status: Status, progress: float) -> None:
    result = evaluate(PROCESSING_DAYS, [Point(period, value)], TODAY)
    assert result.status is status
    assert result.progress == pytest.approx(progress)
    assert (result.latest_period, result.latest_value) == (period, value)


@pytest.mark.parametrize(
    ("value", "status", "progress"),
    [
        # hold 20: a shortfall is measured relative to the plan itself
        pytest.param(20.0, Status.ACHIEVED, 1.0, id="target-equals-baseline-met"),
        pytest.param(19.0, Status.ON_TRACK, 0.95, id="target-equals-baseline-missed-slightly"),
        pytest.param(15.0, Status.OFF_TRACK, 0.75, id="target-equals-baseline-missed"),
    ],
)
def test_status_target_equals_baseline(value: float, status: Status, progress: float) -> None:
    result = evaluate(HOLD_HIGHER, [Point(END_2022, value)], TODAY)
    assert result.status is status
    assert result.progress == pytest.approx(progress)


def test_lower_is_better_progress_is_the_design_formula_mirrored() -> None:
    for actual in (100.0, 90.0, 66.0, 60.0, 50.0, 120.0):
        design = (actual - 100.0) / (60.0 - 100.0)
        assert progress_ratio(PROCESSING_DAYS, actual, END_2022) == pytest.approx(design)


def test_no_data() -> None:
    result = evaluate(ONLINE_SHARE, [], date(2030, 1, 1))
    assert result.status is Status.NO_DATA
    assert result.stale is True  # the first value was due on 30.04.2022
    assert (result.latest_period, result.latest_value, result.planned_value) == (None, None, None)
    assert (result.progress, result.deviation, result.forecast) == (None, None, None)
    # first yearly period after the 2020 baseline, plus 120 days of grace
    assert result.next_due == date(2022, 4, 30)


def test_no_data_monthly_is_due_one_month_after_baseline_plus_grace() -> None:
    kpi = make_kpi(frequency=Frequency.MONTHLY)
    assert evaluate(kpi, [], TODAY).next_due == date(2021, 3, 2)  # 2021-01-31 + 30 days


def test_single_measurement_has_a_status_but_no_forecast() -> None:
    result = evaluate(ONLINE_SHARE, [Point(END_2022, 37.0)], TODAY)
    assert result.status is Status.AT_RISK
    assert result.forecast is None
    assert forecast(ONLINE_SHARE, [Point(END_2022, 37.0)]) is None


def test_two_values_for_the_same_period_give_no_forecast() -> None:
    assert forecast(ONLINE_SHARE, [Point(END_2022, 37.0), Point(END_2022, 38.0)]) is None


def test_evaluate_uses_the_newest_point_whatever_the_input_order() -> None:
    points = [
        Point(END_2022, 37.0),
        Point(date(2021, 12, 31), 25.0),
        Point(date(2020, 12, 31), 20.0),
    ]
    result = evaluate(ONLINE_SHARE, points, TODAY)
    assert (result.latest_period, result.latest_value) == (END_2022, 37.0)
    assert result.planned_value == 40.0


@pytest.mark.parametrize(
    ("kpi", "value", "planned", "deviation"),
    [
        pytest.param(ONLINE_SHARE, 37.0, 40.0, -3.0, id="higher-is-better-behind"),
        pytest.param(ONLINE_SHARE, 45.0, 40.0, 5.0, id="higher-is-better-ahead"),
        pytest.param(PROCESSING_DAYS, 66.0, 60.0, -6.0, id="lower-is-better-behind"),
        pytest.param(PROCESSING_DAYS, 55.0, 60.0, 5.0, id="lower-is-better-ahead"),
    ],
)
def test_deviation_is_negative_when_behind_plan(kpi: Kpi, value: float, planned: float, deviation: float) -> None:
    result = evaluate(kpi, [Point(END_2022, value)], TODAY)
    assert result.planned_value == planned
    assert result.deviation == deviation


# --- target path -------------------------------------------------------------------------------

# 0 on 2021-01-01, 10 after 10 days, 30 after 20 more days: one unit per day, then two.
DAILY_PATH = make_kpi(
    baseline=(date(2021, 1, 1), 0.0),
    targets=((date(2021, 1, 11), 10.0), (date(2021, 1, 31), 30.0)),
)


@pytest.mark.parametrize(
    ("day", "planned"),
    [
        pytest.param(date(2020, 12, 1), 0.0, id="before-baseline"),
        pytest.param(date(2021, 1, 1), 0.0, id="at-baseline"),
        pytest.param(date(2021, 1, 6), 5.0, id="before-first-milestone"),
        pytest.param(date(2021, 1, 11), 10.0, id="at-first-milestone"),
        pytest.param(date(2021, 1, 21), 20.0, id="between-milestones"),
        pytest.param(date(2021, 1, 31), 30.0, id="at-final-target"),
        pytest.param(date(2021, 2, 15), 30.0, id="after-final-target"),
    ],
)
def test_planned_value_interpolates_by_day(day: date, planned: float) -> None:
    assert planned_value_at(DAILY_PATH, day) == pytest.approx(planned)


def test_planned_value_does_not_depend_on_milestone_order() -> None:
    reversed_targets = make_kpi(
        baseline=(date(2021, 1, 1), 0.0),
        targets=((date(2021, 1, 31), 30.0), (date(2021, 1, 11), 10.0)),
    )
    assert planned_value_at(reversed_targets, date(2021, 1, 6)) == pytest.approx(5.0)
    assert planned_value_at(reversed_targets, date(2021, 1, 21)) == pytest.approx(20.0)
    # the final target is the latest one, not the last listed
    assert classify(reversed_targets, 0.5, 10.0) is Status.OFF_TRACK


def test_planned_value_lower_is_better_multiple_milestones() -> None:
    assert planned_value_at(PROCESSING_DAYS, date(2021, 12, 31)) == pytest.approx(80.0)  # 365 of 730 days
    assert planned_value_at(PROCESSING_DAYS, date(2024, 12, 31)) == 40.0
    assert planned_value_at(PROCESSING_DAYS, date(2030, 1, 1)) == 40.0


# --- progress when there is no planned step ----------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "actual", "day", "progress"),
    [
        pytest.param(HOLD_HIGHER, 20.0, END_2022, 1.0, id="higher-hold-met-exactly"),
        pytest.param(HOLD_HIGHER, 25.0, END_2022, 1.0, id="higher-hold-exceeded"),
        pytest.param(HOLD_HIGHER, 18.0, END_2022, 0.9, id="higher-hold-missed"),
        pytest.param(HOLD_HIGHER, -5.0, END_2022, 0.0, id="higher-hold-missed-clipped-at-zero"),
        pytest.param(HOLD_LOWER, 4.0, END_2022, 1.0, id="lower-hold-met"),
        pytest.param(HOLD_LOWER, 6.0, END_2022, 0.8, id="lower-hold-missed"),
        pytest.param(HOLD_ZERO, 0.0, END_2022, 1.0, id="zero-plan-met"),
        pytest.param(HOLD_ZERO, 0.5, END_2022, 0.0, id="zero-plan-missed"),
        # before the baseline period the plan is the baseline (20), so again no step
        pytest.param(ONLINE_SHARE, 19.0, date(2020, 6, 30), 0.95, id="before-baseline-missed"),
        pytest.param(ONLINE_SHARE, 25.0, date(2020, 6, 30), 1.0, id="before-baseline-met"),
    ],
)
def test_progress_without_planned_step(kpi: Kpi, actual: float, day: date, progress: float) -> None:
    assert progress_ratio(kpi, actual, day) == pytest.approx(progress)


def test_progress_against_a_plan_that_allows_decline() -> None:
    # Higher is better, but the plan accepts a fall from 100 to 90: 95 is ahead of plan, not behind.
    kpi = make_kpi(
        baseline=(date(2020, 12, 31), 100.0),
        targets=((END_2022, 90.0), (date(2024, 12, 31), 80.0)),
    )
    assert progress_ratio(kpi, 95.0, END_2022) == pytest.approx(1.5)
    assert progress_ratio(kpi, 85.0, END_2022) == pytest.approx(0.5)


def test_progress_of_a_missing_number_is_none() -> None:
    assert progress_ratio(ONLINE_SHARE, math.nan, END_2022) is None
    assert classify(ONLINE_SHARE, None, math.nan) is Status.NO_DATA


# --- thresholds --------------------------------------------------------------------------------

LENIENT = Thresholds(on_track=0.8, at_risk=0.5)


@pytest.mark.parametrize(
    ("thresholds", "value", "status"),
    [
        pytest.param(None, 37.0, Status.AT_RISK, id="default-0.85-at-risk"),
        pytest.param(LENIENT, 37.0, Status.ON_TRACK, id="override-0.85-on-track"),
        pytest.param(None, 30.0, Status.OFF_TRACK, id="default-0.5-off-track"),
        pytest.param(LENIENT, 30.0, Status.AT_RISK, id="override-0.5-at-risk-at-threshold"),
        pytest.param(LENIENT, 29.0, Status.OFF_TRACK, id="override-0.45-off-track"),
    ],
)
def test_per_kpi_threshold_override(thresholds: Thresholds | None, value: float, status: Status) -> None:
    kpi = make_kpi(thresholds=thresholds)
    assert evaluate(kpi, [Point(END_2022, value)], TODAY).status is status


# --- staleness ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "grace_days", "latest", "due"),
    [
        pytest.param(Frequency.MONTHLY, None, date(2024, 1, 31), date(2024, 3, 30), id="monthly"),  # Feb 29 + 30
        pytest.param(Frequency.QUARTERLY, None, date(2024, 3, 31), date(2024, 8, 29), id="quarterly"),  # Jun 30 + 60
        pytest.param(Frequency.YEARLY, None, date(2023, 12, 31), date(2025, 4, 30), id="yearly"),  # Dec 31 + 120
        pytest.param(Frequency.MONTHLY, 0, date(2024, 1, 31), date(2024, 2, 29), id="monthly-no-grace"),
        pytest.param(Frequency.YEARLY, 10, date(2023, 12, 31), date(2025, 1, 10), id="yearly-grace-override"),
    ],
)
def test_stale_one_day_after_due_date(frequency: Frequency, grace_days: int | None, latest: date, due: date) -> None:
    kpi = make_kpi(frequency=frequency, grace_days=grace_days)
    assert is_stale(kpi, latest, due - timedelta(days=1)) is False
    assert is_stale(kpi, latest, due) is False
    assert is_stale(kpi, latest, due + timedelta(days=1)) is True
    assert evaluate(kpi, [Point(latest, 39.5)], due).next_due == due


def test_stale_is_shown_on_top_of_the_status() -> None:
    result = evaluate(ONLINE_SHARE, [Point(END_2022, 39.5)], date(2025, 1, 1))
    assert result.stale is True
    assert result.status is Status.ON_TRACK


def test_no_data_is_overdue_once_the_first_value_is_due() -> None:
    assert is_stale(ONLINE_SHARE, None, date(2022, 4, 30)) is False
    assert is_stale(ONLINE_SHARE, None, date(2022, 5, 1)) is True


# --- meets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "value", "target", "expected"),
    [
        pytest.param(HIGHER, 60.0, 60.0, True, id="higher-is-better-equal"),
        pytest.param(HIGHER, 61.0, 60.0, True, id="higher-is-better-above"),
        pytest.param(HIGHER, 59.9, 60.0, False, id="higher-is-better-below"),
        pytest.param(LOWER, 40.0, 40.0, True, id="lower-is-better-equal"),
        pytest.param(LOWER, 39.0, 40.0, True, id="lower-is-better-below"),
        pytest.param(LOWER, 40.1, 40.0, False, id="lower-is-better-above"),
        pytest.param(LOWER, 0.1 + 0.2, 0.3, True, id="lower-is-better-rounding-hair-above"),
        pytest.param(LOWER, 0.3001, 0.3, False, id="lower-is-better-small-real-miss"),
    ],
)
def test_meets_is_direction_aware(direction: Direction, value: float, target: float, expected: bool) -> None:
    assert meets(make_kpi(direction), value, target) is expected


# --- forecast ----------------------------------------------------------------------------------

START = date(2020, 1, 1)


def series(*values: float, step_days: int = 100) -> list[Point]:
    """Points every `step_days` days from 2020-01-01."""
    return [Point(START + timedelta(days=i * step_days), v) for i, v in enumerate(values)]


def forecast_kpi(direction: Direction, baseline: float, target_period: date, target: float) -> Kpi:
    return make_kpi(direction, baseline=(START, baseline), targets=((target_period, target),))


def test_forecast_of_exact_linear_data() -> None:
    # +0.1 per day from 10: on the target date 2023-01-01 (day 1096) the trend is at 119.6,
    # and it reaches the target value 100 on day 900
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 100.0)
    result = forecast(kpi, series(10.0, 20.0, 30.0, 40.0))
    assert result is not None
    assert result.slope_per_year == pytest.approx(0.1 * 365.25)
    assert result.value_at_target == pytest.approx(10.0 + 109.6)
    assert result.low == pytest.approx(119.6)
    assert result.high == pytest.approx(119.6)
    assert result.reach_date == date(2022, 6, 19)
    assert result.on_time is True
    assert (result.target_period, result.target_value) == (date(2023, 1, 1), 100.0)
    assert result.value_at(START) == pytest.approx(10.0)
    assert result.value_at(date(2023, 1, 1)) == pytest.approx(result.value_at_target)


def test_no_forecast_from_fewer_than_four_points() -> None:
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 100.0)
    assert forecast(kpi, series(10.0, 20.0)) is None
    assert forecast(kpi, series(10.0, 20.0, 30.0)) is None
    assert evaluate(kpi, series(10.0, 20.0, 30.0), TODAY).forecast_note == "too_few"


@pytest.mark.parametrize(
    ("target", "reach_date", "on_time"),
    [
        # -0.1 per day from 100; on the target date (day 731) the trend is at 26.9
        pytest.param(30.0, date(2021, 12, 1), True, id="lower-is-better-reaches-in-time"),  # day 700
        pytest.param(20.0, date(2022, 3, 11), False, id="lower-is-better-reaches-late"),  # day 800
    ],
)
def test_forecast_decreasing_series_lower_is_better(target: float, reach_date: date, on_time: bool) -> None:
    kpi = forecast_kpi(LOWER, 100.0, date(2022, 1, 1), target)
    result = forecast(kpi, series(100.0, 90.0, 80.0, 70.0))
    assert result is not None
    assert result.slope_per_year == pytest.approx(-0.1 * 365.25)
    assert result.value_at_target == pytest.approx(26.9)
    assert result.reach_date == reach_date
    assert result.on_time is on_time


def test_forecast_flat_series_never_reaches() -> None:
    kpi = forecast_kpi(HIGHER, 50.0, date(2023, 1, 1), 60.0)
    result = forecast(kpi, series(50.0, 50.0, 50.0, 50.0))
    assert result is not None
    assert result.slope_per_year == 0.0
    assert result.value_at_target == pytest.approx(50.0)
    assert result.reach_date is None
    assert result.on_time is False


def test_forecast_moving_away_from_target_never_reaches() -> None:
    kpi = forecast_kpi(LOWER, 100.0, date(2023, 1, 1), 50.0)
    result = forecast(kpi, series(100.0, 110.0, 120.0, 130.0))
    assert result is not None
    assert result.reach_date is None
    assert result.on_time is False


def test_forecast_already_past_the_target_reports_the_crossing() -> None:
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 25.0)
    result = forecast(kpi, series(10.0, 20.0, 30.0, 40.0))
    assert result is not None
    assert result.reach_date == date(2020, 5, 30)  # day 150, before the newest value
    assert result.on_time is True


def test_forecast_ignores_an_outlier() -> None:
    # +0.1 per day from 10, monthly-ish, with a typo (1000 too high) in the newest value.
    clean = [10.0 + 0.1 * 30 * i for i in range(13)]
    dirty = [*clean[:-1], clean[-1] + 1000.0]
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 200.0)
    result = forecast(kpi, series(*dirty, step_days=30))
    assert result is not None
    assert result.slope_per_year == pytest.approx(0.1 * 365.25)
    assert result.value_at_target == pytest.approx(10.0 + 109.6)
    # the outlier is strong: a least-squares line would more than double its slope
    days = np.array([i * 30 for i in range(13)], dtype=float) / 365.25
    least_squares_slope = np.polyfit(days, dirty, 1)[0]
    assert least_squares_slope > 2 * 0.1 * 365.25


def test_forecast_window_follows_the_recent_trend() -> None:
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 100.0)
    points = series(10.0, 20.0, 30.0, 40.0, 40.0, 40.0, 40.0)
    whole = forecast(kpi, points)
    recent = forecast(kpi, points, window=4)
    assert whole is not None and recent is not None
    assert whole.slope_per_year > 0
    assert recent.slope_per_year == 0.0
    assert recent.reach_date is None


def test_forecast_band_brackets_noisy_data() -> None:
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 100.0)
    result = forecast(kpi, series(10.0, 23.0, 29.0, 41.0, 48.0, 62.0, 66.0, 81.0))
    assert result is not None
    assert result.low < result.value_at_target < result.high


def test_forecast_band_is_ordered_on_a_day_before_the_data() -> None:
    # the band pivots on the median of the data, so a day before it swaps the slopes' order
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 100.0)
    result = forecast(kpi, series(10.0, 23.0, 29.0, 41.0, 48.0, 62.0, 66.0, 81.0))
    assert result is not None
    low, high = result.band_at(date(2020, 2, 1))
    assert low < result.value_at(date(2020, 2, 1)) < high


def test_forecast_sorts_its_points() -> None:
    kpi = forecast_kpi(HIGHER, 10.0, date(2023, 1, 1), 100.0)
    result = forecast(kpi, list(reversed(series(0.0, 10.0, 20.0, 30.0, 60.0))), window=4)
    assert result is not None
    # the newest four (10, 20, 30, 60): median of the pairwise slopes per day (0.1 + 50/300) / 2, not the oldest
    assert result.slope_per_year == pytest.approx((0.1 + 50 / 300) / 2 * 365.25)


def test_forecast_window_below_two_is_a_bug() -> None:
    with pytest.raises(ValueError, match="window"):
        forecast(ONLINE_SHARE, series(10.0, 20.0, 30.0, 40.0), window=3)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_numpy_theil_sen_matches_scipy(seed):
    from scipy.stats import theilslopes

    from kpi.status import theil_sen

    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(2020, 2026, 30))
    x[5] = x[4]  # a tie in x, which changes Sen's variance
    y = 3.0 * x + rng.normal(0, 2, 30)
    y[7] = y[8]
    ref = theilslopes(y, x, alpha=0.9)
    slope, low, high = theil_sen(x, y, 0.9)
    assert slope == pytest.approx(ref.slope)
    assert (low, high) == (pytest.approx(ref.low_slope), pytest.approx(ref.high_slope))
