"""The login cookie between the browser, the server's routes and the Streamlit script (records: kpi.sessions).

- The sidebar's login form checks the password (kpi.auth.authenticate, with its rate limit) and creates a
  session record with a one-time claim code; the next run draws an invisible image whose address is
  `/auth/claim?code=…`. That route of the st.App exchanges the code for an HttpOnly, SameSite=Lax cookie
  (Secure behind HTTPS), because a Streamlit script cannot set an HttpOnly cookie itself. The code is bound
  to the browser's XSRF cookie and the request must come from the app's own pages, so a code is of no use
  to another site or browser. The password never leaves the form.
- Every run reads the cookie (st.context.cookies) and asks the store whether its session still holds.
- Logout revokes the record; `/auth/session/logout` clears the cookie (and revokes the record behind it);
  `/auth/logout` stays Streamlit's own, for `st.logout()` of a single sign-on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime
from html import escape
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kpi import sessions
from kpi.auth import User
from kpi.store import Store, now

log = logging.getLogger("digitalcockpit")
XSRF_COOKIE = "_streamlit_xsrf"


def binding_of(xsrf_cookie: str | None) -> str:
    """A digest of the browser's XSRF token (the same value whatever mask Streamlit put on the cookie)."""
    if not xsrf_cookie:
        return ""
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    try:
        token, _ = decode_xsrf_token_string(xsrf_cookie)
    except Exception:  # noqa: BLE001 - a malformed cookie binds to nothing
        return ""
    return hashlib.sha256(token).hexdigest() if token else ""


def base_path() -> str:
    from streamlit import config

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


# -- in the Streamlit script -------------------------------------------------------------------


def _cookies() -> dict:
    import streamlit as st

    try:
        return dict(st.context.cookies)
    except Exception:  # noqa: BLE001 - no browser behind the run (AppTest, a bare script run)
        return {}


def cookie_login(store: Store) -> tuple[User, str] | None:
    """The user of the browser's login cookie and the session's id, if the cookie is genuine and its session
    holds (not logged out, not expired, user, role, unit and password unchanged)."""
    raw = _cookies().get(sessions.COOKIE_NAME)
    if not raw:
        return None
    token = sessions.unsign(raw, sessions.load_secret(store))
    return sessions.user_for_token(store, token) if token else None


def start(store: Store, user: User) -> sessions.NewSession | None:
    """After a successful password login: the session record and its claim code (None without a browser)."""
    cookies = _cookies()
    if not cookies and not _has_browser():
        return None
    return sessions.create(store, user, binding=binding_of(cookies.get(XSRF_COOKIE)))


def _has_browser() -> bool:
    import streamlit as st

    try:
        return st.context.url is not None
    except Exception:  # noqa: BLE001
        return False


def claim_image(code: str) -> str:
    """The invisible image whose request lets the server set the cookie."""
    src = f"{base_path()}/auth/claim?code={quote(code)}"
    return f'<img src="{escape(src)}" alt="" width="1" height="1" data-testid="dc-session-claim">'


def logout_image() -> str:
    return f'<img src="{escape(base_path())}/auth/session/logout" alt="" width="1" height="1" data-testid="dc-session-end">'


# -- routes of the st.App ----------------------------------------------------------------------


