"""`python -m kpi bench --pg`: the same import and status on the DuckDB store and on the PostgreSQL store, in one
run, each beside its bare engine equivalent (DuckDB: the native INSERT from read_csv and the bare current-values
SQL; PostgreSQL: a bare COPY of the same typed rows and the same SQL through psycopg). Medians over `runs`, with
the load average. The PostgreSQL server is a throwaway cluster (kpi.pgcluster) on this machine, over a Unix
socket: no network in the figures.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from kpi.bench import CURRENT_VALUES_SQL, NATIVE_INGEST, build_stress_store, load_avg, write_german_csv
from kpi.store import Store


def _median(samples: list[float]) -> float:
    return round(statistics.median(samples), 4)


def _import(store: Store, csv_path: Path) -> float:
    from kpi.ingest import import_file

    start = time.perf_counter()
    result = import_file(store, csv_path, user="bench", confirm_implausible=True)
    seconds = time.perf_counter() - start
    if not result.committed:
        raise RuntimeError(f"bench import failed: {result.problems[:3]}")
    return seconds


def _native_duck(path: Path, csv_path: Path) -> float:
    start = time.perf_counter()
    con = duckdb.connect(str(path))
    con.execute("BEGIN")
    con.execute(NATIVE_INGEST, [str(csv_path)])
    con.execute("COMMIT")
    con.close()
    return time.perf_counter() - start


TYPED_ROWS = """
    SELECT Kennzahl AS kpi_id, last_day(CAST(strptime('01/' || Zeitraum, '%d/%m/%Y') AS DATE)) AS period,
           CAST(replace(replace(Wert, '.', ''), ',', '.') AS DOUBLE) AS value, NULL AS comment, NULL AS source,
           0 AS upload_id, CAST(now() AS TIMESTAMP) AS recorded_at, 'native' AS recorded_by
    FROM read_csv(?, delim = ';', header = true, all_varchar = true)
"""


def _native_pg(store: Store, csv_path: Path) -> float:
    """The file's rows typed by DuckDB's CSV reader and loaded with one COPY (what any loader must at least do)."""
    from kpi import pgstore

    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE typed AS " + TYPED_ROWS.replace("?", f"'{csv_path}'"))
    with store.engine.connect() as conn, conn.begin():
        pgstore.copy_from_duck(
            con,
            "typed",
            conn,
            "measurement",
            ("kpi_id", "period", "value", "comment", "source", "upload_id", "recorded_at", "recorded_by"),
        )
    con.close()
    return time.perf_counter() - start


def _status(store: Store) -> tuple[float, float]:
    from kpi.views import snapshot

    start = time.perf_counter()
    snapshot(store)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    store.query(CURRENT_VALUES_SQL + " AS latest")
    return ours, time.perf_counter() - start


def _figures(ours: list[float], bare: list[float], loads: list[float]) -> dict:
    return {
        "seconds": _median(ours),
        "bare_seconds": _median(bare),
        "ratio_vs_bare": round(statistics.median(ours) / statistics.median(bare), 2),
        "samples": [round(s, 3) for s in ours],
        "load_avg": _median(loads),
    }


def bench_backends(runs: int = 3, rows: int = 100_000, kpis: int = 500) -> dict:
    from kpi.migration import copy_store
    from kpi.pgcluster import PgCluster

    results: dict = {"machine": {"cpus": os.cpu_count(), "load_avg": os.getloadavg()}, "rows": rows, "kpis": kpis}
    with tempfile.TemporaryDirectory(prefix="kpi-bench-pg-") as tmp, PgCluster() as cluster:
        work = Path(tmp)
        base = work / "stress.duckdb"
        duck = build_stress_store(base, kpis)
        results["measurements"] = duck.measurement_count()
        template = cluster.create_database("stress")
        target = Store(template)
        copy_store(duck, target)
        target.engine.dispose()  # a template must have no open connections
        csv_path = work / "messwerte.csv"
        write_german_csv(csv_path, rows, kpis)
        timings: dict[str, dict[str, list[float]]] = {
            b: {"import": [], "import_bare": [], "status": [], "status_bare": [], "load": []} for b in ("duckdb", "pg")
        }
        for i in range(runs):
            for backend in ("duckdb", "pg"):
                t = timings[backend]
                if backend == "duckdb":
                    copy = work / f"run_{i}.duckdb"
                    shutil.copy(base, copy)
                    store = Store(f"duckdb:///{copy}")
                    bare = work / f"bare_{i}.duckdb"
                    shutil.copy(base, bare)
                    t["import_bare"].append(_native_duck(bare, csv_path))
                else:
                    store = Store(cluster.create_database(f"run_{i}", "stress"))
                    bare_store = Store(cluster.create_database(f"bare_{i}", "stress"))
                    t["import_bare"].append(_native_pg(bare_store, csv_path))
                t["import"].append(_import(store, csv_path))
                ours, bare_status = _status(store)
                t["status"].append(ours)
                t["status_bare"].append(bare_status)
                t["load"].append(load_avg())
        for backend, t in timings.items():
            results[backend] = {
                "import": _figures(t["import"], t["import_bare"], t["load"]),
                "status": _figures(t["status"], t["status_bare"], t["load"]),
            }
    results["machine"]["load_avg_after"] = os.getloadavg()
    return results


def _num(value: float) -> str:
    return f"{value:,.3f}".translate(str.maketrans(",.", ".,"))


def backends_report(results: dict) -> str:
    n = lambda v: f"{v:,}".replace(",", ".")  # noqa: E731
    load = results["machine"]
    lines = [
        f"DuckDB- und PostgreSQL-Store: Import von {n(results['rows'])} Zeilen in einen Store mit "
        f"{n(results['measurements'])} Messwerten ({results['kpis']} Kennzahlen), Status aller Kennzahlen; "
        f"Median, Last vorher/nachher {load['load_avg'][0]:.2f}/{load['load_avg_after'][0]:.2f}",
        "",
        f"{'':28}{'DuckDB':>12}{'roh':>10}{'Faktor':>8}{'PostgreSQL':>12}{'roh':>10}{'Faktor':>8}",
    ]
    for key, title in (("import", "Import (s)"), ("status", "Status (s)")):
        d, p = results["duckdb"][key], results["pg"][key]
        lines.append(
            f"{title:28}{_num(d['seconds']):>12}{_num(d['bare_seconds']):>10}{_num(d['ratio_vs_bare'])[:-1]:>7}×"
            f"{_num(p['seconds']):>12}{_num(p['bare_seconds']):>10}{_num(p['ratio_vs_bare'])[:-1]:>7}×"
        )
    return "\n".join(lines) + "\n"
