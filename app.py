"""Digitalcockpit entry point: declares the navigation only.

Each page draws the shared sidebar and checks its role itself (kpi.ui.page), because a typed
URL on a fresh server can run a page file without this script (streamlit PR 10276).
"""

from pathlib import Path

import streamlit as st

from kpi.ui import navigation_pages

st.set_page_config(page_title="Digitalcockpit", page_icon=":material/monitoring:", layout="wide")
st.navigation(navigation_pages(Path(__file__).parent / "pages"), position="hidden").run()
