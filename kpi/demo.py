"""Illustrative demo measurements for the seed strategy (not official figures).

Every KPI of `data/strategy.yaml` follows a scripted story against its own target path
(`STORIES`), so that the cockpit shows each status on realistic-looking series. The output is
deterministic: each KPI draws from its own random stream (seed + KPI id), so adding or
changing one KPI leaves the series of all others unchanged.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from kpi.model import Catalog, Direction, Frequency, Kpi, Status, add_periods, snap_to_period_end
from kpi.periods import parse_period
from kpi.status import classify, meets, planned_value_at, progress_ratio

DEMO_SOURCE = "Demo-Daten (illustrativ)"
GIGABIT_SOURCE = "Breitbandatlas | Gigabit-Grundbuch"
CONTINUATION_SOURCE = "Demo-Fortschreibung (illustrativ)"

# Days after a period's end until its value is usually reported: yearly figures for year Y
# arrive around mid-March of Y+1.
REPORTING_LAG_DAYS = {Frequency.YEARLY: 75, Frequency.QUARTERLY: 45, Frequency.MONTHLY: 20}

# How old the newest value of a "stale" KPI is.
STALE_AGE_DAYS = 730

# What each KPI's series shows at its latest period (progress = share of the planned
# improvement reached, see kpi.status.progress_ratio):
#   on_track   progress at least the KPI's on-track threshold, final target not yet met
#   at_risk    progress between the at-risk and on-track thresholds (0.80 to 0.95 by default)
#   off_track  progress below the at-risk threshold
#   achieved   the latest value meets the final target
#   stale      on track, but the newest value is about two years old
#   no_data    no measurements at all
# KPIs missing here are on track.
STORIES: dict[str, str] = {
    # E-Government
    "EG-01": "off_track",  # OZG services online: the 2022 deadline was missed everywhere
    "EG-02": "on_track",
    "EG-03": "off_track",  # end-to-end digital processing lags behind the portal
    "EG-04": "on_track",  # online booking share, with the outage after the cyber attack
    "EG-05": "stale",  # citizens' office waiting time: no data since the queue system went down
    "EG-06": "no_data",  # satisfaction survey not repeated yet
    "EG-07": "at_risk",
    "EG-08": "on_track",
    "EG-09": "at_risk",
    "EG-10": "on_track",
    "EG-11": "at_risk",  # postage prices rose
    "EG-12": "on_track",
    "EG-13": "off_track",
    "EG-14": "achieved",
    "EG-15": "on_track",
    "EG-16": "off_track",
    "EG-17": "at_risk",
    "EG-18": "on_track",
    "EG-19": "off_track",
    "EG-20": "on_track",
    "EG-21": "on_track",
    "EG-22": "at_risk",
    # Smart City
    "SC-01": "on_track",
    "SC-02": "off_track",
    "SC-03": "at_risk",
    "SC-04": "achieved",
    "SC-05": "at_risk",
    "SC-06": "on_track",
    "SC-07": "on_track",
    "SC-08": "on_track",
    "SC-09": "at_risk",
    "SC-10": "on_track",
    "SC-11": "off_track",
    "SC-12": "on_track",
    "SC-13": "achieved",
    "SC-14": "on_track",
    "SC-15": "off_track",  # smart metering measure paused
    "SC-16": "at_risk",  # real Breitbandatlas figures up to mid-2021, then continued
    "SC-17": "achieved",
    "SC-18": "at_risk",
    "SC-19": "on_track",
    "SC-20": "off_track",  # e-bus deliveries late
    "SC-21": "off_track",  # parking sensor pilot paused
    "SC-22": "on_track",
    "SC-23": "on_track",
    "SC-24": "on_track",
    "SC-25": "at_risk",
}

_WANTED_STATUS = {
    "on_track": Status.ON_TRACK,
    "stale": Status.ON_TRACK,
    "at_risk": Status.AT_RISK,
    "off_track": Status.OFF_TRACK,
    "achieved": Status.ACHIEVED,
}
_STATUS_RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.ACHIEVED: 3}

# Stocks that only grow (installed, published, registered): their series never dip.
CUMULATIVE = frozenset({
    "EG-01", "EG-09", "EG-14", "EG-18", "EG-19", "EG-20", "EG-21",
    "SC-01", "SC-03", "SC-04", "SC-05", "SC-06", "SC-10", "SC-11", "SC-13", "SC-15",
    "SC-16", "SC-17", "SC-18", "SC-20", "SC-21", "SC-22", "SC-24",
})  # fmt: skip

# Monthly flows with a seasonal swing: (relative amplitude, month of the peak).
SEASONALITY: dict[str, tuple[float, int]] = {
    "SC-02": (0.18, 12),  # shop map: Christmas shopping
    "SC-19": (0.10, 7),  # charging: summer travel
}

# Scatter around the story's trend, as a share of the planned change; default per frequency.
NOISE_BY_FREQUENCY = {Frequency.YEARLY: 0.025, Frequency.QUARTERLY: 0.02, Frequency.MONTHLY: 0.03}
NOISE: dict[str, float] = {"EG-13": 0.05, "EG-16": 0.12, "SC-02": 0.05, "SC-19": 0.04, "SC-23": 0.04}

# Special effects in single periods: (factor on the value, comment). The factor never touches
# the baseline, the latest period or a cumulative KPI; the comment is always shown.
EVENTS: dict[str, dict[str, tuple[float, str | None]]] = {
    "EG-02": {"2021": (1.12, "Sondereffekt Pandemie: viele Leistungen nur online oder mit Termin")},
    "EG-04": {
        "2023-11": (0.0, "Cyberangriff auf den kommunalen IT-Dienstleister: Online-Terminvergabe ausgefallen"),
        "2023-12": (0.0, None),
        "2024-01": (0.0, None),
        "2024-02": (0.0, None),
        "2024-03": (0.0, None),
        "2024-04": (0.0, None),
        "2024-05": (0.5, "Online-Terminvergabe ab Mitte Mai wieder verfügbar"),
    },
    "EG-10": {"2020": (0.85, "Sondereffekt Pandemie: Homeoffice, Dienststellen zeitweise geschlossen")},
    "EG-13": {
        "2023-Q4": (1.6, "Cyberangriff auf den kommunalen IT-Dienstleister: Finanzsoftware wochenlang nicht verfügbar"),
        "2024-Q1": (1.3, "Abbau des Rechnungsrückstands nach dem Cyberangriff"),
    },
    "EG-16": {
        "2023-Q4": (1.8, "Cyberangriff auf den kommunalen IT-Dienstleister: Folgevorfälle (Phishing, gesperrte Konten)")
    },
    "EG-21": {"2022-03": (1.0, "Erstes großes Beteiligungsverfahren (Innenstadtentwicklung)")},
    "SC-02": {"2023-03": (1.4, "Freischaltung im Geoportal mit Pressekampagne")},
    "SC-09": {
        "2020": (0.55, "Sondereffekt Pandemie: Präsenzkurse ausgefallen"),
        "2021": (0.75, "Sondereffekt Pandemie: Kurse überwiegend online"),
    },
    "SC-23": {"2020": (0.88, "Sondereffekt Pandemie: deutlich weniger Verkehr")},
}

# Decimals to round to, by unit (negative: tens, hundreds); counts are whole numbers.
DECIMALS_BY_UNIT = {
    "%": 1, "Anzahl": 0, "Tage": 1, "Minuten": 1, "EUR": -2, "kW": 0, "MWh": 0, "t CO₂": 0,
    "Mbit/s": 0, "µg/m³": 1, "Schüler je Gerät": 1, "Blatt je Beschäftigten": 0,
}  # fmt: skip
DECIMALS: dict[str, int] = {"SC-16": 2}  # as published in the Breitbandatlas

# Households with gigabit access in Iserlohn, as published (Breitbandatlas | Gigabit-Grundbuch).
REAL_GIGABIT: tuple[tuple[date, float], ...] = (
    (date(2018, 12, 31), 1.0),
    (date(2019, 6, 30), 1.0),
    (date(2019, 12, 31), 11.53),
    (date(2020, 6, 30), 49.29),
    (date(2020, 12, 31), 52.29),
    (date(2021, 6, 30), 53.58),
)


@dataclass(frozen=True)
class DemoRow:
    kpi_id: str
    period: date  # period end date
    value: float
    comment: str | None
    source: str


def demo_measurements(catalog: Catalog, today: date, seed: int = 2021) -> list[DemoRow]:
    """Demo rows for every KPI of the catalog, from its baseline period up to what is reported by `today`."""
    rows: list[DemoRow] = []
    for kpi in catalog.kpis:
        rows.extend(demo_series(kpi, today, seed))
    return rows


def demo_series(kpi: Kpi, today: date, seed: int = 2021) -> list[DemoRow]:
    """Demo rows of one KPI, following its story in `STORIES`."""
    story = STORIES.get(kpi.id, "on_track")
    if story == "no_data":
        return []
    rng = np.random.default_rng([seed, zlib.crc32(kpi.id.encode("utf-8"))])
    special = _SPECIAL_SERIES.get(kpi.id)
    if special is not None:
        return special(kpi, story, today, rng)
    as_of = today - timedelta(days=STALE_AGE_DAYS) if story == "stale" else today
    periods = _reported_periods(kpi, as_of)
    if not periods:
        return []
    values = _story_values(kpi, story, periods, rng)
    comments = _event_comments(kpi, periods)
    return [DemoRow(kpi.id, p, v, comments.get(p), DEMO_SOURCE) for p, v in zip(periods, values, strict=True)]


def last_reported_period(frequency: Frequency, today: date) -> date:
    """End of the newest period whose value is usually reported by `today`."""
    available_until = today - timedelta(days=REPORTING_LAG_DAYS.get(frequency, 75))
    period = snap_to_period_end(available_until, frequency)
    if period > available_until:
        period = add_periods(period, frequency, -1)
    return period


def _reported_periods(kpi: Kpi, today: date) -> list[date]:
    last = last_reported_period(kpi.frequency, today)
    period = snap_to_period_end(kpi.baseline_period, kpi.frequency)
    periods = []
    while period <= last:
        periods.append(period)
        period = add_periods(period, kpi.frequency, 1)
    return periods


def _story_values(kpi: Kpi, story: str, periods: list[date], rng: np.random.Generator) -> list[float]:
    base = kpi.baseline_value
    if len(periods) == 1:
        return [base]
    last = periods[-1]
    end_value = _latest_value(kpi, story, last, rng)
    planned_last = planned_value_at(kpi, last)
    steps = len(periods) - 1
    trend = [base] + [
        _trend(kpi, story, period, i / steps, end_value, planned_last) for i, period in enumerate(periods[1:], 1)
    ]
    if kpi.id in CUMULATIVE and end_value >= base:
        middle = _cumulative_path(trend, end_value, rng)
    else:
        middle = _scattered_path(kpi, story, trend, periods, end_value, rng)
    latest = _settle_latest(kpi, story, last, _round(kpi, _clip(kpi, end_value)))
    values = [base] + [_round(kpi, _clip(kpi, v)) for v in middle] + [latest]
    if kpi.id in CUMULATIVE:
        values = _never_decreasing(values)
    return values


def _cumulative_path(trend: list[float], end_value: float, rng: np.random.Generator) -> list[float]:
    """Values between the first and last period of a stock: lumpy but never shrinking steps
    that add up exactly to the change from the baseline to `end_value`."""
    steps = np.maximum(np.diff(np.asarray(trend, dtype=float)), 0.0)
    steps *= np.maximum(1.0 + rng.normal(0.0, 0.35, size=steps.size), 0.0)
    total = float(steps.sum())
    if total <= 0.0:
        steps = np.ones_like(steps)
        total = float(steps.size)
    path = trend[0] + np.cumsum(steps * (end_value - trend[0]) / total)
    return [float(v) for v in path[:-1]]


def _scattered_path(
    kpi: Kpi, story: str, trend: list[float], periods: list[date], end_value: float, rng: np.random.Generator
) -> list[float]:
    """Values between the first and last period: trend plus scatter, seasonality and events."""
    base, last = kpi.baseline_value, periods[-1]
    span = max(abs(planned_value_at(kpi, last) - base), abs(end_value - base), 1e-9)
    sigma = NOISE.get(kpi.id, NOISE_BY_FREQUENCY.get(kpi.frequency, 0.025)) * span
    amplitude, peak = SEASONALITY.get(kpi.id, (0.0, 12))
    events = _events(kpi)
    path = []
    for period, value in zip(periods[1:-1], trend[1:-1], strict=True):
        # An achieved target is held once reached, without scatter.
        if not (story == "achieved" and value == end_value):
            value += rng.normal(0.0, sigma)
        if amplitude:
            # Normalised so that the latest month carries no seasonal offset.
            value *= 1 + amplitude * (_season(period.month, peak) - _season(last.month, peak))
        path.append(value * events.get(period, (1.0, None))[0])
    return path


def _trend(kpi: Kpi, story: str, period: date, frac: float, end_value: float, planned_last: float) -> float:
    """Noise-free value at `period`, a share `frac` of the way from the baseline to the latest period."""
    base = kpi.baseline_value
    if story == "achieved":
        # The target is reached three quarters of the way and then held.
        return base + (end_value - base) * min(1.0, frac / 0.75)
    if planned_last == base:
        return base + (end_value - base) * frac
    # The ratio to plan drifts from a good start towards the story's ratio at the latest period.
    ratio_end = (end_value - base) / (planned_last - base)
    ratio_start = 1.0 if story in ("on_track", "stale") else (1.0 + ratio_end) / 2
    ratio = ratio_start + (ratio_end - ratio_start) * frac
    return base + ratio * (planned_value_at(kpi, period) - base)


def _latest_value(kpi: Kpi, story: str, last: date, rng: np.random.Generator) -> float:
    """Unrounded value at the latest period that tells the KPI's story."""
    base = kpi.baseline_value
    final = kpi.final_target.value
    if story == "achieved":
        overshoot = rng.uniform(0.0, 0.06) * abs(final - base)
        return final + (overshoot if kpi.direction is Direction.HIGHER else -overshoot)
    planned = planned_value_at(kpi, last)
    low, high = _progress_band(kpi, story)
    value = base + rng.uniform(low, high) * (planned - base)
    if meets(kpi, value, final) and planned != base:
        # On track, not yet there: halfway between the on-track threshold and the final target.
        ratio_final = (final - base) / (planned - base)
        value = base + (kpi.thresholds.on_track + ratio_final) / 2 * (planned - base)
    return value


