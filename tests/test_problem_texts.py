"""Problems are codes with parameters, worded at the edge: every code in both languages with the same placeholders,
and an upload's problems read in English when the reader reads English (issue 15)."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

from kpi import plausibility, problems, reader
from kpi.ingest import Problem as IngestProblem
from kpi.ingest import import_file, import_measures
from kpi.problems import Problem
from kpi.texts import PROBLEMS
from tests.conftest import write

ROOT = Path(__file__).resolve().parents[1]
# The modules that report problems; a problem code is a dotted literal with one of these first words.
SOURCES = (
    "kpi/ingest.py",
    "kpi/reader.py",
    "kpi/plausibility.py",
    "kpi/catalog.py",
    "kpi/catalog_io.py",
    "kpi/catalog_edit.py",
    "kpi/auth.py",
    "kpi/audit.py",
)
PREFIXES = (
    "file",
    "xlsx",
    "csv",
    "header",
    "row",
    "kpi",
    "period",
    "value",
    "quality",
    "comment",
    "text",
    "measure",
    "state",
    "progress",
    "store",
    "sheet",
    "slip",
    "implausible",
    "catalog",
    "login",
    "undo",
)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def codes_in_sources() -> set[str]:
    pattern = re.compile(r"""["']((?:""" + "|".join(PREFIXES) + r""")\.[a-z_\-0-9.]+)["']""")
    found = set()
    for source in SOURCES:
        found |= set(pattern.findall((ROOT / source).read_text(encoding="utf-8")))
    # codes built from a template in the source
    found |= {f"{kind}.{what}" for kind in ("csv", "xlsx") for what in ("timeout", "memory")}
    found |= set(plausibility.SLIPS.values()) | {plausibility.SHARE_AS_FRACTION, plausibility.CODE}
    found |= {f"catalog.unknown_{what}" for what in ("theme", "action_field", "goal")}
    found |= {f"undo.done.{kind}" for kind in ("measurements", "measures")}
    return found


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_every_code_is_worded_in_both_languages_with_the_same_placeholders(code):
    german, english = PROBLEMS[code]
    assert german.strip() and english.strip()
    assert placeholders(german) == placeholders(english)


def test_every_code_the_core_uses_has_words():
    used = codes_in_sources()
    assert len(used) > 50  # the scan finds the codes at all
    assert sorted(code for code in used if code not in PROBLEMS) == []


def test_every_column_key_has_a_label_in_both_languages():
    from kpi.ingest import COLUMN_ALIASES, MEASURE_COLUMN_ALIASES

    for column in [*COLUMN_ALIASES, *MEASURE_COLUMN_ALIASES]:
        german, english = problems.column_label(column, "de"), problems.column_label(column, "en")
        assert german != column or english != column, column


def test_the_ingest_problem_is_the_one_problem_type():
    assert IngestProblem is Problem


def test_a_problem_is_worded_with_numbers_and_dates_in_the_language():
    problem = Problem(
        "w.csv",
        7,
        "period",
        "1890",
        "period.out_of_range",
        {"lower": date(1970, 1, 1), "upper": date(2032, 12, 31), "kpi": "EG-02"},
        "EG-02",
    )
    assert (
        problem.text("de") == "Zeitraum liegt außerhalb des zulässigen Fensters 01.01.1970 bis 31.12.2032 (Tippfehler?)"
    )
    assert problem.text("en") == "period lies outside the allowed window 01/01/1970 to 31/12/2032 (typo?)"
    assert problem.where("de") == "w.csv, Zeile 7, Spalte Zeitraum"
    assert problem.where("en") == "w.csv, row 7, column Period"
    assert str(problem) == problem.line("de")
    big = Problem("w.csv", 2, "value", "x", "value.out_of_range", {"min": 0.5, "max": 12500.0, "kpi": "EG-02"})
    assert "0,5 bis 12.500" in big.text("de") and "0.5 to 12,500" in big.text("en")


