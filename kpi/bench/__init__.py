"""`python -m kpi bench`: timings of our paths next to the bare DuckDB equivalent, in one run.

Figures are medians over several runs because the machines are shared and noisy; the ratio
(ours / DuckDB's own) is the number to watch. Beside each median stands the machine's load average
(1 minute, median of the samples taken after each run), so that a figure from a busy machine shows as such.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from kpi.model import (
    ActionField,
    Catalog,
    Direction,
    Frequency,
    Goal,
    Kpi,
    Strategy,
    Target,
    Theme,
    Unit,
)
from kpi.revisions import record_catalog
from kpi.store import Store, latest_sql

STRESS_YEARS = 20


def stress_catalog(kpis: int) -> Catalog:
    themes = (Theme("EG", "E-Government"), Theme("SC", "Smart City"))
    fields = tuple(ActionField(f"HF-{i:02d}", f"Handlungsfeld {i}", themes[i % 2].id) for i in range(10))
    goals = tuple(Goal(f"Z-{i:02d}", f"Ziel {i}", fields[i % 10].id) for i in range(50))
    units = tuple(Unit(f"U{i}", f"Einheit {i}") for i in range(10))
    items = []
    for i in range(kpis):
        goal = goals[i % 50]
        field = next(f for f in fields if f.id == goal.action_field_id)
        items.append(
            Kpi(
                id=f"ST-{i:04d}",
                name=f"Stress-Kennzahl {i}",
                unit="Anzahl",
                direction=Direction.LOWER if i % 4 == 0 else Direction.HIGHER,
                frequency=Frequency.MONTHLY,
                baseline_period=date(2005, 12, 31),
                baseline_value=1000.0,
                targets=(Target(date(2030, 12, 31), 400.0 if i % 4 == 0 else 3000.0),),
                range_min=0,
                range_max=1e7,
                responsible=units[i % 10].id,
                goal_id=goal.id,
                action_field_id=field.id,
                theme_id=field.theme_id,
            )
        )
    strategy = Strategy("stress", "Stresstest", "Stress-Strategie", date(2021, 1, 1), "Stress", ())
    return Catalog(strategy, units, themes, fields, goals, tuple(items), ())


def build_stress_store(path: Path, kpis: int) -> Store:
    store = Store(f"duckdb:///{path}")
    record_catalog(store, stress_catalog(kpis))
    with store.duck() as con:
        con.execute(
            """INSERT INTO upload (id, kind, file_name, created_at, n_new, n_changed, n_unchanged, state)
               VALUES (nextval('upload_id_seq'), 'seed', 'stress', now(), ?, 0, 0, 'committed')""",
            [kpis * STRESS_YEARS * 12],
        )
        con.execute(
            f"""INSERT INTO measurement (kpi_id, period, value, comment, source, upload_id, recorded_at, recorded_by)
                SELECT 'ST-' || lpad(CAST(k AS VARCHAR), 4, '0'), last_day(make_date(2006 + m // 12, m % 12 + 1, 1)),
                       round(1000 + m * (CASE WHEN k % 4 = 0 THEN -2 ELSE 7 END) + (hash(k, m) % 50), 1),
                       NULL, 'stress', 1, TIMESTAMP '2026-01-01', 'bench'
                FROM range({kpis}) t(k), range({STRESS_YEARS * 12}) s(m)"""
        )
    return store


def write_german_csv(path: Path, rows: int, kpis: int) -> None:
    """kpi_id;period;value in German Excel style: `09/2024`, `1.234,5`, with German headers."""
    months = max(rows // kpis, 1)
    first = (2025 * 12 + 11) - months + 1  # the file ends with 12/2025 and overlaps the stress history
    con = duckdb.connect()
    con.execute(
        f"""COPY (
              SELECT 'ST-' || lpad(CAST(k AS VARCHAR), 4, '0') AS Kennzahl,
                     lpad(CAST(((({first} + m) % 12) + 1) AS VARCHAR), 2, '0') || '/' || CAST(({first} + m) // 12 AS VARCHAR) AS Zeitraum,
                     translate(format('{{:,.1f}}', 1000 + m * 3.5 + (hash(k, m) % 500) / 10), ',.', '.,') AS Wert
              FROM range({kpis}) t(k), range({months}) s(m) LIMIT {rows})
            TO '{path}' (FORMAT csv, DELIMITER ';', HEADER true)"""
    )
    con.close()


NATIVE_INGEST = """
    INSERT INTO measurement (kpi_id, period, value, comment, source, upload_id, recorded_at, recorded_by)
    SELECT Kennzahl, last_day(CAST(strptime('01/' || Zeitraum, '%d/%m/%Y') AS DATE)),
           CAST(replace(replace(Wert, '.', ''), ',', '.') AS DOUBLE), NULL, NULL, 0, now(), 'native'
    FROM read_csv(?, delim = ';', header = true, all_varchar = true)
"""

CURRENT_VALUES_SQL = f"SELECT kpi_id, period, value FROM ({latest_sql('measurement')})"


def _median(samples: list[float]) -> float:
    return round(statistics.median(samples), 4)


def load_avg() -> float:
    """The machine's load average over the last minute (processes running or waiting for a CPU)."""
    return round(os.getloadavg()[0], 2)


def bench_ingest(work: Path, base: Path, csv_path: Path, runs: int) -> dict:
    from kpi.ingest import import_file

    ours, native, loads, counts = [], [], [], None
    cpu: dict[str, list[float]] = {"ours": [], "native": []}
    for i in range(runs):
        copy = work / f"ours_{i}.duckdb"
        shutil.copy(base, copy)
        start, start_cpu = time.perf_counter(), time.process_time()
        result = import_file(Store(f"duckdb:///{copy}"), csv_path, user="bench")
        ours.append(time.perf_counter() - start)
        cpu["ours"].append(time.process_time() - start_cpu)
        if not result.committed:
            raise RuntimeError(f"bench import failed: {result.problems[:3]}")
        counts = dict(new=result.new, changed=result.changed, unchanged=result.unchanged)
        copy.unlink()
        copy = work / f"native_{i}.duckdb"
        shutil.copy(base, copy)
        start, start_cpu = time.perf_counter(), time.process_time()
        con = duckdb.connect(str(copy))
        con.execute("BEGIN")
        con.execute(NATIVE_INGEST, [str(csv_path)])
        con.execute("COMMIT")
        con.close()
        native.append(time.perf_counter() - start)
        cpu["native"].append(time.process_time() - start_cpu)
        copy.unlink()
        loads.append(load_avg())
    return {
        "rows": result.rows,
        **counts,
        "seconds": _median(ours),
        "duckdb_native_seconds": _median(native),
        "ratio_vs_duckdb": round(statistics.median(ours) / statistics.median(native), 2),
        "runs": runs,
        "samples": [round(s, 3) for s in ours],
        "native_samples": [round(s, 3) for s in native],
        "load_avg": _median(loads),
        "load_samples": loads,
        "cpu": _cpu_figures(cpu, "native", loads),
    }


def _cpu_figures(cpu: dict[str, list[float]], reference: str, loads: list[float]) -> dict:
    """CPU seconds (all threads of this process) of ours and of the reference: on a loaded machine the wall-clock
    ratio also counts the waiting for a CPU, which falls unevenly on the longer-running side."""
    return {
        "seconds": _median(cpu["ours"]),
        "reference_seconds": _median(cpu[reference]),
        "ratio": round(statistics.median(cpu["ours"]) / statistics.median(cpu[reference]), 2),
        "samples": [round(s, 3) for s in cpu["ours"]],
        "load_avg": _median(loads),
    }


def bench_status(store: Store, runs: int) -> dict:
    """The status of every KPI (kpi.statuses, what `status` needs) and the whole snapshot the pages use (status,
    every current value with its comment and source, measures), each against the bare SQL of the current values."""
    from kpi.statuses import statuses
    from kpi.views import snapshot

    ours, snaps, bare, loads, kpis = [], [], [], [], 0
    cpu: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = statuses(store)
        ours.append(time.perf_counter() - start)
        cpu["ours"].append(time.process_time() - start_cpu)
        start = time.perf_counter()
        snap = snapshot(store)
        snaps.append(time.perf_counter() - start)
        if result != snap.statuses:
            raise RuntimeError("bench: kpi.statuses and the snapshot disagree")
        kpis = len(result)
        start, start_cpu = time.perf_counter(), time.process_time()
        con = duckdb.connect(store.path)
        con.execute(CURRENT_VALUES_SQL).df()
        con.close()
        bare.append(time.perf_counter() - start)
        cpu["bare"].append(time.process_time() - start_cpu)
        loads.append(load_avg())
    return {
        "kpis": kpis,
        "seconds": _median(ours),
        "bare_sql_seconds": _median(bare),
        "ratio_vs_sql": round(statistics.median(ours) / statistics.median(bare), 2),
        "runs": runs,
        "samples": [round(s, 3) for s in ours],
        "load_avg": _median(loads),
        "load_samples": loads,
        "bare_samples": [round(s, 3) for s in bare],
        "cpu": _cpu_figures(cpu, "bare", loads),
        "snapshot": {
            "seconds": _median(snaps),
            "ratio_vs_sql": round(statistics.median(snaps) / statistics.median(bare), 2),
            "samples": [round(s, 3) for s in snaps],
            "load_avg": _median(loads),
        },
    }


def run_bench(runs: int = 3, rows: int = 1_000_000, kpis: int = 2000, pages: bool = True) -> dict:
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "load_avg": os.getloadavg(),
        }
    }
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        work = Path(tmp)
        base = work / "stress.duckdb"
        start = time.perf_counter()
        store = build_stress_store(base, kpis)
        results["stress_store"] = {
            "kpis": kpis,
            "measurements": store.measurement_count(),
            "build_seconds": round(time.perf_counter() - start, 2),
        }
        csv_path = work / "messwerte.csv"
        write_german_csv(csv_path, rows, kpis)
        results["csv"] = {"rows": rows, "bytes": csv_path.stat().st_size}
        results["ingest"] = bench_ingest(work, base, csv_path, runs)
        results["status"] = bench_status(store, runs)
        if pages:
            from kpi.bench.pages import bench_pages

            results["pages"] = bench_pages(store, runs)
    results["machine"]["load_avg_after"] = os.getloadavg()
    return results


# -- the text form of `python -m kpi bench` --------------------------------------------------------------------

PAGE_TITLES = {
    "cockpit": "Cockpit",
    "themenfelder": "Themenfelder",
    "kennzahlen": "Kennzahlen",
    "massnahmen": "Maßnahmen",
    "bereich": "Mein Bereich",
}
STORE_TITLES = {"demo": "Demo-Store", "stress": "Stress-Store"}
INGEST_GOAL, STATUS_GOAL = 3.0, 2.0  # issue 13: ours / DuckDB's own insert, ours / the bare SQL


def _met(ratio: float | None, goal: float) -> bool | None:
    return None if ratio is None else ratio <= goal


def _num(value: float | int | None, decimals: int = 3) -> str:
    """German digits with a fixed number of decimals, so that a column of figures lines up: `12.345,600`."""
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def _times(value: float | None) -> str:
    return "–" if value is None else _num(value, 2) + "×"


def _runs(figures: dict, samples: str = "samples") -> int | None:
    """How many timed runs the median of `figures` is taken over."""
    return len(figures[samples]) if samples in figures else figures.get("runs")


class _Rows(list):
    """The report's lines: a tuple per measurement, a string per section heading."""

    def row(
        self,
        label: str,
        seconds: float | None,
        ratio: float | None = None,
        reference: str = "",
        goal: float | None = None,
        met: bool | None = None,
        figures: dict | None = None,
        samples: str = "samples",
    ) -> None:
        figures = figures or {}
        runs = _runs(figures, samples)
        self.append(
            (
                label,
                _num(seconds),
                "–" if runs is None else str(runs),
                _num(figures.get("load_avg"), 2),
                _times(ratio),
                reference,
                f"≤ {_times(goal)}" if goal else "–",
                "–" if met is None else ("ja" if met else "NEIN"),
            )
        )


def bench_report(results: dict) -> str:
    """The figures as a table: median seconds, the number of runs and the load average beside them, the ratio to
    the reference, the goal and whether it is met."""
    machine = results.get("machine", {})
    stress = results.get("stress_store", {})
    ingest = results.get("ingest", {})
    head = [
        f"Digitalcockpit bench — {machine.get('cpus')} CPUs, Python {machine.get('python')}, "
        f"DuckDB {machine.get('duckdb')}, Last vorher/nachher "
        f"{_num((machine.get('load_avg') or [None])[0], 2)}/{_num((machine.get('load_avg_after') or [None])[0], 2)}",
        f"Stress-Store: {_num(stress.get('kpis'), 0)} Kennzahlen, {_num(stress.get('measurements'), 0)} Messwerte; "
        f"Mediane über {ingest.get('runs', '?')} Läufe; Last = Load Average (1 min) neben jedem Median, "
        f"bei {machine.get('cpus')} CPUs ist alles darüber Warten auf die CPU",
    ]
    rows = _Rows()
    _core_rows(rows, ingest, results.get("status", {}))
    pages = results.get("pages") or {}
    problems = _server_rows(rows, pages.get("server_render") or {})
    problems += _browser_rows(rows, pages.get("browser") or {})
    out = _table(head, rows)
    if pages.get("seconds_total") is not None:
        out.append(f"\nSeitenmessungen dauerten {_num(pages['seconds_total'], 0)} s.")
    if problems:
        out.append("\nProbleme (die Zahl daneben misst eine Seite, die nicht fehlerfrei lief):")
        out += [f"  - {' '.join(p.split())[:300]}" for p in problems]
    return "\n".join(out)


def _goal_rows(rows: _Rows, label: str, figures: dict, ratio: str, reference: str, goal: float) -> None:
    """A measurement with a speed goal: wall clock against the goal, then the same as CPU seconds (all threads)."""
    rows.row(
        label,
        figures.get("seconds"),
        figures.get(ratio),
        reference,
        goal,
        _met(figures.get(ratio), goal),
        figures=figures,
    )
    if figures.get("cpu"):
        cpu = figures["cpu"]
        rows.row("  dasselbe als CPU-Zeit (alle Threads)", cpu["seconds"], cpu["ratio"], reference, figures=cpu)


def _core_rows(rows: _Rows, ingest: dict, status: dict) -> None:
    rows.append("Import und Status")
    if ingest:
        label = f"Import CSV ({_num(ingest.get('rows'), 0)} Zeilen)"
        _goal_rows(rows, label, ingest, "ratio_vs_duckdb", "DuckDB direkt", INGEST_GOAL)
    if status:
        label = f"Status aller Kennzahlen ({_num(status.get('kpis'), 0)})"
        _goal_rows(rows, label, status, "ratio_vs_sql", "nacktes SQL", STATUS_GOAL)
        snap = status.get("snapshot") or {}
        if snap:
            rows.row(
                "Snapshot der Seiten (Status, alle Werte, Maßnahmen)",
                snap.get("seconds"),
                snap.get("ratio_vs_sql"),
                "nacktes SQL",
                figures=snap,
            )


def _server_rows(rows: _Rows, server_render: dict) -> list[str]:
    problems: list[str] = []
    for store, table in server_render.items():
        rows.append(f"Seiten serverseitig (AppTest über app.py), {STORE_TITLES.get(store, store)}")
        base = table.get("trivial", {})
        rows.row("Trivial-Seite (1 Diagramm), erster Lauf", base.get("cold_seconds"))
        rows.row("Trivial-Seite (1 Diagramm), warm", base.get("warm_seconds"), figures=base, samples="warm_samples")
        for page, figures in table.items():
            if page == "trivial":
                continue
            title = PAGE_TITLES.get(page, page)
            rows.row(
                f"{title}, erster Lauf (kalter Cache)",
                figures.get("cold_seconds"),
                figures.get("cold_ratio"),
                "Trivial, erster Lauf",
            )
            rows.row(
                f"{title}, warm",
                figures.get("warm_seconds"),
                figures.get("warm_ratio"),
                "Trivial, warm",
                figures=figures,
                samples="warm_samples",
            )
            problems += [f"{STORE_TITLES.get(store, store)}, {title}: {p}" for p in figures.get("problems", [])]
    return problems


def _browser_rows(rows: _Rows, browser: dict) -> list[str]:
    if browser.get("skipped"):
        rows.append(f"Browser: übersprungen ({browser['skipped']})")
        return []
    if not browser:
        return []
    first, switch = browser.get("first_chart", {}), browser.get("switch", {})
    rows.append(f"Browser (Chromium {browser.get('viewport')}): frisch geladen bis zum ersten Diagramm")
    rows.row("Trivial-Seite (1 Diagramm)", first.get("trivial", {}).get("seconds"), figures=first.get("trivial"))
    for key, label in (("cockpit_demo", "Cockpit, Demo-Store"), ("cockpit_stress", "Cockpit, Stress-Store")):
        f = first.get(key, {})
        rows.row(label, f.get("seconds"), f.get("ratio"), "Trivial-Seite", f.get("goal"), f.get("met"), figures=f)
    target = PAGE_TITLES.get(switch.get("target"), switch.get("target"))
    rows.append(f"Browser: Seitenwechsel über das Menü bis zum Diagramm der Zielseite ({target})")
    rows.row(
        "Trivial A → B (st.navigation, je 1 Diagramm)",
        switch.get("trivial", {}).get("seconds"),
        figures=switch.get("trivial"),
    )
    for key, label in (
        ("cockpit_demo", f"Cockpit → {target}, Demo-Store"),
        ("cockpit_stress", f"Cockpit → {target}, Stress-Store"),
    ):
        f = switch.get(key, {})
        rows.row(label, f.get("seconds"), f.get("ratio"), "Trivial A → B", f.get("goal"), f.get("met"), figures=f)
    return [
        f"Browser {key}: {p}"
        for section in (first, switch)
        for key, f in section.items()
        if isinstance(f, dict)
        for p in f.get("problems", [])
    ]


def _table(head: list[str], rows: _Rows) -> list[str]:
    header = ("Messung", "Median s", "Läufe", "Last", "Verhältnis", "Bezug", "Ziel", "erfüllt")
    table_rows = [r for r in rows if isinstance(r, tuple)]
    widths = [max(len(str(r[i])) for r in [header, *table_rows]) for i in range(len(header))]

    def line(r: tuple) -> str:
        return "  ".join(str(c).ljust(w) if i in (0, 5) else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))

    out = [*head, "", line(header), "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append(line(r) if isinstance(r, tuple) else (f"\n{r}" if len(out) > len(head) + 3 else r))
    return out
