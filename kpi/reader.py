"""The one strict reader for uploaded files (measurements and measure updates): bytes in, text cells out.

Everything a user hands in is checked here before anything else sees it: size (read with a bound, so
`/dev/zero` or a pipe cannot fill the memory), NUL bytes anywhere, one encoding for the whole file
(UTF-8, or Windows-1252 when no UTF-8 sequence occurs: a mixed file is refused), control characters,
CSV quoting (an unclosed quote is an error, never a comment swallowing the rest of the file).

CSV and XLSX files are parsed in a child process with a wall-time and an address-space limit, so that no
file can pin the CPU or take the memory of the web server or the command line. CSV: caps on the rows, the
columns, the line length and the length of one field (a quote left open cannot swallow the file); the child
hands back the checked text (and, for the small measure files, the records). XLSX: caps on the uncompressed
size, the rows, the columns and the shared strings; the declared sheet dimension is never trusted (only rows
and cells actually present are read), hidden sheets are refused. The child hands back plain rows (text,
numbers, None), never the user's path or a pickled frame.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent  # the project folder, for the parsing child's import path

MAX_FILE_BYTES_DEFAULT = 100 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 64 * 1024 * 1024  # all members of the zip together
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
MAX_ROWS = 1_100_000  # CSV; a little over Excel's 1,048,576
MAX_XLSX_ROWS = 200_000
MAX_COLUMNS = 64
MAX_LINE_CHARS = 64 * 1024
SMALL_FILE_BYTES = 1024 * 1024  # a CSV file up to this size gets the csv module's check only
PARSE_SECONDS = 20.0
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the parsing child (virtual, not resident)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x1b]")
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))  # every byte but those of _CONTROL
# A UTF-8 multi-byte sequence: when one occurs in a file that is not valid UTF-8, the file mixes encodings.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class ReadError(Exception):
    """The file cannot be read; `code` and `params` say why (worded per language in kpi.texts.PROBLEMS), and
    `message` in German for scripts."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        **params: object,
    ):
        super().__init__(message)
        self.code, self.message, self.params = code, message, params
        self.row, self.column, self.value = row, column, value


def max_file_bytes() -> int:
    """KPI_MAX_FILE_MB (megabytes); a value that is not a positive number falls back to 100 MB instead of
    breaking every import of this module."""
    raw = os.environ.get("KPI_MAX_FILE_MB", "").strip().replace(",", ".")
    try:
        value = float(raw) if raw else 100.0
    except ValueError:
        value = -1.0
    if not 0 < value <= 1024:
        return MAX_FILE_BYTES_DEFAULT
    return int(value * 1024 * 1024)


