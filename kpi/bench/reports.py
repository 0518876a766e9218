"""`python -m kpi bench --reports`: time to the download of the committee report, uncached and cached.

The real server (kpi.serve) over a fresh demo store with its background prebuild off, so that the first request
for `/api/v1/report.<fmt>?stand=…` finds no file and waits for the build (answers 202 with Retry-After are
followed until the file comes); then the same request again, served from the disk cache (median of `runs`).
Measured, never asserted in tests.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from kpi.bench import load_avg
from kpi.serve import start_server, stop_server

STAND = "2025-12-31"


def _download(url: str) -> tuple[float, int]:
    """Seconds until the file arrives (following 202 + Retry-After), and its size in bytes."""
    start = time.perf_counter()
    while True:
        with urllib.request.urlopen(url, timeout=900) as answer:
            body = answer.read()
            if answer.status == 200:
                return time.perf_counter() - start, len(body)
            time.sleep(min(float(answer.headers.get("Retry-After") or 1), 5))


def bench_reports(formats: tuple[str, ...] = ("pdf", "pptx"), runs: int = 5) -> dict:
    from kpi.seed import seed
    from kpi.store import Store

    with tempfile.TemporaryDirectory(prefix="kpi-bench-reports-") as work:
        db = Path(work) / "kpi.duckdb"
        seed(Store(f"duckdb:///{db}"))
        env = {  # an empty report cache and chart folder: the first download draws every chart
            "KPI_REPORT_PREBUILD": "0",
            "KPI_PUBLIC_VIEW": "1",
            "KPI_REPORT_CACHE": str(Path(work) / "cache"),
            "KPI_CHART_CACHE": str(Path(work) / "charts"),
        }
        proc, url = start_server(db, env)
        try:
            results = {"stand": STAND, "runs": runs, "load_before": load_avg(), "formats": {}}
            for fmt in formats:
                address = f"{url}/api/v1/report.{fmt}?stand={STAND}"
                uncached, size = _download(address)
                cached = [_download(address)[0] for _ in range(runs)]
                results["formats"][fmt] = {
                    "uncached_s": uncached,
                    "cached_median_s": statistics.median(cached),
                    "bytes": size,
                    "ratio": uncached / statistics.median(cached),
                }
            results["load_after"] = load_avg()
            return results
        finally:
            stop_server(proc)


def reports_report(results: dict) -> str:
    lines = [
        f"\nAusschussbericht über /api/v1/report.<Format>?stand={results['stand']} (Last vorher "
        f"{results['load_before']:.2f}, nachher {results['load_after']:.2f})",
        f"{'Format':<8} {'ungecacht s':>12} {'gecacht s (Median ' + str(results['runs']) + ')':>24} "
        f"{'Faktor':>8} {'Größe':>10}",
    ]
    for fmt, row in results["formats"].items():
        lines.append(
            f"{fmt:<8} {row['uncached_s']:>12.2f} {row['cached_median_s']:>24.3f} {row['ratio']:>8.0f} "
            f"{row['bytes'] / 1e6:>8.1f} MB"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(reports_report(bench_reports()))