BAD = (
    "Kennzahl;Zeitraum;Wert;Kommentar\n"
    "EG-02;2024;viel;\n"  # 2: not a number
    "XX-99;2024;1;\n"  # 3: unknown KPI
    "EG-02;gestern;1;\n"  # 4: period not readable
    "EG-01;2024;101,5;\n"  # 5: value out of range
)


def test_an_english_reader_gets_the_upload_problems_in_english_and_german_stays_german(store, tmp_path):
    result = import_file(store, write(tmp_path, "bad.csv", BAD))
    assert not result.ok and not result.committed
    by_row = {p.row: p for p in result.problems}
    assert {row: p.code for row, p in by_row.items()} == {
        2: "value.format",
        3: "kpi.unknown",
        4: "period.unreadable",
        5: "value.out_of_range",
    }
    english = {row: p.line("en") for row, p in by_row.items()}
    assert english[2].startswith("bad.csv, row 2, column Value ('viel')") and "is not a number" in english[2]
    assert english[3] == "bad.csv, row 3, column KPI ('XX-99'): unknown KPI (not in the strategy catalog)"
    assert english[4].startswith("bad.csv, row 4, column Period ('gestern')") and "period not readable" in english[4]
    assert english[5].startswith("bad.csv, row 5, column Value ('101,5')")
    assert english[5].endswith("value lies outside the valid range 0 to 100 for EG-01")
    for line in english.values():
        assert not re.search(r"Zeile|Spalte|Wert|Kennzahl|fehlt|unbekannt", line), line
    german = {row: str(p) for row, p in by_row.items()}
    assert german[3] == "bad.csv, Zeile 3, Spalte Kennzahl ('XX-99'): unbekannte Kennzahl (nicht im Strategiekatalog)"
    assert german[5].endswith("Wert liegt außerhalb des gültigen Bereichs 0 bis 100 für EG-01")
    assert problems.table_header("en") == ["Row", "Column", "Value", "Problem"]
    assert problems.table_header("de") == ["Zeile", "Spalte", "Wert", "Problem"]
    rows = problems.table_rows(result.problems, "en")
    assert ["3", "KPI", "XX-99", "unknown KPI (not in the strategy catalog)"] in rows


def test_file_level_problems_from_the_reader_are_english_too(store, tmp_path):
    refused = import_file(store, write(tmp_path, "prose.csv", "Dies ist ein Brief und keine Tabelle\n"))
    assert [p.code for p in refused.problems] == ["file.no_table"]
    assert refused.problems[0].text("en") == "no table recognised: expected columns separated by ; or ,"
    header = import_file(store, write(tmp_path, "head.csv", "Kennzahl;Wert\nEG-02;1\n"))
    assert header.problems[0].code == "header.missing"
    assert header.problems[0].text("en").startswith("header row incomplete: Period missing (expected kpi_id;period")
    assert header.problems[0].text("de").startswith("Kopfzeile unvollständig: es fehlt Zeitraum (erwartet Kennzahl")


def test_measure_problems_are_worded_per_language(seeded_store, tmp_path):
    path = write(tmp_path, "m.csv", "Maßnahme;Status;Fortschritt;Kommentar\nM-XX;irgendwie;150;\n")
    result = import_measures(seeded_store, path)
    assert [p.code for p in result.problems] == ["measure.unknown", "state.unknown", "progress.out_of_range"]
    assert [p.column_label("en") for p in result.problems] == ["Measure", "Status", "Progress"]
    assert result.problems[2].text("en") == "progress must lie between 0 and 100"
    assert result.problems[2].text("de") == "Fortschritt muss zwischen 0 und 100 liegen"


def test_a_plausibility_flag_is_worded_per_language():
    flag = plausibility.check(8.31, 82.6, unit="%", span=100.0)
    worded = plausibility.wording("EG-04", flag, date(2025, 12, 31), date(2024, 12, 31), "yearly", "%")
    assert worded.code == plausibility.CODE
    assert worded.text("de").startswith("auffälliger Wert: EG-04 2025 neu 8,31 %, Vorperiode 2024: 82,6 %")
    assert worded.text("en").startswith("unusual value: EG-04 2025 now 8.31 %, previous period 2024: 82.6 %")
    assert problems.cause(worded, "en") == "÷10: decimal point slipped?"