def read_path(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, read with a bound (never more than `limit` + 1 bytes, whatever stat says)."""
    limit = max_file_bytes() if limit is None else limit
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("file.not_regular", "keine normale Datei (Gerät, Pipe oder Ordner): erwartet CSV oder XLSX")
        with open(path, "rb") as handle:
            # No buffer of `limit` bytes for a small file; a file that grows while it is read still stops at limit + 1.
            data = handle.read(min(info.st_size, limit) + 1)
            if len(data) > info.st_size:
                data += handle.read(limit + 1 - len(data))
    except OSError as exc:
        raise ReadError("file.unreadable", f"Datei nicht lesbar: {exc.strerror}", detail=exc.strerror) from exc
    check_size(data, limit)
    return data


def check_size(data: bytes, limit: int | None = None) -> None:
    limit = max_file_bytes() if limit is None else limit
    if len(data) > limit:
        raise ReadError(
            "file.too_large",
            f"Datei zu groß (über {limit / 1048576:.0f} MB; höchstens {limit / 1048576:.0f} MB)",
            limit_mb=round(limit / 1048576),
        )


def is_xlsx(data: bytes, name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or Path(name).suffix.lower() in (".xlsx", ".xlsm")


def check_kind(data: bytes, name: str) -> str:
    """ "xlsx" or "csv"; anything else (an empty file, another suffix) is refused."""
    if not data or data.isspace():  # not data.strip(): that would copy a 100 MB file to look at it
        raise ReadError("file.empty", "die Datei ist leer")
    if is_xlsx(data, name):
        return "xlsx"
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".txt", ""):
        raise ReadError(
            "file.type", f"Dateityp '{suffix}' wird nicht unterstützt: erwartet .csv oder .xlsx", suffix=suffix
        )
    return "csv"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes) -> str:
    """The text of a CSV file: strict UTF-8 (BOM allowed), else Windows-1252 when no UTF-8 sequence occurs.
    NUL bytes anywhere, a mixed encoding and control characters are refused with the line they are in."""
    return decode_as(data)[0]


def decode_as(data: bytes) -> tuple[str, str]:
    """`decode`, and the encoding it found ("utf-8-sig" or "cp1252")."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ReadError(
            "file.binary", "keine Textdatei (NUL-Byte, Binärdaten): erwartet CSV oder XLSX", row=_line_of(data, nul)
        )
    encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        sequence = _UTF8_SEQUENCE.search(data)
        if sequence:
            raise ReadError(
                "file.mixed_encoding",
                f"gemischte Zeichenkodierung: Zeile {_line_of(data, sequence.start())} ist UTF-8, Zeile "
                f"{_line_of(data, exc.start)} nicht; bitte einheitlich als UTF-8 speichern",
                row=_line_of(data, exc.start),
                utf8_row=_line_of(data, sequence.start()),
            ) from exc
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc2:
            raise ReadError(
                "file.encoding",
                "unbekannte Zeichenkodierung: bitte als UTF-8 speichern",
                row=_line_of(data, exc2.start),
            ) from exc2
    # Speed: the control characters are ASCII bytes, the same in UTF-8 and Windows-1252 (no multi-byte UTF-8
    # sequence contains a byte below 0x80), so one pass over the bytes (a tenth of the regex's time over the text)
    # tells whether there is one; the regex then finds the first.
    control = _CONTROL.search(text) if data.translate(None, _NOT_CONTROL) else None
    if control:
        raise ReadError(
            "file.control_char",
            f"Steuerzeichen U+{ord(control.group()):04X} in der Datei",
            row=text.count("\n", 0, control.start()) + 1,
            value=f"U+{ord(control.group()):04X}",
            char=f"U+{ord(control.group()):04X}",
        )
    return text, encoding


def has_control(text: str) -> bool:
    return bool(_CONTROL.search(text))


def sniff(text: str) -> tuple[str, str]:
    """The first non-empty line and the delimiter it uses (; , or tab)."""
    first = ""
    for line in text[: MAX_LINE_CHARS + 2].splitlines(keepends=True):
        if line.strip():
            first = line.rstrip("\r\n")
            break
    if len(first) > MAX_LINE_CHARS:
        raise ReadError(
            "file.line_too_long",
            f"die Kopfzeile ist länger als {MAX_LINE_CHARS} Zeichen: keine Tabelle erkannt",
            row=1,
            limit=MAX_LINE_CHARS,
        )
    if not first:
        raise ReadError("file.empty", "die Datei ist leer")
    delimiter = max([";", ",", "\t"], key=first.count)
    if first.count(delimiter) == 0:
        raise ReadError("file.no_table", "keine Tabelle erkannt: erwartet Spalten getrennt durch ; oder ,")
    return first, delimiter


def check_lines(data: bytes, limit: int = MAX_LINE_CHARS, chunk: int = 1 << 22) -> None:
    """Refuse a line longer than `limit` characters before the csv module splits it into fields: a 100,000-column
    row or a 100 MB line is refused without building its cells. numpy over chunks of the bytes: fast and with
    little memory even for a file of a million lines."""
    import numpy as np

    buffer = np.frombuffer(data, dtype=np.uint8)
    last = -1  # offset of the newline before the current line
    for start in range(0, len(buffer), chunk):
        newlines = np.flatnonzero(buffer[start : start + chunk] == 10) + start
        ends = np.append(newlines, min(start + chunk, len(buffer)))  # the last line may run on into the next chunk
        lengths = np.diff(ends, prepend=last) - 1
        for index in np.flatnonzero(lengths > limit):
            end, length = int(ends[index]), int(lengths[index])
            # Bytes, not characters: a UTF-8 character takes up to four; decode only the rare long line to count.
            if length > 4 * limit or len(data[end - length : end].decode("utf-8", errors="replace")) > limit:
                line = _line_of(data, end - length)
                raise ReadError(
                    "file.line_too_long", f"Zeile {line} ist länger als {limit} Zeichen", row=line, limit=limit
                )
        if len(newlines):
            last = int(newlines[-1])


