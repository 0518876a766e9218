"""Users, passwords, the login rate limit, OIDC role mapping and the permission matrix."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kpi import auth
from kpi.auth import User, can
from kpi.store import Store, now
from tests.cli_inprocess import CliResult, run_cli

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Rathaus-2026!"
T0 = datetime(2026, 11, 25, 9, 0)


def run_kpi(store: Store, *args: str, stdin: str = "") -> CliResult:
    """`python -m kpi …` over `store`, in this process (tests/cli_inprocess.py)."""
    return run_cli(*args, db=store.url, stdin=stdin)


# -- hashing and users -----------------------------------------------------------------------


def test_password_is_stored_as_argon2_hash_never_plain(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    stored = store.user_row("it")["password_hash"]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert auth.verify_password(stored, PASSWORD)
    assert not auth.verify_password(stored, PASSWORD + "x")
    assert not auth.verify_password("not a hash", PASSWORD)


def test_production_hashes_use_argon2id_at_its_recommended_cost(store, production_hasher):
    """The other tests hash with the cheapest parameters (tests/conftest.py); this one keeps the real ones."""
    auth.add_user(store, "it", "it_office", PASSWORD)
    stored = store.user_row("it")["password_hash"]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth.verify_password(stored, PASSWORD)


def test_two_hashes_of_one_password_differ_by_salt():
    assert auth.hash_password(PASSWORD) != auth.hash_password(PASSWORD)


def test_cli_adds_lists_and_removes_users_with_password_from_stdin(store):
    added = run_kpi(
        store, "user", "add", "Sachbearbeitung.IT", "--role", "it_office", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    assert "sachbearbeitung.it" in added.stdout
    dept = run_kpi(
        store,
        "user",
        "add",
        "buergerbuero",
        "--role",
        "department",
        "--unit",
        "bb",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert dept.returncode == 0, dept.stderr

    listed = run_kpi(store, "user", "list")
    assert listed.returncode == 0
    assert "sachbearbeitung.it" in listed.stdout and "it_office" in listed.stdout
    assert "buergerbuero" in listed.stdout and "BB" in listed.stdout
    assert PASSWORD not in listed.stdout and "argon2" not in listed.stdout
    assert auth.authenticate(store, "Sachbearbeitung.IT", PASSWORD).user.role == "it_office"

    removed = run_kpi(store, "user", "remove", "buergerbuero")
    assert removed.returncode == 0, removed.stderr
    assert [u.name for u in auth.list_users(store)] == ["sachbearbeitung.it"]
    again = run_kpi(store, "user", "remove", "buergerbuero")
    assert again.returncode == 1 and "gibt es nicht" in again.stderr


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["user", "add", "x1", "--role", "it_office", "--password-stdin"], "kurz\n", "mindestens 8 Zeichen"),
        (["user", "add", "x2", "--role", "department", "--password-stdin"], PASSWORD + "\n", "braucht einen Bereich"),
        (
            ["user", "add", "x3", "--role", "department", "--unit", "NOPE", "--password-stdin"],
            PASSWORD + "\n",
            "Unbekannter Bereich",
        ),
        (["user", "add", "<b>", "--role", "viewer", "--password-stdin"], PASSWORD + "\n", "Ungültiger Benutzername"),
    ],
    ids=["short-password", "department-without-unit", "unknown-unit", "bad-name"],
)
def test_cli_refuses_bad_user_input_with_a_message(store, args, stdin, message):
    proc = run_kpi(store, *args, stdin=stdin)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert auth.list_users(store) == []


def test_cli_refuses_a_taken_name(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    proc = run_kpi(store, "user", "add", "IT", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert proc.returncode == 1 and "gibt es bereits" in proc.stderr
    assert auth.get_user(store, "it").role == "it_office"


def test_cli_sets_a_new_password(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    proc = run_kpi(store, "user", "passwd", "it", "--password-stdin", stdin="Neues-Passwort-1\n")
    assert proc.returncode == 0, proc.stderr
    assert not auth.authenticate(store, "it", PASSWORD, at=T0).ok
    assert auth.authenticate(store, "it", "Neues-Passwort-1", at=T0 + timedelta(seconds=1)).ok


# -- authenticate and the rate limit ---------------------------------------------------------


def test_authenticate_accepts_the_right_password_and_refuses_a_wrong_one(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    ok = auth.authenticate(store, " IT ", PASSWORD)
    assert ok.ok and ok.user == User("it", "it_office", None, source="password")
    wrong = auth.authenticate(store, "it", "falsch-falsch")
    assert not wrong.ok and wrong.message.startswith("Benutzer oder Passwort ist falsch")
    unknown = auth.authenticate(store, "niemand", PASSWORD)
    assert not unknown.ok and unknown.message == wrong.message.split(" Noch")[0]


def test_failures_slow_the_name_down_exponentially_and_never_lock_it(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    for second in range(3):  # three free tries
        assert auth.authenticate(store, "it", "falsch", at=T0 + timedelta(seconds=second)).message.startswith(
            "Benutzer oder Passwort ist falsch"
        )
    early = auth.authenticate(store, "it", PASSWORD, at=T0 + timedelta(seconds=3))
    assert not early.ok and "Zu viele" in early.message and "erneut versuchen" in early.message
    assert early.locked_until == T0 + timedelta(seconds=2 + 2)
    # A refused try extends nothing; after the delay the right password works.
    assert auth.authenticate(store, "it", PASSWORD, at=T0 + timedelta(seconds=4, milliseconds=1)).ok


@pytest.mark.processes
def test_the_lock_holds_across_store_objects_and_processes(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    moment = now()
    for _ in range(8):  # each try as soon as the back-off allows it: the last one asks for a minute's pause
        auth.authenticate(store, "it", "falsch", at=moment)
        moment = (auth.backoff_until(store.login_failures("it", moment - timedelta(days=1))) or moment) + timedelta(
            milliseconds=1
        )
    other = Store(store.url)  # a second session or process: it reads the attempts from the store
    assert "Zu viele" in auth.authenticate(other, "it", PASSWORD).message
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kpi import auth; from kpi.store import Store; "
            f"print(auth.authenticate(Store(sys.argv[1]), 'it', {PASSWORD!r}).message)",
            store.url,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Zu viele" in probe.stdout, probe.stderr


def test_failures_spread_wider_than_the_window_do_not_lock(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    for minute in (0, 5, 10, 16, 21):  # never five within 15 minutes
        auth.authenticate(store, "it", "falsch", at=T0 + timedelta(minutes=minute))
    assert auth.authenticate(store, "it", PASSWORD, at=T0 + timedelta(minutes=22)).ok


def test_a_successful_login_resets_the_failure_count(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    for minute in range(4):
        auth.authenticate(store, "it", "falsch", at=T0 + timedelta(minutes=minute))
    assert auth.authenticate(store, "it", PASSWORD, at=T0 + timedelta(minutes=5)).ok
    auth.authenticate(store, "it", "falsch", at=T0 + timedelta(minutes=6))
    assert auth.authenticate(store, "it", PASSWORD, at=T0 + timedelta(minutes=7)).ok


def test_unknown_names_are_rate_limited_too(store, slow_backoff):
    for _ in range(5):
        auth.authenticate(store, "gibtsnicht", "x" * 10)
    assert "Zu viele" in auth.authenticate(store, "gibtsnicht", "x" * 10).message


def test_the_lock_is_per_name(store, slow_backoff):
    auth.add_user(store, "it", "it_office", PASSWORD)
    auth.add_user(store, "admin", "admin", PASSWORD)
    for _ in range(5):
        auth.authenticate(store, "it", "falsch")
    assert auth.authenticate(store, "admin", PASSWORD).ok


def test_a_removed_user_cannot_log_in(store):
    auth.add_user(store, "it", "it_office", PASSWORD)
    assert auth.remove_user(store, "it")
    assert not auth.authenticate(store, "it", PASSWORD).ok


# -- permissions -----------------------------------------------------------------------------

VIEWER = User("v", "viewer")
DEPT_BB = User("bb", "department", "BB")
IT = User("it", "it_office")
ADMIN = User("a", "admin")

MATRIX = [
    # user, action, unit, public_view, allowed
    (None, "read", None, True, True),
    (None, "read", None, False, False),
    (None, "comment", "BB", True, False),
    (None, "upload_measurements", None, True, False),
    (VIEWER, "read", None, False, True),
    (VIEWER, "comment", "BB", False, False),
    (VIEWER, "update_measure", "BB", False, False),
    (VIEWER, "upload_measurements", None, False, False),
    (VIEWER, "view_audit", None, False, False),
    (DEPT_BB, "read", None, False, True),
    (DEPT_BB, "comment", "BB", False, True),
    (DEPT_BB, "comment", "IT", False, False),
    (DEPT_BB, "comment", None, False, False),
    (DEPT_BB, "update_measure", "BB", False, True),
    (DEPT_BB, "update_measure", "STAB-DIG", False, False),
    (DEPT_BB, "upload_measurements", None, False, False),
    (DEPT_BB, "upload_measures", None, False, False),
    (DEPT_BB, "undo", None, False, False),
    (DEPT_BB, "view_audit", None, False, False),
    (User("x", "department"), "comment", "BB", False, False),
    (IT, "read", None, False, True),
    (IT, "upload_measurements", None, False, True),
    (IT, "upload_measures", None, False, True),
    (IT, "update_measure", "BB", False, True),
    (IT, "undo", None, False, True),
    (IT, "view_audit", None, False, True),
    (IT, "comment", "BB", False, False),
    (IT, "manage_users", None, False, False),
    (ADMIN, "comment", "BB", False, True),
    (ADMIN, "upload_measurements", None, False, True),
    (ADMIN, "undo", None, False, True),
    (ADMIN, "manage_users", None, False, True),
    (User("y", "unknown-role"), "read", None, False, False),
]


@pytest.mark.parametrize(
    "user,action,unit,public,allowed",
    MATRIX,
    ids=[
        f"{getattr(u, 'role', 'anonymous')}{'-' + getattr(u, 'unit', '') if getattr(u, 'unit', None) else ''}-"
        f"{a}{'-' + un if un else ''}{'-public' if p else ''}"
        for u, a, un, p, _ in MATRIX
    ],
)
def test_permission_matrix(user, action, unit, public, allowed):
    assert can(user, action, unit, public_view=public) is allowed


def test_unknown_action_is_a_bug_not_a_refusal():
    with pytest.raises(ValueError):
        can(ADMIN, "delete_everything")


# -- public view and OIDC --------------------------------------------------------------------


@pytest.mark.parametrize(
    "env,secrets,expected",
    [
        ({}, {}, True),
        ({"KPI_PUBLIC_VIEW": "0"}, {}, False),
        ({"KPI_PUBLIC_VIEW": "1"}, {"public_view": False}, True),
        ({}, {"public_view": False}, False),
        ({}, {"digitalcockpit": {"public_view": False}}, False),
        ({"KPI_PUBLIC_VIEW": "false"}, {"public_view": True}, False),
    ],
    ids=["default-on", "env-off", "env-wins", "secrets-off", "section-off", "env-false-wins"],
)
def test_public_view_configuration(env, secrets, expected):
    assert auth.public_view_enabled(env, secrets) is expected


ROLES_MAP = {
    "it-leitstelle@iserlohn.de": "it_office",
    "GG-Cockpit-Admins": "admin",
    "GG-Buergerbuero": "department:BB",
    "@iserlohn.de": "viewer",
}


@pytest.mark.parametrize(
    "claims,expected",
    [
        ({"email": "IT-Leitstelle@Iserlohn.de"}, ("it-leitstelle@iserlohn.de", "it_office", None)),
        (
            {"email": "m.muster@iserlohn.de", "groups": ["GG-Buergerbuero"]},
            ("m.muster@iserlohn.de", "department", "BB"),
        ),
        (
            {"email": "chef@iserlohn.de", "groups": ["GG-Buergerbuero", "gg-cockpit-admins"]},
            ("chef@iserlohn.de", "admin", None),
        ),
        ({"email": "gast@iserlohn.de"}, ("gast@iserlohn.de", "viewer", None)),
        ({"email": "extern@example.org"}, ("extern@example.org", "viewer", None)),
        ({"email": "r@iserlohn.de", "roles": "GG-Cockpit-Admins"}, ("r@iserlohn.de", "admin", None)),
    ],
    ids=["email", "group-department", "strongest-wins", "domain", "default-viewer", "app-role-claim"],
)
def test_oidc_claims_map_to_roles(claims, expected):
    user = auth.user_from_claims(claims, ROLES_MAP)
    assert (user.name, user.role, user.unit) == expected
    assert user.source == "oidc"


def test_oidc_without_match_and_without_default_role_gets_no_access():
    assert auth.user_from_claims({"email": "extern@example.org"}, ROLES_MAP, default_role="") is None


def test_a_login_does_not_create_or_look_up_the_schema_again(store):
    """The login tables are made sure of once per Store object, not on every login call."""
    from sqlalchemy import event

    auth.add_user(store, "it", "it_office", "Rathaus-2026!")
    login = Store(store.url)
    assert auth.authenticate(login, "it", "Rathaus-2026!").ok
    statements: list[str] = []
    event.listen(login.engine, "before_cursor_execute", lambda *args: statements.append(str(args[2])))
    assert auth.authenticate(login, "it", "Rathaus-2026!").ok
    assert not auth.authenticate(login, "it", "falsch").ok
    schema_work = re.compile(r"\bCREATE\s+(TABLE|SEQUENCE|INDEX)\b|information_schema|duckdb_tables", re.I)
    assert statements and not [s for s in statements if schema_work.search(s)]


@pytest.mark.processes  # a fresh interpreter (subprocess)
def test_importing_the_store_prints_nothing_even_with_a_malformed_lock_timeout(tmp_path):
    env = {**os.environ, "KPI_LOCK_TIMEOUT": "zwanzig"}
    done = subprocess.run(
        [sys.executable, "-c", "import kpi.store, kpi.cli, kpi.report, kpi.bench"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
    opened = subprocess.run(
        [sys.executable, "-c", "from kpi.store import Store\nStore(); Store()"],
        cwd=ROOT,
        env={**env, "KPI_DB_URL": f"duckdb:///{tmp_path / 'x.duckdb'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert opened.stderr.count("KPI_LOCK_TIMEOUT='zwanzig'") == 1  # named once, when first used
