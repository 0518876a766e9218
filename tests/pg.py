"""The PostgreSQL backend for tests: one throwaway cluster per test session (per xdist worker), started with
Debian's binaries in a temporary folder (kpi.pgcluster) and stopped at the end; each test gets a fresh database
made from a template (CREATE DATABASE … TEMPLATE, a few milliseconds) and dropped afterwards.

Modules that set `pytestmark = pytest.mark.both_backends` run every test that uses the `store` or
`seeded_store` fixture twice: on a DuckDB file and on PostgreSQL (param `pg`, marker `pg`). A test that is
about the DuckDB file itself carries `@pytest.mark.duckdb_only`. Where PostgreSQL cannot run, the `pg` params
are skipped with the reason.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from kpi.pgcluster import PgCluster
from kpi.revisions import record_catalog
from kpi.store import Store

BACKENDS = ("duckdb", pytest.param("pg", marks=pytest.mark.pg))
_names = itertools.count(1)


def parametrize_backend(metafunc) -> None:
    """pytest_generate_tests: both backends for the tests of a `both_backends` module that use a store."""
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_backends") is None:
        return
    if metafunc.definition.get_closest_marker("duckdb_only") is not None:
        return
    metafunc.parametrize("backend", BACKENDS)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    reason = PgCluster.available()
    if reason:
        pytest.skip(f"PostgreSQL-Backend übersprungen: {reason}")
    cluster = PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


def _template(cluster: PgCluster, name: str, fill) -> str:
    cluster.drop_database(name)
    url = cluster.create_database(name)
    store = Store(url, lock_timeout=10)
    fill(store)
    store.engine.dispose()  # a template must have no open connections when a database is made from it
    return name


@pytest.fixture(scope="session")
def pg_catalog_template(pg_cluster: PgCluster, catalog) -> str:
    """A database holding the seed catalog but no measurements."""
    return _template(pg_cluster, "tpl_catalog", lambda s: record_catalog(s, catalog))


@pytest.fixture(scope="session")
def pg_seeded_template(pg_cluster: PgCluster) -> str:
    """The demo database (catalog + illustrative measurements)."""
    from kpi.seed import seed
    from tests.conftest import TODAY

    return _template(pg_cluster, "tpl_seeded", lambda s: seed(s, today=TODAY))


@pytest.fixture
def pg_database(pg_cluster: PgCluster):
    """A factory: `pg_database(template)` makes a fresh database (from a template) and returns its Store."""
    made: list[str] = []

    def make(template: str | None = None) -> Store:
        name = f"t{os.getpid()}_{next(_names)}"
        made.append(name)
        return Store(pg_cluster.create_database(name, template), lock_timeout=10)

    yield make
    for name in made:
        pg_cluster.drop_database(name)
