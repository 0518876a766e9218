"""Start and stop a real Streamlit server on a free port: shared by the browser tests and the page benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    db_path: Path | str | None,
    extra_env: dict[str, str] | None = None,
    app: str = "app.py",
    cwd: Path = ROOT,
    timeout: float = 60,
) -> tuple[subprocess.Popen, str]:
    """Run `streamlit run app` over the DuckDB file `db_path` (None: leave KPI_DB_URL as it is); returns the
    process and its base URL once the health check answers. The server's output goes to a log file (a pipe that
    nobody reads would fill up and stall the server); `proc.log_path` names it."""
    port = free_port()
    env = {**os.environ, **({"KPI_DB_URL": f"duckdb:///{db_path}"} if db_path else {}), **(extra_env or {})}
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            app,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    proc.log_path = log.name
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    output = server_log(proc)
    stop_server(proc)
    raise RuntimeError("streamlit server did not start: " + output[-2000:])


def server_log(proc: subprocess.Popen) -> str:
    path = getattr(proc, "log_path", None)
    return Path(path).read_text(errors="replace") if path and os.path.exists(path) else ""


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    path = getattr(proc, "log_path", None)
    if path and os.path.exists(path):
        os.unlink(path)


def wait_for_app(page, timeout: float = 30000) -> None:
    """Streamlit has finished the run: the app is idle (no running indicator), something is drawn, and no
    element still shows its loading skeleton (widgets are loaded lazily by the browser)."""
    page.wait_for_selector("[data-testid='stMain']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] *').length > 10",
        timeout=timeout,
    )
