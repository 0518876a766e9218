"""A store holding values with impossible periods, written straight in SQL as an old version (before the period
window of issue 12) or a hand-made fix in the database would have: issue 12, finding 2 (defence in depth)."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from kpi.store import Store

TYPO_FILE = "alt-tippfehler.csv"
TYPO_PERIODS = {"EG-02": date(9999, 12, 31), "EG-01": date(1, 12, 31)}


def write_typo_upload(store: Store) -> int:
    """One committed upload with a value for 31.12.9999 and one for 31.12.0001; its id."""
    con = duckdb.connect(store.path)
    try:
        at = max(
            datetime.now(),
            con.execute("SELECT coalesce(max(recorded_at), now()::TIMESTAMP) FROM measurement").fetchone()[0],
        )
        upload_id = con.execute(
            """INSERT INTO upload (kind, file_name, sha256, username, created_at, n_new,
                       n_changed, n_unchanged, state) VALUES ('measurements', ?, 'x', 'alt', ?, 2, 0, 0, 'committed')
                       RETURNING id""",
            [TYPO_FILE, at],
        ).fetchone()[0]
        for kpi_id, period in TYPO_PERIODS.items():
            con.execute(
                """INSERT INTO measurement (kpi_id, period, value, upload_id, recorded_at, recorded_by)
                           VALUES (?, ?, 5, ?, ?, 'alt')""",
                [kpi_id, period, upload_id, at],
            )
    finally:
        con.close()
    return upload_id