def _progress_band(kpi: Kpi, story: str) -> tuple[float, float]:
    on_track, at_risk = kpi.thresholds.on_track, kpi.thresholds.at_risk
    if story in ("on_track", "stale"):
        return on_track + 0.04, on_track + 0.15
    if story == "at_risk":
        margin = (on_track - at_risk) / 4
        return at_risk + margin, on_track - margin
    return at_risk * 0.6, at_risk - 0.08


def _settle_latest(kpi: Kpi, story: str, period: date, value: float) -> float:
    """Move a rounded latest value by rounding steps until its status is the story's.

    Best effort: the stories are written for the present; on an early `today` a small count
    may have no value with the wanted status, and then the value is kept as it is.
    """
    wanted = _STATUS_RANK[_WANTED_STATUS[story]]
    step = 10.0 ** -_decimals(kpi)

    def gap(candidate: float) -> int:
        return _STATUS_RANK[classify(kpi, progress_ratio(kpi, candidate, period), candidate)] - wanted

    candidate, current = value, gap(value)
    for _ in range(100_000):
        if current == 0:
            return candidate
        up = (current < 0) == (kpi.direction is Direction.HIGHER)
        moved = _round(kpi, _clip(kpi, candidate + (step if up else -step)))
        moved_gap = gap(moved)
        # At the edge of the valid range, or jumped over the wanted status: no such value.
        if moved == candidate or moved_gap * current < 0:
            break
        candidate, current = moved, moved_gap
    return value


