"""Fixtures: each test gets its own DuckDB file in tmp_path (no test depends on another's state)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kpi import auth
from kpi.catalog import load_catalog
from kpi.revisions import record_catalog
from kpi.seed import seed
from kpi.store import Store
from tests.pg import parametrize_backend, pg_catalog_template, pg_cluster, pg_database, pg_seeded_template  # noqa: F401

TODAY = date(2026, 11, 25)
PRODUCTION_HASHER = auth._hasher  # argon2 at the production cost (about 1 s per hash on a busy 2-core machine)
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # the cheapest argon2id: ~0.1 ms


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Tests hash and verify passwords with the cheapest argon2id parameters; production keeps its defaults (one
    test in test_auth.py checks them through `production_hasher`). Hashes made here verify anywhere, since argon2
    reads the cost from the hash itself."""
    auth._hasher = CHEAP_HASHER
    auth._dummy_hash.cache_clear()
    yield
    auth._hasher = PRODUCTION_HASHER
    auth._dummy_hash.cache_clear()


@pytest.fixture
def production_hasher(monkeypatch) -> PasswordHasher:
    """kpi.auth back at its production argon2 parameters, for the one test that checks them."""
    monkeypatch.setattr(auth, "_hasher", PRODUCTION_HASHER)
    auth._dummy_hash.cache_clear()
    yield PRODUCTION_HASHER
    auth._dummy_hash.cache_clear()


# No committee reports rendered in the background after every write (kpi.report_cache): Chromium per import
# would take the test machine's CPU. Tests of the report cache turn it on for their own server.
os.environ.setdefault("KPI_REPORT_PREBUILD", "0")


@pytest.fixture(autouse=True, scope="session")
def one_chart_folder_per_run(tmp_path_factory) -> Iterator[Path]:
    """The chart images drawn for any report (kpi.report_cache.chart_dir) in one folder for the whole run, shared
    by the xdist workers and the processes they start: each chart of the demo deck is drawn in Chromium once per
    run, not once per report build. It lies in pytest's folder of the run (workers have theirs inside it), which
    pytest removes with its older runs."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "charts"
    previous = os.environ.get("KPI_CHART_CACHE")
    os.environ["KPI_CHART_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("KPI_CHART_CACHE", None)
    else:
        os.environ["KPI_CHART_CACHE"] = previous


@pytest.fixture(autouse=True, scope="session")
def component_scan_once():
    """Every new AppTest scans the metadata of every installed distribution for Streamlit components (its
    `discover_and_register_components`; tests/pages took 96 s instead of 78 s on two workers with it). A server does
    it once when it starts; the installed packages do not change during a test run, so the tests scan once per
    process too."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture(autouse=True, scope="session")
def page_bytecode_once():
    """Every new AppTest compiles app.py and the page it runs again (each has its own ScriptCache; about 4 % of
    `make test-fast`'s time). A server compiles each script once, so the tests do too: once per process and
    version of the file."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    compiled: dict[tuple, object] = {}
    get_bytecode = ScriptCache.get_bytecode

    def once(self, script_path: str):
        path = os.path.abspath(script_path)
        key = (path, os.stat(path).st_mtime_ns)
        if key not in compiled:
            compiled[key] = get_bytecode(self, script_path)
        return compiled[key]

    ScriptCache.get_bytecode = once
    yield
    ScriptCache.get_bytecode = get_bytecode


@pytest.fixture
def slow_backoff(monkeypatch) -> None:
    """A back-off of ten minutes per step, for tests that try logins at the real time: on a loaded machine the
    production two seconds can pass between two tries and let a try through that the test expects refused."""
    monkeypatch.setattr(auth, "BACKOFF_BASE", timedelta(minutes=10))


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


def pytest_generate_tests(metafunc) -> None:
    parametrize_backend(metafunc)  # tests/pg.py: DuckDB and PostgreSQL for `both_backends` modules


@pytest.fixture
def backend() -> str:
    """The store's engine: DuckDB unless a `both_backends` module runs the test on PostgreSQL too."""
    return "duckdb"


def _copy_of(template: Path, folder: Path) -> Store:
    """A fresh store from a session's template file: a file copy (milliseconds) instead of writing the catalog
    or the demo data again for every test (half a second and more)."""
    target = folder / "kpi.duckdb"
    target.write_bytes(template.read_bytes())
    return Store(f"duckdb:///{target}", lock_timeout=2)


@pytest.fixture(scope="session")
def catalog_template(tmp_path_factory, catalog) -> Path:
    path = tmp_path_factory.mktemp("catalog") / "kpi.duckdb"
    record_catalog(Store(f"duckdb:///{path}"), catalog)
    return path


@pytest.fixture
def store(tmp_path: Path, backend: str, request) -> Store:
    """A store holding the seed catalog but no measurements."""
    if backend == "pg":
        return request.getfixturevalue("pg_database")(request.getfixturevalue("pg_catalog_template"))
    return _copy_of(request.getfixturevalue("catalog_template"), tmp_path)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "kpi.duckdb"
    seed(Store(f"duckdb:///{path}"), today=TODAY)
    return path


@pytest.fixture
def seeded_store(tmp_path: Path, backend: str, request) -> Store:
    """The demo store (catalog + illustrative measurements), copied fresh for each test."""
    if backend == "pg":
        return request.getfixturevalue("pg_database")(request.getfixturevalue("pg_seeded_template"))
    return _copy_of(request.getfixturevalue("seeded_template"), tmp_path)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path
