"""The store's change token as pages see it (kpi.web.freshness): one token per page run, so that every cached
read of a run shows the same state of the store; the next run sees whatever was written meanwhile, by this
server, another one or the command line."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kpi import auth
from kpi.store import Store
from kpi.web.freshness import run_token

SCRIPT = """
import streamlit as st
from kpi import auth
from kpi.store import Store
from kpi.web.freshness import run_token

store = Store({url!r})
before = run_token(store)
if st.session_state.setdefault("runs", 0) == 0:
    auth.add_user(store, "zwischendurch", "viewer", "Rathaus-2026!")  # a write in the middle of the run
st.session_state["runs"] += 1
st.session_state.setdefault("tokens", []).append((before, run_token(store), store.change_token()))
"""


def test_a_page_run_keeps_one_token_and_the_next_run_sees_the_write(seeded_store: Store):
    app = AppTest.from_string(SCRIPT.format(url=seeded_store.url), default_timeout=60)
    app.run()
    assert not app.exception
    app.run()
    (first, again, fresh), (second, _, _) = app.session_state["tokens"]
    assert again == first  # the same token within the run, although the store changed meanwhile ...
    assert fresh != first  # ... (the store's own token did change) ...
    assert second == fresh  # ... and the next run sees the write


def test_outside_a_page_run_the_token_is_asked_every_time(seeded_store: Store):
    before = run_token(seeded_store)
    auth.add_user(seeded_store, "zwischendurch", "viewer", "Rathaus-2026!")
    assert run_token(seeded_store) != before
