"""Helpers for the page tests of login-protected pages (upload, protokoll, comments): a logged-in user is
simulated by putting a kpi.auth.User into st.session_state["user"] before the run, as kpi.web.auth_ui does."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.auth import User
from kpi.store import Store

ROOT = Path(__file__).resolve().parents[2]

IT = User("it", "it_office")
ADMIN = User("admin", "admin")
VIEWER = User("leser", "viewer")
DEPT_BB = User("bb", "department", "BB")


def serve(store: Store, monkeypatch) -> Store:
    """Make `store` the app's store: KPI_DB_URL points at it, and Streamlit's caches start empty
    (ui.get_store is a cache_resource and would otherwise keep an earlier test's store)."""
    monkeypatch.setenv("KPI_DB_URL", store.url)
    monkeypatch.delenv("KPI_PUBLIC_VIEW", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    return store


def open_as(page: str, user: User | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Open app_pages/<page>.py through app.py as `user` (None: anonymous), as its typed URL does: the first run
    asks for the page by its URL path (a page the role may not see is registered without its file)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if user is not None:
        at.session_state["user"] = user
    if query:
        at.query_params.update(query)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def menu(at: AppTest) -> list[str]:
    """The page titles of Streamlit's menu after the last run, as app.py registered them with st.navigation: the
    pages with a page file (a page the role may not see is registered hidden, with a refusal instead of its file).
    AppTest has no public view of the menu, so this reads its page registry."""
    return [str(info["page_name"]) for info in at._registered_pages.values() if info.get("script_path")]


def messages(at: AppTest) -> str:
    """The page's text-like elements (not its tables), for assertions on messages and on escaping."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "success",
        "info",
        "warning",
        "error",
        "text",
        "code",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def frame_with(at: AppTest, column: str):
    """The (last) table on the page, data grid or text table, that has this column."""
    from tests.pages.conftest import html_tables

    frames = [d.value for d in at.dataframe] + [t["frame"] for t in html_tables(at)]
    return [f for f in frames if column in f.columns][-1]
