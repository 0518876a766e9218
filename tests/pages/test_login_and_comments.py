"""Login box (local users, OIDC claims, rate limit), the public-view switch and the comment form, with AppTest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from kpi import auth
from tests.pages.roles import ADMIN, DEPT_BB, IT, ROOT, VIEWER, frame_with, menu, messages, open_as, serve

PASSWORD = "Rathaus-2026!"
PAYLOAD = "<script>alert(1)</script><b>x</b>"


@pytest.fixture
def app_store(seeded_store, monkeypatch):
    return serve(seeded_store, monkeypatch)


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login-user").input(name)
    at.text_input(key="login-password").input(password)
    next(b for b in at.button if b.label == "Anmelden").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# -- login -----------------------------------------------------------------------------------


def test_login_form_logs_in_updates_the_menu_and_logs_out(app_store):
    auth.add_user(app_store, "it", "it_office", PASSWORD)
    at = open_as("cockpit")
    assert {t.label for t in at.text_input} >= {"Benutzer", "Passwort"}
    assert "Upload" not in menu(at)
    log_in(at, "it", PASSWORD)
    assert at.session_state["user"] == auth.User("it", "it_office", None, source="password")
    assert "Angemeldet als **it**" in messages(at)
    assert "Upload" in menu(at) and "Protokoll" in menu(at)
    assert "login-password" not in at.session_state  # the password is not kept in the session
    next(b for b in at.button if b.label == "Abmelden").click().run()
    assert "user" not in at.session_state
    assert "Upload" not in menu(at)


def test_wrong_password_is_refused_and_the_sixth_try_is_rate_limited(app_store, slow_backoff):
    auth.add_user(app_store, "it", "it_office", PASSWORD)
    at = open_as("cockpit")
    log_in(at, "it", "falsch-falsch")
    assert "Benutzer oder Passwort ist falsch" in " ".join(e.value for e in at.error)
    for _ in range(4):
        log_in(at, "it", "falsch-falsch")
    log_in(at, "it", PASSWORD)
    assert "Zu viele fehlgeschlagene Anmeldungen" in " ".join(e.value for e in at.error)
    assert "user" not in at.session_state


def test_english_labels(app_store):
    at = open_as("cockpit")
    at.selectbox(key="w:lang").set_value("en").run()
    assert {t.label for t in at.text_input} >= {"User", "Password"}
    assert "Log in" in [b.label for b in at.button]


def test_a_removed_user_is_logged_out_on_the_next_interaction(app_store):
    auth.add_user(app_store, "it", "it_office", PASSWORD)
    at = log_in(open_as("cockpit"), "it", PASSWORD)
    auth.remove_user(app_store, "it")
    at.run()
    assert "user" not in at.session_state
    assert "Ihre Anmeldung wurde beendet" in messages(at)


def test_without_public_view_anonymous_visitors_see_only_the_login(app_store, monkeypatch):
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "0")
    at = open_as("cockpit")
    assert "Bitte melden Sie sich an" in messages(at)
    assert len(at.dataframe) == 0 and len(at.get("plotly_chart")) == 0 and len(at.metric) == 0
    assert {t.label for t in at.text_input} >= {"Benutzer", "Passwort"}
    viewer = open_as("cockpit", VIEWER)
    assert "Bitte melden Sie sich an" not in messages(viewer)


def test_oidc_login_maps_claims_to_a_role(app_store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "cockpit",
        "client_secret": "s",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    at.secrets["digitalcockpit"] = {"oidc_roles": {"GG-IT-Leitstelle": "it_office"}}
    at.user = {
        "is_logged_in": True,
        "email": "m.muster@iserlohn.de",
        "name": "M. Muster",
        "groups": ["GG-IT-Leitstelle"],
    }
    at.run()
    assert not at.exception
    user = at.session_state["user"]
    assert (user.name, user.role, user.source) == ("m.muster@iserlohn.de", "it_office", "oidc")
    assert "Upload" in menu(at)


# -- comments on /kennzahlen -----------------------------------------------------------------


def comment_form_shown(at: AppTest) -> bool:
    return any(b.label == "Kommentar speichern" for b in at.button)


@pytest.mark.parametrize(
    "user,kpi_id,shown",
    [
        (DEPT_BB, "EG-04", True),  # EG-04 belongs to the Bürgerbüro (BB)
        (DEPT_BB, "EG-01", False),  # another unit's KPI
        (ADMIN, "EG-01", True),
        (IT, "EG-04", False),
        (VIEWER, "EG-04", False),
        (None, "EG-04", False),
    ],
    ids=["department-own-unit", "department-other-unit", "admin", "it_office", "viewer", "anonymous"],
)
def test_only_the_responsible_department_and_admins_get_the_comment_form(app_store, user, kpi_id, shown):
    at = open_as("kennzahlen", user, {"kpi": kpi_id})
    assert comment_form_shown(at) is shown


def test_a_saved_comment_is_revisioned_and_html_in_it_is_shown_as_text(app_store):
    at = open_as("kennzahlen", DEPT_BB, {"kpi": "EG-04"})
    periods = at.selectbox(key="comment-period-EG-04").options
    assert "(nächster Zeitraum)" in periods[0]
    at.text_area(key="comment-text-EG-04").input(PAYLOAD)
    next(b for b in at.button if b.label == "Kommentar speichern").click().run()
    assert not at.exception
    assert "gespeichert" in " ".join(s.value for s in at.success)
    stored = app_store.comments(kpi_id="EG-04")
    assert list(stored["text"]) == [PAYLOAD] and list(stored["author"]) == ["bb"]
    table = frame_with(at, "Kommentar")
    assert PAYLOAD in set(table["Kommentar"])
    assert "<b>" not in messages(at) and "<script>" not in messages(at)


def test_saving_an_empty_comment_withdraws_an_existing_one(app_store):
    latest = app_store.current_values(kpi_ids=["EG-04"])["period"].max()
    app_store.add_comment("EG-04", latest, "Erläuterung", author="bb")
    at = open_as("kennzahlen", DEPT_BB, {"kpi": "EG-04"})
    options = at.selectbox(key="comment-period-EG-04").options
    at.selectbox(key="comment-period-EG-04").set_value(latest)
    assert any("hat Kommentar" in o for o in options)
    next(b for b in at.button if b.label == "Kommentar speichern").click().run()
    assert "zurückgezogen" in " ".join(s.value for s in at.success)
    assert app_store.comments(kpi_id="EG-04").empty
    assert len(app_store.query("SELECT * FROM kpi_comment")) == 2  # nothing deleted


def test_no_comment_form_in_a_frozen_as_of_view(app_store):
    at = open_as("kennzahlen", DEPT_BB, {"kpi": "EG-04"})
    at.date_input(key="w:stand").set_value(date.today() - timedelta(days=30)).run()
    assert not comment_form_shown(at)
    assert "nur im aktuellen Stand" in messages(at)