def _https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def same_origin(request: Request) -> bool:
    """The request comes from the app's own pages: the browser says so (Sec-Fetch-Site), and Origin or
    Referer, where sent, name this host."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    for header in ("origin", "referer"):
        value = request.headers.get(header)
        if value and value != "null" and urlsplit(value).netloc != host.split(",")[0].strip():
            return False
    return site is not None or bool(request.headers.get("origin") or request.headers.get("referer"))


def _refused(reason: str) -> JSONResponse:
    return JSONResponse(
        {"error": "forbidden", "message": reason}, status_code=403, headers={"Cache-Control": "no-store"}
    )


def set_cookie(response: Response, request: Request, token: str, expires_at: datetime, secret: bytes) -> None:
    max_age = max(0, int((expires_at - now()).total_seconds()))
    response.set_cookie(
        sessions.COOKIE_NAME,
        sessions.sign(token, secret),
        max_age=max_age,
        path=base_path() or "/",
        httponly=True,
        samesite="lax",
        secure=_https(request),
    )


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        sessions.COOKIE_NAME, path=base_path() or "/", httponly=True, samesite="lax", secure=_https(request)
    )


def claim_route(store_factory):
    def claim(request: Request) -> Response:
        if not same_origin(request):
            return _refused("Anmeldung nur von den Seiten des Digitalcockpits aus.")
        store = store_factory()
        binding = binding_of(request.cookies.get(XSRF_COOKIE))
        got = sessions.claim(store, request.query_params.get("code", ""), binding)
        if got is None:
            return _refused("Der Anmeldecode ist ungültig, abgelaufen oder schon benutzt.")
        token, expires_at = got
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        set_cookie(response, request, token, expires_at, sessions.load_secret(store))
        return response

    return claim


def logout_route(store_factory):
    def logout(request: Request) -> Response:
        if not same_origin(request):
            return _refused("Abmelden nur von den Seiten des Digitalcockpits aus.")
        store = store_factory()
        token = sessions.unsign(request.cookies.get(sessions.COOKIE_NAME), sessions.load_secret(store))
        if token:
            sessions.revoke(store, token=token)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        clear_cookie(response, request)
        return response

    return logout


def request_user(request: Request, store: Store) -> User | None:
    """The user of a request's login cookie (for the API's access rule)."""
    token = sessions.unsign(request.cookies.get(sessions.COOKIE_NAME), sessions.load_secret(store))
    found = sessions.user_for_token(store, token) if token else None
    return found[0] if found else None


# -- the sidebar's login box (kpi.web.auth_ui) ----------------------------------------------------------

SESSION_KEY = "session:id"  # st.session_state: the id of this tab's session record
PENDING_KEY = "session:image"  # an image to draw once: the claim after a login, the logout after a logout
CHECKED_KEY = "session:checked"  # a cookie already found invalid (not asked again on every run)


def restore(store: Store) -> User | None:
    """A new tab or a reload: log in from the cookie if its session holds (sets st.session_state)."""
    import streamlit as st

    raw = _cookies().get(sessions.COOKIE_NAME)
    if not raw or st.session_state.get(CHECKED_KEY) == raw:
        return None
    found = cookie_login(store)
    if found is None:
        st.session_state[CHECKED_KEY] = raw
        return None
    user, session_id = found
    st.session_state["user"] = user
    st.session_state[SESSION_KEY] = session_id
    return user


def still_valid(store: Store) -> User | None | bool:
    """The user of this tab's session record as the store has it now; False when the tab has no record."""
    import streamlit as st

    session_id = st.session_state.get(SESSION_KEY)
    if not session_id:
        return False
    return sessions.user_for_session(store, session_id)


def logged_in(store: Store, user: User) -> None:
    """After a successful password login in the sidebar form: the record, and the claim image to draw."""
    import streamlit as st

    new = start(store, user)
    if new is not None:
        st.session_state[SESSION_KEY] = new.id
        st.session_state[PENDING_KEY] = claim_image(new.claim)


def logged_out(store: Store) -> None:
    """Logout: the record is revoked at once; the image then clears the cookie in the browser."""
    import streamlit as st

    session_id = st.session_state.pop(SESSION_KEY, None)
    if session_id:
        sessions.revoke(store, session_id=session_id)
    if session_id or _cookies().get(sessions.COOKIE_NAME):
        st.session_state[PENDING_KEY] = logout_image()
        st.session_state[CHECKED_KEY] = _cookies().get(sessions.COOKIE_NAME)


def draw_pending() -> None:
    import streamlit as st

    image = st.session_state.pop(PENDING_KEY, None)
    if image:
        st.html(image)


def read_secrets() -> Mapping:
    """.streamlit/secrets.toml as a mapping ({} when there is none or it is broken)."""
    import streamlit as st

    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - a broken secrets file must not take the dashboard or the service down
        return {}
