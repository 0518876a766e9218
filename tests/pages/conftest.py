"""Page tests without a browser: Streamlit's AppTest runs a page through app.py (as the server does) over a
store in tmp_path, optionally as a logged-in user (roles.py has the helpers for login-protected pages).
KPI_DB_URL is set before the run, and the app's caches are emptied for every test, because the Store behind
them is cached per process (st.cache_resource) and would otherwise outlive the test."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.i18n import fmt_date
from kpi.store import Store

ROOT = Path(__file__).resolve().parents[2]
FAILED = ("konnte nicht geladen werden", "could not be loaded")  # kpi.web.ui.guard's sentence for a page bug


@pytest.fixture(autouse=True)
def fresh_app_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    quiet = logging.getLogger("streamlit")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # AppTest without a server warns about the missing runtime on every run
    yield
    quiet.setLevel(level)
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def demo_store(seeded_store: Store, monkeypatch) -> Store:
    """The demo store (catalog + illustrative measurements, a fresh copy) that the pages read."""
    monkeypatch.setenv("KPI_DB_URL", seeded_store.url)
    return seeded_store


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch) -> Store:
    """A store with its tables but no strategy (a fresh installation before `python -m kpi seed`)."""
    store = Store(f"duckdb:///{tmp_path / 'empty.duckdb'}", lock_timeout=2)
    store.init_schema()
    monkeypatch.setenv("KPI_DB_URL", store.url)
    return store


def open_page(name: str, user: object | None = None, **query: str) -> AppTest:
    """Run app_pages/<name>.py as a visitor reaches it: through app.py's navigation, with a query string, logged in
    as `user` (None: anonymous)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if user is not None:
        at.session_state["user"] = user
    at.switch_page(f"app_pages/{name}.py")
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """The page's text as rendered from Markdown (headings, text, captions, message boxes, metrics, links,
    widget labels), main area and sidebar; table cells are not included (see `table_texts`)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
        "text",
        "latex",
        "code",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    parts += [str(e.proto.label) for e in at.get("page_link")]
    parts += [str(e.label) for e in (*at.expander, *at.tabs)]
    for widget in (*at.selectbox, *at.multiselect, *at.radio):
        parts.append(str(widget.label))
        parts += [str(o) for o in widget.options]
    for widget in (*at.date_input, *at.text_input, *at.toggle, *at.checkbox, *at.button):
        parts.append(str(widget.label))
    return "\n".join(parts)


class _TableParser(HTMLParser):
    """The tables of ui.text_table: per table the header, the rows, the column widths (%) and which columns
    are right-aligned."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"head": [], "rows": [], "widths": [], "right": []})
        elif tag == "col":
            self.tables[-1]["widths"].append(float(re.search(r"width:([\d.]+)%", attrs["style"]).group(1)))
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = []
            if tag == "th":
                self.tables[-1]["right"].append(attrs.get("class") == "r")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self._cell))
            self._cell = None


def html_tables(at: AppTest) -> list[dict]:
    """The text tables (st.html) on the page: `frame` (header and cells as a DataFrame), `widths`, `right`."""
    out = []
    for element in at.get("html"):
        parser = _TableParser()
        parser.feed(str(element.proto.body))
        for table in parser.tables:
            head, *rows = table["rows"]
            out.append({**table, "frame": pd.DataFrame(rows, columns=head)})
    return out


def table_texts(at: AppTest) -> str:
    """Column names and cells of every table on the page (data grids and text tables)."""
    parts: list[str] = []
    frames = [frame.value for frame in at.dataframe] + [table["frame"] for table in html_tables(at)]
    for value in frames:
        if isinstance(value, pd.DataFrame):
            parts += [str(c) for c in value.columns]
            parts += [str(v) for v in value.astype(str).to_numpy().ravel()]
    return "\n".join(parts)


def assert_page_ok(at: AppTest) -> str:
    """No exception element, no error box from the page's error boundary, no stack trace anywhere; returns
    everything the page shows (texts and tables) for further assertions."""
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at) + "\n" + table_texts(at)
    assert not any(sentence in shown for sentence in FAILED), [e.value for e in at.error]
    assert "Traceback" not in shown
    return shown


def today_de() -> str:
    return fmt_date(date.today(), "de")


def set_language(at: AppTest, lang: str) -> AppTest:
    at.selectbox(key="w:lang").set_value(lang)
    return at.run()


def set_stand(at: AppTest, day: date) -> AppTest:
    at.date_input(key="w:stand").set_value(day)
    return at.run()


def plain(markup: str) -> str:
    """Text without the HTML tags a page adds for colour (status badges)."""
    return re.sub(r"<[^>]+>", "", markup)


def link_items(at: AppTest) -> list[tuple[str, str, str, str]]:
    """The pages' link lists (cockpit, my area): per entry the target page, its query string, the link label and the
    detail line beneath it (as plain text)."""
    items = []

    def walk(node) -> None:
        children = list(getattr(node, "children", {}).values())
        if [getattr(c, "type", "") for c in children] == ["page_link", "caption"]:
            link, detail = children
            items.append(
                (str(link.proto.page), str(link.proto.query_string), str(link.proto.label), plain(str(detail.value)))
            )
            return
        for child in children:
            walk(child)

    walk(at.main)
    return items
