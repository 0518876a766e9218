"""/protokoll with AppTest: role gates, the log, an upload's rows, undo with confirmation, exports."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kpi.ingest import import_file
from tests.conftest import write
from tests.pages.conftest import html_tables
from tests.pages.roles import ADMIN, DEPT_BB, IT, VIEWER, frame_with, messages, open_as, serve

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)

HEADER = "Kennzahl;Zeitraum;Wert;Kommentar\r\n"


@pytest.fixture
def app_store(seeded_store, monkeypatch):
    return serve(seeded_store, monkeypatch)


def commit(store, tmp_path, name: str, rows: str, user: str = "it"):
    result = import_file(
        store, write(tmp_path, "upload.csv", HEADER + rows), user=user, file_name=name, confirm_implausible=True
    )  # the log, not plausibility, is under test here
    assert result.committed, result.problems
    return result


@pytest.mark.parametrize("user", [None, VIEWER, DEPT_BB], ids=["anonymous", "viewer", "department"])
def test_protokoll_is_refused_to_everyone_but_it_office_and_admin(app_store, user):
    at = open_as("protokoll", user)
    assert len(at.dataframe) == 0 and not html_tables(at)  # neither the log nor any of its tables
    assert not [b for b in at.button if b.label == "Rückgängig machen"]
    assert "Berechtigung" in messages(at) or "Anmeldung" in messages(at)


def test_the_log_lists_every_upload_with_who_when_file_checksum_and_counts(app_store, tmp_path):
    upload = commit(app_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\nEG-02;2032;1;\r\n")
    at = open_as("protokoll", IT)
    log = frame_with(at, "SHA-256")
    assert list(log.columns) == ["Nr.", "Zeitpunkt", "Art", "Datei", "Person", "Status", "Ergebnis", "SHA-256"]
    first = log.iloc[0]
    assert first["Nr."] == upload.upload_id and first["Datei"] == "korrektur.csv" and first["Person"] == "it"
    assert first["Ergebnis"] == "1 neu, 1 geändert, 0 unverändert" and first["Status"] == "übernommen"
    assert first["SHA-256"] == upload.sha256
    assert {"Katalog/Demo"} <= set(log["Art"])
    rows = frame_with(at, "Quelle")
    assert set(rows["Kennzahl"]) == {"EG-02"} and len(rows) == 2
    assert {b.label for b in at.download_button} == {"CSV-Export", "Excel-Export"}


def test_undo_needs_a_confirmation_then_restores_and_is_logged(app_store, tmp_path):
    upload = commit(app_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\n")
    at = open_as("protokoll", IT)
    button = next(b for b in at.button if b.label == "Rückgängig machen")
    assert button.disabled
    at.checkbox(key=f"protokoll:confirm:{upload.upload_id}").check().run()
    next(b for b in at.button if b.label == "Rückgängig machen").click().run()
    assert not at.exception
    assert f"Upload #{upload.upload_id} rückgängig gemacht" in " ".join(s.value for s in at.success).replace("\\", "")
    assert app_store.upload(upload.upload_id)["state"] == "undone"
    log = frame_with(at, "SHA-256")
    assert log.iloc[0]["Art"] == "Rückgängig"
    assert log.set_index("Nr.").loc[upload.upload_id, "Status"].startswith("rückgängig gemacht (#")
    # Looking at the undone upload again: no second undo is offered, the state is explained.
    at.selectbox(key="protokoll:upload").set_value(upload.upload_id).run()
    assert not [b for b in at.button if b.label == "Rückgängig machen"]
    assert f"wurde mit #{upload.upload_id + 1} rückgängig gemacht" in messages(at)


def test_undo_reports_rows_it_skipped_because_they_changed_later(app_store, tmp_path):
    first = commit(app_store, tmp_path, "a.csv", "EG-02;2024;30.000;\r\nEG-03;2024;44;\r\n")
    commit(app_store, tmp_path, "b.csv", "EG-02;2024;31.000;\r\n")
    at = open_as("protokoll", ADMIN)
    at.selectbox(key="protokoll:upload").set_value(first.upload_id).run()
    at.checkbox(key=f"protokoll:confirm:{first.upload_id}").check().run()
    next(b for b in at.button if b.label == "Rückgängig machen").click().run()
    assert "übersprungen" in " ".join(s.value for s in at.success)
    skipped = frame_with(at, "später geändert durch Upload")
    assert list(skipped["Kennzahl/Maßnahme"]) == ["EG-02"]


def test_an_upload_a_colleague_undid_meanwhile_is_not_undone_twice(app_store, tmp_path):
    from kpi import audit

    upload = commit(app_store, tmp_path, "korrektur.csv", "EG-02;2024;99.999;\r\n")
    at = open_as("protokoll", IT)
    at.checkbox(key=f"protokoll:confirm:{upload.upload_id}").check().run()
    colleague = audit.undo_upload(app_store, upload.upload_id, ADMIN)  # a colleague was quicker
    next(b for b in at.button if b.label == "Rückgängig machen").click().run()
    assert f"wurde mit #{colleague.undo_id} rückgängig gemacht" in messages(at)
    assert not [b for b in at.button if b.label == "Rückgängig machen"]
    assert len(app_store.uploads().query("kind == 'undo'")) == 1


def test_html_in_an_uploaded_comment_is_shown_as_text(app_store, tmp_path):
    payload = "<script>alert(1)</script><b>x</b>"
    commit(app_store, tmp_path, "<b>datei</b>.csv", f"EG-02;2025;1;{payload}\r\n")
    at = open_as("protokoll", IT)
    rows = frame_with(at, "Quelle")
    assert rows["Kommentar"].iloc[0] == payload
    assert frame_with(at, "SHA-256").iloc[0]["Datei"] == "<b>datei</b>.csv"
    assert "<b>" not in messages(at)


def test_protocol_export_neutralises_formulas(app_store, tmp_path):
    from kpi import audit
    from kpi.templates import german_csv, xlsx

    commit(app_store, tmp_path, "=HYPERLINK(evil).csv", "EG-02;2025;1;\r\n", user="@it")
    export = audit.protocol_table(audit.protocol_frame(app_store), "de")
    text = german_csv(export).decode("utf-8-sig")
    assert "'=HYPERLINK(evil).csv" in text and ";'@it;" in text
    cells = [c for row in read_xlsx(xlsx({"Protokoll": export})) for c in row if isinstance(c, str)]
    assert "'=HYPERLINK(evil).csv" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_measure_uploads_show_their_rows(app_store, tmp_path):
    from kpi.ingest import import_measures

    path = write(tmp_path, "m.csv", "Maßnahme;Status;Fortschritt;Kommentar\r\nM-01;abgeschlossen;100;fertig\r\n")
    result = import_measures(app_store, path, user="it")
    at = open_as("protokoll", IT)
    at.selectbox(key="protokoll:upload").set_value(result.upload_id).run()
    rows = frame_with(at, "Fortschritt")
    assert rows.iloc[0]["Maßnahme"] == "M-01" and rows.iloc[0]["Status"] == "abgeschlossen"


def read_xlsx(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]
