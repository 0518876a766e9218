"""Every text the user sees, in one place per language: key -> (German, English).

Pages, the sidebar, charts, reports, exports and the command line look their words up here through
`kpi.i18n.t`; problems found in files and catalog edits are codes with parameters, worded in `PROBLEMS` and
translated at the edge (`kpi.problems`). Placeholders are `str.format` fields (`{n}`, `{kpi}`); a key ending in
`.one` is the singular of the key without it (`i18n.t_count`).
"""

from __future__ import annotations

# Pages, sidebar, navigation, charts, reports, templates and exports.
_UI: dict[str, tuple[str, str]] = {}

# Labels around the catalog's own content (names, units, sources in English where the catalog has them).
_CONTENT: dict[str, tuple[str, str]] = {}

# Layout and assistive-technology texts (chart names, reflow notes, Streamlit's built-in strings).
_LAYOUT: dict[str, tuple[str, str]] = {}

# Problems in uploaded files, catalog edits, logins and undo: code -> (German, English), with {params}.
PROBLEMS: dict[str, tuple[str, str]] = {}

TEXTS: dict[str, tuple[str, str]] = {**_UI, **_CONTENT, **_LAYOUT}
