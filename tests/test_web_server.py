"""The st.App's lifespan watcher (kpi.web.server.watch_store): today's committee reports are scheduled at start
and again after every write to the store, once the write has settled."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from kpi import report_cache
from kpi.store import Store
from kpi.web import server


def test_watcher_schedules_reports_at_start_and_after_each_write(seeded_store: Store, monkeypatch):
    calls: list[tuple] = []
    monkeypatch.setattr(
        report_cache, "schedule_default_reports", lambda store: calls.append(store.change_token()) or True
    )
    stop = threading.Event()
    watcher = threading.Thread(target=server.watch_store, args=(seeded_store, stop, 0.1), daemon=True)
    watcher.start()
    try:
        deadline = time.monotonic() + 20
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(calls) == 1  # at start
        time.sleep(0.5)
        assert len(calls) == 1  # nothing changed, nothing scheduled
        seeded_store.add_comment("EG-01", date(2025, 12, 31), "Neuer Kommentar", author="it")
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(calls) == 2 and calls[1] == seeded_store.change_token()
    finally:
        stop.set()
        watcher.join(5)
    assert not watcher.is_alive()


def test_app_options_name_the_routes_the_readme_promises():
    paths = {getattr(route, "path", "") for route in server.app_options()["routes"]}
    assert {
        "/healthz",
        "/livez",
        "/auth/claim",
        "/auth/session/logout",
        "/api/v1/kpis",
        "/api/v1/kpis/{kpi_id}",
        "/api/v1/values.csv",
        "/api/v1/values.json",
        "/api/v1/dcat.jsonld",
        "/api/v1/openapi.json",
    } <= paths


def test_api_bench_report_names_every_route_with_its_ratio_to_the_trivial_one():
    from kpi.bench.api import api_report

    row = {"requests": 2000, "p50_ms": 2.0, "p95_ms": 5.0, "per_second": 900.0, "ratio_p50": 1.0, "errors": 0}
    text = api_report(
        {
            "requests": 2000,
            "clients": 20,
            "rounds": 4,
            "routes": {"trivial /livez": row, "/api/v1/kpis": {**row, "p50_ms": 3.0, "ratio_p50": 1.5}},
        }
    )
    assert "2000 Anfragen je Adresse, 20 gleichzeitig" in text
    assert any(line.startswith("/api/v1/kpis") and "1.50" in line for line in text.splitlines())


# `<html lang>` on the first paint (kpi.web.server.HtmlLang), over Streamlit's own page handler and gzip.


def _streamlit_pages():
    """Streamlit's static handler (index.html, the SPA fallback for page paths) behind its gzip middleware, as the
    st.App stacks them: our middleware outside."""
    from streamlit import file_util
    from streamlit.web.server.starlette.starlette_gzip_middleware import SelectiveGZipMiddleware
    from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_handler

    static = create_streamlit_static_handler(directory=file_util.get_static_dir(), base_url=None)
    return server.HtmlLang(SelectiveGZipMiddleware(static, minimum_size=1000, compresslevel=6))


def _get(app, path: str, query: str = "", headers: dict[str, str] | None = None, method: str = "GET"):
    """One request through the ASGI app: (status, headers, body as sent)."""
    import asyncio

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "server": ("127.0.0.1", 8501),
        "client": ("127.0.0.1", 5000),
    }
    sent: list[dict] = []

    requested = []

    async def receive():
        if requested:  # the response waits for a disconnect meanwhile: none comes
            await asyncio.Event().wait()
        requested.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # In a thread of its own: a browser test earlier in this worker may leave Playwright's loop running here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body


def _lang(body: bytes, head: dict[str, str]) -> str:
    import gzip
    import re

    if head.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return re.search(rb'<html[^>]*\slang="([^"]*)"', body).group(1).decode()


@pytest.mark.parametrize(
    "path, query, lang",
    [
        ("/", "", "de"),  # German by default (not in the URL)
        ("/", "lang=en", "en"),
        ("/kennzahlen", "kpi=EG-03&lang=en", "en"),  # a page path: the SPA fallback, gzip'd by Streamlit
        ("/kennzahlen", "lang=fr", "de"),  # an unknown language is the default
        ("/massnahmen", "", "de"),
    ],
)
def test_page_says_its_language_in_the_first_html(path, query, lang):
    status, head, body = _get(_streamlit_pages(), path, query, {"accept-encoding": "gzip"})
    assert status == 200 and head["content-type"].startswith("text/html")
    assert _lang(body, head) == lang
    assert int(head["content-length"]) == len(body)
    assert head["etag"].endswith(f'-{lang}"')


def test_gzipd_page_is_rewritten_and_packed_again():
    status, head, body = _get(_streamlit_pages(), "/kennzahlen", "", {"accept-encoding": "gzip"})
    assert status == 200 and head.get("content-encoding") == "gzip"  # Streamlit packs every path but "/"
    assert _lang(body, head) == "de" and int(head["content-length"]) == len(body)
    status, plain, body = _get(_streamlit_pages(), "/kennzahlen")  # a client without gzip
    assert "content-encoding" not in plain and _lang(body, plain) == "de"


def test_etag_differs_per_language_and_revalidates():
    app = _streamlit_pages()
    _, german, _ = _get(app, "/")
    _, english, _ = _get(app, "/", "lang=en")
    assert german["etag"] != english["etag"]
    status, again, body = _get(app, "/", "", {"if-none-match": german["etag"]})
    assert status == 304 and body == b"" and again["etag"] == german["etag"]  # unchanged: Streamlit's 304
    status, _, body = _get(app, "/", "", {"if-none-match": english["etag"]})
    assert status == 200 and _lang(body, {}) == "de"  # the other language's tag is not this page


def test_other_answers_pass_untouched():
    app = _streamlit_pages()
    status, head, body = _get(app, "/manifest.json")
    assert status == 200 and not head.get("etag", "").endswith('-de"')
    status, head, _ = _get(app, "/", method="HEAD")
    assert status == 200 and head["etag"].endswith('-de"')
