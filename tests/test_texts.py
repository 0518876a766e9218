"""One translation system: every UI text is a key in kpi/texts.py, looked up by kpi.i18n.t; no module picks
between a German and an English string itself."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kpi import i18n, texts

ROOT = Path(__file__).resolve().parents[1]
CHECKED = sorted([ROOT / "app.py", *(ROOT / "kpi").rglob("*.py"), *(ROOT / "app_pages").glob("*.py")])
# Picks between the catalog's own German and English wordings (content, not UI text): the one place that may.
CONTENT_CHOOSER = "kpi/content.py"

# `"x" if de else "y"`, `... if lang == "de" else ...` (also ctx.lang, deck.lang, != and "en"), `de = lang == "de"`
LANGUAGE_CONDITIONAL = re.compile(
    r"""\bif\s+(not\s+)?de\b"""
    r"""|\bif\s+[\w.]*lang\s*[!=]=\s*["'](de|en)["']"""
    r"""|\bde\s*=\s*[\w.]*lang\s*==\s*["']de["']"""
)
REGISTER = re.compile(r"\bi18n\.register\(|^\s*register\(", re.MULTILINE)
# t("key"...), ctx.t("key"...), i18n.t("key"...), t_count("key"...): the literal keys a module looks up.
LOOKUP = re.compile(r"""\bt(?:_count)?\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_guard_checks_the_pages_the_core_and_the_entry():
    names = {_name(p) for p in CHECKED}
    assert {"app.py", "kpi/views.py", "kpi/charts.py", "kpi/web/ui.py", "app_pages/upload.py"} <= names
    assert {"kpi/ingest.py", "kpi/problems.py", "kpi/catalog_io.py", "kpi/auth.py"} <= names


@pytest.mark.parametrize(
    "line",
    [
        'x = "Zeile" if de else "Row"',
        'x = "a" if lang == "de" else "b"',
        "x = 'a' if ctx.lang == 'en' else 'b'",
        'x = 0 if deck.lang != "de" else 1',
        '    de = lang == "de"',
        "    if de:",
    ],
)
def test_the_guard_sees_a_language_conditional(line):
    assert LANGUAGE_CONDITIONAL.search(line)


@pytest.mark.parametrize("line", ['x = t("col.row", lang)', "if decimals else 0", "model = decide(lang)"])
def test_the_guard_lets_lookups_pass(line):
    assert not LANGUAGE_CONDITIONAL.search(line)


@pytest.mark.parametrize("path", [p for p in CHECKED if _name(p) != CONTENT_CHOOSER], ids=_name)
def test_no_module_chooses_a_language_inline(path):
    found = [
        f"{_name(path)}:{number}: {line.strip()}"
        for number, line in enumerate(_source(path).splitlines(), 1)
        if LANGUAGE_CONDITIONAL.search(line)
    ]
    assert not found, "use a key in kpi/texts.py and i18n.t instead:\n" + "\n".join(found)


@pytest.mark.parametrize("path", CHECKED, ids=_name)
def test_no_module_registers_texts(path):
    assert not REGISTER.search(_source(path)), f"{_name(path)}: texts belong in kpi/texts.py"
    assert not hasattr(i18n, "register")


def test_every_key_looked_up_exists():
    missing = sorted(
        f"{_name(path)}: {key}"
        for path in CHECKED
        for key in LOOKUP.findall(_source(path))
        if key not in i18n.TEXTS and key not in texts.PROBLEMS
    )
    assert not missing, "keys without a text in kpi/texts.py:\n" + "\n".join(missing)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("section", ["_UI", "_LAYOUT", "PROBLEMS"])
def test_every_text_has_both_languages_with_the_same_placeholders(section):
    wrong = []
    for key, pair in getattr(texts, section).items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(s, str) and s.strip() for s in pair)):
            wrong.append(f"{key}: not a (German, English) pair of texts")
        elif _fields(pair[0]) != _fields(pair[1]):
            wrong.append(f"{key}: {sorted(_fields(pair[0]))} in German, {sorted(_fields(pair[1]))} in English")
    assert not wrong, "\n".join(wrong)


def test_keys_are_dotted_lowercase():
    bad = [key for key in texts.TEXTS if not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", key)]
    assert not bad


def test_i18n_looks_up_the_one_table():
    assert set(i18n.TEXTS) == set(texts.TEXTS)
    assert i18n.t("sidebar.lang", "de") == i18n.t("sidebar.lang", "en") == "Sprache / Language"
    assert i18n.t("col.row", "en") == "Row" and i18n.t("col.row", "de") == "Zeile"


def test_no_text_is_left_unused():
    """A key is used when a checked module names it as a literal, or builds it from a literal prefix
    (`f"page.{name}"`, `key.startswith("streamlit.")`); a key ending in `.one` is used with its plural (t_count)."""
    sources = "\n".join(_source(p) for p in CHECKED if p.name != "texts.py")
    literals = set(re.findall(r"""["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""", sources))
    prefixes = tuple(
        set(re.findall(r"""f["']([a-z0-9_.]+\.)\{""", sources))
        | set(re.findall(r"""startswith\(["']([a-z0-9_.]+\.)["']\)""", sources))
    )
    unused = [key for key in texts.TEXTS if key.removesuffix(".one") not in literals and not key.startswith(prefixes)]
    assert not unused, "texts nobody shows:\n" + "\n".join(unused)
