"""Streamlit side of login and roles: the sidebar login box (local users, or OIDC via st.login when
`[auth]` is configured), the public-view switch, the comment form for /kennzahlen and the measure
form for /massnahmen. Rules and storage live in kpi.auth; this module only draws and reacts.

The logged-in user is kept in st.session_state["user"] (a kpi.auth.User). Every protected action
asks kpi.auth.can() again on the server when it is carried out, not only when the button is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from kpi import auth, i18n
from kpi.auth import User
from kpi.comment_rules import CommentError, check_comment
from kpi.i18n import fmt_period, measure_state_label, t
from kpi.ingest import MAX_COMMENT_CHARS, record_measure_update
from kpi.model import add_periods
from kpi.revisions import current_catalog
from kpi.store import Store, StoreLockedError
from kpi.text import md_escape
from kpi.web import session as web_session
from kpi.web.cache import get_store


def escape_md(text: object) -> str:
    """User text for st.markdown/st.caption/st.info: markdown, links, images, colour and icon directives and
    HTML tags are shown as typed, never interpreted (kpi.text.md_escape, the one escaper)."""
    return md_escape(text)


# -- configuration ---------------------------------------------------------------------------


def _secrets() -> Mapping:
    return web_session.read_secrets()


def _settings() -> Mapping:
    section = _secrets().get("digitalcockpit")
    return section if isinstance(section, Mapping) else {}


def public_view() -> bool:
    return auth.public_view_enabled(secrets=_secrets())


def oidc_provider() -> str | None | bool:
    """The provider name for st.login (None: the default [auth] provider); False when OIDC is not configured."""
    section = _secrets().get("auth")
    if not isinstance(section, Mapping) or not {"redirect_uri", "cookie_secret"} <= set(section):
        return False
    from streamlit.auth_util import is_authlib_installed

    if not is_authlib_installed():
        return False
    wanted = _settings().get("oidc_provider")
    if wanted and isinstance(section.get(wanted), Mapping):
        return str(wanted)
    if "client_id" in section:
        return None
    named = [k for k, v in section.items() if isinstance(v, Mapping)]
    return named[0] if named else False


def _oidc_user() -> User | None | bool:
    """The mapped OIDC user, False when nobody is logged in through OIDC."""
    if oidc_provider() is False or not st.user.is_logged_in:
        return False
    settings = _settings()
    claims = st.user.to_dict()
    return auth.user_from_claims(
        claims,
        settings.get("oidc_roles") or {},
        group_claims=settings.get("oidc_group_claims") or ("groups", "roles"),
        default_role=settings.get("oidc_default_role", "viewer"),
    )


# -- login -----------------------------------------------------------------------------------


def current_user() -> User | None:
    return st.session_state.get("user")


def _store() -> Store:
    return get_store()


def _revalidate(user: User) -> User | None:
    """A password user's role or unit may have changed, or the user been removed, since login."""
    if getattr(user, "source", "") != "password":
        return user
    by_cookie = web_session.still_valid(_store())
    if by_cookie is not False:
        return by_cookie
    fresh = auth.get_user(_store(), user.name)
    return fresh if fresh and (fresh.role, fresh.unit) == (user.role, user.unit) else None


def login_box(lang: str) -> User | None:
    """The sidebar's login/logout box (called inside `with st.sidebar`); returns the logged-in user."""
    user = current_user()
    if user is None:
        try:
            user = web_session.restore(_store())
        except StoreLockedError:
            user = None
    if user is not None:
        try:
            still = _revalidate(user)
        except StoreLockedError:
            still = user
        if still is None:
            st.session_state.pop("user", None)
            st.session_state["flash:login"] = t("login.ended", lang)
            st.rerun()
    if user is None:
        mapped = _oidc_user()
        if isinstance(mapped, User):
            st.session_state["user"] = mapped
            st.rerun()
        if mapped is None:
            st.warning(t("login.no_role", lang, name=escape_md(st.user.get("email") or "?")))
            if st.button(t("login.logout", lang), key="logout-oidc"):
                st.logout()
            return None
    if user is not None:
        _logged_in(user, lang)
        return user
    _login_form(lang)
    return None


def _logged_in(user: User, lang: str) -> None:
    web_session.draw_pending()
    with st.container(border=True):
        st.markdown(t("login.as", lang, name=escape_md(user.label), role=auth.role_label(user.role, lang)))
        if user.unit:
            st.caption(t("login.unit", lang, unit=escape_md(user.unit)))
        if st.button(t("login.logout", lang), key="logout", icon=":material/logout:"):
            st.session_state.pop("user", None)
            web_session.logged_out(_store())
            for key in [k for k in st.session_state if str(k).startswith(("upload:", "protokoll:"))]:
                del st.session_state[key]
            if user.source == "oidc":
                st.logout()
            st.rerun()


def _login_form(lang: str) -> None:
    web_session.draw_pending()
    flash = st.session_state.pop("flash:login", None)
    if flash:
        st.info(flash)
    provider = oidc_provider()
    with st.form("login", border=True):
        st.markdown(f"**{t('login.title', lang)}**")
        name = st.text_input(t("login.user", lang), key="login-user", autocomplete="username")
        password = st.text_input(
            t("login.password", lang), type="password", key="login-password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login.submit", lang), icon=":material/login:", type="primary")
    if provider is not False and st.button(t("login.sso", lang), key="login-sso", icon=":material/badge:"):
        st.login(provider or None)
    if public_view():
        st.caption(t("login.public", lang))
    if submitted:
        try:
            result = auth.authenticate(
                _store(), name, password, client=str(getattr(st.context, "ip_address", None) or "")
            )
        except StoreLockedError:
            st.error(t("login.locked_db", lang))
            return
        if result.ok:
            st.session_state["user"] = result.user
            web_session.logged_in(_store(), result.user)
            st.session_state.pop("login-password", None)
            st.rerun()
        st.error(result.text(lang), icon=":material/lock:")


