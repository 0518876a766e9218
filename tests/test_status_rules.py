"""Issue 11: missed and not assessable, the tolerance band the chart shares with the status, the one overdue rule,
forecasts that stay honest (range, deadline, too few values, recent pace), the vectorised forecast, display words."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from kpi import i18n, templates, views
from kpi.model import Direction, Frequency, Kpi, Status, Target
from kpi.report import deck
from kpi.status import (
    MIN_FORECAST_POINTS,
    Point,
    evaluate,
    forecast,
    forecast_all,
    is_overdue,
    progress_ratio,
    tolerance_band,
)

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER


def kpi_of(
    direction=HIGHER,
    base=(date(2020, 12, 31), 50.0),
    targets=((date(2025, 12, 31), 80.0),),
    unit="%",
    range_min=None,
    range_max=None,
    frequency=Frequency.YEARLY,
) -> Kpi:
    return Kpi(
        id="K",
        name="K",
        unit=unit,
        direction=direction,
        frequency=frequency,
        baseline_period=base[0],
        baseline_value=base[1],
        targets=tuple(Target(p, v) for p, v in targets),
        range_min=range_min,
        range_max=range_max,
    )


def yearly(*pairs: tuple[int, float]) -> list[Point]:
    return [Point(date(y, 12, 31), v) for y, v in pairs]


# A plan that rises and then falls: 50 (2020) → 80 (2025) → 60 (2030).
RISE_FALL = kpi_of(targets=((date(2025, 12, 31), 80.0), (date(2030, 12, 31), 60.0)))
# EG-15: 10 % (2020) → 100 % by 2024.
SHARE_DUE_2024 = kpi_of(
    base=(date(2020, 12, 31), 10.0), targets=((date(2024, 12, 31), 100.0),), range_min=0.0, range_max=100.0
)
FALLING = kpi_of(LOWER, base=(date(2020, 12, 31), 100.0), targets=((date(2024, 12, 31), 60.0),))


@pytest.mark.parametrize(
    ("kpi", "points", "status"),
    [
        pytest.param(
            RISE_FALL,
            yearly((2025, 70.0)),
            Status.OFF_TRACK,
            id="final-target-met-but-behind-the-plan-in-force-is-not-achieved",
        ),
        pytest.param(
            RISE_FALL, yearly((2025, 81.0)), Status.ACHIEVED, id="final-met-and-plan-in-force-met-is-achieved"
        ),
        pytest.param(
            SHARE_DUE_2024, yearly((2026, 96.0)), Status.MISSED, id="deadline-passed-target-not-met-is-missed"
        ),
        pytest.param(SHARE_DUE_2024, yearly((2030, 96.0)), Status.MISSED, id="six-years-late-96-percent-is-missed"),
        pytest.param(SHARE_DUE_2024, yearly((2024, 100.0)), Status.ACHIEVED, id="deadline-reached-and-met-is-achieved"),
        pytest.param(FALLING, yearly((2025, 61.0)), Status.MISSED, id="lower-is-better-deadline-passed-is-missed"),
        pytest.param(
            SHARE_DUE_2024,
            yearly((2020, 10.0)),
            Status.NOT_ASSESSABLE,
            id="single-value-equal-to-baseline-is-not-assessable",
        ),
        pytest.param(
            SHARE_DUE_2024,
            yearly((2019, 8.0), (2020, 10.0)),
            Status.NOT_ASSESSABLE,
            id="values-only-up-to-the-baseline-are-not-assessable",
        ),
        pytest.param(
            SHARE_DUE_2024,
            yearly((2020, 10.0), (2021, 10.0)),
            Status.OFF_TRACK,
            id="baseline-plus-one-value-without-progress-is-off-track",
        ),
        pytest.param(SHARE_DUE_2024, [], Status.NO_DATA, id="no-values-is-no-data"),
    ],
)
def test_new_status_branches(kpi: Kpi, points: list[Point], status: Status) -> None:
    assert evaluate(kpi, points, date(2031, 1, 1)).status is status


def test_new_statuses_have_colour_icon_and_word_in_both_languages() -> None:
    styles = [i18n.STATUS_STYLE[s.value] for s in Status]
    assert len({s["color"] for s in styles}) == len(styles)
    assert len({s["icon"] for s in styles}) == len(styles)
    assert (i18n.status_label("missed", "de"), i18n.status_label("missed", "en")) == ("⊗ verfehlt", "⊗ missed")
    assert i18n.status_label("not_assessable", "de") == "◌ nicht bewertbar"
    assert i18n.status_label("not_assessable", "en") == "◌ not assessable"
    assert [s.value for s in views.STATUS_ORDER] == [
        s for s in ["missed", "off_track", "at_risk", "on_track", "achieved", "not_assessable", "no_data"]
    ]
    assert set(deck.BADGE_TEXT) >= {s.value for s in Status}


# --- the tolerance band is the status rule's -------------------------------------------------------------------

RISING = kpi_of(base=(date(2020, 12, 31), 0.0), targets=((date(2024, 12, 31), 100.0),))
FALLING_PLAN_HIGHER = kpi_of(base=(date(2020, 12, 31), 100.0), targets=((date(2024, 12, 31), 80.0),))
FALLING_PLAN_LOWER = kpi_of(LOWER, base=(date(2020, 12, 31), 100.0), targets=((date(2024, 12, 31), 80.0),))
FLAT = kpi_of(base=(date(2020, 12, 31), 50.0), targets=((date(2024, 12, 31), 50.0),))
END = date(2024, 12, 31)


@pytest.mark.parametrize(
    ("kpi", "on_track_edge", "at_risk_edge"),
    [
        pytest.param(RISING, 95.0, 80.0, id="rising-plan"),
        pytest.param(FALLING_PLAN_HIGHER, 79.0, 76.0, id="falling-plan-higher-is-better-edge-79-not-81"),
        pytest.param(FALLING_PLAN_LOWER, 81.0, 84.0, id="falling-plan-lower-is-better"),
        pytest.param(FLAT, 47.5, 40.0, id="flat-plan"),
    ],
)
def test_tolerance_band_edges_are_where_the_status_changes(kpi: Kpi, on_track_edge: float, at_risk_edge: float) -> None:
    (ok,), (risk,) = tolerance_band(kpi, [END])
    assert (ok, risk) == (pytest.approx(on_track_edge), pytest.approx(at_risk_edge))
    assert progress_ratio(kpi, ok, END) == pytest.approx(kpi.thresholds.on_track)
    assert progress_ratio(kpi, risk, END) == pytest.approx(kpi.thresholds.at_risk)
    inside = 1e-6 if kpi.direction is HIGHER else -1e-6
    before = END - timedelta(days=1)  # the day before the deadline: judged by the thresholds
    ((ok, risk),) = zip(*tolerance_band(kpi, [before]))
    assert evaluate(kpi, [Point(before, ok + inside)], END).status in (Status.ON_TRACK, Status.ACHIEVED)
    assert evaluate(kpi, [Point(before, ok - inside)], END).status is Status.AT_RISK
    assert evaluate(kpi, [Point(before, risk - inside)], END).status is Status.OFF_TRACK


def test_the_chart_draws_the_status_band() -> None:
    from kpi.charts import kpi_figure

    series = views.pd.DataFrame({"period": [date(2022, 12, 31)], "value": [92.0], "comment": [None]})
    status = evaluate(FALLING_PLAN_HIGHER, [Point(date(2022, 12, 31), 92.0)], date(2023, 1, 1))
    figure = kpi_figure(FALLING_PLAN_HIGHER, series, status)
    on_track_trace = figure.data[1]
    at_end = dict(zip(on_track_trace.x, on_track_trace.y))[END]
    assert at_end == pytest.approx(79.0)


# --- forecasts ---------------------------------------------------------------------------------------------------

TODAY = date(2026, 12, 1)
SC07 = kpi_of(
    LOWER,
    base=(date(2020, 12, 31), 9.5),
    unit="Schüler je Gerät",
    range_min=0.0,
    targets=((date(2022, 12, 31), 3.0), (date(2025, 12, 31), 1.5), (date(2030, 12, 31), 1.0)),
)
SC07_VALUES = yearly((2020, 9.5), (2021, 5.7), (2022, 2.8), (2023, 2.4), (2024, 2.2), (2025, 1.2))
GIGABIT = kpi_of(
    base=(date(2018, 12, 31), 1.0),
    range_min=0.0,
    range_max=100.0,
    frequency=Frequency.QUARTERLY,
    targets=((date(2025, 12, 31), 100.0), (date(2030, 12, 31), 100.0)),
)
GIGABIT_VALUES = [
    Point(date(y, m, 30 if m == 6 else 31), v)
    for (y, m), v in zip(
        [(y, m) for y in range(2018, 2027) for m in (6, 12)][1:],
        [1.0, 1.0, 11.53, 49.29, 52.29, 53.58, 59.3, 64.67, 69.63, 74.26, 77.93, 80.2, 83.08, 85.13, 86.89, 88.45],
    )
]
SHARE_2030 = kpi_of(
    base=(date(2020, 12, 31), 10.0), targets=((date(2030, 12, 31), 100.0),), range_min=0.0, range_max=100.0
)


@pytest.mark.parametrize(
    ("kpi", "points"),
    [
        pytest.param(SC07, SC07_VALUES, id="sc07-pupils-per-device-never-below-zero"),
        pytest.param(GIGABIT, GIGABIT_VALUES, id="gigabit-share-never-above-100"),
        pytest.param(
            SHARE_2030,
            yearly((2021, 40.0), (2022, 70.0), (2023, 90.0), (2024, 99.0)),
            id="steep-share-band-does-not-collapse-at-100",
        ),
    ],
)
def test_forecast_stays_in_range_and_its_band_stays_open(kpi: Kpi, points: list[Point]) -> None:
    fc = forecast(kpi, points)
    assert fc is not None
    low, high = kpi.range_min, kpi.range_max if kpi.range_max is not None else math.inf
    for day in (points[-1].period, date(2028, 6, 30), fc.target_period):
        band = fc.band_at(day)
        assert low <= band[0] <= fc.value_at(day) <= band[1] <= high
    assert fc.bounded
    assert fc.high > fc.low  # not [100, 100]


def test_recent_pace_weighs_more_than_one_old_jump() -> None:
    # The straight line through the 2020 jump said 100 % by Dec 2022; the recent pace is about 3.5 points a year.
    fc = forecast(GIGABIT, GIGABIT_VALUES)
    assert fc is not None
    assert 88.45 < fc.value_at(date(2027, 12, 31)) < 95.0
    assert fc.reach_date is None or fc.reach_date > date(2030, 12, 31)


@pytest.mark.parametrize(
    ("kpi", "points", "latest_meets"),
    [
        # the trend line crosses 1.5 before 2025, but the 2025 value (1.6) does not meet it: no date in the past
        pytest.param(
            kpi_of(LOWER, base=(date(2020, 12, 31), 9.5), range_min=0.0, targets=((date(2030, 12, 31), 1.5),)),
            yearly((2021, 4.0), (2022, 2.0), (2023, 1.0), (2024, 1.8), (2025, 1.6)),
            False,
            id="target-not-met-no-date-before-the-newest-value",
        ),
        pytest.param(
            kpi_of(targets=((date(2030, 12, 31), 60.0),)),
            yearly((2021, 55.0), (2022, 62.0), (2023, 63.0), (2024, 64.0)),
            True,
            id="target-met-a-past-date-is-allowed",
        ),
    ],
)
def test_reach_date_is_not_before_the_newest_value_unless_met(kpi, points, latest_meets) -> None:
    fc = forecast(kpi, points)
    assert fc is not None
    if latest_meets:
        assert fc.reach_date is not None and fc.reach_date <= points[-1].period
    else:
        assert fc.reach_date is None or fc.reach_date > points[-1].period


@pytest.mark.parametrize(
    ("kpi", "points", "note"),
    [
        pytest.param(
            SHARE_2030, yearly((2021, 20.0), (2022, 40.0), (2023, 60.0)), "too_few", id="three-values-too-few"
        ),
        pytest.param(
            SHARE_DUE_2024,
            yearly((2021, 20.0), (2022, 40.0), (2023, 60.0), (2025, 90.0)),
            "deadline_passed",
            id="target-year-measured-shows-the-outcome",
        ),
        pytest.param(
            SHARE_2030, yearly((2021, 20.0), (2022, 40.0), (2023, 60.0), (2024, 70.0)), "", id="four-values-forecast"
        ),
    ],
)
def test_when_there_is_no_forecast(kpi: Kpi, points: list[Point], note: str) -> None:
    result = evaluate(kpi, points, TODAY)
    assert result.forecast_note == note
    assert (result.forecast is None) is bool(note)
    assert MIN_FORECAST_POINTS == 4


def _random_kpis(rng: np.random.Generator, count: int):
    kpis, periods, values, starts, ends = [], [], [], [], []
    for i in range(count):
        n = int(rng.integers(0, 30))
        kind = i % 4
        rmin, rmax = [(None, None), (0.0, 100.0), (0.0, None), (None, 500.0)][kind]
        kpi = Kpi(
            id=f"R{i}",
            name="r",
            unit="%",
            direction=HIGHER if i % 3 else LOWER,
            frequency=Frequency.MONTHLY,
            baseline_period=date(2015, 12, 31),
            baseline_value=50.0,
            targets=(Target(date(2030, 12, 31), 100.0 if i % 3 else 1.0),),
            range_min=rmin,
            range_max=rmax,
        )
        days = sorted(rng.choice(3000, size=n, replace=False))
        start = len(values)
        for d in days:
            periods.append(date(2016, 1, 1) + timedelta(days=int(d)))
            v = 50 + (d / 30) * rng.normal(0.5, 0.5) + rng.normal(0, 3)
            values.append(float(min(max(v, rmin if rmin is not None else -1e9), rmax if rmax is not None else 1e9)))
        if n > 5:
            values[start + 2] = values[start + 3]  # a tie, which changes Sen's variance
        kpis.append(kpi)
        starts.append(start)
        ends.append(len(values))
    return kpis, np.array(periods, dtype=object), np.array(values), np.array(starts), np.array(ends)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_forecast_is_identical_to_the_per_kpi_one(seed: int) -> None:
    kpis, periods, values, starts, ends = _random_kpis(np.random.default_rng(seed), 120)
    batch = forecast_all(kpis, periods, values, starts, ends)
    single = [forecast(k, [Point(periods[i], values[i]) for i in range(s, e)]) for k, s, e in zip(kpis, starts, ends)]
    assert sum(fc is not None for fc in single) > 50
    assert {fc.trend.scale for fc in single if fc} >= {"linear", "logit", "log_low"}
    assert batch == single


# --- one overdue rule ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [None, datetime(2023, 12, 31, 23, 59, 59)], ids=["today", "31.12.2023"])
def test_every_view_lists_the_same_overdue_kpis(seeded_store, as_of) -> None:
    snap = views.snapshot(seeded_store, as_of)
    frame = views.status_frame(snap)
    cockpit = set(views.overdue(frame)["kpi_id"])
    expected = {k.id for k in snap.kpis if is_overdue(k, snap.statuses[k.id].latest_period, snap.today)}
    area = set().union(*(set(views.overdue(frame[frame["responsible"] == u.id])["kpi_id"]) for u in snap.catalog.units))
    due = templates.due_frame(snap)
    upload = set(due.loc[due["overdue"], "kpi_id"])
    decisions = {item.ref for key, item in deck._decision_items(snap, frame, "de") if key == "stale"}
    status_cli = set(frame.loc[frame["stale"], "kpi_id"])
    assert cockpit, "the demo has overdue KPIs on both days"
    assert cockpit == expected == area == upload == decisions == status_cli
    if as_of is None:
        assert {"EG-05", "EG-06"} <= cockpit


def test_an_overdue_kpi_does_not_count_as_on_track(seeded_store) -> None:
    snap = views.snapshot(seeded_store)
    frame = views.status_frame(snap)
    eg = next(s for s in views.theme_summaries(snap, frame) if s.theme_id == "EG")
    part = frame[frame["theme_id"] == "EG"]
    assert bool(part.loc[part["kpi_id"] == "EG-05", "stale"].iloc[0])
    assert part.loc[part["kpi_id"] == "EG-05", "status"].iloc[0] in ("on_track", "achieved")
    good = part["status"].isin(["on_track", "achieved"]) & ~part["stale"]
    assert eg.share_on_track == pytest.approx(good.sum() / eg.with_data)
    assert eg.stale >= 2


# --- display -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "lang", "text"),
    [
        pytest.param(4087.5, "Anzahl", "de", "4.088", id="count-without-decimals"),
        pytest.param(12.4, "Arbeitsplätze", "de", "12 Arbeitsplätze", id="workplaces-without-decimals"),
        pytest.param(1.0, "Minuten", "de", "1 Minute", id="one-minute-singular"),
        pytest.param(2.0, "Minuten", "de", "2 Minuten", id="two-minutes-plural"),
        pytest.param(1.5, "Minuten", "de", "1,5 Minuten", id="one-and-a-half-minutes-plural"),
        pytest.param(1.0, "Tage", "de", "1 Tag", id="one-day-singular"),
        pytest.param(97.8, "%", "de", "97,8 %", id="share-keeps-decimals"),
    ],
)
def test_values_are_shown_as_people_write_them(value, unit, lang, text) -> None:
    assert i18n.fmt_value(value, unit, lang) == text


@pytest.mark.parametrize(
    ("progress", "direction", "lang", "text"),
    [
        pytest.param(-1.53, "higher", "de", "entgegen dem Plan gesunken", id="negative-higher-de"),
        pytest.param(-0.2, "lower", "de", "entgegen dem Plan gestiegen", id="negative-lower-de"),
        pytest.param(-1.53, "higher", "en", "fell, against the plan", id="negative-higher-en"),
        pytest.param(0.97, "higher", "de", "97 % des Plans", id="positive-de"),
        pytest.param(None, "higher", "de", "–", id="none"),
    ],
)
def test_progress_in_words(progress, direction, lang, text) -> None:
    assert i18n.fmt_progress(progress, direction, lang) == text


def test_status_json_names_missed_and_the_outcome_instead_of_a_forecast(seeded_store, capsys) -> None:
    import json

    from kpi.cli import main

    assert main(["--db", seeded_store.url, "status", "--format", "json"]) == 0
    rows = {r["kpi_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["EG-15"]["status"] == "missed" and rows["EG-15"]["forecast_note"] == "deadline_passed"
    assert rows["EG-15"]["forecast_value"] is None
    assert rows["SC-16"]["forecast_bounded"] is True and rows["SC-16"]["forecast_high"] < 100.0
