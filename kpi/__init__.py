"""Digitalcockpit: KPI monitoring for a city's digitalisation strategy (domain package, no Streamlit)."""
