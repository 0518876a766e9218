"""The text form of `python -m kpi bench`: a table of medians, ratios, goals and whether each goal is met."""

from __future__ import annotations

from kpi.bench import bench_report

RESULTS = {
    "machine": {
        "cpus": 2,
        "python": "3.11.7",
        "duckdb": "1.4.0",
        "load_avg": (0.5, 0.4, 0.3),
        "load_avg_after": (1.5, 0.9, 0.5),
    },
    "stress_store": {"kpis": 2000, "measurements": 480000, "build_seconds": 3.2},
    "ingest": {
        "rows": 1_000_000,
        "seconds": 8.1349,
        "ratio_vs_duckdb": 3.72,
        "runs": 3,
        "load_avg": 2.31,
        "load_samples": [1.9, 2.31, 4.05],
    },
    "status": {
        "kpis": 2000,
        "seconds": 4.8281,
        "ratio_vs_sql": 6.29,
        "runs": 3,
        "samples": [4.8, 4.83, 5.1],
        "load_avg": 0.87,
    },
    "pages": {
        "runs": 3,
        "server_render": {
            "demo": {
                "trivial": {"cold_seconds": 0.46, "warm_seconds": 0.48, "warm_samples": [0.48], "problems": []},
                "cockpit": {
                    "cold_seconds": 1.51,
                    "warm_seconds": 1.0,
                    "warm_samples": [1.0, 0.9, 1.1],
                    "cold_ratio": 3.27,
                    "warm_ratio": 2.08,
                    "problems": [],
                    "load_avg": 1.5,
                },
                "themenfelder": {
                    "cold_seconds": None,
                    "warm_seconds": None,
                    "warm_samples": [],
                    "cold_ratio": None,
                    "warm_ratio": None,
                    "problems": ["RuntimeError: AppTest script run timed out"],
                },
            }
        },
        "browser": {
            "viewport": "1920x1080",
            "first_chart": {
                "trivial": {"seconds": 4.479},
                "cockpit_demo": {
                    "seconds": 6.0,
                    "ratio": 1.34,
                    "goal": 1.5,
                    "met": True,
                    "samples": [6.0, 5.9, 6.2],
                    "load_avg": 3.0,
                },
                "cockpit_stress": {"seconds": 17.8, "ratio": 3.97, "goal": 2.0, "met": False},
            },
            "switch": {
                "target": "kennzahlen",
                "trivial": {"seconds": 0.3},
                "cockpit_demo": {"seconds": 1.07, "ratio": 3.52, "goal": 3.0, "met": False},
                "cockpit_stress": {
                    "seconds": None,
                    "ratio": None,
                    "goal": 3.0,
                    "met": False,
                    "problems": ["TimeoutError: no chart"],
                },
            },
        },
        "seconds_total": 489.0,
    },
}


def row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(label))
    return line[len(label) :].split()


def test_report_is_a_table_with_german_numbers_goals_and_verdicts():
    text = bench_report(RESULTS)
    assert text.splitlines()[0].startswith("Digitalcockpit bench — 2 CPUs")
    assert "Messung" in text and "Median s" in text and "Verhältnis" in text and "erfüllt" in text
    assert row(text, "Import CSV (1.000.000 Zeilen)") == [
        "8,135",
        "3",
        "2,31",
        "3,72×",
        "DuckDB",
        "direkt",
        "≤",
        "3,00×",
        "NEIN",
    ]
    assert row(text, "Status aller Kennzahlen (2.000)")[-3:] == ["≤", "2,00×", "NEIN"]
    assert row(text, "Cockpit, warm") == ["1,000", "3", "1,50", "2,08×", "Trivial,", "warm", "–", "–"]
    assert row(text, "Cockpit, Demo-Store")[-3:] == ["≤", "1,50×", "ja"]
    assert row(text, "Cockpit, Stress-Store")[-3:] == ["≤", "2,00×", "NEIN"]
    assert row(text, "Cockpit → Kennzahlen, Demo-Store")[:4] == ["1,070", "–", "–", "3,52×"]


def test_each_median_has_its_number_of_runs_and_the_load_average_beside_it():
    text = bench_report(RESULTS)
    header = next(line for line in text.splitlines() if line.startswith("Messung")).split()
    assert header[:4] == ["Messung", "Median", "s", "Läufe"] and header[4] == "Last"
    assert row(text, "Status aller Kennzahlen (2.000)")[:3] == ["4,828", "3", "0,87"]
    assert row(text, "Cockpit, Demo-Store")[:3] == ["6,000", "3", "3,00"]
    assert "Load Average (1 min)" in text.splitlines()[1]


