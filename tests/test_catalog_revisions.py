"""A city's own strategy: init without demo data, demo removal, catalog revisions with valid_from and decision,
the catalog as recorded by an as-of moment, catalog import/export (YAML and Excel), undo, new frequencies.

Most tests use a second city's catalog written from data/CATALOG_SCHEMA.md alone (tests/fixtures/musterstadt.*);
the XLSX fixture was made by LibreOffice (`soffice --headless --convert-to xlsx` of the flat ODS that
tests/fixtures/make_musterstadt_fods.py writes).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from kpi import cli, views
from kpi.audit import undo_upload
from kpi.auth import User
from kpi.catalog import CatalogError
from kpi.catalog_io import read_catalog_file, read_workbook, to_yaml, write_workbook
from kpi.ingest import import_file
from kpi.model import Frequency, Target
from kpi.own_strategy import remove_demo
from kpi.periods import parse_period
from kpi.revisions import current_catalog, diff_catalogs, kpi_in_force, record_catalog, superseded
from kpi.store import Store, now
from kpi.views import status_preview
from tests.conftest import write

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)

FIXTURES = Path(__file__).parent / "fixtures"
MUSTER = FIXTURES / "musterstadt.yaml"
ADMIN = User("admin", "admin", source="test")


@pytest.fixture
def city(tmp_path) -> Store:
    store = Store(f"duckdb:///{tmp_path / 'city.duckdb'}", lock_timeout=2)
    assert cli.main(["--db", store.url, "init", "--catalog", str(MUSTER)]) == 0
    return store


def _with_target(catalog, kpi_id: str, targets: dict[date, float]):
    kpis = tuple(
        dataclasses.replace(k, targets=tuple(Target(p, v) for p, v in sorted(targets.items()))) if k.id == kpi_id else k
        for k in catalog.kpis
    )
    return dataclasses.replace(catalog, kpis=kpis)


# -- init and demo --------------------------------------------------------------------------------------------


def test_init_writes_the_strategy_only_and_a_second_run_checks_it(city, capsys):
    catalog = current_catalog(city)
    assert catalog.strategy.id == "musterstadt-2024" and [k.id for k in catalog.kpis] == [
        "VERW-01",
        "VERW-02",
        "MOB-101",
        "MOB-102",
    ]
    assert city.measurement_count() == 0
    assert city.measure_history().empty  # no measure progress either
    snap = views.snapshot(city)
    assert {s.status.value for s in snap.statuses.values()} == {"no_data"}
    assert views.demo_notice(snap) is None
    capsys.readouterr()
    assert cli.main(["--db", city.url, "init", "--catalog", str(MUSTER)]) == 0
    assert "unverändert" in capsys.readouterr().out


def test_init_against_a_changed_file_refuses_and_names_the_change(city, tmp_path, capsys):
    text = MUSTER.read_text(encoding="utf-8").replace('"2030": 80', '"2030": 90')
    changed = write(tmp_path, "geaendert.yaml", text)
    assert cli.main(["--db", city.url, "init", "--catalog", str(changed)]) == 1
    err = capsys.readouterr().err
    assert "Zielwert 2030: 80 → 90" in err and "catalog import" in err
    assert current_catalog(city).kpi("VERW-01").final_target.value == 80


def test_demo_remove_retracts_demo_values_and_keeps_them_as_of_before(seeded_store, tmp_path):
    real = write(tmp_path, "echt.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2020;11\n")
    assert import_file(seeded_store, real, user="it").ok
    before = now()
    snap = views.snapshot(seeded_store)
    assert "Demo-Daten" in views.demo_notice(snap)
    n_demo = len(snap.values) - 1
    result = remove_demo(seeded_store, user="it")
    assert result.values == n_demo and result.measures > 0
    after = views.snapshot(seeded_store)
    assert list(after.values["kpi_id"]) == ["EG-02"]  # the real value stays
    assert views.demo_notice(after) is None
    assert (after.measures["progress"] == 0).all()
    then = views.snapshot(seeded_store, before)
    assert len(then.values) == len(snap.values) and views.demo_notice(then)
    log = seeded_store.uploads()
    assert log.iloc[0]["kind"] == "demo_remove" and log.iloc[0]["username"] == "it"
    assert remove_demo(seeded_store).upload_id is None  # nothing left: nothing written


def test_cli_demo_remove(seeded_store, capsys):
    assert cli.main(["--db", seeded_store.url, "demo", "remove"]) == 0
    assert "Demo-Wert(e) zurückgezogen" in capsys.readouterr().out
    assert seeded_store.current_values().empty


# -- revisions and as-of --------------------------------------------------------------------------------------


def test_a_later_target_change_leaves_the_past_as_recorded(seeded_store):
    past = datetime(2024, 6, 30, 23, 59)
    before = views.snapshot(seeded_store, past)
    old_kpi = before.catalog.kpi("EG-01")
    old = before.statuses["EG-01"]
    changed = _with_target(current_catalog(seeded_store), "EG-01", {date(2025, 12, 31): 60.0, date(2030, 12, 31): 85.0})
    result = record_catalog(
        seeded_store, changed, valid_from=date(2024, 1, 1), decision="Ratsbeschluss V/2024/117", user="rat"
    )
    assert result.revision_id and result.upload_id
    again = views.snapshot(seeded_store, past)
    assert again.catalog.kpi("EG-01").targets == old_kpi.targets
    assert again.statuses["EG-01"] == old
    current = views.snapshot(seeded_store).catalog.kpi("EG-01")
    assert current.final_target.value == 85
    assert [v.decision for v in current.history] == ["Strategiebeschluss", "Ratsbeschluss V/2024/117"]
    assert superseded(current)[0].kpi.final_target.value == 100
    assert superseded(current)[0].valid_until == date(2023, 12, 31)


def test_status_of_a_period_uses_the_target_path_in_force_for_it(seeded_store):
    catalog = current_catalog(seeded_store)
    latest = views.snapshot(seeded_store).statuses["EG-01"].latest_period
    new = _with_target(catalog, "EG-01", {latest: 1.0, date(2030, 12, 31): 5.0})
    # valid only after the latest period: its status keeps the old path
    record_catalog(seeded_store, new, valid_from=latest + timedelta(days=1), decision="später", user="t")
    snap = views.snapshot(seeded_store)
    kpi = snap.catalog.kpi("EG-01")
    assert kpi_in_force(kpi, latest).final_target.value == 100
    assert snap.statuses["EG-01"].status.value == "off_track"
    # valid for the latest period: the new (lower) path governs it
    record_catalog(seeded_store, dataclasses.replace(new), valid_from=latest, decision="früher", user="t")
    assert views.snapshot(seeded_store).statuses["EG-01"].status.value == "achieved"


def test_status_preview_names_the_changes_an_edit_causes(seeded_store):
    catalog = current_catalog(seeded_store)
    new = _with_target(catalog, "EG-01", {date(2022, 12, 31): 1.0, date(2030, 12, 31): 5.0})
    preview = status_preview(seeded_store, new, date(2022, 1, 1))
    changed = [p.text() for p in preview if p.changed]
    assert changed == ["EG-01: nicht im Plan → erreicht"]
    assert len(preview) == len(catalog.kpis)


def test_a_retired_kpi_leaves_the_cockpit_and_keeps_its_history(seeded_store, tmp_path):
    moment = now()
    catalog = current_catalog(seeded_store)
    retired = dataclasses.replace(catalog, kpis=tuple(k for k in catalog.kpis if k.id != "EG-03"))
    result = record_catalog(seeded_store, retired, valid_from=date.today(), decision="Ratsbeschluss 9", user="t")
    assert [c.text() for c in result.diff.changes] == ["Kennzahl EG-03: entfällt"]
    assert "EG-03" not in [k.id for k in views.snapshot(seeded_store).kpis]
    assert "EG-03" in [k.id for k in views.snapshot(seeded_store, moment).kpis]
    assert len(seeded_store.revisions("EG-03"))  # values stay
    bad = write(tmp_path, "eg03.csv", "Kennzahl;Zeitraum;Wert\nEG-03;2026;50\n")
    assert not import_file(seeded_store, bad, user="t").ok


def test_catalog_change_is_logged_and_can_be_undone(seeded_store, capsys):
    catalog = current_catalog(seeded_store)
    new = _with_target(catalog, "EG-01", {date(2030, 12, 31): 85.0})
    result = record_catalog(seeded_store, new, valid_from=date(2024, 1, 1), decision="Ratsbeschluss 1", user="t")
    moment = now()
    assert cli.main(["--db", seeded_store.url, "uploads"]) == 0
    assert "Katalog" in capsys.readouterr().out
    later = record_catalog(
        seeded_store,
        _with_target(new, "EG-01", {date(2030, 12, 31): 80.0}),
        valid_from=date(2025, 1, 1),
        decision="Ratsbeschluss 2",
        user="t",
    )
    refused = undo_upload(seeded_store, result.upload_id, ADMIN)
    assert not refused.ok and f"Katalog-Revision #{later.revision_id}" in refused.message
    assert refused.code == "undo.catalog.later" and f"catalog revision #{later.revision_id}" in refused.text("en")
    assert seeded_store.upload(result.upload_id)["state"] == "committed"
    assert undo_upload(seeded_store, later.upload_id, ADMIN).ok
    moment = now()
    undone = undo_upload(seeded_store, result.upload_id, ADMIN)
    assert undone.ok, undone.message
    assert current_catalog(seeded_store).kpi("EG-01").final_target.value == 100
    assert current_catalog(seeded_store, as_of=moment).kpi("EG-01").final_target.value == 85  # as of before the undo
    assert not undo_upload(seeded_store, result.upload_id, ADMIN).ok  # not twice
    # the measurement import checks against the catalog in force again
    assert seeded_store.query("SELECT value FROM kpi_target WHERE kpi_id = 'EG-01' ORDER BY period")[
        "value"
    ].tolist() == [t.value for t in catalog.kpi("EG-01").targets]


def test_a_store_of_the_previous_version_gets_its_catalog_as_revision_one(store, catalog):
    # the `store` fixture writes the catalog tables only, like the version before revisions
    store.query("DROP TABLE IF EXISTS catalog_revision")
    loaded = current_catalog(store)
    assert (loaded.strategy, loaded.themes, loaded.goals, loaded.kpis) == (
        catalog.strategy,
        catalog.themes,
        catalog.goals,
        catalog.kpis,
    )
    log = store.query("SELECT id, kind, valid_from FROM catalog_revision")
    assert log["kind"].tolist() == ["initial"] and log["valid_from"].tolist() == [catalog.strategy.adopted]


# -- import / export ------------------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(city, tmp_path, capsys):
    for fmt in ("yaml", "xlsx"):
        out = tmp_path / f"katalog.{fmt}"
        assert cli.main(["--db", city.url, "catalog", "export", "--format", fmt, "--out", str(out)]) == 0
        assert read_catalog_file(out) == current_catalog(city)
        capsys.readouterr()
        assert (
            cli.main(["--db", city.url, "catalog", "import", str(out), "--valid-from", "2026-01-01", "--decision", "x"])
            == 0
        )
        assert "nichts geschrieben" in capsys.readouterr().out
    assert len(city.query("SELECT * FROM catalog_revision")) == 1


def test_catalog_import_prints_the_diff_and_statuses_then_writes_one_revision(city, tmp_path, capsys):
    data = yaml.safe_load(MUSTER.read_text(encoding="utf-8"))
    kpis = data["themes"][0]["action_fields"][0]["goals"][0]["kpis"]
    kpis[0]["targets"]["2030"] = 90
    kpis[1]["baseline"]["value"] = 60
    kpis[1]["thresholds"] = {"on_track": 0.9, "at_risk": 0.6}
    data["themes"][1]["action_fields"][0]["goals"][0]["kpis"].pop()  # MOB-102 retired
    data["measures"][1]["kpis"] = []
    path = write(tmp_path, "neu.yaml", yaml.safe_dump(data, allow_unicode=True))
    assert cli.main(["--db", city.url, "catalog", "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Zielwert 2030: 80 → 90" in out and "Basis: 2023-H2 62 → 2023-H2 60" in out
    assert "Schwellen (im Plan/gefährdet): 0,9/0,7 → 0,9/0,6" in out and "Kennzahl MOB-102: entfällt" in out
    assert "VERW-01: keine Daten" in out and "MOB-102: keine Daten → entfällt" in out
    assert "Probelauf" in out and len(city.query("SELECT * FROM catalog_revision")) == 1
    assert cli.main(["--db", city.url, "catalog", "import", str(path)]) == 1  # decision and date required
    assert (
        cli.main(
            [
                "--db",
                city.url,
                "catalog",
                "import",
                str(path),
                "--valid-from",
                "01.06.2026",
                "--decision",
                "Ratsbeschluss V/2026/7",
            ]
        )
        == 0
    )
    log = city.query("SELECT valid_from, decision, kind FROM catalog_revision ORDER BY id")
    assert log["decision"].tolist()[-1] == "Ratsbeschluss V/2026/7" and log["valid_from"].tolist()[-1] == date(
        2026, 6, 1
    )


def test_import_reports_every_problem_with_its_place(city, tmp_path):
    data = yaml.safe_load(MUSTER.read_text(encoding="utf-8"))
    kpi = data["themes"][0]["action_fields"][0]["goals"][0]["kpis"][0]
    kpi["unit"] = None
    kpi["frequency"] = "weekly"
    data["measures"][0]["kpis"] = ["NOPE-01"]
    path = write(tmp_path, "falsch.yaml", yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CatalogError) as info:
        read_catalog_file(path)
    text = "\n".join(info.value.problems)
    assert "kpis[0].unit: fehlt" in text and "kpis[0].frequency: 'weekly'" in text
    assert "measures[0].kpis: unbekannte Kennzahl 'NOPE-01'" in text


def test_xlsx_problems_name_sheet_row_and_column(tmp_path):
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(write_workbook(None)))
    wb["Kennzahlen"]["I2"] = "zwanzig"  # Basiswert
    wb["Kennzahlen"]["J2"] = "2027 50"  # Zielwerte without colon
    wb["Ziele"]["B2"] = "XX-HF9"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(CatalogError) as info:
        read_workbook(out.getvalue())
    problems = info.value.problems
    assert "Ziele, Zeile 2, Spalte Handlungsfeld: unbekanntes Handlungsfeld 'XX-HF9'" in problems
    assert "Kennzahlen, Zeile 2, Spalte Basiswert: 'zwanzig' ist keine Zahl" in problems
    assert any(p.startswith("Kennzahlen, Zeile 2, Spalte Zielwerte: '2027 50'") for p in problems)


def test_xlsx_made_by_libreoffice_reads_as_the_yaml(tmp_path):
    assert read_catalog_file(FIXTURES / "musterstadt.xlsx") == read_catalog_file(MUSTER)


def test_template_has_german_headers_an_example_and_validation_lists(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "vorlage.xlsx"
    assert cli.main(["--db", f"duckdb:///{tmp_path / 'x.duckdb'}", "catalog", "template", "--out", str(out)]) == 0
    wb = load_workbook(out)
    ws = wb["Kennzahlen"]
    assert [c.value for c in ws[1]][:7] == ["ID", "Ziel", "Name", "Definition", "Einheit", "Richtung", "Erhebung"]
    assert ws["A2"].value == "VW-01"
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "every_5_years" in lists["G"] and "higher" in lists["F"] and "Anzahl" in lists["E"]
    assert read_catalog_file(out).kpis[0].id == "VW-01"  # the filled example imports as it is


def test_export_as_of_writes_the_catalog_as_recorded_then(seeded_store, tmp_path):
    moment = now()
    changed = _with_target(current_catalog(seeded_store), "EG-01", {date(2030, 12, 31): 85.0})
    record_catalog(seeded_store, changed, valid_from=date(2024, 1, 1), decision="R", user="t")
    out = tmp_path / "damals.yaml"
    assert (
        cli.main(["--db", seeded_store.url, "catalog", "export", "--as-of", moment.isoformat(), "--out", str(out)]) == 0
    )
    assert read_catalog_file(out).kpi("EG-01").final_target.value == 100
    assert diff_catalogs(read_catalog_file(out), changed).lines() == [
        "Kennzahl EG-01: geändert — Zielwert 2022: 40 → entfällt; Zielwert 2025: 70 → entfällt; Zielwert 2030: 100 → 85"
    ]
    assert to_yaml(changed).count("EG-01") >= 1


# -- frequencies ----------------------------------------------------------------------------------------------


def test_half_yearly_and_multi_year_kpis_import_and_go_stale_on_their_own_rhythm(city, tmp_path):
    csv = write(
        tmp_path,
        "werte.csv",
        "Kennzahl;Zeitraum;Wert\nVERW-02;2024-H1;58\nVERW-02;H2/2024;55\nMOB-101;2023;48\nMOB-102;2024-Q1;1\n",
    )
    result = import_file(city, csv, user="t")
    assert not result.ok and any("MOB-102" in str(p) and "Quartal" in str(p) for p in result.problems)
    csv = write(
        tmp_path, "werte2.csv", "Kennzahl;Zeitraum;Wert\nVERW-02;2024-H1;58\nVERW-02;H2/2024;55\nMOB-101;2023;48\n"
    )
    assert import_file(city, csv, user="t").ok
    snap = views.snapshot(city, datetime(2027, 6, 1))
    assert snap.statuses["VERW-02"].latest_period == date(2024, 12, 31)
    assert snap.statuses["VERW-02"].stale  # H1 2025 was due by end of September 2025
    assert not snap.statuses["MOB-101"].stale  # the next survey is for 2028
    assert snap.statuses["MOB-101"].next_due == date(2028, 12, 31) + timedelta(days=180)


def test_period_notations_for_half_years():
    assert parse_period("2024-H1") == (date(2024, 6, 30), Frequency.HALF_YEARLY)
    assert parse_period("H2/2024")[0] == date(2024, 12, 31)
    assert parse_period("2. Halbjahr 2024")[0] == date(2024, 12, 31)
    assert Frequency.EVERY_5_YEARS.months == 60 and Frequency.EVERY_5_YEARS.grid_months == 12


def test_schema_doc_states_the_id_pattern_the_code_accepts():
    from kpi.catalog import KPI_ID

    doc = (Path(__file__).parent.parent / "data" / "CATALOG_SCHEMA.md").read_text(encoding="utf-8")
    assert KPI_ID.pattern in doc
    for f in Frequency:
        assert f.value in doc or "every_N_years" in doc


def test_the_report_says_so_on_its_title_slide_while_demo_values_are_current(seeded_store):
    from kpi.report import load_deck

    assert "Demo-Daten:" in load_deck(seeded_store, None).slides[0].note
    remove_demo(seeded_store)
    assert "Demo-Daten:" not in load_deck(seeded_store, None).slides[0].note


def test_superseded_paths_are_drawn_dashed_with_their_decision(seeded_store):
    from kpi import charts

    changed = _with_target(current_catalog(seeded_store), "EG-01", {date(2030, 12, 31): 85.0})
    record_catalog(seeded_store, changed, valid_from=date(2024, 1, 1), decision="Ratsbeschluss V/2024/117", user="t")
    snap = views.snapshot(seeded_store)
    kpi = snap.catalog.kpi("EG-01")
    figure = charts.kpi_figure(kpi, snap.series("EG-01"), snap.statuses["EG-01"])
    earlier = [t for t in figure.data if t.name and t.name.startswith("Früherer Zielpfad")]
    assert len(earlier) == 1 and "Strategiebeschluss" in earlier[0].name and earlier[0].line.dash == "dashdot"
    assert list(earlier[0].y)[-1] == 100
    unchanged = snap.catalog.kpi("EG-02")
    assert not charts.superseded_paths(unchanged)