def test_a_read_error_carries_what_its_english_words_need():
    with pytest.raises(reader.ReadError) as refused:
        reader.check_size(b"x" * (3 * 1048576 + 1), 3 * 1048576)
    problem = Problem("big.csv", None, None, None, refused.value.code, dict(refused.value.params))
    assert problem.text("en") == "file too large (at most 3 MB)"
    assert problem.text("de") == "Datei zu groß (höchstens 3 MB)"


def test_catalog_problems_keep_their_german_text_and_are_worded_per_language():
    from kpi.catalog import CatalogError, parse_catalog

    with pytest.raises(CatalogError) as refused:
        parse_catalog({"strategy": {}, "units": [], "themes": []}, source="s.yaml")
    first = refused.value.problems[0]
    assert first == "strategy.id: fehlt" and first.code == "catalog.missing"
    assert first.text("en") == "strategy.id: missing"
    assert problems.in_language(first, "en") == "strategy.id: missing"
    assert problems.in_language("plain text", "en") == "plain text"
    cell = problems.CatalogProblem("", "catalog.not_a_number", cell=("Kennzahlen", 2, "Basiswert"), value="zwanzig")
    assert cell == "Kennzahlen, Zeile 2, Spalte Basiswert: 'zwanzig' ist keine Zahl"
    assert cell.text("en") == "Kennzahlen, row 2, column Basiswert: 'zwanzig' is not a number"


def test_a_refused_login_is_a_code_worded_per_language(store):
    from kpi import auth

    auth.add_user(store, "it", "it_office", "ein-langes-passwort-1")
    wrong = auth.authenticate(store, "it", "falsch-falsch")
    assert (wrong.ok, wrong.code) == (False, "login.wrong")
    assert wrong.text("en") == "User name or password is wrong."
    assert wrong.message == wrong.text("de") == "Benutzer oder Passwort ist falsch."
    assert auth.authenticate(store, "", "").text("en") == "Please enter user name and password."


def test_an_undo_refusal_is_a_code_worded_per_language(store):
    from kpi import audit
    from kpi.auth import User

    missing = audit.undo_upload(store, 4711, User("it", "it_office", None))
    assert (missing.ok, missing.code) == (False, "undo.no_upload")
    assert missing.text("en") == "There is no upload #4711."
    assert missing.message == "Upload #4711 gibt es nicht."
    refused = audit.undo_upload(store, 4711, None)
    assert refused.code == "undo.not_allowed" and refused.text("en").startswith("Not permitted")


def test_an_unreadable_catalog_period_is_worded_per_language():
    from kpi.periods import PeriodError, parse_period, parse_timestamp

    with pytest.raises(PeriodError) as period:
        parse_period("Q5/2024")
    assert period.value.code == "period.not_readable" and str(period.value).startswith("Zeitraum 'Q5/2024' nicht")
    assert period.value.text("en").startswith("period 'Q5/2024' not readable (expected e.g. 2024, 2024-H1")
    with pytest.raises(PeriodError) as moment:
        parse_timestamp("gestern")
    assert moment.value.text("en").startswith("point in time 'gestern' not readable")
    with pytest.raises(PeriodError) as day:
        parse_period("31.02.2024")
    assert (day.value.code, day.value.text("en")) == ("date.invalid", "'31.02.2024' is not a valid date")


def test_an_english_problem_names_the_kpi_by_its_english_name(seeded_store, tmp_path):
    path = write(tmp_path, "bad.csv", "Kennzahl;Zeitraum;Wert\nEG-02;2024;abc\n")
    problem = import_file(seeded_store, path, dry_run=True).problems[0]
    from kpi.revisions import current_catalog

    english = current_catalog(seeded_store).kpi("EG-02").name_en
    assert english and f"[EG-02 – {english}]" in problem.line("en")
    assert "[EG-02 – Online-Anträge pro Jahr]" in problem.line("de")
