"""The status of every KPI straight from the store, reading only the values the status rule looks at.

`kpi.views.snapshot` loads every current value with its comment, source and upload, because the pages show them.
The status of a KPI needs far less: its latest value and period, and for the forecast at most FORECAST_WINDOW
values from the last break in its series on. `statuses` reads just those rows (kpi_id, period, value) in one SQL
statement over the one "current / as of" rule (`kpi.store.latest_sql`) and evaluates them with the same code as
the snapshot (`kpi.views.evaluate_all`), so both give the same statuses.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from kpi.revisions import catalog_for_status, current_catalog
from kpi.status import FORECAST_WINDOW, KpiStatus
from kpi.store import Store, latest_sql
from kpi.views import evaluate_all, reference_day

# Per KPI: its newest FORECAST_WINDOW periods and their values (top-n aggregates, no sort of the whole table; a
# KPI's periods are distinct, so both lists are in the same order), from the last break in its series on (a break
# starts the series anew, as in kpi.views.evaluate_all), oldest first as the status engine expects them.
# `{latest}` is the one "current / as of" rule.
_STATUS_VALUES_SQL = """
    SELECT kpi_id, period, value FROM (
      SELECT kpi_id, break_period, unnest(periods) AS period, unnest(recent) AS value FROM (
        SELECT kpi_id, max(period, {window}) AS periods, arg_max(value, period, {window}) AS recent,
               max(period) FILTER (WHERE quality = 'break') AS break_period
        FROM ({latest}) WHERE value IS NOT NULL GROUP BY kpi_id))
    WHERE break_period IS NULL OR period >= break_period
    ORDER BY kpi_id, period
"""
# The same rows in SQL that PostgreSQL runs too (a window instead of DuckDB's top-n aggregate).
_STATUS_VALUES_PORTABLE_SQL = """
    SELECT kpi_id, period, value FROM (
      SELECT kpi_id, period, value, row_number() OVER (PARTITION BY kpi_id ORDER BY period DESC) AS n,
             max(CASE WHEN quality = 'break' THEN period END) OVER (PARTITION BY kpi_id) AS break_period
      FROM ({latest}) AS latest WHERE value IS NOT NULL) AS recent
    WHERE n <= {window} AND (break_period IS NULL OR period >= break_period)
    ORDER BY kpi_id, period
"""


def status_values(store: Store, as_of: datetime | None = None, kpi_ids: list[str] | None = None) -> pd.DataFrame:
    """The current values (as of `as_of`) that the status of each KPI depends on: kpi_id, period, value, sorted
    by KPI and period. The same rows the status engine picks out of `Store.current_values`."""
    where, params = "TRUE", []
    if kpi_ids is not None:
        where = "kpi_id IN (SELECT unnest(?))" if store.is_duckdb else "kpi_id = ANY(?)"
        params.append(list(kpi_ids))
    if as_of is not None:
        params.append(as_of)
    latest = latest_sql("measurement", as_of="?" if as_of is not None else None, where=where)
    sql = _STATUS_VALUES_SQL if store.is_duckdb else _STATUS_VALUES_PORTABLE_SQL
    return store.query(sql.format(latest=latest, window=FORECAST_WINDOW), params)


def statuses(
    store: Store, as_of: datetime | None = None, strategy_id: str | None = None
) -> dict[str, KpiStatus] | None:
    """The status of every KPI of the strategy as of a moment (None: now), equal to `snapshot(...).statuses`;
    None if the store holds no strategy."""
    with store.reading():  # the catalog and the values from one view of the store, the file opened once
        catalog = current_catalog(store, strategy_id, as_of=as_of, measure_states=False)
        if catalog is None:
            return None
        values = status_values(store, as_of, [k.id for k in catalog.kpis])
    return evaluate_all(catalog_for_status(catalog, values), values, reference_day(as_of))
