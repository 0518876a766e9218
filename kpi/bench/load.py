"""`python -m kpi loadtest`: many users at once on the loopback, bounded in time. N headless Chromium sessions
open pages (time until the first chart is drawn), C API clients read the open-data API, and the IT office
imports a file with the command line every few seconds; against one server and against two behind nginx
(kpi.cluster), each over a fresh copy of the demo store. Reported: page-load and API p50/p95, requests per
second, errors, the imports, memory of the server processes and of Chromium, and the load average. Measured,
never asserted in tests."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from kpi.serve import ROOT

PAGES = ("/", "/themenfelder", "/kennzahlen?kpi=EG-03", "/massnahmen")  # each draws charts for everyone
API = ("/api/v1/kpis", "/api/v1/kpis/EG-03", "/api/v1/values.csv")
CHART = ".js-plotly-plot .main-svg"
PAGE_TIMEOUT_MS = 90_000
FAILED = (
    "[data-testid='stException']",
    "text=Diese Ansicht konnte nicht geladen werden",
    "text=Die Datenbank ist gerade durch einen Import belegt",
)
# The IT office's file: two versions of the same rows, so that every import writes new revisions.
IMPORTS = (
    "Kennzahl;Zeitraum;Wert\r\nEG-02;2025;23.456\r\nEG-03;2025;61,5\r\n",
    "Kennzahl;Zeitraum;Wert\r\nEG-02;2025;21.004\r\nEG-03;2025;58,0\r\n",
)


def percentile(samples: list[float], share: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) one process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    """Memory of these processes and all their descendants (from /proc), in MB: the proportional set size
    (shared pages divided among their users, so that Chromium's processes are not counted many times over),
    else the resident set."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, todo, seen = 0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(children.get(pid, ()))
        total += _memory_kb(pid)
    return total / 1024


def _memory_kb(pid: int) -> int:
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


def playwright_pids() -> list[int]:
    """Our Playwright driver (a child of this process): its descendants are the Chromium of this run only."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (entry / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue
            if parent == os.getpid() and b"playwright" in cmd:
                pids.append(int(entry.name))
    return pids


async def browser_sessions(url: str, sessions: int, deadline: float, result: dict) -> None:
    """`sessions` browser contexts (own cookies: a new Streamlit session and, behind nginx, its own route),
    each opening the pages in turn until the deadline; seconds until the first chart of each page is drawn."""
    from playwright.async_api import async_playwright

    from kpi.browser import LAUNCH_ARGS, find_chromium

    async def one(browser, number: int) -> None:
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        page = await context.new_page()
        turn = number
        try:
            while time.monotonic() < deadline:
                path = PAGES[turn % len(PAGES)]
                turn += 1
                started = time.perf_counter()
                try:
                    await page.goto(url + path, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
                    await page.wait_for_selector(CHART, state="visible", timeout=PAGE_TIMEOUT_MS)
                    result["page_s"].append(time.perf_counter() - started)
                    for selector in FAILED:
                        if await page.locator(selector).count():
                            result["page_errors"].append(f"{path}: {selector}")
                except Exception as exc:  # noqa: BLE001 - a timeout or a closed page is an error of the run
                    result["page_errors"].append(f"{path}: {str(exc).splitlines()[0][:120]}")
        finally:
            await context.close()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        sampler = asyncio.create_task(_sample_chromium(deadline, result))
        await asyncio.gather(*(one(browser, i) for i in range(sessions)))
        sampler.cancel()
        await browser.close()


async def _sample_chromium(deadline: float, result: dict) -> None:
    while time.monotonic() < deadline:
        await asyncio.sleep(5)
        result["chromium_mb"] = max(result.get("chromium_mb", 0.0), rss_mb(playwright_pids()))


def api_client(url: str, deadline: float, result: dict, lock: threading.Lock, number: int, interval: float) -> None:
    """One keep-alive client asking the API in turn until the deadline, a request every `interval` seconds
    (0: as fast as the answers come)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    mine, errors, turn = [], [], number
    while time.monotonic() < deadline:
        path = API[turn % len(API)]
        turn += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status not in (200, 304):
                errors.append(f"{path}: HTTP {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{path}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        time.sleep(max(0.0, interval - (time.perf_counter() - started)))
    conn.close()
    with lock:
        result["api_s"].extend(mine)
        result["api_errors"].extend(errors)


def importer(db_url: str, every: float, deadline: float, result: dict, folder: Path) -> None:
    """The IT office: `python -m kpi import` every `every` seconds, alternating two versions of a file."""
    turn = 0
    while time.monotonic() + every < deadline:
        time.sleep(every)
        file = folder / f"messwerte-{turn % 2}.csv"
        file.write_bytes(IMPORTS[turn % 2].encode("cp1252"))
        turn += 1
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "kpi", "--db", db_url, "import", str(file), "--user", "it", "--confirm-implausible"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        result["import_s"].append(time.perf_counter() - started)
        if done.returncode != 0:
            result["import_errors"].append(done.stderr.strip()[:200])


def run_scenario(
    source: Path | str,
    servers: int,
    sessions: int,
    clients: int,
    seconds: float,
    import_every: float,
    api_interval: float = 0.5,
) -> dict:
    """One run: a fresh copy of the DuckDB file `source` (or the database at the URL `source`, e.g. a
    PostgreSQL test database), `servers` servers behind nginx, the load for `seconds`."""
    from kpi.cluster import start_cluster

    folder = Path(tempfile.mkdtemp(prefix="dc-load-"))
    if isinstance(source, Path):
        db, env = folder / "kpi.duckdb", {}
        db.write_bytes(source.read_bytes())
        db_url = f"duckdb:///{db}"
    else:
        db, env, db_url = None, {"KPI_DB_URL": source}, source
    result: dict = {
        "servers": servers,
        "sessions": sessions,
        "api_clients": clients,
        "seconds": seconds,
        "page_s": [],
        "page_errors": [],
        "api_s": [],
        "api_errors": [],
        "import_s": [],
        "import_errors": [],
    }
    # Without the background report builds: with an import every few seconds each server would start a PDF
    # and PowerPoint build (a minute of Chromium) on every change, which is not what a city's day looks like.
    with start_cluster(db, servers=servers, extra_env={**env, "KPI_REPORT_PREBUILD": "0"}) as cluster:
        load_before = os.getloadavg()[0]
        cpu_before = [cpu_seconds(proc.pid) for proc, _ in cluster.servers]
        deadline = time.monotonic() + seconds
        lock = threading.Lock()
        threads = [
            threading.Thread(target=api_client, args=(cluster.url, deadline, result, lock, i, api_interval))
            for i in range(clients)
        ]
        threads.append(threading.Thread(target=importer, args=(db_url, import_every, deadline, result, folder)))
        for thread in threads:
            thread.start()
        started = time.monotonic()
        if sessions:
            asyncio.run(browser_sessions(cluster.url, sessions, deadline, result))
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        result["server_mb"] = [round(rss_mb([proc.pid])) for proc, _ in cluster.servers]
        result["server_cpu_s"] = round(sum(cpu_seconds(proc.pid) for proc, _ in cluster.servers) - sum(cpu_before), 1)
        result["load_before"], result["load_after"] = round(load_before, 2), round(os.getloadavg()[0], 2)
    shutil.rmtree(folder, ignore_errors=True)
    return summarise(result, elapsed)


def summarise(result: dict, elapsed: float) -> dict:
    pages, api = result.pop("page_s"), result.pop("api_s")
    imports = result.pop("import_s")
    ms = lambda v: None if v is None else round(v * 1000, 1)
    result.update(
        {
            "pages": len(pages),
            "page_p50_ms": ms(percentile(pages, 0.5)),
            "page_p95_ms": ms(percentile(pages, 0.95)),
            "pages_per_s": round(len(pages) / elapsed, 2),
            "elapsed_s": round(elapsed),
            "api_requests": len(api),
            "api_p50_ms": ms(percentile(api, 0.5)),
            "api_p95_ms": ms(percentile(api, 0.95)),
            "api_per_s": round(len(api) / elapsed, 1),
            "imports": len(imports),
            "import_median_s": round(statistics.median(imports), 2) if imports else None,
            "page_error_count": len(result["page_errors"]),
            "api_error_count": len(result["api_errors"]),
        }
    )
    result["page_errors"] = result["page_errors"][:10]
    result["api_errors"] = result["api_errors"][:10]
    return result


def demo_template(folder: Path) -> Path:
    from kpi.seed import seed
    from kpi.store import Store

    path = folder / "template.duckdb"
    seed(Store(f"duckdb:///{path}"))
    return path


ROW = (
    "| {servers} | {sessions} | {api_clients} | {pages} | {page_p50_ms} | {page_p95_ms} | {page_error_count} | "
    "{api_requests} | {api_p50_ms} | {api_p95_ms} | {api_per_s} | {api_error_count} | {imports} | "
    "{server_cpu_s} / {elapsed_s} | {server_mb} | {chromium_mb} | {load_before} → {load_after} |"
)
HEADER = (
    "| servers | browser sessions | API clients | page loads | page p50 ms | page p95 ms | page errors | "
    "API requests | API p50 ms | API p95 ms | API req/s | API errors | imports | server CPU s / wall s | "
    "server MB | Chromium MB | load avg (1 min) |\n" + "|" + " ---: |" * 17
)


def run(args, store) -> int:
    with tempfile.TemporaryDirectory(prefix="dc-loadtest-") as tmp:
        # --on-store: the database of --db / KPI_DB_URL itself (a seeded test database: the imports write to it)
        template = store.url if args.on_store else demo_template(Path(tmp))
        rows = []
        for servers in args.servers:
            for sessions in args.sessions:
                print(
                    f"… {servers} Server, {sessions} Browser-Sitzungen, {args.api_clients} API-Clients, "
                    f"{args.seconds:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
                row = run_scenario(
                    template, servers, sessions, args.api_clients, args.seconds, args.import_every, args.api_interval
                )
                row["chromium_mb"] = round(row.get("chromium_mb", 0.0))
                rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(HEADER)
        for row in rows:
            print(ROW.format(**row))
        for row in rows:
            for error in row["page_errors"] + row["api_errors"] + row["import_errors"]:
                print(f"  {row['servers']} Server / {row['sessions']} Sitzungen: {error}")
    return 0


def _counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def add_parsers(sub) -> None:
    p = sub.add_parser("loadtest", help="Lastmessung auf dem Loopback: Browser-Sitzungen, API-Clients, Importe")
    p.add_argument("--servers", type=_counts, default=[1, 2], help="Server hinter nginx, z. B. 1,2 (Standard)")
    p.add_argument("--sessions", type=_counts, default=[4], help="gleichzeitige Browser-Sitzungen, z. B. 2,4,8")
    p.add_argument("--api-clients", type=int, default=4, help="gleichzeitige API-Clients (Standard 4)")
    p.add_argument(
        "--api-interval",
        type=float,
        default=0.5,
        help="Sekunden zwischen den Anfragen eines API-Clients (Standard 0.5; 0 = so schnell wie möglich)",
    )
    p.add_argument("--seconds", type=float, default=60, help="Dauer je Lauf in Sekunden (Standard 60)")
    p.add_argument("--import-every", type=float, default=10, help="Import alle N Sekunden (Standard 10)")
    p.add_argument(
        "--on-store",
        action="store_true",
        help="statt einer frischen Kopie der Demo die Datenbank von --db/KPI_DB_URL belasten (z. B. eine "
        "PostgreSQL-Testdatenbank mit der Demo; die Importe schreiben hinein)",
    )
    p.add_argument("--json", action="store_true", help="Ergebnisse als JSON")
    p.set_defaults(func=run)
