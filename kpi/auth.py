"""Users, roles and permissions: local accounts with argon2 password hashes, a login back-off kept
in the store (so it holds across sessions and processes), OIDC claims mapped to roles, and `can()`,
the one permission rule every page and core function asks. No Streamlit here.

The back-off never locks anyone out: failures slow down further tries of the same name from the same
client (exponentially, answered at once with "try again in N s", without hashing); a failure costs the
same as a success (unknown names are verified against a dummy hash); `user unlock` and a new password
lift it; attempts older than a day are pruned and stored names are capped."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kpi.revisions import current_catalog
from kpi.store import Store, now


class Role(str, Enum):
    VIEWER = "viewer"
    DEPARTMENT = "department"
    IT_OFFICE = "it_office"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)
# Higher index = more rights: when several OIDC mappings match, the strongest role wins.
ROLE_RANK = {r: i for i, r in enumerate(ROLES)}
ROLE_LABELS = {
    "viewer": {"de": "Lesen", "en": "Viewer"},
    "department": {"de": "Fachbereich", "en": "Department"},
    "it_office": {"de": "IT-Leitstelle", "en": "IT office"},
    "admin": {"de": "Administration", "en": "Administrator"},
}

# Actions a page or core function may ask about. "Unit-scoped" ones name the responsible unit.
READ = "read"
COMMENT = "comment"  # comment on a KPI for a period (unit-scoped)
UPDATE_MEASURE = "update_measure"  # record a measure's state/progress in a form (unit-scoped)
UPLOAD_MEASUREMENTS = "upload_measurements"
UPLOAD_MEASURES = "upload_measures"
UNDO = "undo"
VIEW_AUDIT = "view_audit"
MANAGE_USERS = "manage_users"
EDIT_CATALOG = "edit_catalog"  # record a catalog revision (targets, KPIs, measures)
ACTIONS = (
    READ,
    COMMENT,
    UPDATE_MEASURE,
    UPLOAD_MEASUREMENTS,
    UPLOAD_MEASURES,
    UNDO,
    VIEW_AUDIT,
    MANAGE_USERS,
    EDIT_CATALOG,
)
UNIT_SCOPED = {COMMENT, UPDATE_MEASURE}

# role -> actions it may do anywhere; department's unit-scoped rights are checked against its unit.
_GRANTS: dict[str, set[str]] = {
    "viewer": {READ},
    "department": {READ},
    "it_office": {READ, UPDATE_MEASURE, UPLOAD_MEASUREMENTS, UPLOAD_MEASURES, UNDO, VIEW_AUDIT},
    "admin": set(ACTIONS),
}
_OWN_UNIT: dict[str, set[str]] = {"department": {COMMENT, UPDATE_MEASURE}}

FREE_FAILURES = 3  # failures of one name from one client before the back-off starts
BACKOFF_BASE = timedelta(seconds=2)  # then 2, 4, 8, ... seconds between tries
BACKOFF_MAX = timedelta(minutes=15)
ATTEMPT_MEMORY = timedelta(days=1)  # attempts older than this are pruned
MAX_STORED_NAME = 64
MIN_PASSWORD_LENGTH = 8
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so that a wrong name takes as long as a wrong password."""
    return _hasher.hash("digitalcockpit-no-such-user")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit: str | None = None
    # "password" (checked against the store on every run), "oidc", or "" (set by a test or a script)
    source: str = ""
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.name


class AuthError(ValueError):
    """A user-management request that cannot be carried out; the message is for the user."""


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome: the user, or why not as a code with parameters (worded at the edge, `text(lang)`)."""

    user: User | None
    code: str = ""  # e.g. "login.wrong"; empty on success
    params: dict = field(default_factory=dict, hash=False)
    locked_until: datetime | None = None

    def text(self, lang: str = "de") -> str:
        from kpi.problems import wording

        return wording(self.code, self.params, lang) if self.code else ""

    @property
    def message(self) -> str:
        """The German text (scripts, logs)."""
        return self.text("de")

    @property
    def ok(self) -> bool:
        return self.user is not None


# -- permissions ---------------------------------------------------------------------------


def can(user: User | None, action: str, unit: str | None = None, *, public_view: bool = False) -> bool:
    """Whether `user` may do `action` (for the responsible `unit` where the action is unit-scoped).

    Anonymous visitors (user None) may only read, and only when the public view is enabled.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None:
        return action == READ and public_view
    role = getattr(user, "role", None)
    if action in _GRANTS.get(role, set()):
        return True
    if action in _OWN_UNIT.get(role, set()):
        own = getattr(user, "unit", None)
        return bool(own) and unit is not None and unit == own
    return False


