"""Upload templates (the KPIs due, the measures) in the UI language and the file writers for every download.

CSV as Excel in the UI language writes it (German: `;`, decimal comma; English: `,`, decimal point), UTF-8 with
BOM, CRLF. XLSX via openpyxl. Text cells are always passed through exports.neutralise_formulas, so that a KPI
name or a file name starting with `=`, `+`, `-` or `@` is never run as a formula.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd

from kpi.exports import neutralise_formulas
from kpi.i18n import fmt_date, fmt_number, fmt_period, measure_state_label, t
from kpi.model import Frequency, add_periods, snap_to_period_end
from kpi.status import period_due_date
from kpi.views import Snapshot, status_frame

# The template columns by field; their headers are the texts `template.<field>` in the UI language (the importer,
# kpi.ingest, reads the German and the English ones).
MEASUREMENT_FIELDS = ("kpi", "name", "unit", "period", "value", "comment", "quality", "due", "latest")
MEASURE_FIELDS = ("measure", "state", "progress", "comment", "title", "responsible", "planned_end")
MAX_PERIODS_PER_KPI = 12


def measurement_columns(lang: str = "de") -> list[str]:
    """The headers of the measurement template in `lang`."""
    return [t(f"template.{field}", lang) for field in MEASUREMENT_FIELDS]


def measure_columns(lang: str = "de") -> list[str]:
    """The headers of the measure template in `lang`."""
    return [t(f"template.{field}", lang) for field in MEASURE_FIELDS]


def hints(kind: str, lang: str = "de") -> list[str]:
    """The lines of a template's notes sheet (`kind`: measurements or measures)."""
    return t(f"template.hints.{kind}", lang).split("\n")


def _ended_periods(first: date, frequency: Frequency, today: date) -> list[date]:
    periods, period = [], first
    while period <= today:
        periods.append(period)
        period = add_periods(period, frequency, 1)
    return periods[-MAX_PERIODS_PER_KPI:]


def due_frame(snap: Snapshot, *, include_not_due: bool = False) -> pd.DataFrame:
    """One row per KPI and period whose value is missing although the period has ended (oldest due first).

    The first missing period is the one after the newest value (status_frame's next_due minus the grace
    period); later ended periods follow, at most MAX_PERIODS_PER_KPI per KPI. With include_not_due, KPIs with
    nothing missing get a row for their next (still running) period.
    """
    kpis = {k.id: k for k in snap.kpis}
    rows = []
    for r in status_frame(snap).itertuples():
        kpi = kpis[r.kpi_id]
        frequency = Frequency(r.frequency)
        grace = timedelta(days=kpi.effective_grace_days)
        first = snap_to_period_end(r.next_due - grace, frequency)
        periods = _ended_periods(first, frequency, snap.today)
        if not periods and include_not_due:
            periods = [first]
        for period in periods:
            rows.append(
                dict(
                    kpi_id=r.kpi_id,
                    name=r.name,
                    unit=r.unit,
                    frequency=r.frequency,
                    period=period,
                    due=period + grace,
                    latest_period=r.latest_period,
                    latest_value=r.latest_value,
                    overdue=snap.today > period_due_date(kpi, period),
                )
            )
    frame = pd.DataFrame(
        rows,
        columns=["kpi_id", "name", "unit", "frequency", "period", "due", "latest_period", "latest_value", "overdue"],
    )
    return frame.sort_values(["due", "kpi_id", "period"], kind="stable").reset_index(drop=True)


def measurement_template(snap: Snapshot, *, include_not_due: bool = False, lang: str = "de") -> pd.DataFrame:
    """The template rows as the clerk sees them: headers in `lang`, periods in the KPI's notation, empty values."""
    due = due_frame(snap, include_not_due=include_not_due)
    columns = dict(
        kpi=due["kpi_id"],
        name=due["name"],
        unit=due["unit"],
        period=[fmt_period(p, f, lang) for p, f in zip(due["period"], due["frequency"])],
        value="",
        comment="",
        quality="",
        due=[fmt_date(d, lang) for d in due["due"]],
        latest=[
            f"{fmt_number(v, lang)} ({fmt_period(p, f, lang)})" if p is not None else ""
            for v, p, f in zip(due["latest_value"], due["latest_period"], due["frequency"])
        ],
    )
    headers = measurement_columns(lang)
    return pd.DataFrame(dict(zip(headers, (columns[f] for f in MEASUREMENT_FIELDS))), columns=headers)


