"""Import of KPI measurements: parse → stage → validate (SQL) → diff → commit, all or nothing.

Files come as the IT office has them (German Excel CSV, plain CSV, XLSX). Parsing is DuckDB's
CSV reader (or openpyxl for XLSX) into a staging table of text; every check and the diff against
the current values run as SQL in one transaction, which is committed only when no problem was
found and it is not a dry run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from kpi import reader
from kpi.comment_rules import MAX_COMMENT_CHARS  # the one limit, also for typed comments
from kpi.problems import Problem  # re-exported: callers import it from here
from kpi.store import DRIVER_ERRORS, Store, kpi_t, latest_sql, target_t
from kpi.texts import TEXTS

MAX_FILE_BYTES = reader.max_file_bytes()
MAX_PROBLEMS = 1000

MAX_VALUE = 1e15  # larger magnitudes are typos or overflow (1e308, inf), never a KPI value
PERIOD_MARGIN_YEARS = 50  # periods before the KPI's baseline year minus this are refused
HORIZON_YEARS = 2  # ... and after the strategy's last target or today, whichever is later, plus this
JUMP_WARNING_RATIO = 0.5  # a change of more than 50 % against the previous value is worth a second look

COLUMN_ALIASES = {
    "kpi_id": {"kpi_id", "kpi", "kennzahl", "kennzahl_id", "kennzahl-id", "kennzahlid", "id"},
    "period": {"period", "zeitraum", "periode", "stichtag", "datum", "date"},
    "value": {"value", "wert", "istwert", "ist-wert", "ist"},
    "comment": {"comment", "kommentar", "bemerkung", "anmerkung"},
    "source": {"source", "quelle", "datenquelle"},
    "quality": {"quality", "qualität", "qualitaet", "datenqualität"},
}
REQUIRED = ("kpi_id", "period", "value")
# Upload words for measurement.quality (lower case) -> stored code; empty = final (stored NULL).
QUALITY_WORDS = {
    "final": "final",
    "endgültig": "final",
    "vorläufig": "provisional",
    "provisional": "provisional",
    "geschätzt": "estimated",
    "estimated": "estimated",
    "bruch": "break",
    "break": "break",
}


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    upload_id: int | None = None
    dry_run: bool = False
    not_filled: int = 0  # template rows left without a value: skipped, not errors
    implausible: list[Problem] = field(default_factory=list)  # plausibility flags, also among the warnings

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def committed(self) -> bool:
        return self.upload_id is not None

    def summary(self) -> str:
        state = "Probelauf" if self.dry_run else ("übernommen" if self.committed else "nicht übernommen")
        skipped = f", nicht ausgefüllt: {self.not_filled} Zeilen" if self.not_filled else ""
        return (
            f"{self.file_name}: {self.rows} Zeilen, new={self.new} changed={self.changed} "
            f"unchanged={self.unchanged}{skipped}, {self.problem_count} Fehler, {len(self.warnings)} Hinweise "
            f"({state})"
        )


class _Rejected(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


# -- reading files into the staging table ----------------------------------------------------


def _file_problem(name: str, code: str, **params: object) -> _Rejected:
    return _Rejected([Problem(name, None, None, None, code, params)])


def _read_problem(name: str, error: reader.ReadError) -> _Rejected:
    return _Rejected([Problem(name, error.row, error.column, error.value, error.code, dict(error.params))])


def _canonical_columns(
    header: list[str],
    name: str,
    aliases: dict[str, set[str]] | None = None,
    required: tuple[str, ...] = REQUIRED,
    expected: str = "header.expected.measurements",
) -> list[str]:
    """Map a header row to canonical column names (German or English); unknown columns become extra_N."""
    aliases = aliases or COLUMN_ALIASES
    columns, seen = [], set()
    for i, raw in enumerate(header):
        key = str(raw or "").strip().strip('"').lower().replace(" ", "_")
        canonical = next((c for c, names in aliases.items() if key in names), None)
        if canonical in seen:
            raise _Rejected([Problem(name, 1, canonical, str(raw), "header.duplicate_column", {"column": canonical})])
        if canonical is None:
            canonical = f"extra_{i}"
        seen.add(canonical)
        columns.append(canonical)
    missing = [c for c in required if c not in seen]
    if missing:
        raise _Rejected(
            [
                Problem(
                    name,
                    1,
                    None,
                    ";".join(str(h) for h in header)[:120],
                    "header.missing",
                    {"columns": missing, "expected": {"code": expected}},
                )
            ]
        )
    return columns


def _read_csv(data: bytes, name: str, records: bool = False) -> reader.CsvFile:
    """Decoded and checked in a child process with time and memory limits (kpi.reader.read_csv)."""
    try:
        return reader.read_csv(data, records=records)
    except reader.ReadError as exc:
        raise _read_problem(name, exc) from exc


def _stage_csv(con: duckdb.DuckDBPyConnection, data: bytes, name: str) -> tuple[str, dict]:
    checked = _read_csv(data, name)
    text, first, delimiter = checked.text, checked.first, checked.delimiter
    header = next(csv.reader([first], delimiter=delimiter))
    columns = _canonical_columns(header, name)
    # DuckDB reads only validated text, transcoded to UTF-8, under a name the project chose (never the user's
    # path: DuckDB would expand a glob such as `werte[1].csv` or `*.csv`).
    folder = tempfile.mkdtemp(prefix="kpi-upload-")
    source = Path(folder) / "upload.csv"
    if data.startswith(b"\xef\xbb\xbf") or not data.isascii() and text.encode("utf-8") != data:
        source.write_text(text, encoding="utf-8")
    else:
        source.write_bytes(data)
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    con.execute(
        f"""CREATE TEMP TABLE staging AS SELECT row_number() OVER () + 1 AS line, * FROM read_csv('{str(source).replace("'", "''")}',
            delim='{delimiter}', header=true, quote='"', escape='"', store_rejects=true, auto_detect=false,
            columns={{{", ".join(f"'{c}': 'VARCHAR'" for c in columns)}}})"""
    )
    return ("german" if delimiter in ";\t" else "english"), {"text": text, "delimiter": delimiter, "cleanup": source}


def _csv_rejects(con: duckdb.DuckDBPyConnection, name: str) -> list[Problem]:
    """Rows DuckDB's reader could not take (wrong column count, broken quoting)."""
    rejects = con.execute(
        "SELECT line, column_name, csv_line, error_type, error_message FROM reject_errors ORDER BY line"
    ).fetchall()
    problems = [
        Problem(
            name,
            int(line),
            col or None,
            (csv_line or "").strip()[:80],
            "row.columns" if "COLUMNS" in etype else "row.unreadable",
            {} if "COLUMNS" in etype else {"detail": emsg},
        )
        for line, col, csv_line, etype, emsg in rejects
    ]
    # de-duplicate: DuckDB reports one reject per surplus column
    return list({(p.row, p.code, p.params.get("detail")): p for p in problems}.values())


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _read_sheet(data: bytes, name: str, preferred: tuple[str, ...]) -> reader.Sheet:
    try:
        return reader.read_xlsx(data, preferred)
    except reader.ReadError as exc:
        raise _read_problem(name, exc) from exc


