"""Backtest of the forecast: hide the newest 1–3 values of every series, forecast them from the rest, and compare the
error of the project's method with two naive baselines (`python -m kpi backtest`).

Error per case: the mean absolute error over the hidden values, divided by the range (max − min) of the whole series,
so that series in % and in MWh weigh alike. Pure functions over `kpi.model` and `kpi.status`; no I/O.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from kpi.model import Kpi
from kpi.status import MIN_FORECAST_POINTS, Point, fit_trend, recent_points

HIDDEN = (1, 2, 3)  # how many of the newest values are hidden
METHODS = ("trend", "last_value", "straight_line")
METHOD_NAMES = {
    "trend": "Prognose des Cockpits (Theil–Sen, jüngste 3 Jahre, begrenzt)",
    "last_value": "letzter Wert fortgeschrieben",
    "straight_line": "Gerade durch alle Punkte (kleinste Quadrate)",
}

Predictor = Callable[[Kpi, Sequence[Point], Sequence[date]], list[float]]


def predict_trend(kpi: Kpi, train: Sequence[Point], days: Sequence[date]) -> list[float]:
    """The project's method: the forecast's trend (kpi.status.fit_trend over recent_points), read on `days`."""
    horizon = max([max(days), *(t.period for t in kpi.targets)])
    trend, _bounded = fit_trend(kpi, recent_points(train), horizon)
    return [trend.value_at(d) for d in days]


def predict_last_value(kpi: Kpi, train: Sequence[Point], days: Sequence[date]) -> list[float]:
    return [train[-1].value] * len(days)


def predict_straight_line(kpi: Kpi, train: Sequence[Point], days: Sequence[date]) -> list[float]:
    x = np.array([p.period.toordinal() for p in train], dtype=float)
    slope, intercept = np.polyfit(x - x[0], [p.value for p in train], 1)
    return [float(intercept + slope * (d.toordinal() - x[0])) for d in days]


PREDICTORS: dict[str, Predictor] = {
    "trend": predict_trend,
    "last_value": predict_last_value,
    "straight_line": predict_straight_line,
}


@dataclass(frozen=True)
class Case:
    kpi_id: str
    hidden: int
    errors: dict[str, float]  # method -> mean absolute error / range of the series


def backtest_series(kpi: Kpi, points: Sequence[Point], hidden: Sequence[int] = HIDDEN) -> list[Case]:
    """One case per number of hidden values for which at least MIN_FORECAST_POINTS values remain."""
    ordered = sorted({p.period: p for p in points}.values(), key=lambda p: p.period)
    values = [p.value for p in ordered]
    if not values:
        return []
    scale = max(values) - min(values)
    cases = []
    for h in hidden:
        train, test = ordered[:-h], ordered[-h:]
        if len(train) < MIN_FORECAST_POINTS or scale <= 0:
            continue
        days = [p.period for p in test]
        errors = {}
        for name, predict in PREDICTORS.items():
            predicted = predict(kpi, train, days)
            errors[name] = float(np.mean([abs(a - p.value) for a, p in zip(predicted, test)])) / scale
        cases.append(Case(kpi.id, h, errors))
    return cases


def run_backtest(kpis: Sequence[Kpi], series: Mapping[str, Sequence[Point]]) -> dict:
    """Every KPI's cases, and per method the median and mean scaled error overall and per number hidden."""
    cases = [case for kpi in kpis for case in backtest_series(kpi, series.get(kpi.id, ()))]

    def summary(subset: list[Case]) -> dict:
        return {
            m: {
                "median": _round(statistics.median(c.errors[m] for c in subset)) if subset else None,
                "mean": _round(statistics.fmean(c.errors[m] for c in subset)) if subset else None,
            }
            for m in METHODS
        }

    overall = summary(cases)
    best_naive = min(overall[m]["median"] for m in METHODS[1:]) if cases else None
    return {
        "series": len({c.kpi_id for c in cases}),
        "cases": len(cases),
        "hidden": list(HIDDEN),
        "error": "mean absolute error / (max - min) of the series",
        "methods": overall,
        "by_hidden": {str(h): summary([c for c in cases if c.hidden == h]) for h in HIDDEN},
        "trend_beats_both_on_median": bool(cases) and overall["trend"]["median"] < best_naive,
        "wins": {m: sum(c.errors["trend"] < c.errors[m] for c in cases) for m in METHODS[1:]},
    }


def _round(x: float) -> float:
    return round(x, 4)


def backtest_text(result: dict) -> str:
    """The table `python -m kpi backtest` prints."""
    lines = [
        f"Backtest: {result['series']} Reihen, {result['cases']} Fälle (die jüngsten 1–3 Werte verborgen); "
        "Fehler = mittlerer absoluter Fehler / Spannweite der Reihe",
        f"{'Methode':<62} {'Median':>8} {'Mittel':>8}   " + "   ".join(f"{h} verb." for h in HIDDEN),
    ]
    for m in METHODS:
        row = result["methods"][m]
        per = "   ".join(f"{_fmt(result['by_hidden'][str(h)][m]['median']):>7}" for h in HIDDEN)
        lines.append(f"{METHOD_NAMES[m]:<62} {_fmt(row['median']):>8} {_fmt(row['mean']):>8}   {per}")
    verdict = (
        "schlägt beide naiven Verfahren im Median"
        if result["trend_beats_both_on_median"]
        else "schlägt NICHT beide naiven Verfahren im Median"
    )
    lines.append(f"Prognose des Cockpits {verdict}.")
    return "\n".join(lines)


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"
