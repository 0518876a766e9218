"""Accessibility of the Streamlit pages (issue 15, BITV 2.0 / WCAG 2.1 AA), where Streamlit 1.67 alone falls short.

- CSS: captions at full opacity (Streamlit dims them to 60 %, 3.4:1), a visible focus outline (>= 3:1) on
  every link, button and field.
- A small script, run once per page run (`st.html(..., unsafe_allow_javascript=True)`): `<html lang>` follows
  the UI language (Streamlit's page says "en"), the sectioned page menu becomes valid list markup (Streamlit
  puts `<header>` and `<div>` between `<ul>` and `<li>`), icon-only buttons get their label as `aria-label`, and a
  polite live region announces what `announce()` says (slide changes).
- Chart names for `st.plotly_chart(alt=...)`.
"""

from __future__ import annotations

import html
import json
import re

import streamlit as st

from kpi import i18n, texts

FOCUS = "#0b57d0"  # 6.6:1 on white, 5.9:1 on the sidebar's grey

CSS = f"""<style>
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; color: #4f4f4f; }}
button kbd {{ opacity: 1 !important; }}
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible,
[role="button"]:focus-visible, [role="tab"]:focus-visible, [role="switch"]:focus-visible,
[role="checkbox"]:focus-visible, [role="radio"]:focus-visible, [role="combobox"]:focus-visible,
[tabindex]:focus-visible, [data-testid="stPageLink-NavLink"]:focus-visible,
[data-testid="stSidebarNavLink"]:focus-visible {{
    outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
[data-baseweb="select"]:focus-within, [data-baseweb="input"]:focus-within {{
    outline: 3px solid {FOCUS}; outline-offset: 1px; }}
.kpi-live {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
    white-space: nowrap; }}
</style>"""

# Applied now and after every change of the page (Streamlit redraws its elements on every run).
SCRIPT = """<script>
(() => {
  const state = window.__kpiA11y = window.__kpiA11y || {};
  state.lang = %(lang)s;
  state.words = %(words)s;
  state.keys = %(keys)s;
  state.shortcut = %(shortcut)s;
  state.texts = %(texts)s;
  const TEXT_SCOPE = %(scope)s;
  const fix = () => {
    const root = document.documentElement;
    if (root.lang !== state.lang) root.lang = state.lang;
    document.querySelectorAll('[data-testid=stSidebarNavItems], [data-testid=stSidebarNavItems] li')
      .forEach(e => { if (e.getAttribute('role') !== 'none') e.setAttribute('role', 'none'); });
    for (const name of ['aria-label', 'placeholder']) {
      document.querySelectorAll('[' + name + ']').forEach(e => {
        const label = e.getAttribute(name);
        const word = state.words[label] || Object.entries(state.words).filter(([k]) => k.endsWith(' ') &&
          label.startsWith(k)).map(([k, v]) => v + label.slice(k.length))[0];
        if (word && word !== label) e.setAttribute(name, word);
      });
    }
    // Streamlit's own visible words (uploader, select boxes, main menu, status): text nodes only, so that what a
    // screen reader reads and what is shown stay the same.
    document.querySelectorAll(TEXT_SCOPE).forEach(scope => {
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.nodeValue.trim();
        if (!text) continue;
        for (const [pattern, word] of state.texts) {
          const re = new RegExp('^' + pattern + '$');
          if (re.test(text)) {
            const value = node.nodeValue.replace(text, text.replace(re, word));
            if (value !== node.nodeValue) node.nodeValue = value;
            break;
          }
        }
      }
    });
    document.querySelectorAll('button:not([aria-label])').forEach(b => {
      const text = (b.innerText || '').trim();
      const icon = b.querySelector('[data-testid=stIconMaterial]');
      if (icon && text === icon.innerText.trim()) {
        const label = b.getAttribute('title') || b.closest('[title]')?.getAttribute('title');
        if (label) b.setAttribute('aria-label', label);
      }
    });
    // A button's shortcut, shown and announced with the key caps of the UI language ("Pos1", not "Home").
    document.querySelectorAll('button kbd').forEach(k => {
      const text = k.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) return;
      const caps = text.nodeValue.split(' + ').map(key => state.keys[key] || key).join(' + ');
      if (caps !== text.nodeValue) text.nodeValue = caps;
      const label = state.shortcut + ' ' + caps;
      if (k.getAttribute('aria-label') !== label) k.setAttribute('aria-label', label);
    });
  };
  fix();
  if (!state.observer) {
    state.observer = new MutationObserver(fix);
    // characterData: React writes a changed text into the same node, which the replacement must follow.
    state.observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  }
})();
</script>"""


