"""The Streamlit adapter for the pages: the shared sidebar (language, as-of date "Stand", login), the
navigation filtered by role, the page's context, link lists and tables, and the error boundary.

app.py draws the sidebar once and runs the page chosen in `navigation()`; a page only draws, starting with
`ctx = ui.context()`. Cached reads live in kpi.web.cache (re-exported here for the pages).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from kpi import i18n
from kpi.i18n import t
from kpi.store import StoreLockedError
from kpi.views import Snapshot
from kpi.web import auth_ui
from kpi.web.cache import (  # noqa: F401 - the pages read through ui
    chart,
    current_kpi_detail,
    current_snapshot,
    data_version,
    derived,
    get_store,
)
from kpi.web.context import Context

log = logging.getLogger("digitalcockpit")


LANG_NAMES = {"de": "Deutsch", "en": "English"}


def require_snapshot(ctx: Context, localized: bool = True) -> Snapshot:
    """The snapshot (its content in the UI language unless `localized=False`), or a sentence saying the store is
    empty and the end of the page."""
    snap = current_snapshot(ctx, localized)
    if snap is None:
        st.info(ctx.t("empty.store"))
        st.stop()
    return snap


def _persisted(key: str, default: object) -> object:
    """Widget values survive page switches: each page has its own widget ids, so keep a copy."""
    return st.session_state.setdefault(f"keep:{key}", default)


def _keep(key: str) -> None:
    st.session_state[f"keep:{key}"] = st.session_state[f"w:{key}"]


def lang() -> str:
    return str(
        _persisted("lang", st.query_params.get("lang", "de") if st.query_params.get("lang") in i18n.LANGS else "de")
    )


def _linked_stand(today: date) -> date:
    """`?stand=2025-12-31` (a shared link, or F5): the Stand a new session starts with; today if absent or bad."""
    from kpi.periods import PeriodError, parse_timestamp

    raw = st.query_params.get("stand")
    try:
        return min(parse_timestamp(raw).date(), today) if raw else today
    except PeriodError:
        return today


def _set_param(key: str, value: str | None) -> None:
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def url_state(language: str, stand: date, today: date) -> None:
    """Language and Stand live in the URL (`?lang=en&stand=2025-12-31`; the defaults are left out), so that
    F5 and a shared link show the same view. Written on every run: a page switch starts with a fresh URL."""
    _set_param("lang", None if language == "de" else language)
    if stand < today:  # today's Stand is the default; a link's unreadable one stays for the page to name
        _set_param("stand", stand.isoformat())


def linked_values(param: str, allowed: object) -> list[str]:
    """`?feld=EG-HF1,EG-HF2`: the choices of a filter named in the URL (unknown ones left out), as its default."""
    known = list(allowed)
    raw = str(st.query_params.get(param, ""))
    return [v for v in dict.fromkeys(raw.split(",")) if v in known]


def keep_values(param: str, values: object) -> None:
    """A filter's choices into the URL (left out when nothing is chosen)."""
    chosen = [str(v) for v in (values if isinstance(values, (list, tuple)) else [values] if values else [])]
    _set_param(param, ",".join(chosen) if chosen else None)


def _keep_stand() -> None:
    _keep("stand")
    if st.session_state["keep:stand"] >= date.today():
        _set_param("stand", None)


def sidebar() -> Context:
    today = date.today()
    with st.sidebar:
        language = lang()
        st.session_state["w:lang"] = language
        st.selectbox(
            t("sidebar.lang", language),
            i18n.LANGS,
            key="w:lang",
            format_func=LANG_NAMES.get,
            on_change=_keep,
            args=("lang",),
        )
        language = lang()
        stand = _persisted("stand", _linked_stand(today))
        st.session_state["w:stand"] = min(stand, today)
        st.date_input(
            t("sidebar.stand", language),
            key="w:stand",
            max_value=today,
            format=i18n.DATE_INPUT_FORMATS[language],
            help=t("sidebar.stand.help", language),
            on_change=_keep_stand,
        )
        stand = _persisted("stand", today)
        if stand < today:
            st.info(t("sidebar.frozen", language, day=i18n.fmt_date(stand, language)), icon="🧊")
        auth_ui.login_box(language)  # local users, or OIDC when `[auth]` is configured
    url_state(language, stand, today)
    return context()


