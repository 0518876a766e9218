"""UI texts and the one formatter for numbers and dates (Babel), per language: pages, charts,
reports and the command line all format through here."""

from __future__ import annotations

import functools
import math
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern

from kpi import texts

LANGS = ("de", "en")
LOCALES = {"de": "de_DE", "en": "en_GB"}
# Babel's locales and number patterns parsed once: Babel's format_decimal parses both on every call (36 µs a
# number; 16 µs so, which counts in tables, charts and a deck of 2,000 KPIs).
_LOCALE = {lang: Locale.parse(code) for lang, code in LOCALES.items()}


@functools.cache
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def _decimal(value: float | int, pattern: str, lang: str) -> str:
    """Babel's format_decimal(value, format=pattern, locale=LOCALES[lang])."""
    return _number_pattern(pattern).apply(value, _LOCALE[lang])


# Per language: the tag for documents (PDF, PPTX, <html lang>), date patterns (Babel, Plotly hover, the date
# input widget) and Plotly's decimal and thousands separators.
LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}
DATE_FORMATS = {"de": "dd.MM.yyyy", "en": "dd/MM/yyyy"}
DATETIME_FORMATS = {"de": "dd.MM.yyyy HH:mm", "en": "dd/MM/yyyy HH:mm"}
PLOTLY_DATE_FORMATS = {"de": "%d.%m.%Y", "en": "%d/%m/%Y"}
DATE_INPUT_FORMATS = {"de": "DD.MM.YYYY", "en": "DD/MM/YYYY"}
PLOTLY_SEPARATORS = {"de": ",.", "en": ".,"}

# Okabe–Ito, colour-blind safe; status is never shown by colour alone (icon + word go with it). As graphics every
# colour stands out from white by at least 3:1 (WCAG 1.4.11): Okabe–Ito's orange, sky blue and grey are taken a
# few tones darker (#E69F00 -> #C28100, #56B4E9 -> #3E8FC4, #999999 -> #858585), keeping their hue. Text on a
# status colour is black, or white on the dark blue and wine red (`text`, >= 4.5:1 on every fill).
STATUS_STYLE = {
    "achieved": {"color": "#0072B2", "icon": "★", "de": "erreicht", "en": "achieved"},
    "on_track": {"color": "#009E73", "icon": "✔", "de": "im Plan", "en": "on track"},
    "at_risk": {"color": "#C28100", "icon": "▲", "de": "gefährdet", "en": "at risk"},
    "off_track": {"color": "#D55E00", "icon": "✖", "de": "nicht im Plan", "en": "off track"},
    # Final target date passed, target not met; a dark wine red, darker than "off track" (Tol's muted palette).
    "missed": {"color": "#882255", "icon": "⊗", "de": "verfehlt", "en": "missed"},
    # Values, but none after the baseline period: no planned step to judge against.
    "not_assessable": {"color": "#3E8FC4", "icon": "◌", "de": "nicht bewertbar", "en": "not assessable"},
    "no_data": {"color": "#858585", "icon": "○", "de": "keine Daten", "en": "no data"},
}
STALE_STYLE = {"icon": "◷", "color": "#858585", "de": "veraltet", "en": "stale"}
MEASURE_STATES = {
    "geplant": {"de": "geplant", "en": "planned"},
    "in_umsetzung": {"de": "in Umsetzung", "en": "in progress"},
    "abgeschlossen": {"de": "abgeschlossen", "en": "completed"},
    "pausiert": {"de": "pausiert", "en": "paused"},
    "verzoegert": {"de": "verzögert", "en": "delayed"},
}
FREQUENCIES = {
    "yearly": {"de": "jährlich", "en": "yearly"},
    "quarterly": {"de": "quartalsweise", "en": "quarterly"},
    "monthly": {"de": "monatlich", "en": "monthly"},
    "half_yearly": {"de": "halbjährlich", "en": "half-yearly"},
    **{f"every_{n}_years": {"de": f"alle {n} Jahre", "en": f"every {n} years"} for n in (2, 3, 4, 5, 6, 10)},
}
DIRECTIONS = {
    "higher": {"de": "höher ist besser", "en": "higher is better"},
    "lower": {"de": "niedriger ist besser", "en": "lower is better"},
}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | int | None, lang: str = "de", decimals: int | None = None) -> str:
    """`1.234,5` in German, `1,234.5` in English; up to 2 decimals unless told, `–` for nothing."""
    if _missing(value):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else (2 if abs(value) < 10 else 1)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if decimals and decimals > 0 and not float(value).is_integer():
        pattern = "#,##0." + "#" * decimals
    return _decimal(value, pattern, lang)