def measure_template(snap: Snapshot, unit: str | None = None, lang: str = "de") -> pd.DataFrame:
    """Every measure (of one responsible unit, if given) with its current state and progress filled in, headers
    and states in `lang`."""
    measures = snap.measures if unit is None else snap.measures[snap.measures["responsible"] == unit]
    columns = dict(
        measure=measures["id"],
        state=[measure_state_label(s, lang) for s in measures["state"]],
        progress=pd.Series(
            [int(p) if float(p).is_integer() else float(p) for p in measures["progress"]],
            index=measures.index,
            dtype="object",
        ),
        comment="",
        title=measures["title"],
        responsible=measures["responsible"],
        planned_end=[fmt_date(d, lang) for d in measures["planned_end"]],
    )
    headers = measure_columns(lang)
    return pd.DataFrame(dict(zip(headers, (columns[f] for f in MEASURE_FIELDS))), columns=headers).reset_index(
        drop=True
    )


# -- writers ---------------------------------------------------------------------------------


def german_csv(frame: pd.DataFrame) -> bytes:
    """CSV as German Excel reads it: `;`, decimal comma, UTF-8 with BOM, CRLF; formulas neutralised."""
    return csv_bytes(frame, "de")


# Per language: (field separator, decimal mark) as that language's Excel reads and writes a CSV file.
CSV_STYLES = {"de": (";", ","), "en": (",", ".")}


def csv_bytes(frame: pd.DataFrame, lang: str = "de") -> bytes:
    """CSV as Excel in `lang` reads it (German: `;` and decimal comma; English: `,` and decimal point), UTF-8
    with BOM, CRLF; formulas neutralised. The importer tells the two apart by the separator."""
    separator, decimal = CSV_STYLES[lang]
    safe = neutralise_formulas(frame)
    text = safe.to_csv(sep=separator, index=False, decimal=decimal, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx(
    sheets: dict[str, pd.DataFrame],
    *,
    text_columns: set[str] = frozenset(),
    hints: list[str] | None = None,
    lang: str = "de",
) -> bytes:
    """An Excel workbook, one sheet per frame (header bold, frozen, columns sized), plus an optional notes sheet
    ('Hinweise', 'Notes' in English). Cells of `text_columns` are stored as text so that Excel never turns
    `09/2025` into a date."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title)
        safe = neutralise_formulas(frame)
        sheet.append([str(c) for c in safe.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in safe.itertuples(index=False):
            sheet.append([_excel_value(v) for v in values])
        for index, column in enumerate(safe.columns, start=1):
            letter = get_column_letter(index)
            width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(500) if v is not None])
            sheet.column_dimensions[letter].width = min(max(10, width + 2), 60)
            if column in text_columns:
                for cell in sheet[letter][1:]:
                    cell.number_format = "@"
        sheet.freeze_panes = "A2"
    if hints:
        sheet = book.create_sheet(t("template.sheet.hints", lang))
        for line in hints:
            sheet.append([line])
        sheet.column_dimensions["A"].width = 110
        sheet["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_value(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def measurement_template_files(
    snap: Snapshot, *, include_not_due: bool = False, lang: str = "de"
) -> tuple[bytes, bytes]:
    """(CSV, XLSX) of the measurement template in `lang`; the XLSX sheet is `Messwerte` (`Measurements`)."""
    frame = measurement_template(snap, include_not_due=include_not_due, lang=lang)
    sheet = {t("template.sheet.measurements", lang): frame}
    text = {t("template.period", lang), t("template.kpi", lang)}
    return csv_bytes(frame, lang), xlsx(sheet, text_columns=text, hints=hints("measurements", lang), lang=lang)


def measure_template_files(snap: Snapshot, unit: str | None = None, lang: str = "de") -> tuple[bytes, bytes]:
    """(CSV, XLSX) of the measure template in `lang`; the XLSX sheet is `Maßnahmen` (`Measures`)."""
    frame = measure_template(snap, unit, lang)
    sheet = {t("template.sheet.measures", lang): frame}
    text = {t("template.measure", lang)}
    return csv_bytes(frame, lang), xlsx(sheet, text_columns=text, hints=hints("measures", lang), lang=lang)
