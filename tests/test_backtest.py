"""`python -m kpi backtest`: the forecast against two naive baselines, newest 1–3 values hidden."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kpi.backtest import METHODS, backtest_series, backtest_text, run_backtest
from kpi.cli import main
from kpi.model import Direction, Frequency, Kpi, Target
from kpi.status import Point

KPI = Kpi(
    id="B-1",
    name="b",
    unit="%",
    direction=Direction.HIGHER,
    frequency=Frequency.YEARLY,
    baseline_period=date(2015, 12, 31),
    baseline_value=10.0,
    targets=(Target(date(2030, 12, 31), 100.0),),
    range_min=0.0,
    range_max=100.0,
)


def yearly(values: list[float]) -> list[Point]:
    return [Point(date(2016 + i, 12, 31), v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("values", "cases"),
    [
        pytest.param([10, 15, 20], 0, id="too-short-no-case"),
        pytest.param([10, 15, 20, 25, 30], 1, id="five-values-one-hidden-only"),
        pytest.param([10, 15, 20, 25, 30, 35, 40], 3, id="seven-values-three-cases"),
        pytest.param([50] * 8, 0, id="flat-series-has-no-range-no-case"),
    ],
)
def test_cases_need_four_values_left_and_a_range(values, cases) -> None:
    assert len(backtest_series(KPI, yearly([float(v) for v in values]))) == cases


def test_a_steady_trend_beats_the_last_value_and_one_old_jump_spoils_the_straight_line() -> None:
    # an early jump, then a steady 2 points a year: the recent trend predicts the hidden values almost exactly
    values = [5.0, 5.0, 40.0, 42.0, 44.0, 46.0, 48.0, 50.0, 52.0, 54.0]
    cases = backtest_series(KPI, yearly(values))
    assert len(cases) == 3
    for case in cases:
        assert case.errors["trend"] < 0.01
        assert case.errors["trend"] < case.errors["last_value"]
        assert case.errors["trend"] < case.errors["straight_line"]


def test_the_forecast_beats_both_baselines_on_the_demo_store(seeded_store, capsys) -> None:
    assert main(["--db", seeded_store.url, "backtest", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cases"] > 50 and set(result["methods"]) == set(METHODS)
    medians = {m: result["methods"][m]["median"] for m in METHODS}
    assert medians["trend"] < medians["last_value"] and medians["trend"] < medians["straight_line"]
    assert result["trend_beats_both_on_median"] is True
    assert "schlägt beide naiven Verfahren im Median" in backtest_text(result)


def test_empty_store_gives_no_cases() -> None:
    result = run_backtest([KPI], {})
    assert result["cases"] == 0 and result["trend_beats_both_on_median"] is False