# Units of things that come in whole numbers: shown without decimals (a plan of 4.087,5 applications is 4.088).
WHOLE_UNITS = {
    "anzahl",
    "stück",
    "count",
    "arbeitsplätze",
    "anträge",
    "antragsverfahren",
    "personen",
    "nutzungen",
    "besuche",
    "geräte",
    "endgeräte",
    "ladepunkte",
    "ladevorgänge",
    "fälle",
    "vorgänge",
    "dienste",
    "leistungen",
    "schulen",
    "standorte",
    "gebäude",
    "haushalte",
    "nutzer",
    "nutzerinnen und nutzer",
    "zugriffe",
    "downloads",
    "datensätze",
    "sensoren",
    "veranstaltungen",
    "teilnehmende",
    "stellen",
}
# German plural units and their singular, for a value of exactly 1 ("1 Minute", not "1 Minuten").
SINGULAR_UNITS = {
    "Minuten": "Minute",
    "Stunden": "Stunde",
    "Tage": "Tag",
    "Wochen": "Woche",
    "Monate": "Monat",
    "Jahre": "Jahr",
    "Sekunden": "Sekunde",
    "Arbeitsplätze": "Arbeitsplatz",
    "Anträge": "Antrag",
    "Personen": "Person",
    "Nutzungen": "Nutzung",
    "Besuche": "Besuch",
    "Geräte": "Gerät",
    "Endgeräte": "Endgerät",
    "Ladepunkte": "Ladepunkt",
    "Ladevorgänge": "Ladevorgang",
    "Fälle": "Fall",
    "Vorgänge": "Vorgang",
    "Dienste": "Dienst",
    "Leistungen": "Leistung",
    "Schulen": "Schule",
    "Standorte": "Standort",
    "Gebäude": "Gebäude",
    "Haushalte": "Haushalt",
    "Sensoren": "Sensor",
    "Veranstaltungen": "Veranstaltung",
    "Stellen": "Stelle",
    "Datensätze": "Datensatz",
    # English units of the catalog's English wordings (kpi.content)
    "minutes": "minute",
    "days": "day",
    "hours": "hour",
}


def is_whole_unit(unit: str) -> bool:
    """Whether values of `unit` are counts of whole things (no decimals shown)."""
    return (unit or "").strip().lower() in WHOLE_UNITS


COUNT_UNITS = ("Anzahl", "count")  # a bare count: the number alone says it


def fmt_value(value: float | None, unit: str, lang: str = "de") -> str:
    """A value with its unit: counts without decimals, `1 Minute` but `2 Minuten`, `–` for nothing."""
    if _missing(value):
        return "–"
    number = fmt_number(value, lang, 0 if is_whole_unit(unit) else None)
    if unit == "%":
        return f"{number} %"
    if not unit or unit in COUNT_UNITS:
        return number
    return f"{number} {SINGULAR_UNITS.get(unit, unit) if number == '1' else unit}"


PROGRESS_TEXTS = {
    "of_plan": {"de": "{p} des Plans", "en": "{p} of plan"},
    # A negative progress: the value moved away from the baseline against the plan's direction.
    "against_higher": {"de": "entgegen dem Plan gesunken", "en": "fell, against the plan"},
    "against_lower": {"de": "entgegen dem Plan gestiegen", "en": "rose, against the plan"},
}


