"""`python -m kpi bench --api`: the open-data API under load on the loopback, beside a trivial route of the same
server in the same run (`/livez`, no store), so the figures say what the API itself costs.

The real server (`streamlit run app.py`, kpi.serve) over a copy of the demo store; N requests per route from C
concurrent clients with keep-alive connections, in interleaved rounds so that every route sees the same
machine load. Reported per route: p50, p95, requests per second, and the ratio of the medians to the trivial
route. Measured, never asserted in tests.
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from kpi.serve import start_server, stop_server

TRIVIAL = "/livez"
ROUTES = {
    "trivial /livez": (TRIVIAL, {}),
    "/api/v1/kpis": ("/api/v1/kpis", {}),
    "/api/v1/kpis/EG-03": ("/api/v1/kpis/EG-03", {}),
    "/api/v1/values.csv": ("/api/v1/values.csv", {}),
    "/api/v1/kpis?stand=2024-12-31": ("/api/v1/kpis?stand=2024-12-31", {}),
    "/api/v1/kpis (304)": ("/api/v1/kpis", {"If-None-Match": "<etag>"}),
}


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _load(host: str, port: int, path: str, headers: dict, count: int, clients: int) -> tuple[list[float], float, int]:
    """`count` GETs of `path` from `clients` threads, each over its own keep-alive connection."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    share = [count // clients + (1 if i < count % clients else 0) for i in range(clients)]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine = []
        for _ in range(n):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status not in (200, 304):
                errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in share if n]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors[0]


def _etag(host: str, port: int) -> str:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", "/api/v1/kpis")
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("ETag") or ""


def bench_api(requests: int = 2000, clients: int = 20, rounds: int = 4, db: Path | None = None) -> dict:
    """Start the server over a fresh demo store (or `db`), warm every route, then measure."""
    with tempfile.TemporaryDirectory(prefix="dc-api-bench-") as work:
        if db is None:
            from kpi.seed import seed
            from kpi.store import Store

            db = Path(work) / "kpi.duckdb"
            seed(Store(f"duckdb:///{db}"))
        proc, url = start_server(db, {"KPI_REPORT_PREBUILD": "0", "KPI_PUBLIC_VIEW": "1"})
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
            etag = _etag(host, port)
            routes = {
                name: (path, {k: (etag if v == "<etag>" else v) for k, v in headers.items()})
                for name, (path, headers) in ROUTES.items()
            }
            for path, headers in routes.values():  # warm: the first answer builds the cached payload
                _load(host, port, path, headers, clients, clients)
            samples: dict[str, list[float]] = {name: [] for name in routes}
            wall: dict[str, float] = {name: 0.0 for name in routes}
            errors: dict[str, int] = {name: 0 for name in routes}
            per_round = max(1, requests // rounds)
            for _ in range(rounds):
                for name, (path, headers) in routes.items():
                    latencies, seconds, failed = _load(host, port, path, headers, per_round, clients)
                    samples[name] += latencies
                    wall[name] += seconds
                    errors[name] += failed
        finally:
            stop_server(proc)
    base = statistics.median(samples["trivial /livez"])
    table = {}
    for name, latencies in samples.items():
        p50 = statistics.median(latencies)
        table[name] = {
            "requests": len(latencies),
            "p50_ms": p50 * 1000,
            "p95_ms": _percentile(latencies, 0.95) * 1000,
            "per_second": len(latencies) / wall[name],
            "ratio_p50": p50 / base,
            "errors": errors[name],
        }
    return {"requests": requests, "clients": clients, "rounds": rounds, "routes": table}


def api_report(results: dict) -> str:
    lines = [
        f"\nOpen-Data-API ({results['requests']} Anfragen je Adresse, {results['clients']} gleichzeitig, "
        f"{results['rounds']} Runden, Loopback)",
        f"{'Adresse':<34} {'p50 ms':>8} {'p95 ms':>8} {'Anfr./s':>8} {'× trivial':>10} {'Fehler':>7}",
    ]
    for name, row in results["routes"].items():
        lines.append(
            f"{name:<34} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['per_second']:>8.0f} "
            f"{row['ratio_p50']:>10.2f} {row['errors']:>7}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(api_report(bench_api()))
