"""Issue 12, finding 11 (faults): every database and configuration fault is one sentence and an exit code, says
that nothing was written, and leaves no file behind. Before, a folder as the store was reported as missing, an
unknown database kind or a read-only file gave the driver's English error, and a read command on a mistyped
SQLite URL created an empty database."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kpi import cli
from tests.conftest import write


def one_sentence(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("Fehler:") and "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("command", [["status"], ["import", "werte.csv"]], ids=["read", "write"])
def test_an_unknown_database_kind_is_named(tmp_path, capsys, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "werte.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n")
    assert cli.main(["--db", "duckbd:///kpi.duckdb", *command]) == 4
    err = one_sentence(capsys)
    assert "unbekannte Datenbankart 'duckbd'" in err and "nichts geschrieben" in err
    assert list(tmp_path.iterdir()) == [tmp_path / "werte.csv"]


@pytest.mark.parametrize(
    "command",
    [["status"], ["export"], ["import", "werte.csv"], ["user", "unlock", "x"]],
    ids=["status", "export", "import", "user"],
)
def test_a_folder_where_the_store_should_be_is_named(tmp_path, capsys, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "werte.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n")
    (tmp_path / "kpi.duckdb").mkdir()
    assert cli.main(["--db", f"duckdb:///{tmp_path / 'kpi.duckdb'}", *command]) == 4
    err = one_sentence(capsys)
    assert "ist ein Ordner, keine Datenbankdatei" in err and "nichts geschrieben" in err
    assert list((tmp_path / "kpi.duckdb").iterdir()) == []


@pytest.mark.parametrize("command", [["status"], ["import", "werte.csv"]], ids=["read", "write"])
def test_a_database_kind_we_do_not_support_is_refused_and_nothing_is_created(tmp_path, capsys, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "werte.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n")
    missing = tmp_path / "tippfehler.db"
    assert cli.main(["--db", f"sqlite:///{missing}", *command]) == 4
    err = one_sentence(capsys)
    assert "Datenbankart 'sqlite'" in err and "nicht unterstützt" in err and "nichts geschrieben" in err
    assert not missing.exists()


def test_a_corrupt_store_is_one_sentence_for_a_write_too(tmp_path, capsys):
    broken = tmp_path / "kaputt.duckdb"
    broken.write_bytes(b"\x00garbage" * 1000)
    path = write(tmp_path, "werte.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n")
    assert cli.main(["--db", f"duckdb:///{broken}", "import", str(path)]) == 4
    assert "Nichts übernommen" in one_sentence(capsys)
    assert broken.read_bytes() == b"\x00garbage" * 1000


def make_read_only(path: Path) -> None:
    """Read-only for whoever runs the tests: mode 444, and for root (who ignores modes) the immutable attribute."""
    os.chmod(path, 0o444)
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
            pytest.skip("as root a file can be made read-only only with chattr +i, which is not available here")


def test_a_read_only_store_refuses_writes_in_one_sentence_and_still_reads(seeded_store, tmp_path, capsys):
    store = Path(seeded_store.path)
    data = write(tmp_path, "werte.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;1\n")
    make_read_only(store)
    try:
        before = store.read_bytes()
        for command in (["import", str(data)], ["user", "unlock", "admin"], ["undo", "2"]):
            assert cli.main(["--db", f"duckdb:///{store}", *command]) == 4, command
            err = one_sentence(capsys)
            assert "schreibgeschützt" in err and "nichts geschrieben" in err
        assert cli.main(["--db", f"duckdb:///{store}", "export"]) == 0
        assert "EG-02" in capsys.readouterr().out
        assert store.read_bytes() == before
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(store)])
