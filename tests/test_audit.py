"""Audit log and undo, the measure-update import (all or nothing), and concurrent uploads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from kpi import audit
from kpi.auth import User
from kpi.ingest import import_file, import_measures, record_measure_update
from kpi.revisions import current_catalog
from kpi.store import Store, StoreLockedError
from tests.conftest import write

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)

ROOT = Path(__file__).resolve().parents[1]
IT = User("it", "it_office")
ADMIN = User("admin", "admin")
HEADER = "Kennzahl;Zeitraum;Wert;Kommentar\r\n"
MEASURE_HEADER = "Maßnahme;Status;Fortschritt;Kommentar\r\n"


def value(store: Store, kpi_id: str, period: date) -> float | None:
    current = store.current_values(kpi_ids=[kpi_id])
    match = current[current["period"] == period]
    return None if match.empty else float(match["value"].iloc[0])


def revisions(store: Store, kpi_id: str, period: date):
    frame = store.revisions(kpi_id)
    return frame[frame["period"] == period]


def counts(store: Store) -> tuple[int, int, int]:
    with store.connect() as conn:
        return tuple(
            conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM measurement), (SELECT count(*) FROM measure_update), "
                    "(SELECT count(*) FROM upload)"
                )
            ).one()
        )


def upload_csv(store: Store, tmp_path: Path, name: str, rows: str, user: str = "it"):
    result = import_file(store, write(tmp_path, name, HEADER + rows), user=user, confirm_implausible=True)
    assert result.committed, result.problems
    return result


# -- undo: measurements ----------------------------------------------------------------------


def test_undo_restores_previous_values_as_new_revisions(seeded_store, tmp_path):
    period = date(2024, 12, 31)
    before = value(seeded_store, "EG-02", period)
    n_revisions = len(revisions(seeded_store, "EG-02", period))
    upload = upload_csv(seeded_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;Tippfehler\r\n")
    assert value(seeded_store, "EG-02", period) == 99999

    result = audit.undo_upload(seeded_store, upload.upload_id, IT)

    assert result.ok, result.message
    assert (result.restored, result.retracted, result.skipped) == (1, 0, [])
    assert value(seeded_store, "EG-02", period) == before
    history = revisions(seeded_store, "EG-02", period)
    assert len(history) == n_revisions + 2  # nothing deleted: the upload's revision and the restoring one
    newest = history.iloc[0]
    assert newest["value"] == before and newest["upload_id"] == result.undo_id and newest["recorded_by"] == "it"


def test_undo_retracts_values_that_had_no_previous_value(seeded_store, tmp_path):
    upload = upload_csv(seeded_store, tmp_path, "neu.csv", "EG-02;2031;25.000;\r\n")
    assert value(seeded_store, "EG-02", date(2031, 12, 31)) == 25000

    result = audit.undo_upload(seeded_store, upload.upload_id, IT)

    assert result.ok and result.retracted == 1
    assert value(seeded_store, "EG-02", date(2031, 12, 31)) is None
    history = revisions(seeded_store, "EG-02", date(2031, 12, 31))
    assert len(history) == 2 and history["value"].isna().iloc[0]


def test_undo_is_logged_as_an_upload_of_kind_undo_and_marks_the_upload_undone(seeded_store, tmp_path):
    upload = upload_csv(seeded_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\nEG-02;2032;1;\r\n")
    result = audit.undo_upload(seeded_store, upload.upload_id, ADMIN)
    undone = seeded_store.upload(upload.upload_id)
    log = seeded_store.upload(result.undo_id)
    assert undone["state"] == "undone"
    assert log["kind"] == "undo" and log["undo_of"] == upload.upload_id and log["username"] == "admin"
    assert (log["n_changed"], log["n_new"], log["n_unchanged"]) == (1, 1, 0)
    assert len(seeded_store.upload_measurements(result.undo_id)) == 2
    frame = audit.protocol_frame(seeded_store)
    assert frame.set_index("id").loc[upload.upload_id, "undone_by"] == result.undo_id


def test_undoing_twice_is_refused_with_a_message(seeded_store, tmp_path):
    upload = upload_csv(seeded_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\n")
    assert audit.undo_upload(seeded_store, upload.upload_id, IT).ok
    before = counts(seeded_store)
    again = audit.undo_upload(seeded_store, upload.upload_id, IT)
    assert not again.ok
    assert "bereits rückgängig gemacht" in again.message and "von it" in again.message
    assert counts(seeded_store) == before


def test_undo_does_not_clobber_values_changed_again_later(seeded_store, tmp_path):
    period = date(2024, 12, 31)
    original_eg03 = value(seeded_store, "EG-03", period)
    first = upload_csv(seeded_store, tmp_path, "a.csv", "EG-02;2024;30.000;\r\nEG-03;2024;44;\r\n")
    later = upload_csv(seeded_store, tmp_path, "b.csv", "EG-02;2024;31.000;zweite Korrektur\r\n")

    result = audit.undo_upload(seeded_store, first.upload_id, IT)

    assert result.ok
    assert value(seeded_store, "EG-02", period) == 31000  # the later value stays
    assert value(seeded_store, "EG-03", period) == original_eg03
    assert result.restored == 1
    assert result.skipped == [{"kpi_id": "EG-02", "period": period, "later_upload": later.upload_id}]
    assert "1 Zeile(n) übersprungen" in result.message


def test_the_as_of_view_before_the_undo_still_shows_what_was_known_then(seeded_store, tmp_path):
    upload = upload_csv(seeded_store, tmp_path, "neu.csv", "EG-02;2031;25.000;\r\n")
    seen = datetime.now()
    audit.undo_upload(seeded_store, upload.upload_id, IT)
    then = seeded_store.current_values(seen, ["EG-02"])
    assert 25000 in set(then["value"])


def test_an_undo_itself_and_seed_data_cannot_be_undone(seeded_store, tmp_path):
    upload = upload_csv(seeded_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\n")
    undo = audit.undo_upload(seeded_store, upload.upload_id, IT)
    refused = audit.undo_upload(seeded_store, undo.undo_id, IT)
    assert not refused.ok and "selbst ein Rückgängig-Vorgang" in refused.message
    seed_id = int(seeded_store.uploads().query("kind == 'seed'")["id"].min())
    assert "nur Uploads von Messwerten und Maßnahmen" in audit.undo_upload(seeded_store, seed_id, IT).message
    assert "gibt es nicht" in audit.undo_upload(seeded_store, 99999, IT).message


@pytest.mark.parametrize(
    "actor", [None, User("v", "viewer"), User("bb", "department", "BB")], ids=["anonymous", "viewer", "department"]
)
def test_only_it_office_and_admin_may_undo(seeded_store, tmp_path, actor):
    upload = upload_csv(seeded_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\n")
    result = audit.undo_upload(seeded_store, upload.upload_id, actor)
    assert not result.ok and "Keine Berechtigung" in result.message
    assert seeded_store.upload(upload.upload_id)["state"] == "committed"


def test_two_undos_of_one_upload_at_the_same_moment_write_once(seeded_store, tmp_path):
    upload = upload_csv(seeded_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\n")
    barrier = threading.Barrier(2)
    results = []

    def undo():
        barrier.wait()
        results.append(audit.undo_upload(Store(seeded_store.url, lock_timeout=10), upload.upload_id, IT))

    threads = [threading.Thread(target=undo) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.ok for r in results) == [False, True]
    assert all(r.message for r in results)
    assert len(seeded_store.uploads().query("kind == 'undo'")) == 1


# -- undo: measure updates -------------------------------------------------------------------


def test_undo_of_a_measure_upload_restores_the_previous_states(seeded_store, tmp_path):
    states = seeded_store.measure_states().set_index("measure_id")
    path = write(tmp_path, "massnahmen.csv", MEASURE_HEADER + "M-01;abgeschlossen;100;fertig\r\n")
    upload = import_measures(seeded_store, path, user="it")
    assert upload.committed and upload.changed == 1
    result = audit.undo_upload(seeded_store, upload.upload_id, IT)
    assert result.ok and result.restored == 1
    after = seeded_store.measure_states().set_index("measure_id")
    assert after.loc["M-01", "state"] == states.loc["M-01", "state"]
    assert after.loc["M-01", "progress"] == states.loc["M-01", "progress"]


# -- measure import --------------------------------------------------------------------------


def test_measure_import_accepts_german_labels_codes_and_percent_signs(seeded_store, tmp_path):
    path = write(
        tmp_path,
        "massnahmen.csv",
        MEASURE_HEADER
        + "M-01;in Umsetzung;80 %;Bezahlfunktion live\r\nm-02;verzögert;20,5;Lieferengpass\r\n"
        + "M-04;IN_UMSETZUNG;10;\r\nM-05;Pausiert;0;\r\n",
        encoding="cp1252",
    )
    result = import_measures(seeded_store, path, user="it")
    assert result.ok, result.problems
    states = seeded_store.measure_states().set_index("measure_id")
    assert (states.loc["M-01", "state"], states.loc["M-01", "progress"]) == ("in_umsetzung", 80)
    assert (states.loc["M-02", "state"], states.loc["M-02", "progress"]) == ("verzoegert", 20.5)
    assert states.loc["M-02", "comment"] == "Lieferengpass"
    assert states.loc["M-05", "state"] == "pausiert"
    assert seeded_store.upload(result.upload_id)["kind"] == "measures"


def test_measure_reimport_writes_nothing_new(seeded_store, tmp_path):
    path = write(tmp_path, "massnahmen.csv", MEASURE_HEADER + "M-01;in Umsetzung;80;x\r\nM-02;geplant;0;\r\n")
    first = import_measures(seeded_store, path, user="it")
    assert first.ok and first.new + first.changed == 2
    before = counts(seeded_store)[1]
    again = import_measures(seeded_store, path, user="it")
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    assert counts(seeded_store)[1] == before


@pytest.mark.parametrize(
    "rows,row,column,message",
    [
        ("M-99;geplant;0;\r\n", 2, "Maßnahme", "unbekannte Maßnahme"),
        (";geplant;0;\r\n", 2, "Maßnahme", "Maßnahme fehlt"),
        ("M-01;erledigt;100;\r\n", 2, "Status", "unbekannter Status"),
        ("M-01;;100;\r\n", 2, "Status", "Status fehlt"),
        ("M-01;geplant;101;\r\n", 2, "Fortschritt", "zwischen 0 und 100"),
        ("M-01;geplant;-5;\r\n", 2, "Fortschritt", "zwischen 0 und 100"),
        ("M-01;geplant;viel;\r\n", 2, "Fortschritt", "keine Zahl"),
        ("M-01;geplant;;\r\n", 2, "Fortschritt", "Fortschritt fehlt"),
        ("M-01;geplant;10;\r\nM-01;geplant;20;\r\n", 2, "Maßnahme", "widersprüchliche Doppelung"),
        ("M-01;geplant;10;;überzählig\r\n", 2, None, "falsche Anzahl Spalten"),
    ],
    ids=[
        "unknown-measure",
        "missing-measure",
        "unknown-state",
        "missing-state",
        "progress-over-100",
        "progress-negative",
        "progress-not-a-number",
        "progress-missing",
        "conflicting-duplicates",
        "wrong-column-count",
    ],
)
def test_measure_import_is_all_or_nothing_for_each_bad_input(seeded_store, tmp_path, rows, row, column, message):
    good = "M-03;abgeschlossen;100;\r\nM-04;in Umsetzung;55;gut\r\n"
    path = write(tmp_path, "massnahmen.csv", MEASURE_HEADER + rows + good)
    before = counts(seeded_store)
    result = import_measures(seeded_store, path, user="it")
    assert not result.ok and not result.committed
    problem = result.problems[0]
    assert (problem.row, problem.column_label("de") or None) == (row, column), result.problems
    assert message in problem.message
    assert counts(seeded_store) == before


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "leer"),
        ("Maßnahme;Status\r\nM-01;geplant\r\n", "es fehlt Fortschritt"),
        ("nur text ohne trennzeichen\r\n", "keine Tabelle"),
        (MEASURE_HEADER, "keine Datenzeilen"),
    ],
    ids=["empty", "missing-column", "not-a-table", "header-only"],
)
def test_measure_import_refuses_unusable_files(seeded_store, tmp_path, text, message):
    before = counts(seeded_store)
    result = import_measures(seeded_store, write(tmp_path, "m.csv", text), user="it")
    assert not result.ok and message in result.problems[0].message
    assert counts(seeded_store) == before


def test_identical_duplicates_collapse_into_one_update(seeded_store, tmp_path):
    path = write(tmp_path, "m.csv", MEASURE_HEADER + "M-01;abgeschlossen;100;\r\nM-01;abgeschlossen;100;\r\n")
    result = import_measures(seeded_store, path, user="it")
    assert result.ok and result.changed == 1
    assert len(seeded_store.upload_measure_updates(result.upload_id)) == 1


def test_measure_xlsx_with_percent_formatted_progress_and_warnings(seeded_store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Maßnahmen"
    sheet.append(["Maßnahme", "Status", "Fortschritt", "Kommentar"])
    sheet.append(["M-01", "abgeschlossen", 0.9, "Restarbeiten"])
    sheet["C2"].number_format = "0%"
    path = tmp_path / "massnahmen.xlsx"
    book.save(path)
    result = import_measures(seeded_store, path, dry_run=True, user="it")
    assert result.ok, result.problems
    assert result.preview.iloc[0]["new_progress"] == pytest.approx(90)
    assert any("abgeschlossen, aber der Fortschritt" in w.message for w in result.warnings)
    assert counts(seeded_store)[1] == len(seeded_store.measure_history())


def test_a_department_may_only_update_its_own_measures(seeded_store, tmp_path):
    own = next(m for m in current_catalog(seeded_store).measures if m.responsible == "BB")
    other = next(m for m in current_catalog(seeded_store).measures if m.responsible != "BB")
    path = write(tmp_path, "m.csv", MEASURE_HEADER + f"{own.id};in Umsetzung;50;\r\n{other.id};geplant;0;\r\n")
    result = import_measures(seeded_store, path, user="bb", restrict_unit="BB")
    assert not result.ok
    assert [p.row for p in result.problems] == [3] and "keine Berechtigung" in result.problems[0].message
    form = record_measure_update(
        seeded_store, own.id, "verzoegert", 40, "Personalmangel", user="bb", restrict_unit="BB"
    )
    assert form.committed and form.changed == 1
    assert seeded_store.upload(form.upload_id)["file_name"] == f"Formular {own.id}"


# -- concurrency -----------------------------------------------------------------------------


def monthly_file(tmp_path: Path, name: str, kpi_id: str, years: range) -> tuple[Path, int]:
    rows = [
        f"{kpi_id};{month:02d}/{year};{(year * 12 + month) % 80},5;gleichzeitig"
        for year in years
        for month in range(1, 13)
    ]
    return write(tmp_path, name, HEADER + "\r\n".join(rows) + "\r\n"), len(rows)


def assert_consistent(store: Store, landed: list[int], before: tuple[int, int, int]) -> None:
    """Every landed upload wrote exactly its counted rows; nothing else was written; no orphan rows."""
    uploads = store.uploads().set_index("id")
    expected = sum(int(uploads.loc[i, "n_new"] + uploads.loc[i, "n_changed"]) for i in landed)
    measurements, _, n_uploads = counts(store)
    assert measurements == before[0] + expected
    assert n_uploads == before[2] + len(landed)
    for upload_id in landed:
        assert (
            len(store.upload_measurements(upload_id))
            == uploads.loc[upload_id, "n_new"] + uploads.loc[upload_id, "n_changed"]
        )
    orphans = store.query("SELECT count(*) AS n FROM measurement WHERE upload_id NOT IN (SELECT id FROM upload)")
    assert int(orphans["n"].iloc[0]) == 0


def test_two_threads_uploading_at_once_both_land_or_one_is_refused(seeded_store, tmp_path):
    files = [
        monthly_file(tmp_path, "a.csv", "EG-04", range(1990, 2000)),
        monthly_file(tmp_path, "b.csv", "EG-05", range(1990, 2000)),
    ]
    before = counts(seeded_store)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def upload(path: Path):
        barrier.wait()
        try:
            outcomes[path.name] = import_file(
                Store(seeded_store.url, lock_timeout=20), path, user=path.stem, confirm_implausible=True
            )
        except StoreLockedError as exc:
            outcomes[path.name] = exc

    threads = [threading.Thread(target=upload, args=(path,)) for path, _ in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    landed = []
    for path, rows in files:
        outcome = outcomes[path.name]
        if isinstance(outcome, StoreLockedError):
            assert "gesperrt" in str(outcome)
        elif outcome.committed:
            assert outcome.new == rows
            landed.append(outcome.upload_id)
        else:
            assert outcome.problems and outcome.problems[0].message  # refused, with a message
    assert landed, outcomes
    assert_consistent(seeded_store, landed, before)


WORKER = """
import sys
from kpi.ingest import import_file
from kpi.store import Store, StoreLockedError
start = float(sys.argv[3])
import time
time.sleep(max(0.0, start - time.time()))
try:
    result = import_file(Store(sys.argv[1], lock_timeout=30), sys.argv[2], user="proc", confirm_implausible=True)