def context() -> Context:
    """The context of this page run: language, as-of day and user as the sidebar (drawn by app.py) set them."""
    today = date.today()
    stand = min(_persisted("stand", today), today)
    as_of = None if stand >= today else datetime.combine(stand, time.max)
    return Context(lang(), stand, as_of, auth_ui.current_user())


def demo_line(ctx: Context, demo: bool = True) -> None:
    """One line on every page while illustrative demo values are current (kpi.views.demo_notice; `demo=False`
    leaves it out), and a warning while stored values have impossible periods (kpi.views.out_of_window_notice)."""
    from kpi.text import md_escape
    from kpi.views import demo_notice, out_of_window_notice

    try:
        snap = current_snapshot(ctx)
    except Exception:  # noqa: BLE001 - the page itself reports an unreadable store inside its guard
        return
    if demo and snap is not None and (line := demo_notice(snap, ctx.lang)):
        st.caption("⚠️ " + line)
    if snap is not None and (line := out_of_window_notice(snap, ctx.lang)):
        st.warning(md_escape(line), icon="⚠️")


# Streamlit leaves 6rem above the first line, on a 1280x720 projector a seventh of the screen. st.page_link keeps
# its label on one line and cuts it off: in the main area long names of KPIs, measures and action fields wrap.
PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] > span,
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] p {
    white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.35; }
