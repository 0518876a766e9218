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
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from kpi.store import Store, now

MAX_FILE_BYTES = int(float(os.environ.get("KPI_MAX_FILE_MB", "100")) * 1024 * 1024)
MAX_PROBLEMS = 1000
JUMP_WARNING_RATIO = 0.5  # a change of more than 50 % against the previous value is worth a second look

COLUMN_ALIASES = {
    "kpi_id": {"kpi_id", "kpi", "kennzahl", "kennzahl_id", "kennzahl-id", "kennzahlid", "id"},
    "period": {"period", "zeitraum", "periode", "stichtag", "datum", "date"},
    "value": {"value", "wert", "istwert", "ist-wert", "ist"},
    "comment": {"comment", "kommentar", "bemerkung", "anmerkung"},
    "source": {"source", "quelle", "datenquelle"},
}
REQUIRED = ("kpi_id", "period", "value")
COLUMN_LABELS = {"kpi_id": "Kennzahl", "period": "Zeitraum", "value": "Wert", "comment": "Kommentar",
                 "source": "Quelle"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file, located as precisely as possible."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", Zeile {self.row}"
        if self.column:
            where += f", Spalte {self.column}"
        shown = f" ('{self.value}')" if self.value not in (None, "") else ""
        return f"{where}{shown}: {self.message}"


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

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def committed(self) -> bool:
        return self.upload_id is not None

    def summary(self) -> str:
        state = "Probelauf" if self.dry_run else ("übernommen" if self.committed else "nicht übernommen")
        return (f"{self.file_name}: {self.rows} Zeilen, new={self.new} changed={self.changed} "
                f"unchanged={self.unchanged}, {self.problem_count} Fehler, {len(self.warnings)} Hinweise ({state})")


class _Rejected(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


# -- reading files into the staging table ----------------------------------------------------

def _file_problem(name: str, message: str) -> _Rejected:
    return _Rejected([Problem(name, None, None, None, message)])


def _canonical_columns(header: list[str], name: str, aliases: dict[str, set[str]] | None = None,
                       labels: dict[str, str] | None = None, required: tuple[str, ...] = REQUIRED,
                       expected: str = "Kennzahl;Zeitraum;Wert[;Kommentar;Quelle] oder kpi_id;period;value"
                                       "[;comment;source]") -> list[str]:
    """Map a header row to canonical column names (German or English); unknown columns become extra_N."""
    aliases, labels = aliases or COLUMN_ALIASES, labels or COLUMN_LABELS
    columns, seen = [], set()
    for i, raw in enumerate(header):
        key = str(raw or "").strip().strip('"').lower().replace(" ", "_")
        canonical = next((c for c, names in aliases.items() if key in names), None)
        if canonical is None or canonical in seen:
            canonical = f"extra_{i}"
        seen.add(canonical)
        columns.append(canonical)
    missing = [labels[c] for c in required if c not in seen]
    if missing:
        raise _Rejected([Problem(name, 1, None, ";".join(str(h) for h in header)[:120],
                                 "Kopfzeile unvollständig: es fehlt " + ", ".join(missing)
                                 + f" (erwartet {expected})")])
    return columns


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise _file_problem(name, "keine Textdatei (Binärdaten): erwartet CSV oder XLSX")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff_header(text: str, name: str) -> tuple[str, str]:
    """The first non-empty line and the delimiter it uses (; , or tab)."""
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    if not first:
        raise _file_problem(name, "die Datei ist leer")
    delimiter = max([";", ",", "\t"], key=first.count)
    if first.count(delimiter) == 0:
        raise _file_problem(name, "keine Tabelle erkannt: erwartet Spalten getrennt durch ; oder ,")
    return first, delimiter


def _stage_csv(con: duckdb.DuckDBPyConnection, path: Path, data: bytes, name: str) -> tuple[str, dict]:
    text, encoding = _decode(data, name)
    first, delimiter = _sniff_header(text, name)
    header = next(csv.reader([first], delimiter=delimiter))
    columns = _canonical_columns(header, name)
    source = path
    if encoding != "utf-8":
        # DuckDB reads UTF-8 (and Latin-1, which differs from Windows-1252 in € and quotes): transcode.
        tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False)
        with tmp:
            tmp.write(text)
        source = Path(tmp.name)
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    con.execute(
        f"""CREATE TEMP TABLE staging AS SELECT row_number() OVER () + 1 AS line, * FROM read_csv('{str(source).replace("'", "''")}',
            delim='{delimiter}', header=true, quote='"', escape='"', store_rejects=true, auto_detect=false,
            columns={{{', '.join(f"'{c}': 'VARCHAR'" for c in columns)}}})"""
    )
    return ("german" if delimiter in ";\t" else "english"), {
        "text": text, "delimiter": delimiter, "cleanup": source if source is not path else None}


def _csv_rejects(con: duckdb.DuckDBPyConnection, name: str) -> list[Problem]:
    """Rows DuckDB's reader could not take (wrong column count, broken quoting)."""
    rejects = con.execute(
        "SELECT line, column_name, csv_line, error_type, error_message FROM reject_errors ORDER BY line"
    ).fetchall()
    problems = [
        Problem(name, int(line), COLUMN_LABELS.get(col or "", col), (csv_line or "").strip()[:80],
                "falsche Anzahl Spalten" if "COLUMNS" in etype else emsg)
        for line, col, csv_line, etype, emsg in rejects
    ]
    # de-duplicate: DuckDB reports one reject per surplus column
    return list({(p.row, p.message): p for p in problems}.values())


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


def _stage_xlsx(con: duckdb.DuckDBPyConnection, data: bytes, name: str) -> dict:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        raise _file_problem(name, f"XLSX nicht lesbar ({type(exc).__name__}): erwartet eine Excel-Arbeitsmappe") from exc
    sheet = book["Messwerte"] if "Messwerte" in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header, header_row = None, 0
    for header_row, cells in enumerate(rows, start=1):
        if any(c not in (None, "") for c in cells):
            header = [_cell_text(c) or "" for c in cells]
            break
    if header is None:
        raise _file_problem(name, f"das Blatt '{sheet.title}' ist leer")
    columns = _canonical_columns(header, f"{name} [{sheet.title}]")
    records = []
    for line, cells in enumerate(rows, start=header_row + 1):
        if all(c in (None, "") for c in cells):
            continue
        cells = list(cells) + [None] * (len(columns) - len(cells))
        record = {"line": line, "value_num": None}
        for col, cell in zip(columns, cells):
            if col == "value" and isinstance(cell, (int, float)) and not isinstance(cell, bool):
                record["value_num"] = float(cell)
            record[col] = _cell_text(cell)
        records.append(record)
    book.close()
    frame = pd.DataFrame.from_records(records, columns=["line", "value_num", *columns]).astype(
        {c: "object" for c in columns})
    frame["value_num"] = frame["value_num"].astype("float64")
    con.register("xlsx_rows", frame)
    con.execute("CREATE TEMP TABLE staging AS SELECT * FROM xlsx_rows ORDER BY line")
    con.unregister("xlsx_rows")
    return {}


def _exact_lines(text: str, delimiter: str, rejected: set[int]) -> list[int] | None:
    """File line of each record DuckDB kept, in order: only needed when problems are reported.
    None when every record is one line and none was skipped (the row number is then the line)."""
    if not rejected and '"' not in text and "\n\n" not in text.replace("\r\n", "\n"):
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

_NUMBER = {
    "german": (r"[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?", "replace(replace(v, '.', ''), ',', '.')"),
    "english": (r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?", "replace(v, ',', '')"),
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

_FREQ_LABEL = {"yearly": "jährlich", "half_yearly": "halbjährlich", "quarterly": "quartalsweise", "monthly": "monatlich",
               **{f"every_{n}_years": f"alle {n} Jahre" for n in (2, 3, 4, 5, 6, 10)}}
_GRAN_LABEL = {"yearly": "ein Jahr", "half_yearly": "ein Halbjahr", "quarterly": "ein Quartal", "monthly": "ein Monat"}


def _validate(con: duckdb.DuckDBPyConnection, number_style: str) -> None:
    """Turn the staged text into typed rows (NULL where unreadable) joined with the KPI catalog."""
    pattern, convert = _NUMBER[number_style]
    value_num = "value_num" if _has_column(con, "value_num") else "NULL::DOUBLE"
    line = "line"
    comment = "comment" if _has_column(con, "comment") else "NULL"
    source = "source" if _has_column(con, "source") else "NULL"
    recorded = "recorded_at" if _has_column(con, "recorded_at") else "NULL::TIMESTAMP"
    # Periods are parsed once per distinct text (a file has a few hundred, not a million).
    con.execute(
        f"""CREATE TEMP TABLE parsed AS
        WITH s AS (
          SELECT {line} AS idx, trim(coalesce(kpi_id, '')) AS kpi_raw, period AS period_raw, value AS value_raw,
                 trim(coalesce(period, '')) AS p,
                 replace(replace(replace(trim(coalesce(value, '')), ' ', ''), '%', ''), chr(160), '') AS v,
                 {value_num} AS value_num,
                 nullif(trim({comment}), '') AS comment, nullif(trim({source}), '') AS source,
                 {recorded} AS recorded_at
          FROM staging),
        periods AS (SELECT p, {_PERIOD_SQL} AS per FROM (SELECT DISTINCT p FROM s)),
        kpis AS (SELECT kpi_raw, k.* FROM (SELECT DISTINCT kpi_raw FROM s) d LEFT JOIN kpi k ON k.id = upper(d.kpi_raw))
        SELECT s.idx, s.kpi_raw, k.id AS kpi_id, k.frequency, k.range_min, k.range_max, k.unit,
               s.period_raw, s.value_raw, pr.per.g AS granularity,
               CASE WHEN pr.per.g = 'date' THEN
                 CASE regexp_replace(k.frequency, '^every_.*', 'yearly') WHEN 'yearly' THEN make_date(year(pr.per.d), 12, 31)
                   WHEN 'half_yearly' THEN last_day(make_date(year(pr.per.d), 6 * ((month(pr.per.d) + 5) // 6), 1))
                   WHEN 'quarterly' THEN last_day(make_date(year(pr.per.d), 3 * quarter(pr.per.d), 1))
                   ELSE last_day(pr.per.d) END
               ELSE pr.per.d END AS period,
               coalesce(s.value_num,
                        CASE WHEN regexp_full_match(s.v, '{pattern}') THEN CAST({convert} AS DOUBLE) END) AS value,
               s.comment, s.source, s.recorded_at
        FROM s JOIN periods pr USING (p) JOIN kpis k USING (kpi_raw)"""
    )


def _has_column(con: duckdb.DuckDBPyConnection, column: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'staging' AND column_name = ?", [column]
    ).fetchone()[0])
def _de(expr: str) -> str:
    """SQL for a number as German text in messages: decimal comma, no trailing `,0`."""
    return f"replace(regexp_replace(CAST({expr} AS VARCHAR), '\\.0$', ''), '.', ',')"


_PROBLEMS_SQL = f"""
    SELECT idx, 'Kennzahl', kpi_raw, 'Kennzahl fehlt' FROM parsed WHERE kpi_raw = ''
    UNION ALL
    SELECT idx, 'Kennzahl', kpi_raw, 'unbekannte Kennzahl (nicht im Strategiekatalog)'
      FROM parsed WHERE kpi_raw <> '' AND kpi_id IS NULL
    UNION ALL
    SELECT idx, 'Zeitraum', period_raw,
           CASE WHEN coalesce(trim(period_raw), '') = '' THEN 'Zeitraum fehlt'
                ELSE 'Zeitraum nicht lesbar (erwartet z. B. 2024, 2024-Q3, Q3/2024, 2024-09, 09/2024 oder 31.12.2024)' END
      FROM parsed WHERE period IS NULL
    UNION ALL
    SELECT idx, 'Zeitraum', period_raw,
           'Zeitraum ist ' || CASE granularity {' '.join(f"WHEN '{g}' THEN '{label}'" for g, label in _GRAN_LABEL.items())} END
           || ', aber ' || kpi_id || ' wird ' || CASE frequency {' '.join(f"WHEN '{f}' THEN '{label}'" for f, label in _FREQ_LABEL.items())} END
           || ' erhoben'
      FROM parsed WHERE kpi_id IS NOT NULL AND granularity NOT IN ('date')
        AND granularity <> regexp_replace(frequency, '^every_.*', 'yearly')
    UNION ALL
    SELECT idx, 'Wert', value_raw,
           CASE WHEN coalesce(trim(value_raw), '') = '' THEN 'Wert fehlt'
                ELSE 'Wert ist keine Zahl im erwarteten Format (z. B. 1.234,5 in deutschen Dateien, 1234.5 sonst)' END
      FROM parsed WHERE value IS NULL
    UNION ALL
    SELECT idx, 'Wert', value_raw,
           'Wert liegt außerhalb des gültigen Bereichs ' || coalesce({_de('range_min')}, '−∞') || ' bis '
           || coalesce({_de('range_max')}, '∞') || ' für ' || kpi_id
      FROM parsed WHERE value < range_min OR value > range_max OR isnan(value) OR isinf(value)
    UNION ALL
    SELECT p.idx, 'Wert', p.value_raw,
           'widersprüchliche Doppelung: ' || p.kpi_id || ' ' || strftime(p.period, '%d.%m.%Y')
           || ' kommt mehrfach mit verschiedenen Werten oder Kommentaren vor'
      FROM parsed p JOIN incoming i ON i.conflict AND i.kpi_id = p.kpi_id AND i.period = p.period
"""

# One row per (KPI, period); identical repeats collapse, differing ones are flagged as conflicts.
_INCOMING_SQL = """
    CREATE TEMP TABLE incoming AS
    SELECT kpi_id, period, arg_min(value, idx) AS value, arg_min(comment, idx) AS comment,
           arg_min(source, idx) AS source, arg_min(recorded_at, idx) AS recorded_at,
           count(*) > 1 AND (min(value) IS DISTINCT FROM max(value) OR min(comment) IS DISTINCT FROM max(comment)
                             OR count(comment) NOT IN (0, count(*))) AS conflict
    FROM parsed WHERE kpi_id IS NOT NULL AND period IS NOT NULL GROUP BY kpi_id, period
"""

_DIFF_SQL = """
    CREATE TEMP TABLE diff AS
    WITH cur AS (
      SELECT kpi_id, period, value, comment, source FROM measurement
      WHERE kpi_id IN (SELECT DISTINCT kpi_id FROM incoming)
      QUALIFY row_number() OVER (PARTITION BY kpi_id, period ORDER BY recorded_at DESC, upload_id DESC) = 1)
    SELECT i.*, c.value AS old_value, c.comment AS old_comment, c.source AS old_source,
      CASE WHEN c.value IS NULL THEN 'new'
           WHEN c.value <> i.value OR (i.comment IS NOT NULL AND i.comment IS DISTINCT FROM c.comment)
                OR (i.source IS NOT NULL AND i.source IS DISTINCT FROM c.source) THEN 'changed'
           ELSE 'unchanged' END AS change
    FROM incoming i LEFT JOIN cur c USING (kpi_id, period)
"""


def _problems(con: duckdb.DuckDBPyConnection, name: str, limit: int) -> tuple[list[Problem], int]:
    rows = con.execute(
        f"SELECT *, count(*) OVER () FROM ({_PROBLEMS_SQL}) ORDER BY 1, 2 LIMIT {limit}").fetchall()
    total = rows[0][4] if rows else 0
    return [Problem(name, int(idx), column, value, message) for idx, column, value, message, _ in rows], total


def _warnings(con: duckdb.DuckDBPyConnection, name: str, today: date) -> list[Problem]:
    rows = con.execute(
        f"""SELECT min(p.idx), 'Zeitraum', p.period_raw, 'Zeitraum liegt in der Zukunft (endet am '
                  || strftime(d.period, '%d.%m.%Y') || ')'
           FROM diff d JOIN parsed p USING (kpi_id, period) WHERE d.period > ? GROUP BY p.period_raw, d.period
           UNION ALL
           SELECT min(p.idx), 'Wert', p.value_raw, 'auffälliger Sprung: ' || d.kpi_id || ' bisher '
                  || {_de('d.old_value')} || ', neu ' || {_de('d.value')}
           FROM diff d JOIN parsed p USING (kpi_id, period)
           WHERE d.change = 'changed' AND abs(d.value - d.old_value) > ? * greatest(abs(d.old_value), 1e-9)
           GROUP BY p.value_raw, d.kpi_id, d.old_value, d.value
           ORDER BY 1 LIMIT 200""",
        [today, JUMP_WARNING_RATIO],
    ).fetchall()
    return [Problem(name, int(idx), column, value, message) for idx, column, value, message in rows]


def _relocate(problems: list[Problem], lines: list[int] | None) -> list[Problem]:
    """Map staging row numbers (row index + 2) to the file's real line numbers."""
    if lines is None:
        return problems
    return [Problem(p.file, lines[p.row - 2] if p.row and 0 <= p.row - 2 < len(lines) else p.row,
                    p.column, p.value, p.message) for p in problems]


def _read_upload(path: Path, name: str) -> bytes | ImportResult:
    """The file's bytes, or a result carrying the one problem (unreadable, over the size limit)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return ImportResult(name, "", problems=[Problem(name, None, None, None, f"Datei nicht lesbar: {exc.strerror}")],
                            problem_count=1)
    if size > MAX_FILE_BYTES:
        return ImportResult(name, "", problem_count=1, problems=[Problem(
            name, None, None, None,
            f"Datei zu groß ({size / 1048576:.1f} MB; höchstens {MAX_FILE_BYTES / 1048576:.0f} MB)")])
    return path.read_bytes()


def import_file(store: Store, path: str | Path, *, dry_run: bool = False, user: str | None = None,
                file_name: str | None = None, today: date | None = None) -> ImportResult:
    """Validate a measurement file and, unless dry_run or a problem is found, commit it as one upload."""
    path = Path(path)
    name = file_name or path.name
    data = _read_upload(path, name)
    if isinstance(data, ImportResult):
        return data
    return _run(store, name, data, lambda con: _stage_file(con, path, data, name), dry_run, user, today,
                kind="measurements")


def import_frame(store: Store, frame: pd.DataFrame, *, name: str, kind: str = "measurements",
                 user: str | None = None, dry_run: bool = False, today: date | None = None) -> ImportResult:
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


def _stage_file(con: duckdb.DuckDBPyConnection, path: Path, data: bytes, name: str) -> tuple[str, dict]:
    if not data.strip():
        raise _file_problem(name, "die Datei ist leer")
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return "german", _stage_xlsx(con, data, name)
    if path.suffix.lower() not in (".csv", ".txt", ""):
        raise _file_problem(name, f"Dateityp '{path.suffix}' wird nicht unterstützt: erwartet .csv oder .xlsx")
    return _stage_csv(con, path, data, name)


def _run(store: Store, name: str, data: bytes | None, stage, dry_run: bool, user: str | None,
         today: date | None, *, kind: str, digest: str | None = None) -> ImportResult:
    result = ImportResult(name, digest or hashlib.sha256(data or b"").hexdigest(), dry_run=dry_run)
    today = today or date.today()
    info: dict = {}
    try:
        with store.duck() as con:
            try:
                number_style, info = stage(con)
                _validate(con, number_style)
            except _Rejected as rejected:
                result.problems, result.problem_count = rejected.problems, len(rejected.problems)
                return result
            except duckdb.Error as exc:
                result.problems = [Problem(name, None, None, None, f"Datei nicht lesbar: {str(exc).splitlines()[0]}")]
                result.problem_count = 1
                return result
            rejects = _csv_rejects(con, name) if "text" in info else []
            result.rows = con.execute("SELECT count(*) FROM parsed").fetchone()[0] + len(rejects)
            if result.rows == 0:
                result.problems = [Problem(name, None, None, None, "die Datei enthält keine Datenzeilen")]
                result.problem_count = 1
                return result
            con.execute(_INCOMING_SQL)
            problems, total = _problems(con, name, MAX_PROBLEMS)
            lines = None
            if (problems or rejects) and "text" in info:
                lines = _exact_lines(info["text"], info["delimiter"], {p.row for p in rejects})
            result.problems = sorted(rejects + _relocate(problems, lines), key=lambda p: (p.row or 0))
            result.problem_count = total + len(rejects)
            if result.problems:
                con.execute("ROLLBACK; BEGIN")
                return result
            con.execute(_DIFF_SQL)
            counts = dict(con.execute("SELECT change, count(*) FROM diff GROUP BY change").fetchall())
            result.new, result.changed, result.unchanged = (counts.get(k, 0) for k in ("new", "changed", "unchanged"))
            result.warnings = _warnings(con, name, today)
            if "text" in info and result.warnings:
                result.warnings = _relocate(result.warnings, _exact_lines(info["text"], info["delimiter"], set()))
            result.preview = con.execute(
                """SELECT kpi_id, period, old_value, value AS new_value, comment, change FROM diff
                   ORDER BY CASE change WHEN 'changed' THEN 0 WHEN 'new' THEN 1 ELSE 2 END, kpi_id, period
                   LIMIT 5000""").df()
            if dry_run:
                con.execute("ROLLBACK; BEGIN")
                return result
            moment = now()
            upload_id = con.execute(
                """INSERT INTO upload (id, kind, file_name, sha256, username, created_at, n_new, n_changed,
                                       n_unchanged, state)
                   VALUES (nextval('upload_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, 'committed') RETURNING id""",
                [kind, name, result.sha256, user, moment, result.new, result.changed, result.unchanged],
            ).fetchone()[0]
            con.execute(
                """INSERT INTO measurement (kpi_id, period, value, comment, source, upload_id, recorded_at, recorded_by)
                   SELECT kpi_id, period, value, coalesce(comment, old_comment), coalesce(source, old_source),
                          ?, coalesce(recorded_at, ?), ?
                   FROM diff WHERE change <> 'unchanged'""",
                [upload_id, moment, user],
            )
            for table in ("staging", "parsed", "incoming", "diff"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
            result.upload_id = upload_id
    except duckdb.Error as exc:
        # A database fault is not the file's fault, but the user still needs to know nothing was written.
        result.problems = [Problem(name, None, None, None, f"Datenbankfehler, nichts übernommen: {exc}")]
        result.problem_count = 1
        result.upload_id = None
    finally:
        if info.get("cleanup"):
            os.unlink(info["cleanup"])
    return result


# -- measure updates: state, progress and comment per measure, same flow and result types ------

MEASURE_COLUMN_ALIASES = {
    "measure_id": {"maßnahme", "massnahme", "maßnahme_id", "massnahme_id", "maßnahmen-nr", "nr", "measure",
                   "measure_id", "id"},
    "state": {"status", "state", "stand", "zustand"},
    "progress": {"fortschritt", "fortschritt_%", "fortschritt_(%)", "fortschritt_in_%", "progress", "progress_%"},
    "comment": {"kommentar", "comment", "bemerkung", "anmerkung"},
}
MEASURE_REQUIRED = ("measure_id", "state", "progress")
MEASURE_LABELS = {"measure_id": "Maßnahme", "state": "Status", "progress": "Fortschritt", "comment": "Kommentar"}
MEASURE_SHEETS = ("Maßnahmen", "Massnahmen")
MAX_COMMENT_CHARS = 2000


def _state_aliases() -> dict[str, str]:
    from kpi.i18n import MEASURE_STATES

    aliases = {}
    for code, labels in MEASURE_STATES.items():
        for text in (code, code.replace("_", " "), labels["de"], labels["en"]):
            aliases[" ".join(text.lower().split())] = code
    aliases["verzoegert"] = aliases["verzögert"] = "verzoegert"
    return aliases


STATE_HINT = "erlaubt: geplant, in Umsetzung, abgeschlossen, pausiert, verzögert"


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
    return _canonical_columns(header, name, MEASURE_COLUMN_ALIASES, MEASURE_LABELS, MEASURE_REQUIRED,
                              "Maßnahme;Status;Fortschritt;Kommentar")


def _read_measure_csv(data: bytes, name: str) -> list[tuple[int, dict]]:
    text, _encoding = _decode(data, name)
    first, delimiter = _sniff_header(text, name)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns: list[str] | None = None
    records, problems, start = [], [], 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if columns is None:
                columns = _measure_columns(record, name)
                continue
            if len(record) != len(columns) and any(c.strip() for c in record[len(columns):]) \
                    or len(record) < len([c for c in columns if not c.startswith("extra_")]):
                problems.append(Problem(name, line, None, delimiter.join(record)[:80],
                                        f"falsche Anzahl Spalten (erwartet {len(columns)}, gefunden {len(record)})"))
                continue
            records.append((line, dict(zip(columns, record))))
    except csv.Error as exc:
        raise _file_problem(name, f"CSV nicht lesbar: {exc}") from exc
    if problems:
        raise _Rejected(problems)
    return records


def _read_measure_xlsx(data: bytes, name: str) -> list[tuple[int, dict]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        raise _file_problem(name, f"XLSX nicht lesbar ({type(exc).__name__}): erwartet eine Excel-Arbeitsmappe") from exc
    sheet = next((book[s] for s in MEASURE_SHEETS if s in book.sheetnames), book.worksheets[0])
    columns, records = None, []
    for line, cells in enumerate(sheet.iter_rows(), start=1):
        values = [c.value for c in cells]
        if all(v in (None, "") for v in values):
            continue
        if columns is None:
            columns = _measure_columns([_cell_text(v) or "" for v in values], f"{name} [{sheet.title}]")
            continue
        record = {}
        for col, cell in zip(columns, cells):
            value = cell.value
            # A cell formatted as percent holds 0.75 for "75 %".
            if col == "progress" and isinstance(value, (int, float)) and "%" in str(cell.number_format or ""):
                value = value * 100
            record[col] = value if col == "progress" and isinstance(value, (int, float)) else _cell_text(value)
        records.append((line, record))
    book.close()
    if columns is None:
        raise _file_problem(name, f"das Blatt '{sheet.title}' ist leer")
    return records


def _read_measure_file(path: Path, data: bytes, name: str) -> list[tuple[int, dict]]:
    if not data.strip():
        raise _file_problem(name, "die Datei ist leer")
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_measure_xlsx(data, name)
    if path.suffix.lower() not in (".csv", ".txt", ""):
        raise _file_problem(name, f"Dateityp '{path.suffix}' wird nicht unterstützt: erwartet .csv oder .xlsx")
    return _read_measure_csv(data, name)


def import_measures(store: Store, path: str | Path, *, dry_run: bool = False, user: str | None = None,
                    file_name: str | None = None, restrict_unit: str | None = None) -> ImportResult:
    """Validate a measure-update file (Maßnahme;Status;Fortschritt;Kommentar) and, unless dry_run or a problem
    is found, commit it as one upload. `restrict_unit`: only measures of that responsible unit may appear
    (a department's own upload)."""
    path = Path(path)
    name = file_name or path.name
    data = _read_upload(path, name)
    if isinstance(data, ImportResult):
        return data
    result = ImportResult(name, hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        records = _read_measure_file(path, data, name)
    except _Rejected as rejected:
        result.problems, result.problem_count = rejected.problems, len(rejected.problems)
        return result
    return _import_measure_records(store, result, records, user=user, restrict_unit=restrict_unit)


def record_measure_update(store: Store, measure_id: str, state: str, progress: float, comment: str | None, *,
                          user: str | None, restrict_unit: str | None = None,
                          dry_run: bool = False) -> ImportResult:
    """One measure's update typed in a form: the same checks, diff and audit trail as a file."""
    record = {"measure_id": measure_id, "state": state, "progress": progress, "comment": comment}
    digest = hashlib.sha256(repr(sorted(record.items())).encode()).hexdigest()
    result = ImportResult(f"Formular {measure_id}", digest, dry_run=dry_run)
    return _import_measure_records(store, result, [(2, record)], user=user, restrict_unit=restrict_unit)


def _import_measure_records(store: Store, result: ImportResult, records: list[tuple[int, dict]], *,
                            user: str | None, restrict_unit: str | None) -> ImportResult:
    import sqlalchemy as sa

    from kpi.store import measure_t, measure_update_t

    name = result.file_name
    result.rows = len(records)
    if not records:
        result.problems = [Problem(name, None, None, None, "die Datei enthält keine Datenzeilen")]
        result.problem_count = 1
        return result
    states = _state_aliases()
    with store.connect() as conn:
        catalog = {r["id"]: r for r in conn.execute(
            sa.select(measure_t.c.id, measure_t.c.title, measure_t.c.responsible)).mappings()}
        current = {r["measure_id"]: r for r in conn.execute(sa.text(
            """SELECT measure_id, state, progress, comment FROM (
                 SELECT measure_id, state, progress, comment, row_number() OVER (
                   PARTITION BY measure_id ORDER BY recorded_at DESC, upload_id DESC) AS rn
                 FROM measure_update) AS ranked WHERE rn = 1""")).mappings()}
        problems: list[Problem] = []
        parsed: list[tuple[int, str, str, float, str | None, str]] = []
        for line, record in records:
            mid_raw = str(record.get("measure_id") or "").strip()
            mid = mid_raw.upper()
            state_raw = str(record.get("state") or "").strip()
            progress_raw = record.get("progress")
            comment = str(record.get("comment") or "").strip() or None
            row_problems = []
            if not mid:
                row_problems.append(Problem(name, line, "Maßnahme", mid_raw, "Maßnahme fehlt"))
            elif mid not in catalog:
                row_problems.append(Problem(name, line, "Maßnahme", mid_raw,
                                            "unbekannte Maßnahme (nicht im Strategiekatalog)"))
            elif restrict_unit is not None and catalog[mid]["responsible"] != restrict_unit:
                row_problems.append(Problem(
                    name, line, "Maßnahme", mid_raw,
                    f"keine Berechtigung: {mid} liegt bei {catalog[mid]['responsible'] or '–'}, nicht bei "
                    f"{restrict_unit}"))
            state = states.get(" ".join(state_raw.lower().split()))
            if not state_raw:
                row_problems.append(Problem(name, line, "Status", state_raw, f"Status fehlt ({STATE_HINT})"))
            elif state is None:
                row_problems.append(Problem(name, line, "Status", state_raw, f"unbekannter Status ({STATE_HINT})"))
            progress = _parse_progress(progress_raw)
            shown = "" if progress_raw is None else str(progress_raw)
            if progress_raw is None or not str(progress_raw).strip():
                row_problems.append(Problem(name, line, "Fortschritt", shown, "Fortschritt fehlt (0 bis 100)"))
            elif progress is None:
                row_problems.append(Problem(name, line, "Fortschritt", shown,
                                            "Fortschritt ist keine Zahl (erwartet 0 bis 100, z. B. 75 oder 75 %)"))
            elif not 0 <= progress <= 100:
                row_problems.append(Problem(name, line, "Fortschritt", shown,
                                            "Fortschritt muss zwischen 0 und 100 liegen"))
            if comment and len(comment) > MAX_COMMENT_CHARS:
                row_problems.append(Problem(name, line, "Kommentar", comment[:40] + "…",
                                            f"Kommentar ist länger als {MAX_COMMENT_CHARS} Zeichen"))
            problems += row_problems
            if not row_problems:
                parsed.append((line, mid, state, float(progress), comment, mid_raw))
        by_measure: dict[str, list[tuple]] = {}
        for item in parsed:
            by_measure.setdefault(item[1], []).append(item)
        for mid, items in by_measure.items():
            if len({(s, p, c) for _, _, s, p, c, _ in items}) > 1:
                problems += [Problem(name, line, "Maßnahme", raw,
                                     f"widersprüchliche Doppelung: {mid} kommt mehrfach mit verschiedenen Angaben vor")
                             for line, _, _, _, _, raw in items]
        problems.sort(key=lambda p: (p.row or 0))
        result.problem_count = len(problems)
        result.problems = problems[:MAX_PROBLEMS]
        if problems:
            return result
        rows, warnings = [], []
        for mid, items in by_measure.items():
            line, _, state, progress, comment, _ = items[0]
            old = current.get(mid)
            if old is None:
                change = "new"
            elif old["state"] != state or abs(float(old["progress"]) - progress) > 1e-9 or (
                    comment is not None and comment != old["comment"]):
                change = "changed"
            else:
                change = "unchanged"
            rows.append(dict(measure_id=mid, title=catalog[mid]["title"], old_state=old["state"] if old else None,
                             new_state=state, old_progress=float(old["progress"]) if old else None,
                             new_progress=progress, comment=comment, change=change))
            if state == "abgeschlossen" and progress < 100:
                warnings.append(Problem(name, line, "Fortschritt", f"{progress:g}",
                                        f"{mid} ist abgeschlossen, aber der Fortschritt ist nur {progress:g} %"))
            if progress >= 100 and state != "abgeschlossen":
                warnings.append(Problem(name, line, "Status", state,
                                        f"{mid} hat 100 % Fortschritt, ist aber nicht als abgeschlossen gemeldet"))
            if old is not None and progress < float(old["progress"]):
                warnings.append(Problem(name, line, "Fortschritt", f"{progress:g}",
                                        f"Fortschritt von {mid} sinkt von {float(old['progress']):g} % auf "
                                        f"{progress:g} %"))
        order = {"changed": 0, "new": 1, "unchanged": 2}
        rows.sort(key=lambda r: (order[r["change"]], r["measure_id"]))
        result.preview = pd.DataFrame(rows, columns=["measure_id", "title", "old_state", "new_state", "old_progress",
                                                     "new_progress", "comment", "change"])
        result.warnings = sorted(warnings, key=lambda p: (p.row or 0))
        counts = result.preview["change"].value_counts()
        result.new, result.changed, result.unchanged = (int(counts.get(k, 0)) for k in ("new", "changed", "unchanged"))
        if result.dry_run:
            return result
        moment = now()
        upload_id = store.record_upload(conn, kind="measures", file_name=name, sha256=result.sha256, username=user,
                                        created_at=moment, n_new=result.new, n_changed=result.changed,
                                        n_unchanged=result.unchanged)
        written = [r for r in rows if r["change"] != "unchanged"]
        if written:
            conn.execute(measure_update_t.insert(), [dict(
                measure_id=r["measure_id"], state=r["new_state"], progress=r["new_progress"], comment=r["comment"],
                upload_id=upload_id, recorded_at=moment, recorded_by=user) for r in written])
        result.upload_id = upload_id
    return result
