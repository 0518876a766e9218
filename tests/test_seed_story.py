"""The demo store tells the story it promises: every status on show, one stale and one empty KPI,
values a city could have measured, reproducible, and clearly labelled as illustrative."""

from __future__ import annotations

import math
from datetime import datetime, time

import pytest

from kpi.demo import DEMO_SOURCE, GIGABIT_SOURCE, STORIES, demo_measurements
from kpi.revisions import current_catalog
from kpi.views import snapshot, status_frame
from tests.conftest import TODAY

# The conftest store is seeded as of TODAY; reading it as of the end of that day keeps the story
# independent of the day the tests run.
END_OF_TODAY = datetime.combine(TODAY, time.max)


@pytest.fixture
def demo_status(seeded_store):
    snap = snapshot(seeded_store, END_OF_TODAY)
    assert snap is not None and snap.today == TODAY
    return status_frame(snap)


def test_demo_shows_every_status_in_plausible_numbers(demo_status):
    counts = demo_status["status"].value_counts().to_dict()
    assert counts.get("on_track", 0) >= 5
    assert counts.get("at_risk", 0) >= 3
    assert counts.get("off_track", 0) >= 3
    assert counts.get("achieved", 0) >= 2
    assert counts.get("no_data", 0) == 1
    # EG-05 (no value for two years) and EG-06 (its first value is overdue): one overdue rule for both
    assert int(demo_status["stale"].sum()) == 2
    # a cockpit that is mostly red or mostly green tells no story
    assert counts["on_track"] + counts.get("achieved", 0) < len(demo_status) * 0.8
    assert counts["off_track"] < len(demo_status) / 2


def test_each_kpi_shows_its_scripted_story(demo_status):
    shown = {r.kpi_id: ("stale" if r.stale and r.status != "no_data" else r.status) for r in demo_status.itertuples()}
    scripted = {kpi_id: STORIES.get(kpi_id, "on_track") for kpi_id in shown}
    # Their final target date lies before their newest value and the target is not met: missed, whatever the story
    # (EG-15: 100 % due 2024, 97.8 % in 2026).
    scripted.update({kpi_id: "missed" for kpi_id in ("EG-15", "SC-05", "SC-03")})
    assert shown == scripted


def test_the_stale_kpi_still_has_a_status_and_the_empty_one_has_no_values(demo_status):
    stale = demo_status[demo_status["stale"] & (demo_status["status"] != "no_data")].iloc[0]
    assert stale["status"] not in ("no_data",)
    assert (TODAY - stale["latest_period"]).days > 365
    empty = demo_status[demo_status["status"] == "no_data"].iloc[0]
    assert empty["latest_value"] is None or math.isnan(empty["latest_value"])
    assert empty["stale"]  # its first value was due long ago: overdue by the same rule


def test_every_demo_value_lies_within_its_kpis_valid_range(seeded_store, catalog):
    kpis = {k.id: k for k in catalog.kpis}
    revisions = seeded_store.query("SELECT kpi_id, period, value FROM measurement")
    assert len(revisions) > 500
    outside = [
        (r.kpi_id, r.period, r.value)
        for r in revisions.itertuples()
        if (kpis[r.kpi_id].range_min is not None and r.value < kpis[r.kpi_id].range_min)
        or (kpis[r.kpi_id].range_max is not None and r.value > kpis[r.kpi_id].range_max)
        or not math.isfinite(r.value)
    ]
    assert outside == []


def test_demo_series_start_at_the_baseline_and_do_not_run_past_today(catalog):
    rows = demo_measurements(catalog, TODAY)
    kpis = {k.id: k for k in catalog.kpis}
    for kpi_id in {r.kpi_id for r in rows}:
        periods = [r.period for r in rows if r.kpi_id == kpi_id]
        assert min(periods) <= kpis[kpi_id].baseline_period or kpis[kpi_id].real_data, kpi_id
        assert max(periods) <= TODAY, kpi_id


def test_demo_data_is_reproducible(catalog):
    first = demo_measurements(catalog, TODAY)
    assert first == demo_measurements(catalog, TODAY)
    # the equality means something: another random seed gives other numbers
    other = demo_measurements(catalog, TODAY, seed=7)
    assert [r.value for r in other] != [r.value for r in first]


def test_seeded_store_holds_every_demo_row_and_only_commented_corrections_on_top(seeded_store, catalog):
    demo = {(r.kpi_id, r.period): r.value for r in demo_measurements(catalog, TODAY)}
    revisions = seeded_store.query("SELECT kpi_id, period, value FROM measurement")
    stored = list(zip(revisions["kpi_id"], revisions["period"], revisions["value"]))
    assert set(demo.items()) <= {((k, p), v) for k, p, v in stored}
    current = seeded_store.current_values()
    assert {(k, p) for k, p in zip(current["kpi_id"], current["period"])} == set(demo)
    corrected = current[[demo[(k, p)] != v for k, p, v in zip(current["kpi_id"], current["period"], current["value"])]]
    # every revision beyond the demo rows is a correction that shows, and says why
    assert len(corrected) == len(stored) - len(demo)
    assert all(isinstance(c, str) and c for c in corrected["comment"])


def test_demo_data_is_labelled_illustrative(seeded_store, catalog):
    stored_catalog = current_catalog(seeded_store)
    assert stored_catalog.strategy.illustrative
    assert "illustrativ" in stored_catalog.strategy.note
    real = {k.id for k in catalog.kpis if k.real_data}
    assert real, "the catalog marks its real public series"
    sources = seeded_store.query("SELECT DISTINCT kpi_id, source FROM measurement")
    for r in sources.itertuples():
        if r.kpi_id in real and r.source == GIGABIT_SOURCE:
            continue  # real published figures, credited to their source
        assert "illustrativ" in r.source, (r.kpi_id, r.source)
    assert (sources["source"] == DEMO_SOURCE).sum() >= len(catalog.kpis) - 3
    uploads = seeded_store.uploads()
    assert "Demo-Daten (illustrativ)" in set(uploads["file_name"])
