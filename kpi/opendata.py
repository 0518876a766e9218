"""Open data: the payloads of the read-only API (/api/v1/…) and its DCAT-AP.de catalog, built from the store
and the page-ready views. Pure of any web framework: kpi.web.api serves them. No Streamlit here.

What is published is what the public view shows: the plan, current values with their revisions and the
comments on them; never who recorded a value or wrote a comment, nor file names of uploads.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import time as time_module
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd

from kpi.exports import neutralise_formulas
from kpi.revisions import current_catalog
from kpi.store import Store
from kpi.views import Snapshot, snapshot, status_frame

API = "/api/v1"
EXPORT_COLUMNS = ["kpi_id", "period", "value", "comment", "source", "recorded_at", "quality"]  # `python -m kpi export`
DEFAULT_LICENSE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
DEFAULT_LICENSE_TITLE = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
MEDIA_TYPES = {
    "csv": ("text/csv", "CSV"),
    "json": ("application/json", "JSON"),
    "pdf": ("application/pdf", "PDF"),
}
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "adms": "http://www.w3.org/ns/adms#",
}


class ApiError(ValueError):
    """A request the API answers with a status code and a message (never a trace)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Settings:
    """What a city configures about its open data (env or [digitalcockpit.opendata] in secrets.toml)."""

    license: str = DEFAULT_LICENSE
    license_title: str = DEFAULT_LICENSE_TITLE
    publisher: str = ""  # default: "Stadt <city>" from the strategy
    publisher_url: str = ""
    contributor_id: str = ""  # dcatde:contributorID, e.g. the GovData id of the city
    contact_email: str = ""


