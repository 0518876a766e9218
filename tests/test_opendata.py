"""Open-data payloads (kpi.opendata): the API's KPI list and detail, the values export, the DCAT-AP.de
catalog, the OpenAPI description and the health answer, built from a real store."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pandas as pd
import pytest

from kpi import opendata
from kpi.cli import main as cli_main
from kpi.opendata import ApiError
from kpi.revisions import current_catalog
from kpi.store import Store

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)

BASE = "https://cockpit.stadt.example"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), ("", None), ("2025-12-31", datetime(2025, 12, 31, 23, 59, 59, 999999))],
    ids=["absent", "empty", "day"],
)
def test_stand_is_the_end_of_the_day(raw, expected):
    assert opendata.parse_stand(raw, today=date(2026, 11, 25)) == expected


@pytest.mark.parametrize(
    "raw",
    ["31.12.2025", "2025-13-01", "gestern", "2027-01-01", "2025-12-31T10:00;DROP"],
    ids=["german-format", "month-13", "word", "future", "injection"],
)
def test_bad_stand_is_a_400_with_a_sentence(raw):
    with pytest.raises(ApiError) as caught:
        opendata.parse_stand(raw, today=date(2026, 11, 25))
    assert caught.value.status == 400 and caught.value.code == "bad_stand"
    assert "stand=" in caught.value.message


def test_kpi_list_has_every_kpi_with_its_status_and_link(seeded_store: Store):
    payload = opendata.kpi_list(seeded_store, None)
    catalog = current_catalog(seeded_store)
    assert payload["count"] == len(catalog.kpis) == len(payload["kpis"])
    first = payload["kpis"][0]
    assert first["kpi_id"] == catalog.kpis[0].id
    assert first["url"] == f"/api/v1/kpis/{first['kpi_id']}"
    assert first["status"] in {"achieved", "on_track", "at_risk", "off_track", "no_data"}
    json.dumps(payload, allow_nan=False)  # valid JSON: no NaN, dates as text


def test_kpi_detail_as_of_leaves_out_later_revisions_and_names_nobody(seeded_store: Store):
    kpi_id = current_catalog(seeded_store).kpis[0].id
    seeded_store.query("UPDATE measurement SET recorded_by = 'sachbearbeiterin.x' WHERE kpi_id = ?", [kpi_id])
    live = opendata.kpi_detail(seeded_store, None, kpi_id)
    assert live["id"] == kpi_id and live["targets"] and live["baseline"]["period"]
    assert live["values"] and live["revisions"]
    first_recorded = min(r["recorded_at"] for r in live["revisions"])
    before = datetime.fromisoformat(first_recorded) - pd.Timedelta(days=1)
    early = opendata.kpi_detail(seeded_store, before, kpi_id)
    assert early["revisions"] == [] and early["values"] == []
    text = json.dumps(live, allow_nan=False)
    assert "sachbearbeiterin.x" not in text and "recorded_by" not in text and "file_name" not in text


def test_unknown_kpi_is_404(seeded_store: Store):
    with pytest.raises(ApiError) as caught:
        opendata.kpi_detail(seeded_store, None, "XX-99")
    assert caught.value.status == 404


def test_values_export_is_byte_for_byte_the_command_line_export(seeded_store: Store, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_DB_URL", seeded_store.url)
    as_of = datetime(2025, 12, 31, 23, 59, 59)
    for fmt, render in (("csv", opendata.export_csv), ("json", opendata.export_json)):
        out = tmp_path / f"export.{fmt}"
        assert cli_main(["export", "--format", fmt, "--as-of", "2025-12-31T23:59:59", "--out", str(out)]) == 0
        assert render(opendata.export_frame(seeded_store, as_of, neutralise=fmt == "csv")) == out.read_text(
            encoding="utf-8"
        )
    rows = pd.read_csv(io.StringIO(opendata.export_csv(opendata.export_frame(seeded_store, None))))
    assert list(rows.columns) == opendata.EXPORT_COLUMNS and len(rows) == len(seeded_store.current_values())


def test_dcat_catalog_describes_the_datasets_for_govdata(seeded_store: Store):
    doc = opendata.dcat_catalog(seeded_store, BASE + "/")
    assert doc["@type"] == "dcat:Catalog" and doc["@id"] == f"{BASE}/api/v1/dcat.jsonld"
    assert doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert doc["@context"]["dcatde"] == "http://dcat-ap.de/def/dcatde/"
    assert doc["dct:publisher"]["foaf:name"] == "Stadt Iserlohn"
    datasets = doc["dcat:dataset"]
    assert {d["@type"] for d in datasets} == {"dcat:Dataset"}
    for dataset in datasets:
        assert dataset["dct:title"]["@value"] and dataset["dct:description"]["@value"]
        assert dataset["dct:temporal"]["@type"] == "dct:PeriodOfTime"
        assert dataset["dct:modified"]["@type"] == "xsd:dateTime"
        for dist in dataset["dcat:distribution"]:
            assert dist["@type"] == "dcat:Distribution"
            assert dist["dct:license"]["@id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
            assert dist["dcat:mediaType"]["@id"].startswith("http://www.iana.org/assignments/media-types/")
            assert dist["dcat:accessURL"]["@id"].startswith(BASE + "/api/v1/")
    media = {
        d["dcat:mediaType"]["@id"].rsplit("/", 2)[-2] + "/" + d["dcat:mediaType"]["@id"].rsplit("/", 1)[-1]
        for ds in datasets
        for d in ds["dcat:distribution"]
    }
    assert {"text/csv", "application/json", "application/pdf"} <= media
    values = seeded_store.current_values()
    temporal = datasets[0]["dct:temporal"]
    assert temporal["dcat:startDate"]["@value"] == values["period"].min().isoformat()
    assert temporal["dcat:endDate"]["@value"] == values["period"].max().isoformat()


def test_dcat_licence_and_publisher_are_configurable():
    conf = opendata.settings(
        env={"KPI_OPENDATA_LICENSE": "http://dcat-ap.de/def/licenses/cc-by/4.0"},
        secrets={
            "digitalcockpit": {"opendata": {"publisher": "Stadt Musterstadt", "contributor_id": "http://dcat-ap.de/x"}}
        },
    )
    assert conf.license == "http://dcat-ap.de/def/licenses/cc-by/4.0"
    assert conf.publisher == "Stadt Musterstadt" and conf.contributor_id == "http://dcat-ap.de/x"
    assert opendata.settings(env={}).license == opendata.DEFAULT_LICENSE


def test_dcat_uses_the_configured_licence(seeded_store: Store):
    conf = opendata.Settings(license="http://dcat-ap.de/def/licenses/cc-zero", publisher="Stadt Musterstadt")
    doc = opendata.dcat_catalog(seeded_store, BASE, conf)
    assert doc["dct:license"]["@id"] == "http://dcat-ap.de/def/licenses/cc-zero"
    assert doc["dcat:dataset"][0]["dcat:distribution"][0]["dcatde:licenseAttributionByText"] == "Stadt Musterstadt"


def test_openapi_names_every_endpoint():
    spec = opendata.openapi(BASE)
    assert spec["openapi"].startswith("3.")
    assert {
        "/api/v1/kpis",
        "/api/v1/kpis/{kpi_id}",
        "/api/v1/values.csv",
        "/api/v1/values.json",
        "/api/v1/dcat.jsonld",
        "/api/v1/report.pdf",
        "/api/v1/report.pptx",
        "/healthz",
        "/livez",
    } <= set(spec["paths"])
    report = spec["paths"]["/api/v1/report.pdf"]["get"]["responses"]
    assert {"200", "202", "400", "401"} <= set(report)  # its own answers beside the common ones


def test_health_counts_a_readable_store_and_fails_for_a_missing_one(seeded_store: Store, tmp_path):
    status, payload = opendata.store_health(seeded_store)
    assert status == 200 and payload["status"] == "ok" and payload["read_only"] is True
    assert payload["kpis"] == len(current_catalog(seeded_store).kpis)
    assert payload["measurements"] == seeded_store.measurement_count()
    (tmp_path / "gone").mkdir()
    status, payload = opendata.store_health(Store(f"duckdb:///{tmp_path / 'gone' / 'missing.duckdb'}", lock_timeout=1))
    assert status == 503 and payload["status"] == "error" and "Traceback" not in json.dumps(payload)
