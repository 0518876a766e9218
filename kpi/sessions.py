"""Server-side login sessions: the record behind the login cookie, kept in the store (table `app_session`).

A cookie alone (even signed) would outlive a logout, a removed user, a role or a password change. So the
cookie carries a random token, signed with the server's secret; the store keeps only the token's hash with
the user's role, unit and a fingerprint of the password hash at login. Every check compares them with the
user as stored now: any change ends the session at once.

A session is created in two steps, because the Streamlit script that checks the password cannot set an
HttpOnly cookie: the login creates the record with a one-time claim code (valid CLAIM_SECONDS, bound to the
browser's XSRF cookie), and a route of the server exchanges the code for the cookie (kpi.web.session).
No Streamlit here.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from kpi.auth import User
from kpi.store import ROOT, Store, metadata, now, user_t

COOKIE_NAME = "dc_session"
DEFAULT_HOURS = 8.0
MAX_HOURS = 24 * 30.0
CLAIM_SECONDS = 60
SECRET_FILE = "session_secret"

session_t = sa.Table(
    "app_session",
    metadata,
    sa.Column("id", sa.String, primary_key=True),  # random; the Streamlit session refers to its record by it
    sa.Column("token_hash", sa.String),  # sha256 of the cookie's token; NULL until the claim code is used
    sa.Column("claim_hash", sa.String),  # sha256 of the one-time claim code
    sa.Column("binding", sa.String),  # sha256 of the browser's XSRF token ("" when there is none)
    sa.Column("user_name", sa.String, nullable=False),
    sa.Column("role", sa.String, nullable=False),
    sa.Column("unit", sa.String),
    sa.Column("fingerprint", sa.String, nullable=False),  # of the password hash at login
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("claimed_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),
)


@dataclass(frozen=True)
class NewSession:
    id: str
    claim: str  # one-time code that the browser exchanges for the cookie
    expires_at: datetime


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(password_hash: str) -> str:
    """Changes when the password changes (a new argon2 hash has a new salt); reveals nothing of the hash."""
    return digest("pw:" + password_hash)[:32]


def session_hours(env: Mapping[str, str] | None = None) -> float:
    """KPI_SESSION_HOURS (default 8, at most 30 days); a value that is not a positive number gives the default."""
    raw = str((os.environ if env is None else env).get("KPI_SESSION_HOURS", "")).strip().replace(",", ".")
    try:
        hours = float(raw)
    except ValueError:
        return DEFAULT_HOURS
    return hours if 0 < hours <= MAX_HOURS else DEFAULT_HOURS


# -- the secret and the cookie's signature ------------------------------------------------------


def secret_path(store: Store) -> Path:
    """Next to the DuckDB file (a test store in tmp_path gets its own), else data/."""
    folder = Path(store.path).parent if store.path and store.path != ":memory:" else ROOT / "data"
    return folder / SECRET_FILE


def load_secret(store: Store, env: Mapping[str, str] | None = None) -> bytes:
    """KPI_SESSION_SECRET, else a random secret kept in a file readable only by the server's user (0600)."""
    configured = str((os.environ if env is None else env).get("KPI_SESSION_SECRET", "")).strip()
    if configured:
        return configured.encode()
    path = secret_path(store)
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as file:
        file.write(secrets.token_hex(32).encode())
    return path.read_bytes().strip()


def sign(token: str, secret: bytes) -> str:
    mac = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{mac}"


def unsign(value: str | None, secret: bytes) -> str | None:
    """The token of a cookie value signed with `secret`, None if it is missing, malformed or forged."""
    token, dot, mac = (value or "").rpartition(".")
    if not dot or not token or len(token) > 128:
        return None
    expected = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
    return token if hmac.compare_digest(mac, expected) else None


# -- records ----------------------------------------------------------------------------------


def _ensure(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[session_t], checkfirst=True)


def create(
    store: Store, user: User, *, binding: str = "", hours: float | None = None, at: datetime | None = None
) -> NewSession:
    """The record for a user who has just logged in with their password (kpi.auth.authenticate)."""
    moment = at or now()
    row = store.user_row(user.name)
    if row is None:
        raise ValueError(f"unknown user {user.name!r}")
    new = NewSession(
        secrets.token_urlsafe(18), secrets.token_urlsafe(32), moment + timedelta(hours=hours or session_hours())
    )
    with store.connect() as conn:
        _ensure(conn)
        conn.execute(session_t.delete().where(session_t.c.expires_at < moment - timedelta(days=7)))  # forgotten
        conn.execute(
            session_t.insert(),
            [
                dict(
                    id=new.id,
                    claim_hash=digest(new.claim),
                    binding=binding,
                    user_name=row["name"],
                    role=row["role"],
                    unit=row["unit"],
                    fingerprint=fingerprint(row["password_hash"]),
                    created_at=moment,
                    expires_at=new.expires_at,
                )
            ],
        )
    return new


