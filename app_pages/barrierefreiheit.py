"""Barrierefreiheit: the accessibility statement BITV 2.0 asks for (state of conformity, what is not accessible
and why, feedback contact, enforcement procedure). The contact is the city's: env KPI_A11Y_CONTACT."""

import os

import streamlit as st

from kpi import i18n
from kpi.text import md_escape
from kpi.web import ui

PLACEHOLDER = "[Kontakt noch nicht eingetragen: die Stadt setzt KPI_A11Y_CONTACT]"

i18n.register(
    {
        "bf.intro": (
            "Die Stadt ist als öffentliche Stelle verpflichtet, das Digitalcockpit barrierefrei zu gestalten "
            "(Behindertengleichstellungsgesetz, BITV 2.0, Maßstab WCAG 2.1 Stufe AA / EN 301 549).",
            "As a public body, the city must make the digital cockpit accessible (German Disability Equality "
            "Act, BITV 2.0, measured against WCAG 2.1 level AA / EN 301 549).",
        ),
        "bf.state.h": ("Stand der Vereinbarkeit", "State of conformity"),
        "bf.state": (
            "Das Digitalcockpit ist **teilweise barrierefrei**. Eine automatische Prüfung mit axe-core "
            "(WCAG 2.1 A und AA) findet auf allen Seiten, in beiden Sprachen, mit und ohne Anmeldung und im "
            "Präsentationsmodus keinen Verstoß; sie läuft bei jeder Änderung mit. Von Hand geprüft: Sprache der "
            "Seite, Namen der Diagramme, sichtbarer Tastaturfokus, keine Ein-Zeichen-Tastenkürzel, Ansage des "
            "Folienwechsels, Kontraste der Statusfarben, eine Hauptüberschrift je Seite.",
            "The digital cockpit is **partially accessible**. An automatic check with axe-core (WCAG 2.1 A "
            "and AA) finds no violation on any page, in both languages, with and without login and in "
            "presenting mode; it runs with every change. Checked by hand: page language, chart names, "
            "visible keyboard focus, no single-character shortcuts, announced slide changes, contrast of the "
            "status colours, one main heading per page.",
        ),
        "bf.limits.h": ("Nicht barrierefreie Inhalte", "Content that is not accessible"),
        "bf.limits": (
            "- **Datentabellen zum Bearbeiten und Auswählen** (Upload-Prüfung, Protokoll, Katalog): Streamlits "
            "Tabellen-Element zeichnet auf eine Leinwand; ein Screenreader erhält nur die sichtbaren Zeilen, die "
            "Pfeiltasten bewegen teils die Seite. Nur-Lese-Tabellen sind deshalb echte HTML-Tabellen.\n"
            "- **Diagramme** (Plotly) sind Grafiken mit Namen; ihre Werte stehen jeweils als Text oder Tabelle auf "
            "der Seite, einzelne Punkte sind mit der Tastatur nicht erreichbar.\n"
            "- **Bedienelemente von Streamlit** bringen eigene englische Texte mit (z. B. „Browse files“, "
            "„Deploy“-Menü, Datumsauswahl) und setzen die Seitensprache erst nach dem Laden.\n"
            "- **Das Seitenmenü** steht vor dem Inhalt; einen Link „Zum Inhalt springen“ bietet Streamlit nicht.",
            "- **Data grids for editing and choosing** (upload check, audit log, catalog): Streamlit's grid draws on "
            "a canvas; a screen reader gets only the drawn rows and arrow keys partly move the page. Read-only "
            "tables are therefore real HTML tables.\n"
            "- **Charts** (Plotly) are images with a name; their values are on the page as text or table; single "
            "points cannot be reached with the keyboard.\n"
            "- **Streamlit's own controls** bring English texts (e.g. “Browse files”, the main menu, the date "
            "picker) and set the page language only after loading.\n"
            "- **The page menu** comes before the content; Streamlit offers no “skip to content” link.",
        ),
        "bf.contact.h": ("Feedback und Kontakt", "Feedback and contact"),
        "bf.contact": (
            "Barrieren melden oder Inhalte in barrierefreier Form anfragen: {contact}",
            "Report a barrier or ask for content in an accessible form: {contact}",
        ),
        "bf.enforce.h": ("Durchsetzungsverfahren", "Enforcement procedure"),
        "bf.enforce": (
            "Antwortet die Stadt auf Ihre Meldung nicht oder nicht zufriedenstellend, können Sie sich kostenfrei an "
            "die Durchsetzungsstelle Ihres Landes wenden. Für Städte in Nordrhein-Westfalen ist das die "
            "**Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen** (bei der "
            "Landesbeauftragten für Menschen mit Behinderung; §§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW). Für "
            "Bundesbehörden ist es die **Schlichtungsstelle nach § 16 BGG** beim Beauftragten der Bundesregierung "
            "für die Belange von Menschen mit Behinderungen. Städte anderer Länder tragen hier die Stelle ihres "
            "Landes ein.",
            "If the city does not answer your report, or not satisfactorily, you can turn free of charge to your "
            "state's enforcement body. For cities in North Rhine-Westphalia this is the **Ombudsstelle für "
            "barrierefreie Informationstechnik des Landes Nordrhein-Westfalen** (with the state commissioner for "
            "people with disabilities; §§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW). For federal bodies it is the "
            "**Schlichtungsstelle nach § 16 BGG** with the Federal Government Commissioner for Matters relating to "
            "Persons with Disabilities. Cities of other states name their state's body here.",
        ),
        "bf.missing": (
            "Die Stadt hat noch keinen Kontakt für Barrieren eingetragen (Umgebungsvariable KPI_A11Y_CONTACT).",
            "The city has not yet set a contact for barriers (environment variable KPI_A11Y_CONTACT).",
        ),
    }
)


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