except StoreLockedError as exc:
    print("LOCKED", exc)
    sys.exit(3)
print("UPLOAD", result.upload_id, result.new, result.changed, "P:" + "|".join(p.message for p in result.problems))
"""


@pytest.mark.processes
def test_two_processes_uploading_at_once_both_land_or_one_is_refused(seeded_store, tmp_path):
    import time

    files = [
        monthly_file(tmp_path, "a.csv", "EG-04", range(1980, 2000)),
        monthly_file(tmp_path, "b.csv", "EG-05", range(1980, 2000)),
    ]
    before = counts(seeded_store)
    start = time.time() + 3  # both processes are up and importing by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, seeded_store.url, str(path), str(start)],
            cwd=ROOT,
            env={**os.environ},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path, _ in files
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    landed = []
    for (path, rows), proc, (out, err) in zip(files, procs, outputs):
        if proc.returncode == 3:
            assert "LOCKED" in out and "gesperrt" in out
            continue
        assert proc.returncode == 0, err
        _, upload_id, new, changed, problems = out.strip().split(" ", 4)
        if upload_id == "None":
            assert problems != "P:"  # refused, with a message
            continue
        assert int(new) == rows
        landed.append(int(upload_id))
    assert landed, outputs
    assert_consistent(seeded_store, landed, before)


def test_undo_state_says_whether_and_why_not_an_upload_can_be_undone(seeded_store, tmp_path):
    upload = upload_csv(seeded_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\n")
    state = audit.UndoState
    assert audit.undo_state(seeded_store.upload(upload.upload_id), IT) is state.POSSIBLE
    assert audit.undo_state(seeded_store.upload(upload.upload_id), User("leser", "viewer")) is state.NOT_ALLOWED
    assert audit.undo_state(seeded_store.upload(upload.upload_id), None) is state.NOT_ALLOWED
    undo = audit.undo_upload(seeded_store, upload.upload_id, ADMIN)
    rows = audit.protocol_frame(seeded_store).set_index("id")
    assert audit.undo_state(rows.loc[upload.upload_id], ADMIN) is state.UNDONE
    assert audit.undo_state(rows.loc[undo.undo_id], ADMIN) is state.IS_UNDO
    seed = rows[rows["kind"] == "seed"]
    assert len(seed) and audit.undo_state(seed.iloc[0], ADMIN) is state.NOT_UNDOABLE
