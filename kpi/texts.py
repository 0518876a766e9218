"""Every text the user sees, in one place per language: key -> (German, English).

Pages, the sidebar, charts, reports, exports and the command line look their words up here through
`kpi.i18n.t`; problems found in files and catalog edits are codes with parameters, worded in `PROBLEMS` and
translated at the edge (`kpi.problems`). Placeholders are `str.format` fields (`{n}`, `{kpi}`); a key ending in
`.one` is the singular of the key without it (`i18n.t_count`).
"""

from __future__ import annotations

# Pages, sidebar, navigation, charts, reports, templates and exports.
_UI: dict[str, tuple[str, str]] = {
    # app_pages/barrierefreiheit.py
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
        "- **Die Auswahl-Tabelle im Protokoll**: Streamlits Tabellen-Element, mit dem eine Zeile zum "
        "Rückgängigmachen gewählt wird, zeichnet auf eine Leinwand; ein Screenreader erhält nur die sichtbaren "
        "Zeilen. Alle anderen Tabellen sind echte HTML-Tabellen mit Überschrift (lange Listen zeigen die ersten "
        "500 Zeilen und sagen, wie viele folgen).\n"
        "- **Diagramme** (Plotly) sind Grafiken mit Namen; ihre Werte stehen jeweils als Text oder Tabelle auf "
        "der Seite, einzelne Punkte sind mit der Tastatur nicht erreichbar.\n"
        "- **Bedienelemente von Streamlit**: die Monats- und Wochentagsnamen der Datumsauswahl und der Hinweis "
        "„Page not found“ bleiben englisch; Zahlenfelder zeigen den Dezimalpunkt.\n"
        "- **Inhalte ohne englische Fassung** erscheinen in der englischen Ansicht deutsch (auf den Seiten als "
        "deutsch ausgezeichnet, in Menü-Links, Diagrammtiteln und den Berichten ohne Auszeichnung).\n"
        "- **Das Seitenmenü** steht vor dem Inhalt; einen Link „Zum Inhalt springen“ bietet Streamlit nicht.",
        "- **The selection grid in the audit log**: Streamlit's grid, in which a row is chosen for undoing, draws "
        "on a canvas; a screen reader gets only the drawn rows. All other tables are real HTML tables with a "
        "caption (long lists show the first 500 rows and say how many follow).\n"
        "- **Charts** (Plotly) are images with a name; their values are on the page as text or table; single "
        "points cannot be reached with the keyboard.\n"
        "- **Streamlit's own controls**: the date picker's month and weekday names and the “Page not found” "
        "notice stay English; number fields show a decimal point.\n"
        "- **Content without an English wording** shows in German in the English view (marked as German on the "
        "pages, unmarked in menu links, chart titles and the reports).\n"
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
    # app_pages/bereich.py
    "br.unit": ("Organisationseinheit", "Responsible unit"),
    "br.attention": ("Braucht Aufmerksamkeit", "Needs attention"),
    "br.nothing": (
        "Nichts Dringendes: alle Kennzahlen im Plan und aktuell, keine Maßnahme verspätet.",
        "Nothing urgent: all KPIs on track and current, no measure late.",
    ),
    "br.kpis": ("Kennzahlen ({n})", "KPIs ({n})"),
    "br.measures": ("Maßnahmen ({n})", "Measures ({n})"),
    "br.kpis.caption": ("Kennzahlen von {unit}", "KPIs of {unit}"),
    "br.measures.caption": ("Maßnahmen von {unit}", "Measures of {unit}"),
    "br.no_kpis": ("Diese Einheit verantwortet keine Kennzahl.", "This unit owns no KPI."),
    "br.no_measures": ("Diese Einheit verantwortet keine Maßnahme.", "This unit owns no measure."),
    "br.behind": ("liegt bei {p} des Plans", "is at {p} of plan"),
    "br.overdue": ("Aktualisierung fällig seit {day}", "update due since {day}"),
    "br.late": ("Plan-Ende {day} überschritten", "planned end {day} passed"),
    "br.sum.kpis": ("{n} Kennzahlen", "{n} KPIs"),
    "br.sum.kpis.one": ("{n} Kennzahl", "{n} KPI"),
    "br.sum.behind": ("{n} hinter Plan", "{n} behind plan"),
    "br.sum.stale": ("{n} überfällig", "{n} overdue"),
    "br.sum.late": ("{n} Maßnahmen verspätet", "{n} measures late"),
    "br.sum.late.one": ("{n} Maßnahme verspätet", "{n} measure late"),
    # app_pages/cockpit.py
    "cockpit.leitbild": ("Leitbild", "Mission statement"),
    "cockpit.stand": ("Stand", "As of"),
    "cockpit.share": ("Anteil im Plan", "Share on track"),
    "cockpit.share.help": (
        "Kennzahlen im Plan oder erreicht und nicht überfällig, bezogen auf alle mit Daten",
        "KPIs on track or achieved and not overdue, of all KPIs with data",
    ),
    "cockpit.kpis": ("{n} Kennzahlen, {d} mit Daten", "{n} KPIs, {d} with data"),
    "cockpit.kpis.one": ("{n} Kennzahl, {d} mit Daten", "{n} KPI, {d} with data"),
    "cockpit.fields": ("Handlungsfelder", "Action fields"),
    "cockpit.deviations": ("Größte Abweichungen vom Plan", "Biggest deviations from plan"),
    "cockpit.overdue": ("Überfällige Aktualisierungen", "Overdue updates"),
    "cockpit.late": ("Verspätete Maßnahmen", "Late measures"),
    "cockpit.none.deviations": ("Keine Kennzahl liegt hinter dem Plan.", "No KPI is behind plan."),
    "cockpit.none.overdue": ("Alle Kennzahlen sind aktuell.", "All KPIs are up to date."),
    "cockpit.none.late": ("Keine Maßnahme ist verspätet.", "No measure is late."),
    "cockpit.none.measures": ("Diese Strategie hat noch keine Maßnahmen.", "This strategy has no measures yet."),
    "cockpit.due_since": ("fällig seit {day}", "due since {day}"),
    "cockpit.days_late": ("{n} Tage über Plan-Ende", "{n} days past planned end"),
    "cockpit.days_late.one": ("{n} Tag über Plan-Ende", "{n} day past planned end"),
    "cockpit.late_measures": ("{n} verspätete Maßnahmen", "{n} late measures"),
    "cockpit.late_measures.one": ("{n} verspätete Maßnahme", "{n} late measure"),
    # app_pages/katalog.py
    "kat.intro": (
        "Änderungen am Strategiekatalog werden als Revision mit Beschluss und Gültigkeitsdatum gespeichert; "
        "frühere Stände bleiben erhalten und sind im Protokoll rückgängig zu machen.",
        "Catalog changes are stored as revisions with a decision and a valid-from date; earlier states "
        "are kept and can be undone in the audit log.",
    ),
    "kat.frozen": ("Bearbeiten nur im aktuellen Stand (Seitenleiste: heute).", "Editing only in the current view."),
    "kat.hierarchy": ("Hierarchie", "Hierarchy"),
    "kat.edit": ("Kennzahl bearbeiten", "Edit KPI"),
    "kat.add": ("Neu anlegen", "Add"),
    "kat.retire": ("Kennzahl zurückziehen", "Retire KPI"),
    "kat.log": ("Revisionen", "Revisions"),
    "kat.log.caption": ("Revisionen des Strategiekatalogs", "Revisions of the strategy catalog"),
    "kat.log.valid_from": ("gültig ab", "valid from"),
    "kat.log.decision": ("Beschluss", "Decision"),
    "kat.log.kind.initial": ("erste Fassung", "first version"),
    "kat.log.kind.change": ("Änderung", "change"),
    "kat.log.kind.undo": ("Rücknahme", "undo"),
    "kat.kpi": ("Kennzahl", "KPI"),
    "kat.name": ("Name", "Name"),
    "kat.name_en": ("Name (englisch, optional)", "Name (English, optional)"),
    "kat.definition_en": ("Definition (englisch, optional)", "Definition (English, optional)"),
    "kat.unit_en": ("Einheit (englisch, optional)", "Unit (English, optional)"),
    "kat.goal": ("Ziel", "Goal"),
    "kat.action_field": ("Handlungsfeld", "Action field"),
    "kat.definition": ("Definition", "Definition"),
    "kat.baseline": ("Basiswert", "Baseline value"),
    "kat.targets": ("Zielwerte (Zeitraum: Wert; …)", "Targets (period: value; …)"),
    "kat.on_track": ("Schwelle „im Plan“ (Anteil des Plans)", "Threshold on track (share of plan)"),
    "kat.at_risk": ("Schwelle „gefährdet“", "Threshold at risk"),
    "kat.decision": ("Beschluss (Pflicht), z. B. Ratsbeschluss V/2024/117", "Decision (required)"),
    "kat.valid_from": ("Gültig ab", "Valid from"),
    "kat.check": ("Änderung prüfen", "Check change"),
    "kat.save": ("Revision speichern", "Save revision"),
    "kat.discard": ("Verwerfen", "Discard"),
    "kat.no_decision": (
        "Bitte den Beschluss angeben (z. B. Ratsbeschluss V/2024/117).",
        "Please name the decision.",
    ),
    "kat.no_change": ("Keine Änderung gegenüber dem geltenden Katalog.", "No change to the catalog in force."),
    "kat.review": ("Prüfung: {decision}, gültig ab {day}", "Review: {decision}, valid from {day}"),
    "kat.status_changes": ("Statusänderungen", "Status changes"),
    "kat.no_status_changes": ("Keine Kennzahl ändert dadurch ihren Status.", "No KPI changes its status."),
    "kat.level": ("Was", "What"),
    "kat.parent": ("Gehört zu", "Belongs to"),
    "kat.id": ("ID", "ID"),
    "kat.unit": ("Einheit", "Unit"),
    "kat.direction": ("Richtung", "Direction"),
    "kat.frequency": ("Erhebung", "Frequency"),
    "kat.baseline_period": ("Basis-Zeitraum", "Baseline period"),
    "kat.responsible": ("Verantwortlich", "Responsible"),
    # app_pages/kennzahlen.py
    "kd.choose": ("Kennzahl", "KPI"),
    "kd.field": ("Handlungsfeld", "Action field"),
    "kd.latest": ("Letzter Wert", "Latest value"),
    "kd.plan": ("Plan zu diesem Zeitpunkt", "Planned at that time"),
    "kd.progress": ("Fortschritt", "Progress"),
    "kd.target": ("Zielwert {year}", "Target {year}"),
    "kd.forecast": ("Prognose {year}", "Forecast {year}"),
    "kd.reach": ("Ziel voraussichtlich erreicht am {day}", "Target expected to be reached on {day}"),
    "kd.reach.short": ("Ziel erreicht voraussichtlich", "Target expected"),
    "kd.reach.never": (
        "Beim aktuellen Trend wird das Ziel nicht erreicht.",
        "At the current trend the target is not reached.",
    ),
    "kd.reach.none": (
        "Zu wenige Werte für eine Prognose (nötig sind mindestens {n}).",
        "Too few values for a forecast (at least {n} are needed).",
    ),
    "kd.outcome": ("Ergebnis {year}", "Outcome {year}"),
    "kd.outcome.text": (
        "Der Zieltermin {day} ist vorbei: das Ziel wurde {word} (letzter Wert {value}).",
        "The target date {day} has passed: the target was {word} (latest value {value}).",
    ),
    "kd.bounded": (
        "Die Prognose bleibt im gültigen Wertebereich ({low} bis {high}); die gerade Linie hätte ihn "
        "verlassen, darum flacht der Trend zum Rand hin ab.",
        "The forecast stays inside the valid range ({low} to {high}); a straight line would have left "
        "it, so the trend flattens towards the edge.",
    ),
    "kd.no_data": (
        "Für diese Kennzahl liegen noch keine Messwerte vor. Der erste Wert ist fällig am {day}.",
        "There are no measurements for this KPI yet. The first value is due on {day}.",
    ),
    "kd.stale": ("Veraltet: der nächste Wert war fällig am {day}.", "Stale: the next value was due on {day}."),
    "kd.definition": ("Steckbrief", "Definition"),
    "kd.values": ("Werte und Revisionen", "Values and revisions"),
    "kd.comments": ("Kommentare je Zeitraum", "Comments per period"),
    "kd.no_comments": ("Noch keine Kommentare.", "No comments yet."),
    "kd.note.value": ("zum Wert", "with the value"),
    "kd.note.discussion": ("Diskussion", "discussion"),
    "kd.measures": ("Zugehörige Maßnahmen", "Related measures"),
    "kd.late": (" (verspätet)", " (late)"),
    "kd.no_measures": ("Keine Maßnahme ist mit dieser Kennzahl verknüpft.", "No measure is linked to this KPI."),
    "kd.real": ("Reale öffentliche Daten (Quelle siehe Steckbrief)", "Real public data (source in the definition)"),
    "kd.unknown": (
        "Die Kennzahl '{id}' gibt es im Strategiekatalog nicht.",
        "There is no KPI '{id}' in the catalog.",
    ),
    "kd.thresholds": (
        "im Plan ab {ok} des Plans, gefährdet ab {risk}, darunter nicht im Plan",
        "on track from {ok} of plan, at risk from {risk}, below that off track",
    ),
    "kd.retracted": ("zurückgezogen", "retracted"),
    "kd.target_revisions": ("Zielpfad-Revisionen", "Target path revisions"),
    "kd.valid_from": ("gültig ab {day}", "valid from {day}"),
    # app_pages/massnahmen.py
    "ms.fields": ("Handlungsfeld", "Action field"),
    "ms.units": ("Verantwortlich", "Responsible unit"),
    "ms.states": ("Status", "State"),
    "ms.late_only": ("nur verspätete", "late only"),
    "ms.all": ("alle", "all"),
    "ms.none": ("Diese Strategie hat noch keine Maßnahmen.", "This strategy has no measures yet."),
    "ms.filtered": ("Keine Maßnahme passt zu diesem Filter.", "No measure matches this filter."),
    "ms.summary": ("{n} Maßnahmen, davon {late} verspätet", "{n} measures, {late} of them late"),
    "ms.summary.one": ("{n} Maßnahme, davon {late} verspätet", "{n} measure, {late} of it late"),
    "ms.timeline": ("Zeitplan", "Timeline"),
    "ms.timeline.legend": (
        "⚠ und dunkler Rand: verspätet (Plan-Ende überschritten) · gepunktete Linie: heute",
        "⚠ and dark outline: late (planned end passed) · dotted line: today",
    ),
    "ms.table": ("Übersicht", "Overview"),
    "ms.history.caption": ("Verlauf von {id}", "History of {id}"),
    "ms.history": ("Verlauf einer Maßnahme", "History of a measure"),
    "ms.history.choose": ("Maßnahme auswählen …", "Choose a measure …"),
    "ms.no_history": ("Noch keine Stände erfasst.", "No updates recorded yet."),
    "ms.duration": ("Laufzeit: {start} – {end}", "Duration: {start} – {end}"),
    "ms.kpis": ("Zugehörige Kennzahlen", "Related KPIs"),
    # app_pages/praesentation.py
    "deck.prev": ("Zurück", "Back"),
    "deck.next": ("Weiter", "Next"),
    "deck.first": ("Erste Folie", "First slide"),
    "deck.last": ("Letzte Folie", "Last slide"),
    "deck.present": ("Präsentieren", "Present"),
    "deck.present.help": (
        "Vollbild-Folien ohne Seitenleiste; Pfeiltasten ← → oder Presenter blättern, "
        "Pos1/Ende springen, Esc beendet. Tastenkürzel: Strg+Umschalt+P.",
        "Full-screen slides without sidebar; arrow keys ← → or a presenter remote turn the "
        "slides, Home/End jump, Esc ends. Shortcut: Ctrl+Shift+P.",
    ),
    "deck.announce": ("Folie {n} von {total}: {title}", "Slide {n} of {total}: {title}"),
    "deck.end": ("Beenden", "End"),
    "deck.restart": ("Neu starten", "Restart"),
    "deck.restart.help": (
        "Startet den Foliensatz mit dem Stand aus der Seitenleiste neu.",
        "Restarts the deck with the as-of date from the sidebar.",
    ),
    "deck.goto": ("Gehe zu Folie", "Go to slide"),
    "deck.frozen_note": (
        "Der Foliensatz ist eingefroren auf {stand}. Die Seitenleiste zeigt jetzt {day}: "
        "„Neu starten“ übernimmt diesen Stand.",
        "The deck is frozen {stand}. The sidebar now shows {day}: “Restart” uses that date.",
    ),
    "deck.keys": (
        "Tastatur: ← → blättern · Pos1/Ende · Bild↑/Bild↓ (Presenter)",
        "Keyboard: ← → turn · Home/End · PgUp/PgDn (presenter remote)",
    ),
    "deck.fields_head": ("Handlungsfeld|Kennzahlen|Status|Hinweise", "Action field|KPIs|Status|Notes"),
    "deck.decisions_head": ("Nr.|Bezeichnung|Stand", "No.|Name|State"),
    "deck.bad_stand": (
        "Der Stand „{value}“ im Link ist kein Datum; der Foliensatz zeigt den Stand der Seitenleiste.",
        "The as-of date “{value}” in the link is no date; the deck uses the sidebar's date.",
    ),
    "deck.pdf": ("PDF für das Protokoll", "PDF for the minutes"),
    "deck.pptx": ("PowerPoint", "PowerPoint"),
    "deck.download.help": (
        "Derselbe Foliensatz mit {stand}; das Erstellen dauert beim ersten Mal einige Sekunden.",
        "The same deck {stand}; the first download takes a few seconds.",
    ),
    "deck.no_browser": (
        "PDF und PowerPoint sind auf diesem Server nicht verfügbar: es fehlt ein Chromium für "
        "die Diagramme (die IT kann ihn mit `make chromium` einrichten).",
        "PDF and PowerPoint are not available on this server: a Chromium for the charts is "
        "missing (IT can set it up with `make chromium`).",
    ),
    # app_pages/protokoll.py
    "pr.intro": (
        "Jeder Upload mit Zeitpunkt, Person, Datei, Prüfsumme (SHA-256) und Ergebnis. „Rückgängig machen“ "
        "schreibt neue Revisionen mit den vorherigen Werten – gelöscht wird nichts, und der Vorgang steht "
        "selbst im Protokoll.",
        "Every upload with time, person, file, checksum (SHA-256) and result. “Undo” writes new revisions "
        "with the previous values – nothing is deleted, and the undo itself is logged.",
    ),
    "pr.kinds": ("Art", "Kind"),
    "pr.all": ("alle", "all"),
    "pr.empty": ("Noch keine Uploads.", "No uploads yet."),
    "pr.export.csv": ("CSV-Export", "CSV export"),
    "pr.export.xlsx": ("Excel-Export", "Excel export"),
    "pr.export.help": ("Das ganze Protokoll herunterladen", "Download the whole audit log"),
    "pr.choose": ("Upload ansehen", "Show upload"),
    "pr.click": (
        "Eine Zeile anklicken (Kästchen links), um die Einzelheiten unten zu sehen.",
        "Click a row (box on the left) to see its details below.",
    ),
    "pr.detail": ("Upload #{id}", "Upload #{id}"),
    "pr.rows": ("Geschriebene Zeilen ({n})", "Rows written ({n})"),
    "pr.rows.caption": ("Von Upload #{id} geschriebene Zeilen", "Rows written by upload #{id}"),
    "pr.facts.caption": ("Angaben zu Upload #{id}", "Details of upload #{id}"),
    "pr.skipped.caption": ("Übersprungene Werte", "Skipped values"),
    "pr.no_rows": (
        "Dieser Upload hat keine Zeilen geschrieben (alle Werte waren unverändert).",
        "This upload wrote no rows (all values were unchanged).",
    ),
    "pr.undone_by": ("Dieser Upload wurde mit #{undo} rückgängig gemacht.", "This upload was undone by #{undo}."),
    "pr.is_undo": ("Dieser Vorgang hat Upload #{id} rückgängig gemacht.", "This operation undid upload #{id}."),
    "pr.not_undoable": (
        "Uploads dieser Art lassen sich hier nicht rückgängig machen.",
        "Uploads of this kind cannot be undone here.",
    ),
    "pr.undo.title": ("Rückgängig machen", "Undo"),
    "pr.undo.explain": (
        "Für alle {n} Zeilen dieses Uploads wird der vorherige Stand als neue Revision geschrieben; wo "
        "es keinen gab, wird der Wert zurückgezogen. Zeilen, die danach erneut geändert wurden, "
        "bleiben unberührt.",
        "For all {n} rows of this upload the previous state is written as a new revision; where there "
        "was none, the value is retracted. Rows changed again later are left alone.",
    ),
    "pr.undo.explain.one": (
        "Für die eine Zeile dieses Uploads wird der vorherige Stand als neue Revision geschrieben; "
        "gab es keinen, wird der Wert zurückgezogen. Wurde sie danach erneut geändert, bleibt sie "
        "unberührt.",
        "For the one row of this upload the previous state is written as a new revision; if there "
        "was none, the value is retracted. If it was changed again later, it is left alone.",
    ),
    "pr.undo.confirm": ("Ja, Upload #{id} rückgängig machen", "Yes, undo upload #{id}"),
    "pr.undo.button": ("Rückgängig machen", "Undo"),
    "pr.undo.skipped": ("Übersprungen (danach erneut geändert):", "Skipped (changed again later):"),
    "pr.field": ("Angabe", "Field"),
    "pr.value": ("Wert", "Value"),
    "pr.retracted": ("zurückgezogen", "retracted"),
    # app_pages/themenfelder.py
    "tf.theme": ("Themenfeld", "Theme field"),
    "tf.fields": ("Handlungsfelder", "Action fields"),
    "tf.status": ("Status", "Status"),
    "tf.all": ("alle", "all"),
    "tf.none": ("Keine Kennzahl passt zu diesem Filter.", "No KPI matches this filter."),
    "tf.goal": ("Ziel", "Goal"),
    "tf.latest": ("Ist {value} · Plan {plan}", "Actual {value} · plan {plan}"),
    "tf.no_data": ("Noch keine Messwerte", "No measurements yet"),
    "tf.page": ("Seite", "Page"),
    "tf.page.of": (
        "Seite {page} von {pages} · Kennzahlen {first}–{last} von {total}",
        "Page {page} of {pages} · KPIs {first}–{last} of {total}",
    ),
    # app_pages/upload.py
    "up.intro": (
        "Neue Messwerte oder Maßnahmen-Stände aus Excel/CSV übernehmen: Vorlage laden, ausfüllen, hochladen, "
        "Prüfbericht und Vorschau ansehen, übernehmen. Jeder Upload steht im Protokoll und lässt sich dort "
        "rückgängig machen.",
        "Take over new measurements or measure updates from Excel/CSV: download the template, fill it in, "
        "upload it, check the report and preview, commit. Every upload is in the audit log and can be undone "
        "there.",
    ),
    "up.kind": ("Was möchten Sie hochladen?", "What do you want to upload?"),
    "up.kind.measurements": ("Messwerte (Kennzahlen)", "Measurements (KPIs)"),
    "up.kind.measures": ("Maßnahmen-Stände", "Measure updates"),
    "up.step1": ("① Vorlage herunterladen", "① Download the template"),
    "up.step2": ("② Datei hochladen", "② Upload the file"),
    "up.step3": ("③ Prüfbericht", "③ Validation report"),
    "up.step4": ("④ Vorschau: was sich ändert", "④ Preview: what changes"),
    "up.step5": ("⑤ Übernehmen", "⑤ Commit"),
    "up.due": (
        "{rows} fällige Werte von {kpis} Kennzahlen (überfällig: {overdue}). Die Vorlage listet je Kennzahl "
        "die Zeiträume, für die noch ein Wert fehlt.",
        "{rows} values due for {kpis} KPIs (overdue: {overdue}). The template lists, per KPI, the periods "
        "that still lack a value.",
    ),
    "up.due.none": ("Für keine Kennzahl fehlt gerade ein Wert.", "No KPI lacks a value right now."),
    "up.include": (
        "auch Kennzahlen aufnehmen, deren nächster Zeitraum noch läuft",
        "also include KPIs whose next period is still running",
    ),
    "up.measures.count": (
        "Die Vorlage enthält alle {n} Maßnahmen mit ihrem aktuellen Stand; ändern Sie nur, was "
        "sich getan hat. Unveränderte Zeilen werden nicht erneut gespeichert.",
        "The template holds all {n} measures with their current state; change only what has "
        "moved. Unchanged rows are not saved again.",
    ),
    "up.xlsx": ("Excel-Vorlage (XLSX)", "Excel template (XLSX)"),
    "up.csv": ("CSV-Vorlage", "CSV template"),
    "up.show_due": ("Fällige Werte ansehen", "Show the values due"),
    "up.due.caption": ("Fällige Werte", "Values due"),
    "up.problems.caption": ("Fehler in {file}", "Errors in {file}"),
    "up.problems.in_csv": (
        "Alle stehen in der Fehlerliste (CSV) zum Herunterladen unten.",
        "All of them are in the error list (CSV) to download below.",
    ),
    "up.implausible.caption": ("Auffällige Werte in {file}", "Unusual values in {file}"),
    "up.warnings.caption": ("Hinweise zu {file}", "Notes on {file}"),
    "up.failed.caption": ("Fehler beim Übernehmen von {file}", "Errors while committing {file}"),
    "up.preview.caption": ("Vorschau der Änderungen aus {file}", "Preview of the changes from {file}"),
    "up.file": ("CSV- oder Excel-Datei (höchstens {mb} MB)", "CSV or Excel file (at most {mb} MB)"),
    "up.file.help": (
        "CSV aus deutschem Excel (; und Dezimalkomma, UTF-8 oder Windows-1252) oder einfaches CSV; "
        "XLSX mit Blatt 'Messwerte' bzw. 'Maßnahmen' (sonst das erste Blatt).",
        "CSV from German Excel (; and decimal comma, UTF-8 or Windows-1252) or plain CSV; XLSX with "
        "sheet 'Messwerte' or 'Maßnahmen' (else the first sheet).",
    ),
    "up.waiting": (
        "Noch keine Datei gewählt. Nach dem Hochladen wird die Datei geprüft; gespeichert wird erst mit „Übernehmen“.",
        "No file chosen yet. The file is checked after upload; nothing is saved before you click “Commit”.",
    ),
    "up.checking": ("Datei wird geprüft …", "Checking the file …"),
    "up.too_big": (
        "Die Datei ist {mb} MB groß; höchstens {max} MB sind möglich.",
        "The file is {mb} MB; at most {max} MB are possible.",
    ),
    "up.errors": (
        "{n} Fehler gefunden – so kann die Datei nicht übernommen werden. Es wurde nichts gespeichert. "
        "Bitte die Datei korrigieren und erneut hochladen.",
        "{n} errors found – the file cannot be committed like this. Nothing was saved. Please correct the "
        "file and upload it again.",
    ),
    "up.errors.one": (
        "1 Fehler gefunden – so kann die Datei nicht übernommen werden. Es wurde nichts gespeichert. "
        "Bitte die Datei korrigieren und erneut hochladen.",
        "1 error found – the file cannot be committed like this. Nothing was saved. Please correct the "
        "file and upload it again.",
    ),
    "up.more_errors": (
        "… und {n} weitere Fehler (angezeigt werden die ersten {shown}).",
        "… and {n} more errors (the first {shown} are shown).",
    ),
    "up.errors.csv": ("Fehlerliste herunterladen (CSV)", "Download the error list (CSV)"),
    "up.hint.empty": (
        "Tipp: Zeilen, für die Sie noch keinen Wert haben, bitte aus der Datei löschen.",
        "Tip: please delete rows for which you have no value yet.",
    ),
    "up.not_filled": (
        "Nicht ausgefüllt: {n} Zeilen ohne Wert wurden übersprungen.",
        "Not filled in: {n} rows without a value were skipped.",
    ),
    "up.ok": ("Keine Fehler: alle {n} Zeilen sind gültig.", "No errors: all {n} rows are valid."),
    "up.ok.one": ("Keine Fehler: die eine Zeile ist gültig.", "No errors: the one row is valid."),
    "up.warnings": (
        "{n} Hinweise – bitte prüfen, ob diese Werte stimmen (übernehmen ist trotzdem möglich):",
        "{n} notes – please check whether these values are right (you may still commit):",
    ),
    "up.warnings.one": (
        "1 Hinweis – bitte prüfen, ob dieser Wert stimmt (übernehmen ist trotzdem möglich):",
        "1 note – please check whether this value is right (you may still commit):",
    ),
    "up.implausible": (
        "{n} auffällige Werte – weit weg vom Wert der Vorperiode. Bitte in der Quelle prüfen; "
        "übernommen wird erst nach Bestätigung:",
        "{n} unusual values – far from the previous period's value. Please check them at the source; "
        "they are committed only once confirmed:",
    ),
    "up.implausible.one": (
        "1 auffälliger Wert – weit weg vom Wert der Vorperiode. Bitte in der Quelle prüfen; "
        "übernommen wird erst nach Bestätigung:",
        "1 unusual value – far from the previous period's value. Please check it at the source; "
        "it is committed only once confirmed:",
    ),
    "up.confirm": ("Auffällige Werte geprüft", "Unusual values checked"),
    "up.confirm.help": (
        "Erst ankreuzen, wenn die markierten Werte in der Quelle nachgesehen wurden und stimmen.",
        "Tick only once the flagged values were looked up at the source and are right.",
    ),
    "up.confirm.needed": (
        "„Übernehmen“ wird frei, sobald „Auffällige Werte geprüft“ angekreuzt ist.",
        "“Commit” is enabled once “Unusual values checked” is ticked.",
    ),
    "up.prev": ("Vorperiode {period}: {value}", "previous period {period}: {value}"),
    "up.flag": ("auffällig", "unusual"),
    "up.new": ("Neu", "New"),
    "up.changed": ("Geändert", "Changed"),
    "up.unchanged": ("Unverändert", "Unchanged"),
    "up.show_unchanged": ("auch unveränderte Zeilen zeigen", "also show unchanged rows"),
    "up.preview.cut": (
        "Die Vorschau zeigt die ersten {n} Zeilen; übernommen wird die ganze Datei.",
        "The preview shows the first {n} rows; the whole file is committed.",
    ),
    "up.nothing": (
        "Die Datei enthält keine neuen oder geänderten Werte – es gibt nichts zu übernehmen.",
        "The file holds no new or changed values – there is nothing to commit.",
    ),
    "up.commit.help": (
        "Übernimmt {new} neue und {changed} geänderte Werte in einem Schritt (alles oder nichts). "
        "Rückgängig machen ist danach im Protokoll möglich.",
        "Commits {new} new and {changed} changed values in one step (all or nothing). You can undo "
        "it afterwards in the audit log.",
    ),
    "up.commit": ("Übernehmen", "Commit"),
    "up.done": (
        "Übernommen als Upload #{id} ({file}): {new} neu, {changed} geändert, {unchanged} unverändert. "
        "Cockpit und Kennzahlen zeigen die neuen Werte ab sofort.",
        "Committed as upload #{id} ({file}): {new} new, {changed} changed, {unchanged} unchanged. The "
        "cockpit and KPI pages show the new values right away.",
    ),
    "up.failed": ("Nicht übernommen – es wurde nichts gespeichert:", "Not committed – nothing was saved:"),
    "up.busy": (
        "Die Datenbank ist gerade durch einen anderen Upload belegt; nichts wurde übernommen. Bitte in einer "
        "Minute erneut auf „Übernehmen“ klicken.",
        "The database is busy with another upload; nothing was committed. Please click “Commit” again in a minute.",
    ),
    "up.changed_file": (
        "Die Datei hat sich seit der Prüfung geändert. Bitte erneut hochladen.",
        "The file changed since it was checked. Please upload it again.",
    ),
    "up.to_protocol": ("Zum Protokoll", "Open the audit log"),
    "up.to_cockpit": ("Zum Cockpit", "Open the cockpit"),
    "up.change.new": ("＋ neu", "＋ new"),
    "up.change.changed": ("✎ geändert", "✎ changed"),
    "up.change.unchanged": ("＝ unverändert", "＝ unchanged"),
    # kpi/report/__init__.py
    "report.page_no": ("Seite {n} / {total}", "Page {n} / {total}"),
    "report.no_browser": (
        "Kein Chromium gefunden: PDF und PowerPoint brauchen einen Browser für die Diagramme. "
        "Abhilfe: `make chromium` ausführen oder KPI_CHROMIUM=/pfad/zu/chromium setzen.",
        "No Chromium found: PDF and PowerPoint need a browser to draw the charts. "
        "Fix: run `make chromium` or set KPI_CHROMIUM=/path/to/chromium.",
    ),
    "report.bad_browser": (
        "BROWSER_PATH zeigt auf {path}, dort ist kein Browser.",
        "BROWSER_PATH points to {path}, which is no browser.",
    ),
    "report.render_failed": (
        "Die Diagramme konnten nicht gezeichnet werden ({reason}).",
        "The charts could not be drawn ({reason}).",
    ),
    "report.no_font": (
        "Die Schrift für das PDF fehlt (kpi/report/fonts/DejaVuSans.ttf). Abhilfe: die Installation "
        "wiederherstellen oder KPI_PDF_FONT=/pfad/zur/schrift.ttf setzen.",
        "The PDF's font is missing (kpi/report/fonts/DejaVuSans.ttf). Fix: restore the installation "
        "or set KPI_PDF_FONT=/path/to/font.ttf.",
    ),
    "report.empty": (
        "Die Datenbank enthält noch keinen Strategiekatalog; zuerst `python -m kpi seed`.",
        "The database holds no strategy yet; run `python -m kpi seed` first.",
    ),
    "report.chart_alt": (
        "Diagramm {id}: Ist-Werte, Zielpfad und Prognose",
        "Chart {id}: actual, target path, forecast",
    ),
    "report.bar_alt": ("Statusverteilung der Kennzahlen", "Status of the KPIs"),
    # kpi/report/deck.py
    "deck.stand": ("Stand: {day}", "As of {day}"),
    "deck.stand_time": ("Stand: {day}, {time} Uhr", "As of {day}, {time}"),
    "deck.slide_no": ("Folie {n} / {total}", "Slide {n} / {total}"),
    "deck.part": ("{title} ({part}/{parts})", "{title} ({part}/{parts})"),
    "deck.adopted": ("beschlossen am {day}", "adopted on {day}"),
    "deck.leitbild": ("Leitbild", "Mission statement"),
    "deck.theme_kicker": ("Themenfeld", "Theme field"),
    "deck.field_kicker": ("Handlungsfeld · {theme}", "Action field · {theme}"),
    "deck.share": ("im Plan oder erreicht", "on track or achieved"),
    "deck.share_of": ("{share} der {n} Kennzahlen mit Daten", "{share} of the {n} KPIs with data"),
    "deck.share_none": ("noch keine Kennzahl mit Daten", "no KPI with data yet"),
    "deck.kpi_count": ("{n} Kennzahlen", "{n} KPIs"),
    "deck.kpi_count.one": ("{n} Kennzahl", "{n} KPI"),
    "deck.fields": ("Handlungsfelder", "Action fields"),
    "deck.late_count": ("{n} Maßnahmen verspätet", "{n} measures late"),
    "deck.late_count_1": ("1 Maßnahme verspätet", "1 measure late"),
    "deck.stale_count": ("{n} veraltet", "{n} stale"),
    "deck.actual": ("Ist {period}: {value}", "Actual {period}: {value}"),
    "deck.no_value": ("noch kein Wert", "no value yet"),
    "deck.plan": ("Plan: {value} ({progress})", "Plan: {value} ({progress})"),
    "deck.target": ("Ziel {year}: {value}", "Target {year}: {value}"),
    "deck.forecast": ("Prognose {year}: {value} (Band {band})", "Forecast {year}: {value} (band {band})"),
    "deck.reach": ("Ziel laut Trend erreicht: {day}", "Trend reaches target: {day}"),
    "deck.reach_never": ("Ziel laut Trend nicht erreichbar", "Trend does not reach the target"),
    "deck.outcome": ("Zieltermin {day} vorbei: {word}", "Target date {day} passed: {word}"),
    "deck.too_few": ("Zu wenige Werte für eine Prognose", "Too few values for a forecast"),
    "deck.comments": ("Kommentare der Ressorts", "Comments from the departments"),
    "deck.no_comments": ("Keine Kommentare zu diesen Kennzahlen.", "No comments on these KPIs."),
    "deck.measures": ("Maßnahmen", "Measures"),
    "deck.late_measures": ("Verspätete Maßnahmen", "Late measures"),
    "deck.no_late": ("Keine Maßnahme verspätet.", "No measure is late."),
    "deck.no_measures": ("Keine Maßnahmen in diesem Handlungsfeld.", "No measures in this action field."),
    "deck.measures_more": ("und {n} weitere (siehe Entscheidungsbedarf)", "and {n} more (see decisions needed)"),
    "deck.days_late": ("{n} Tage über Plan-Ende", "{n} days past planned end"),
    "deck.days_late.one": ("{n} Tag über Plan-Ende", "{n} day past planned end"),
    "deck.progress": ("{p} umgesetzt", "{p} done"),
    "deck.no_kpis": (
        "Für dieses Handlungsfeld sind keine Kennzahlen festgelegt.",
        "No KPIs are defined for this action field.",
    ),
    "deck.decisions": ("Entscheidungsbedarf", "Decisions needed"),
    "deck.decisions_none": (
        "Kein Entscheidungsbedarf: keine Kennzahl nicht im Plan, keine überfällige Meldung, keine verspätete Maßnahme.",
        "No decisions needed: no KPI off track, no overdue report, no late measure.",
    ),
    "deck.sec.off_track": ("Kennzahlen nicht im Plan", "KPIs off track"),
    "deck.sec.stale": ("Überfällige Meldungen", "Overdue reports"),
    "deck.sec.late": ("Verspätete Maßnahmen", "Late measures"),
    "deck.continued": ("(Fortsetzung)", "(continued)"),
    "deck.of_plan_values": ("{p} (Ist {actual}, Plan {plan})", "{p} (actual {actual}, plan {plan})"),
    "deck.due_since": ("fällig seit {day}", "due since {day}"),
    "deck.first_due": ("erster Wert fällig seit {day}", "first value due since {day}"),
    "deck.illustrative": (
        "Illustratives Beispiel: Kennzahlen, Basis- und Zielwerte sind keine offiziellen Zahlen der Stadt.",
        "Illustrative example: KPIs, baselines and targets are not official city figures.",
    ),
    # kpi/web/a11y.py
    "a11y.chart": ("Diagramm: {what}. {where}", "Chart: {what}. {where}"),
    "alt.status_bar": ("Kennzahlen von {name} nach Status", "KPIs of {name} by status"),
    "alt.status_bar.where": (
        "Die Zahlen je Status stehen im Text unter dem Diagramm.",
        "The figures per status are in the text below the chart.",
    ),
    "alt.small": ("Verlauf von {kpi}: Ist-Werte und Plan", "Trend of {kpi}: actual values and plan"),
    "alt.small.where": (
        "Die Werte stehen auf der Seite der Kennzahl in der Tabelle „Werte und Revisionen“.",
        "The values are in the table “Values and revisions” on the KPI's page.",
    ),
    "alt.kpi": (
        "Verlauf von {kpi}: Ist-Werte, Plan, Toleranzband und Prognose",
        "Trend of {kpi}: actual values, plan, tolerance band and forecast",
    ),
    "alt.kpi.where": (
        "Die Werte stehen weiter unten in der Tabelle „Werte und Revisionen“.",
        "The values are further down in the table “Values and revisions”.",
    ),
    "alt.timeline": (
        "Zeitplan von {n} Maßnahmen: je ein Balken von Beginn bis geplantem Ende, Farbe und Muster nach Status",
        "Timeline of {n} measures: one bar from start to planned end each, colour and pattern by state",
    ),
    "alt.timeline.where": (
        "Dieselben Maßnahmen mit Status, Fortschritt und Dauer stehen in der Tabelle darunter.",
        "The same measures with state, progress and duration are in the table below.",
    ),
    "alt.deck_bar": ("Kennzahlen nach Status", "KPIs by status"),
    "alt.deck_bar.where": ("Die Zahlen stehen in den Kacheln darüber.", "The figures are in the tiles above."),
    # kpi/web/auth_ui.py
    "login.title": ("Anmeldung", "Log in"),
    "login.user": ("Benutzer", "User"),
    "login.password": ("Passwort", "Password"),
    "login.submit": ("Anmelden", "Log in"),
    "login.sso": ("Mit Dienstkonto anmelden", "Log in with your organisation account"),
    "login.logout": ("Abmelden", "Log out"),
    "login.as": ("Angemeldet als **{name}** · {role}", "Logged in as **{name}** · {role}"),
    "login.unit": ("Bereich: {unit}", "Unit: {unit}"),
    "login.public": ("Ohne Anmeldung: nur lesen.", "Without login: read only."),
    "login.required": (
        "Bitte melden Sie sich an, um das Digitalcockpit zu sehen (Formular in der Seitenleiste).",
        "Please log in to see the digital cockpit (form in the sidebar).",
    ),
    "login.locked_db": (
        "Die Anmeldung ist gerade nicht möglich, weil die Datenbank belegt ist. Bitte gleich erneut versuchen.",
        "Login is not possible right now because the database is busy. Please retry.",
    ),
    "login.ended": (
        "Ihre Anmeldung wurde beendet, weil sich Ihr Konto geändert hat. Bitte erneut anmelden.",
        "Your session ended because your account changed. Please log in again.",
    ),
    "login.no_role": (
        "Ihr Dienstkonto ({name}) hat im Digitalcockpit keine Rolle. Bitte bei der IT-Leitstelle freischalten lassen.",
        "Your organisation account ({name}) has no role in the digital cockpit. Please ask the IT office for access.",
    ),
    "denied.login": (
        "Für diese Seite ist eine Anmeldung nötig. Bitte melden Sie sich in der Seitenleiste mit einem "
        "berechtigten Konto an.",
        "This page needs a login. Please log in in the sidebar with an account that has access.",
    ),
    "comment.title": ("Kommentar erfassen", "Add a comment"),
    "comment.period": ("Zeitraum", "Period"),
    "comment.text": ("Kommentar", "Comment"),
    "comment.placeholder": (
        "z. B. Erläuterung einer Abweichung für den Ausschuss",
        "e.g. an explanation of a deviation for the committee",
    ),
    "comment.help": (
        "Gespeichert wird eine neue Fassung; frühere bleiben nachvollziehbar. Leer speichern zieht den "
        "Kommentar zu diesem Zeitraum zurück.",
        "A new version is saved; earlier ones stay traceable. "
        "Saving an empty text withdraws the comment for this period.",
    ),
    "comment.save": ("Kommentar speichern", "Save comment"),
    "comment.saved": ("Kommentar zu {period} gespeichert.", "Comment for {period} saved."),
    "comment.withdrawn": ("Kommentar zu {period} zurückgezogen.", "Comment for {period} withdrawn."),
    "comment.empty": ("Bitte einen Text eingeben.", "Please enter a text."),
    "comment.has": ("hat Kommentar", "has a comment"),
    "comment.next": ("nächster Zeitraum", "next period"),
    "comment.frozen": (
        "Kommentare lassen sich nur im aktuellen Stand erfassen (Stand in der Seitenleiste auf heute stellen).",
        "Comments can only be added for the current data (set 'As of' to today).",
    ),
    "measure.title": ("Stand der Maßnahme melden", "Report the measure's state"),
    "measure.state": ("Status", "State"),
    "measure.progress": ("Fortschritt (%)", "Progress (%)"),
    "measure.comment": ("Kommentar", "Comment"),
    "measure.save": ("Stand speichern", "Save state"),
    "measure.saved": ("Stand von {id} gespeichert (Upload #{upload}).", "State of {id} saved (upload #{upload})."),
    "measure.unchanged": (
        "Keine Änderung: Status und Fortschritt sind schon so erfasst.",
        "No change: state and progress are already recorded like this.",
    ),
    # kpi/web/downloads.py
    "deck.cached": ("Sofort bereit (vorab erstellt).", "Ready at once (prepared in advance)."),
    "deck.building": (
        "PDF und PowerPoint werden im Hintergrund erstellt … seit {seconds} s.",
        "PDF and PowerPoint are being prepared in the background … for {seconds} s.",
    ),
    # kpi/web/ui.py
    "app.title": ("Digitalcockpit", "Digital cockpit"),
    # Both words in both languages: whoever cannot read the current one finds the switch.
    "sidebar.lang": ("Sprache / Language", "Sprache / Language"),
    "sidebar.stand": ("Stand", "As of"),
    "sidebar.stand.help": (
        "Zeigt, was an diesem Tag bekannt war (spätere Korrekturen bleiben unsichtbar).",
        "Shows what was known on that day (later corrections stay hidden).",
    ),
    "sidebar.frozen": ("Eingefrorener Stand: {day}", "Frozen as of {day}"),
    "error.locked": (
        "Die Datenbank ist gerade durch einen Import belegt. Bitte in einer Minute neu laden.",
        "The database is busy with an import. Please reload in a minute.",
    ),
    "error.unexpected": (
        "Diese Ansicht konnte nicht geladen werden. Die IT ist informiert; bitte neu laden.",
        "This view could not be loaded. IT has been notified; please reload.",
    ),
    "empty.store": (
        "Noch keine Strategie geladen. Die IT kann sie mit `python -m kpi seed` einspielen.",
        "No strategy loaded yet. IT can load it with `python -m kpi seed`.",
    ),
    "cockpit.illustrative": (
        "Illustratives Beispiel: Kennzahlen, Basis- und Zielwerte sind keine offiziellen Zahlen der Stadt.",
        "Illustrative example: KPIs, baselines and targets are not official city figures.",
    ),
    "denied.page": ("Für diese Seite fehlt die Berechtigung.", "You are not allowed to open this page."),
    # kpi/web/ui.py
    "links.more": ("… und {n} weitere", "… and {n} more"),
    "links.all": ("Alle {n} zeigen", "Show all {n}"),
    "table.cut": ("die ersten {shown} von {n} Zeilen", "the first {shown} of {n} rows"),
    "table.more": ("… und {n} weitere Zeilen, hier nicht gezeigt.", "… and {n} more rows, not shown here."),
    "table.more.one": ("… und 1 weitere Zeile, hier nicht gezeigt.", "… and 1 more row, not shown here."),
    # Column and row headers of tables and exports
    "col.action_field": ("Handlungsfeld", "Action field"),
    "col.actual_period": ("Ist (Stand)", "Actual (period)"),
    "col.baseline": ("Basis", "Baseline"),
    "col.before": ("Bisher", "Before"),
    "col.by": ("von", "by"),
    "col.change": ("Änderung", "Change"),
    "col.changed_later_by_upload": ("später geändert durch Upload", "changed later by upload"),
    "col.check": ("Prüfen", "Check"),
    "col.column": ("Spalte", "Column"),
    "col.comment": ("Kommentar", "Comment"),
    "col.data_source": ("Datenquelle", "Data source"),
    "col.direction": ("Richtung", "Direction"),
    "col.duration": ("Laufzeit", "Duration"),
    "col.file": ("Datei", "File"),
    "col.forecast": ("Prognose", "Forecast"),
    "col.frequency": ("Erhebung", "Frequency"),
    "col.kind": ("Art", "Kind"),
    "col.kpi": ("Kennzahl", "KPI"),
    "col.kpi_measure": ("Kennzahl/Maßnahme", "KPI/measure"),
    "col.measure": ("Maßnahme", "Measure"),
    "col.message": ("Meldung", "Message"),
    "col.milestones": ("Meilensteine", "Milestones"),
    "col.new": ("Neu", "New"),
    "col.number": ("Nr.", "No."),
    "col.on": ("am", "on"),
    "col.owner": ("Verantwortlich", "Owner"),
    "col.period": ("Zeitraum", "Period"),
    "col.person": ("Person", "Person"),
    "col.planned": ("Plan", "Planned"),
    "col.progress": ("Fortschritt", "Progress"),
    "col.progress_before": ("Fortschritt bisher", "Progress before"),
    "col.progress_new": ("Fortschritt neu", "Progress new"),
    "col.quality": ("Qualität", "Quality"),
    "col.recorded": ("Erfasst am", "Recorded"),
    "col.responsible": ("Verantwortlich", "Responsible"),
    "col.result": ("Ergebnis", "Result"),
    "col.row": ("Zeile", "Row"),
    "col.source": ("Quelle", "Source"),
    "col.state": ("Status", "State"),
    "col.state_before": ("Status bisher", "State before"),
    "col.state_new": ("Status neu", "State new"),
    "col.target": ("Ziel", "Target"),
    "col.thresholds": ("Schwellen", "Thresholds"),
    "col.time": ("Zeitpunkt", "Time"),
    "col.unit": ("Einheit", "Unit"),
    "col.value": ("Wert", "Value"),
    # kpi/charts.py
    "chart.actual": ("Ist-Werte", "Actual"),
    "chart.plan": ("Zielpfad", "Target path"),
    "chart.forecast": ("Prognose (Trend)", "Forecast (trend)"),
    "chart.band": ("Prognose-Band", "Forecast band"),
    "chart.tol_ok": ("Toleranz: im Plan", "Tolerance: on track"),
    "chart.tol_risk": ("Toleranz: gefährdet", "Tolerance: at risk"),
    "chart.reach": ("Ziel voraussichtlich erreicht: {day}", "Target expected: {day}"),
    "chart.today": ("heute", "today"),
    "chart.break": ("Bruch in der Reihe", "Break in the series"),
    "chart.provisional": ("vorläufig", "provisional"),
    "chart.estimated": ("geschätzt", "estimated"),
    "chart.earlier_path": ("Früherer Zielpfad: {decision}", "Earlier target path: {decision}"),
    "chart.earlier_path_until": (
        "Früherer Zielpfad: {decision} (bis {until})",
        "Earlier target path: {decision} (until {until})",
    ),
    "chart.measure_hover": (
        "Fortschritt: {progress} %<br>geplantes Ende: {end}",
        "Progress: {progress} %<br>planned end: {end}",
    ),
    # Key caps of button shortcuts (kpi/web/a11y.py shows Streamlit's in the UI language)
    "key.shortcut": ("Tastenkürzel", "Shortcut"),
    "key.home": ("Pos1", "Home"),
    "key.end": ("Ende", "End"),
    "key.pageup": ("Bild↑", "PageUp"),
    "key.pagedown": ("Bild↓", "PageDown"),
    "key.ctrl": ("Strg", "Ctrl"),
    "key.shift": ("Umschalt", "Shift"),
    # kpi/views.py
    "measure.late": ("verspätet", "late"),
    "notice.demo": (
        "Demo-Daten: {demo} von {total} aktuellen Werten sind illustrative Demo-Werte, keine Messungen "
        "(entfernen: python -m kpi demo remove).",
        "Demo data: {demo} of {total} current values are illustrative demo values, not measurements "
        "(remove: python -m kpi demo remove).",
    ),
    "quality.final": ("endgültig", "final"),
    "quality.provisional": ("vorläufig", "provisional"),
    "quality.estimated": ("geschätzt", "estimated"),
    "quality.break": ("Bruch in der Reihe", "break in the series"),
    "status_change.new": ("neu", "new"),
    "status_change.retired": ("entfällt", "retired"),
    # kpi/comment_rules.py: a typed comment that is refused
    "comment.refused.too_long": (
        "Der Kommentar ist {n} Zeichen lang, erlaubt sind höchstens {most}: nichts gespeichert.",
        "The comment is {n} characters long, at most {most} are allowed: nothing was saved.",
    ),
    "comment.refused.control_char": (
        "Der Kommentar enthält ein Steuerzeichen ({code}) an Stelle {where}; bitte ohne Steuerzeichen eingeben: "
        "nichts gespeichert.",
        "The comment contains a control character ({code}) at position {where}; please type it without: "
        "nothing was saved.",
    ),
    "deck.committee": (
        "Ausschuss für Digitalisierung und Zukunft",
        "Committee for Digitalisation and the Future",
    ),
    # kpi/period_window.py: stored values with an impossible period
    "window.upload": ("(Upload {id})", "(upload {id})"),
    "window.upload.file": ("(Upload {id} „{file}“)", "(upload {id} '{file}')"),
    "window.more": ("und {n} weitere", "and {n} more"),
    "window.undo": (
        "Rückgängig machen: auf der Seite Protokoll (/protokoll) oder mit {commands}.",
        "To undo: on the Audit log page (/protokoll) or with {commands}.",
    ),
    "window.notice": (
        "{n} gespeicherte Werte mit unmöglichem Zeitraum werden nicht ausgewertet (nicht in Status, Prognose und "
        "Diagrammen): {named}.{how}",
        "{n} stored values with an impossible period are left out of status, forecast and charts: {named}.{how}",
    ),
    # kpi/audit.py
    "audit.kind.measurements": ("Messwerte", "Measurements"),
    "audit.kind.measures": ("Maßnahmen", "Measures"),
    "audit.kind.undo": ("Rückgängig", "Undo"),
    "audit.kind.seed": ("Katalog/Demo", "Catalog/demo"),
    "audit.kind.comment": ("Kommentar", "Comment"),
    "audit.kind.catalog": ("Katalog", "Catalog"),
    "audit.kind.demo_remove": ("Demo entfernt", "Demo removed"),
    "audit.state.committed": ("übernommen", "committed"),
    "audit.state.undone": ("rückgängig gemacht", "undone"),
    "audit.counts": (
        "{new} neu, {changed} geändert, {unchanged} unverändert",
        "{new} new, {changed} changed, {unchanged} unchanged",
    ),
    "audit.counts.undo": (
        "{changed} wiederhergestellt, {new} zurückgezogen, {unchanged} übersprungen",
        "{changed} restored, {new} retracted, {unchanged} skipped",
    ),
    # kpi/templates.py: upload templates and exports (the importer reads both languages' headers)
    "template.kpi": ("Kennzahl", "KPI"),
    "template.name": ("Bezeichnung", "Name"),
    "template.unit": ("Einheit", "Unit"),
    "template.period": ("Zeitraum", "Period"),
    "template.value": ("Wert", "Value"),
    "template.comment": ("Kommentar", "Comment"),
    "template.quality": ("Qualität", "Quality"),
    "template.due": ("Fällig bis", "Due by"),
    "template.latest": ("Letzter Wert", "Latest value"),
    "template.measure": ("Maßnahme", "Measure"),
    "template.state": ("Status", "State"),
    "template.progress": ("Fortschritt", "Progress"),
    "template.title": ("Titel", "Title"),
    "template.responsible": ("Verantwortlich", "Responsible"),
    "template.planned_end": ("Plan-Ende", "Planned end"),
    "template.sheet.measurements": ("Messwerte", "Measurements"),
    "template.sheet.measures": ("Maßnahmen", "Measures"),
    "template.sheet.hints": ("Hinweise", "Notes"),
    "template.sheet.protocol": ("Protokoll", "Audit log"),
    "template.file.measurements": ("messwerte-vorlage-{day}", "measurements-template-{day}"),
    "template.file.measures": ("massnahmen-vorlage-{day}", "measures-template-{day}"),
    "template.file.protocol": ("protokoll-{day}", "audit-log-{day}"),
    "template.file.problems": ("fehler-{name}", "problems-{name}"),
    # One line of the notes sheet per line (split at the line breaks).
    "template.hints.measurements": (
        "So füllen Sie die Vorlage aus:\n"
        "1. Tragen Sie in der Spalte 'Wert' den Messwert ein (Dezimalkomma, z. B. 1.234,5).\n"
        "2. 'Kommentar' ist freiwillig: eine kurze Erläuterung für den Ausschuss.\n"
        "3. Zeilen, für die Sie (noch) keinen Wert haben, dürfen leer bleiben: sie werden übersprungen und gezählt "
        "('nicht ausgefüllt'). 'Qualität' ist freiwillig: leer (= final), vorläufig, geschätzt oder Bruch.\n"
        "4. 'Zeitraum' nicht ändern (Schreibweisen: 2025, Q3 2025, 09/2025). Weitere Zeilen dürfen Sie ergänzen.\n"
        "5. Die Spalten 'Bezeichnung', 'Einheit', 'Fällig bis' und 'Letzter Wert' dienen nur der Orientierung.\n"
        "6. Hochladen unter Verwaltung › Upload; vor dem Übernehmen sehen Sie eine Prüfung und eine Vorschau.",
        "How to fill in the template:\n"
        "1. Enter the measured value in the column 'Value' (decimal point, e.g. 1,234.5).\n"
        "2. 'Comment' is optional: a short explanation for the committee.\n"
        "3. Rows you have no value for (yet) may stay empty: they are skipped and counted ('not filled in'). "
        "'Quality' is optional: empty (= final), provisional, estimated or break.\n"
        "4. Do not change 'Period' (written as 2025, Q3 2025, 09/2025). You may add rows.\n"
        "5. The columns 'Name', 'Unit', 'Due by' and 'Latest value' are for orientation only.\n"
        "6. Upload under Administration › Upload; before anything is saved you see a check and a preview.",
    ),
    "template.hints.measures": (
        "So füllen Sie die Vorlage aus:\n"
        "1. Status: geplant, in Umsetzung, abgeschlossen, pausiert oder verzögert.\n"
        "2. Fortschritt: 0 bis 100 (Prozent).\n"
        "3. Kommentar ist freiwillig. Unveränderte Zeilen dürfen stehen bleiben: sie werden nicht erneut "
        "gespeichert.\n"
        "4. Die Spalten 'Titel', 'Verantwortlich' und 'Plan-Ende' dienen nur der Orientierung.",
        "How to fill in the template:\n"
        "1. State: planned, in progress, completed, paused or delayed.\n"
        "2. Progress: 0 to 100 (per cent).\n"
        "3. Comment is optional. Unchanged rows may stay: they are not saved again.\n"
        "4. The columns 'Title', 'Responsible' and 'Planned end' are for orientation only.",
    ),
    # kpi/web/ui.py: the menu (page titles, sections)
    "page.cockpit": ("Cockpit", "Cockpit"),
    "page.themenfelder": ("Themenfelder", "Theme fields"),
    "page.kennzahlen": ("Kennzahlen", "KPIs"),
    "page.massnahmen": ("Maßnahmen", "Measures"),
    "page.bereich": ("Mein Bereich", "My area"),
    "page.praesentation": ("Präsentation", "Presentation"),
    "page.upload": ("Upload", "Upload"),
    "page.protokoll": ("Protokoll", "Audit log"),
    "page.katalog": ("Katalog", "Catalog"),
    "page.barrierefreiheit": ("Barrierefreiheit", "Accessibility"),
    "nav.section.overview": ("Übersicht", "Overview"),
    "nav.section.committee": ("Ausschuss", "Committee"),
    "nav.section.admin": ("Verwaltung", "Administration"),
    "nav.section.about": ("Über", "About"),
}

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
PROBLEMS: dict[str, tuple[str, str]] = {
    # Where a problem is, and the column keys as the reader knows the headers.
    "where.row": ("Zeile {row}", "row {row}"),
    "where.column": ("Spalte {column}", "column {column}"),
    "column.kpi_id": ("Kennzahl", "KPI"),
    "column.period": ("Zeitraum", "Period"),
    "column.value": ("Wert", "Value"),
    "column.comment": ("Kommentar", "Comment"),
    "column.source": ("Quelle", "Source"),
    "column.quality": ("Qualität", "Quality"),
    "column.measure_id": ("Maßnahme", "Measure"),
    "column.state": ("Status", "Status"),
    "column.progress": ("Fortschritt", "Progress"),
    "table.row": ("Zeile", "Row"),
    "table.column": ("Spalte", "Column"),
    "table.value": ("Wert", "Value"),
    "table.problem": ("Problem", "Problem"),
    "granularity.yearly": ("ein Jahr", "a year"),
    "granularity.half_yearly": ("ein Halbjahr", "a half-year"),
    "granularity.quarterly": ("ein Quartal", "a quarter"),
    "granularity.monthly": ("ein Monat", "a month"),
    # The file as a whole (kpi.reader, kpi.ingest).
    "file.not_regular": (
        "keine normale Datei (Gerät, Pipe oder Ordner): erwartet CSV oder XLSX",
        "not a regular file (device, pipe or folder): expected CSV or XLSX",
    ),
    "file.unreadable": ("Datei nicht lesbar: {detail}", "file not readable: {detail}"),
    "file.too_large": (
        "Datei zu groß (höchstens {limit_mb} MB)",
        "file too large (at most {limit_mb} MB)",
    ),
    "file.empty": ("die Datei ist leer", "the file is empty"),
    "file.type": (
        "Dateityp '{suffix}' wird nicht unterstützt: erwartet .csv oder .xlsx",
        "file type '{suffix}' is not supported: expected .csv or .xlsx",
    ),
    "file.binary": (
        "keine Textdatei (NUL-Byte, Binärdaten): erwartet CSV oder XLSX",
        "not a text file (NUL byte, binary data): expected CSV or XLSX",
    ),
    "file.mixed_encoding": (
        "gemischte Zeichenkodierung: Zeile {utf8_row} ist UTF-8, diese nicht; bitte einheitlich als UTF-8 speichern",
        "mixed character encoding: row {utf8_row} is UTF-8, this one is not; please save all of it as UTF-8",
    ),
    "file.encoding": (
        "unbekannte Zeichenkodierung: bitte als UTF-8 speichern",
        "unknown character encoding: please save as UTF-8",
    ),
    "file.control_char": ("Steuerzeichen {char} in der Datei", "control character {char} in the file"),
    "file.line_too_long": (
        "die Zeile ist länger als {limit} Zeichen: keine Tabelle erkannt",
        "the line is longer than {limit} characters: no table recognised",
    ),
    "file.no_table": (
        "keine Tabelle erkannt: erwartet Spalten getrennt durch ; oder ,",
        "no table recognised: expected columns separated by ; or ,",
    ),
    "file.too_many_columns": ("mehr als {limit} Spalten", "more than {limit} columns"),
    "file.too_many_rows": ("mehr als {limit} Zeilen", "more than {limit} rows"),
    "file.field_too_long": (
        "ein Feld ist länger als {limit} Zeichen (nicht geschlossenes Anführungszeichen?)",
        "a field is longer than {limit} characters (unclosed quotation mark?)",
    ),
    "file.quoting": (
        "CSV nicht lesbar ab dieser Zeile: {detail} (nicht geschlossenes Anführungszeichen?)",
        "CSV not readable from this row on: {detail} (unclosed quotation mark?)",
    ),
    "file.no_rows": ("die Datei enthält keine Datenzeilen", "the file contains no data rows"),
    "file.no_values": (
        "keine Werte eingetragen (nicht ausgefüllt: {n} Zeilen)",
        "no values entered (not filled in: {n} rows)",
    ),
    "sheet.empty": ("das Blatt '{sheet}' ist leer", "the sheet '{sheet}' is empty"),
    "xlsx.unreadable": (
        "XLSX nicht lesbar ({detail}): erwartet eine Excel-Arbeitsmappe",
        "XLSX not readable ({detail}): expected an Excel workbook",
    ),
    "xlsx.too_large": (
        "XLSX entpackt zu groß ({size_mb} MB; höchstens {limit_mb} MB)",
        "XLSX too large when unpacked ({size_mb} MB; at most {limit_mb} MB)",
    ),
    "xlsx.too_many_strings": (
        "XLSX enthält zu viele Texte ({size_mb} MB; höchstens {limit_mb} MB)",
        "XLSX holds too much text ({size_mb} MB; at most {limit_mb} MB)",
    ),
    "xlsx.empty": ("die Arbeitsmappe enthält kein Blatt", "the workbook contains no sheet"),
    "xlsx.hidden_sheet": (
        "das Blatt '{sheet}' ist ausgeblendet: bitte einblenden oder löschen (gelesen wird nur, was man sieht)",
        "the sheet '{sheet}' is hidden: please unhide or delete it (only what can be seen is read)",
    ),
    "csv.timeout": (
        "CSV nach {seconds} s nicht gelesen (zu groß oder zu komplex): abgebrochen",
        "CSV not read after {seconds} s (too large or too complex): stopped",
    ),
    "xlsx.timeout": (
        "XLSX nach {seconds} s nicht gelesen (zu groß oder zu komplex): abgebrochen",
        "XLSX not read after {seconds} s (too large or too complex): stopped",
    ),
    "csv.memory": (
        "CSV zu groß zum Lesen (Lesevorgang abgebrochen)",
        "CSV too large to read (reading stopped)",
    ),
    "xlsx.memory": (
        "XLSX zu groß zum Lesen (Lesevorgang abgebrochen)",
        "XLSX too large to read (reading stopped)",
    ),
    "store.error": (
        "Datenbankfehler, nichts übernommen: {detail}",
        "database error, nothing was saved: {detail}",
    ),
    # The header row.
    "header.duplicate_column": (
        "die Spalte {column} kommt zweimal vor: welche gilt, ist nicht eindeutig",
        "the column {column} appears twice: which one counts is ambiguous",
    ),
    "header.missing": (
        "Kopfzeile unvollständig: es fehlt {columns} (erwartet {expected})",
        "header row incomplete: {columns} missing (expected {expected})",
    ),
    "header.expected.measurements": (
        "Kennzahl;Zeitraum;Wert[;Kommentar;Quelle] oder kpi_id;period;value[;comment;source]",
        "kpi_id;period;value[;comment;source] or Kennzahl;Zeitraum;Wert[;Kommentar;Quelle]",
    ),
    "header.expected.measures": (
        "Maßnahme;Status;Fortschritt;Kommentar",
        "measure_id;state;progress;comment or Maßnahme;Status;Fortschritt;Kommentar",
    ),
    # One row or cell of a measurement file.
    "row.columns": ("falsche Anzahl Spalten{detail}", "wrong number of columns{detail}"),
    "row.columns.counts": (" (erwartet {expected}, gefunden {found})", " (expected {expected}, found {found})"),
    "row.unreadable": ("Zeile nicht lesbar: {detail}", "row not readable: {detail}"),
    "kpi.missing": ("Kennzahl fehlt", "KPI missing"),
    "kpi.unknown": ("unbekannte Kennzahl (nicht im Strategiekatalog)", "unknown KPI (not in the strategy catalog)"),
    "period.missing": ("Zeitraum fehlt", "period missing"),
    "period.unreadable": (
        "Zeitraum nicht lesbar (erwartet z. B. 2024, 2024-Q3, Q3/2024, 2024-09, 09/2024 oder 31.12.2024)",
        "period not readable (expected e.g. 2024, 2024-Q3, Q3/2024, 2024-09, 09/2024 or 2024-12-31)",
    ),
    "period.out_of_range": (
        "Zeitraum liegt außerhalb des zulässigen Fensters {lower} bis {upper} (Tippfehler?)",
        "period lies outside the allowed window {lower} to {upper} (typo?)",
    ),
    "period.frequency": (
        "Zeitraum ist {granularity}, aber {kpi} wird {frequency} erhoben",
        "the period is {granularity}, but {kpi} is collected {frequency}",
    ),
    "period.future": (
        "Zeitraum liegt in der Zukunft (endet am {period})",
        "the period lies in the future (ends on {period})",
    ),
    "value.missing": ("Wert fehlt", "value missing"),
    "value.format": (
        "Wert ist keine Zahl im erwarteten Format (z. B. 1.234,5 in deutschen Dateien, 1234.5 sonst)",
        "value is not a number in the expected format (e.g. 1234.5, or 1.234,5 in German files)",
    ),
    "value.not_finite": (
        "Wert ist keine endliche Zahl oder zu groß (Betrag höchstens 10^15)",
        "value is not a finite number or too large (magnitude at most 10^15)",
    ),
    "value.out_of_range": (
        "Wert liegt außerhalb des gültigen Bereichs {min} bis {max} für {kpi}",
        "value lies outside the valid range {min} to {max} for {kpi}",
    ),
    "value.unbounded_low": ("−∞", "−∞"),
    "value.unbounded_high": ("∞", "∞"),
    "value.jump": (
        "auffälliger Sprung: {kpi} bisher {old}, neu {new}",
        "unusual jump: {kpi} was {old}, now {new}",
    ),
    "quality.unknown": (
        "unbekannte Qualitätsangabe (erlaubt: final, vorläufig, geschätzt, Bruch)",
        "unknown quality (allowed: final, provisional, estimated, break)",
    ),
    "comment.too_long": ("Kommentar ist länger als {limit} Zeichen", "comment is longer than {limit} characters"),
    "text.control_char": (
        "Steuerzeichen im Text sind nicht erlaubt",
        "control characters in the text are not allowed",
    ),
    "row.conflict": (
        "widersprüchliche Doppelung: {kpi} {period} kommt mehrfach mit verschiedenen Werten oder Kommentaren vor",
        "contradictory duplicate: {kpi} {period} appears more than once with different values or comments",
    ),
    # Plausibility of a new value against the previous period's (kpi.plausibility).
    "value.implausible": (
        "auffälliger Wert: {kpi} {period} neu {new}, Vorperiode {prev_period}: {old}{reason}{cause}"
        " Bitte prüfen und bestätigen.",
        "unusual value: {kpi} {period} now {new}, previous period {prev_period}: {old}{reason}{cause}"
        " Please check and confirm.",
    ),
    "implausible.sign": (" (Vorzeichen gewechselt)", " (sign changed)"),
    "implausible.factor": (" (Faktor {op}{factor})", " (factor {op}{factor})"),
    "implausible.typical": (" (üblich sind Änderungen um {typical})", " (usual changes are about {typical})"),
    "slip.1": (" – ×10: Komma verrutscht?", " – ×10: decimal point slipped?"),
    "slip.-1": (" – ÷10: Komma verrutscht?", " – ÷10: decimal point slipped?"),
    "slip.2": (" – ×100: Komma um zwei Stellen verrutscht?", " – ×100: decimal point slipped by two places?"),
    "slip.-2": (" – ÷100: Komma um zwei Stellen verrutscht?", " – ÷100: decimal point slipped by two places?"),
    "slip.3": (
        " – ×1000: Tausender- und Dezimaltrennzeichen verwechselt?",
        " – ×1000: thousands and decimal separators mixed up?",
    ),
    "slip.-3": (
        " – ÷1000: Tausender- und Dezimaltrennzeichen verwechselt?",
        " – ÷1000: thousands and decimal separators mixed up?",
    ),
    "slip.share": (
        " – ÷100: Anteil statt Prozent eingetragen (z. B. 0,83 statt 83 %)?",
        " – ÷100: share entered instead of percent (e.g. 0.83 instead of 83 %)?",
    ),
    # Measure updates (file or form).
    "measure.missing": ("Maßnahme fehlt", "measure missing"),
    "measure.unknown": (
        "unbekannte Maßnahme (nicht im Strategiekatalog)",
        "unknown measure (not in the strategy catalog)",
    ),
    "measure.not_permitted": (
        "keine Berechtigung: {measure} liegt bei {owner}, nicht bei {unit}",
        "not permitted: {measure} belongs to {owner}, not to {unit}",
    ),
    "measure.conflict": (
        "widersprüchliche Doppelung: {measure} kommt mehrfach mit verschiedenen Angaben vor",
        "contradictory duplicate: {measure} appears more than once with different entries",
    ),
    "state.missing": (
        "Status fehlt (erlaubt: geplant, in Umsetzung, abgeschlossen, pausiert, verzögert)",
        "status missing (allowed: planned, in progress, completed, paused, delayed)",
    ),
    "state.unknown": (
        "unbekannter Status (erlaubt: geplant, in Umsetzung, abgeschlossen, pausiert, verzögert)",
        "unknown status (allowed: planned, in progress, completed, paused, delayed)",
    ),
    "state.not_closed": (
        "{measure} hat 100 % Fortschritt, ist aber nicht als abgeschlossen gemeldet",
        "{measure} has 100 % progress but is not reported as completed",
    ),
    "progress.missing": ("Fortschritt fehlt (0 bis 100)", "progress missing (0 to 100)"),
    "progress.format": (
        "Fortschritt ist keine Zahl (erwartet 0 bis 100, z. B. 75 oder 75 %)",
        "progress is not a number (expected 0 to 100, e.g. 75 or 75 %)",
    ),
    "progress.out_of_range": ("Fortschritt muss zwischen 0 und 100 liegen", "progress must lie between 0 and 100"),
    "progress.incomplete": (
        "{measure} ist abgeschlossen, aber der Fortschritt ist nur {progress} %",
        "{measure} is completed, but its progress is only {progress} %",
    ),
    "progress.falls": (
        "Fortschritt von {measure} sinkt von {before} % auf {after} %",
        "progress of {measure} falls from {before} % to {after} %",
    ),
    # Strategy catalog (kpi.catalog, kpi.catalog_io, kpi.catalog_edit): the place in the file comes before the words.
    "catalog.missing": ("fehlt", "missing"),
    "catalog.type": ("unerwarteter Typ {type} ({value})", "unexpected type {type} ({value})"),
    "catalog.not_allowed": (
        "'{value}' ist nicht erlaubt (erlaubt: {allowed})",
        "'{value}' is not allowed (allowed: {allowed})",
    ),
    "catalog.not_iso_date": ("'{value}' ist kein ISO-Datum (JJJJ-MM-TT)", "'{value}' is not an ISO date (YYYY-MM-DD)"),
    "date.invalid": ("'{raw}' ist kein gültiges Datum", "'{raw}' is not a valid date"),
    "period.not_readable": (
        "Zeitraum '{raw}' nicht lesbar (erwartet z. B. 2024, 2024-H1, 2024-Q3, Q3/2024, 2024-09, 09/2024 oder 31.12.2024)",
        "period '{raw}' not readable (expected e.g. 2024, 2024-H1, 2024-Q3, Q3/2024, 2024-09, 09/2024 or 2024-12-31)",
    ),
    "moment.not_readable": (
        "Zeitpunkt '{raw}' nicht lesbar (erwartet z. B. 2025-12-31 oder 2025-12-31T18:00)",
        "point in time '{raw}' not readable (expected e.g. 2025-12-31 or 2025-12-31T18:00)",
    ),
    "catalog.period_finer": (
        "Zeitraum ist {granularity}, aber die Kennzahl wird {frequency} erhoben",
        "the period is {granularity}, but the KPI is collected {frequency}",
    ),
    "catalog.not_a_number": ("'{value}' ist keine Zahl", "'{value}' is not a number"),
    "catalog.unreadable": ("Datei nicht lesbar: {detail}", "file not readable: {detail}"),
    "catalog.yaml": ("kein gültiges YAML: {detail}", "not valid YAML: {detail}"),
    "catalog.not_mapping": (
        "die Datei muss ein YAML-Objekt mit strategy, units, themes, measures sein",
        "the file must be a YAML mapping with strategy, units, themes, measures",
    ),
    "catalog.no_units": ("keine Organisationseinheiten angegeben", "no organisational units given"),
    "catalog.duplicate_id": ("'{value}' doppelt (schon bei {first})", "'{value}' appears twice (already at {first})"),
    "catalog.no_themes": ("keine Themenfelder angegeben", "no themes given"),
    "catalog.unknown_kpi": ("unbekannte Kennzahl '{value}'", "unknown KPI '{value}'"),
    "catalog.unknown_action_field": ("unbekanntes Handlungsfeld '{value}'", "unknown action field '{value}'"),
    "catalog.unknown_unit": ("unbekannte Organisationseinheit '{value}'", "unknown organisational unit '{value}'"),
    "catalog.progress_range": ("{value} liegt nicht zwischen 0 und 100", "{value} is not between 0 and 100"),
    "catalog.end_before_start": ("liegt vor dem Start {start}", "lies before the start {start}"),
    "catalog.range_pair": ("erwartet [min, max]", "expected [min, max]"),
    "catalog.range_inverted": ("min {min} > max {max}", "min {min} > max {max}"),
    "catalog.thresholds": ("erwartet 0 < at_risk ≤ on_track", "expected 0 < at_risk ≤ on_track"),
    "catalog.grace_days": ("erwartet eine ganze Zahl ≥ 0", "expected a whole number ≥ 0"),
    "catalog.kpi_id_pattern": (
        "'{value}' passt nicht zum Muster: 2–5 Großbuchstaben, Bindestrich, 2–4 Ziffern (z. B. EG-03, MOB-101)",
        "'{value}' does not match the pattern: 2–5 capital letters, hyphen, 2–4 digits (e.g. EG-03, MOB-101)",
    ),
    "catalog.no_targets": (
        "mindestens ein Zielwert (Zeitraum: Wert) nötig",
        "at least one target (period: value) needed",
    ),
    "catalog.targets_before_baseline": (
        "Zielwerte müssen nach dem Basiszeitraum liegen",
        "targets must lie after the baseline period",
    ),
    "catalog.value_range": (
        "{value} liegt außerhalb des gültigen Bereichs [{min}, {max}]",
        "{value} lies outside the valid range [{min}, {max}]",
    ),
    "catalog.target_syntax": (
        "Zielwerte: '{value}' ist nicht 'Zeitraum: Wert' (z. B. 2025: 60; 2030: 85)",
        "targets: '{value}' is not 'period: value' (e.g. 2025: 60; 2030: 85)",
    ),
    "catalog.no_goal": ("Ziel '{value}' gibt es nicht", "there is no goal '{value}'"),
    "catalog.no_action_field": ("Handlungsfeld '{value}' gibt es nicht", "there is no action field '{value}'"),
    "catalog.no_theme": ("Themenfeld '{value}' gibt es nicht", "there is no theme '{value}'"),
    "catalog.xlsx_unreadable": (
        "keine lesbare Excel-Datei (.xlsx): {detail}",
        "not a readable Excel file (.xlsx): {detail}",
    ),
    "catalog.sheet_missing": (
        "Blatt '{sheet}' fehlt (erwartet: {expected})",
        "sheet '{sheet}' missing (expected: {expected})",
    ),
    "catalog.sheet_empty": ("Blatt ist leer (erwartet eine Kopfzeile)", "sheet is empty (expected a header row)"),
    "catalog.header_missing": ("Spalte '{header}' fehlt", "column '{header}' missing"),
    "catalog.not_yes_no": ("'{value}' ist nicht ja/nein", "'{value}' is not ja/nein (yes/no)"),
    "catalog.xlsx_target_syntax": (
        "'{value}' ist nicht 'Zeitraum: Wert' (z. B. 2025: 40; 2030: 70)",
        "'{value}' is not 'period: value' (e.g. 2025: 40; 2030: 70)",
    ),
    "catalog.unknown_theme": ("unbekanntes Themenfeld '{value}'", "unknown theme '{value}'"),
    "catalog.unknown_goal": ("unbekanntes Ziel '{value}'", "unknown goal '{value}'"),
    "catalog.unknown_field": (
        "unbekanntes Feld '{value}' (erwartet: {expected})",
        "unknown field '{value}' (expected: {expected})",
    ),
    # Login (kpi.auth).
    "login.empty": ("Bitte Benutzer und Passwort eingeben.", "Please enter user name and password."),
    "login.wrong": ("Benutzer oder Passwort ist falsch.", "User name or password is wrong."),
    "login.too_many": (
        "Zu viele fehlgeschlagene Anmeldungen für '{name}'. Bitte in {seconds} s erneut versuchen.",
        "Too many failed logins for '{name}'. Please try again in {seconds} s.",
    ),
    # Undo from the audit log (kpi.audit).
    "undo.not_allowed": (
        "Keine Berechtigung: Rückgängig machen dürfen nur IT-Leitstelle und Administration.",
        "Not permitted: only the IT office and administrators may undo.",
    ),
    "undo.conflict": (
        "Upload #{id} wird gerade von jemand anderem geändert oder rückgängig gemacht; nichts geschrieben. "
        "Bitte die Seite neu laden.",
        "Upload #{id} is being changed or undone by someone else right now; nothing was written. "
        "Please reload the page.",
    ),
    "undo.no_upload": ("Upload #{id} gibt es nicht.", "There is no upload #{id}."),
    "undo.is_undo": (
        "#{id} ist selbst ein Rückgängig-Vorgang und kann nicht rückgängig gemacht werden. Bitte die Datei von "
        "Upload #{original} erneut hochladen.",
        "#{id} is itself an undo and cannot be undone. Please upload the file of upload #{original} again.",
    ),
    "undo.not_undoable": (
        "Upload #{id} ({kind}) kann nicht rückgängig gemacht werden: nur Uploads von Messwerten und Maßnahmen.",
        "Upload #{id} ({kind}) cannot be undone: only uploads of measurements and measures.",
    ),
    "undo.already": (
        "Upload #{id} wurde bereits rückgängig gemacht{by}. Ein zweites Mal ist nicht möglich.",
        "Upload #{id} has already been undone{by}. It cannot be undone twice.",
    ),
    "undo.already_by": (" am {at} von {user} (#{undo})", " on {at} by {user} (#{undo})"),
    "undo.just_undone": (
        "Upload #{id} wurde soeben von jemand anderem rückgängig gemacht.",
        "Upload #{id} has just been undone by someone else.",
    ),
    "undo.catalog.later": (
        "Katalogänderung #{id} kann nicht rückgängig gemacht werden: danach wurde Katalog-Revision #{later} "
        "gespeichert, die auf ihr aufbaut. Zuerst die spätere Änderung rückgängig machen.",
        "Catalog change #{id} cannot be undone: catalog revision #{later} was saved after it and builds on it. "
        "Undo the later change first.",
    ),
    "undo.catalog.done": (
        "Katalogänderung #{id} rückgängig gemacht (als #{undo}): es gilt wieder der vorherige Katalog; "
        "Revision #{revision} bleibt im Protokoll.",
        "Catalog change #{id} undone (as #{undo}): the previous catalog applies again; revision #{revision} stays "
        "in the log.",
    ),
    "undo.done.measurements": (
        "Upload #{id} rückgängig gemacht (als #{undo}): {restored} frühere(r) Wert(e) wiederhergestellt, "
        "{retracted} neu hinzugekommene(r) Wert(e) zurückgezogen.{skipped}",
        "Upload #{id} undone (as #{undo}): {restored} earlier value(s) restored, "
        "{retracted} newly added value(s) retracted.{skipped}",
    ),
    "undo.done.measures": (
        "Upload #{id} rückgängig gemacht (als #{undo}): {restored} frühere(r) Maßnahmen-Stand/Stände "
        "wiederhergestellt, {retracted} Maßnahme(n) auf den Ausgangszustand gesetzt.{skipped}",
        "Upload #{id} undone (as #{undo}): {restored} earlier measure update(s) restored, "
        "{retracted} measure(s) set back to their initial state.{skipped}",
    ),
    "undo.skipped": (
        " {n} Zeile(n) übersprungen, weil sie danach erneut geändert wurden (die späteren Werte bleiben).",
        " {n} row(s) skipped because they were changed again later (the later values stay).",
    ),
}

TEXTS: dict[str, tuple[str, str]] = {**_UI, **_LAYOUT}
