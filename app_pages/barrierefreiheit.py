"""Barrierefreiheit: the accessibility statement BITV 2.0 asks for (state of conformity, what is not accessible
and why, feedback contact, enforcement procedure). The contact is the city's: env KPI_A11Y_CONTACT."""

import os

import streamlit as st

from kpi.text import md_escape
from kpi.web import ui

PLACEHOLDER = "[Kontakt noch nicht eingetragen: die Stadt setzt KPI_A11Y_CONTACT]"


def contact() -> str | None:
    """The city's feedback contact (e-mail, phone, postal address), or None while it is not configured."""
    value = os.environ.get("KPI_A11Y_CONTACT", "").strip()
    return value or None


ctx = ui.context()
st.title(ctx.t("page.barrierefreiheit"))
st.markdown(ctx.t("bf.intro"))
st.header(ctx.t("bf.state.h"))
st.markdown(ctx.t("bf.state"))
st.header(ctx.t("bf.limits.h"))
st.markdown(ctx.t("bf.limits"))
st.header(ctx.t("bf.contact.h"))
city = contact()
st.markdown(ctx.t("bf.contact", contact=md_escape(city) if city else f"**{PLACEHOLDER}**"))
if city is None:
    st.warning(ctx.t("bf.missing"), icon="⚠️")
st.header(ctx.t("bf.enforce.h"))
st.markdown(ctx.t("bf.enforce"))
