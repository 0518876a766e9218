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
_LAYOUT: dict[str, tuple[str, str]] = {
    # Streamlit 1.67's own visible words, in German mode replaced in the page by kpi.web.a11y (text nodes only; the
    # English is Streamlit's original, `{size}` stands for a size such as "20MB").
    "streamlit.upload": ("Hochladen", "Upload"),
    "streamlit.drop_file": ("Datei hierher ziehen und ablegen", "Drag and drop a file here"),
    "streamlit.drop_files": ("Dateien hierher ziehen und ablegen", "Drag and drop files here"),
    "streamlit.browse_files": ("Dateien durchsuchen", "Browse files"),
    "streamlit.per_file": ("höchstens {size} je Datei", "{size} per file"),
    "streamlit.limit_per_file": ("höchstens {size} je Datei", "Limit {size} per file"),
    "streamlit.choose_option": ("Bitte wählen", "Choose an option"),
    "streamlit.no_results": ("Keine Treffer", "No results"),
    "streamlit.menu.rerun": ("Neu laden", "Rerun"),
    "streamlit.menu.auto_rerun": ("Automatisch neu laden", "Auto rerun"),
    "streamlit.menu.clear_cache": ("Zwischenspeicher leeren", "Clear cache"),
    "streamlit.menu.settings": ("Einstellungen", "Settings"),
    "streamlit.menu.print": ("Drucken", "Print"),
    "streamlit.menu.record": ("Bildschirmaufnahme", "Record a screencast"),
    "streamlit.menu.about": ("Über", "About"),
    "streamlit.menu.help": ("Hilfe", "Get help"),
    "streamlit.menu.bug": ("Fehler melden", "Report a bug"),
    "streamlit.stop": ("Anhalten", "Stop"),
    # Streamlit's accessible names (aria-label) that kpi.web.a11y.GERMAN_WORDS does not cover yet.
    "streamlit.running": ("Läuft …", "Running..."),
    "streamlit.add_files": ("Dateien hinzufügen", "Add files"),
}

# Problems in uploaded files, catalog edits, logins and undo: code -> (German, English), with {params}.
PROBLEMS: dict[str, tuple[str, str]] = {}

TEXTS: dict[str, tuple[str, str]] = {**_UI, **_CONTENT, **_LAYOUT}
