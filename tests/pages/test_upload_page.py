"""/upload with AppTest: role gates, template, validation report, preview, commit, measure updates."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.auth import User
from kpi.views import snapshot
from kpi.web.ui import TABLE_LIMIT
from tests.pages.conftest import html_tables
from tests.pages.roles import ADMIN, DEPT_BB, IT, VIEWER, frame_with, menu, messages, open_as, serve

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)

HEADER = "Kennzahl;Zeitraum;Wert;Kommentar\r\n"


@pytest.fixture
def app_store(seeded_store, monkeypatch):
    return serve(seeded_store, monkeypatch)


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader[0].set_value((name, data, mime))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def commit_button(at):
    return next((b for b in at.button if b.label == "Übernehmen"), None)


@pytest.mark.parametrize("user", [None, VIEWER, DEPT_BB], ids=["anonymous", "viewer", "department"])
def test_viewer_cannot_open_upload_by_url_and_gets_no_file_uploader(app_store, user):
    at = open_as("upload", user)
    assert len(at.file_uploader) == 0
    assert len(at.download_button) == 0
    warning = " ".join(w.value for w in at.warning)
    assert ("Berechtigung" in warning) if user else ("Anmeldung" in warning)
    assert [b.label for b in at.button if b.label == "Übernehmen"] == []


def test_the_menu_offers_upload_and_protokoll_only_to_it_office_and_admin(app_store):
    viewer_links = menu(open_as("cockpit", VIEWER))
    it_links = menu(open_as("cockpit", IT))
    assert "Upload" not in viewer_links and "Protokoll" not in viewer_links
    assert "Upload" in it_links and "Protokoll" in it_links


@pytest.mark.parametrize("user", [IT, ADMIN], ids=["it_office", "admin"])
def test_it_office_and_admin_get_the_template_and_the_uploader(app_store, user):
    at = open_as("upload", user)
    assert len(at.file_uploader) == 1
    assert at.file_uploader[0].allowed_type == [".csv", ".xlsx"]
    assert {b.label for b in at.download_button} == {"Excel-Vorlage (XLSX)", "CSV-Vorlage"}
    assert "① Vorlage herunterladen" in messages(at)
    assert "fällige Werte" in messages(at)


def test_a_file_with_errors_shows_every_problem_and_cannot_be_committed(app_store):
    at = open_as("upload", IT)
    bad = HEADER + "EG-02;2024;viel;\r\nXX-99;2024;1;\r\nEG-04;2024;50;\r\nEG-01;2024;150;\r\n"
    upload(at, "fehler.csv", bad.encode("utf-8"))
    assert "4 Fehler gefunden" in at.error[0].value and "nichts gespeichert" in at.error[0].value
    report = frame_with(at, "Problem")
    assert list(report.columns) == ["Zeile", "Spalte", "Wert", "Problem"]
    rows = {(r.Zeile, r.Spalte, r.Wert) for r in report.itertuples()}
    assert {("2", "Wert", "viel"), ("3", "Kennzahl", "XX-99"), ("4", "Zeitraum", "2024"), ("5", "Wert", "150")} <= rows
    assert any("unbekannte Kennzahl" in m for m in report["Problem"])
    assert commit_button(at) is None
    assert "④ Vorschau" not in messages(at)
    assert any(b.label == "Fehlerliste herunterladen (CSV)" for b in at.download_button)
    assert app_store.uploads()["file_name"].eq("fehler.csv").sum() == 0


def test_preview_shows_new_changed_and_unchanged_values_and_warnings(app_store):
    current = app_store.current_values(kpi_ids=["EG-02"]).set_index("period")["value"]
    unchanged = current[date(2023, 12, 31)]
    rows = (
        f"EG-02;2023;{unchanged:.0f};\r\n"  # unchanged
        "EG-02;2024;99.999;Korrektur\r\n"  # changed, an implausible jump
        "EG-02;2032;1.000;\r\n"
    )  # new, in the future
    at = open_as("upload", IT)
    upload(at, "messwerte.csv", (HEADER + rows).encode("utf-8"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Neu": "1", "Geändert": "1", "Unverändert": "1"}
    warnings = frame_with(at, "Problem")
    assert any("auffälliger Sprung" in m for m in warnings["Problem"])
    assert any("Zukunft" in m for m in warnings["Problem"])
    preview = frame_with(at, "Änderung")
    assert list(preview.columns) == ["Änderung", "Kennzahl", "Zeitraum", "Bisher", "Neu", "Prüfen", "Kommentar"]
    changed = preview[preview["Änderung"] == "✎ geändert"].iloc[0]
    assert changed["Zeitraum"] == "2024" and changed["Neu"] == "99.999" and changed["Bisher"] != "–"
    assert len(preview) == 2  # unchanged rows hidden until asked for
    at.toggle[0].set_value(True).run()
    assert len(frame_with(at, "Änderung")) == 3
    assert commit_button(at) is not None


def test_commit_writes_the_previewed_file_atomically_and_the_dashboard_shows_it(app_store):
    version_before = app_store.version()
    at = open_as("upload", IT)
    data = (HEADER + "EG-02;2025;23.456,5;Anträge über „Serviceportal“ €\r\nEG-03;2025;61,5;\r\n").encode("cp1252")
    upload(at, "messwerte-2025.csv", data)
    assert "Keine Fehler: alle 2 Zeilen sind gültig." in messages(at)
    commit_button(at).click().run()
    assert not at.exception
    success = " ".join(s.value for s in at.success)
    assert "Übernommen als Upload" in success and "geändert" in success
    upload_row = app_store.uploads().iloc[0]
    assert upload_row["file_name"] == "messwerte-2025.csv" and upload_row["username"] == "it"
    assert upload_row["kind"] == "measurements" and upload_row["state"] == "committed"
    assert (upload_row["n_new"] + upload_row["n_changed"]) == 2
    import hashlib

    assert upload_row["sha256"] == hashlib.sha256(data).hexdigest()
    assert app_store.version() != version_before
    values = snapshot(app_store).values.set_index(["kpi_id", "period"])
    assert values.loc[("EG-02", date(2025, 12, 31)), "value"] == 23456.5
    assert values.loc[("EG-02", date(2025, 12, 31)), "comment"] == "Anträge über „Serviceportal“ €"
    # The uploader is empty again: the same file cannot be committed twice by a second click.
    assert at.file_uploader[0].value is None
    assert commit_button(at) is None


def test_a_file_without_changes_offers_nothing_to_commit(app_store):
    current = app_store.current_values(kpi_ids=["EG-02"]).set_index("period")["value"]
    at = open_as("upload", IT)
    upload(at, "gleich.csv", (HEADER + f"EG-02;2023;{current[date(2023, 12, 31)]:.0f};\r\n").encode())
    assert "nichts zu übernehmen" in messages(at)
    assert commit_button(at) is None


def test_html_in_a_comment_is_shown_as_text_in_the_preview(app_store):
    at = open_as("upload", IT)
    upload(at, "html.csv", (HEADER + "EG-02;2025;1;<script>alert(1)</script><b>x</b>\r\n").encode())
    preview = frame_with(at, "Änderung")
    assert preview["Kommentar"].iloc[0] == "<script>alert(1)</script><b>x</b>"
    assert "<b>" not in messages(at) and "<script>" not in messages(at)


def test_xlsx_upload_is_checked_like_csv(app_store, tmp_path):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Messwerte"
    sheet.append(["Kennzahl", "Bezeichnung", "Zeitraum", "Wert"])
    sheet.append(["EG-03", "Medienbruchfrei", "2025", 66.5])
    buffer = io.BytesIO()
    book.save(buffer)
    at = open_as("upload", IT)
    upload(at, "messwerte.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "Keine Fehler: die eine Zeile ist gültig." in messages(at)
    assert commit_button(at) is not None


def test_measure_updates_have_the_same_flow(app_store):
    at = open_as("upload", IT)
    at.radio(key="upload:kind").set_value("measures").run()
    assert {b.label for b in at.download_button} == {"Excel-Vorlage (XLSX)", "CSV-Vorlage"}
    bad = "Maßnahme;Status;Fortschritt;Kommentar\r\nM-01;fertig;120;\r\n"
    upload(at, "massnahmen.csv", bad.encode("utf-8"))
    report = frame_with(at, "Problem")
    assert set(report["Spalte"]) == {"Status", "Fortschritt"} and commit_button(at) is None

    good = "Maßnahme;Status;Fortschritt;Kommentar\r\nM-01;abgeschlossen;100;live\r\nM-02;verzögert;25;\r\n"
    upload(at, "massnahmen.csv", good.encode("cp1252"))
    preview = frame_with(at, "Änderung")
    assert list(preview["Status neu"]) == ["abgeschlossen", "verzögert"]
    commit_button(at).click().run()
    assert "Übernommen als Upload" in " ".join(s.value for s in at.success)
    states = app_store.measure_states().set_index("measure_id")
    assert states.loc["M-01", "state"] == "abgeschlossen" and states.loc["M-02", "state"] == "verzoegert"
    assert app_store.uploads().iloc[0]["kind"] == "measures"


def test_a_user_whose_role_was_taken_away_is_refused_on_commit(app_store):
    """The role is checked again when the button is pressed, not only when the page is drawn."""
    at = open_as("upload", IT)
    upload(at, "messwerte.csv", (HEADER + "EG-03;2025;61,5;\r\n").encode())
    at.session_state["user"] = User("it", "viewer")
    commit_button(at).click().run()
    assert len(at.file_uploader) == 0
    assert app_store.uploads()["file_name"].eq("messwerte.csv").sum() == 0


def test_the_error_list_is_a_captioned_html_table_of_every_row_up_to_the_cap(app_store):
    at = open_as("upload", IT)
    bad = HEADER + "".join(f"XX-{i:03d};2024;1;\r\n" for i in range(TABLE_LIMIT + 20))
    upload(at, "viele.csv", bad.encode("utf-8"))
    table = next(t for t in html_tables(at) if "Problem" in t["frame"].columns)
    assert len(table["frame"]) == TABLE_LIMIT  # every row up to the cap in the markup, not only the drawn ones
    assert list(table["frame"]["Wert"][:3]) == ["XX-000", "XX-001", "XX-002"]
    body = next(str(e.proto.body) for e in at.get("html") if "Problem" in str(e.proto.body))
    assert "<caption" in body and "Fehler in viele.csv (die ersten 500 von 520 Zeilen)" in body
    assert "… und 20 weitere Zeilen, hier nicht gezeigt. Alle stehen in der Fehlerliste (CSV)" in body
    assert len(body) < 200_000  # the page stays light however long the list
    assert not at.dataframe
