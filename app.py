"""Digitalcockpit entry point: draws the shared sidebar once and runs the page chosen in Streamlit's menu.

The menu holds the pages the user's role may see (kpi.web.ui.navigation); the pages only draw.
"""

from pathlib import Path

import streamlit as st

from kpi.web import ui

st.set_page_config(page_title="Digitalcockpit", page_icon=":material/monitoring:", layout="wide")
st.html(ui.PAGE_CSS)
ctx = ui.sidebar()
page = st.navigation(ui.navigation(ctx, Path(__file__).parent / "app_pages"))
st.set_page_config(page_title=f"{page.title} · Digitalcockpit")
page.run()
