"""The login cookie's server-side session records and its signature (kpi.sessions)."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta

import pytest

from kpi import auth, sessions
from kpi.store import Store

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)

PASSWORD = "Rathaus-2026!"
T0 = datetime(2026, 11, 25, 9, 0)


@pytest.fixture
def anna(store: Store) -> auth.User:
    return auth.add_user(store, "anna", "it_office", PASSWORD)


def logged_in(store: Store, user: auth.User, *, binding: str = "b1", at: datetime = T0) -> tuple[str, str]:
    """A session created at login and claimed by the same browser: (session id, cookie token)."""
    new = sessions.create(store, user, binding=binding, hours=8, at=at)
    token, _ = sessions.claim(store, new.claim, binding, at=at + timedelta(seconds=1))
    return new.id, token


# -- signature and secret ------------------------------------------------------------------------


def test_signed_token_round_trips_and_a_changed_byte_is_refused():
    secret = b"s" * 32
    value = sessions.sign("tok-123", secret)
    assert sessions.unsign(value, secret) == "tok-123"
    assert sessions.unsign(value[:-1] + ("0" if value[-1] != "0" else "1"), secret) is None
    assert sessions.unsign("tok-999." + value.rpartition(".")[2], secret) is None
    assert sessions.unsign(value, b"other secret") is None
    for bad in (None, "", "no-dot", ".abc", "x" * 300 + ".abc"):
        assert sessions.unsign(bad, secret) is None


def test_secret_is_generated_once_and_readable_only_by_the_owner(store, monkeypatch):
    monkeypatch.delenv("KPI_SESSION_SECRET", raising=False)
    first = sessions.load_secret(store)
    assert len(first) >= 32
    assert sessions.load_secret(store) == first
    mode = stat.S_IMODE(sessions.secret_path(store).stat().st_mode)
    assert mode == 0o600
    assert sessions.load_secret(store, env={"KPI_SESSION_SECRET": "from-env"}) == b"from-env"


@pytest.mark.parametrize(
    ("raw", "hours"),
    [("", 8.0), ("12", 12.0), ("0,5", 0.5), ("0", 8.0), ("-3", 8.0), ("viel", 8.0), ("100000", 8.0)],
    ids=["default", "twelve", "german-decimal", "zero", "negative", "word", "too-long"],
)
def test_session_hours_from_environment(raw, hours):
    assert sessions.session_hours({"KPI_SESSION_HOURS": raw}) == hours


# -- records ------------------------------------------------------------------------------------


def test_claimed_session_names_its_user_until_it_expires(store, anna):
    session_id, token = logged_in(store, anna)
    user, found_id = sessions.user_for_token(store, token, at=T0 + timedelta(hours=1))
    assert (user.name, user.role, user.source, found_id) == ("anna", "it_office", "password", session_id)
    assert sessions.user_for_session(store, session_id, at=T0 + timedelta(hours=7, minutes=59)).name == "anna"
    assert sessions.user_for_session(store, session_id, at=T0 + timedelta(hours=8, seconds=1)) is None
    assert sessions.user_for_token(store, token, at=T0 + timedelta(hours=9)) is None


def test_store_keeps_only_hashes_of_token_and_claim(store, anna):
    new = sessions.create(store, anna, binding="b1", at=T0)
    token, _ = sessions.claim(store, new.claim, "b1", at=T0)
    dump = store.query("SELECT * FROM app_session").astype(str).to_csv()
    assert token not in dump and new.claim not in dump


def test_claim_code_works_once_within_a_minute_and_only_for_its_browser(store, anna):
    new = sessions.create(store, anna, binding="browser-a", at=T0)
    assert sessions.claim(store, new.claim, "browser-b", at=T0) is None  # another browser (login CSRF)
    assert sessions.claim(store, "guessed", "browser-a", at=T0) is None
    late = sessions.create(store, anna, binding="browser-a", at=T0)
    assert sessions.claim(store, late.claim, "browser-a", at=T0 + timedelta(seconds=61)) is None
    assert sessions.claim(store, new.claim, "browser-a", at=T0 + timedelta(seconds=5)) is not None
    assert sessions.claim(store, new.claim, "browser-a", at=T0 + timedelta(seconds=6)) is None  # used


@pytest.mark.parametrize("change", ["logout", "removed", "role", "unit", "password", "revoke-all"])
def test_session_ends_at_once_when_the_account_changes(store, change):
    user = auth.add_user(store, "bernd", "department", PASSWORD, unit="BB")
    session_id, token = logged_in(store, user)
    other_id, _ = logged_in(store, auth.add_user(store, "clara", "viewer", PASSWORD))
    assert sessions.user_for_session(store, session_id, at=T0) is not None
    if change == "logout":
        assert sessions.revoke(store, token=token)
    elif change == "removed":
        auth.remove_user(store, "bernd")
    elif change == "role":
        store.query("UPDATE app_user SET role = 'admin' WHERE name = 'bernd'")
    elif change == "unit":
        store.query("UPDATE app_user SET unit = 'STAB-DIG' WHERE name = 'bernd'")
    elif change == "password":
        auth.set_password(store, "bernd", "Neues-Passwort-1")
    else:
        assert sessions.revoke_user(store, "bernd") == 1
    assert sessions.user_for_session(store, session_id, at=T0) is None
    assert sessions.user_for_token(store, token, at=T0) is None
    assert sessions.user_for_session(store, other_id, at=T0).name == "clara"  # other users keep theirs


def test_store_without_session_table_knows_no_session(tmp_path):
    bare = Store(f"duckdb:///{tmp_path / 'bare.duckdb'}", lock_timeout=2)
    bare.init_schema()
    bare.query("DROP TABLE IF EXISTS app_session")
    assert sessions.user_for_token(bare, "x") is None
    assert sessions.user_for_session(bare, "x") is None


def test_prune_forgets_expired_sessions(store, anna):
    old, _ = logged_in(store, anna, at=T0 - timedelta(days=3))
    fresh, _ = logged_in(store, anna)
    assert sessions.prune(store, T0) == 1
    assert set(store.query("SELECT id FROM app_session")["id"]) == {fresh}
    assert old != fresh
