"""Text from outside (a URL, a file name, a user's comment) made safe to show in Markdown.

`md_escape` is the one escaper: Streamlit renders st.markdown/st.caption/st.info/st.warning text as
GitHub-flavoured Markdown with its own directives, so a typed `?kpi=[Bitte anmelden](http://x)` would
become a working link, `![t](http://host/…)` would load an image, `:red[…]` would colour, `<b>` would
be HTML, and a bare `http://…` or `www.…` would be auto-linked. After escaping, every character is shown
as typed and nothing is interpreted.
"""

from __future__ import annotations

import html
import re

from kpi.content import LocalText

# Every ASCII punctuation character Markdown, GFM or Streamlit's directives can give a meaning to (a backslash
# before ASCII punctuation is always a literal in CommonMark); `-` is left alone: ids like EG-01 stay readable
# in the page source, and a list or rule needs `-` at the start of a line, which `_LINE_START` covers.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+.!|<>~$:@&/=])")
_LINE_START = re.compile(r"^(\s*)-", re.MULTILINE)


def md_escape(text: object) -> str:
    """`text` for Markdown, shown literally: no links, images, auto-links, colours, icons, HTML or emphasis.
    Line breaks stay line breaks; control characters are dropped."""
    raw = "" if text is None else str(text)
    raw = "".join(ch for ch in raw if ch in "\n\t" or ch.isprintable())
    return _LINE_START.sub(r"\1\\-", _SPECIAL.sub(r"\\\1", raw)).replace("\n", "  \n")


def md_local(text: LocalText, ui_lang: str) -> str:
    """A content text for Markdown (escaped like `md_escape`), each line wrapped in `<span lang="de">…</span>` where
    it is German in the English UI; show it with `unsafe_allow_html=True` (only the span is HTML, nothing typed)."""
    escaped = md_escape(text.text)
    if not text.foreign_in(ui_lang):
        return escaped
    return "  \n".join(
        f'<span lang="{text.lang}">{line}</span>' if line.strip() else line for line in escaped.split("  \n")
    )


def html_local(text: LocalText, ui_lang: str) -> str:
    """A content text for HTML (escaped), in `<span lang="de">…</span>` where it is German in the English UI."""
    escaped = html.escape(text.text)
    return f'<span lang="{text.lang}">{escaped}</span>' if text.foreign_in(ui_lang) else escaped
