"""Reading the period notations people write (`2024`, `2024-H1`, `H2/2024`, `2024-Q3`, `Q3/2024`, `09/2024`, `31.12.2024`, …).

The same forms are recognised in SQL by `kpi.ingest` for bulk files; this module serves
the catalog, the command line and single values typed in the UI.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from kpi.model import Frequency, period_end, snap_to_period_end
from kpi.problems import wording

_YEAR = re.compile(r"^(?:(?:Berichtsjahr|Jahr)\s+)?(\d{4})$", re.IGNORECASE)
_QUARTER = (
    re.compile(r"^(?P<y>\d{4})\s*-?\s*Q(?P<q>[1-4])$", re.IGNORECASE),
    re.compile(r"^Q(?P<q>[1-4])\s*[/ ]\s*(?P<y>\d{4})$", re.IGNORECASE),
    re.compile(r"^(?P<q>[1-4])\.\s*Quartal\s+(?P<y>\d{4})$", re.IGNORECASE),
)
_HALF = (
    re.compile(r"^(?P<y>\d{4})\s*-?\s*H(?P<h>[12])$", re.IGNORECASE),
    re.compile(r"^H(?P<h>[12])\s*[/ ]\s*(?P<y>\d{4})$", re.IGNORECASE),
    re.compile(r"^(?P<h>[12])\.\s*Halbjahr\s+(?P<y>\d{4})$", re.IGNORECASE),
)
_MONTH = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"),
    re.compile(r"^(?P<m>\d{1,2})/(?P<y>\d{4})$"),
)
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class PeriodError(ValueError):
    """A period or moment that cannot be read: a problem code (`kpi.texts.PROBLEMS`) and its parameters, worded
    per language by `text(lang)`; `str()` is the German sentence (the command line)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    def text(self, lang: str = "de") -> str:
        return wording(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.text("de")


def parse_period(text: str | int | date, frequency: Frequency | None = None) -> tuple[date, Frequency | None]:
    """Return (period end date, granularity written). A plain date has no granularity of its own:
    it is snapped to the end of the `frequency` period that contains it, when one is given."""
    if isinstance(text, datetime):
        text = text.date()
    if isinstance(text, date):
        return (snap_to_period_end(text, frequency) if frequency else text), None
    raw = str(text).strip()
    if (written := _written_period(raw)) is not None:
        return written
    day = _written_day(raw)
    return (snap_to_period_end(day, frequency) if frequency else day), None


def _written_period(raw: str) -> tuple[date, Frequency] | None:
    """A period written as a year, half-year, quarter or month, with its granularity; None for anything else."""
    if m := _YEAR.match(raw):
        return date(int(m.group(1)), 12, 31), Frequency.YEARLY
    for patterns, group, months, granularity in (
        (_QUARTER, "q", 3, Frequency.QUARTERLY),
        (_HALF, "h", 6, Frequency.HALF_YEARLY),
    ):
        for pattern in patterns:
            if m := pattern.match(raw):
                return period_end(int(m["y"]), int(m[group]) * months), granularity
    for pattern in _MONTH:
        if (m := pattern.match(raw)) and 1 <= int(m["m"]) <= 12:
            return period_end(int(m["y"]), int(m["m"])), Frequency.MONTHLY
    return None


def _written_day(raw: str) -> date:
    """A German (31.12.2024) or ISO (2024-12-31) date."""
    try:
        if m := _GERMAN_DATE.match(raw):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _ISO_DATE.match(raw):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise PeriodError("date.invalid", raw=raw) from exc
    raise PeriodError("period.not_readable", raw=raw)


def parse_timestamp(text: str) -> datetime:
    """An as-of moment: ISO timestamp or date (a date means the end of that day), or a German date."""
    raw = text.strip()
    if m := _GERMAN_DATE.match(raw):
        raw = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise PeriodError("moment.not_readable", raw=text) from exc
    if len(raw) == 10:
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    if moment.tzinfo is not None:
        # Revisions are recorded in naive UTC (kpi.store.now): convert the instant, don't drop the offset.
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None)
