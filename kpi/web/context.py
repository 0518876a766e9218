"""What every page run depends on: the language, the as-of day chosen in the sidebar and the logged-in user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kpi.i18n import t


@dataclass(frozen=True)
class Context:
    lang: str
    stand: date  # the as-of day chosen in the sidebar
    as_of: datetime | None  # None = live (today)
    user: object | None  # kpi.auth.User when logged in

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)
