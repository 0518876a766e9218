"""The one escaper for text shown through Streamlit's Markdown (st.markdown, st.caption, st.info, labels)."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text: object, *, one_line: bool = False) -> str:
    """User and catalog text for Streamlit's Markdown: markdown, links, images, colour and icon directives and
    HTML tags are shown as typed, never interpreted. Line breaks stay line breaks, or with `one_line` every run
    of white space becomes one space (for headings, table cells and list items)."""
    text = "" if text is None else str(text)
    if one_line:
        text = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