def role_label(role: str | None, lang: str = "de") -> str:
    return ROLE_LABELS.get(role or "", {"de": role or "", "en": role or ""})[lang]


# -- passwords and users -------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_name(name: str) -> str:
    return (name or "").strip().lower()


def _known_units(store: Store) -> set[str] | None:
    catalog = current_catalog(store)
    return {u.id for u in catalog.units} if catalog else None


def add_user(store: Store, name: str, role: str, password: str, unit: str | None = None) -> User:
    """Create a local user; raises AuthError with a readable message on bad input or a taken name."""
    name = normalise_name(name)
    if not NAME_PATTERN.match(name):
        raise AuthError(f"Ungültiger Benutzername '{name}': erlaubt sind a–z, 0–9 und . _ @ - (höchstens 64 Zeichen).")
    if role not in ROLES:
        raise AuthError(f"Unbekannte Rolle '{role}': erlaubt sind {', '.join(ROLES)}.")
    unit = (unit or "").strip().upper() or None
    if role == Role.DEPARTMENT.value and not unit:
        raise AuthError("Die Rolle 'department' braucht einen Bereich: --unit (z. B. BB).")
    if unit:
        units = _known_units(store)
        if units is not None and unit not in units:
            raise AuthError(f"Unbekannter Bereich '{unit}': bekannt sind {', '.join(sorted(units))}.")
    check_password_rules(password)
    if not store.insert_user(name, role, unit, hash_password(password)):
        raise AuthError(f"Den Benutzer '{name}' gibt es bereits.")
    return User(name, role, unit, source="password")


def check_password_rules(password: str) -> None:
    if len((password or "").strip()) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein (Leerzeichen am "
            "Anfang und Ende zählen nicht)."
        )


def set_password(store: Store, name: str, password: str) -> None:
    """Set a new password; it also lifts any login back-off of that name."""
    check_password_rules(password)
    if not store.update_user_hash(normalise_name(name), hash_password(password)):
        raise AuthError(f"Den Benutzer '{normalise_name(name)}' gibt es nicht.")
    store.clear_login_attempts(_stored_name(name))


def unlock(store: Store, name: str) -> int:
    """Lift the login back-off of a name (from every client); returns the number of failures forgotten."""
    return store.clear_login_attempts(_stored_name(name))


def list_users(store: Store) -> list[User]:
    return [User(r["name"], r["role"], r["unit"], source="password") for r in store.users()]


def get_user(store: Store, name: str) -> User | None:
    row = store.user_row(normalise_name(name))
    return User(row["name"], row["role"], row["unit"], source="password") if row else None


def remove_user(store: Store, name: str) -> bool:
    return store.delete_user(normalise_name(name))


# -- login with back-off ------------------------------------------------------------------


def _stored_name(name: str) -> str:
    """The name as kept in login_attempt: normalised and capped (a 2 MB name must not grow the store)."""
    return normalise_name(name)[:MAX_STORED_NAME]


def backoff_until(failures: list[datetime]) -> datetime | None:
    """When the next try is allowed after these consecutive failures (oldest first); None: at once."""
    excess = len(failures) - FREE_FAILURES
    if excess < 0:
        return None
    delay = min(BACKOFF_BASE * (2 ** min(excess, 20)), BACKOFF_MAX)
    return failures[-1] + delay


