"""The store's change token as the pages see it: asked once per page run, so that every cached read of one run
(snapshot, KPI detail, charts, the deck) uses the same state of the store, and a store whose token costs a
query (PostgreSQL: a counter shared by all servers) is asked once per click, not once per chart. A write by
anyone (another server, the command line) is seen by the next run."""

from __future__ import annotations

import weakref

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from kpi.store import Store

# By id of a session's run context (not hashable): (a weak reference to it, the run's cursor dict, the store's
# URL, the token). Streamlit gives every run a new cursor dict; holding it keeps its identity from being reused
# by the next run's dict.
_RUN_TOKENS: dict[int, tuple] = {}
_PRUNE_AT = 1000  # entries before those of ended sessions are dropped


def run_token(store: Store) -> tuple:
    """`store.change_token()`, once per page run of this session (outside a run, e.g. in an API route: asked
    every time)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return store.change_token()
    seen = _RUN_TOKENS.get(id(ctx))
    if seen is not None and seen[0]() is ctx and seen[1] is ctx.cursors and seen[2] == store.url:
        return seen[3]
    token = store.change_token()
    if len(_RUN_TOKENS) >= _PRUNE_AT:
        for key in [key for key, entry in list(_RUN_TOKENS.items()) if entry[0]() is None]:
            _RUN_TOKENS.pop(key, None)
    _RUN_TOKENS[id(ctx)] = (weakref.ref(ctx), ctx.cursors, store.url, token)
    return token
