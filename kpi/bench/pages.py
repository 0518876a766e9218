"""Page timings for `python -m kpi bench`: each page's server-side run (AppTest) on the demo and the stress
store, and in Chromium the time to the first drawn chart and for an in-app page switch — always next to a
trivial Streamlit page measured in the same run, because the ratio is what survives a noisy shared machine.

Pages are run through app.py (AppTest.switch_page), as the server does: a page file run on its own has no
navigation, so its st.page_link calls to other pages fail.
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kpi.browser import LAUNCH_ARGS, find_chromium
from kpi.serve import ROOT, start_server, stop_server, wait_for_app
from kpi.store import Store

PAGES = ("cockpit", "themenfelder", "kennzahlen", "massnahmen", "bereich")
SWITCH_TO = "kennzahlen"
GOAL_FIRST_CHART_DEMO = 1.5
GOAL_FIRST_CHART_STRESS = 2.0
GOAL_SWITCH = 3.0
RENDER_TIMEOUT = 120  # seconds for one server-side page run
BROWSER_TIMEOUT = 120_000  # milliseconds for a chart to appear
VIEWPORT = {"width": 1920, "height": 1080}
CHART = ".js-plotly-plot .main-svg"

TRIVIAL_CHART = """import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Trivial", layout="wide")
st.title("{title}")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(10)), y=[v * v for v in range(10)], mode="lines")))
"""
# Like app.py: st.navigation declares the pages and draws Streamlit's own menu in the sidebar.
TRIVIAL_NAVIGATION = """import streamlit as st

st.set_page_config(page_title="Trivial", layout="wide")
st.navigation([st.Page("page_a.py", title="A", url_path="a", default=True),
               st.Page("page_b.py", title="B", url_path="b")]).run()
"""

# The switch is done when the URL names the new page, the first heading is no longer the old page's, and a chart
# delivered by the new run (its container is not marked stale) has been drawn.
SWITCH_DONE = """([path, before]) => {
  if (!location.pathname.endsWith('/' + path)) return false;
  const heading = document.querySelector('[data-testid="stMain"] [data-testid="stHeading"]');
  if (!heading || heading.innerText.trim() === before) return false;
  return [...document.querySelectorAll('.js-plotly-plot .main-svg')].some(svg => {
    const box = svg.closest('[data-testid="stElementContainer"]');
    const r = svg.getBoundingClientRect();
    return (!box || box.dataset.stale !== 'true') && r.width > 0 && r.height > 0;
  });
}"""


def _say(message: str) -> None:
    print(f"[bench pages] {message}", file=sys.stderr, flush=True)


def _median(samples: list[float]) -> float | None:
    return round(statistics.median(samples), 4) if samples else None


def _load() -> float:
    """The machine's load average over the last minute, sampled after each timed run."""
    return round(os.getloadavg()[0], 2)


def _ratio(ours: float | None, base: float | None) -> float | None:
    return round(ours / base, 2) if ours and base else None


def _goal(entry: dict, base: dict, goal: float) -> dict:
    ratio = _ratio(entry.get("seconds"), base.get("seconds"))
    return {**entry, "ratio": ratio, "goal": goal, "met": ratio is not None and ratio <= goal}