def plain_table(data: bytes, delimiter: str, newlines: int, chunk: int = 1 << 22) -> bool:
    """Whether the file is a plain table that needs no record-by-record check: no quote character (so every line is
    one record), at most MAX_ROWS lines and fewer than MAX_COLUMNS delimiters on every line. Counted with numpy
    over chunks of the bytes (a tenth of the csv module's time); a file that is not plain gets `scan_csv`.
    `newlines`: the count of newline bytes in `data` (the caller has counted them)."""
    import numpy as np

    if b'"' in data or newlines > MAX_ROWS:
        return False
    buffer, mark, carry = np.frombuffer(data, dtype=np.uint8), ord(delimiter), 0
    for start in range(0, len(buffer), chunk):
        part = buffer[start : start + chunk]
        marks = np.flatnonzero(part == mark)
        # Delimiters before each newline, then per line; the last line may run on into the next chunk.
        before = np.append(np.searchsorted(marks, np.flatnonzero(part == 10)), len(marks))
        counts = np.diff(before, prepend=0)
        counts[0] += carry
        if int(counts.max()) >= MAX_COLUMNS:
            return False
        carry = int(counts[-1])
    return True


def scan_csv(lines: Iterable[str], delimiter: str, *, keep: bool = True) -> list[tuple[int, list[str]]]:
    """Every non-empty record with the line it starts on (none kept if not `keep`: only checked); broken quoting,
    a field longer than MAX_LINE_CHARS, more than MAX_COLUMNS columns or MAX_ROWS rows are errors with their line."""
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_LINE_CHARS)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    records, start = [], 1
    try:
        for count, record in enumerate(reader, start=1):
            if len(record) > MAX_COLUMNS and any(cell.strip() for cell in record[MAX_COLUMNS:]):
                raise ReadError(
                    "file.too_many_columns",
                    f"Zeile {start} hat mehr als {MAX_COLUMNS} Spalten",
                    row=start,
                    limit=MAX_COLUMNS,
                )
            if count > MAX_ROWS:
                raise ReadError("file.too_many_rows", f"mehr als {MAX_ROWS} Zeilen", limit=MAX_ROWS)
            if keep and any(cell.strip() for cell in record):
                records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise ReadError(
                "file.field_too_long",
                f"ein Feld ab Zeile {start} ist länger als {MAX_LINE_CHARS} "
                "Zeichen (nicht geschlossenes Anführungszeichen?)",
                row=start,
                limit=MAX_LINE_CHARS,
            ) from exc
        raise ReadError(
            "file.quoting",
            f"CSV nicht lesbar ab Zeile {start}: {exc} (nicht geschlossenes Anführungszeichen?)",
            row=start,
            detail=str(exc),
        ) from exc
    finally:
        csv.field_size_limit(previous)
    return records


