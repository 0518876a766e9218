"""The cache adapter: the one Store of the server and every cached read of it (snapshots, KPI details, charts,
anything else derived from the store). Every cache key holds the store's change token, so a cached result is
never older than the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import streamlit as st

from kpi.store import Store
from kpi.views import KpiDetail, Snapshot, in_language, kpi_detail, snapshot
from kpi.web.context import Context


@st.cache_resource
def get_store() -> Store:
    """One Store object per server: it holds an engine with NullPool, never an open DuckDB file."""
    return Store()


def data_version() -> tuple:
    """The cache key for everything read from the store: changes with every write (an import, an undo, a
    comment, a catalog load), so a cached result is never older than the store. Asked once per page run
    (kpi.web.freshness), so every cached read of one run sees one state of the store."""
    from kpi.web.freshness import run_token

    return run_token(get_store())


# A resource cache, not cache_data: one snapshot object shared by every session without pickling it on each
# page run (37 MB and 0.3 s per run on the 2,000-KPI stress store). Snapshots are read-only; pandas'
# copy-on-write keeps a page's derived frames from changing the shared ones.
@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_snapshot(url: str, version: tuple, as_of: datetime | None, day: date) -> Snapshot | None:
    return snapshot(Store(url), as_of)


def _key(ctx: Context) -> tuple:
    """What every cached read depends on: the store, its state, the as-of moment, and the day (a live view
    evaluates "late" and "overdue" against today, so it changes at midnight)."""
    return get_store().url, data_version(), ctx.as_of, date.today()


@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_local_snapshot(url: str, version: tuple, as_of: datetime | None, day: date, lang: str) -> Snapshot | None:
    snap = _cached_snapshot(url, version, as_of, day)
    return None if snap is None else in_language(snap, lang)


def current_snapshot(ctx: Context, localized: bool = True) -> Snapshot | None:
    """The snapshot for the sidebar's as-of date, its content in the UI language (`localized=False`: as the catalog
    is written, for editing it); cached until the store changes (an import is visible at once)."""
    if not localized:
        return _cached_snapshot(*_key(ctx))
    return _cached_local_snapshot(*_key(ctx), ctx.lang)


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_detail(
    url: str, version: tuple, as_of: datetime | None, day: date, kpi_id: str, lang: str = "de"
) -> KpiDetail | None:
    snap = _cached_local_snapshot(url, version, as_of, day, lang)
    return None if snap is None else kpi_detail(Store(url), snap, kpi_id)


def current_kpi_detail(ctx: Context, kpi_id: str) -> KpiDetail | None:
    """One KPI with its revisions and comments (two store reads), its content in the UI language; cached like the
    snapshot."""
    return _cached_detail(*_key(ctx), kpi_id, ctx.lang)


@st.cache_resource(max_entries=512, show_spinner=False)
def _cached_chart(key: tuple, _build: Callable[[], object]) -> object:
    return _build()


def chart(ctx: Context, key: tuple, build: Callable[[], object]) -> object:
    """A Plotly figure built once per store state, as-of moment and language (`key` names the chart and
    whatever else it depends on); st.plotly_chart only serialises it (about 2 ms instead of 10-30 ms).
    The figure is shared: pages must not change it."""
    return _cached_chart((*_key(ctx), ctx.lang, *key), build)


# A resource cache, like the snapshot's: cache_data would pickle the value once and unpickle it on every page run.
# The committee deck of the 2,000-KPI stress store is 41 MB pickled: 2.0 s on every slide change.
@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_value(key: tuple, _build: Callable[[], object]) -> object:
    return _build()


def derived(key: tuple, build: Callable[[], object]) -> object:
    """Any value built from the store (`key` names it and whatever else it depends on besides the store's
    state), built once per store state and shared by every session: callers must not change it (the deck is
    made of frozen dataclasses)."""
    store = get_store()
    return _cached_value((store.url, data_version(), *key), build)