def test_report_lists_what_went_wrong_next_to_the_figures():
    text = bench_report(RESULTS)
    assert row(text, "Themenfelder, warm")[:4] == ["–", "0", "–", "–"]  # no run finished: no median, no load
    assert "Demo-Store, Themenfelder: RuntimeError: AppTest script run timed out" in text
    assert "Browser cockpit_stress: TimeoutError: no chart" in text


def test_report_without_page_figures():
    text = bench_report({key: value for key, value in RESULTS.items() if key != "pages"})
    assert "Import CSV" in text and "Browser" not in text
    skipped = bench_report({**RESULTS, "pages": {"browser": {"skipped": "kein Chromium gefunden"}}})
    assert "Browser: übersprungen (kein Chromium gefunden)" in skipped


def test_bench_takes_medians_of_several_runs_with_the_load_average_beside_them():
    import statistics

    from kpi.bench import run_bench

    results = run_bench(runs=3, rows=240, kpis=4, pages=False)
    for key in ("ingest", "status"):
        figures = results[key]
        assert figures["runs"] == 3 and len(figures["samples"]) == 3 and len(figures["load_samples"]) == 3
        assert abs(figures["seconds"] - statistics.median(figures["samples"])) < 0.001  # samples: rounded to ms
        assert figures["load_avg"] == round(statistics.median(figures["load_samples"]), 4)
    assert results["ingest"]["new"] + results["ingest"]["changed"] + results["ingest"]["unchanged"] == 240
    assert "pages" not in results
    text = bench_report(results)
    assert row(text, "Import CSV (240 Zeilen)")[1:3] == ["3", _german(results["ingest"]["load_avg"])]


def _german(value: float) -> str:
    return f"{value:,.2f}".translate(str.maketrans(",.", ".,"))


def test_the_pages_snapshot_stands_beside_the_status_with_its_own_ratio():
    status = {
        **RESULTS["status"],
        "snapshot": {"seconds": 9.0, "ratio_vs_sql": 11.7, "samples": [9.0, 9.1, 8.9], "load_avg": 0.87},
    }
    text = bench_report({**RESULTS, "status": status})
    assert row(text, "Snapshot der Seiten (Status, alle Werte, Maßnahmen)")[:4] == ["9,000", "3", "0,87", "11,70×"]
    assert "Snapshot der Seiten" not in bench_report(RESULTS)


def test_cpu_seconds_stand_beside_the_wall_clock_figures_with_their_own_ratio():
    ingest = {
        **RESULTS["ingest"],
        "cpu": {"seconds": 4.5, "reference_seconds": 1.5, "ratio": 3.0, "samples": [4.5, 4.4, 4.6], "load_avg": 2.31},
    }
    status = {
        **RESULTS["status"],
        "cpu": {"seconds": 0.5, "reference_seconds": 0.2, "ratio": 2.5, "samples": [0.5, 0.5, 0.6], "load_avg": 0.87},
    }
    lines = bench_report({**RESULTS, "ingest": ingest, "status": status}).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Import CSV"))
    assert lines[at + 1].split()[-8:] == ["4,500", "3", "2,31", "3,00×", "DuckDB", "direkt", "–", "–"]
    at = next(i for i, line in enumerate(lines) if line.startswith("Status aller Kennzahlen"))
    assert lines[at + 1].split()[-8:] == ["0,500", "3", "0,87", "2,50×", "nacktes", "SQL", "–", "–"]


def test_report_timing_names_both_formats_with_the_load_beside_them():
    from kpi.bench.reports import reports_report

    text = reports_report(
        {
            "stand": "2025-12-31",
            "runs": 5,
            "load_before": 1.25,
            "load_after": 3.5,
            "formats": {
                "pdf": {"uncached_s": 21.4, "cached_median_s": 0.052, "bytes": 2_900_000, "ratio": 411.5},
                "pptx": {"uncached_s": 14.9, "cached_median_s": 0.1, "bytes": 1_700_000, "ratio": 149.0},
            },
        }
    )
    lines = text.strip().splitlines()
    assert "stand=2025-12-31" in lines[0] and "1.25" in lines[0] and "3.50" in lines[0]
    assert lines[2].split()[:4] == ["pdf", "21.40", "0.052", "412"]
    assert lines[3].split()[:4] == ["pptx", "14.90", "0.100", "149"]