def csv_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every non-empty record with the line it starts on; broken quoting is an error with its line."""
    return scan_csv(io.StringIO(text, newline=""), delimiter)


@dataclass
class CsvFile:
    """A checked CSV file: its text (decoded, without BOM), first line, delimiter, and the records if asked for."""

    text: str
    first: str
    delimiter: str
    records: list[tuple[int, list[str]]] | None = None


def _parse_csv(data: bytes, keep_records: bool, scan: bool = True) -> CsvFile | None:
    """The checked file; `scan=False`: None instead of the record-by-record check (for the parsing child)."""
    newlines = data.count(b"\n")
    if newlines > MAX_ROWS * 2:  # far more lines than rows allowed: refused before decoding
        raise ReadError("file.too_many_rows", f"mehr als {MAX_ROWS} Zeilen", limit=MAX_ROWS)
    # A small file cannot build much, whatever its shape: checked by the csv module alone (and numpy, which takes a
    # tenth of a second to import, is not needed).
    small = len(data) <= SMALL_FILE_BYTES
    if not small:
        check_lines(data)
    text, encoding = decode_as(data)
    first, delimiter = sniff(text)
    records = None
    if keep_records or small or not plain_table(data, delimiter, newlines):
        if not scan:
            return None
        # Lines decoded piece by piece from the bytes: a StringIO of the text would hold four bytes a character.
        lines = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        records = scan_csv(lines, delimiter, keep=keep_records)
    return CsvFile(text, first, delimiter, records if keep_records else None)


def read_csv(
    data: bytes,
    *,
    records: bool = False,
    seconds: float = PARSE_SECONDS,
    memory: int = PARSE_MEMORY_BYTES,
    isolate: bool = False,
) -> CsvFile:
    """Decode and check a CSV file (see `decode`, `sniff`, `scan_csv`); `records`: hand back the parsed records
    too (the measure files, which are small; the measurement files are parsed by DuckDB from the checked text).

    The checks whose cost the file's size bounds run in this process: a file of up to SMALL_FILE_BYTES (the csv
    module over at most a megabyte), and a larger plain table (numpy scans and one decode, no record built).
    Any other file's records are checked in a child process that is stopped after `seconds` and may not use more
    than `memory` bytes of address space (`isolate`: every file there)."""
    if not isolate:
        if len(data) <= SMALL_FILE_BYTES:
            return _parse_csv(data, records)
        if not records:
            checked = _parse_csv(data, False, scan=False)
            if checked is not None:
                return checked
    return _in_child("csv", data, (records,), seconds, memory)


# -- XLSX in a bounded child process ---------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cell values) of non-empty rows
    percent: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index) formatted as %


def check_zip(data: bytes) -> None:
    """Caps on the uncompressed size before anything is decompressed (a zip bomb is refused unread)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(
            "xlsx.unreadable", "XLSX nicht lesbar (kein gültiges ZIP): erwartet eine Excel-Arbeitsmappe", detail="ZIP"
        ) from exc
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ReadError(
            "xlsx.too_large",
            f"XLSX entpackt zu groß ({total / 1048576:.0f} MB; höchstens {MAX_XLSX_UNCOMPRESSED / 1048576:.0f} MB)",
            size_mb=round(total / 1048576),
            limit_mb=round(MAX_XLSX_UNCOMPRESSED / 1048576),
        )
    shared = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if shared > MAX_SHARED_STRINGS_BYTES:
        raise ReadError(
            "xlsx.too_many_strings",
            f"XLSX enthält zu viele Texte ({shared / 1048576:.0f} MB; "
            f"höchstens {MAX_SHARED_STRINGS_BYTES / 1048576:.0f} MB)",
            size_mb=round(shared / 1048576),
            limit_mb=round(MAX_SHARED_STRINGS_BYTES / 1048576),
        )


def _sheet_rows(sheet, result: Sheet) -> None:
    sheet.reset_dimensions()  # never trust the declared dimension: read the rows actually present
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = []
        for index, cell in enumerate(cells):
            if index >= MAX_COLUMNS:
                if getattr(cell, "value", None) not in (None, ""):
                    raise ReadError(
                        "file.too_many_columns", f"mehr als {MAX_COLUMNS} Spalten", row=number, limit=MAX_COLUMNS
                    )
                continue
            value = getattr(cell, "value", None)
            values.append(value)
            if isinstance(value, (int, float)) and "%" in str(getattr(cell, "number_format", "") or ""):
                result.percent.add((getattr(cell, "row", number) or number, index))
        if any(v not in (None, "") for v in values):
            if len(result.rows) >= MAX_XLSX_ROWS:
                raise ReadError("file.too_many_rows", f"mehr als {MAX_XLSX_ROWS} Zeilen", limit=MAX_XLSX_ROWS)
            row = getattr(cells[0], "row", None) if cells else None
            result.rows.append((row or number, values))


def _parse_xlsx(data: bytes, preferred: tuple[str, ...]) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        raise ReadError(
            "xlsx.unreadable",
            f"XLSX nicht lesbar ({type(exc).__name__}): erwartet eine Excel-Arbeitsmappe",
            detail=type(exc).__name__,
        ) from exc
    try:
        sheet = next((book[s] for s in preferred if s in book.sheetnames), None)
        if sheet is None:
            if not book.worksheets:
                raise ReadError("xlsx.empty", "die Arbeitsmappe enthält kein Blatt")
            sheet = book.worksheets[0]
        if getattr(sheet, "sheet_state", "visible") != "visible":
            raise ReadError(
                "xlsx.hidden_sheet",
                f"das Blatt '{sheet.title}' ist ausgeblendet: bitte einblenden oder "
                "löschen (gelesen wird nur, was man sieht)",
                sheet=sheet.title,
            )
        result = Sheet(sheet.title)
        _sheet_rows(sheet, result)
        return result
    finally:
        book.close()


