"""Streamlit-facing code of Digitalcockpit."""