def _never_decreasing(values: list[float]) -> list[float]:
    """Clamp each value between the baseline and its successor, keeping the first and last fixed."""
    floor = values[0]
    result = list(values)
    for i in range(len(result) - 2, 0, -1):
        result[i] = min(max(result[i], floor), result[i + 1])
    return result


def _season(month: int, peak: int) -> float:
    return math.cos(2 * math.pi * (month - peak) / 12)


def _events(kpi: Kpi) -> dict[date, tuple[float, str | None]]:
    return {parse_period(text, kpi.frequency)[0]: event for text, event in EVENTS.get(kpi.id, {}).items()}


def _event_comments(kpi: Kpi, periods: list[date]) -> dict[date, str]:
    wanted = set(periods[1:])
    return {p: comment for p, (_, comment) in _events(kpi).items() if comment and p in wanted}


def _decimals(kpi: Kpi) -> int:
    return DECIMALS.get(kpi.id, DECIMALS_BY_UNIT.get(kpi.unit, 2))


def _round(kpi: Kpi, value: float) -> float:
    return float(round(value, _decimals(kpi)))


def _clip(kpi: Kpi, value: float) -> float:
    if kpi.range_min is not None:
        value = max(value, kpi.range_min)
    if kpi.range_max is not None:
        value = min(value, kpi.range_max)
    return value


