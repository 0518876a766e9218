"""Upload templates: the KPIs due, German (and English) Excel CSV and XLSX, a filled template imports in either
language, formulas neutralised."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kpi import templates
from kpi.ingest import import_file, import_measures
from kpi.revisions import current_catalog
from kpi.views import snapshot
from tests.conftest import TODAY


def test_due_frame_lists_the_missing_ended_periods_in_the_kpis_notation(seeded_store):
    snap = snapshot(seeded_store)
    due = templates.due_frame(snap)
    assert len(due) and (due["period"] <= snap.today).all()
    values = seeded_store.current_values().groupby("kpi_id")["period"].max()
    for row in due.itertuples():
        if row.kpi_id in values.index:
            assert row.period > values[row.kpi_id]  # only periods after the newest value
    assert due.groupby("kpi_id").size().max() <= templates.MAX_PERIODS_PER_KPI
    frame = templates.measurement_template(snap)
    assert list(frame.columns) == templates.measurement_columns("de")
    assert (frame["Wert"] == "").all()
    monthly = frame[frame["Kennzahl"].isin({k.id for k in snap.kpis if k.frequency.value == "monthly"})]
    assert monthly["Zeitraum"].str.fullmatch(r"\d{2}/\d{4}").all()


def test_include_not_due_adds_the_running_period_of_every_kpi(seeded_store):
    snap = snapshot(seeded_store)
    assert set(templates.due_frame(snap, include_not_due=True)["kpi_id"]) == {k.id for k in snap.kpis}


def test_csv_template_is_german_excel_csv(seeded_store):
    csv_bytes, _ = templates.measurement_template_files(snapshot(seeded_store))
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig")
    assert text.startswith("Kennzahl;Bezeichnung;Einheit;Zeitraum;Wert;Kommentar;Qualität;Fällig bis;Letzter Wert\r\n")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert any(";" in line and "," in line.split(";")[-1] for line in text.splitlines()[1:])  # decimal comma


def test_xlsx_template_has_sheet_messwerte_with_text_periods(seeded_store):
    _, xlsx_bytes = templates.measurement_template_files(snapshot(seeded_store))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    assert book.sheetnames == ["Messwerte", "Hinweise"]
    sheet = book["Messwerte"]
    assert [c.value for c in sheet[1]][:5] == ["Kennzahl", "Bezeichnung", "Einheit", "Zeitraum", "Wert"]
    assert sheet["D2"].number_format == "@"


def test_a_filled_template_imports_as_it_is(seeded_store, tmp_path):
    snap = snapshot(seeded_store)
    frame = templates.measurement_template(snap)
    kpis = {k.id: k for k in snap.kpis}
    frame["Wert"] = [f"{(kpis[k].range_min or 0) + 1:g}".replace(".", ",") for k in frame["Kennzahl"]]
    frame["Kommentar"] = "aus der Vorlage"
    csv_path = tmp_path / "vorlage.csv"
    csv_path.write_bytes(templates.german_csv(frame))
    result = import_file(seeded_store, csv_path, dry_run=True, today=TODAY)
    assert result.ok, result.problems[:3]
    assert result.new == len(frame)
    xlsx_path = tmp_path / "vorlage.xlsx"
    xlsx_path.write_bytes(templates.xlsx({"Messwerte": frame}, text_columns={"Zeitraum"}))
    assert import_file(seeded_store, xlsx_path, dry_run=True, today=TODAY).new == len(frame)


@pytest.mark.parametrize(
    "lang, header", [("de", "Maßnahme;Status;Fortschritt;Kommentar;"), ("en", "Measure,State,Progress,Comment,")]
)
def test_the_measure_template_reimports_without_changes(seeded_store, tmp_path, lang, header):
    csv_bytes, xlsx_bytes = templates.measure_template_files(snapshot(seeded_store), lang=lang)
    assert csv_bytes.decode("utf-8-sig").startswith(header)
    for name, data in (("m.csv", csv_bytes), ("m.xlsx", xlsx_bytes)):
        path = tmp_path / name
        path.write_bytes(data)
        result = import_measures(seeded_store, path, dry_run=True)
        assert result.ok, result.problems[:3]
        assert result.new + result.changed == 0 and result.unchanged == len(snapshot(seeded_store).measures)


def test_kpi_names_that_look_like_formulas_are_neutralised(seeded_store):
    import dataclasses

    from kpi.revisions import record_catalog

    catalog = current_catalog(seeded_store)  # the name comes in as a catalog change, the way a city would make it
    kpis = tuple(
        dataclasses.replace(k, name='=HYPERLINK("http://x";"klick")') if k.id == "EG-06" else k for k in catalog.kpis
    )
    record_catalog(seeded_store, dataclasses.replace(catalog, kpis=kpis), decision="test", user="test")
    snap = snapshot(seeded_store)
    csv_bytes, xlsx_bytes = templates.measurement_template_files(snap, include_not_due=True)
    assert ";\"'=HYPERLINK(" in csv_bytes.decode("utf-8-sig")  # quoted because of the ; inside
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))["Messwerte"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x";"klick")' in names
    assert not any(str(c.value).startswith("=") for row in sheet.iter_rows() for c in row if c.value)


def test_negative_numbers_are_not_mangled_by_the_neutralisation():
    frame = templates.pd.DataFrame({"Wert": [-3.5, 2.0], "Text": ["-minus", "ok"]})
    text = templates.german_csv(frame).decode("utf-8-sig")
    assert "-3,5;'-minus" in text


def test_english_templates_have_english_headers_sheets_and_states(seeded_store):
    snap = snapshot(seeded_store)
    csv_bytes, xlsx_bytes = templates.measurement_template_files(snap, lang="en")
    assert csv_bytes.decode("utf-8-sig").startswith(
        "KPI,Name,Unit,Period,Value,Comment,Quality,Due by,Latest value\r\n"
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    assert book.sheetnames == ["Measurements", "Notes"]
    assert book["Measurements"]["D2"].number_format == "@"
    assert book["Notes"]["A1"].value == "How to fill in the template:"
    measures = templates.measure_template(snap, lang="en")
    assert list(measures.columns) == ["Measure", "State", "Progress", "Comment", "Title", "Responsible", "Planned end"]
    assert set(measures["State"]) <= {"planned", "in progress", "completed", "paused", "delayed"}
    assert measures["Planned end"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()


def test_a_filled_english_template_imports_cleanly(seeded_store, tmp_path):
    snap = snapshot(seeded_store)
    frame = templates.measurement_template(snap, lang="en")
    kpis = {k.id: k for k in snap.kpis}
    frame["Value"] = [(kpis[k].range_min or 0) + 1.5 for k in frame["KPI"]]
    frame["Comment"] = "from the template"
    frame["Quality"] = "provisional"
    csv_path = tmp_path / "template.csv"
    csv_path.write_bytes(templates.csv_bytes(frame, "en"))
    assert csv_path.read_bytes().decode("utf-8-sig").splitlines()[1].count(".5,")  # decimal point, comma-separated
    result = import_file(seeded_store, csv_path, dry_run=True, today=TODAY)
    assert result.ok, result.problems[:3]
    assert result.new == len(frame)
    xlsx_path = tmp_path / "template.xlsx"
    xlsx_path.write_bytes(templates.xlsx({"Measurements": frame}, text_columns={"Period"}, lang="en"))
    assert import_file(seeded_store, xlsx_path, dry_run=True, today=TODAY).new == len(frame)


def test_csv_follows_the_language_separator_and_decimal_mark():
    frame = templates.pd.DataFrame({"Wert": [1234.5], "Text": ["a"]})
    assert templates.csv_bytes(frame, "de").decode("utf-8-sig") == "Wert;Text\r\n1234,5;a\r\n"
    assert templates.csv_bytes(frame, "en").decode("utf-8-sig") == "Wert,Text\r\n1234.5,a\r\n"
