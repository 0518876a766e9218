"""The st.App around the Streamlit script: the routes beside the pages (open-data API, /healthz, the login
cookie's /auth routes), a small middleware, and a lifespan that prepares the committee reports in the
background whenever the store changes.

app.py defines `app = st.App(__file__, **server.app_options())`: `streamlit run app.py` serves it (Streamlit
finds the st.App in the script), and so does any ASGI server, e.g. `uvicorn app:app` behind a reverse proxy.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from starlette.datastructures import QueryParams
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kpi import i18n, report_cache
from kpi.store import Store
from kpi.web import session
from kpi.web.api import Api
from kpi.web.session import read_secrets

log = logging.getLogger("digitalcockpit")
WATCH_SECONDS = 2.0


@cache
def get_store() -> Store:
    """One Store per server process for the routes (it keeps no database file open)."""
    return Store()


def routes() -> list[Route]:
    api = Api(get_store, read_secrets)
    return [
        Route("/auth/claim", session.claim_route(get_store), methods=["GET"]),
        Route("/auth/session/logout", session.logout_route(get_store), methods=["GET", "POST"]),
        *api.routes(),
    ]


class SecurityHeaders:
    """Headers a city's web team expects on every answer of our own routes (Streamlit sets its own)."""

    PREFIXES = ("/api/", "/auth/", "/healthz", "/livez")

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.PREFIXES):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for name, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ):
                    if name not in names:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class HtmlLang:
    """`<html lang>` in the UI language from the first paint (WCAG 3.1.1): Streamlit's page says `lang="en"`
    whatever the language, and the script in kpi.web.a11y corrects it only after the app has drawn. The language
    is the URL's `?lang=` (the sidebar keeps it there; German is the default and is left out of the URL).

    The page may come gzip'd (Streamlit compresses it on every path but "/"): it is unpacked, rewritten and packed
    again, with its Content-Length. Its ETag gets the language (`"…-de"`, `"…-en"`), so that a cache never answers
    one language with the other; If-None-Match loses that suffix on the way in, so that Streamlit's own
    revalidation (304) still works, and the 304 carries the suffix again."""

    HTML_TAG = re.compile(rb'<html([^>]*?)\slang="[^"]*"')

    def __init__(self, app: ASGIApp):
        self.app = app

    @staticmethod
    def language(scope: Scope) -> str:
        lang = QueryParams(scope.get("query_string", b"").decode("latin-1")).get("lang")
        return lang if lang in i18n.LANGS else "de"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        lang = self.language(scope)
        suffix = f"-{lang}".encode()
        ours = re.compile(re.escape(suffix) + rb'"')
        headers, asked_ours = [], False
        for name, value in scope.get("headers", []):
            if name == b"if-none-match" and ours.search(value):  # "abc-de" -> "abc" (another language's stays)
                value, asked_ours = ours.sub(b'"', value), True
            headers.append((name, value))
        scope = {**scope, "headers": headers}
        start: Message | None = None
        body: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kind = dict((k.lower(), v) for k, v in message.get("headers", [])).get(b"content-type", b"")
                if message["status"] == 200 and kind.startswith(b"text/html"):
                    start = message  # held back until the whole page is here
                elif message["status"] == 304 and asked_ours:
                    await send(self.with_etag(message, suffix))
                else:
                    await send(message)
                return
            if start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if not message.get("more_body", False):
                page = self.rewrite_page(start, b"".join(body), lang)
                await send(self.with_etag(start, suffix, len(page) if page else None))
                await send({"type": "http.response.body", "body": page, "more_body": False})

        await self.app(scope, receive, rewrite)

    @classmethod
    def rewrite_page(cls, start: Message, page: bytes, lang: str) -> bytes:
        if not page:  # HEAD: only the headers change
            return page
        packed = any(k.lower() == b"content-encoding" and v.strip() == b"gzip" for k, v in start.get("headers", []))
        text = gzip.decompress(page) if packed else page
        text = cls.HTML_TAG.sub(b'<html\\1 lang="' + lang.encode() + b'"', text, count=1)
        return gzip.compress(text, mtime=0) if packed else text

    @staticmethod
    def with_etag(message: Message, suffix: bytes, length: int | None = None) -> Message:
        headers = []
        for name, value in message.get("headers", []):
            if name.lower() == b"etag" and value.endswith(b'"'):
                value = value[:-1] + suffix + b'"'
            elif name.lower() == b"content-length" and length is not None:
                value = str(length).encode()
            headers.append((name, value))
        return {**message, "headers": headers}


def middleware() -> list[Middleware]:
    return [Middleware(SecurityHeaders), Middleware(HtmlLang)]


def watch_store(store: Store, stop: threading.Event, interval: float = WATCH_SECONDS) -> None:
    """Prepare today's committee reports at start and whenever the store changes (an import, an undo, a
    catalog change, from the pages or the command line), once the change has settled for one interval."""
    seen = None
    while not stop.is_set():
        try:
            token = store.change_token()
            if token != seen:
                stop.wait(interval)
                if store.change_token() == token:
                    report_cache.schedule_default_reports(store)
                    seen = token
                continue
        except Exception:  # noqa: BLE001 - the watcher must outlive a locked or missing store
            log.exception("report watcher")
        stop.wait(interval)


def enable_tcp_nodelay() -> None:
    """Send small answers at once. `streamlit run` binds its listening socket without naming the protocol
    (proto 0), and asyncio switches Nagle's algorithm off only for sockets that name TCP: every response with
    a body then waited for the client's delayed ACK, 40-45 ms on the loopback (measured; a 304 without body
    took 1 ms). asyncio asks this function for every new connection, so widening it to proto 0 fixes that
    for the whole server. Under `uvicorn app:app` the sockets name TCP already."""
    import asyncio.base_events as base_events
    import socket

    if getattr(base_events._set_nodelay, "digitalcockpit", False) or not hasattr(socket, "TCP_NODELAY"):
        return

    def set_nodelay(sock: socket.socket) -> None:
        if (
            sock.family in {socket.AF_INET, socket.AF_INET6}
            and sock.type == socket.SOCK_STREAM
            and sock.proto in (0, socket.IPPROTO_TCP)
        ):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    set_nodelay.digitalcockpit = True
    base_events._set_nodelay = set_nodelay


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    enable_tcp_nodelay()
    stop = threading.Event()
    watcher = None
    if report_cache.prebuild_enabled():
        watcher = threading.Thread(target=watch_store, args=(get_store(), stop), name="report-watcher", daemon=True)
        watcher.start()
    try:
        yield
    finally:
        stop.set()
        if watcher is not None:
            await asyncio.to_thread(watcher.join, 5)


def app_options() -> dict:
    """The keyword arguments of app.py's st.App."""
    return {"routes": routes(), "middleware": middleware(), "lifespan": lifespan}
