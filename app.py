"""Digitalcockpit entry point: declares the navigation only.

Each page draws the shared sidebar and checks its role itself (kpi.ui.page), because a typed URL on a fresh
server can run a page file without this script (streamlit PR 10276).

`app` is the st.App around this script with the open-data API, /healthz and the login cookie's routes
(kpi.web.server): `streamlit run app.py` serves it, and so does `uvicorn app:app`.
"""

from pathlib import Path

import streamlit as st

from kpi.ui import navigation_pages
from kpi.web import server

if __name__ == "__main__":  # a page run
    st.set_page_config(page_title="Digitalcockpit", page_icon=":material/monitoring:", layout="wide")
    st.navigation(navigation_pages(Path(__file__).parent / "pages"), position="hidden").run()
else:  # imported by the ASGI server (`streamlit run` finds `app` in this file; `uvicorn app:app`)
    app = st.App(__file__, **server.app_options())
