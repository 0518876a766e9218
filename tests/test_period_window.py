"""Issue 12, finding 2 (defence in depth): values with an impossible period already in the store (written before
the import refused them, or straight in SQL) are left out of status, forecast and charts with one warning that
names KPI, period and upload; export writes them as ISO dates; the upload can be undone. Each of these crashed
with "year 10000 is out of range" before."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from kpi import cli, period_window
from kpi.audit import undo_upload
from kpi.auth import User
from kpi.report import load_deck
from kpi.views import kpi_detail, out_of_window_notice, snapshot, status_frame
from tests.stored_typos import TYPO_FILE, TYPO_PERIODS, write_typo_upload


def test_status_leaves_impossible_periods_out_and_names_them(seeded_store, capsys):
    upload_id = write_typo_upload(seeded_store)
    assert cli.main(["--db", seeded_store.url, "status"]) == 0
    out, err = capsys.readouterr()
    assert "EG-02" in out and "9999" not in out
    warning = err.strip()
    assert warning.count("\n") == 0  # one sentence
    for kpi_id, period in TYPO_PERIODS.items():
        assert f"{kpi_id} {period_window.day_text(period)}" in warning
    assert f"Upload {upload_id} „{TYPO_FILE}“" in warning and f"python -m kpi undo {upload_id}" in warning
    assert "/protokoll" in warning
    assert cli.main(["--db", seeded_store.url, "status", "--format", "json"]) == 0
    rows = {r["kpi_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["EG-02"]["latest_period"] < "2100"


def test_the_snapshot_charts_and_deck_work_without_the_impossible_rows(seeded_store):
    from kpi import charts

    write_typo_upload(seeded_store)
    snap = snapshot(seeded_store)
    assert {(i.kpi_id, i.period) for i in snap.out_of_window} == set(TYPO_PERIODS.items())
    assert not snap.values["period"].isin(list(TYPO_PERIODS.values())).any()
    assert status_frame(snap).set_index("kpi_id").loc["EG-02", "latest_period"].year < 2100
    detail = kpi_detail(seeded_store, snap, "EG-02")
    assert date(9999, 12, 31) in set(detail.revisions["period"])  # the record keeps it, the chart does not
    assert charts.kpi_figure(detail.kpi, detail.series, detail.status, "de") is not None
    deck = load_deck(seeded_store, None)  # built, not rendered
    assert out_of_window_notice(snap) in deck.slides[0].note


def test_export_writes_impossible_periods_as_iso_dates(seeded_store, capsys):
    write_typo_upload(seeded_store)
    assert cli.main(["--db", seeded_store.url, "export", "--format", "json"]) == 0
    periods = {(r["kpi_id"], r["period"]) for r in json.loads(capsys.readouterr().out)}
    assert {("EG-02", "9999-12-31"), ("EG-01", "0001-12-31")} <= periods
    assert cli.main(["--db", seeded_store.url, "export"]) == 0
    text = capsys.readouterr().out
    assert "EG-02,9999-12-31," in text and "EG-01,0001-12-31," in text and "-719163" not in text


def test_undoing_the_upload_removes_the_warning(seeded_store, capsys):
    upload_id = write_typo_upload(seeded_store)
    assert undo_upload(seeded_store, upload_id, User("admin", "admin")).ok
    snap = snapshot(seeded_store)
    assert snap.out_of_window == () and out_of_window_notice(snap) is None
    assert cli.main(["--db", seeded_store.url, "status"]) == 0
    assert "unmöglichem" not in capsys.readouterr().err


def test_the_window_is_cheap_and_exact(catalog):
    today = date(2026, 11, 25)
    values = pd.DataFrame(
        {
            "kpi_id": ["EG-02", "EG-02", "EG-02"],
            "period": [date(1900, 12, 31), date(2024, 12, 31), date(2200, 12, 31)],
            "upload_id": [1, 2, 3],
        }
    )
    kept, excluded = period_window.split(catalog, values, today)
    assert kept["period"].tolist() == [date(2024, 12, 31)]
    assert excluded["upload_id"].tolist() == [1, 3]
    same, none = period_window.split(catalog, values.iloc[1:2], today)
    assert same is not None and len(same) == 1 and none.empty
    english = period_window.notice(period_window.rows(excluded, {1: "a.csv"}), "en")
    assert "EG-02 31/12/1900 (upload 1 'a.csv')" in english and "python -m kpi undo 3" in english
