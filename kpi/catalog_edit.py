"""Edits of the catalog as the /katalog page makes them: each returns a new, validated Catalog (CatalogError
with the place of every problem); recording it is kpi.revisions.record_catalog's job."""

from __future__ import annotations

from typing import Any

from kpi.catalog import CatalogError, parse_catalog
from kpi.catalog_io import catalog_to_dict
from kpi.model import Catalog
from kpi.problems import CatalogProblem


def parse_targets(text: str) -> dict[str, float]:
    """`2025: 60; 2030: 85` (German decimal comma allowed) as {period: value}; CatalogError naming bad parts."""
    out: dict[str, float] = {}
    problems = []
    for part in (p.strip() for p in str(text).replace("\n", ";").split(";")):
        if not part:
            continue
        period, sep, number = part.partition(":")
        try:
            if not sep:
                raise ValueError
            out[period.strip()] = _number(number)
        except ValueError:
            problems.append(CatalogProblem("", "catalog.target_syntax", value=part))
    if problems:
        raise CatalogError("Eingabe", problems)
    return out


def _number(text: str) -> float:
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    return float(raw)


def _kpis(data: dict) -> list[tuple[dict, list]]:
    """(goal, its KPI list) for every goal of the catalog dict."""
    return [(g, g["kpis"]) for t in data["themes"] for a in t["action_fields"] for g in a["goals"]]


def _reparse(data: dict) -> Catalog:
    return parse_catalog(data, source="Katalog-Bearbeitung")


def with_kpi_changes(catalog: Catalog, kpi_id: str, changes: dict[str, Any]) -> Catalog:
    """The catalog with one KPI's fields replaced (keys of the YAML schema: name, definition, targets,
    baseline, thresholds, range, source, responsible, unit, direction, frequency, grace_days)."""
    data = catalog_to_dict(catalog)
    for _goal, kpis in _kpis(data):
        for k in kpis:
            if k["id"] == kpi_id:
                k.update(changes)
    return _reparse(data)


def with_new_kpi(catalog: Catalog, goal_id: str, kpi: dict[str, Any]) -> Catalog:
    data = catalog_to_dict(catalog)
    goal = next((g for g, _ in _kpis(data) if g["id"] == goal_id), None)
    if goal is None:
        raise CatalogError("Eingabe", [CatalogProblem("", "catalog.no_goal", value=goal_id)])
    goal["kpis"].append(kpi)
    return _reparse(data)


def with_new_goal(catalog: Catalog, action_field_id: str, goal_id: str, name: str, name_en: str = "") -> Catalog:
    data = catalog_to_dict(catalog)
    field = next((a for t in data["themes"] for a in t["action_fields"] if a["id"] == action_field_id), None)
    if field is None:
        raise CatalogError("Eingabe", [CatalogProblem("", "catalog.no_action_field", value=action_field_id)])
    field["goals"].append(dict(id=goal_id, name=name, name_en=name_en, kpis=[]))
    return _reparse(data)


def with_new_action_field(
    catalog: Catalog, theme_id: str, field_id: str, name: str, description: str = "", name_en: str = ""
) -> Catalog:
    data = catalog_to_dict(catalog)
    theme = next((t for t in data["themes"] if t["id"] == theme_id), None)
    if theme is None:
        raise CatalogError("Eingabe", [CatalogProblem("", "catalog.no_theme", value=theme_id)])
    theme["action_fields"].append(dict(id=field_id, name=name, name_en=name_en, description=description, goals=[]))
    return _reparse(data)


def without_kpi(catalog: Catalog, kpi_id: str) -> Catalog:
    """The catalog with a KPI retired: gone from its goal and from the measures that linked it."""
    data = catalog_to_dict(catalog)
    for _goal, kpis in _kpis(data):
        kpis[:] = [k for k in kpis if k["id"] != kpi_id]
    for m in data["measures"]:
        m["kpis"] = [x for x in m.get("kpis") or [] if x != kpi_id]
    return _reparse(data)
