"""Problems found in uploaded files: a code with parameters, worded in the reader's language only at the edge.

The core (kpi.ingest, kpi.reader, kpi.plausibility) says *what* is wrong as a code (`value.missing`) and the facts
as parameters; `Problem.text(lang)` words it from `kpi.texts.PROBLEMS`, formatting numbers and dates through
`kpi.i18n`. Pages and the command line decide on `code`, never on the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kpi import i18n
from kpi.texts import PROBLEMS

LANG_INDEX = {"de": 0, "en": 1}

# Parameters that are amounts in the KPI's unit (`params["unit"]`), shown with it ("12,5 %").
_AMOUNTS = {"new", "old", "typical"}
# Parameters that are periods of the KPI's frequency (`params["frequency"]`), shown as people name them (Q3 2025).
_PERIODS = {"period", "prev_period"}


def word(key: str, lang: str = "de") -> str:
    """One entry of PROBLEMS in `lang` (a column label, a granularity, a worded part); the key itself if unknown."""
    entry = PROBLEMS.get(key)
    return entry[LANG_INDEX[lang]] if entry else key


def column_label(column: str | None, lang: str = "de") -> str:
    """A column key (`value`, `period`, `measure_id`) as the header the reader knows; unknown keys as they are."""
    if not column:
        return ""
    return word(f"column.{column}", lang) if f"column.{column}" in PROBLEMS else column


def _param(key: str, value: object, params: dict, lang: str) -> str:
    if isinstance(value, dict) and "code" in value:  # a worded part of the sentence, itself a code with params
        return wording(value["code"], value.get("params", {}), lang)
    if value is None:
        return "–"
    if isinstance(value, str) and not value:  # an optional part left out
        return ""
    named = _named(key, value, params, lang)
    return named if named is not None else _typed(value, lang)


def _named(key: str, value: object, params: dict, lang: str) -> str | None:
    """Parameters whose name says how to show them (column keys, frequencies, amounts in a unit, periods)."""
    if key == "column":
        return column_label(str(value), lang)
    if key == "columns":
        return ", ".join(column_label(str(c), lang) for c in value)
    if key == "frequency":
        return i18n.FREQUENCIES.get(str(value), {}).get(lang, str(value))
    if key == "granularity":
        return word(f"granularity.{value}", lang)
    if key in _AMOUNTS and isinstance(value, (int, float)):
        return i18n.fmt_value(value, str(params.get("unit") or ""), lang)
    if key in _PERIODS and isinstance(value, date) and params.get("frequency"):
        return i18n.fmt_period(value, str(params["frequency"]), lang)
    return None


def _typed(value: object, lang: str) -> str:
    if isinstance(value, datetime):
        return i18n.fmt_datetime(value, lang)
    if isinstance(value, date):
        return i18n.fmt_date(value, lang)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return i18n.fmt_number(value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def wording(code: str, params: dict | None = None, lang: str = "de") -> str:
    """The sentence for `code` in `lang`, its placeholders filled from `params` (formatted for `lang`)."""
    params = params or {}
    entry = PROBLEMS.get(code)
    if entry is None:  # a bug (a code without words); still say something useful rather than fail
        return f"{code} {params}" if params else code
    values = {key: _param(key, value, params, lang) for key, value in params.items()}
    return entry[LANG_INDEX[lang]].format_map(_Defaults(values))


class _Defaults(dict):
    """A missing parameter shows as `–` instead of raising: the wording must never break an error report."""

    def __missing__(self, key: str) -> str:
        return "–"


@dataclass(frozen=True)
class Wording:
    """A sentence not yet in words: a code of `kpi.texts.PROBLEMS` and its parameters."""

    code: str
    params: dict = field(default_factory=dict, hash=False)

    def text(self, lang: str = "de") -> str:
        return wording(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.text("de")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file, located as precisely as possible: `column` is a column key
    (`value`, `period`, `kpi_id`, …), `code` what is wrong, `params` the facts the wording needs."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict, hash=False)
    kpi_id: str | None = None

    def text(self, lang: str = "de") -> str:
        """What is wrong, in `lang`."""
        return wording(self.code, self.params, lang)

    @property
    def message(self) -> str:
        """The German text (what scripts and the command line showed before problems had codes)."""
        return self.text("de")

    def column_label(self, lang: str = "de") -> str:
        return column_label(self.column, lang)

    def where(self, lang: str = "de") -> str:
        """File, row and column in `lang`: `werte.csv, Zeile 3, Spalte Wert`."""
        where = self.file
        if self.row is not None:
            where += ", " + word("where.row", lang).format(row=self.row)
        if self.column:
            where += ", " + word("where.column", lang).format(column=self.column_label(lang))
        return where

    def line(self, lang: str = "de") -> str:
        """The whole problem on one line: where, the value, the KPI, and what is wrong."""
        text = self.text(lang)
        shown = f" ('{self.value}')" if self.value not in (None, "") else ""
        kpi = ""
        if self.kpi_id and self.kpi_id not in text:
            name = self.params.get(f"kpi_name_{lang}") or self.params.get("kpi_name")  # German: the catalog's own
            kpi = f" [{self.kpi_id}{' – ' + name if name else ''}]"
        return f"{self.where(lang)}{shown}{kpi}: {text}"

    def __str__(self) -> str:
        return self.line("de")


TABLE_COLUMNS = ("row", "column", "value", "problem")


def table_header(lang: str = "de") -> list[str]:
    """The headers of a problem table: Zeile, Spalte, Wert, Problem (Row, Column, Value, Problem)."""
    return [word(f"table.{name}", lang) for name in TABLE_COLUMNS]


def table_rows(problems: list[Problem], lang: str = "de") -> list[list[str]]:
    """One row per problem, as text in `lang`: row (– for the whole file), column label, value as written, and
    what is wrong (with the KPI, when the sentence does not name it)."""
    rows = []
    for p in problems:
        text = p.text(lang)
        if p.kpi_id and p.kpi_id not in text:
            text = f"{p.kpi_id}: {text}"
        rows.append(
            [
                "–" if p.row is None else str(p.row),
                p.column_label(lang) or "–",
                "" if p.value is None else str(p.value),
                text,
            ]
        )
    return rows


def cause(wording_: Wording | None, lang: str = "de") -> str:
    """The likely cause of a plausibility flag in `lang` ("÷10: Komma verrutscht?"), or "" when it names none."""
    part = wording_.params.get("cause") if isinstance(wording_, Wording) else None
    return wording(part["code"], {}, lang).removeprefix(" – ") if isinstance(part, dict) else ""


class CatalogProblem(str):
    """A problem in a strategy catalog (YAML, Excel or a form on /katalog): its place (`path`, e.g.
    `themes[0].kpis[2].unit`, or for a workbook `sheet`, `row` and the column's header), a code and parameters. It
    *is* its German text (the command line and the log show that), and `text(lang)` words it for a page."""

    path: str
    code: str
    params: dict
    cell: tuple

    def __new__(
        cls, path: str, code: str, *, cell: tuple[str, int, str | None] | None = None, **params: object
    ) -> CatalogProblem:
        problem = super().__new__(cls, _catalog_text(path, cell, code, params, "de"))
        problem.path, problem.code, problem.params, problem.cell = path, code, params, cell
        return problem

    def text(self, lang: str = "de") -> str:
        return _catalog_text(self.path, self.cell, self.code, self.params, lang)


def _catalog_text(path: str, cell: tuple | None, code: str, params: dict, lang: str) -> str:
    if cell is not None:  # a workbook cell: sheet, row, header (sheet and header as the workbook names them)
        sheet, row, header = cell
        path = f"{sheet}, " + word("where.row", lang).format(row=row)
        if header:
            path += ", " + word("where.column", lang).format(column=header)
    worded = wording(code, params, lang)
    return f"{path}: {worded}" if path else worded


def in_language(problem: object, lang: str = "de") -> str:
    """Any problem in `lang`: a worded one (`text`) in its words, anything else as it is."""
    text = getattr(problem, "text", None)
    return text(lang) if callable(text) else str(problem)
