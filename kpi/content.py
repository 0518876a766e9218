"""The strategy's own content (names, Leitbild, units, sources, descriptions) in the reader's language.

The catalog is written in German and may carry English wordings beside it (`name_en`, `unit_en`, …). `localized`
picks the text for a language and says which language it actually is, so that a German fallback in the English UI
can be marked `lang="de"` (a screen reader then reads it with German pronunciation). `catalog_in` gives the whole
catalog in one language for pages, charts and reports that only read `name`, `unit`, … .
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from kpi.model import Catalog

# Content fields with an English wording beside them, per catalog type.
ENGLISH_FIELDS: dict[str, tuple[str, ...]] = {
    "Strategy": ("title", "mission", "note"),
    "Unit": ("name",),
    "Theme": ("name",),
    "ActionField": ("name", "description"),
    "Goal": ("name",),
    "Kpi": ("name", "unit", "definition", "source"),
    "Measure": ("title", "description"),
}


@dataclass(frozen=True)
class LocalText:
    """A text and the language it is written in (`de` where the English wording is missing)."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text

    def foreign_in(self, ui_lang: str) -> bool:
        """True if the text is in another language than the page around it (it must then be marked)."""
        return bool(self.text) and self.lang != ui_lang


def _neutral(text: str) -> bool:
    """Text without letters (`%`, `µg/m³` has letters, `%` and `2025` do not) reads the same in every language."""
    return not any(ch.isalpha() for ch in text)


def localized(obj: Any, field: str, lang: str) -> LocalText:
    """`obj.<field>` in `lang`: the English wording `<field>_en` in English where the catalog has it, else the German
    text, marked as German (a text without letters, like `%`, counts as the reader's language)."""
    german = str(getattr(obj, field, "") or "")
    if lang == "en":
        english = str(getattr(obj, f"{field}_en", "") or "")
        if english:
            return LocalText(english, "en")
        return LocalText(german, "en" if _neutral(german) else "de")
    return LocalText(german, "de")


def localized_principles(strategy: Any, lang: str) -> list[LocalText]:
    """The Leitbild's principles in `lang`: the English list where it is complete, else the German ones, marked."""
    german = [str(p) for p in strategy.principles]
    english = [str(p) for p in getattr(strategy, "principles_en", ()) or ()]
    if lang == "en" and english and len(english) == len(german):
        return [LocalText(p, "en") for p in english]
    return [LocalText(p, "de") for p in german]


def _in(obj: Any, lang: str) -> Any:
    fields = ENGLISH_FIELDS.get(type(obj).__name__, ())
    changes = {f: localized(obj, f, lang).text for f in fields if getattr(obj, f"{f}_en", "")}
    return dataclasses.replace(obj, **changes) if changes else obj


def catalog_in(catalog: Catalog, lang: str) -> Catalog:
    """The catalog with every content field in `lang` where an English wording exists (German stays where none does;
    `localized` on the result still tells which). German: the catalog itself. For showing only: never store it."""
    if lang != "en":
        return catalog
    strategy = _in(catalog.strategy, lang)
    principles = localized_principles(catalog.strategy, lang)
    if principles and principles[0].lang == "en":
        strategy = dataclasses.replace(strategy, principles=tuple(p.text for p in principles))
    kpis = []
    for k in catalog.kpis:
        local = _in(k, lang)
        if k.history:
            history = tuple(dataclasses.replace(v, kpi=_in(v.kpi, lang)) for v in k.history)
            local = dataclasses.replace(local, history=history)
        kpis.append(local)
    return dataclasses.replace(
        catalog,
        strategy=strategy,
        units=tuple(_in(u, lang) for u in catalog.units),
        themes=tuple(_in(t, lang) for t in catalog.themes),
        action_fields=tuple(_in(a, lang) for a in catalog.action_fields),
        goals=tuple(_in(g, lang) for g in catalog.goals),
        kpis=tuple(kpis),
        measures=tuple(_in(m, lang) for m in catalog.measures),
    )
