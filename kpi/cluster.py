"""Several Streamlit servers behind one nginx on the loopback: `python -m kpi cluster`, the proxy tests and the
load test. nginx runs with deploy/nginx/digitalcockpit.conf itself (only the upstream servers and the listen
line replaced), from a temporary folder that holds its pid, logs and buffers, so nothing outside it changes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kpi.serve import ROOT, free_port, start_server, stop_server

SITE_CONFIG = ROOT / "deploy" / "nginx" / "digitalcockpit.conf"
_UPSTREAM_SERVER = re.compile(r"^\s*server 127\.0\.0\.1:\d+[^;\n]*;\n", re.M)
_LISTEN = re.compile(r"^(\s*)listen 8080;$", re.M)
# One line per request: what the affinity tests read (which server answered which route cookie).
LOG_FORMAT = "'$request_method $uri $status $upstream_addr $dc_route $request_time'"


def find_nginx() -> str | None:
    """KPI_NGINX, else nginx on the PATH, else Debian's /usr/sbin/nginx (not on a normal user's PATH)."""
    for candidate in (os.environ.get("KPI_NGINX", "").strip(), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def site_config(upstreams: list[str], listen: int) -> str:
    """deploy/nginx/digitalcockpit.conf with these upstream servers ("127.0.0.1:8501") and the loopback port."""
    text = SITE_CONFIG.read_text()
    anchor = "    hash $dc_route consistent;\n"
    if anchor not in text or not _UPSTREAM_SERVER.search(text) or not _LISTEN.search(text):
        raise ValueError(f"{SITE_CONFIG} lacks the hash line, the upstream servers or `listen 8080;`")
    text = _UPSTREAM_SERVER.sub("", text)
    servers = "".join(f"    server {address} max_fails=3 fail_timeout=10s;\n" for address in upstreams)
    text = text.replace(anchor, anchor + servers)
    return _LISTEN.sub(rf"\1listen 127.0.0.1:{listen};", text)


def main_config(site: str, folder: Path) -> str:
    """A whole nginx.conf around the site: pid, logs and temporary files inside `folder`."""
    temp = "\n".join(
        f"    {name}_temp_path {folder / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{
    worker_connections 4096;
}}
http {{
    log_format affinity {LOG_FORMAT};
    access_log {folder / "access.log"} affinity;
{temp}
{site}
}}
"""


@dataclass
class Cluster:
    """N servers on one store and nginx in front; `url` is the one address."""

    url: str = ""
    folder: Path | None = None  # nginx's files (config, logs, buffers)
    servers: list = field(default_factory=list)  # (process, url)
    nginx: subprocess.Popen | None = None

    @property
    def server_urls(self) -> list[str]:
        return [url for _, url in self.servers]

    def access_log(self) -> list[dict]:
        return access_log(self.folder)

    def stop(self) -> None:
        if self.nginx is not None:
            _stop(self.nginx)
        for proc, _ in self.servers:
            stop_server(proc)
        self.servers = []
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def access_log(folder: Path) -> list[dict]:
    """The proxy's requests so far: method, path, status, upstream ("127.0.0.1:port"), route (cookie or new)."""
    path = folder / "access.log"
    rows = []
    for line in path.read_text().splitlines() if path.exists() else ():
        parts = line.split(" ")
        if len(parts) >= 5:
            rows.append(
                {"method": parts[0], "path": parts[1], "status": parts[2], "upstream": parts[3], "route": parts[4]}
            )
    return rows


def _wait_for(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nginx did not answer {url}")


def start_proxy(
    upstreams: list[str], port: int | None = None, timeout: float = 60, health: str = "/livez"
) -> tuple[subprocess.Popen, str, Path]:
    """nginx with deploy/nginx/digitalcockpit.conf in front of `upstreams` ("127.0.0.1:8501"), on `port` (a free
    one if None), from a new temporary folder; returns the process, its URL and the folder. Raises RuntimeError
    when nginx is missing or does not start."""
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError("nginx fehlt: `apt-get install nginx` (als root) oder KPI_NGINX=/pfad/zu/nginx")
    folder = Path(tempfile.mkdtemp(prefix="dc-cluster-"))
    # nginx's workers run as `nobody` when the master is root: they must reach the buffers for uploads.
    folder.chmod(0o755)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir()
        (folder / name).chmod(0o777)
    port = port or free_port()
    conf = folder / "nginx.conf"
    conf.write_text(main_config(site_config(upstreams, port), folder))
    with open(folder / "nginx.out", "wb") as log:
        proc = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + health, proc, timeout)
    except RuntimeError:
        _stop(proc)
        errors = (folder / "nginx.out").read_text(errors="replace")
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"nginx did not start: {errors[-1500:]}") from None
    return proc, url, folder


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def start_cluster(
    db_path: Path | str | None,
    servers: int = 2,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float = 90,
) -> Cluster:
    """Start `servers` Streamlit servers over the DuckDB file `db_path` (None: KPI_DB_URL as set, e.g. a
    PostgreSQL URL) and nginx in front on `port` (a free one if None). Raises RuntimeError when nginx is missing."""
    if find_nginx() is None:
        raise RuntimeError("nginx fehlt: `apt-get install nginx` (als root) oder KPI_NGINX=/pfad/zu/nginx")
    cluster = Cluster()
    try:
        for _ in range(servers):
            cluster.servers.append(start_server(db_path, extra_env, timeout=timeout))
        upstreams = [url.removeprefix("http://") for url in cluster.server_urls]
        cluster.nginx, cluster.url, cluster.folder = start_proxy(upstreams, port, timeout)
        return cluster
    except BaseException:
        cluster.stop()
        raise


def run(args, store) -> int:
    """`python -m kpi cluster`: start the servers and the proxy, print the address, run until Ctrl-C."""
    db = store.path if store.path and store.path != ":memory:" else None
    extra = None if db else {"KPI_DB_URL": store.url}  # e.g. PostgreSQL: every server on the same database
    try:
        with start_cluster(db, servers=args.servers, port=args.port, extra_env=extra) as cluster:
            print(
                f"Digitalcockpit: {cluster.url} (nginx) vor {len(cluster.servers)} Servern: "
                f"{', '.join(cluster.server_urls)}. Beenden mit Strg+C.",
                flush=True,
            )
            while cluster.nginx.poll() is None and all(proc.poll() is None for proc, _ in cluster.servers):
                time.sleep(1)
    except KeyboardInterrupt:  # Ctrl+C, also while the servers start: start_cluster has stopped them
        return 0
    except RuntimeError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    return 1  # a server or nginx ended by itself


def add_parsers(sub) -> None:
    p = sub.add_parser("cluster", help="mehrere App-Server hinter nginx auf dem Loopback starten (Test, Lastmessung)")
    p.add_argument("--servers", type=int, default=2, help="Zahl der Streamlit-Server (Standard 2)")
    p.add_argument("--port", type=int, default=8080, help="Port von nginx (Standard 8080)")
    p.set_defaults(func=run)