# -- comments (for /kennzahlen) ----------------------------------------------------------------


def comment_form(ctx, detail, store: Store) -> None:
    """A comment on the KPI for one period, for department users of the responsible unit and admins only."""
    kpi = detail.kpi
    user = ctx.user
    if not auth.can(user, auth.COMMENT, kpi.responsible):
        return
    lang = ctx.lang
    frequency = kpi.frequency.value
    flash = st.session_state.pop(f"flash:comment:{kpi.id}", None)
    if flash:
        st.success(flash, icon=":material/chat:")
    if ctx.as_of is not None:
        st.caption(t("comment.frozen", lang))
        return
    periods = sorted({p for p in detail.series["period"]}, reverse=True)
    upcoming = add_periods(detail.status.latest_period or kpi.baseline_period, kpi.frequency, 1)
    options = [upcoming] + [p for p in periods if p != upcoming]
    existing = {r.period for r in detail.comments.itertuples()}

    def label(period) -> str:
        text = fmt_period(period, frequency, lang)
        if period == upcoming:
            text += f" ({t('comment.next', lang)})"
        if period in existing:
            text += f" · {t('comment.has', lang)}"
        return text

    with st.form(f"comment-{kpi.id}", clear_on_submit=True, border=True):
        st.markdown(f"**{t('comment.title', lang)}**")
        period = st.selectbox(
            t("comment.period", lang),
            options,
            index=1 if len(options) > 1 else 0,
            format_func=label,
            key=f"comment-period-{kpi.id}",
        )
        text = st.text_area(
            t("comment.text", lang),
            max_chars=MAX_COMMENT_CHARS,
            key=f"comment-text-{kpi.id}",
            placeholder=t("comment.placeholder", lang),
            help=t("comment.help", lang),
        )
        saved = st.form_submit_button(t("comment.save", lang), icon=":material/save:")
    if not saved:
        return
    # Checked again when carried out: the form may have been drawn before a role change.
    if not auth.can(current_user(), auth.COMMENT, kpi.responsible) or period not in options:
        st.error(ctx.t("denied.page"))
        return
    try:
        text = check_comment(text, lang)
    except CommentError as exc:
        st.error(escape_md(exc.message))
        return
    if not text and period not in existing:
        st.warning(t("comment.empty", lang))
        return
    store.add_comment(kpi.id, period, text, author=user.name)
    key = "comment.saved" if text else "comment.withdrawn"
    st.session_state[f"flash:comment:{kpi.id}"] = t(key, lang, period=fmt_period(period, frequency, lang))
    st.rerun()


# -- measure state (for /massnahmen) -----------------------------------------------------------


def measure_form(ctx, measure_id: str, store: Store) -> None:
    """Report one measure's state, progress and comment: department users of the responsible unit, the IT
    office and admins. Written like an upload (audit log, undo)."""
    snap_measures = current_catalog(store)
    measure = next((m for m in (snap_measures.measures if snap_measures else ()) if m.id == measure_id), None)
    user = ctx.user
    if measure is None or not auth.can(user, auth.UPDATE_MEASURE, measure.responsible) or ctx.as_of is not None:
        return
    lang = ctx.lang
    flash = st.session_state.pop(f"flash:measure:{measure_id}", None)
    if flash:
        st.success(flash)
    states = list(i18n.MEASURE_STATES)
    with st.form(f"measure-{measure_id}", border=True):
        st.markdown(f"**{t('measure.title', lang)}**")
        state = st.selectbox(
            t("measure.state", lang),
            states,
            index=states.index(measure.state.value),
            format_func=lambda s: measure_state_label(s, lang),
            key=f"measure-state-{measure_id}",
        )
        progress = st.slider(
            t("measure.progress", lang), 0, 100, int(round(measure.progress)), key=f"measure-progress-{measure_id}"
        )
        comment = st.text_area(
            t("measure.comment", lang), max_chars=MAX_COMMENT_CHARS, key=f"measure-comment-{measure_id}"
        )
        saved = st.form_submit_button(t("measure.save", lang), icon=":material/save:")
    if not saved:
        return
    actor = current_user()
    if not auth.can(actor, auth.UPDATE_MEASURE, measure.responsible):
        st.error(ctx.t("denied.page"))
        return
    restrict = actor.unit if actor.role == auth.Role.DEPARTMENT.value else None
    args = dict(user=actor.name, restrict_unit=restrict)
    check = record_measure_update(store, measure_id, state, float(progress), comment, dry_run=True, **args)
    if check.problems:
        for problem in check.problems:
            st.error(escape_md(problem.text(lang)))
        return
    if not check.new and not check.changed:
        st.info(t("measure.unchanged", lang))
        return
    result = record_measure_update(store, measure_id, state, float(progress), comment, **args)
    st.session_state[f"flash:measure:{measure_id}"] = t("measure.saved", lang, id=measure_id, upload=result.upload_id)
    st.rerun()