def authenticate(
    store: Store, name: str, password: str, *, at: datetime | None = None, client: str = ""
) -> LoginResult:
    """Check a name and password; failures are recorded per (name, client) for the back-off. `client`: where the
    attempt comes from (e.g. the address), so that nobody can slow down the real user's own client."""
    moment = at or now()
    key = _stored_name(name)
    if not key or not password:
        return LoginResult(None, "login.empty")
    client = (client or "")[:MAX_STORED_NAME]
    with store.reading():  # the two reads on one connection; the file is not held while the password is hashed
        failures = store.login_failures(key, moment - ATTEMPT_MEMORY, client=client)
        until = backoff_until(failures)
        if until is not None and moment < until:
            # Answered at once and without hashing: a flood of tries costs no CPU and extends nothing.
            seconds = max(1, int((until - moment).total_seconds() + 0.999))
            return LoginResult(None, "login.too_many", {"name": key, "seconds": seconds}, until)
        row = store.user_row(key) if len(normalise_name(name)) <= MAX_STORED_NAME else None
    valid = verify_password(row["password_hash"] if row else _dummy_hash(), password) and row is not None
    if not valid:
        store.record_login_attempt(key, "failed", moment, client=client, prune_before=moment - ATTEMPT_MEMORY)
        return LoginResult(None, "login.wrong")
    if _hasher.check_needs_rehash(row["password_hash"]):
        store.update_user_hash(key, hash_password(password))
    store.record_login_attempt(key, "ok", moment, client=client, prune_before=moment - ATTEMPT_MEMORY)
    return LoginResult(User(row["name"], row["role"], row["unit"], source="password"))


# -- configuration and OIDC ----------------------------------------------------------------

_TRUE = {"1", "true", "yes", "ja", "on"}
_FALSE = {"0", "false", "no", "nein", "off"}


def public_view_enabled(env: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> bool:
    """Whether anonymous visitors may read: env KPI_PUBLIC_VIEW wins, then secrets `public_view` (top level or
    in [digitalcockpit]); enabled when nothing is set, so that the demo shows the dashboard."""
    env = os.environ if env is None else env
    raw = str(env.get("KPI_PUBLIC_VIEW", "")).strip().lower()
    if raw in _TRUE | _FALSE:
        return raw in _TRUE
    secrets = secrets or {}
    section = secrets.get("digitalcockpit") or {}
    for value in (section.get("public_view") if isinstance(section, Mapping) else None, secrets.get("public_view")):
        if isinstance(value, bool):
            return value
        if value is not None and str(value).strip().lower() in _TRUE | _FALSE:
            return str(value).strip().lower() in _TRUE
    return True


def _claim_values(claims: Mapping, names: Iterable[str]) -> list[str]:
    values: list[str] = []
    for name in names:
        value = claims.get(name)
        if isinstance(value, str):
            values.extend(v.strip() for v in value.split(","))
        elif isinstance(value, (list, tuple)):
            values.extend(str(v) for v in value)
    return [v for v in values if v]


def user_from_claims(
    claims: Mapping,
    mapping: Mapping[str, str],
    *,
    group_claims: Iterable[str] = ("groups", "roles"),
    default_role: str | None = "viewer",
) -> User | None:
    """Map an OIDC identity (st.user's claims) to a User.

    `mapping` keys are an e-mail address, an e-mail domain written `@stadt.de`, or a group/app-role value
    from one of `group_claims`; values are a role, or `department:UNIT`. The strongest matching role wins;
    without a match the user gets `default_role` (None or "": no access).
    """
    email = str(claims.get("email") or "").strip().lower()
    name = email or str(claims.get("preferred_username") or claims.get("sub") or "").strip().lower()
    if not name:
        return None
    keys = {k.strip().lower(): str(v) for k, v in mapping.items()}
    candidates = []
    if email:
        candidates += [email, "@" + email.rsplit("@", 1)[-1]]
    candidates += [v.lower() for v in _claim_values(claims, group_claims)]
    best: tuple[str, str | None] | None = None
    for candidate in candidates:
        target = keys.get(candidate)
        if not target:
            continue
        role, _, unit = target.partition(":")
        role = role.strip()
        if role not in ROLES:
            continue
        if best is None or ROLE_RANK[role] > ROLE_RANK[best[0]]:
            best = (role, unit.strip().upper() or None)
    if best is None:
        if not default_role or default_role not in ROLES or default_role == Role.DEPARTMENT.value:
            return None
        best = (default_role, None)
    role, unit = best
    if role == Role.DEPARTMENT.value and not unit:
        role = Role.VIEWER.value  # a department without a unit could comment nowhere: read only
    return User(name, role, unit, source="oidc", display_name=str(claims.get("name") or ""))
