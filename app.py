"""Digitalcockpit entry point: declares the navigation only; each page draws the shared sidebar."""

import streamlit as st

st.set_page_config(page_title="Digitalcockpit", page_icon="📊", layout="wide")
st.title("Digitalcockpit")
st.write("Die Seiten folgen.")
