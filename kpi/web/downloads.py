"""The committee deck's PDF and PowerPoint downloads on /praesentation, served from the report cache
(kpi.report_cache): at once when the file is ready, with progress while the background process makes it, and
made on the click (as before) where no cached file can stand for the deck."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from kpi import report, report_cache
from kpi.store import Store

POLL_SECONDS = 2.0
VERSION_KEY = "deck:version"  # the store's version (data and catalog) when the deck was frozen


@st.cache_data(max_entries=8, show_spinner=False)
def _version(_store: Store, url: str, token: tuple) -> tuple:
    """The store's version (one database read) once per store state, not on every turn of a slide."""
    return _store.version()


def remember_state(store: Store, token: tuple) -> None:
    """Called when the deck is frozen: a live deck may use today's cached report only while the data and the
    catalog are unchanged (a login also writes to the store, but changes neither)."""
    st.session_state[VERSION_KEY] = _version(store, store.url, token)


def cache_stand(as_of: datetime, version: tuple) -> date | None:
    """The Stand whose cached report shows exactly this deck: a day's end, or today's moment while the store
    is unchanged since the deck was frozen; None for a moment within a past day."""
    from kpi.report.deck import is_end_of_day

    if is_end_of_day(as_of):
        return as_of.date()
    if as_of.date() == date.today() and st.session_state.get(VERSION_KEY) == version:
        return as_of.date()
    return None


def download_buttons(ctx, store: Store, as_of: datetime, stand_text: str, token: tuple) -> None:
    """The two download buttons (inside the deck's toolbar)."""
    version = _version(store, store.url, token)
    stand = cache_stand(as_of, version)
    available = report.chromium_available()
    ready = {
        fmt: report_cache.lookup(store, stand, ctx.lang, fmt, version) if stand else None
        for fmt in report_cache.FORMATS
    }
    running = None
    if stand and available and not all(ready.values()) and report_cache.prebuild_enabled():
        report_cache.schedule(store, stand, ctx.lang)
        running = report_cache.progress(store, stand, ctx.lang)
    for fmt, label, icon in (
        ("pdf", ctx.t("deck.pdf"), ":material/picture_as_pdf:"),
        ("pptx", ctx.t("deck.pptx"), ":material/co_present:"),
    ):
        path = ready[fmt]
        if path is not None:
            data = path.read_bytes
            note = ctx.t("deck.cached")
        elif stand is not None:  # made on the click, and kept in the cache for the next one
            data = lambda fmt=fmt: report_cache.build(store, stand, ctx.lang, (fmt,))[0].read_bytes()
            note = ctx.t("deck.download.help", stand=stand_text)
        else:
            data = lambda fmt=fmt: (
                report.render(report.load_deck(store, as_of, ctx.lang), fmt, report_cache.chart_dir(store)).data
            )
            note = ctx.t("deck.download.help", stand=stand_text)
        st.download_button(
            label,
            data=data,
            file_name=report.file_name(as_of, fmt),
            mime=report.FORMATS[fmt],
            icon=icon,
            key=f"deck-dl-{fmt}",
            on_click="ignore",
            disabled=not available or (path is None and running is not None),
            help=note,
        )
    if running is not None:
        _progress(ctx, store, running)


def _progress(ctx, store: Store, running: report_cache.Progress) -> None:
    st.caption(ctx.t("deck.building", seconds=int(running.seconds)))

    @st.fragment(run_every=POLL_SECONDS)
    def poll() -> None:
        # A full run once the build is over: the buttons then serve the files, and the polling stops.
        if report_cache.progress(store, running.stand, running.lang) is None:
            st.rerun(scope="app")

    poll()