def settings(env: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> Settings:
    env = os.environ if env is None else env
    section = (secrets or {}).get("digitalcockpit") or {}
    section = section.get("opendata") if isinstance(section, Mapping) else None
    section = section if isinstance(section, Mapping) else {}
    values = {}
    for name in Settings.__dataclass_fields__:
        value = env.get(f"KPI_OPENDATA_{name.upper()}") or section.get(name)
        if value:
            values[name] = str(value)
    return Settings(**values)


def parse_stand(raw: str | None, today: date | None = None) -> datetime | None:
    """`?stand=2025-12-31`: the end of that day (what was recorded by then); None for the current data.
    Raises ApiError(400) for anything but an ISO date up to today."""
    if raw is None or raw == "":
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ApiError(
            400, "bad_stand", f"stand={raw[:40]!r} ist kein Datum der Form JJJJ-MM-TT (z. B. stand=2025-12-31)."
        ) from None
    if day > (today or date.today()):
        raise ApiError(400, "bad_stand", f"stand={day.isoformat()} liegt in der Zukunft.")
    return datetime.combine(day, time.max)


def _plain(value: object) -> object:
    """JSON-ready: dates as ISO text, NaN/NaT as null, numpy scalars as Python numbers."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _require(snap: Snapshot | None) -> Snapshot:
    if snap is None:
        raise ApiError(404, "no_strategy", "Der Speicher enthält noch keine Strategie.")
    return snap


def _english(obj: object, fields: tuple[str, ...]) -> dict:
    """The English wordings the catalog has (`name_en`, …), beside the German fields; missing ones are left out."""
    return {f"{f}_en": value for f in fields if (value := getattr(obj, f"{f}_en", ""))}


def kpi_list(store: Store, as_of: datetime | None) -> dict:
    """The catalog with every KPI's current status (as of a moment)."""
    snap = _require(snapshot(store, as_of))
    frame = status_frame(snap).drop(columns=["responsible_name", "name_lang"], errors="ignore")
    kpis = _records(frame)
    english = {k.id: _english(k, ("name", "unit")) for k in snap.kpis}
    for row in kpis:
        row.update(english.get(row["kpi_id"], {}))
        row["url"] = f"{API}/kpis/{row['kpi_id']}"
    strategy = snap.catalog.strategy
    return {
        "stand": _plain(as_of.date()) if as_of else None,
        "strategy": {
            "id": strategy.id,
            "city": strategy.city,
            "title": strategy.title,
            "adopted": _plain(strategy.adopted),
            "illustrative": strategy.illustrative,
            **_english(strategy, ("title",)),
        },
        "count": len(kpis),
        "kpis": kpis,
    }


def kpi_detail(store: Store, as_of: datetime | None, kpi_id: str) -> dict:
    """One KPI: its definition, baseline and target path, status, values with every revision up to the
    moment, and the comments on it."""
    snap = _require(snapshot(store, as_of))
    kpi = next((k for k in snap.kpis if k.id == kpi_id), None)
    if kpi is None:
        raise ApiError(404, "unknown_kpi", f"Die Kennzahl {kpi_id[:40]!r} gibt es nicht.")
    row = status_frame(snap).set_index("kpi_id").loc[kpi.id]
    revisions = store.revisions(kpi.id)
    if as_of is not None:
        revisions = revisions[revisions["recorded_at"] <= as_of]
    revisions = revisions[["period", "value", "comment", "source", "recorded_at", "upload_id"]]
    values = snap.series(kpi.id)[["period", "value", "comment", "source", "recorded_at"]]
    comments = store.comments(as_of, kpi.id)[["period", "text", "recorded_at"]]
    return {
        "stand": _plain(as_of.date()) if as_of else None,
        "id": kpi.id,
        "name": kpi.name,
        "definition": kpi.definition,
        "unit": kpi.unit,
        "direction": kpi.direction.value,
        "frequency": kpi.frequency.value,
        "responsible": kpi.responsible,
        "source": kpi.source,
        "theme_id": kpi.theme_id,
        "action_field_id": kpi.action_field_id,
        "goal_id": kpi.goal_id,
        "real_data": kpi.real_data,
        **_english(kpi, ("name", "definition", "unit", "source")),
        "valid_range": {"min": kpi.range_min, "max": kpi.range_max},
        "baseline": {"period": _plain(kpi.baseline_period), "value": kpi.baseline_value},
        "targets": [{"period": _plain(t.period), "value": t.value} for t in kpi.targets],
        "status": {
            k: _plain(row[k])
            for k in (
                "status",
                "stale",
                "latest_period",
                "latest_value",
                "planned_value",
                "progress",
                "deviation",
                "forecast_value",
                "forecast_low",
                "forecast_high",
                "reach_date",
                "on_time",
                "next_due",
            )
        },
        "values": _records(values),
        "revisions": _records(revisions),
        "comments": _records(comments),
    }


# -- the values export (the same rows and format as `python -m kpi export`) ----------------------


def export_frame(store: Store, as_of: datetime | None, *, neutralise: bool = True) -> pd.DataFrame:
    """The rows of `python -m kpi export` and the API: current values as of `as_of`. CSV is opened by spreadsheets,
    so its cells are formula-neutralised; JSON is read by programs and keeps the text as stored."""
    frame = (
        store.current_values(as_of)[EXPORT_COLUMNS] if store.is_initialised() else pd.DataFrame(columns=EXPORT_COLUMNS)
    )
    return neutralise_formulas(frame) if neutralise else frame


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def export_csv(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    frame.assign(period=frame["period"].map(_iso), recorded_at=frame["recorded_at"].map(_iso)).to_csv(
        out, index=False, quoting=csv.QUOTE_MINIMAL
    )
    return out.getvalue()


def export_json(frame: pd.DataFrame) -> str:
    records = [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]
    return (
        json.dumps(
            records,
            default=lambda v: _iso(v) if isinstance(v, (date, datetime)) else str(v),
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )


# -- DCAT-AP.de --------------------------------------------------------------------------------


def _lit(text: str, lang: str = "de") -> dict:
    return {"@value": text, "@language": lang}


def _when(moment: datetime | date | None) -> dict | None:
    if moment is None:
        return None
    kind = "xsd:dateTime" if isinstance(moment, datetime) else "xsd:date"
    return {
        "@value": moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment.isoformat(),
        "@type": kind,
    }


def _distribution(
    base: str, path: str, fmt: str, title: str, conf: Settings, publisher: str, modified: datetime | None
) -> dict:
    media, file_type = MEDIA_TYPES[fmt]
    url = base + path
    return {
        "@id": url + "#distribution",
        "@type": "dcat:Distribution",
        "dct:title": _lit(title),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"http://www.iana.org/assignments/media-types/{media}"},
        "dct:format": {"@id": f"http://publications.europa.eu/resource/authority/file-type/{file_type}"},
        "dct:license": {"@id": conf.license},
        "dcatde:licenseAttributionByText": publisher,
        "dct:modified": _when(modified),
    }


def dcat_catalog(store: Store, base_url: str, conf: Settings | None = None) -> dict:
    """A DCAT-AP.de catalog (JSON-LD) of the datasets this service publishes, for GovData and city portals."""
    conf = conf or Settings()
    catalog = current_catalog(store)
    if catalog is None:
        raise ApiError(404, "no_strategy", "Der Speicher enthält noch keine Strategie.")
    base = base_url.rstrip("/")
    strategy = catalog.strategy
    publisher_name = conf.publisher or f"Stadt {strategy.city}"
    publisher = {"@type": "foaf:Agent", "foaf:name": publisher_name}
    if conf.publisher_url:
        publisher["foaf:homepage"] = {"@id": conf.publisher_url}
    values = store.current_values()
    modified = pd.Timestamp(values["recorded_at"].max()).to_pydatetime() if len(values) else None
    first = values["period"].min() if len(values) else None
    last = values["period"].max() if len(values) else None
    temporal = {"@type": "dct:PeriodOfTime", "dcat:startDate": _when(first), "dcat:endDate": _when(last)}
    illustrative = " Illustratives Beispiel: keine amtlichen Zahlen." if strategy.illustrative else ""
    common = {
        "dct:publisher": publisher,
        "dct:temporal": temporal,
        "dct:modified": _when(modified),
        "dct:spatial": _lit(strategy.city),
        "dcat:theme": [
            {"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"},
            {"@id": "http://publications.europa.eu/resource/authority/data-theme/TECH"},
        ],
        "dct:accessRights": {"@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"},
        "dcat:keyword": [
            _lit(w)
            for w in ("Digitalisierung", "Digitalstrategie", "Kennzahlen", "Smart City", "E-Government", strategy.city)
        ],
    }
    if conf.contributor_id:
        common["dcatde:contributorID"] = {"@id": conf.contributor_id}
    if conf.contact_email:
        common["dcat:contactPoint"] = {
            "@type": "vcard:Organization",
            "vcard:fn": publisher_name,
            "vcard:hasEmail": {"@id": f"mailto:{conf.contact_email}"},
        }
    datasets = [
        {
            "@id": f"{base}{API}/values.json#dataset",
            "@type": "dcat:Dataset",
            "dct:identifier": f"{strategy.id}-messwerte",
            "dct:title": _lit(f"Messwerte der Kennzahlen: {strategy.title}"),
            "dct:description": _lit(
                f"Aktuelle Messwerte aller Kennzahlen der Strategie „{strategy.title}“ "
                f"({strategy.city}), je Kennzahl und Zeitraum der neueste Stand; mit ?stand=JJJJ-MM-TT "
                "der Stand eines Tages." + illustrative
            ),
            **common,
            "dcat:distribution": [
                _distribution(base, f"{API}/values.csv", "csv", "Messwerte (CSV)", conf, publisher_name, modified),
                _distribution(base, f"{API}/values.json", "json", "Messwerte (JSON)", conf, publisher_name, modified),
            ],
        },
        {
            "@id": f"{base}{API}/kpis#dataset",
            "@type": "dcat:Dataset",
            "dct:identifier": f"{strategy.id}-kennzahlen",
            "dct:title": _lit(f"Kennzahlen mit Zielpfad und Status: {strategy.title}"),
            "dct:description": _lit(
                "Katalog der Kennzahlen mit Definition, Basis- und Zielwerten, aktuellem Status, "
                "Prognose, Revisionen der Werte und Kommentaren." + illustrative
            ),
            **common,
            "dcat:distribution": [
                _distribution(base, f"{API}/kpis", "json", "Kennzahlen (JSON)", conf, publisher_name, modified)
            ],
        },
        {
            "@id": f"{base}{API}/report.pdf#dataset",
            "@type": "dcat:Dataset",
            "dct:identifier": f"{strategy.id}-ausschussbericht",
            "dct:title": _lit(f"Ausschussbericht: {strategy.title}"),
            "dct:description": _lit(
                "Der Foliensatz für den Ausschuss als PDF, aus den aktuellen Daten." + illustrative
            ),
            **common,
            "dcat:distribution": [
                _distribution(
                    base, f"{API}/report.pdf", "pdf", "Ausschussbericht (PDF)", conf, publisher_name, modified
                )
            ],
        },
    ]
    return {
        "@context": DCAT_CONTEXT,
        "@id": f"{base}{API}/dcat.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _lit(f"Digitalcockpit {strategy.city}"),
        "dct:description": _lit(
            f"Offene Daten zur Strategie „{strategy.title}“ der Stadt {strategy.city}: "
            "Kennzahlen, Zielwerte, Messwerte und Status." + illustrative
        ),
        "dct:publisher": publisher,
        "dct:license": {"@id": conf.license},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "foaf:homepage": {"@id": base + "/"},
        "dct:modified": _when(modified),
        "dcat:dataset": datasets,
    }


# -- health ------------------------------------------------------------------------------------

HEALTH_SQL = (
    "SELECT (SELECT count(*) FROM kpi), (SELECT count(*) FROM measurement), (SELECT count(*) FROM upload), "
    "(SELECT max(created_at) FROM upload)"
)


def _counts(rows: tuple) -> dict:
    kpis, measurements, uploads, last = rows
    return {
        "kpis": int(kpis),
        "measurements": int(measurements),
        "uploads": int(uploads),
        "last_upload_at": _plain(last),
    }


def store_health(store: Store) -> tuple[int, dict]:
    """Whether the store opens read-only, with counts (for a city's monitoring): 200 and status "ok"; 200 and
    "busy" while an import holds the write lock; 503 and "error" when it cannot be read."""
    import duckdb
    import sqlalchemy as sa

    from kpi.store import StoreLockedError, _is_lock_error

    started = time_module.perf_counter()
    base = {"store": "duckdb" if store.is_duckdb else store.engine.url.get_backend_name()}
    try:
        if store.is_duckdb and store.path and store.path != ":memory:":
            try:
                with duckdb.connect(store.path, read_only=True) as con:
                    counts = _counts(con.execute(HEALTH_SQL).fetchone())
            except (duckdb.ConnectionException, duckdb.ResourceInUseException):  # this process has it open now
                with store.connect() as conn:
                    counts = _counts(tuple(conn.execute(sa.text(HEALTH_SQL)).one()))
        else:
            with store.connect() as conn:
                if not store.is_duckdb:  # PostgreSQL: the probe reads in a read-only transaction
                    conn.execute(sa.text("SET TRANSACTION READ ONLY"))
                counts = _counts(tuple(conn.execute(sa.text(HEALTH_SQL)).one()))
    except StoreLockedError:
        return 200, {"status": "busy", **base, "message": "Ein Import schreibt gerade."}
    except Exception as exc:  # noqa: BLE001 - the answer is the status, never a trace
        if _is_lock_error(exc):
            return 200, {"status": "busy", **base, "message": "Ein Import schreibt gerade."}
        return 503, {"status": "error", **base, "message": f"Speicher nicht lesbar ({type(exc).__name__})."}
    return 200, {
        "status": "ok",
        **base,
        "read_only": True,
        **counts,
        "ms": round((time_module.perf_counter() - started) * 1000, 1),
    }


# -- OpenAPI -----------------------------------------------------------------------------------


def _op(summary: str, media: str, *, kpi: bool = False, extra: dict | None = None) -> dict:
    stand = {
        "name": "stand",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "format": "date"},
        "description": "Stand eines Tages (was bis zu seinem Ende erfasst war), z. B. 2025-12-31.",
    }
    params = [stand] + (
        [{"name": "kpi_id", "in": "path", "required": True, "schema": {"type": "string"}}] if kpi else []
    )
    responses = {
        "200": {
            "description": "OK",
            "content": {media: {}},
            "headers": {"ETag": {"schema": {"type": "string"}}, "Last-Modified": {"schema": {"type": "string"}}},
        },
        "304": {"description": "Unverändert (If-None-Match)"},
        "400": {
            "description": "Ungültiger Stand",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
        "401": {"description": "Anmeldung nötig (öffentliche Ansicht aus)"},
    }
    if kpi:
        responses["404"] = {"description": "Unbekannte Kennzahl"}
    responses.update((extra or {}).get("responses", {}))  # an address's own answers beside the common ones
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


def _report_op(fmt: str, media: str) -> dict:
    return _op(
        f"Ausschussbericht ({fmt.upper()}) aus dem Zwischenspeicher",
        media,
        extra={
            "responses": {"200": {"description": fmt.upper()}, "202": {"description": "Wird erstellt; Retry-After"}}
        },
    )


def openapi(base_url: str = "") -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Digitalcockpit Open Data API",
            "version": "1.0.0",
            "description": "Lesender Zugriff auf Kennzahlen, Messwerte und Status; öffentlich, wenn die "
            "öffentliche Ansicht eingeschaltet ist, sonst mit dem Anmelde-Cookie.",
            "license": {"name": DEFAULT_LICENSE_TITLE, "url": DEFAULT_LICENSE},
        },
        "servers": [{"url": base_url.rstrip("/") or "/"}],
        "paths": {
            f"{API}/kpis": _op("Kennzahlen mit aktuellem Status", "application/json"),
            f"{API}/kpis/{{kpi_id}}": _op(
                "Eine Kennzahl: Zielpfad, Werte, Revisionen, Kommentare", "application/json", kpi=True
            ),
            f"{API}/values.csv": _op("Messwerte (wie `python -m kpi export`)", "text/csv"),
            f"{API}/values.json": _op("Messwerte (wie `python -m kpi export --format json`)", "application/json"),
            f"{API}/dcat.jsonld": _op("DCAT-AP.de-Katalog", "application/ld+json"),
            f"{API}/report.pdf": _report_op("pdf", "application/pdf"),
            f"{API}/report.pptx": _report_op(
                "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            ),
            f"{API}/openapi.json": {
                "get": {"summary": "Diese Beschreibung", "responses": {"200": {"description": "OK"}}}
            },
            "/healthz": {
                "get": {
                    "summary": "Zustand: Speicher lesbar, Anzahlen",
                    "responses": {"200": {"description": "OK"}, "503": {"description": "Speicher nicht lesbar"}},
                }
            },
            "/livez": {
                "get": {"summary": "Der Server antwortet (ohne Speicher)", "responses": {"200": {"description": "ok"}}}
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                    "required": ["error", "message"],
                }
            }
        },
    }