LAST_CHILD_PEAK_BYTES: list[int] = [0]  # resident peak of the last parsing child (for the measurements)


def _peak_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


_PARSERS = {"xlsx": _parse_xlsx, "csv": _parse_csv}


def _child(kind: str, data: bytes, options: tuple, memory: int, seconds: float = PARSE_SECONDS) -> tuple:
    """In the child: parse under the address-space and CPU-time limits; ("ok", result, peak) or ("error", details,
    peak). The CPU limit ends the child even if the parent that would stop it is gone."""
    if kind == "csv" and len(data) > SMALL_FILE_BYTES:
        import numpy  # noqa: F401 - imported before the limit: its thread pools reserve address space, not the file
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    except (ImportError, ValueError, OSError):
        pass
    label = kind.upper()
    try:
        answer = ("ok", _PARSERS[kind](data, *options))
    except ReadError as exc:
        answer = ("error", (exc.code, exc.message, exc.row, exc.column, exc.value, exc.params))
    except MemoryError:
        answer = (
            "error",
            (f"{kind}.memory", f"{label} zu groß zum Lesen (Speichergrenze erreicht)", None, None, None, {}),
        )
    except Exception as exc:  # a file can break openpyxl in many ways: report, never crash the app
        answer = ("error", (f"{kind}.unreadable", f"{label} nicht lesbar ({type(exc).__name__})", None, None, None, {}))
    return (*answer, _peak_bytes())


def child_main() -> None:
    """The parsing child's entry (`python -c "from kpi.reader import child_main; child_main()"`): the request
    (kind, options, memory and time limits) pickled on stdin, followed by the file's bytes as they are (no copy in the
    parent); the answer pickled on stdout. A plain subprocess, not
    multiprocessing: a spawned child would first re-import the parent's main script (the Streamlit CLI: seconds
    and 60 MB per upload)."""
    import pickle
    import sys

    kind, options, memory, seconds = pickle.load(sys.stdin.buffer)
    data = sys.stdin.buffer.read()
    answer = _child(kind, data, options, memory, seconds)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.flush()


def read_xlsx(
    data: bytes, preferred: tuple[str, ...] = (), *, seconds: float = PARSE_SECONDS, memory: int = PARSE_MEMORY_BYTES
) -> Sheet:
    """The chosen sheet's non-empty rows, parsed in a child process that is stopped after `seconds` and may not
    use more than `memory` bytes of address space."""
    check_zip(data)
    return _in_child("xlsx", data, (tuple(preferred),), seconds, memory)


def _in_child(kind: str, data: bytes, options: tuple, seconds: float, memory: int):
    """`_PARSERS[kind](data, *options)` run in a child process with a time and an address-space limit; its result,
    or its ReadError raised here."""
    import pickle
    import subprocess
    import sys

    label = kind.upper()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }  # no thread pools reserving address space
    process = subprocess.Popen(
        [sys.executable, "-c", "from kpi.reader import child_main; child_main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=_ROOT,
    )
    out = b""
    try:
        process.stdin.write(pickle.dumps((kind, options, memory, seconds)))  # small: fits the pipe, never blocks
        out, _err = process.communicate(data, timeout=seconds)
    except BrokenPipeError:  # the child died before it read the request: reported below
        pass
    except subprocess.TimeoutExpired as exc:
        raise ReadError(
            f"{kind}.timeout",
            f"{label} nach {seconds:.0f} s nicht gelesen (zu groß oder zu komplex): abgebrochen",
            seconds=seconds,
        ) from exc
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    try:
        status, payload, LAST_CHILD_PEAK_BYTES[0] = pickle.loads(out)
    except Exception as exc:  # killed by the memory limit, or broken before it could answer
        raise ReadError(f"{kind}.memory", f"{label} zu groß zum Lesen (Lesevorgang abgebrochen)") from exc
    if status == "ok":
        return payload
    code, message, row, column, value, params = payload
    raise ReadError(code, message, row=row, column=column, value=value, **params)
