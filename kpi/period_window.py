"""Stored values whose period lies outside the sane window, kept out of status, forecast and charts.

The import refuses such periods (kpi.ingest: before the KPI's baseline year minus a margin, after the later of
today and the last target plus a horizon). Rows written before that rule existed, or straight into the database,
may still hold `9999-12-31` or `0001-12-31`: date arithmetic on them fails ("year 10000 is out of range"). Every
reader that computes with periods asks this module first; the rows stay in the store (export, audit log, undo)
and are named in one warning with the upload that brought them and how to undo it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpi.i18n import DATE_FORMATS, t
from kpi.model import Catalog, Kpi

PERIOD_MARGIN_YEARS = 50  # the same window as kpi.ingest (PERIOD_MARGIN_YEARS, HORIZON_YEARS)
HORIZON_YEARS = 2
NAMED_AT_MOST = 5  # rows named in the warning; the rest are counted


@dataclass(frozen=True)
class OutOfWindow:
    """One stored value left out: which KPI and period, and the upload (id, file name) it came from."""

    kpi_id: str
    period: date
    upload_id: int | None
    file_name: str | None = None


def upper_bound(catalog: Catalog, today: date) -> date:
    last = max((t.period for k in catalog.kpis for t in k.targets), default=today)
    return date(min(max(last, today).year + HORIZON_YEARS, 9998), 12, 31)


def lower_bound(kpi: Kpi | None, today: date) -> date:
    year = kpi.baseline_period.year if kpi is not None and kpi.baseline_period else today.year
    return date(max(year - PERIOD_MARGIN_YEARS, 2), 1, 1)


def split(catalog: Catalog, values: pd.DataFrame, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(`values` inside the window, the rows outside it). Cheap when every period is sane (the normal case): two
    comparisons over the whole column, then a row-by-row check only if one of them fails."""
    if values.empty or "period" not in values:
        return values, values.iloc[0:0]
    upper = upper_bound(catalog, today)
    lowers = {k.id: lower_bound(k, today) for k in catalog.kpis}
    periods = values["period"]
    if periods.max() <= upper and periods.min() >= max(lowers.values(), default=lower_bound(None, today)):
        return values, values.iloc[0:0]
    fallback = lower_bound(None, today)
    bad = [not (lowers.get(k, fallback) <= p <= upper) for k, p in zip(values["kpi_id"], periods)]
    mask = pd.Series(bad, index=values.index, dtype=bool)
    if not mask.any():
        return values, values.iloc[0:0]
    return values[~mask], values[mask]


def rows(excluded: pd.DataFrame, file_names: dict[int, str] | None = None) -> list[OutOfWindow]:
    names = file_names or {}
    out = []
    for kpi_id, period, upload in zip(
        excluded["kpi_id"], excluded["period"], excluded.get("upload_id", [None] * len(excluded))
    ):
        upload_id = None if upload is None or pd.isna(upload) else int(upload)
        out.append(OutOfWindow(str(kpi_id), period, upload_id, names.get(upload_id)))
    return out


def day_text(day: date, lang: str = "de") -> str:
    """A date of any year (strftime and Babel stumble on years before 1000)."""
    separator = DATE_FORMATS[lang][2]  # "." or "/"
    return separator.join((f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}"))


def notice(items: list[OutOfWindow], lang: str = "de") -> str | None:
    """One sentence naming the left-out values (KPI, period, upload) and how to undo the uploads; None if none.
    Plain text: callers that render Markdown escape it (kpi.text.md_escape)."""
    if not items:
        return None
    named = []
    for item in items[:NAMED_AT_MOST]:
        upload = ""
        if item.upload_id is not None:
            key = "window.upload.file" if item.file_name else "window.upload"
            upload = " " + t(key, lang, id=item.upload_id, file=item.file_name)
        named.append(f"{item.kpi_id} {day_text(item.period, lang)}{upload}")
    more = len(items) - len(named)
    if more:
        named.append(t("window.more", lang, n=more))
    uploads = sorted({i.upload_id for i in items if i.upload_id is not None})
    undo = ", ".join(f"python -m kpi undo {u}" for u in uploads[:NAMED_AT_MOST])
    how = " " + t("window.undo", lang, commands=undo) if uploads else ""
    return t("window.notice", lang, n=len(items), named="; ".join(named), how=how)