# Streamlit's own English names of its controls, as a screen reader announces them, in German (a key ending in a
# space is a prefix: "Help for Stand" -> "Hilfe zu Stand").
GERMAN_WORDS = {
    "Sidebar": "Seitenleiste",
    "Collapse sidebar": "Seitenleiste einklappen",
    "Expand sidebar": "Seitenleiste ausklappen",
    "App pages": "Seiten",
    "Open": "Öffnen",
    "Choose date": "Datum wählen",
    "Show password": "Passwort anzeigen",
    "Hide password": "Passwort verbergen",
    "Link to heading": "Link zu dieser Überschrift",
    "Help for ": "Hilfe zu ",
    "day, ": "Tag, ",
    "month, ": "Monat, ",
    "year, ": "Jahr, ",
    "Shortcut ": "Tastenkürzel ",
    "Clear all": "Alle entfernen",
    "Close": "Schließen",
    "Download as CSV": "Als CSV herunterladen",
    "Fullscreen": "Vollbild",
    "Search": "Suchen",
    "Show/hide columns": "Spalten ein- oder ausblenden",
    "Choose an option": "Bitte wählen",
}
# Keys used as button shortcuts whose caps differ between the languages (texts `key.<name>`).
SHORTCUT_KEYS = ("home", "end", "pageup", "pagedown", "ctrl", "shift")


# Where Streamlit writes its own visible English (kpi.texts, keys "streamlit.*"): the file uploader's drop zone,
# the option lists of select boxes (react-aria listboxes in 1.67: "No results"), the main menu, the running indicator.
TEXT_SCOPE = (
    ", ".join(
        f"[data-testid={testid}]"
        for testid in ("stFileUploaderDropzone", "stMainMenuPopover", "stMainMenuList", "stStatusWidget")
    )
    + ", [role=listbox]"
)
# Streamlit's accessible names that are kept in kpi.texts (beside GERMAN_WORDS).
LABEL_KEYS = ("streamlit.running", "streamlit.add_files")
# The words of the UI language for Streamlit's accessible names (after a language switch: for the other language's).
_GERMAN_NAMES = {**GERMAN_WORDS, **{texts.TEXTS[key][1]: texts.TEXTS[key][0] for key in LABEL_KEYS}}
STREAMLIT_WORDS = {"de": _GERMAN_NAMES, "en": {german: english for english, german in _GERMAN_NAMES.items()}}


def _pattern(template: str) -> str:
    """A text of kpi.texts as a JavaScript pattern: `{size}` matches a size ("20MB"), the rest literally."""
    return "".join(r"(\S+)" if part == "{size}" else re.escape(part) for part in re.split(r"(\{size\})", template))


def streamlit_texts(lang: str) -> list[tuple[str, str]]:
    """Streamlit's visible words as (pattern, replacement) for the script: English into German in German mode, and
    back in English mode (a language switch reruns without reloading, and React keeps the replaced text nodes)."""
    target = i18n.LANGS.index(lang)  # the pairs in kpi.texts are (German, English), in the order of LANGS
    source = 1 - target
    return [
        (_pattern(pair[source]), pair[target].replace("{size}", "$1"))
        for key, pair in texts.TEXTS.items()
        if key.startswith("streamlit.") and key not in LABEL_KEYS
    ]


def head(lang: str) -> None:
    """The page's accessibility script, in the sidebar; app.py calls it on every run, before the page draws (and
    draws `CSS` together with the page CSS)."""
    values = {
        "lang": json.dumps(lang),
        "words": json.dumps(STREAMLIT_WORDS[lang], ensure_ascii=False),
        "texts": json.dumps(streamlit_texts(lang), ensure_ascii=False),
        "scope": json.dumps(TEXT_SCOPE),
        "keys": json.dumps(key_caps(lang), ensure_ascii=False),
        "shortcut": json.dumps(i18n.t("key.shortcut", lang), ensure_ascii=False),
    }
    with st.sidebar:
        st.html(SCRIPT % values, unsafe_allow_javascript=True)


def key_caps(lang: str) -> dict[str, str]:
    """The key caps Streamlit prints on a shortcut button (its English names, either language's caps after a
    language switch) -> the caps of `lang` (`Home` -> `Pos1` in German)."""
    caps = {}
    for key in SHORTCUT_KEYS:
        for other in i18n.LANGS:
            caps[i18n.t(f"key.{key}", other)] = i18n.t(f"key.{key}", lang)
    return {shown: cap for shown, cap in caps.items() if shown != cap}


def chart_alt(lang: str, key: str, **values: object) -> str:
    """The accessible name of a chart: what it shows (`alt.<key>`) and where the same figures stand as text or
    table (`alt.<key>.where`)."""
    return i18n.t("a11y.chart", lang, what=i18n.t(f"alt.{key}", lang, **values), where=i18n.t(f"alt.{key}.where", lang))


def announce(text: str) -> None:
    """A polite live region: a screen reader reads `text` when it changes (e.g. "Folie 3 von 12: Titel")."""
    st.html(f'<div class="kpi-live" role="status" aria-live="polite" aria-atomic="true">{html.escape(text)}</div>')