[class*="st-key-links-"] [data-testid="stPageLink-NavLink"] { padding-left: 0; }
[class*="st-key-links-"] [data-testid="stCaptionContainer"] { color: #3d3d3d; }
.kpi-table { overflow-y: auto; border: 1px solid #e6e6e6; border-radius: 0.5rem; }
.kpi-table table { width: 100%; table-layout: fixed; border-collapse: collapse; font-size: 1rem; }
.kpi-table th { position: sticky; top: 0; background: #f4f4f6; font-weight: 600; text-align: left; }
.kpi-table th, .kpi-table td { padding: 0.35rem 0.6rem; border-bottom: 1px solid #eeeeee;
    overflow-wrap: break-word; vertical-align: top; }
.kpi-table .r { text-align: right; font-variant-numeric: tabular-nums; }
.kpi-table caption { position: absolute; left: -9999px; }
.kpi-table-more { margin: 0.25rem 0 0; }
</style>"""

LIST_LIMIT = 8  # entries of a link list before "… und N weitere": a screenful on a projector


@dataclass(frozen=True)
class LinkItem:
    page: str  # pages/<name>.py
    query: dict[str, str]
    label: str  # id and name (Markdown)
    detail: str  # what is wrong: status badge, by how much, since when (our own HTML, never user text)


def link_list(
    ctx: Context, key: str, rows: pd.DataFrame, item: Callable[[object], LinkItem], limit: int = LIST_LIMIT
) -> None:
    """Entries that each link to their detail, with a line beneath saying what is wrong. The first `limit` rows
    of `rows` (made into entries by `item`), and a switch for all of them: on a large strategy the overdue list
    alone can hold thousands of KPIs, which nobody reads and which would take seconds to draw."""
    with st.container(key=f"links-{key}"):
        for row in capped(key, rows, limit).itertuples():
            entry = item(row)
            with st.container(gap=None):
                st.page_link(entry.page, query_params=entry.query, label=entry.label)
                st.caption(entry.detail, unsafe_allow_html=True)
        show_all_switch(ctx, key, len(rows), limit)


def capped(key: str, rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The first `limit` rows, or all of them once the switch of `show_all_switch(key)` is on."""
    return rows if len(rows) <= limit or st.session_state.get(f"all-{key}", False) else rows.head(limit)


def show_all_switch(ctx: Context, key: str, total: int, limit: int) -> None:
    """Below a list or table cut at `limit` of `total` rows: "… und N weitere" and a switch for all of them."""
    if total > limit:
        if not st.session_state.get(f"all-{key}", False):
            st.caption(i18n.t_count("links.more", total - limit, ctx.lang))
        st.toggle(i18n.t_count("links.all", total, ctx.lang), key=f"all-{key}")


TABLE_LIMIT = 500  # rows of a text table: 500 rows of seven columns are about 200 kB of HTML; beyond, a note


def text_table_html(
    frame: pd.DataFrame,
    widths: dict[str, int],
    *,
    right: tuple[str, ...] = (),
    most: int = 12,
    caption: str = "",
    tints: dict[str, list[str]] | None = None,
    limit: int = TABLE_LIMIT,
    more: str = "",
    lang: str = "de",
) -> str:
    """`frame` as an HTML table: full width, the columns sharing it in the ratio of `widths` (their px at 1280),
    long text wrapping inside its cell, numbers in the `right` columns right-aligned, the header staying in view
    while the rows scroll beyond about `most` lines. Every name and cell is escaped (comments are user text).
    `tints` gives a column's cells a background (CSS colour per row), beside their text, never instead of it.
    Only the first `limit` rows are drawn; a note below says how many more there are, followed by `more`
    (where the rest can be found)."""
    hidden = max(len(frame) - limit, 0)
    if hidden:
        frame = frame.head(limit)
        caption = f"{caption} ({t('table.cut', lang, shown=i18n.fmt_number(limit, lang), n=i18n.fmt_number(limit + hidden, lang))})"
    total = sum(widths.get(c, 100) for c in frame.columns)
    cols = "".join(f'<col style="width:{100 * widths.get(c, 100) / total:.1f}%">' for c in frame.columns)
    cls = {c: ' class="r"' if c in right else "" for c in frame.columns}
    head = "".join(f'<th scope="col"{cls[c]}>{html.escape(str(c))}</th>' for c in frame.columns)
    tints = tints or {}

    def cell(column: object, value: object, i: int) -> str:
        tint_css = f' style="background:{html.escape(tints[column][i])}"' if column in tints else ""
        return f"<td{cls[column]}{tint_css}>{html.escape(str(value))}</td>"

    body = "".join(
        "<tr>" + "".join(cell(c, v, i) for c, v in zip(frame.columns, row)) + "</tr>"
        for i, row in enumerate(frame.itertuples(index=False))
    )
    # A scrolling box is reachable by keyboard (tabindex) and named by the table's caption (screen readers).
    label = f'<caption class="kpi-caption">{html.escape(caption)}</caption>' if caption else ""
    note = (
        f'<p class="kpi-table-more">{html.escape(" ".join(filter(None, [i18n.t_count("table.more", hidden, lang), more])))}</p>'
        if hidden
        else ""
    )
    return (
        f'<div class="kpi-table" style="max-height:{44 + 37 * most}px" tabindex="0" role="region"'
        f' aria-label="{html.escape(caption or ", ".join(map(str, frame.columns)))}">'
        f"<table>{label}<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        f"{note}"
    )


def text_table(frame: pd.DataFrame, widths: dict[str, int], **options: Any) -> None:
    """A read-only table of text in the UI language (options: those of `text_table_html`): every row (up to
    `limit`) for a screen reader, named by its caption, reachable by keyboard. For the detail page's values and
    comments a data grid (half a megabyte of script and a canvas) also made the page switch wait a tenth of a
    second."""
    st.html(text_table_html(frame, widths, lang=lang(), **options))


@contextmanager
def guard(ctx: Context) -> Iterator[None]:
    """Error boundary: users see a sentence, never a stack trace; the log gets the details."""
    try:
        yield
    except StoreLockedError:
        st.warning(ctx.t("error.locked"), icon="⏳")
    except Exception:  # noqa: BLE001 - the boundary for everything a page may raise
        log.exception("page failed")
        st.error(ctx.t("error.unexpected"), icon="⚠️")


# url path -> (icon, section, roles allowed or None for everyone); the titles are the texts `page.<file name>`,
# the sections' `nav.section.<section>`
PAGES = {
    "": (":material/dashboard:", "overview", None),
    "themenfelder": (":material/account_tree:", "overview", None),
    "kennzahlen": (":material/show_chart:", "overview", None),
    "massnahmen": (":material/construction:", "overview", None),
    "bereich": (":material/person:", "overview", None),
    "praesentation": (":material/slideshow:", "committee", None),
    "upload": (":material/upload_file:", "admin", {"it_office", "admin"}),
    "protokoll": (":material/history:", "admin", {"it_office", "admin"}),
    "katalog": (":material/edit_note:", "admin", {"admin"}),
    "barrierefreiheit": (":material/accessibility:", "about", None),
}
PUBLIC_ALWAYS = "barrierefreiheit"  # BITV 2.0: the accessibility statement is reachable from every page


def login_required(user: object | None) -> bool:
    """Without the public view, anonymous visitors get the login (in the sidebar) and nothing else."""
    return user is None and not auth_ui.public_view()


def _login_page(ctx: Context) -> Callable[[], None]:
    def login() -> None:
        st.title(t("app.title", ctx.lang))
        st.info(ctx.t("login.required"), icon="🔒")

    return login


def _refusal_page(ctx: Context) -> Callable[[], None]:
    def refused() -> None:
        st.warning(ctx.t("denied.login" if ctx.user is None else "denied.page"), icon="🔒")

    return refused


def navigation(ctx: Context, folder: Path) -> dict[str, list]:
    """The pages for st.navigation (Streamlit's own menu in the sidebar), by section, titled in the user's
    language: the pages the user's role may see. Every other page is registered hidden, with a refusal in
    place of the page file, so that its typed URL (also the first request to a fresh server) is refused rather
    than answered with the cockpit. Anonymous visitors without the public view see only the login request."""
    role = getattr(ctx.user, "role", None)
    gate = _login_page(ctx) if login_required(ctx.user) else None
    sections: dict[str, list] = {}
    for path, (icon, section, roles) in PAGES.items():
        file = folder / f"{path or 'cockpit'}.py"
        if not file.exists():
            continue
        allowed = roles is None or role in roles
        page_gate = None if path == PUBLIC_ALWAYS else gate  # the accessibility statement, also before login
        target = page_gate or (str(file) if allowed else _refusal_page(ctx))
        visible = page_gate is None and allowed
        sections.setdefault(ctx.t(f"nav.section.{section}"), []).append(
            st.Page(
                target,
                title=ctx.t(f"page.{path or 'cockpit'}"),
                icon=icon,
                url_path=path or "cockpit",
                default=not path,
                visibility="visible" if visible or not path else "hidden",
            )
        )
    return sections


def content_md(ctx: Context, obj: object, field: str) -> str:
    """A content field of the catalog (`name`, `unit`, `mission`, …) as Markdown in the UI language: escaped, and in
    `<span lang="de">` where the English wording is missing (show with `unsafe_allow_html=True`)."""
    from kpi.content import localized
    from kpi.text import md_local

    return md_local(localized(obj, field, ctx.lang), ctx.lang)


def content_title(ctx: Context, obj: object, field: str, prefix: str = "") -> None:
    """The page's h1 from a content field (after `prefix`, e.g. the KPI's id); a German fallback in the English UI
    is marked lang="de" (st.title cannot carry the mark, so a Markdown heading takes its place then)."""
    from kpi.content import localized
    from kpi.text import md_escape, md_local

    text = localized(obj, field, ctx.lang)
    if text.foreign_in(ctx.lang):
        st.markdown(f"# {md_escape(prefix)}{md_local(text, ctx.lang)}", unsafe_allow_html=True)
    else:
        st.title(f"{prefix}{text.text}")
