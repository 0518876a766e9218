"""PostgreSQL as the shared store of several servers: writers serialised in PostgreSQL, a change token every server
sees, an import written whole or not at all, and the migration of a DuckDB store (tests/pg.py starts the server)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi import auth, cli, pgstore
from kpi.audit import undo_upload
from kpi.auth import User
from kpi.ingest import import_file
from kpi.migration import migrate_store
from kpi.seed import seed
from kpi.store import Store, StoreLockedError
from tests.conftest import TODAY

pytestmark = pytest.mark.pg

IT = User("it", "it_office")


def _csv(kpi: str, year: int, value: float) -> bytes:
    return f"Kennzahl;Zeitraum;Wert\n{kpi};{year};{value}\n".encode()


def _count(store: Store, table: str) -> int:
    with store.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar())


def _records(frame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


@pytest.fixture
def two_servers(pg_database, pg_catalog_template) -> tuple[Store, Store]:
    """Two Store objects on one database, as two app servers have."""
    first = pg_database(pg_catalog_template)
    return first, Store(first.url, lock_timeout=10)


def test_a_write_through_one_server_changes_the_token_the_other_reads(two_servers):
    a, b = two_servers
    before = b.change_token()
    assert b.change_token() == before  # reading changes nothing
    result = import_file(a, data=_csv("EG-02", 2024, 100), file_name="a.csv")
    assert result.ok and result.upload_id
    after = b.change_token()
    assert after != before
    a.add_comment("EG-02", date(2024, 12, 31), "geprüft", "it")
    assert b.change_token() != after


IMPORTER = """
import sys
from kpi.ingest import import_file
from kpi.store import Store
store = Store(sys.argv[1], lock_timeout=120)
for i in range(4):
    data = f"Kennzahl;Zeitraum;Wert\\n{sys.argv[2]};{2020 + i};{50 + i}\\n".encode()
    result = import_file(store, data=data, file_name=f"{sys.argv[2]}-{i}.csv", confirm_implausible=True)
    print(result.upload_id, [p.message for p in result.problems], flush=True)
