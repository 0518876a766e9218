"""Plausibility of uploaded values: a new value far from the previous period's is flagged, and a decimal or
thousands slip (×10, ×100, ×1000 or the inverse) is named as its likely cause.

Pure rules (no I/O): the import gathers, per new or changed value, the previous period's value and the KPI's
typical period-to-period change, and asks `check` (one value) or `flag_frame` (a whole file) what to flag.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.problems import Wording

# The code of every flag: the import and the pages recognise a plausibility flag by it (worded in kpi.texts).
CODE = "value.implausible"
# The start of every flag's German text.
PREFIX = "auffälliger Wert"


@dataclass(frozen=True)
class Step:
    """The plausible step from one period to the next. A value is flagged when it is more than `up` times the
    previous value or less than `down` times it, or when it moves more than `typical` times the KPI's median
    absolute change of its history (once the history holds `min_history` changes). Changes smaller than
    `min_share` of the KPI's valid range, or than `min_relative` of the previous value, are never flagged: noise
    on a flat series is not a slip."""

    up: float = 3.0
    down: float = 0.1
    typical: float = 6.0
    min_history: int = 4
    min_share: float = 0.02
    min_relative: float = 0.1


DEFAULT_STEP = Step()

# ratio exponent → likely cause (a code, worded in kpi.texts: "slip.-1" is "÷10: Komma verrutscht?"); a ratio
# within a factor of 10**SLIP_TOLERANCE of a power of ten counts
SLIP_TOLERANCE = 0.25
SLIPS = {n: f"slip.{n}" for n in (1, -1, 2, -2, 3, -3)}
SLIP_LOW = 10 ** (SLIP_TOLERANCE - 1)  # ratios below this may be a ÷10 slip
SHARE_AS_FRACTION = "slip.share"  # ÷100: a share entered instead of a percentage (0,83 instead of 83 %)


@dataclass(frozen=True)
class Flag:
    """Why a value is implausible: `reason` is "factor" (beyond the step, or a slip), "sign" or "typical";
    `cause` the likely slip's code (`SLIPS`) or ""."""

    value: float
    previous: float
    reason: str
    cause: str = ""


def likely_slip(value: float, previous: float, unit: str = "") -> str:
    """The code of the decimal or thousands slip that turns `previous` into about `value` ("slip.-1": ÷10), or
    ""."""
    if not previous or not value or (value > 0) != (previous > 0):
        return ""
    exponent = math.log10(abs(value / previous))
    nearest = round(exponent)
    if nearest == 0 or abs(nearest) > 3 or abs(exponent - nearest) > SLIP_TOLERANCE:
        return ""
    if nearest == -2 and unit.strip() == "%":
        return SHARE_AS_FRACTION
    return SLIPS[nearest]


def check(
    value: float,
    previous: float | None,
    *,
    typical_change: float | None = None,
    changes: int = 0,
    span: float | None = None,
    unit: str = "",
    step: Step = DEFAULT_STEP,
) -> Flag | None:
    """Is `value` a plausible successor of the previous period's value? None if so, else why not.
    `typical_change`: median absolute change between consecutive values of the KPI's history (`changes` of them);
    `span`: width of the KPI's valid range, if it has one."""
    if previous is None or _missing(previous) or _missing(value):
        return None
    change = abs(value - previous)
    if change <= step.min_relative * abs(previous):
        return None
    # A slip is flagged even inside the plausible step (8,31 after 82,6 is a tenth plus a little) and even when
    # small on the KPI's valid range (1,2 minutes read as 0,0012).
    slip = likely_slip(value, previous, unit)
    if slip:
        return Flag(value, previous, "factor", slip)
    if change <= _floor(previous, span, step):
        return None
    if previous != 0 and value != 0 and (value > 0) != (previous > 0):
        return Flag(value, previous, "sign")
    if previous != 0:
        ratio = value / previous
        if ratio > step.up or ratio < step.down:
            return Flag(value, previous, "factor")
    if typical_change and changes >= step.min_history and change > step.typical * typical_change:
        return Flag(value, previous, "typical", likely_slip(value, previous, unit))
    return None