# --- KPIs whose story is told by hand -------------------------------------------------------


def _waiting_time_series(kpi: Kpi, story: str, today: date, rng: np.random.Generator) -> list[DemoRow]:
    """Citizens' office waiting time: about 12.3 minutes before online booking, about 1.2 after;
    up again while the booking was down after the cyber attack on the regional IT provider, and
    no data since the queue system was switched off (the stale KPI)."""
    last = min(date(2024, 11, 30), last_reported_period(kpi.frequency, today))
    comments = {
        date(2020, 3, 31): "Sondereffekt Pandemie: Bürgerbüro nur noch mit Termin geöffnet",
        date(2020, 5, 31): "Online-Terminvergabe eingeführt",
        date(2023, 11, 30): "Cyberangriff auf den kommunalen IT-Dienstleister: Online-Terminvergabe ausgefallen",
        date(2024, 5, 31): "Online-Terminvergabe wieder verfügbar",
        date(2024, 11, 30): "Letzte Auswertung: Aufrufsystem nach dem Cyberangriff abgeschaltet, Ersatz verzögert",
    }
    rows = []
    period = kpi.baseline_period
    while period <= last:
        if period == kpi.baseline_period:
            value = kpi.baseline_value
        elif period < date(2020, 3, 1):
            value = kpi.baseline_value + rng.normal(0.0, 0.6)
        elif period < date(2020, 5, 1):
            value = rng.uniform(2.0, 4.0)
        elif date(2023, 11, 1) <= period < date(2024, 5, 1):
            value = rng.uniform(9.0, 12.5)
        elif date(2024, 5, 1) <= period < date(2024, 6, 1):
            value = rng.uniform(2.5, 4.0)
        else:
            # Summer (passports before the holidays) is busier.
            value = 1.2 + (0.3 if period.month in (6, 7, 8) else 0.0) + rng.normal(0.0, 0.15)
        value = _round(kpi, _clip(kpi, max(value, 0.8)))
        rows.append(DemoRow(kpi.id, period, value, comments.get(period), DEMO_SOURCE))
        period = add_periods(period, kpi.frequency, 1)
    if len(rows) > 1:
        latest = rows[-1]
        settled = _settle_latest(kpi, story, latest.period, latest.value)
        rows[-1] = DemoRow(kpi.id, latest.period, settled, latest.comment, latest.source)
    return rows


