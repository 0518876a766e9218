"""The read-only open-data API (/api/v1/…) and /healthz as Starlette handlers of the st.App.

Access: everyone while the public view is on, otherwise only a browser with a valid login cookie.
Answers are built once per store state (the store's change token, a stat) and request, and carry an ETag
and Last-Modified from that token, so a client that asks again with If-None-Match gets 304 without any
database work. Errors are JSON with a status code, never a trace.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from kpi import opendata, report_cache
from kpi.auth import public_view_enabled
from kpi.opendata import API, ApiError
from kpi.store import Store, StoreLockedError
from kpi.web import session

log = logging.getLogger("digitalcockpit")
JSON = "application/json"
READ_METHODS = ["GET", "HEAD"]  # the API only reads
_CACHE_SIZE = 256  # answers kept per process (each Stand asked for is one more) ...
_CACHE_BYTES = 64 * 1024 * 1024  # ... and at most this many bytes of them


class Api:
    """The handlers over one store; `secrets` reads .streamlit/secrets.toml (public view, open-data settings)."""

    def __init__(self, store: Callable[[], Store], secrets: Callable[[], Mapping]):
        self._store = store
        self._secrets = secrets
        self._cache: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0

    # -- helpers ----------------------------------------------------------------------------
    def _public(self) -> bool:
        return public_view_enabled(secrets=self._secrets())

    def _allowed(self, request: Request, store: Store) -> bool:
        return self._public() or session.request_user(request, store) is not None

    def _cached(self, key: tuple, make: Callable[[], tuple[bytes, str]]) -> tuple[bytes, str]:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        made = make()
        with self._lock:
            if len(made[0]) <= _CACHE_BYTES // 4:  # a huge export is made again rather than crowding out the rest
                self._cache[key] = made
                self._bytes += len(made[0])
            while self._cache and (len(self._cache) > _CACHE_SIZE or self._bytes > _CACHE_BYTES):
                _, (body, _media) = self._cache.popitem(last=False)
                self._bytes -= len(body)
        return made

    @staticmethod
    def _validators(store: Store, token: tuple, key: tuple) -> dict[str, str]:
        headers = {"ETag": '"' + hashlib.sha256(repr((token, key)).encode()).hexdigest()[:32] + '"'}
        if store.path and store.path != ":memory:":
            stamps = [part[2] for part in token if isinstance(part, tuple)]
            if stamps:
                moment = datetime.fromtimestamp(max(stamps) // 1_000_000_000, tz=UTC)
                headers["Last-Modified"] = format_datetime(moment, usegmt=True)
        return headers

    def base_url(self, request: Request) -> str:
        import os

        configured = os.environ.get("KPI_PUBLIC_URL", "").strip()
        if configured:
            return configured.rstrip("/")
        proto = request.headers.get("x-forwarded-proto", request.url.scheme).split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", request.headers.get("host", "localhost")).split(",")[0].strip()
        return f"{proto}://{host}{session.base_path()}"

    def _respond(
        self, request: Request, make: Callable[[Store, datetime | None], tuple[bytes, str]], *, dated: bool = True
    ) -> Response:
        """The common path: access rule, `?stand=`, cache by store state, ETag/304, errors as JSON."""
        try:
            store = self._store()
            public = self._public()
            if not public and session.request_user(request, store) is None:
                raise ApiError(401, "login_required", "Anmeldung nötig: die öffentliche Ansicht ist ausgeschaltet.")
            as_of = opendata.parse_stand(request.query_params.get("stand")) if dated else None
            token = store.change_token()
            key = (request.url.path, as_of, date.today(), self.base_url(request))
            headers = self._validators(store, token, key)
            headers["Cache-Control"] = "public, no-cache" if public else "private, no-cache"
            if public:
                headers["Access-Control-Allow-Origin"] = "*"
                headers["Access-Control-Expose-Headers"] = "ETag"  # Last-Modified is readable anyway
            if headers["ETag"] in _etags(request.headers.get("if-none-match")):
                return Response(status_code=304, headers=headers)
            body, media = self._cached((token, *key), lambda: make(store, as_of))
            return Response(body, media_type=media, headers=headers)
        except ApiError as exc:
            return error(exc.status, exc.code, exc.message)
        except StoreLockedError:
            return error(
                503,
                "busy",
                "Die Datenbank ist durch einen Import belegt; bitte gleich erneut versuchen.",
                {"Retry-After": "10"},
            )
        except Exception:  # noqa: BLE001 - the API's error boundary: the log gets the trace, the client a sentence
            log.exception("API request failed: %s", request.url.path)
            return error(500, "internal", "Interner Fehler; die IT ist informiert.")

    # -- endpoints ----------------------------------------------------------------------------
    def kpis(self, request: Request) -> Response:
        return self._respond(request, lambda store, as_of: _json(opendata.kpi_list(store, as_of)))

    def kpi(self, request: Request) -> Response:
        kpi_id = request.path_params["kpi_id"]
        return self._respond(request, lambda store, as_of: _json(opendata.kpi_detail(store, as_of, kpi_id)))

    def values_csv(self, request: Request) -> Response:
        return self._respond(
            request,
            lambda store, as_of: (
                opendata.export_csv(opendata.export_frame(store, as_of)).encode(),
                "text/csv; charset=utf-8",
            ),
        )

    def values_json(self, request: Request) -> Response:
        return self._respond(
            request,
            lambda store, as_of: (
                opendata.export_json(opendata.export_frame(store, as_of, neutralise=False)).encode(),
                JSON,
            ),
        )

    def dcat(self, request: Request) -> Response:
        base = self.base_url(request)
        conf = opendata.settings(secrets=self._secrets())
        return self._respond(
            request,
            lambda store, _: _json(opendata.dcat_catalog(store, base, conf), "application/ld+json"),
            dated=False,
        )

    def openapi(self, request: Request) -> Response:
        base = self.base_url(request)
        return self._respond(request, lambda store, _: _json(opendata.openapi(base)), dated=False)

    def report(self, request: Request) -> Response:
        """The committee report of a Stand from the disk cache; 202 and Retry-After while it is being made."""
        fmt = request.path_params["fmt"]
        try:
            store = self._store()
            if not self._allowed(request, store):
                raise ApiError(401, "login_required", "Anmeldung nötig: die öffentliche Ansicht ist ausgeschaltet.")
            as_of = opendata.parse_stand(request.query_params.get("stand"))
            stand = as_of.date() if as_of else date.today()
            lang = request.query_params.get("lang", report_cache.DEFAULT_LANG)
            if lang not in ("de", "en"):
                raise ApiError(400, "bad_lang", "lang muss de oder en sein.")
            path = report_cache.lookup(store, stand, lang, fmt)
            if path is not None:
                return _file(path, fmt, stand)
            if not report_cache.prebuild_enabled():  # no background builds here: made now, then cached
                return _file(report_cache.build(store, stand, lang, (fmt,))[0], fmt, stand)
            report_cache.schedule(store, stand, lang)
            running = report_cache.progress(store, stand, lang)
            state = (
                {
                    "status": "building",
                    "seconds": round(running.seconds, 1),
                    "message": "Der Bericht wird erstellt; bitte gleich erneut abrufen.",
                }
                if running
                else {
                    "status": "queued",
                    "seconds": 0.0,
                    "message": "Es werden gerade andere Berichte erstellt; bitte gleich erneut abrufen.",
                }
            )
            return JSONResponse(
                {**state, "stand": stand.isoformat()},
                status_code=202,
                headers={"Retry-After": "10", "Cache-Control": "no-store"},
            )
        except ApiError as exc:
            return error(exc.status, exc.code, exc.message)
        except Exception:  # noqa: BLE001
            log.exception("report request failed")
            return error(500, "internal", "Interner Fehler; die IT ist informiert.")

    def health(self, request: Request) -> Response:
        status, payload = opendata.store_health(self._store())
        return JSONResponse(payload, status_code=status, headers={"Cache-Control": "no-store"})

    @staticmethod
    def live(request: Request) -> Response:
        """Liveness without the store: the trivial route the API benchmark compares with."""
        return Response("ok\n", media_type="text/plain", headers={"Cache-Control": "no-store"})

    @staticmethod
    def not_found(request: Request) -> Response:
        if request.method not in READ_METHODS:
            return error(405, "method_not_allowed", "Die API ist nur lesend (GET, HEAD).", {"Allow": "GET, HEAD"})
        return error(404, "not_found", f"Unbekannte Adresse {request.url.path[:80]}; siehe {API}/openapi.json.")

    def routes(self) -> list[Route]:
        return [
            Route("/healthz", self.health, methods=READ_METHODS),
            Route("/livez", self.live, methods=READ_METHODS),
            Route(f"{API}/kpis", self.kpis, methods=READ_METHODS),
            Route(f"{API}/kpis/{{kpi_id}}", self.kpi, methods=READ_METHODS),
            Route(f"{API}/values.csv", self.values_csv, methods=READ_METHODS),
            Route(f"{API}/values.json", self.values_json, methods=READ_METHODS),
            Route(f"{API}/dcat.jsonld", self.dcat, methods=READ_METHODS),
            Route(f"{API}/openapi.json", self.openapi, methods=READ_METHODS),
            Route(f"{API}/report.{{fmt:str}}", self.report_checked, methods=READ_METHODS),
            # Every other address and method below /api: a JSON answer (404, or 405 for a write), never plain text.
            Route(
                "/api/{rest:path}", self.not_found, methods=[*READ_METHODS, "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
            ),
        ]

    def report_checked(self, request: Request) -> Response:
        if request.path_params["fmt"] not in report_cache.FORMATS:
            return self.not_found(request)
        return self.report(request)


def _etags(header: str | None) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in (header or "").split(",") if tag.strip()}


def _json(payload: object, media: str = JSON) -> tuple[bytes, str]:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(), media


def error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": code, "message": message},
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def _file(path: Path, fmt: str, stand: date) -> Response:
    from kpi.report import FORMATS

    name = f"digitalcockpit_stand_{stand.isoformat()}.{fmt}"
    return FileResponse(path, media_type=FORMATS[fmt], filename=name, headers={"Cache-Control": "private, max-age=60"})
