"""Fixtures: each test gets its own DuckDB file in tmp_path (no test depends on another's state)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from kpi.catalog import load_catalog
from kpi.seed import seed
from kpi.store import Store

TODAY = date(2026, 11, 25)
# No committee reports rendered in the background after every write (kpi.report_cache): Chromium per import
# would take the test machine's CPU. Tests of the report cache turn it on for their own server.
os.environ.setdefault("KPI_REPORT_PREBUILD", "0")


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture
def store(tmp_path: Path, catalog) -> Store:
    """A store holding the seed catalog but no measurements."""
    s = Store(f"duckdb:///{tmp_path / 'kpi.duckdb'}", lock_timeout=2)
    s.save_catalog(catalog)
    return s


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "kpi.duckdb"
    seed(Store(f"duckdb:///{path}"), today=TODAY)
    return path


@pytest.fixture
def seeded_store(tmp_path: Path, seeded_template: Path) -> Store:
    """The demo store (catalog + illustrative measurements), copied fresh for each test."""
    target = tmp_path / "kpi.duckdb"
    target.write_bytes(seeded_template.read_bytes())
    return Store(f"duckdb:///{target}", lock_timeout=2)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path