def claim(store: Store, code: str, binding: str = "", *, at: datetime | None = None) -> tuple[str, datetime] | None:
    """Exchange a claim code for the cookie's token (once, within CLAIM_SECONDS, from the browser it was made
    for); returns the token and the session's expiry, or None."""
    if not code or len(code) > 128:
        return None
    moment = at or now()
    token = secrets.token_urlsafe(32)
    with store.connect() as conn:
        _ensure(conn)
        row = (
            conn.execute(
                sa.select(session_t.c.id, session_t.c.binding, session_t.c.expires_at).where(
                    session_t.c.claim_hash == digest(code),
                    session_t.c.claimed_at.is_(None),
                    session_t.c.revoked_at.is_(None),
                    session_t.c.created_at >= moment - timedelta(seconds=CLAIM_SECONDS),
                )
            )
            .mappings()
            .first()
        )
        if row is None or not hmac.compare_digest(row["binding"] or "", binding or ""):
            return None
        done = conn.execute(
            session_t.update()
            .where(session_t.c.id == row["id"], session_t.c.claimed_at.is_(None))
            .values(token_hash=digest(token), claimed_at=moment, claim_hash=None)
        )
        if done.rowcount != 1:
            return None
    return token, row["expires_at"]


def _valid_user(conn: sa.Connection, where: sa.ColumnElement, moment: datetime) -> User | None:
    row = (
        conn.execute(
            sa.select(
                session_t.c.role,
                session_t.c.unit,
                session_t.c.fingerprint,
                user_t.c.name,
                user_t.c.role.label("user_role"),
                user_t.c.unit.label("user_unit"),
                user_t.c.password_hash,
            )
            .join(user_t, user_t.c.name == session_t.c.user_name)
            .where(where, session_t.c.revoked_at.is_(None), session_t.c.expires_at > moment)
        )
        .mappings()
        .first()
    )
    if row is None or (row["role"], row["unit"]) != (row["user_role"], row["user_unit"]):
        return None
    if not hmac.compare_digest(row["fingerprint"], fingerprint(row["password_hash"])):
        return None
    return User(row["name"], row["role"], row["unit"], source="password")


def user_for_token(store: Store, token: str | None, *, at: datetime | None = None) -> tuple[User, str] | None:
    """The user behind a cookie's token and the session's id, if the session still holds."""
    if not token:
        return None
    with store.connect() as conn:
        if not sa.inspect(conn).has_table("app_session"):
            return None
        user = _valid_user(conn, session_t.c.token_hash == digest(token), at or now())
        if user is None:
            return None
        session_id = conn.execute(sa.select(session_t.c.id).where(session_t.c.token_hash == digest(token))).scalar()
    return user, session_id


def user_for_session(store: Store, session_id: str | None, *, at: datetime | None = None) -> User | None:
    """The user of a session (by id), if the session still holds: checked on every page run."""
    if not session_id:
        return None
    with store.connect() as conn:
        if not sa.inspect(conn).has_table("app_session"):
            return None
        return _valid_user(conn, session_t.c.id == session_id, at or now())


def revoke(
    store: Store, *, session_id: str | None = None, token: str | None = None, at: datetime | None = None
) -> bool:
    """End a session (logout); True if one was ended."""
    if not session_id and not token:
        return False
    where = session_t.c.id == session_id if session_id else session_t.c.token_hash == digest(token or "")
    with store.connect() as conn:
        _ensure(conn)
        return (
            conn.execute(
                session_t.update().where(where, session_t.c.revoked_at.is_(None)).values(revoked_at=at or now())
            ).rowcount
            > 0
        )


def revoke_user(store: Store, name: str, *, at: datetime | None = None) -> int:
    """End every session of a user (e.g. after a compromised password); returns how many."""
    with store.connect() as conn:
        _ensure(conn)
        return conn.execute(
            session_t.update()
            .where(session_t.c.user_name == name, session_t.c.revoked_at.is_(None))
            .values(revoked_at=at or now())
        ).rowcount


def prune(store: Store, before: datetime) -> int:
    """Forget sessions that expired before a moment."""
    with store.connect() as conn:
        _ensure(conn)
        return conn.execute(session_t.delete().where(session_t.c.expires_at < before)).rowcount