def _stage_xlsx(con: duckdb.DuckDBPyConnection, data: bytes, name: str) -> dict:
    sheet = _read_sheet(data, name, MEASUREMENT_SHEETS)
    if not sheet.rows:
        raise _file_problem(name, "sheet.empty", sheet=sheet.title)
    header = [_cell_text(c) or "" for c in sheet.rows[0][1]]
    columns = _canonical_columns(header, f"{name} [{sheet.title}]")
    records = []
    for line, cells in sheet.rows[1:]:
        cells = list(cells) + [None] * (len(columns) - len(cells))
        record = {"line": line, "value_num": None}
        for col, cell in zip(columns, cells):
            if col == "value" and isinstance(cell, (int, float)) and not isinstance(cell, bool):
                record["value_num"] = float(cell)
            record[col] = _cell_text(cell)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=["line", "value_num", *columns]).astype(
        {c: "object" for c in columns}
    )
    frame["value_num"] = frame["value_num"].astype("float64")
    con.register("xlsx_rows", frame)
    con.execute("CREATE TEMP TABLE staging AS SELECT * FROM xlsx_rows ORDER BY line")
    con.unregister("xlsx_rows")
    return {}


def _exact_lines(text: str, delimiter: str, rejected: set[int]) -> list[int] | None:
    """File line of each record DuckDB kept, in order: only needed when problems are reported.
    None when every record is one line and none was skipped (the row number is then the line)."""
    # A blank line is "\n\n" once "\r\n" is read as "\n": one search, no copy (0.016 s for a million rows, not 0.042 s).
    if not rejected and '"' not in text and not re.search("\n\r?\n", text):
        return None
    lines, reader = [], csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 1
    for index, record in enumerate(reader):
        if index and record and any(record) or (index and record == [""] * len(record) and len(record) > 1):
            if start not in rejected:
                lines.append(start)
        start = reader.line_num + 1
    return lines


# -- validation and diff in SQL --------------------------------------------------------------

# One strict grammar per style: thousands groups only after a leading digit 1-9 and exactly three digits each
# (`0.125` is never German, `2 1 0 0 0` never a number); a space group separator only in German files.
_NUMBER = {
    "german": (
        r"[-+]?([1-9]\d{0,2}(\.\d{3})+|[1-9]\d{0,2}( \d{3})+|\d+)(,\d+)?",
        "replace(replace(replace(v, ' ', ''), '.', ''), ',', '.')",
    ),
    "english": (r"[-+]?([1-9]\d{0,2}(,\d{3})+|\d+)(\.\d+)?", "replace(v, ',', '')"),
}

_PERIOD_SQL = r"""
    CASE
      WHEN regexp_full_match(p, '(?i)((berichtsjahr|jahr)\s+)?\d{4}')
        THEN struct_pack(d := make_date(CAST(regexp_extract(p, '(\d{4})', 1) AS INT), 12, 31), g := 'yearly')
      WHEN regexp_full_match(p, '(?i)\d{4}\s*-?\s*q[1-4]')
        THEN struct_pack(d := last_day(make_date(CAST(regexp_extract(p, '(\d{4})', 1) AS INT),
             3 * CAST(regexp_extract(p, '(?i)q([1-4])', 1) AS INT), 1)), g := 'quarterly')
      WHEN regexp_full_match(p, '(?i)q[1-4]\s*[/ ]\s*\d{4}|[1-4]\.\s*quartal\s+\d{4}')
        THEN struct_pack(d := last_day(make_date(CAST(regexp_extract(p, '(\d{4})', 1) AS INT),
             3 * CAST(regexp_extract(p, '([1-4])', 1) AS INT), 1)), g := 'quarterly')
      WHEN regexp_full_match(p, '(?i)\d{4}\s*-?\s*h[12]|h[12]\s*[/ ]\s*\d{4}|[12]\.\s*halbjahr\s+\d{4}')
        THEN struct_pack(d := last_day(make_date(CAST(regexp_extract(p, '(\d{4})', 1) AS INT),
             6 * CAST(regexp_extract(p, '(?i)(?:h|^)([12])(?:\.|\s|/|$)', 1) AS INT), 1)), g := 'half_yearly')
      WHEN regexp_full_match(p, '\d{4}-(0?[1-9]|1[0-2])')
        THEN struct_pack(d := last_day(make_date(CAST(regexp_extract(p, '^(\d{4})', 1) AS INT),
             CAST(regexp_extract(p, '-(\d{1,2})$', 1) AS INT), 1)), g := 'monthly')
      WHEN regexp_full_match(p, '(0?[1-9]|1[0-2])/\d{4}')
        THEN struct_pack(d := last_day(make_date(CAST(regexp_extract(p, '(\d{4})$', 1) AS INT),
             CAST(regexp_extract(p, '^(\d{1,2})', 1) AS INT), 1)), g := 'monthly')
      WHEN regexp_full_match(p, '\d{1,2}\.\d{1,2}\.\d{4}')
        THEN struct_pack(d := CAST(try_strptime(p, '%d.%m.%Y') AS DATE), g := 'date')
      WHEN regexp_full_match(p, '\d{4}-\d{2}-\d{2}')
        THEN struct_pack(d := try_cast(p AS DATE), g := 'date')
    END"""