def fmt_progress(progress: float | None, direction: str, lang: str = "de", of_plan: bool = True) -> str:
    """Progress in words: `97 % des Plans` (or `97 %` without of_plan); a negative share of the plan means the
    value moved the wrong way, which is said instead of `-153 % des Plans`."""
    if _missing(progress):
        return "–"
    if progress < 0:
        return PROGRESS_TEXTS["against_lower" if direction == "lower" else "against_higher"][lang]
    percent = fmt_percent(progress, lang)
    return PROGRESS_TEXTS["of_plan"][lang].format(p=percent) if of_plan else percent


def fmt_percent(ratio: float | None, lang: str = "de") -> str:
    if _missing(ratio):
        return "–"
    return f"{_decimal(round(ratio * 100), '#,##0', lang)} %"


def fmt_date(value: date | datetime | None, lang: str = "de") -> str:
    """`31.12.2025` in German, `31/12/2025` in English."""
    if _missing(value) or value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format=DATE_FORMATS[lang], locale=_LOCALE[lang])


def fmt_datetime(value: datetime | None, lang: str = "de") -> str:
    if value is None:
        return "–"
    return format_datetime(value, format=DATETIME_FORMATS[lang], locale=_LOCALE[lang])


def fmt_period(value: date | None, frequency: str, lang: str = "de") -> str:
    """A period end shown as the period people name: `2025`, `Q3 2025`, `09/2025`."""
    if value is None:
        return "–"
    if frequency == "yearly" or frequency.startswith("every_"):
        return str(value.year)
    if frequency == "half_yearly":
        return f"H{(value.month - 1) // 6 + 1} {value.year}"
    if frequency == "quarterly":
        return f"Q{(value.month - 1) // 3 + 1} {value.year}"
    return f"{value.month:02d}/{value.year}"


def status_label(status: str, lang: str = "de", icon: bool = True) -> str:
    style = STATUS_STYLE[status]
    return f"{style['icon']} {style[lang]}" if icon else style[lang]


def status_color(status: str) -> str:
    return STATUS_STYLE[status]["color"]


def status_text_color(status: str) -> str:
    """Text on a status colour: white on the dark blue and wine red, black on the others (>= 4.5:1 each)."""
    return "#FFFFFF" if status in ("achieved", "missed") else "#000000"


def stale_label(lang: str = "de") -> str:
    return f"{STALE_STYLE['icon']} {STALE_STYLE[lang]}"


def measure_state_label(state: str, lang: str = "de") -> str:
    return MEASURE_STATES.get(state, {"de": state, "en": state})[lang]


def tint(color: str, alpha: float = 0.2) -> str:
    """A light tint of a `#rrggbb` colour as CSS, for backgrounds behind dark text: readable for every status
    colour (orange text on white is not)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _badge(text: str, color: str) -> str:
    return (
        f'<span style="background: {tint(color)}; border-left: .25em solid {color}; '
        f'padding: 0 .35em; border-radius: .2em; white-space: nowrap">{text}</span>'
    )


def status_badge(status: str, lang: str = "de") -> str:
    """Status as colour, icon and word in one, as HTML for Markdown (the page passes unsafe_allow_html=True)."""
    return _badge(status_label(status, lang), status_color(status))


def stale_badge(lang: str = "de") -> str:
    return _badge(stale_label(lang), STALE_STYLE["color"])


TEXTS: dict[str, dict[str, str]] = {key: {"de": de, "en": en} for key, (de, en) in texts.TEXTS.items()}


def t(key: str, lang: str = "de", **values: object) -> str:
    entry = TEXTS.get(key)
    text = entry[lang] if entry else key
    return text.format(**values) if values else text


def t_count(key: str, n: int, lang: str = "de", **values: object) -> str:
    """A text with a count `{n}` in the right number: the text registered as `key.one` for exactly one (when
    there is one), else `key`; n in the language's number format (`1.060 Tage`)."""
    one = f"{key}.one"
    return t(one if n == 1 and one in TEXTS else key, lang, n=fmt_number(n, lang), **values)