def _gigabit_series(kpi: Kpi, story: str, today: date, rng: np.random.Generator) -> list[DemoRow]:
    """Real half-yearly Breitbandatlas figures up to mid-2021, then an illustrative continuation
    that closes part of the remaining gap every half year."""
    last = last_reported_period(kpi.frequency, today)
    rows = [DemoRow(kpi.id, p, v, None, GIGABIT_SOURCE) for p, v in REAL_GIGABIT if p <= last]
    if not rows:
        return []
    real_count = len(rows)
    values = [r.value for r in rows]
    periods = [r.period for r in rows]
    period = add_periods(periods[-1], kpi.frequency, 2)
    while period <= last:
        previous = values[-1]
        grown = previous + (100.0 - previous) * 0.13 + rng.normal(0.0, 0.4)
        values.append(_round(kpi, _clip(kpi, max(grown, previous))))
        periods.append(period)
        period = add_periods(period, kpi.frequency, 2)
    if len(values) > real_count:
        values[-1] = _settle_latest(kpi, story, periods[-1], values[-1])
        # Keep the continuation rising and never below the last real figure.
        continuation = _never_decreasing(values[real_count - 1 :])
        values[real_count - 1 :] = continuation
    for i in range(real_count, len(values)):
        comment = "Ab hier illustrative Fortschreibung, keine Breitbandatlas-Werte" if i == real_count else None
        rows.append(DemoRow(kpi.id, periods[i], values[i], comment, CONTINUATION_SOURCE))
    return rows


_SPECIAL_SERIES: dict[str, Callable[[Kpi, str, date, np.random.Generator], list[DemoRow]]] = {
    "EG-05": _waiting_time_series,
    "SC-16": _gigabit_series,
}