def write_trivial_apps(folder: Path) -> None:
    """A one-chart page and a two-page st.navigation app (one chart each), with the app's own config (theme,
    font size), so that the only difference to our pages is what the page draws."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trivial.py").write_text(TRIVIAL_CHART.format(title="Trivial"), encoding="utf-8")
    (folder / "page_a.py").write_text(TRIVIAL_CHART.format(title="Seite A"), encoding="utf-8")
    (folder / "page_b.py").write_text(TRIVIAL_CHART.format(title="Seite B"), encoding="utf-8")
    (folder / "navigation.py").write_text(TRIVIAL_NAVIGATION, encoding="utf-8")
    config = ROOT / ".streamlit" / "config.toml"
    if config.exists():
        (folder / ".streamlit").mkdir(exist_ok=True)
        shutil.copy(config, folder / ".streamlit" / "config.toml")


@contextmanager
def _database(url: str) -> Iterator[None]:
    before = os.environ.get("KPI_DB_URL")
    os.environ["KPI_DB_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KPI_DB_URL", None)
        else:
            os.environ["KPI_DB_URL"] = before


@contextmanager
def _quiet_streamlit() -> Iterator[None]:
    """AppTest outside a server logs a 'no runtime' warning per run, and a failing page its stack trace (the
    page's error box is recorded with the figures anyway): keep the bench output readable. A filter, not a
    level, because Streamlit resets its loggers' levels when it reads its config."""
    names = (
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "digitalcockpit",
    )
    loggers = [logging.getLogger(n) for n in names]
    for lg in loggers:
        lg.addFilter(_drop)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(_drop)


def _drop(record: logging.LogRecord) -> bool:
    return False


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


_components: dict = {}


def render_once(script: Path, page: str | None = None) -> tuple[float | None, list[str]]:
    """One server-side run of `script` (switched to app_pages/<page>.py); seconds and what went wrong on the page
    (exceptions, error boxes, a timeout)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=RENDER_TIMEOUT)
    # Each new AppTest scans every installed package for custom components (about 0.5 s) before the script
    # runs; a real server does that once. Reuse the first scan (private attribute: skipped if it is gone).
    if _components.get("manager") is not None and hasattr(at, "_bidi_component_manager"):
        at._bidi_component_manager = _components["manager"]
    if page:
        at.switch_page(f"app_pages/{page}.py")
    start = time.perf_counter()
    try:
        at.run()
    except Exception as exc:  # noqa: BLE001 - a timed-out or crashed run is a result, not the end of the bench
        return None, [f"{type(exc).__name__}: {exc}"[:300]]
    elapsed = time.perf_counter() - start
    _components.setdefault("manager", getattr(at, "_bidi_component_manager", None))
    problems = [f"exception: {e.message}"[:300] for e in at.exception] + [f"error: {e.value}"[:300] for e in at.error]
    return elapsed, problems


def render_series(script: Path, page: str | None, runs: int) -> dict:
    """A first run on cold caches, then `runs` warm runs."""
    _clear_caches()
    cold, problems = render_once(script, page)
    warm: list[float] = []
    loads = [_load()]
    if cold is not None:
        for _ in range(runs):
            seconds, more = render_once(script, page)
            problems += [p for p in more if p not in problems]
            if seconds is None:
                break
            warm.append(seconds)
            loads.append(_load())
    return {
        "cold_seconds": round(cold, 4) if cold is not None else None,
        "warm_seconds": _median(warm),
        "warm_samples": [round(s, 3) for s in warm],
        "problems": problems,
        "load_avg": _median(loads),
    }


def bench_render(stores: dict[str, str], trivial: Path, runs: int) -> dict:
    out: dict = {}
    with _quiet_streamlit():
        render_once(trivial)
        for index, (name, url) in enumerate(stores.items()):
            with _database(url):
                if index == 0:
                    render_once(ROOT / "app.py", "cockpit")  # one-time imports stay out of every figure
                base = render_series(trivial, None, runs)
                rows = {"trivial": base}
                for page in PAGES:
                    if not (ROOT / "app_pages" / f"{page}.py").exists():
                        continue
                    row = render_series(ROOT / "app.py", page, runs)
                    row["cold_ratio"] = _ratio(row["cold_seconds"], base["cold_seconds"])
                    row["warm_ratio"] = _ratio(row["warm_seconds"], base["warm_seconds"])
                    rows[page] = row
                    _say(
                        f"server {name:<6} {page:<13} cold {row['cold_seconds']} s, warm {row['warm_seconds']} s, "
                        f"{row['warm_ratio']}x trivial" + (f"  PROBLEMS {row['problems']}" if row["problems"] else "")
                    )
                out[name] = rows
        _clear_caches()
    return out


@contextmanager
def _explained(page) -> Iterator[None]:
    """A wait that fails says what the page showed instead (a message box, a login, an empty page)."""
    try:
        yield
    except Exception as exc:
        try:
            shown = page.locator("[data-testid='stMain']").inner_text(timeout=2000)
        except Exception:  # noqa: BLE001 - the page may be gone
            shown = "?"
        raise RuntimeError(f"{str(exc).splitlines()[0]} — page shows: {' '.join(shown.split())[:200]!r}") from exc


def first_chart_seconds(browser, url: str) -> float:
    """A fresh browser context (no cache, new session) opens `url`; seconds until a chart's svg is visible."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        with _explained(page):
            page.wait_for_selector(CHART, state="visible", timeout=BROWSER_TIMEOUT)
        return time.perf_counter() - start
    finally:
        context.close()


def switch_seconds(browser, url: str, target: str) -> float:
    """Open `url`, wait until it is drawn, click the sidebar menu's link to /target; seconds until the target's
    chart is drawn."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url)
        with _explained(page):
            page.wait_for_selector(CHART, state="visible", timeout=BROWSER_TIMEOUT)
            wait_for_app(page, timeout=BROWSER_TIMEOUT)
        before = page.locator("[data-testid='stMain'] [data-testid='stHeading']").first.inner_text().strip()
        # the app's own menu (st.page_link: a relative href) or Streamlit's sidebar navigation (an absolute one)
        link = page.locator(
            f"[data-testid='stSidebar'] a[href='{target}'], [data-testid='stSidebar'] a[href$='/{target}']"
        ).first
        start = time.perf_counter()
        link.click()
        with _explained(page):
            page.wait_for_function(SWITCH_DONE, arg=[target, before], timeout=BROWSER_TIMEOUT)
        return time.perf_counter() - start
    finally:
        context.close()


def _interleaved(cases: dict[str, Callable[[], float]], runs: int) -> dict[str, dict]:
    """Each case once untimed (warms the server), then round-robin so that drift hits every case alike."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    loads: dict[str, list[float]] = {name: [] for name in cases}
    errors: dict[str, list[str]] = {name: [] for name in cases}
    for name, measure in cases.items():
        try:
            measure()
        except Exception as exc:  # noqa: BLE001 - recorded with the figure
            errors[name].append(f"warm-up: {type(exc).__name__}: {exc}"[:300])
    for _ in range(runs):
        for name, measure in cases.items():
            try:
                samples[name].append(measure())
            except Exception as exc:  # noqa: BLE001
                errors[name].append(f"{type(exc).__name__}: {exc}"[:300])
            loads[name].append(_load())
    return {
        name: {
            "seconds": _median(values),
            "samples": [round(v, 3) for v in values],
            "load_avg": _median(loads[name]),
            **({"problems": errors[name]} if errors[name] else {}),
        }
        for name, values in samples.items()
    }


def bench_browser(demo_db: Path, stress_db: Path, trivial_dir: Path, runs: int) -> dict:
    chromium = find_chromium()
    if not chromium:
        return {"skipped": "kein Chromium gefunden (KPI_CHROMIUM setzen oder `make chromium`)"}
    from playwright.sync_api import sync_playwright

    servers = {}
    try:
        servers["trivial"] = start_server(None, app="trivial.py", cwd=trivial_dir)
        servers["navigation"] = start_server(None, app="navigation.py", cwd=trivial_dir)
        # No committee reports drawn in the background meanwhile (kpi.report_cache): Chromium drawing the stress
        # store's deck took both CPUs for minutes and outlived the bench.
        quiet = {"KPI_REPORT_PREBUILD": "0"}
        servers["demo"] = start_server(demo_db, quiet)
        servers["stress"] = start_server(stress_db, quiet)
        url = {name: base for name, (_proc, base) in servers.items()}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
            try:
                first = _interleaved(
                    {
                        "trivial": lambda: first_chart_seconds(browser, url["trivial"]),
                        "cockpit_demo": lambda: first_chart_seconds(browser, url["demo"]),
                        "cockpit_stress": lambda: first_chart_seconds(browser, url["stress"]),
                    },
                    runs,
                )
                _say(f"browser first chart: {first}")
                switch = _interleaved(
                    {
                        "trivial": lambda: switch_seconds(browser, url["navigation"] + "/", "b"),
                        "cockpit_demo": lambda: switch_seconds(browser, url["demo"] + "/", SWITCH_TO),
                        "cockpit_stress": lambda: switch_seconds(browser, url["stress"] + "/", SWITCH_TO),
                    },
                    runs,
                )
                _say(f"browser switch: {switch}")
            finally:
                browser.close()
    finally:
        for proc, _base in servers.values():
            stop_server(proc)
    return {
        "viewport": f"{VIEWPORT['width']}x{VIEWPORT['height']}",
        "chromium": chromium,
        "first_chart": {
            "trivial": first["trivial"],
            "cockpit_demo": _goal(first["cockpit_demo"], first["trivial"], GOAL_FIRST_CHART_DEMO),
            "cockpit_stress": _goal(first["cockpit_stress"], first["trivial"], GOAL_FIRST_CHART_STRESS),
        },
        "switch": {
            "target": SWITCH_TO,
            "trivial": switch["trivial"],
            "cockpit_demo": _goal(switch["cockpit_demo"], switch["trivial"], GOAL_SWITCH),
            "cockpit_stress": _goal(switch["cockpit_stress"], switch["trivial"], GOAL_SWITCH),
        },
    }


def bench_pages(stress_store: Store, runs: int) -> dict:
    """Server-side page runs and browser timings on the demo store and on `stress_store` (a DuckDB file)."""
    from kpi.seed import seed

    with tempfile.TemporaryDirectory(prefix="kpi-bench-pages-") as tmp:
        work = Path(tmp)
        demo_db = work / "demo.duckdb"
        seed(Store(f"duckdb:///{demo_db}"))
        trivial_dir = work / "trivial"
        write_trivial_apps(trivial_dir)
        stores = {"demo": f"duckdb:///{demo_db}", "stress": stress_store.url}
        started = time.perf_counter()
        render = bench_render(stores, trivial_dir / "trivial.py", runs)
        browser = bench_browser(demo_db, Path(stress_store.path), trivial_dir, runs)
        return {
            "runs": runs,
            "server_render": render,
            "browser": browser,
            "seconds_total": round(time.perf_counter() - started, 1),
        }