"""


@pytest.mark.processes
def test_concurrent_imports_through_two_server_processes_both_land_whole(two_servers):
    a, b = two_servers
    root = Path(__file__).resolve().parents[1]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORTER, a.url, kpi],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kpi in ("EG-02", "EG-03")
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    lines = [line for out, _ in outs for line in out.splitlines()]
    assert all(not line.startswith("None") for line in lines), lines
    ids = [int(line.split()[0]) for line in lines]
    assert sorted(ids) == list(range(1, 9))  # 8 uploads, each committed, none lost
    assert _count(a, "measurement") == 8
    assert sorted(b.current_values()["kpi_id"].tolist()) == ["EG-02"] * 4 + ["EG-03"] * 4
    uploads = a.uploads().set_index("id")
    for upload_id in ids:  # each upload wrote exactly its own row
        assert (a.upload_measurements(upload_id)["kpi_id"].size, uploads.loc[upload_id, "n_new"]) == (1, 1)


def test_a_writer_waiting_longer_than_the_bound_is_refused_with_a_message_and_writes_nothing(two_servers):
    a, b = two_servers
    impatient = Store(b.url, lock_timeout=0.5)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:  # another server's writer: its own connection holding the store's writer lock
        with a.engine.connect() as conn, conn.begin():
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": pgstore.WRITER_LOCK_KEY})
            holding.set()
            release.wait(120)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(120)
        with pytest.raises(StoreLockedError, match="anderen Schreibvorgang belegt"):
            import_file(impatient, data=_csv("EG-02", 2024, 1), file_name="late.csv")
    finally:
        release.set()
        holder.join(120)
    assert _count(a, "measurement") == 0 and _count(a, "upload") == 0
    assert import_file(impatient, data=_csv("EG-02", 2024, 1), file_name="later.csv").ok  # free again


def test_an_import_failing_during_copy_writes_nothing(two_servers, monkeypatch):
    a, _ = two_servers

    def copy_then_fail(con, relation, conn, table, columns):
        assert pgstore_copy(con, relation, conn, table, columns) == 1  # the rows reach the server ...
        conn.execute(sa.text("SELECT 1/0"))  # ... then the transaction fails

    pgstore_copy = pgstore.copy_from_duck
    monkeypatch.setattr(pgstore, "copy_from_duck", copy_then_fail)
    result = import_file(a, data=_csv("EG-02", 2024, 100), file_name="a.csv")
    assert not result.ok and result.problems[0].code == "store.error"
    assert "nichts übernommen" in result.problems[0].message
    assert _count(a, "measurement") == 0 and _count(a, "upload") == 0


def test_status_and_as_of_agree_with_the_duckdb_store(tmp_path: Path, pg_database, pg_seeded_template):
    from kpi.views import snapshot, status_frame

    duck = Store(f"duckdb:///{tmp_path / 'kpi.duckdb'}")
    seed(duck, today=TODAY)
    pg = pg_database(pg_seeded_template)
    for store in (duck, pg):
        assert import_file(store, data=_csv("EG-02", 2025, 55), file_name="x.csv", today=TODAY).ok
    columns = ["kpi_id", "status", "latest_period", "latest_value"]
    frames = [status_frame(snapshot(s))[columns].reset_index(drop=True) for s in (duck, pg)]
    assert frames[0].equals(frames[1])
    assert frames[0]["status"].nunique() > 1


@pytest.fixture
def history(tmp_path: Path) -> Store:
    """A DuckDB store with a history: seed, an import, a correction, an undo, a comment, a user."""
    source = Store(f"duckdb:///{tmp_path / 'kpi.duckdb'}")
    seed(source, today=TODAY)
    first = import_file(source, data=_csv("EG-02", 2025, 17900), file_name="a.csv", today=TODAY)
    time.sleep(0.01)
    second = import_file(source, data=_csv("EG-02", 2025, 18000), file_name="b.csv", today=TODAY)
    assert first.ok and second.ok
    assert undo_upload(source, second.upload_id, IT).ok
    source.add_comment("EG-02", date(2025, 12, 31), "Zahl bestätigt", "it")
    auth.add_user(source, "anna", "it_office", "Rathaus-2026!")
    return source


def test_migrate_copies_every_revision_keeps_ids_and_verifies_the_export(history, pg_database, capsys):
    target = pg_database()
    code = cli.main(["--db", history.url, "migrate", "--to", target.url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Ergebnis: alle Stände gleich." in out and "ABWEICHEND" not in out
    assert out.count("Zeilen, gleich") >= 4  # each upload's time and now
    for table in ("measurement", "measure_update", "kpi_comment", "upload", "catalog_revision", "app_user"):
        assert _count(target, table) == _count(history, table), table
    assert _records(history.uploads()) == _records(target.uploads())
    assert _records(target.revisions("EG-02")) == _records(history.revisions("EG-02"))
    assert auth.authenticate(target, "anna", "Rathaus-2026!") is not None
    # the sequences continue: the next upload and revision come after the migrated ones
    result = import_file(target, data=_csv("EG-03", 2025, 5), file_name="c.csv", today=TODAY, confirm_implausible=True)
    assert result.upload_id == int(history.uploads()["id"].max()) + 1
    with target.connect() as conn:
        newest = conn.execute(
            sa.text("SELECT max(rev) FROM measurement WHERE upload_id = :u"), {"u": result.upload_id}
        ).scalar()
    with history.connect() as conn:
        assert newest > conn.execute(sa.text("SELECT max(rev) FROM measurement")).scalar()


def test_migrate_refuses_a_target_that_holds_data_and_writes_nothing(history, pg_database, pg_seeded_template, capsys):
    target = pg_database(pg_seeded_template)
    before = (_count(target, "upload"), _count(target, "measurement"), target.change_token())
    assert cli.main(["--db", history.url, "migrate", "--to", target.url]) == 4
    assert "enthält schon Daten" in capsys.readouterr().err
    assert (_count(target, "upload"), _count(target, "measurement"), target.change_token()) == before


def test_migrate_reports_a_difference(history, pg_database, monkeypatch):
    import kpi.migration as migration

    real = migration.compare_exports

    def tamper(source, target, at):
        import_file(
            target, data=_csv("EG-03", 2025, 5), file_name="late.csv", today=TODAY, confirm_implausible=True
        )  # target drifts
        return real(source, target, at)

    monkeypatch.setattr(migration, "compare_exports", tamper)
    lines: list[str] = []
    result = migrate_store(history, pg_database(), lines.append)
    assert not result.ok
    assert any("ABWEICHEND" in line for line in lines) and "nicht verwenden" in lines[-1]


def test_the_command_line_runs_on_postgresql(pg_database, tmp_path: Path):
    import json

    from tests.cli_inprocess import run_cli

    db = pg_database().url
    assert (
        run_cli("init", "--catalog", str(Path(__file__).parent / "fixtures" / "musterstadt.yaml"), db=db).returncode
        == 0
    )
    assert run_cli("uploads", "--format", "json", db=db).stdout.strip() == "[]"  # a catalog, no values
    db = pg_database().url
    seeded = run_cli("seed", db=db)
    assert seeded.returncode == 0, seeded.stderr
    path = tmp_path / "w.csv"
    path.write_bytes(_csv("EG-02", 2025, 17900))
    imported = run_cli("import", str(path), "--user", "it", db=db)
    assert imported.returncode == 0, imported.stderr
    uploads = json.loads(run_cli("uploads", "--format", "json", db=db).stdout)
    newest = uploads[0]
    assert newest["kind"] == "measurements" and newest["n_new"] + newest["n_changed"] == 1
    status = json.loads(run_cli("status", "--format", "json", db=db).stdout)
    assert {r["kpi_id"] for r in status} >= {"EG-02", "EG-03"}
    now_csv = run_cli("export", db=db).stdout
    before = run_cli("export", "--as-of", str(newest["created_at"]).replace(" ", "T")[:19], db=db).stdout
    assert "17900" in now_csv and "17900" not in before
    assert run_cli("undo", str(newest["id"]), db=db).returncode == 0
    assert "17900" not in run_cli("export", db=db).stdout
    assert (
        run_cli(
            "user", "add", "anna", "--role", "viewer", "--password-stdin", db=db, stdin="Rathaus-2026!\n"
        ).returncode
        == 0
    )
    assert "anna" in run_cli("user", "list", db=db).stdout


def test_bench_pg_measures_import_and_status_on_both_stores(pg_cluster):
    from kpi.bench.pg import backends_report, bench_backends

    results = bench_backends(runs=1, rows=240, kpis=4)
    for backend in ("duckdb", "pg"):
        for key in ("import", "status"):
            figures = results[backend][key]
            assert figures["seconds"] > 0 and figures["bare_seconds"] > 0 and len(figures["samples"]) == 1
    assert results["measurements"] == 4 * 240
    text = backends_report(results)
    assert "PostgreSQL" in text and "Import (s)" in text and "Status (s)" in text
