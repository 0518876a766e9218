"""The rule for a comment someone types (a KPI comment on /kennzahlen): a length limit and no control characters,
checked before anything is written. Comments in uploaded files follow the same limit (kpi.ingest), which reads
them through the strict reader (kpi.reader refuses control characters in a file)."""

from __future__ import annotations

import re

from kpi.i18n import fmt_number, t

MAX_COMMENT_CHARS = 2000  # characters of a comment, typed or in an uploaded file (kpi.ingest)

# C0 controls except tab and line breaks, DEL, C1 controls, and the bidirectional overrides and isolates that make
# text read differently from how it is stored ("Trojan Source").
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class CommentError(ValueError):
    """A comment that is refused: `code` and a sentence for the user (`message`) that says nothing was saved."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def check_comment(text: str | None, lang: str = "de") -> str:
    """The comment as it is stored (stripped; "" withdraws one), or CommentError."""
    text = (text or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise CommentError(
            "comment.too_long",
            t(
                "comment.refused.too_long",
                lang,
                n=fmt_number(len(text), lang),
                most=fmt_number(MAX_COMMENT_CHARS, lang),
            ),
        )
    if match := _FORBIDDEN.search(text):
        code = f"U+{ord(match.group()):04X}"
        raise CommentError(
            "text.control_char", t("comment.refused.control_char", lang, code=code, where=match.start() + 1)
        )
    return text