def _missing(number: float | None) -> bool:
    return number is None or (isinstance(number, float) and math.isnan(number))


def _floor(previous: float, span: float | None, step: Step) -> float:
    """The change below which nothing is flagged."""
    floor = step.min_relative * abs(previous)
    if span and span > 0 and not math.isinf(span):
        floor = max(floor, step.min_share * span)
    return floor


def wording(
    kpi_id: str,
    flag: Flag,
    period: object,
    previous_period: object,
    frequency: str,
    unit: str,
    typical_change: float | None = None,
) -> Wording:
    """The flag as a code with parameters, with both values and periods: worded in the reader's language at the
    edge (`.text(lang)`), what the validation report shows."""
    reason: object = ""
    if flag.reason == "sign":
        reason = {"code": "implausible.sign"}
    elif flag.reason == "factor":
        reason = {"code": "implausible.factor", "params": _factor(flag.value / flag.previous)}
    elif typical_change:
        reason = {"code": "implausible.typical", "params": {"typical": typical_change, "unit": unit}}
    params = {
        "kpi": kpi_id,
        "period": period,
        "prev_period": previous_period,
        "frequency": frequency,
        "unit": unit,
        "new": flag.value,
        "old": flag.previous,
        "reason": reason,
        "cause": {"code": flag.cause} if flag.cause else "",
    }
    return Wording(CODE, params)


def message(*args: object, **kwargs: object) -> str:
    """The flag in German words (the command line's language); the arguments are those of `wording`."""
    return wording(*args, **kwargs).text("de")


def _factor(ratio: float) -> dict:
    """`×12`, `÷2,5` as the operator and the rounded size (formatted in the reader's language at the edge)."""
    op, size = ("×", ratio) if ratio >= 1 or not ratio else ("÷", 1 / ratio)
    return {"op": op, "factor": round(size, 1 if size < 10 else 0)}


def flag_frame(facts: pd.DataFrame, step: Step = DEFAULT_STEP) -> pd.DataFrame:
    """Flags for a whole upload. `facts` has one row per new or changed value: kpi_id, period, value,
    prev_period, prev_value, typical_change, changes, span, unit, frequency. Returns those rows that are flagged,
    with a column `flag` (a `Wording`). Cheap candidates are found with arrays; `check` decides each of the (few) candidates."""
    none = facts.iloc[:0].assign(flag=pd.Series(dtype=object))  # the columns keep their types
    if facts.empty:
        return none
    value = facts["value"].to_numpy(dtype=float)
    previous = facts["prev_value"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = value / previous
        typical = facts["typical_change"].to_numpy(dtype=float)
        candidate = ~np.isnan(previous) & (
            (ratio > step.up)
            | (ratio < SLIP_LOW)
            | (np.abs(value - previous) > step.typical * typical)
            | (previous == 0)
        )
    rows = []
    for row in facts[candidate].itertuples(index=False):
        flag = check(
            row.value,
            row.prev_value,
            typical_change=_number(row.typical_change),
            changes=int(row.changes or 0),
            span=_number(row.span),
            unit=row.unit or "",
            step=step,
        )
        if flag is not None:
            rows.append(
                {
                    **row._asdict(),
                    "flag": wording(
                        row.kpi_id,
                        flag,
                        _day(row.period),
                        _day(row.prev_period),
                        row.frequency,
                        row.unit or "",
                        _number(row.typical_change),
                    ),
                }
            )
    return pd.DataFrame(rows, columns=none.columns).astype(none.dtypes.to_dict()) if rows else none


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _day(value: object) -> object:
    return pd.Timestamp(value).date() if value is not None and not pd.isna(value) else None
