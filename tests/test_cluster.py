"""The proxy in front of several servers (deploy/nginx/digitalcockpit.conf, kpi.cluster): the tested file itself
is what nginx runs; a browser's route cookie keeps all its requests (page, WebSocket, upload) on one server, new
browsers are spread over all of them, and a server that is down is skipped. The backends here are two tiny HTTP
servers that name themselves (the real app behind the proxy: tests/e2e/test_cluster_e2e.py)."""

from __future__ import annotations

import re
import shutil
import threading
import tomllib
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kpi.cluster import SITE_CONFIG, find_nginx, site_config, start_proxy
from kpi.serve import ROOT

needs_nginx = pytest.mark.skipif(
    find_nginx() is None,
    reason="nginx fehlt (Debian: `apt-get install nginx` als "
    "root; `make test` tut das): kein Test des Proxys mit Sitzungsbindung",
)


def test_the_site_config_names_each_server_and_listens_on_the_loopback_only():
    text = site_config(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"], 8111)
    upstream = re.search(r"upstream digitalcockpit \{(.*?)\}", text, re.S).group(1)
    assert re.findall(r"^\s*server (\S+)", upstream, re.M) == ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    assert "hash $dc_route consistent;" in upstream
    assert re.findall(r"^\s*listen (\S+);", text, re.M) == ["127.0.0.1:8111"]


def test_the_deployed_config_carries_websockets_for_a_day_and_lets_uploads_through():
    text = SITE_CONFIG.read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert "proxy_http_version 1.1;" in text
    assert int(re.search(r"proxy_read_timeout (\d+)s;", text).group(1)) >= 3600
    limit = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    streamlit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert limit >= streamlit


class _Named(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server asks for
        body = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815 - an upload goes where the page went

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def backends() -> Iterator[list[ThreadingHTTPServer]]:
    servers = []
    for name in ("A", "B"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Named)
        server.name = name
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def _get(url: str, cookie: str | None = None, method: str = "GET") -> tuple[str, str | None]:
    request = urllib.request.Request(
        url, method=method, data=b"x" if method == "POST" else None, headers={"Cookie": cookie} if cookie else {}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode(), response.headers.get("Set-Cookie")


@needs_nginx
@pytest.mark.processes
def test_a_route_cookie_keeps_a_browser_on_one_server_and_new_browsers_are_spread(backends):
    upstreams = [f"127.0.0.1:{server.server_address[1]}" for server in backends]
    proc, url, folder = start_proxy(upstreams, health="/")
    try:
        homes = {}
        for _ in range(40):  # new browsers: a random route each, so both servers get some
            name, set_cookie = _get(url + "/")
            assert set_cookie.startswith("dc_route=") and "HttpOnly" in set_cookie
            cookie = set_cookie.split(";")[0]
            homes[cookie] = name
        assert set(homes.values()) == {"A", "B"}
        for cookie, home in list(homes.items())[:10]:
            answers = {
                _get(url + path, cookie, method)[0]
                for path, method in (
                    ("/kennzahlen", "GET"),
                    ("/_stcore/stream", "GET"),
                    ("/_stcore/upload_file/s/f", "POST"),
                )
            }
            assert answers == {home}
            assert _get(url + "/", cookie)[1] is None  # the cookie is given once

        backends[0].shutdown()  # server A is down: its browsers go on at B (a new Streamlit session there)
        backends[0].server_close()
        stranded = next(cookie for cookie, home in homes.items() if home == "A")
        assert _get(url + "/", stranded)[0] == "B"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
