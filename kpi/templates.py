"""Upload templates (the KPIs due, the measures) and the German-Excel file writers for every download.

CSV as German Excel writes it: `;`, decimal comma, UTF-8 with BOM, CRLF. XLSX via openpyxl. Text
cells are always passed through exports.neutralise_formulas, so that a KPI name or a file name
starting with `=`, `+`, `-` or `@` is never run as a formula.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd

from kpi.exports import neutralise_formulas
from kpi.i18n import MEASURE_STATES, fmt_date, fmt_number, fmt_period
from kpi.model import Frequency, add_periods, snap_to_period_end
from kpi.status import period_due_date
from kpi.views import Snapshot, status_frame

MEASUREMENT_COLUMNS = [
    "Kennzahl",
    "Bezeichnung",
    "Einheit",
    "Zeitraum",
    "Wert",
    "Kommentar",
    "Qualität",
    "Fällig bis",
    "Letzter Wert",
]
MEASURE_COLUMNS = ["Maßnahme", "Status", "Fortschritt", "Kommentar", "Titel", "Verantwortlich", "Plan-Ende"]
MAX_PERIODS_PER_KPI = 12

MEASUREMENT_HINTS = [
    "So füllen Sie die Vorlage aus:",
    "1. Tragen Sie in der Spalte 'Wert' den Messwert ein (Dezimalkomma, z. B. 1.234,5).",
    "2. 'Kommentar' ist freiwillig: eine kurze Erläuterung für den Ausschuss.",
    "3. Zeilen, für die Sie (noch) keinen Wert haben, dürfen leer bleiben: sie werden übersprungen und gezählt "
    "('nicht ausgefüllt'). 'Qualität' ist freiwillig: leer (= final), vorläufig, geschätzt oder Bruch.",
    "4. 'Zeitraum' nicht ändern (Schreibweisen: 2025, Q3 2025, 09/2025). Weitere Zeilen dürfen Sie ergänzen.",
    "5. Die Spalten 'Bezeichnung', 'Einheit', 'Fällig bis' und 'Letzter Wert' dienen nur der Orientierung.",
    "6. Hochladen unter Verwaltung › Upload; vor dem Übernehmen sehen Sie eine Prüfung und eine Vorschau.",
]
MEASURE_HINTS = [
    "So füllen Sie die Vorlage aus:",
    "1. Status: geplant, in Umsetzung, abgeschlossen, pausiert oder verzögert.",
    "2. Fortschritt: 0 bis 100 (Prozent).",
    "3. Kommentar ist freiwillig. Unveränderte Zeilen dürfen stehen bleiben: sie werden nicht erneut gespeichert.",
    "4. Die Spalten 'Titel', 'Verantwortlich' und 'Plan-Ende' dienen nur der Orientierung.",
]


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


def measurement_template(snap: Snapshot, *, include_not_due: bool = False) -> pd.DataFrame:
    """The template rows as the clerk sees them: German headers, periods in the KPI's notation, empty values."""
    due = due_frame(snap, include_not_due=include_not_due)
    frame = pd.DataFrame(
        {
            "Kennzahl": due["kpi_id"],
            "Bezeichnung": due["name"],
            "Einheit": due["unit"],
            "Zeitraum": [fmt_period(p, f, "de") for p, f in zip(due["period"], due["frequency"])],
            "Wert": "",
            "Kommentar": "",
            "Qualität": "",
            "Fällig bis": [fmt_date(d, "de") for d in due["due"]],
            "Letzter Wert": [
                f"{fmt_number(v, 'de')} ({fmt_period(p, f, 'de')})" if p is not None else ""
                for v, p, f in zip(due["latest_value"], due["latest_period"], due["frequency"])
            ],
        },
        columns=MEASUREMENT_COLUMNS,
    )
    return frame


def measure_template(snap: Snapshot, unit: str | None = None) -> pd.DataFrame:
    """Every measure (of one responsible unit, if given) with its current state and progress filled in."""
    measures = snap.measures if unit is None else snap.measures[snap.measures["responsible"] == unit]
    return pd.DataFrame(
        {
            "Maßnahme": measures["id"],
            "Status": [MEASURE_STATES.get(s, {"de": s})["de"] for s in measures["state"]],
            "Fortschritt": pd.Series(
                [int(p) if float(p).is_integer() else float(p) for p in measures["progress"]],
                index=measures.index,
                dtype="object",
            ),
            "Kommentar": "",
            "Titel": measures["title"],
            "Verantwortlich": measures["responsible"],
            "Plan-Ende": [fmt_date(d, "de") for d in measures["planned_end"]],
        },
        columns=MEASURE_COLUMNS,
    ).reset_index(drop=True)


# -- writers ---------------------------------------------------------------------------------


def german_csv(frame: pd.DataFrame) -> bytes:
    """CSV as German Excel reads it: `;`, decimal comma, UTF-8 with BOM, CRLF; formulas neutralised."""
    safe = neutralise_formulas(frame)
    text = safe.to_csv(sep=";", index=False, decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx(
    sheets: dict[str, pd.DataFrame], *, text_columns: set[str] = frozenset(), hints: list[str] | None = None
) -> bytes:
    """An Excel workbook, one sheet per frame (header bold, frozen, columns sized), plus an optional 'Hinweise'
    sheet. Cells of `text_columns` are stored as text so that Excel never turns `09/2025` into a date."""
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
        sheet = book.create_sheet("Hinweise")
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


def measurement_template_files(snap: Snapshot, *, include_not_due: bool = False) -> tuple[bytes, bytes]:
    """(CSV, XLSX) of the measurement template; the XLSX sheet is `Messwerte`."""
    frame = measurement_template(snap, include_not_due=include_not_due)
    return german_csv(frame), xlsx({"Messwerte": frame}, text_columns={"Zeitraum", "Kennzahl"}, hints=MEASUREMENT_HINTS)


def measure_template_files(snap: Snapshot, unit: str | None = None) -> tuple[bytes, bytes]:
    """(CSV, XLSX) of the measure template; the XLSX sheet is `Maßnahmen`."""
    frame = measure_template(snap, unit)
    return german_csv(frame), xlsx({"Maßnahmen": frame}, text_columns={"Maßnahme"}, hints=MEASURE_HINTS)
