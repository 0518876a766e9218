"""The strategy catalog: the shipped file meets the issue's minimums; a broken one is refused with
every problem named by its path in the file."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from kpi.catalog import CatalogError, load_catalog, parse_catalog
from kpi.model import Direction, Frequency, MeasureState

KPI_PATH = "themes[0].action_fields[0].goals[0].kpis"


# -- the shipped catalog ---------------------------------------------------------------------


def test_shipped_catalog_has_both_themes_and_enough_fields_and_goals(catalog):
    assert [t.name for t in catalog.themes] == ["E-Government", "Smart City"]
    assert len(catalog.action_fields) >= 8
    assert {a.theme_id for a in catalog.action_fields} == {t.id for t in catalog.themes}
    assert len(catalog.goals) >= 16
    assert {g.action_field_id for g in catalog.goals} <= {a.id for a in catalog.action_fields}


def test_shipped_catalog_kpis_cover_themes_frequencies_directions_and_units(catalog):
    kpis = catalog.kpis
    assert len(kpis) >= 36
    assert len({k.id for k in kpis}) == len(kpis)
    assert {k.theme_id for k in kpis} == {t.id for t in catalog.themes}
    assert {k.frequency for k in kpis} >= {Frequency.YEARLY, Frequency.QUARTERLY, Frequency.MONTHLY}
    assert {k.direction for k in kpis} == set(Direction)
    units = {k.unit for k in kpis}
    assert {"%", "Anzahl", "Tage", "EUR"} <= units
    for k in kpis:
        assert k.targets and k.baseline_period < k.targets[0].period, k.id
        assert k.goal_id in {g.id for g in catalog.goals}, k.id
        assert k.responsible in {u.id for u in catalog.units}, k.id


def test_shipped_catalog_measures_are_complete(catalog):
    units = {u.id for u in catalog.units}
    kpi_ids = {k.id for k in catalog.kpis}
    fields = {a.id for a in catalog.action_fields}
    assert len(catalog.measures) >= 20
    for m in catalog.measures:
        assert m.responsible in units, m.id
        assert m.action_field_id in fields, m.id
        assert date(2000, 1, 1) < m.start <= m.planned_end, m.id
        assert isinstance(m.state, MeasureState), m.id
        assert 0 <= m.progress <= 100, m.id
        assert m.kpi_ids and set(m.kpi_ids) <= kpi_ids, m.id
    assert len({m.state for m in catalog.measures}) >= 3


def test_shipped_catalog_is_marked_illustrative(catalog):
    assert catalog.strategy.illustrative
    assert "illustrativ" in catalog.strategy.note


# -- broken catalogs -------------------------------------------------------------------------


def _kpi(kpi_id: str, **overrides) -> dict:
    kpi = {
        "id": kpi_id,
        "name": f"Kennzahl {kpi_id}",
        "unit": "%",
        "direction": "higher",
        "frequency": "yearly",
        "baseline": {"period": "2020", "value": 10},
        "targets": {"2025": 50, "2030": 90},
        "range": [0, 100],
        "responsible": "IT",
    }
    kpi.update(overrides)
    return kpi


def minimal_catalog() -> dict:
    """The smallest valid catalog: two themes, one KPI linked to a measure, one unlinked."""
    return {
        "strategy": {
            "id": "test-2021",
            "city": "Teststadt",
            "title": "Teststrategie",
            "adopted": "2021-02-23",
            "mission": "Teststadt digital",
        },
        "units": [{"id": "IT", "name": "IT-Abteilung"}, {"id": "BB", "name": "Bürgerbüro"}],
        "themes": [
            {
                "id": "EG",
                "name": "E-Government",
                "action_fields": [
                    {
                        "id": "EG-HF1",
                        "name": "Verwaltungsleistungen",
                        "goals": [
                            {
                                "id": "EG-Z1",
                                "name": "Leistungen sind online",
                                "kpis": [
                                    _kpi("EG-01"),
                                    _kpi(
                                        "EG-02",
                                        frequency="quarterly",
                                        baseline={"period": "2020-Q4", "value": 5},
                                        targets={"2025-Q4": 30},
                                        unit="Tage",
                                        direction="lower",
                                        range=[0, None],
                                    ),
                                ],
                            }
                        ],
                    }
                ],
            },
            {
                "id": "SC",
                "name": "Smart City",
                "action_fields": [
                    {
                        "id": "SC-HF1",
                        "name": "Mobilität",
                        "goals": [
                            {
                                "id": "SC-Z1",
                                "name": "Mehr Ladepunkte",
                                "kpis": [
                                    _kpi(
                                        "SC-01",
                                        frequency="monthly",
                                        unit="Anzahl",
                                        baseline={"period": "2021-06", "value": 3},
                                        targets={"2030-12": 200},
                                        range=[0, None],
                                        responsible="BB",
                                    ),
                                ],
                            }
                        ],
                    }
                ],
            },
        ],
        "measures": [
            {
                "id": "M-01",
                "title": "Serviceportal",
                "action_field": "EG-HF1",
                "responsible": "IT",
                "start": "2021-03-01",
                "planned_end": "2024-12-31",
                "state": "in_umsetzung",
                "progress": 50,
                "kpis": ["EG-01"],
            }
        ],
    }


def _set(data: dict, path: str, value: object) -> None:
    """Set (or, with value DELETE, remove) the entry at a dotted path such as `measures.0.kpis`."""
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is DELETE:
        del node[last]
    else:
        node[last] = value


DELETE = object()
K0 = "themes.0.action_fields.0.goals.0.kpis.0"
K1 = "themes.0.action_fields.0.goals.0.kpis.1"


def test_minimal_catalog_is_valid():
    catalog = parse_catalog(minimal_catalog())
    assert [k.id for k in catalog.kpis] == ["EG-01", "EG-02", "SC-01"]
    assert catalog.kpi("EG-02").targets[0].period == date(2025, 12, 31)
    assert catalog.kpi("SC-01").baseline_period == date(2021, 6, 30)
    assert catalog.measures[0].state is MeasureState.IN_PROGRESS


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({f"{K0}.responsible": "XYZ"}, f"{KPI_PATH}[0].responsible: unbekannte Organisationseinheit 'XYZ'"),
        ({f"{K0}.frequency": "weekly"}, f"{KPI_PATH}[0].frequency: 'weekly' ist nicht erlaubt"),
        ({f"{K0}.direction": "up"}, f"{KPI_PATH}[0].direction: 'up' ist nicht erlaubt"),
        ({f"{K1}.id": "EG-01"}, f"{KPI_PATH}[1].id: 'EG-01' doppelt (schon bei {KPI_PATH}[0])"),
        ({f"{K0}.id": "eg1"}, f"{KPI_PATH}[0].id: 'eg1' passt nicht zum Muster"),
        ({f"{K0}.targets": {"2019": 5}}, f"{KPI_PATH}[0].targets: Zielwerte müssen nach dem Basiszeitraum liegen"),
        ({f"{K0}.targets": {"2020": 50}}, f"{KPI_PATH}[0].targets: Zielwerte müssen nach dem Basiszeitraum liegen"),
        ({f"{K0}.targets": {}}, f"{KPI_PATH}[0].targets: mindestens ein Zielwert"),
        ({f"{K0}.targets": {"2030-Q2": 90}}, f"{KPI_PATH}[0].targets.2030-Q2: Zeitraum ist ein Quartal"),
        (
            {f"{K0}.baseline": {"period": "2020", "value": 120}},
            f"{KPI_PATH}[0].baseline: 120.0 liegt außerhalb des gültigen Bereichs [0.0, 100.0]",
        ),
        ({f"{K0}.targets": {"2030": 150}}, f"{KPI_PATH}[0].targets.2030: 150.0 liegt außerhalb"),
        ({f"{K0}.range": [100, 0]}, f"{KPI_PATH}[0].range: min 100.0 > max 0.0"),
        ({f"{K0}.range": [0]}, f"{KPI_PATH}[0].range: erwartet [min, max]"),
        (
            {f"{K0}.baseline": {"period": "irgendwann", "value": 10}},
            f"{KPI_PATH}[0].baseline.period: Zeitraum 'irgendwann'",
        ),
        (
            {f"{K0}.baseline": {"period": "2020", "value": "zehn"}},
            f"{KPI_PATH}[0].baseline.value: 'zehn' ist keine Zahl",
        ),
        ({f"{K0}.unit": DELETE}, f"{KPI_PATH}[0].unit: fehlt"),
        ({f"{K0}.thresholds": {"on_track": 0.7, "at_risk": 0.9}}, f"{KPI_PATH}[0].thresholds: erwartet 0 < at_risk"),
        ({f"{K0}.grace_days": -5}, f"{KPI_PATH}[0].grace_days: erwartet eine ganze Zahl"),
        ({"measures.0.kpis": ["EG-01", "XX-99"]}, "measures[0].kpis: unbekannte Kennzahl 'XX-99'"),
        ({"measures.0.responsible": "NOPE"}, "measures[0].responsible: unbekannte Organisationseinheit 'NOPE'"),
        ({"measures.0.action_field": "XX-HF9"}, "measures[0].action_field: unbekanntes Handlungsfeld 'XX-HF9'"),
        ({"measures.0.planned_end": "2020-12-31"}, "measures[0].planned_end: liegt vor dem Start 2021-03-01"),
        ({"measures.0.progress": 120}, "measures[0].progress: 120.0 liegt nicht zwischen 0 und 100"),
        ({"measures.0.state": "fertig"}, "measures[0].state: 'fertig' ist nicht erlaubt"),
        ({"measures.0.start": "01.03.2021"}, "measures[0].start: '01.03.2021' ist kein ISO-Datum"),
        ({"units": []}, "units: keine Organisationseinheiten"),
        ({"themes": []}, "themes: keine Themenfelder"),
        ({"themes.1.id": "EG"}, "themes[1].id: 'EG' doppelt (schon bei themes[0])"),
        ({"strategy.city": DELETE}, "strategy.city: fehlt"),
    ],
    ids=[
        "kpi-unknown-responsible-unit",
        "bad-frequency",
        "bad-direction",
        "duplicate-kpi-id",
        "kpi-id-pattern",
        "target-before-baseline",
        "target-at-baseline",
        "no-targets",
        "target-finer-than-frequency",
        "baseline-outside-range",
        "target-outside-range",
        "range-inverted",
        "range-not-a-pair",
        "baseline-period-unreadable",
        "baseline-value-not-a-number",
        "unit-missing",
        "thresholds-inverted",
        "grace-days-negative",
        "measure-unknown-kpi",
        "measure-unknown-unit",
        "measure-unknown-action-field",
        "measure-ends-before-start",
        "measure-progress-over-100",
        "measure-bad-state",
        "measure-german-date",
        "no-units",
        "no-themes",
        "duplicate-theme-id",
        "strategy-city-missing",
    ],
)
def test_broken_catalog_is_refused_naming_the_path(changes, expected):
    data = minimal_catalog()
    for path, value in changes.items():
        _set(data, path, value)
    with pytest.raises(CatalogError) as info:
        parse_catalog(data, source="strategie.yaml")
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems
    assert str(info.value).startswith("strategie.yaml:")


def test_several_problems_are_reported_at_once():
    data = minimal_catalog()
    _set(data, f"{K1}.responsible", "XYZ")
    _set(data, "themes.1.action_fields.0.goals.0.kpis.0.frequency", "weekly")
    _set(data, "measures.0.kpis", ["EG-01", "XX-99"])
    _set(data, "measures.0.progress", -1)
    with pytest.raises(CatalogError) as info:
        parse_catalog(data, source="strategie.yaml")
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == [
        f"{KPI_PATH}[1].responsible",
        "themes[1].action_fields[0].goals[0].kpis[0].frequency",
        "measures[0].kpis",
        "measures[0].progress",
    ]
    assert "strategie.yaml: 4 Fehler" in str(info.value)


def test_a_broken_kpi_is_not_also_called_unknown_in_the_measures_that_link_it():
    data = minimal_catalog()  # measures[0] links EG-01
    _set(data, f"{K0}.frequency", "weekly")
    with pytest.raises(CatalogError) as info:
        parse_catalog(data)
    assert info.value.problems == [
        f"{KPI_PATH}[0].frequency: 'weekly' ist nicht erlaubt (erlaubt: yearly, quarterly, monthly, half_yearly, "
        "every_2_years, every_3_years, every_4_years, every_5_years, every_6_years, every_10_years)"
    ]


def test_the_minimal_catalog_is_not_changed_by_a_failed_parse():
    data = minimal_catalog()
    _set(data, f"{K0}.frequency", "weekly")
    before = copy.deepcopy(data)
    with pytest.raises(CatalogError):
        parse_catalog(data)
    assert data == before


@pytest.mark.parametrize("data", [[], "strategy", None], ids=["list", "text", "empty-file"])
def test_a_file_that_is_no_mapping_is_refused(data):
    with pytest.raises(CatalogError, match="YAML-Objekt"):
        parse_catalog(data)


def test_unreadable_and_invalid_yaml_files_are_refused(tmp_path):
    with pytest.raises(CatalogError, match="Datei nicht lesbar"):
        load_catalog(tmp_path / "fehlt.yaml")
    broken = tmp_path / "kaputt.yaml"
    broken.write_text("strategy: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="kein gültiges YAML") as info:
        load_catalog(broken)
    assert str(broken) in str(info.value)
