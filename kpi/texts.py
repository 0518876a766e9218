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
    "catalog.period": ("{detail}", "{detail}"),
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
    "undo.catalog": ("{detail}", "{detail}"),
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

TEXTS: dict[str, tuple[str, str]] = {**_UI, **_CONTENT, **_LAYOUT}
