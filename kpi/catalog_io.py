"""The catalog as data people keep: the YAML schema of `data/strategy.yaml` (a dict), YAML text, and the Excel
workbook (`catalog template`, `catalog import FILE.xlsx`, `catalog export --format xlsx`).

`catalog_to_dict` is the inverse of `kpi.catalog.parse_catalog`: parse(to_dict(c)) == c, so that an export
imported again changes nothing.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from kpi.catalog import CatalogError, load_catalog, parse_catalog
from kpi.model import Catalog, Frequency, Kpi, Measure, Strategy
from kpi.problems import CatalogProblem

# -- dict / YAML -------------------------------------------------------------------------------------------


def period_text(day: date, frequency: Frequency, year_end_as_year: bool = False) -> str:
    """A period end written as in the catalog file: `2025`, `2025-H1`, `2025-Q3`, `2025-09`. Targets are
    milestones that mostly close a year: with `year_end_as_year` a 31 December is written as the year."""
    months = frequency.grid_months
    if months == 12 or (year_end_as_year and (day.month, day.day) == (12, 31)):
        return str(day.year)
    if months == 6:
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    if months == 3:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _num(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def kpi_to_dict(k: Kpi) -> dict:
    out: dict[str, Any] = dict(
        id=k.id,
        name=k.name,
        definition=k.definition,
        unit=k.unit,
        direction=k.direction.value,
        frequency=k.frequency.value,
        baseline={"period": period_text(k.baseline_period, k.frequency), "value": _num(k.baseline_value)},
        targets={period_text(t.period, k.frequency, True): _num(t.value) for t in k.targets},
        range=[_num(k.range_min), _num(k.range_max)],
        responsible=k.responsible,
        source=k.source,
        thresholds={"on_track": k.thresholds.on_track, "at_risk": k.thresholds.at_risk},
    )
    if k.grace_days is not None:
        out["grace_days"] = k.grace_days
    if k.real_data:
        out["real_data"] = True
    return _with_english(out, k, ("name", "unit", "definition", "source"))


def _measure_to_dict(m: Measure) -> dict:
    out = dict(
        id=m.id,
        title=m.title,
        action_field=m.action_field_id,
        responsible=m.responsible,
        start=m.start,
        planned_end=m.planned_end,
        state=m.state.value,
        progress=_num(m.progress),
        kpis=list(m.kpi_ids),
    )
    if m.description:
        out["description"] = m.description
    return _with_english(out, m, ("title", "description"))


def catalog_to_dict(catalog: Catalog) -> dict:
    s = catalog.strategy
    themes = []
    for t in catalog.themes:
        fields = []
        for a in (a for a in catalog.action_fields if a.theme_id == t.id):
            goals = [
                _with_english(dict(id=g.id, name=g.name), g, ("name",))
                | dict(kpis=[kpi_to_dict(k) for k in catalog.kpis if k.goal_id == g.id])
                for g in catalog.goals
                if g.action_field_id == a.id
            ]
            field = dict(id=a.id, name=a.name)
            if a.description:
                field["description"] = a.description
            _with_english(field, a, ("name", "description"))
            field["goals"] = goals
            fields.append(field)
        themes.append(_with_english(dict(id=t.id, name=t.name), t, ("name",)) | dict(action_fields=fields))
    return dict(
        strategy=dict(
            id=s.id,
            city=s.city,
            title=s.title,
            adopted=s.adopted,
            illustrative=s.illustrative,
            note=s.note,
            mission=s.mission,
            principles=list(s.principles),
            **_strategy_english(s),
        ),
        units=[_with_english(dict(id=u.id, name=u.name), u, ("name",)) for u in catalog.units],
        themes=themes,
        measures=[_measure_to_dict(m) for m in catalog.measures],
    )


def _strategy_english(s: Strategy) -> dict:
    out = _with_english({}, s, ("title", "note", "mission"))
    if s.principles_en:
        out["principles_en"] = list(s.principles_en)
    return out


def _with_english(out: dict, obj: object, fields: tuple[str, ...]) -> dict:
    """`out` with the object's English wordings (`name_en`, …) beside the German ones, only those it has: a catalog
    without English writes exactly what it wrote before (same revision hash)."""
    for name in fields:
        value = getattr(obj, f"{name}_en", "")
        if value:
            out[f"{name}_en"] = value
    return out


def to_yaml(catalog: Catalog) -> str:
    return yaml.safe_dump(catalog_to_dict(catalog), allow_unicode=True, sort_keys=False, width=120)


def to_json_ready(data: Any) -> Any:
    """Dates as ISO text (for the revision's JSON copy); parse_catalog reads them back."""
    if isinstance(data, dict):
        return {str(k): to_json_ready(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_json_ready(v) for v in data]
    if isinstance(data, (date, datetime)):
        return data.isoformat()
    return data


def read_catalog_file(path: str | Path) -> Catalog:
    """A catalog from a YAML or Excel file; every problem at once (CatalogError) with its place in the file."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_catalog(read_workbook(path.read_bytes(), str(path)), source=str(path))
    return load_catalog(path)


# -- Excel ------------------------------------------------------------------------------------------------
# One sheet per level, German headers. The KPI sheet is flat: one row per KPI, targets as `2025: 40; 2030: 70`.

SHEETS: dict[str, list[tuple[str, str]]] = {
    # sheet: [(header, key)]
    "Strategie": [("Feld", "key"), ("Wert", "value")],
    "Organisationseinheiten": [("ID", "id"), ("Name", "name"), ("Name (englisch)", "name_en")],
    "Themenfelder": [("ID", "id"), ("Name", "name"), ("Name (englisch)", "name_en")],
    "Handlungsfelder": [
        ("ID", "id"),
        ("Themenfeld", "theme"),
        ("Name", "name"),
        ("Beschreibung", "description"),
        ("Name (englisch)", "name_en"),
        ("Beschreibung (englisch)", "description_en"),
    ],
    "Ziele": [("ID", "id"), ("Handlungsfeld", "action_field"), ("Name", "name"), ("Name (englisch)", "name_en")],
    "Kennzahlen": [
        ("ID", "id"),
        ("Ziel", "goal"),
        ("Name", "name"),
        ("Definition", "definition"),
        ("Einheit", "unit"),
        ("Richtung", "direction"),
        ("Erhebung", "frequency"),
        ("Basis-Zeitraum", "baseline_period"),
        ("Basiswert", "baseline_value"),
        ("Zielwerte", "targets"),
        ("Minimum", "range_min"),
        ("Maximum", "range_max"),
        ("Verantwortlich", "responsible"),
        ("Quelle", "source"),
        ("Schwelle im Plan", "on_track"),
        ("Schwelle gefährdet", "at_risk"),
        ("Karenztage", "grace_days"),
        ("Echte Daten", "real_data"),
        ("Name (englisch)", "name_en"),
        ("Definition (englisch)", "definition_en"),
        ("Einheit (englisch)", "unit_en"),
        ("Quelle (englisch)", "source_en"),
    ],
    "Maßnahmen": [
        ("ID", "id"),
        ("Titel", "title"),
        ("Handlungsfeld", "action_field"),
        ("Verantwortlich", "responsible"),
        ("Start", "start"),
        ("Geplantes Ende", "planned_end"),
        ("Stand", "state"),
        ("Fortschritt", "progress"),
        ("Kennzahlen", "kpis"),
        ("Beschreibung", "description"),
        ("Titel (englisch)", "title_en"),
        ("Beschreibung (englisch)", "description_en"),
    ],
}
STRATEGY_FIELDS = [
    ("ID", "id"),
    ("Stadt", "city"),
    ("Titel", "title"),
    ("Beschlossen am", "adopted"),
    ("Illustrativ", "illustrative"),
    ("Hinweis", "note"),
    ("Leitbild", "mission"),
    ("Leitsätze", "principles"),
    ("Titel (englisch)", "title_en"),
    ("Hinweis (englisch)", "note_en"),
    ("Leitbild (englisch)", "mission_en"),
    ("Leitsätze (englisch)", "principles_en"),
]
# The English wordings are optional columns; "(englisch)", "(english)" and "(en)" after the German header are read.
ENGLISH_SUFFIXES = (" (englisch)", " (english)", " (en)")
UNITS = ["%", "Anzahl", "Tage", "Minuten", "Stunden", "EUR", "kW", "kWh", "t CO₂", "µg/m³", "Mbit/s", "Punkte"]
BOOL_WORDS = {
    "ja": True,
    "nein": False,
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "1": True,
    "0": False,
    "wahr": True,
    "falsch": False,
    "x": True,
}


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _targets_text(targets: dict) -> str:
    return "; ".join(f"{p}: {_fmt(v)}" for p, v in targets.items())


def _fmt(value: Any) -> str:
    return "" if value is None else str(value)


def _kpi_row(k: dict, goal_id: str) -> dict:
    return dict(
        id=k["id"],
        goal=goal_id,
        name=k["name"],
        definition=k.get("definition", ""),
        unit=k["unit"],
        direction=k["direction"],
        frequency=k["frequency"],
        baseline_period=k["baseline"]["period"],
        baseline_value=k["baseline"]["value"],
        targets=_targets_text(k["targets"]),
        range_min=k["range"][0],
        range_max=k["range"][1],
        responsible=k["responsible"],
        source=k.get("source", ""),
        on_track=k["thresholds"]["on_track"],
        at_risk=k["thresholds"]["at_risk"],
        grace_days=k.get("grace_days"),
        real_data="ja" if k.get("real_data") else "nein",
        **{key: k.get(key, "") for key in ("name_en", "definition_en", "unit_en", "source_en")},
    )


def workbook_rows(catalog: Catalog | None) -> dict[str, list[dict]]:
    """The rows of each sheet for a catalog (None: the template's example rows)."""
    data = catalog_to_dict(catalog) if catalog is not None else EXAMPLE
    s = data["strategy"]
    rows: dict[str, list[dict]] = {name: [] for name in SHEETS}
    for label, key in STRATEGY_FIELDS:
        value = s.get(key)
        if key in ("principles", "principles_en"):
            value = "\n".join(value or [])
        elif key == "illustrative":
            value = "ja" if value else "nein"
        rows["Strategie"].append(dict(key=label, value=value))
    rows["Organisationseinheiten"] = [dict(u) for u in data["units"]]
    for t in data["themes"]:
        rows["Themenfelder"].append(dict(id=t["id"], name=t["name"], name_en=t.get("name_en", "")))
        for a in t.get("action_fields") or []:
            rows["Handlungsfelder"].append(
                dict(
                    id=a["id"],
                    theme=t["id"],
                    name=a["name"],
                    description=a.get("description", ""),
                    name_en=a.get("name_en", ""),
                    description_en=a.get("description_en", ""),
                )
            )
            for g in a.get("goals") or []:
                rows["Ziele"].append(
                    dict(id=g["id"], action_field=a["id"], name=g["name"], name_en=g.get("name_en", ""))
                )
                rows["Kennzahlen"].extend(_kpi_row(k, g["id"]) for k in g.get("kpis") or [])
    for m in data["measures"]:
        rows["Maßnahmen"].append(dict(m, kpis=", ".join(m.get("kpis") or []), description=m.get("description", "")))
    return rows


def write_workbook(catalog: Catalog | None) -> bytes:
    """The catalog (or, for None, the template with one filled example row per sheet) as an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from kpi.model import Direction

    wb = Workbook()
    wb.remove(wb.active)
    for name, sheet_rows in workbook_rows(catalog).items():
        ws = wb.create_sheet(name)
        columns = SHEETS[name]
        ws.append([h for h, _ in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet_rows:
            ws.append([_excel_value(row.get(key)) for _, key in columns])
        for i, (header, _) in enumerate(columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, min(40, len(header) + 4))
        ws.freeze_panes = "A2"
    ws = wb["Kennzahlen"]
    lists = {"Einheit": UNITS, "Richtung": [d.value for d in Direction], "Erhebung": [f.value for f in Frequency]}
    for i, (header, _) in enumerate(SHEETS["Kennzahlen"], start=1):
        if header in lists:
            letter = ws.cell(1, i).column_letter
            # Units are a suggestion list (other units are allowed); direction and frequency are strict.
            strict = header != "Einheit"
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(lists[header]) + '"',
                allow_blank=True,
                showErrorMessage=strict,
                errorTitle="Ungültiger Wert",
                error=f"Erlaubt: {', '.join(lists[header])}",
            )
            dv.add(f"{letter}2:{letter}1000")
            ws.add_data_validation(dv)
    ws = wb["Maßnahmen"]
    from kpi.model import MeasureState

    dv = DataValidation(type="list", formula1='"' + ",".join(s.value for s in MeasureState) + '"', allow_blank=True)
    dv.add("G2:G1000")
    ws.add_data_validation(dv)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _excel_value(value: Any) -> Any:
    return value


def read_workbook(data: bytes, source: str = "<xlsx>") -> dict:
    """The workbook's sheets as the catalog dict; unreadable cells and missing sheets or columns are reported
    with sheet, row and column (e.g. `Kennzahlen, Zeile 4, Spalte Zielwerte`)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix, named as such
        raise CatalogError(source, [CatalogProblem("", "catalog.xlsx_unreadable", detail=str(exc))]) from exc
    problems: list[str] = []
    sheets = {name: _sheet_rows(wb, name, problems) for name in SHEETS}
    if problems:
        raise CatalogError(source, problems)
    reader = _WorkbookReader(problems)
    result = reader.build(sheets)
    if problems:
        raise CatalogError(source, problems)
    return result


def _sheet_rows(wb: Any, name: str, problems: list[str]) -> list[tuple[int, dict]]:
    if name not in wb.sheetnames:
        problems.append(CatalogProblem("", "catalog.sheet_missing", sheet=name, expected=", ".join(SHEETS)))
        return []
    values = list(wb[name].iter_rows(values_only=True))
    if not values:
        problems.append(CatalogProblem(name, "catalog.sheet_empty"))
        return []
    headers = [_cell_text(h) for h in values[0]]
    by_header = {h.lower(): i for i, h in enumerate(headers) if h}
    index = {}
    for header, key in SHEETS[name]:
        found = [h for h in _header_spellings(header) if h in by_header]
        if found:
            index[key] = by_header[found[0]]
        elif key.endswith("_en"):
            continue
        elif header.lower() not in ("beschreibung", "definition", "quelle", "karenztage", "echte daten"):
            problems.append(CatalogProblem("", "catalog.header_missing", cell=(name, 1, None), header=header))
    rows = []
    for number, raw in enumerate(values[1:], start=2):
        if raw is None or all(v is None or str(v).strip() == "" for v in raw):
            continue
        rows.append((number, {key: raw[i] if i < len(raw) else None for key, i in index.items()}))
    return rows


def _header_spellings(header: str) -> list[str]:
    """The lower-case headers accepted for a column: an English wording's column in any of its spellings."""
    lower = header.lower()
    for suffix in ENGLISH_SUFFIXES:
        if lower.endswith(suffix):
            base = lower[: -len(suffix)]
            return [base + s for s in ENGLISH_SUFFIXES]
    return [lower]


def _english_cells(r: dict, keys: tuple[str, ...]) -> dict:
    """The row's non-empty English wordings (`name_en`, …), ready to merge into the catalog dict."""
    return {key: _cell_text(r.get(key)) for key in keys if _cell_text(r.get(key))}


class _WorkbookReader:
    """Turns sheet rows into the catalog dict, naming sheet/row/column for what cannot be read."""

    def __init__(self, problems: list[str]):
        self.problems = problems

    def where(self, sheet: str, row: int, key: str) -> tuple[str, int, str]:
        """The cell as sheet, row and the column's header (worded per language by kpi.problems)."""
        return sheet, row, next(h for h, k in SHEETS[sheet] if k == key)

    def number(self, value: Any, sheet: str, row: int, key: str) -> float | int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            self.problems.append(
                CatalogProblem("", "catalog.not_a_number", cell=self.where(sheet, row, key), value=str(value))
            )
            return None
        if isinstance(value, (int, float)):
            return _num(float(value))
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        try:
            return _num(float(text.replace(".", "").replace(",", ".") if "," in text else text))
        except ValueError:
            self.problems.append(
                CatalogProblem("", "catalog.not_a_number", cell=self.where(sheet, row, key), value=str(value))
            )
            return None

    def flag(self, value: Any, sheet: str, row: int, key: str, default: bool) -> bool:
        text = _cell_text(value).lower()
        if not text:
            return default
        if isinstance(value, bool):
            return value
        if text not in BOOL_WORDS:
            self.problems.append(
                CatalogProblem("", "catalog.not_yes_no", cell=self.where(sheet, row, key), value=str(value))
            )
            return default
        return BOOL_WORDS[text]

    def targets(self, value: Any, row: int) -> dict:
        out: dict = {}
        text = _cell_text(value)
        for part in (p.strip() for p in text.replace("\n", ";").split(";")):
            if not part:
                continue
            period, sep, number = part.partition(":")
            if not sep:
                self.problems.append(
                    CatalogProblem(
                        "", "catalog.xlsx_target_syntax", cell=self.where("Kennzahlen", row, "targets"), value=part
                    )
                )
                continue
            parsed = self.number(number.strip(), "Kennzahlen", row, "targets")
            if parsed is not None:
                out[period.strip()] = parsed
        return out

    def build(self, sheets: dict[str, list[tuple[int, dict]]]) -> dict:
        strategy = self.strategy(sheets["Strategie"])
        units = [
            dict(id=_cell_text(r.get("id")), name=_cell_text(r.get("name")), **_english_cells(r, ("name_en",)))
            for _, r in sheets["Organisationseinheiten"]
        ]
        themes = {}
        for _, r in sheets["Themenfelder"]:
            themes[_cell_text(r.get("id"))] = dict(
                id=_cell_text(r.get("id")),
                name=_cell_text(r.get("name")),
                action_fields=[],
                **_english_cells(r, ("name_en",)),
            )
        fields = {}
        for row, r in sheets["Handlungsfelder"]:
            field = dict(id=_cell_text(r.get("id")), name=_cell_text(r.get("name")), goals=[])
            if _cell_text(r.get("description")):
                field["description"] = _cell_text(r.get("description"))
            field.update(_english_cells(r, ("name_en", "description_en")))
            if self.attach(field, themes, "action_fields", ("Handlungsfelder", row, r, "theme", "theme")):
                fields[field["id"]] = field
        goals = {}
        for row, r in sheets["Ziele"]:
            goal = dict(id=_cell_text(r.get("id")), name=_cell_text(r.get("name")), kpis=[])
            goal.update(_english_cells(r, ("name_en",)))
            if self.attach(goal, fields, "goals", ("Ziele", row, r, "action_field", "action_field")):
                goals[goal["id"]] = goal
        for row, r in sheets["Kennzahlen"]:
            kpi = self.kpi(row, r)  # read first: its own problems count even where its goal is unknown
            self.attach(kpi, goals, "kpis", ("Kennzahlen", row, r, "goal", "goal"))
        measures = [self.measure(row, r) for row, r in sheets["Maßnahmen"]]
        return dict(strategy=strategy, units=units, themes=list(themes.values()), measures=measures)

    def attach(self, child: dict, parents: dict, into: str, where: tuple) -> bool:
        """Put `child` under the parent its row names (`where`: sheet, row, cells, column, what the parent is);
        an unknown parent is a problem naming sheet, row and column."""
        sheet, row, r, column, what = where
        parent = parents.get(_cell_text(r.get(column)))
        if parent is None:
            self.problems.append(
                CatalogProblem(
                    "", f"catalog.unknown_{what}", cell=self.where(sheet, row, column), value=_cell_text(r.get(column))
                )
            )
            return False
        parent[into].append(child)
        return True

    def strategy(self, rows: list[tuple[int, dict]]) -> dict:
        labels = {spelling: key for label, key in STRATEGY_FIELDS for spelling in _header_spellings(label)}
        out: dict[str, Any] = {}
        for row, r in rows:
            key = labels.get(_cell_text(r.get("key")).lower())
            if key is None:
                self.problems.append(
                    CatalogProblem(
                        "",
                        "catalog.unknown_field",
                        cell=("Strategie", row, "Feld"),
                        value=_cell_text(r.get("key")),
                        expected=", ".join(label for label, _ in STRATEGY_FIELDS),
                    )
                )
                continue
            value = r.get("value")
            if key in ("principles", "principles_en"):
                out[key] = [p.strip() for p in _cell_text(value).split("\n") if p.strip()]
            elif key == "illustrative":
                out[key] = self.flag(value, "Strategie", row, "value", True)
            else:
                out[key] = _cell_text(value)
        return out

    def kpi(self, row: int, r: dict) -> dict:
        text = lambda key: _cell_text(r.get(key))  # noqa: E731
        grace = self.number(r.get("grace_days"), "Kennzahlen", row, "grace_days")
        k: dict[str, Any] = dict(
            id=text("id"),
            name=text("name"),
            definition=text("definition"),
            unit=text("unit"),
            direction=text("direction"),
            frequency=text("frequency"),
            baseline={
                "period": text("baseline_period"),
                "value": self.number(r.get("baseline_value"), "Kennzahlen", row, "baseline_value"),
            },
            targets=self.targets(r.get("targets"), row),
            range=[
                self.number(r.get("range_min"), "Kennzahlen", row, "range_min"),
                self.number(r.get("range_max"), "Kennzahlen", row, "range_max"),
            ],
            responsible=text("responsible"),
            source=text("source"),
            thresholds={
                "on_track": self.number(r.get("on_track"), "Kennzahlen", row, "on_track") or 0.95,
                "at_risk": self.number(r.get("at_risk"), "Kennzahlen", row, "at_risk") or 0.8,
            },
            real_data=self.flag(r.get("real_data"), "Kennzahlen", row, "real_data", False),
        )
        if grace is not None:
            k["grace_days"] = int(grace)
        k.update(_english_cells(r, ("name_en", "definition_en", "unit_en", "source_en")))
        return k

    def measure(self, row: int, r: dict) -> dict:
        text = lambda key: _cell_text(r.get(key))  # noqa: E731
        m: dict[str, Any] = dict(
            id=text("id"),
            title=text("title"),
            action_field=text("action_field"),
            responsible=text("responsible"),
            start=text("start"),
            planned_end=text("planned_end"),
            state=text("state") or "geplant",
            progress=self.number(r.get("progress"), "Maßnahmen", row, "progress") or 0,
            kpis=[x.strip() for x in text("kpis").replace(";", ",").split(",") if x.strip()],
        )
        if text("description"):
            m["description"] = text("description")
        m.update(_english_cells(r, ("title_en", "description_en")))
        return m


# The template's example rows: a complete small strategy that imports as it is.
EXAMPLE: dict = {
    "strategy": dict(
        id="musterstadt-2025",
        city="Musterstadt",
        title="Digitalstrategie der Stadt Musterstadt",
        adopted="2025-03-20",
        illustrative=False,
        note="",
        mission="Musterstadt digital und nah",
        principles=["Nutzen vor Technik", "Offen und sicher"],
    ),
    "units": [dict(id="DIG", name="Stabsstelle Digitalisierung")],
    "themes": [
        dict(
            id="VW",
            name="Digitale Verwaltung",
            action_fields=[
                dict(
                    id="VW-HF1",
                    name="Online-Dienste",
                    description="Verwaltungsleistungen online anbieten",
                    goals=[
                        dict(
                            id="VW-Z1",
                            name="Die wichtigsten Leistungen sind online erreichbar.",
                            kpis=[
                                dict(
                                    id="VW-01",
                                    name="Anteil Online-Leistungen",
                                    definition="Online verfügbare Leistungen / alle Leistungen",
                                    unit="%",
                                    direction="higher",
                                    frequency="yearly",
                                    baseline={"period": "2024", "value": 20},
                                    targets={"2027": 50, "2030": 80},
                                    range=[0, 100],
                                    responsible="DIG",
                                    source="Leistungskatalog",
                                    thresholds={"on_track": 0.95, "at_risk": 0.8},
                                )
                            ],
                        )
                    ],
                )
            ],
        )
    ],
    "measures": [
        dict(
            id="M-01",
            title="Serviceportal einführen",
            action_field="VW-HF1",
            responsible="DIG",
            start="2025-04-01",
            planned_end="2026-12-31",
            state="geplant",
            progress=0,
            kpis=["VW-01"],
            description="",
        )
    ],
}