def _validate(con: duckdb.DuckDBPyConnection, number_style: str, today: date) -> None:
    """Turn the staged text into typed rows (NULL where unreadable) joined with the KPI catalog: the view `checked`,
    with every column a check reads, and the table `parsed`, with only what the diff and the commit read and a flag
    `suspect` for the rows that any check would report (`_problems` reads those few from `checked` again)."""
    pattern, convert = _NUMBER[number_style]
    staged = _staged_columns(con)
    value_num = "value_num" if "value_num" in staged else "NULL::DOUBLE"
    line = "line"
    comment = "comment" if "comment" in staged else "NULL"
    source = "source" if "source" in staged else "NULL"
    recorded = "recorded_at" if "recorded_at" in staged else "NULL::TIMESTAMP"
    quality = "quality" if "quality" in staged else "NULL"
    words = " ".join(f"WHEN '{word}' THEN '{code}'" for word, code in QUALITY_WORDS.items())
    # Periods are parsed once per distinct text (a file has a few hundred, not a million). Speed: `s` is read once
    # (the distinct periods and KPIs come from the staging table), so DuckDB does not materialise it; its rows are
    # joined to them on the cells as written (trimmed once per distinct cell, not once per row: 0.08 s of a
    # million-row import).
    today_sql = f"DATE '{today.isoformat()}'"
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW checked AS
        WITH s AS (
          SELECT {line} AS idx, kpi_id AS kpi_cell, period AS period_raw, value AS value_raw,
                 regexp_full_match(value, '{pattern}') AS plain_number,  -- speed: a number as written, nothing to clean
                 CASE WHEN plain_number THEN value
                      ELSE rtrim(rtrim(replace(replace(trim(coalesce(value, '')), chr(160), ' '), chr(8239), ' '), '%'))
                 END AS v,
                 {value_num} AS value_num,
                 nullif(trim({comment}), '') AS comment, nullif(trim({source}), '') AS source,
                 nullif(lower(trim({quality})), '') AS quality_raw,
                 {recorded} AS recorded_at
          FROM staging),
        periods AS (SELECT period_cell, {_PERIOD_SQL} AS per
                    FROM (SELECT period AS period_cell, trim(coalesce(period, '')) AS p
                          FROM (SELECT DISTINCT period FROM staging))),
        kpis AS (SELECT kpi_cell, kpi_raw, k.*
                 FROM (SELECT kpi_id AS kpi_cell, trim(coalesce(kpi_id, '')) AS kpi_raw
                       FROM (SELECT DISTINCT kpi_id FROM staging)) d
                 LEFT JOIN kpi k ON k.id = upper(d.kpi_raw)),
        horizon AS (SELECT make_date(year(greatest(max(period), {today_sql})) + {HORIZON_YEARS}, 12, 31) AS upper
                    FROM kpi_target)
        SELECT s.idx, k.kpi_raw, k.id AS kpi_id, k.frequency, k.range_min, k.range_max,
               s.v = '' AND s.value_num IS NULL AS not_filled, s.quality_raw,
               CASE s.quality_raw {words} END AS quality,
               make_date(coalesce(year(k.baseline_period), year({today_sql})) - {PERIOD_MARGIN_YEARS}, 1, 1) AS lower_bound,
               h.upper AS upper_bound,
               s.period_raw, s.value_raw, pr.per.g AS granularity,
               CASE WHEN pr.per.g = 'date' THEN
                 CASE regexp_replace(k.frequency, '^every_.*', 'yearly') WHEN 'yearly' THEN make_date(year(pr.per.d), 12, 31)
                   WHEN 'half_yearly' THEN last_day(make_date(year(pr.per.d), 6 * ((month(pr.per.d) + 5) // 6), 1))
                   WHEN 'quarterly' THEN last_day(make_date(year(pr.per.d), 3 * quarter(pr.per.d), 1))
                   ELSE last_day(pr.per.d) END
               ELSE pr.per.d END AS period,
               coalesce(s.value_num,
                        CASE WHEN s.plain_number THEN CAST({convert} AS DOUBLE)
                             WHEN regexp_full_match(s.v, '{pattern}') THEN CAST({convert} AS DOUBLE) END) AS value,
               s.comment, s.source, s.recorded_at
        FROM s JOIN periods pr ON s.period_raw IS NOT DISTINCT FROM pr.period_cell
               JOIN kpis k ON s.kpi_cell IS NOT DISTINCT FROM k.kpi_cell CROSS JOIN horizon h"""
    )
    # Speed: only these columns are stored for a million rows (all of `checked` took 1.0 s, these 0.8 s).
    con.execute(
        "CREATE TEMP TABLE parsed AS SELECT idx, kpi_id, period, value, comment, source, quality, recorded_at, "
        f"not_filled, {_ANY_CHECK} AS suspect FROM checked"
    )


def _staged_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The staging table's columns, from one catalog query."""
    return {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = 'staging'"
        ).fetchall()
    }


_CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# Each check yields the row, the column key, the cell as written, the problem's code, the KPI, and up to two
# parameters `a`, `b` as text (typed and named per code in `_PARAMS`): words are chosen at the edge (kpi.problems).
_PROBLEMS_SQL = f"""
    SELECT idx, 'kpi_id', kpi_raw, 'kpi.missing', NULL, NULL, NULL, NULL FROM suspect WHERE kpi_raw = ''
    UNION ALL
    SELECT idx, 'kpi_id', kpi_raw, 'kpi.unknown', NULL, NULL, NULL, NULL
      FROM suspect WHERE kpi_raw <> '' AND kpi_id IS NULL
    UNION ALL
    SELECT idx, 'period', period_raw,
           CASE WHEN coalesce(trim(period_raw), '') = '' THEN 'period.missing' ELSE 'period.unreadable' END,
           kpi_id, kpi_name, NULL, NULL
      FROM suspect WHERE period IS NULL
    UNION ALL
    SELECT idx, 'period', period_raw, 'period.out_of_range', kpi_id, kpi_name,
           CAST(lower_bound AS VARCHAR), CAST(upper_bound AS VARCHAR)
      FROM suspect WHERE period IS NOT NULL AND kpi_id IS NOT NULL AND (period < lower_bound OR period > upper_bound)
    UNION ALL
    SELECT idx, 'period', period_raw, 'period.frequency', kpi_id, kpi_name, granularity, frequency
      FROM suspect WHERE kpi_id IS NOT NULL AND granularity NOT IN ('date')
        AND granularity <> regexp_replace(frequency, '^every_.*', 'yearly')
    UNION ALL
    SELECT idx, 'value', value_raw,
           CASE WHEN coalesce(trim(value_raw), '') = '' THEN 'value.missing' ELSE 'value.format' END, kpi_id, kpi_name,
           NULL, NULL
      FROM suspect WHERE value IS NULL
    UNION ALL
    SELECT idx, 'value', value_raw, 'value.not_finite', kpi_id, kpi_name, NULL, NULL
      FROM suspect WHERE isnan(value) OR isinf(value) OR abs(value) > {MAX_VALUE}
    UNION ALL
    SELECT idx, 'value', value_raw, 'value.out_of_range', kpi_id, kpi_name,
           CAST(range_min AS VARCHAR), CAST(range_max AS VARCHAR)
      FROM suspect WHERE value < range_min OR value > range_max
    UNION ALL
    SELECT idx, 'quality', quality_raw, 'quality.unknown', kpi_id, kpi_name, NULL, NULL
      FROM suspect WHERE quality_raw IS NOT NULL AND quality IS NULL
    UNION ALL
    SELECT idx, 'comment', left(comment, 40) || '…', 'comment.too_long', kpi_id, kpi_name, NULL, NULL
      FROM suspect WHERE length(comment) > {MAX_COMMENT_CHARS}
    UNION ALL
    SELECT idx, CASE WHEN regexp_matches(coalesce(comment, ''), '{_CONTROL_RE}') THEN 'comment' ELSE 'source' END,
           NULL, 'text.control_char', kpi_id, kpi_name, NULL, NULL
      FROM suspect WHERE regexp_matches(coalesce(comment, '') || coalesce(source, ''), '{_CONTROL_RE}')
    UNION ALL
    SELECT p.idx, 'value', p.value_raw, 'row.conflict', p.kpi_id, p.kpi_name, CAST(p.period AS VARCHAR), NULL
      FROM suspect p JOIN incoming i ON i.conflict AND i.kpi_id = p.kpi_id AND i.period = p.period
"""


def _bound(text: str | None, unbounded: str) -> object:
    return float(text) if text is not None else {"code": unbounded}


# code -> how the SQL's parameters `a`, `b` become the wording's (the KPI is `kpi` in every wording that names it)
_PARAMS = {
    "period.out_of_range": lambda a, b: {"lower": date.fromisoformat(a), "upper": date.fromisoformat(b)},
    "period.frequency": lambda a, b: {"granularity": a, "frequency": b},
    "value.out_of_range": lambda a, b: {
        "min": _bound(a, "value.unbounded_low"),
        "max": _bound(b, "value.unbounded_high"),
    },
    "row.conflict": lambda a, b: {"period": date.fromisoformat(a)},
    "comment.too_long": lambda a, b: {"limit": MAX_COMMENT_CHARS},
}


def _params(
    code: str, kpi_id: str | None, kpi_name: str | None, a: str | None, b: str | None, kpi_name_en: str | None = None
) -> dict:
    params: dict = {"kpi": kpi_id} if kpi_id else {}
    if kpi_name:
        params["kpi_name"] = kpi_name
    if kpi_name_en:  # the catalog's English name, for the English wording (kpi.problems.Problem.line)
        params["kpi_name_en"] = kpi_name_en
    if code in _PARAMS:
        params.update(_PARAMS[code](a, b))
    return params


# One row per (KPI, period); identical repeats collapse, differing ones are flagged as conflicts.
_INCOMING_SQL = """
    CREATE TEMP TABLE incoming AS
    SELECT kpi_id, period, arg_min(value, idx) AS value, arg_min(comment, idx) AS comment,
           arg_min(source, idx) AS source, arg_min(quality, idx) AS quality, arg_min(recorded_at, idx) AS recorded_at,
           count(*) > 1 AND (min(value) IS DISTINCT FROM max(value) OR min(comment) IS DISTINCT FROM max(comment)
                             OR count(comment) NOT IN (0, count(*))) AS conflict
    FROM parsed WHERE kpi_id IS NOT NULL AND period IS NOT NULL GROUP BY kpi_id, period
"""
# Speed: most files name each (KPI, period) once; then `incoming` is a view of the parsed rows as they are (no copy),
# and the grouping above (the costliest step of a large import) is skipped. The check is one pass over one hash of
# the key: two keys with the same hash only send the file the grouping's way, whose result is the same.
_REPEATS_SQL = """
    SELECT count(*) > count(DISTINCT hash(kpi_id, period)) FROM parsed WHERE kpi_id IS NOT NULL AND period IS NOT NULL
"""
_INCOMING_ONCE_SQL = """
    CREATE TEMP VIEW incoming AS
    SELECT kpi_id, period, value, comment, source, quality, recorded_at, FALSE AS conflict
    FROM parsed WHERE kpi_id IS NOT NULL AND period IS NOT NULL
"""


def _incoming(con: duckdb.DuckDBPyConnection) -> None:
    """`incoming`: one row per (KPI, period) of the file, with conflicting repeats marked (a table, or a view of
    `parsed` when the file names each key once)."""
    repeats = con.execute(_REPEATS_SQL).fetchone()[0]
    con.execute(_INCOMING_SQL if repeats else _INCOMING_ONCE_SQL)


# The current values of the file's KPIs, read once for the diff and the plausibility check.
_CURRENT_SQL = f"""
    CREATE OR REPLACE TEMP TABLE cur AS
    SELECT kpi_id, period, value, comment, source, quality
    FROM ({latest_sql("measurement", where="kpi_id IN (SELECT DISTINCT kpi_id FROM incoming)")})
"""
_DIFF_SQL = """
    CREATE TEMP TABLE diff AS
    SELECT i.*, c.value AS old_value, c.comment AS old_comment, c.source AS old_source,
      CASE WHEN c.value IS NULL THEN 'new'
           WHEN c.value <> i.value OR (i.comment IS NOT NULL AND i.comment IS DISTINCT FROM c.comment)
                OR (i.source IS NOT NULL AND i.source IS DISTINCT FROM c.source)
                OR coalesce(i.quality, 'final') IS DISTINCT FROM coalesce(c.quality, 'final') THEN 'changed'
           ELSE 'unchanged' END AS change
    FROM incoming i LEFT JOIN cur c USING (kpi_id, period)
"""


# Speed: every check's condition is evaluated while the rows are parsed, into the one flag `parsed.suspect` (the OR
# of them all; a clean file of a million rows has no row flagged). The checks with their messages then run over the
# flagged rows only (`suspect`: their columns from `checked`, and the KPI's name), not once each over a million.
_ANY_CHECK = (
    "coalesce("
    + " OR ".join(
        f"({found.group(1).strip()})"
        for check in _PROBLEMS_SQL.split("UNION ALL")
        if (found := re.search(r"FROM suspect WHERE (.+)", check, re.S))
    )
    + ", FALSE)"
)
_SUSPECT_SQL = """
    CREATE TEMP TABLE suspect AS SELECT c.*, k.name AS kpi_name FROM checked c LEFT JOIN kpi k ON k.id = c.kpi_id
    WHERE c.idx IN (SELECT idx FROM parsed WHERE suspect
                    UNION ALL SELECT p.idx FROM parsed p JOIN incoming i
                                           ON i.conflict AND i.kpi_id = p.kpi_id AND i.period = p.period)
"""


def _problems(con: duckdb.DuckDBPyConnection, name: str, limit: int) -> tuple[list[Problem], int]:
    con.execute("DROP TABLE IF EXISTS suspect")
    if not con.execute(
        "SELECT EXISTS (SELECT 1 FROM parsed WHERE suspect) OR EXISTS (SELECT 1 FROM incoming WHERE conflict)"
    ).fetchone()[0]:
        return [], 0
    con.execute(_SUSPECT_SQL)
    rows = con.execute(f"SELECT *, count(*) OVER () FROM ({_PROBLEMS_SQL}) ORDER BY 1, 2 LIMIT {limit}").fetchall()
    total = rows[0][8] if rows else 0
    english = dict(con.execute("SELECT id, name_en FROM kpi WHERE coalesce(name_en, '') <> ''").fetchall())
    return [
        Problem(name, int(idx), column, value, code, _params(code, kpi_id, kpi_name, a, b, english.get(kpi_id)), kpi_id)
        for idx, column, value, code, kpi_id, kpi_name, a, b, _ in rows
    ], total


def _warnings(con: duckdb.DuckDBPyConnection, name: str, today: date) -> list[Problem]:
    rows = con.execute(
        """SELECT min(p.idx), 'period', s.period, NULL, d.period, NULL::DOUBLE, NULL::DOUBLE
           FROM diff d JOIN parsed p USING (kpi_id, period) JOIN staging s ON s.line = p.idx
           WHERE d.period > ? GROUP BY s.period, d.period
           UNION ALL
           SELECT min(p.idx), 'value', s.value, d.kpi_id, NULL, d.old_value, d.value
           FROM diff d JOIN parsed p USING (kpi_id, period) JOIN staging s ON s.line = p.idx
           WHERE d.change = 'changed' AND abs(d.value - d.old_value) > ? * greatest(abs(d.old_value), 1e-9)
           GROUP BY s.value, d.kpi_id, d.old_value, d.value
           ORDER BY 1 LIMIT 200""",
        [today, JUMP_WARNING_RATIO],
    ).fetchall()
    return [
        Problem(name, int(idx), column, value, "period.future", {"period": period})
        if column == "period"
        else Problem(name, int(idx), column, value, "value.jump", {"kpi": kpi, "old": old, "new": new}, kpi)
        for idx, column, value, kpi, period, old, new in rows
    ]


# Per new or changed value: the previous period's value (the file's own values first, then the store's) and the
# KPI's median absolute period-to-period change over its whole series, for kpi.plausibility. Only the candidates
# (beyond the cheap bounds of `_CANDIDATE`) leave the database, and the previous values of the preview's rows.
_PLAUSIBILITY_SQL = """
    CREATE OR REPLACE TEMP TABLE plausibility AS
    WITH merged AS (
      SELECT c.kpi_id, c.period, c.value, FALSE AS uploaded FROM cur c ANTI JOIN diff d USING (kpi_id, period)
      WHERE c.value IS NOT NULL
      UNION ALL SELECT kpi_id, period, value, change IN ('new', 'changed') FROM diff),
    steps AS (
      SELECT *, lag(period) OVER w AS prev_period, lag(value) OVER w AS prev_value
      FROM merged WINDOW w AS (PARTITION BY kpi_id ORDER BY period)),
    typical AS (
      SELECT kpi_id, median(abs(value - prev_value)) AS typical_change, count(prev_value) AS changes
      FROM steps GROUP BY kpi_id)
    SELECT s.kpi_id, s.period, s.value, s.prev_period, s.prev_value, t.typical_change, t.changes
    FROM steps s JOIN typical t USING (kpi_id) WHERE s.uploaded
      AND (s.prev_value IS NOT NULL AND (s.prev_value = 0 OR s.value / s.prev_value > ? OR s.value / s.prev_value < ?
                                         OR abs(s.value - s.prev_value) > ? * t.typical_change)
           OR (s.kpi_id, s.period) IN (SELECT kpi_id, CAST(period AS DATE) FROM preview_keys))
"""
_CANDIDATE = """
    SELECT f.*, k.range_max - k.range_min AS span, k.unit, k.frequency,
           (SELECT min(p.idx) FROM parsed p WHERE p.kpi_id = f.kpi_id AND p.period = f.period) AS idx
    FROM plausibility f JOIN kpi k ON k.id = f.kpi_id
    WHERE f.prev_value IS NOT NULL AND (f.prev_value = 0 OR f.value / f.prev_value > ? OR f.value / f.prev_value < ?
          OR abs(f.value - f.prev_value) > ? * f.typical_change)
"""


def _plausibility(con: duckdb.DuckDBPyConnection, result: ImportResult) -> list[Problem]:
    """Flags for implausible new values (kpi.plausibility); the preview gains the previous period's value."""
    from kpi import plausibility
    from kpi.i18n import fmt_value

    step = plausibility.DEFAULT_STEP
    bounds = [step.up, plausibility.SLIP_LOW, step.typical]
    # Speed: only the candidates and the preview's rows are kept (not one row per new or changed value).
    keys = (
        result.preview[["kpi_id", "period"]]
        if result.preview is not None
        else pd.DataFrame({"kpi_id": pd.Series(dtype=object), "period": pd.Series(dtype="datetime64[us]")})
    )
    con.register("preview_keys", keys)
    con.execute(_PLAUSIBILITY_SQL, bounds)
    flags = plausibility.flag_frame(con.execute(_CANDIDATE, bounds).df())
    if result.preview is not None and len(result.preview):
        previous = con.execute("""SELECT f.kpi_id, f.period, f.prev_period, f.prev_value FROM plausibility f
                                  SEMI JOIN preview_keys k ON k.kpi_id = f.kpi_id AND k.period = f.period""").df()
        previous = previous.merge(flags[["kpi_id", "period", "flag"]], how="left", on=["kpi_id", "period"])
        previous["period"] = pd.to_datetime(previous["period"])
        result.preview["period"] = pd.to_datetime(result.preview["period"])
        result.preview = result.preview.merge(previous, how="left", on=["kpi_id", "period"])
    con.unregister("preview_keys")
    con.execute("DROP TABLE IF EXISTS plausibility")
    return [
        Problem(
            result.file_name,
            int(r.idx),
            "value",
            fmt_value(r.value, r.unit or "", "de"),
            r.flag.code,
            r.flag.params,
            r.kpi_id,
        )
        for r in flags.sort_values("idx").itertuples()
    ]


def _apply_plausibility(con: duckdb.DuckDBPyConnection, result: ImportResult, info: dict, confirmed: bool) -> bool:
    """Flag implausible values (kpi.plausibility) among the warnings and in the preview; True when the upload may
    be committed: nothing was flagged, or the flags were confirmed."""
    result.implausible = _plausibility(con, result)
    if "text" in info and result.implausible:
        result.implausible = _relocate(result.implausible, _exact_lines(info["text"], info["delimiter"], set()))
    result.warnings = sorted(result.warnings + result.implausible, key=lambda p: p.row or 0)
    return confirmed or not result.implausible


def _relocate(problems: list[Problem], lines: list[int] | None) -> list[Problem]:
    """Map staging row numbers (row index + 2) to the file's real line numbers."""
    if lines is None:
        return problems
    return [replace(p, row=lines[p.row - 2] if p.row and 0 <= p.row - 2 < len(lines) else p.row) for p in problems]


def _read_upload(path: Path | None, name: str, data: bytes | None = None) -> bytes | ImportResult:
    """The file's bytes (read with a bound), or a result carrying the one problem (unreadable, too large)."""
    try:
        if data is None:
            return reader.read_path(path, MAX_FILE_BYTES)
        reader.check_size(data, MAX_FILE_BYTES)
        return data
    except reader.ReadError as exc:
        return ImportResult(name, "", problems=_read_problem(name, exc).problems, problem_count=1)


def import_file(
    store: Store,
    path: str | Path | None = None,
    *,
    data: bytes | None = None,
    dry_run: bool = False,
    user: str | None = None,
    file_name: str | None = None,
    today: date | None = None,
    confirm_implausible: bool = False,
) -> ImportResult:
    """Validate a measurement file (a path, or its bytes as uploaded) and, unless dry_run or a problem is found,
    commit it as one upload. Implausible values (kpi.plausibility) are committed only with
    `confirm_implausible`."""
    name = file_name or (Path(path).name if path is not None else "upload.csv")
    data = _read_upload(Path(path) if path is not None else None, name, data)
    if isinstance(data, ImportResult):
        return data
    return _run(
        store,
        name,
        data,
        lambda con: _stage_file(con, data, name),
        dry_run,
        user,
        today,
        kind="measurements",
        confirm_implausible=confirm_implausible,
    )


def import_frame(
    store: Store,
    frame: pd.DataFrame,
    *,
    name: str,
    kind: str = "measurements",
    user: str | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> ImportResult:
    """Import rows already in memory (kpi_id, period, value[, comment, source, recorded_at]), e.g. the demo data."""
    frame = frame.copy()
    frame["value_num"] = pd.to_numeric(frame.pop("value"), errors="coerce").astype("float64")
    frame["value"] = None
    frame["period"] = frame["period"].map(lambda p: p.isoformat() if isinstance(p, date) else str(p))
    frame.insert(0, "line", range(2, len(frame) + 2))
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values.tobytes()).hexdigest()

    def stage(con: duckdb.DuckDBPyConnection) -> tuple[str, dict]:
        con.register("frame_rows", frame)
        con.execute("CREATE TEMP TABLE staging AS SELECT * FROM frame_rows ORDER BY line")
        con.unregister("frame_rows")
        return "english", {}

    return _run(store, name, None, stage, dry_run, user, today, kind=kind, digest=digest)


def _file_kind(data: bytes, name: str) -> str:
    try:
        return reader.check_kind(data, name)
    except reader.ReadError as exc:
        raise _read_problem(name, exc) from exc


def _stage_file(con: duckdb.DuckDBPyConnection, data: bytes, name: str) -> tuple[str, dict]:
    if _file_kind(data, name) == "xlsx":
        return "german", _stage_xlsx(con, data, name)
    return _stage_csv(con, data, name)


def _fail(result: ImportResult, code: str, **params: object) -> ImportResult:
    result.problems = [Problem(result.file_name, None, None, None, code, params)]
    result.problem_count = 1
    result.upload_id = None
    return result


def _run(
    store: Store,
    name: str,
    data: bytes | None,
    stage,
    dry_run: bool,
    user: str | None,
    today: date | None,
    *,
    kind: str,
    digest: str | None = None,
    confirm_implausible: bool = True,
) -> ImportResult:
    result = ImportResult(name, digest or hashlib.sha256(data or b"").hexdigest(), dry_run=dry_run)
    today = today or date.today()
    info: dict = {}
    try:
        with _writing(store) as (con, conn):
            try:
                number_style, info = stage(con)
                _validate(con, number_style, today)
            except _Rejected as rejected:
                result.problems, result.problem_count = rejected.problems, len(rejected.problems)
                return result
            except duckdb.Error as exc:
                return _fail(result, "file.unreadable", detail=str(exc).splitlines()[0])
            if conn is not None:
                _mirror_current(conn, con)
            if _check(con, result, info, today, confirm_implausible):
                _commit(con, result, kind, user, conn)
            _drop_work_tables(con)
    except (duckdb.Error, sa.exc.SQLAlchemyError, OSError, *DRIVER_ERRORS) as exc:
        # A database fault is not the file's fault, but the user still needs to know nothing was written.
        return _fail(result, "store.error", detail=str(exc).splitlines()[0])
    finally:
        if info.get("cleanup"):
            shutil.rmtree(Path(info["cleanup"]).parent, ignore_errors=True)
    return result


def _drop_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The check's temporary tables (and `incoming`, a table or a view) gone, for the next file on `con`."""
    views = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()}
    for table in ("checked", "staging", "parsed", "suspect", "incoming", "cur", "diff"):
        con.execute(f"DROP {'VIEW' if table in views else 'TABLE'} IF EXISTS {table}")


def _check(
    con: duckdb.DuckDBPyConnection, result: ImportResult, info: dict, today: date, confirm_implausible: bool = True
) -> bool:
    """Problems, diff, warnings and preview of the staged file; True when it may be committed."""
    name = result.file_name
    rejects = _csv_rejects(con, name) if "text" in info else []
    result.not_filled, filled = con.execute(
        "SELECT count(*) FILTER (WHERE not_filled), count(*) FILTER (WHERE NOT not_filled) FROM parsed"
    ).fetchone()
    if result.not_filled:
        con.execute("DELETE FROM parsed WHERE not_filled")
    result.rows = filled + len(rejects)
    if result.rows == 0:
        if result.not_filled:
            _fail(result, "file.no_values", n=result.not_filled)
        else:
            _fail(result, "file.no_rows")
        return False
    _incoming(con)
    problems, total = _problems(con, name, MAX_PROBLEMS)
    lines = None
    if (problems or rejects) and "text" in info:
        lines = _exact_lines(info["text"], info["delimiter"], {p.row for p in rejects})
    result.problems = sorted(rejects + _relocate(problems, lines), key=lambda p: p.row or 0)
    result.problem_count = total + len(rejects)
    if result.problems:
        return False
    con.execute(_CURRENT_SQL)
    con.execute(_DIFF_SQL)
    counts = dict(con.execute("SELECT change, count(*) FROM diff GROUP BY change").fetchall())
    result.new, result.changed, result.unchanged = (counts.get(k, 0) for k in ("new", "changed", "unchanged"))
    result.warnings = _warnings(con, name, today)
    if "text" in info and result.warnings:
        result.warnings = _relocate(result.warnings, _exact_lines(info["text"], info["delimiter"], set()))
    result.preview = con.execute(
        """SELECT kpi_id, period, old_value, value AS new_value, comment, quality, change FROM diff
           ORDER BY CASE change WHEN 'changed' THEN 0 WHEN 'new' THEN 1 ELSE 2 END, kpi_id, period
           LIMIT 5000"""
    ).df()
    return _apply_plausibility(con, result, info, confirm_implausible) and not result.dry_run


@contextmanager
def _writing(store: Store) -> Iterator[tuple[duckdb.DuckDBPyConnection, sa.Connection | None]]:
    """The DuckDB connection the file is checked in, and the store's write transaction when the store is not
    that DuckDB (PostgreSQL: an in-memory DuckDB with copies of the catalog tables, kpi.pgstore)."""
    if store.is_duckdb:
        with store.duck_writing() as con:
            yield con, None
        return
    from kpi import pgstore

    with store.writing() as conn, pgstore.staging(conn, (kpi_t, target_t)) as con:
        yield con, conn


def _mirror_current(conn: sa.Connection, con: duckdb.DuckDBPyConnection) -> None:
    """Copy the current revisions of the file's KPIs from the store (read under its write lock) into `con`."""
    from kpi import pgstore
    from kpi.store import measurement_t

    kpi_ids = [r[0] for r in con.execute("SELECT DISTINCT kpi_id FROM parsed WHERE kpi_id IS NOT NULL").fetchall()]
    pgstore.mirror(conn, con, measurement_t, latest_sql("measurement", where="kpi_id = ANY(?)"), [kpi_ids])


_COMMIT_COLUMNS = (
    "kpi_id",
    "period",
    "value",
    "comment",
    "source",
    "quality",
    "upload_id",
    "recorded_at",
    "recorded_by",
)


def _commit(
    con: duckdb.DuckDBPyConnection, result: ImportResult, kind: str, user: str | None, conn: sa.Connection | None = None
) -> None:
    if conn is not None:
        _commit_copy(con, conn, result, kind, user)
        return
    moment = Store.moment(con)
    upload_id = con.execute(
        """INSERT INTO upload (id, kind, file_name, sha256, username, created_at, n_new, n_changed,
                               n_unchanged, state)
           VALUES (nextval('upload_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, 'committed') RETURNING id""",
        [kind, result.file_name, result.sha256, user, moment, result.new, result.changed, result.unchanged],
    ).fetchone()[0]
    con.execute(
        """INSERT INTO measurement (kpi_id, period, value, comment, source, quality, upload_id, recorded_at,
                                    recorded_by)
           SELECT d.kpi_id, d.period, d.value, coalesce(d.comment, d.old_comment),
                  coalesce(d.source, d.old_source, k.source), d.quality, ?, coalesce(d.recorded_at, ?), ?
           FROM diff d LEFT JOIN kpi k ON k.id = d.kpi_id WHERE d.change <> 'unchanged'""",
        [upload_id, moment, user],
    )
    result.upload_id = upload_id


def _commit_copy(
    con: duckdb.DuckDBPyConnection, conn: sa.Connection, result: ImportResult, kind: str, user: str | None
) -> None:
    """The same rows as `_commit`, written to the store's transaction `conn` with one COPY."""
    from kpi import pgstore
    from kpi.store import upload_t

    moment = Store.moment(conn)
    upload_id = int(
        conn.execute(
            upload_t.insert().returning(upload_t.c.id),
            [
                dict(
                    kind=kind,
                    file_name=result.file_name,
                    sha256=result.sha256,
                    username=user,
                    created_at=moment,
                    n_new=result.new,
                    n_changed=result.changed,
                    n_unchanged=result.unchanged,
                    state="committed",
                )
            ],
        ).scalar_one()
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE outgoing AS
           SELECT kpi_id, period, value, coalesce(comment, old_comment) AS comment,
                  coalesce(source, old_source, (SELECT k.source FROM kpi k WHERE k.id = diff.kpi_id)) AS source,
                  quality, CAST(? AS INTEGER) AS upload_id, coalesce(recorded_at, CAST(? AS TIMESTAMP)) AS recorded_at,
                  CAST(? AS VARCHAR) AS recorded_by
           FROM diff WHERE change <> 'unchanged'""",
        [upload_id, moment, user],
    )
    pgstore.copy_from_duck(con, "outgoing", conn, "measurement", _COMMIT_COLUMNS)
    con.execute("DROP TABLE outgoing")
    result.upload_id = upload_id


# -- measure updates: state, progress and comment per measure, same flow and result types ------

MEASURE_COLUMN_ALIASES = {
    "measure_id": {
        "maßnahme",
        "massnahme",
        "maßnahme_id",
        "massnahme_id",
        "maßnahmen-nr",
        "nr",
        "measure",
        "measure_id",
        "id",
    },
    "state": {"status", "state", "stand", "zustand"},
    "progress": {"fortschritt", "fortschritt_%", "fortschritt_(%)", "fortschritt_in_%", "progress", "progress_%"},
    "comment": {"kommentar", "comment", "bemerkung", "anmerkung"},
}
MEASURE_REQUIRED = ("measure_id", "state", "progress")
# The templates' sheet names in either language (kpi.templates), found before any other sheet of a workbook.
MEASUREMENT_SHEETS = TEXTS["template.sheet.measurements"]
MEASURE_SHEETS = (*TEXTS["template.sheet.measures"], "Massnahmen")


def _state_aliases() -> dict[str, str]:
    from kpi.i18n import MEASURE_STATES

    aliases = {}
    for code, labels in MEASURE_STATES.items():
        for text in (code, code.replace("_", " "), labels["de"], labels["en"]):
            aliases[" ".join(text.lower().split())] = code
    aliases["verzoegert"] = aliases["verzögert"] = "verzoegert"
    return aliases


def _parse_progress(raw: object) -> float | None:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = str(raw or "").replace("%", "").replace("\u00a0", "").replace(" ", "").strip()
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _measure_columns(header: list[str], name: str) -> list[str]:
    return _canonical_columns(header, name, MEASURE_COLUMN_ALIASES, MEASURE_REQUIRED, "header.expected.measures")


def _read_measure_csv(data: bytes, name: str) -> list[tuple[int, dict]]:
    checked = _read_csv(data, name, records=True)
    records, delimiter = checked.records, checked.delimiter
    columns = _measure_columns(records[0][1], name)
    needed = len([c for c in columns if not c.startswith("extra_")])
    rows, problems = [], []
    for line, record in records[1:]:
        if len(record) != len(columns) and any(c.strip() for c in record[len(columns) :]) or len(record) < needed:
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    delimiter.join(record)[:80],
                    "row.columns",
                    {
                        "detail": {
                            "code": "row.columns.counts",
                            "params": {"expected": len(columns), "found": len(record)},
                        }
                    },
                )
            )
            continue
        rows.append((line, dict(zip(columns, record))))
    if problems:
        raise _Rejected(problems)
    return rows


def _read_measure_xlsx(data: bytes, name: str) -> list[tuple[int, dict]]:
    sheet = _read_sheet(data, name, MEASURE_SHEETS)
    if not sheet.rows:
        raise _file_problem(name, "sheet.empty", sheet=sheet.title)
    columns = _measure_columns([_cell_text(v) or "" for v in sheet.rows[0][1]], f"{name} [{sheet.title}]")
    records = []
    for line, values in sheet.rows[1:]:
        record = {}
        for index, (col, value) in enumerate(zip(columns, values)):
            # A cell formatted as percent holds 0.75 for "75 %".
            if col == "progress" and (line, index) in sheet.percent:
                value = value * 100
            record[col] = value if col == "progress" and isinstance(value, (int, float)) else _cell_text(value)
        records.append((line, record))
    return records


def _read_measure_file(data: bytes, name: str) -> list[tuple[int, dict]]:
    if _file_kind(data, name) == "xlsx":
        return _read_measure_xlsx(data, name)
    return _read_measure_csv(data, name)


def import_measures(
    store: Store,
    path: str | Path | None = None,
    *,
    data: bytes | None = None,
    dry_run: bool = False,
    user: str | None = None,
    file_name: str | None = None,
    restrict_unit: str | None = None,
) -> ImportResult:
    """Validate a measure-update file (Maßnahme;Status;Fortschritt;Kommentar; a path or its bytes) and, unless
    dry_run or a problem is found, commit it as one upload. `restrict_unit`: only measures of that responsible
    unit may appear (a department's own upload)."""
    name = file_name or (Path(path).name if path is not None else "upload.csv")
    data = _read_upload(Path(path) if path is not None else None, name, data)
    if isinstance(data, ImportResult):
        return data
    result = ImportResult(name, hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        records = _read_measure_file(data, name)
    except _Rejected as rejected:
        result.problems, result.problem_count = rejected.problems, len(rejected.problems)
        return result
    return _import_measure_records(store, result, records, user=user, restrict_unit=restrict_unit)


def record_measure_update(
    store: Store,
    measure_id: str,
    state: str,
    progress: float,
    comment: str | None,
    *,
    user: str | None,
    restrict_unit: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """One measure's update typed in a form: the same checks, diff and audit trail as a file."""
    record = {"measure_id": measure_id, "state": state, "progress": progress, "comment": comment}
    digest = hashlib.sha256(repr(sorted(record.items())).encode()).hexdigest()
    result = ImportResult(f"Formular {measure_id}", digest, dry_run=dry_run)
    return _import_measure_records(store, result, [(2, record)], user=user, restrict_unit=restrict_unit)


def _measure_row_problems(
    name: str, line: int, record: dict, catalog: dict, states: dict, restrict_unit: str | None
) -> tuple[list[Problem], tuple | None]:
    """The problems of one measure row, and the parsed row when there are none."""
    mid_raw = str(record.get("measure_id") or "").strip()
    mid = mid_raw.upper()
    state_raw = str(record.get("state") or "").strip()
    progress_raw = record.get("progress")
    comment = str(record.get("comment") or "").strip() or None
    problems = []

    def problem(column: str, value: str | None, code: str, **params: object) -> None:
        problems.append(Problem(name, line, column, value, code, params))

    if not mid:
        problem("measure_id", mid_raw, "measure.missing")
    elif mid not in catalog:
        problem("measure_id", mid_raw, "measure.unknown")
    elif restrict_unit is not None and catalog[mid]["responsible"] != restrict_unit:
        problem(
            "measure_id",
            mid_raw,
            "measure.not_permitted",
            measure=mid,
            owner=catalog[mid]["responsible"] or "–",
            unit=restrict_unit,
        )
    state = states.get(" ".join(state_raw.lower().split()))
    if not state_raw:
        problem("state", state_raw, "state.missing")
    elif state is None:
        problem("state", state_raw, "state.unknown")
    progress = _parse_progress(progress_raw)
    shown = "" if progress_raw is None else str(progress_raw)
    if progress_raw is None or not str(progress_raw).strip():
        problem("progress", shown, "progress.missing")
    elif progress is None:
        problem("progress", shown, "progress.format")
    elif not 0 <= progress <= 100:
        problem("progress", shown, "progress.out_of_range")
    if comment and len(comment) > MAX_COMMENT_CHARS:
        problem("comment", comment[:40] + "…", "comment.too_long", limit=MAX_COMMENT_CHARS)
    elif comment and reader.has_control(comment):
        problem("comment", None, "text.control_char")
    return problems, None if problems else (line, mid, state, float(progress), comment, mid_raw)


def _measure_conflicts(name: str, by_measure: dict[str, list[tuple]]) -> list[Problem]:
    return [
        Problem(name, line, "measure_id", raw, "measure.conflict", {"measure": mid})
        for mid, items in by_measure.items()
        if len({(s, p, c) for _, _, s, p, c, _ in items}) > 1
        for line, _, _, _, _, raw in items
    ]


def _measure_change(old: dict | None, state: str, progress: float, comment: str | None) -> str:
    if old is None:
        return "new"
    if (
        old["state"] != state
        or abs(float(old["progress"]) - progress) > 1e-9
        or (comment is not None and comment != old["comment"])
    ):
        return "changed"
    return "unchanged"


def _measure_warnings(name: str, line: int, mid: str, state: str, progress: float, old: dict | None) -> list[Problem]:
    warnings = []
    if state == "abgeschlossen" and progress < 100:
        warnings.append(
            Problem(
                name, line, "progress", f"{progress:g}", "progress.incomplete", {"measure": mid, "progress": progress}
            )
        )
    if progress >= 100 and state != "abgeschlossen":
        warnings.append(Problem(name, line, "state", state, "state.not_closed", {"measure": mid}))
    if old is not None and progress < float(old["progress"]):
        warnings.append(
            Problem(
                name,
                line,
                "progress",
                f"{progress:g}",
                "progress.falls",
                {"measure": mid, "before": float(old["progress"]), "after": progress},
            )
        )
    return warnings


def _import_measure_records(
    store: Store, result: ImportResult, records: list[tuple[int, dict]], *, user: str | None, restrict_unit: str | None
) -> ImportResult:
    try:
        return _measure_records(store, result, records, user=user, restrict_unit=restrict_unit)
    except (duckdb.Error, sa.exc.SQLAlchemyError, OSError, *DRIVER_ERRORS) as exc:
        # Not the file's fault; the transaction was rolled back, and the user is told so.
        return _fail(result, "store.error", detail=str(exc).splitlines()[0])


def _measure_records(
    store: Store, result: ImportResult, records: list[tuple[int, dict]], *, user: str | None, restrict_unit: str | None
) -> ImportResult:
    from kpi.store import measure_t, measure_update_t

    name = result.file_name
    result.rows = len(records)
    if not records:
        return _fail(result, "file.no_rows")
    states = _state_aliases()
    with store.writing() as conn:
        catalog = {
            r["id"]: r
            for r in conn.execute(sa.select(measure_t.c.id, measure_t.c.title, measure_t.c.responsible)).mappings()
        }
        current = {
            r["measure_id"]: r
            for r in conn.execute(
                sa.text(f"SELECT measure_id, state, progress, comment FROM ({latest_sql('measure_update')}) AS latest")
            ).mappings()
        }
        problems: list[Problem] = []
        by_measure: dict[str, list[tuple]] = {}
        for line, record in records:
            row_problems, item = _measure_row_problems(name, line, record, catalog, states, restrict_unit)
            problems += row_problems
            if item is not None:
                by_measure.setdefault(item[1], []).append(item)
        problems += _measure_conflicts(name, by_measure)
        problems.sort(key=lambda p: p.row or 0)
        result.problem_count = len(problems)
        result.problems = problems[:MAX_PROBLEMS]
        if problems:
            return result
        rows, warnings = [], []
        for mid, items in by_measure.items():
            line, _, state, progress, comment, _ = items[0]
            old = current.get(mid)
            rows.append(
                dict(
                    measure_id=mid,
                    title=catalog[mid]["title"],
                    old_state=old["state"] if old else None,
                    new_state=state,
                    old_progress=float(old["progress"]) if old else None,
                    new_progress=progress,
                    comment=comment,
                    change=_measure_change(old, state, progress, comment),
                )
            )
            warnings += _measure_warnings(name, line, mid, state, progress, old)
        order = {"changed": 0, "new": 1, "unchanged": 2}
        rows.sort(key=lambda r: (order[r["change"]], r["measure_id"]))
        result.preview = pd.DataFrame(
            rows,
            columns=[
                "measure_id",
                "title",
                "old_state",
                "new_state",
                "old_progress",
                "new_progress",
                "comment",
                "change",
            ],
        )
        result.warnings = sorted(warnings, key=lambda p: p.row or 0)
        counts = result.preview["change"].value_counts()
        result.new, result.changed, result.unchanged = (int(counts.get(k, 0)) for k in ("new", "changed", "unchanged"))
        if result.dry_run:
            return result
        moment = store.moment(conn)
        upload_id = store.record_upload(
            conn,
            kind="measures",
            file_name=name,
            sha256=result.sha256,
            username=user,
            created_at=moment,
            n_new=result.new,
            n_changed=result.changed,
            n_unchanged=result.unchanged,
        )
        written = [r for r in rows if r["change"] != "unchanged"]
        if written:
            conn.execute(
                measure_update_t.insert(),
                [
                    dict(
                        measure_id=r["measure_id"],
                        state=r["new_state"],
                        progress=r["new_progress"],
                        comment=r["comment"],
                        upload_id=upload_id,
                        recorded_at=moment,
                        recorded_by=user,
                    )
                    for r in written
                ],
            )
        result.upload_id = upload_id
    return result
