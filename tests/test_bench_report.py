"""The text form of `python -m kpi bench`: a table of medians, ratios, goals and whether each goal is met."""

from __future__ import annotations

from kpi.bench import bench_report

RESULTS = {
    "machine": {"cpus": 2, "python": "3.11.7", "duckdb": "1.4.0", "load_avg": (0.5, 0.4, 0.3),
                "load_avg_after": (1.5, 0.9, 0.5)},
    "stress_store": {"kpis": 2000, "measurements": 480000, "build_seconds": 3.2},
    "ingest": {"rows": 1_000_000, "seconds": 8.1349, "ratio_vs_duckdb": 3.72, "runs": 3},
    "status": {"kpis": 2000, "seconds": 4.8281, "ratio_vs_sql": 6.29, "runs": 3},
    "pages": {
        "runs": 3,
        "server_render": {"demo": {
            "trivial": {"cold_seconds": 0.46, "warm_seconds": 0.48, "warm_samples": [0.48], "problems": []},
            "cockpit": {"cold_seconds": 1.51, "warm_seconds": 1.0, "warm_samples": [1.0], "cold_ratio": 3.27,
                        "warm_ratio": 2.08, "problems": []},
            "themenfelder": {"cold_seconds": None, "warm_seconds": None, "warm_samples": [], "cold_ratio": None,
                             "warm_ratio": None, "problems": ["RuntimeError: AppTest script run timed out"]},
        }},
        "browser": {
            "viewport": "1920x1080",
            "first_chart": {"trivial": {"seconds": 4.479}, "cockpit_demo": {"seconds": 6.0, "ratio": 1.34,
                                                                            "goal": 1.5, "met": True},
                            "cockpit_stress": {"seconds": 17.8, "ratio": 3.97, "goal": 2.0, "met": False}},
            "switch": {"target": "kennzahlen", "trivial": {"seconds": 0.3},
                       "cockpit_demo": {"seconds": 1.07, "ratio": 3.52, "goal": 3.0, "met": False},
                       "cockpit_stress": {"seconds": None, "ratio": None, "goal": 3.0, "met": False,
                                          "problems": ["TimeoutError: no chart"]}},
        },
        "seconds_total": 489.0,
    },
}


def row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(label))
    return line[len(label):].split()


def test_report_is_a_table_with_german_numbers_goals_and_verdicts():
    text = bench_report(RESULTS)
    assert text.splitlines()[0].startswith("Digitalcockpit bench — 2 CPUs")
    assert "Messung" in text and "Median s" in text and "Verhältnis" in text and "erfüllt" in text
    assert row(text, "Import CSV (1.000.000 Zeilen)") == ["8,135", "3,72×", "DuckDB", "direkt", "–", "–"]
    assert row(text, "Cockpit, warm") == ["1,000", "2,08×", "Trivial,", "warm", "–", "–"]
    assert row(text, "Cockpit, Demo-Store")[-3:] == ["≤", "1,50×", "ja"]
    assert row(text, "Cockpit, Stress-Store")[-3:] == ["≤", "2,00×", "NEIN"]
    assert row(text, "Cockpit → Kennzahlen, Demo-Store")[:2] == ["1,070", "3,52×"]


def test_report_lists_what_went_wrong_next_to_the_figures():
    text = bench_report(RESULTS)
    assert row(text, "Themenfelder, warm")[:2] == ["–", "–"]
    assert "Demo-Store, Themenfelder: RuntimeError: AppTest script run timed out" in text
    assert "Browser cockpit_stress: TimeoutError: no chart" in text


def test_report_without_page_figures():
    text = bench_report({key: value for key, value in RESULTS.items() if key != "pages"})
    assert "Import CSV" in text and "Browser" not in text
    skipped = bench_report({**RESULTS, "pages": {"browser": {"skipped": "kein Chromium gefunden"}}})
    assert "Browser: übersprungen (kein Chromium gefunden)" in skipped
