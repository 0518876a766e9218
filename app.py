"""Digitalcockpit entry point: draws the shared sidebar once and runs the page chosen in Streamlit's menu.

The menu holds the pages the user's role may see (kpi.web.ui.navigation); the pages only draw.

`app` is the st.App around this script with the open-data API, /healthz and the login cookie's routes
(kpi.web.server): `streamlit run app.py` serves it, and so does `uvicorn app:app`.
"""

from pathlib import Path

import streamlit as st

from kpi.web import a11y, server, ui

if __name__ == "__main__":  # a script run of a session
    st.set_page_config(page_title="Digitalcockpit", page_icon=":material/monitoring:", layout="wide")
    st.html(ui.PAGE_CSS + a11y.CSS)  # one element: each st.html is a block with a gap above the page
    ctx = ui.sidebar()
    a11y.head(ctx.lang)  # <html lang>, menu markup, control names in German (kpi.web.a11y)
    page = st.navigation(ui.navigation(ctx, Path(__file__).parent / "app_pages"))
    st.set_page_config(page_title=f"{page.title} · Digitalcockpit")
    # While presenting, the deck says "demo data" on its title slide: a slide must fit the projector's screen.
    ui.demo_line(ctx, demo=not (page.url_path == "praesentation" and st.session_state.get("deck:present")))
    with ui.guard(ctx):  # the error boundary of every page: a sentence, never a stack trace
        page.run()
else:  # imported by the ASGI server (`streamlit run` finds `app` in this file; `uvicorn app:app`)
    app = st.App(__file__, **server.app_options())
