"""The menu app.py builds with st.navigation: per role the pages it may open, in sections, in the user's language;
every other page is registered hidden with a refusal instead of its file; without the public view anonymous
visitors get only the login request."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kpi.auth import User
from tests.pages.roles import ADMIN, DEPT_BB, IT, ROOT, VIEWER, menu, messages, open_as, serve

FOLDER = ROOT / "app_pages"
EVERYONE = ["Cockpit", "Themenfelder", "Kennzahlen", "Maßnahmen", "Mein Bereich", "Präsentation"]


def _probe(folder: str) -> None:
    """Runs inside AppTest (st.Page needs a script run): what ui.navigation returns for the session's user."""
    from datetime import date
    from pathlib import Path

    import streamlit as st

    from kpi.web import ui
    from kpi.web.context import Context

    ctx = Context(st.session_state["lang"], date.today(), None, st.session_state.get("user"))
    st.session_state["probe"] = {
        name: [(p.title, p.url_path, p.visibility) for p in pages]
        for name, pages in ui.navigation(ctx, Path(folder)).items()
    }


def pages_for(user: User | None, lang: str = "de") -> dict[str, list[tuple[str, str, str]]]:
    at = AppTest.from_function(_probe, args=(str(FOLDER),), default_timeout=60)
    at.session_state["lang"] = lang
    if user is not None:
        at.session_state["user"] = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state["probe"]


def visible(sections: dict[str, list]) -> dict[str, list[str]]:
    shown = {name: [title for title, _path, shown in pages if shown == "visible"] for name, pages in sections.items()}
    return {name: titles for name, titles in shown.items() if titles}


@pytest.fixture
def public(monkeypatch):
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "1")


@pytest.mark.parametrize("user", [None, VIEWER, DEPT_BB], ids=["anonymous", "viewer", "department"])
def test_readers_see_the_overview_and_the_committee_but_no_administration(public, user):
    assert visible(pages_for(user)) == {
        "Übersicht": EVERYONE[:5],
        "Ausschuss": ["Präsentation"],
        "Über": ["Barrierefreiheit"],
    }
    hidden = [path for pages in pages_for(user).values() for _title, path, shown in pages if shown == "hidden"]
    assert sorted(hidden) == ["katalog", "protokoll", "upload"]


@pytest.mark.parametrize(
    ("user", "admin_pages", "admin_pages_en"),
    [
        (IT, ["Upload", "Protokoll"], ["Upload", "Audit log"]),
        (ADMIN, ["Upload", "Protokoll", "Katalog"], ["Upload", "Audit log", "Catalog"]),
    ],
    ids=["it_office", "admin"],
)
def test_it_office_gets_upload_and_audit_log_and_admin_also_the_catalog(public, user, admin_pages, admin_pages_en):
    assert visible(pages_for(user))["Verwaltung"] == admin_pages
    assert visible(pages_for(user, "en")) == {
        "Overview": ["Cockpit", "Theme fields", "KPIs", "Measures", "My area"],
        "Committee": ["Presentation"],
        "Administration": admin_pages_en,
        "About": ["Accessibility"],
    }


def test_without_public_view_anonymous_visitors_get_no_menu(monkeypatch):
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "0")
    sections = pages_for(None)
    # The cockpit (the login request) and the accessibility statement, which BITV 2.0 wants reachable for everyone.
    assert [title for titles in visible(sections).values() for title in titles] == ["Cockpit", "Barrierefreiheit"]
    assert {path for pages in sections.values() for _title, path, _shown in pages} >= {"upload", "kennzahlen"}


@pytest.mark.parametrize(("page", "user"), [("upload", VIEWER), ("protokoll", VIEWER), ("katalog", IT)])
def test_a_typed_url_of_a_page_the_role_may_not_open_shows_the_refusal_not_the_cockpit(
    seeded_store, monkeypatch, page, user
):
    serve(seeded_store, monkeypatch)
    at = open_as(page, user)
    assert "Für diese Seite fehlt die Berechtigung." in messages(at)
    assert "Leitbild" not in messages(at) and not at.get("plotly_chart")
    assert page.capitalize() not in menu(at) and "Cockpit" in menu(at)
