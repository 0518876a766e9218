"""Upload: the IT office's workflow for new measurements and measure updates — template, upload,
validation report, preview of what changes, atomic commit. Parsing and checks are kpi.ingest's."""

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi import auth, i18n, templates, views
from kpi import problems as problems_text
from kpi.i18n import fmt_number, fmt_period, fmt_value, measure_state_label
from kpi.ingest import ImportResult, import_file, import_measures
from kpi.store import StoreLockedError
from kpi.web import ui
from kpi.web.auth_ui import current_user, escape_md

MAX_UPLOAD_MB = 20  # as .streamlit/config.toml server.maxUploadSize
PREVIEW_LIMIT = 5000  # rows kpi.ingest puts into a measurement preview

i18n.register(
    {
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
        "up.file": ("CSV- oder Excel-Datei (höchstens {mb} MB)", "CSV or Excel file (at most {mb} MB)"),
        "up.file.help": (
            "CSV aus deutschem Excel (; und Dezimalkomma, UTF-8 oder Windows-1252) oder einfaches CSV; "
            "XLSX mit Blatt 'Messwerte' bzw. 'Maßnahmen' (sonst das erste Blatt).",
            "CSV from German Excel (; and decimal comma, UTF-8 or Windows-1252) or plain CSV; XLSX with "
            "sheet 'Messwerte' or 'Maßnahmen' (else the first sheet).",
        ),
        "up.waiting": (
            "Noch keine Datei gewählt. Nach dem Hochladen wird die Datei geprüft; gespeichert wird erst mit "
            "„Übernehmen“.",
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
    }
)

PROBLEM_COLUMNS = {
    name: st.column_config.TextColumn(width=width)
    for names, width in (
        (("Zeile", "Row", "Spalte", "Column"), "small"),
        (("Wert", "Value"), "medium"),
        (("Problem",), "large"),
    )
    for name in names
}
KINDS = {"measurements": auth.UPLOAD_MEASUREMENTS, "measures": auth.UPLOAD_MEASURES}


def run_import(
    kind: str, data: bytes, name: str, *, dry_run: bool, user: str | None, confirm_implausible: bool = False
) -> ImportResult:
    """Hand the bytes to the core's one strict reader (no temporary file; the name tells CSV from XLSX)."""
    store = ui.get_store()
    if kind == "measures":
        return import_measures(store, data=data, dry_run=dry_run, user=user, file_name=name)
    return import_file(
        store, data=data, dry_run=dry_run, user=user, file_name=name, confirm_implausible=confirm_implausible
    )


def problem_table(problems, lang: str) -> pd.DataFrame:
    """The problems in the UI language (the core gives codes with parameters; kpi.problems words them)."""
    return pd.DataFrame(problems_text.table_rows(problems, lang), columns=problems_text.table_header(lang)).astype(str)


def change_label(change: str) -> str:
    return ctx.t(f"up.change.{change}")


def measurement_preview(preview: pd.DataFrame, lang: str, snap) -> pd.DataFrame:
    kpis = {k.id: k for k in snap.kpis} if snap else {}
    de = lang == "de"

    def value(kpi_id, v):
        kpi = kpis.get(kpi_id)
        return fmt_value(v, kpi.unit if kpi else "", lang) if pd.notna(v) else "–"

    def before(row) -> str:
        """The value this period had, or for a new period the previous period's value (so a slip shows)."""
        if pd.notna(row.old_value) or pd.isna(getattr(row, "prev_value", None)):
            return value(row.kpi_id, row.old_value)
        kpi = kpis.get(row.kpi_id)
        period = fmt_period(pd.Timestamp(row.prev_period).date(), kpi.frequency.value, lang) if kpi else ""
        return ctx.t("up.prev", value=value(row.kpi_id, row.prev_value), period=period)

    flags = preview["flag"] if "flag" in preview else pd.Series("", index=preview.index)
    return pd.DataFrame(
        {
            ("Änderung" if de else "Change"): [change_label(c) for c in preview["change"]],
            ("Kennzahl" if de else "KPI"): [f"{k} · {kpis[k].name}" if k in kpis else k for k in preview["kpi_id"]],
            ("Zeitraum" if de else "Period"): [
                fmt_period(pd.Timestamp(p).date(), kpis[k].frequency.value, lang) if k in kpis else str(p)
                for k, p in zip(preview["kpi_id"], preview["period"])
            ],
            ("Bisher" if de else "Before"): [before(r) for r in preview.itertuples()],
            ("Neu" if de else "New"): [value(k, v) for k, v in zip(preview["kpi_id"], preview["new_value"])],
            ("Prüfen" if de else "Check"): [flag_cause(f) for f in flags],
            ("Kommentar" if de else "Comment"): preview["comment"].fillna("").astype(str),
        }
    )


def flag_cause(flag: object) -> str:
    """The short form of a plausibility flag for the preview: its likely cause, or that it is unusual."""
    if not isinstance(flag, problems_text.Wording):
        return ""
    return "⚠ " + (problems_text.cause(flag, ctx.lang) or ctx.t("up.flag"))


def measure_preview(preview: pd.DataFrame, lang: str) -> pd.DataFrame:
    de = lang == "de"
    state = lambda s: measure_state_label(s, lang) if isinstance(s, str) else "–"  # noqa: E731
    pct = lambda p: f"{fmt_number(p, lang)} %" if pd.notna(p) else "–"  # noqa: E731
    return pd.DataFrame(
        {
            ("Änderung" if de else "Change"): [change_label(c) for c in preview["change"]],
            ("Maßnahme" if de else "Measure"): [f"{m} · {t}" for m, t in zip(preview["measure_id"], preview["title"])],
            ("Status bisher" if de else "State before"): [state(s) for s in preview["old_state"]],
            ("Status neu" if de else "State new"): [state(s) for s in preview["new_state"]],
            ("Fortschritt bisher" if de else "Progress before"): [pct(p) for p in preview["old_progress"]],
            ("Fortschritt neu" if de else "Progress new"): [pct(p) for p in preview["new_progress"]],
            ("Kommentar" if de else "Comment"): preview["comment"].fillna("").astype(str),
        }
    )


ctx = ui.context()
store = ui.get_store()
st.title(ctx.t("page.upload"))
st.caption(ctx.t("up.intro"))
kind = st.radio(
    ctx.t("up.kind"), list(KINDS), format_func=lambda k: ctx.t(f"up.kind.{k}"), horizontal=True, key="upload:kind"
)
if not auth.can(ctx.user, KINDS[kind]):
    st.warning(ctx.t("denied"), icon=":material/lock:")
    st.stop()
snap = ui.current_snapshot(ctx)
if snap is None:
    st.info(ctx.t("empty.store"))
    st.stop()
today = date.today().isoformat()

st.subheader(ctx.t("up.step1"))
if kind == "measurements":
    include = st.checkbox(ctx.t("up.include"), key="upload:include")
    due = templates.due_frame(snap, include_not_due=include)
    if due.empty:
        st.caption(ctx.t("up.due.none"))
    else:
        # Overdue KPIs by the one rule (kpi.status.is_overdue), as the cockpit and the deck count them.
        overdue = len(views.overdue(views.status_frame(snap)))
        st.caption(ctx.t("up.due", rows=len(due), kpis=due["kpi_id"].nunique(), overdue=overdue))
    csv_bytes, xlsx_bytes = templates.measurement_template_files(snap, include_not_due=include)
    stem = f"messwerte-vorlage-{today}"
else:
    st.caption(ctx.t("up.measures.count", n=len(snap.measures)))
    csv_bytes, xlsx_bytes = templates.measure_template_files(snap)
    stem = f"massnahmen-vorlage-{today}"
with st.container(horizontal=True):
    st.download_button(
        ctx.t("up.xlsx"),
        xlsx_bytes,
        file_name=f"{stem}.xlsx",
        icon=":material/table_view:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="upload:xlsx",
    )
    st.download_button(
        ctx.t("up.csv"),
        csv_bytes,
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/description:",
        key="upload:csv",
    )
if kind == "measurements" and not due.empty:
    with st.expander(ctx.t("up.show_due")):
        st.dataframe(
            templates.measurement_template(snap, include_not_due=include).drop(columns=["Wert", "Kommentar"]),
            hide_index=True,
            width="stretch",
        )

st.subheader(ctx.t("up.step2"))
done = st.session_state.pop(f"upload:done:{kind}", None)
if done:
    st.success(done, icon=":material/task_alt:")
    links = st.columns([1, 1, 3])
    links[0].page_link("app_pages/protokoll.py", label=ctx.t("up.to_protocol"), icon=":material/history:")
    links[1].page_link("app_pages/cockpit.py", label=ctx.t("up.to_cockpit"), icon=":material/dashboard:")
nonce = st.session_state.setdefault(f"upload:nonce:{kind}", 0)
uploaded = st.file_uploader(
    ctx.t("up.file", mb=MAX_UPLOAD_MB),
    type=["csv", "xlsx"],
    key=f"upload:file:{kind}:{nonce}",
    help=ctx.t("up.file.help"),
)
if uploaded is None:
    if not done:
        st.caption(ctx.t("up.waiting"))
    st.stop()
data = uploaded.getvalue()
if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
    st.error(ctx.t("up.too_big", mb=fmt_number(len(data) / 1048576, ctx.lang, 1), max=MAX_UPLOAD_MB))
    st.stop()
sha = hashlib.sha256(data).hexdigest()
version = store.version()
key = f"upload:preview:{kind}"
checked = st.session_state.get(key)
# Checked once per file and store state: widgets on this page rerun it without validating again.
if not checked or (checked["sha"], checked["name"], checked["version"]) != (sha, uploaded.name, version):
    with st.spinner(ctx.t("up.checking")):
        result = run_import(kind, data, uploaded.name, dry_run=True, user=ctx.user.name)
    checked = dict(sha=sha, name=uploaded.name, version=version, result=result)
    st.session_state[key] = checked
result = checked["result"]

st.subheader(ctx.t("up.step3"))
if result.problems:
    st.error(i18n.t_count("up.errors", result.problem_count, ctx.lang), icon=":material/block:")
    problems = problem_table(result.problems, ctx.lang)
    st.dataframe(problems, hide_index=True, width="stretch", key="upload:problems", column_config=PROBLEM_COLUMNS)
    if result.problem_count > len(result.problems):
        st.caption(
            ctx.t(
                "up.more_errors",
                n=fmt_number(result.problem_count - len(result.problems), ctx.lang),
                shown=fmt_number(len(result.problems), ctx.lang),
            )
        )
    if any(p.code == "value.missing" for p in result.problems):
        st.info(ctx.t("up.hint.empty"), icon=":material/lightbulb:")
    st.download_button(
        ctx.t("up.errors.csv"),
        templates.german_csv(problems),
        file_name=f"fehler-{Path(uploaded.name).stem}.csv",
        mime="text/csv",
        key="upload:errcsv",
    )
    st.stop()
st.success(i18n.t_count("up.ok", result.rows, ctx.lang), icon=":material/check_circle:")
if getattr(result, "not_filled", 0):
    st.info(ctx.t("up.not_filled", n=fmt_number(result.not_filled, ctx.lang)), icon=":material/lightbulb:")
implausible = result.implausible
notes = [w for w in result.warnings if w not in implausible]
if implausible:
    st.warning(i18n.t_count("up.implausible", len(implausible), ctx.lang), icon=":material/report:")
    st.dataframe(
        problem_table(implausible, ctx.lang),
        hide_index=True,
        width="stretch",
        key="upload:implausible",
        column_config=PROBLEM_COLUMNS,
    )
if notes:
    st.warning(i18n.t_count("up.warnings", len(notes), ctx.lang), icon=":material/warning:")
    st.dataframe(
        problem_table(notes, ctx.lang),
        hide_index=True,
        width="stretch",
        key="upload:warn",
        column_config=PROBLEM_COLUMNS,
    )

st.subheader(ctx.t("up.step4"))
counts = st.columns(3)
counts[0].metric(ctx.t("up.new"), fmt_number(result.new, ctx.lang))
counts[1].metric(ctx.t("up.changed"), fmt_number(result.changed, ctx.lang))
counts[2].metric(ctx.t("up.unchanged"), fmt_number(result.unchanged, ctx.lang))
preview = result.preview if result.preview is not None else pd.DataFrame(columns=["change"])
show_unchanged = st.toggle(ctx.t("up.show_unchanged"), key=f"upload:unchanged:{kind}")
if not show_unchanged:
    preview = preview[preview["change"] != "unchanged"]
if len(preview):
    table = (
        measurement_preview(preview, ctx.lang, snap) if kind == "measurements" else measure_preview(preview, ctx.lang)
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(560, 40 + 35 * len(table)), key="upload:preview")
if kind == "measurements" and result.preview is not None and len(result.preview) >= PREVIEW_LIMIT:
    st.caption(ctx.t("up.preview.cut", n=fmt_number(PREVIEW_LIMIT, ctx.lang)))

st.subheader(ctx.t("up.step5"))
if not result.new and not result.changed:
    st.info(ctx.t("up.nothing"), icon=":material/info:")
    st.stop()
st.caption(ctx.t("up.commit.help", new=fmt_number(result.new, ctx.lang), changed=fmt_number(result.changed, ctx.lang)))
confirmed = not implausible or st.checkbox(
    ctx.t("up.confirm"), key=f"upload:confirm:{kind}:{checked['sha']}", help=ctx.t("up.confirm.help")
)
if not confirmed:
    st.caption(ctx.t("up.confirm.needed"))
if st.button(
    ctx.t("up.commit"), type="primary", icon=":material/task_alt:", key=f"upload:commit:{kind}", disabled=not confirmed
):
    actor = current_user()
    # Checked again at the moment of writing, on the server.
    if not auth.can(actor, KINDS[kind]):
        st.error(ctx.t("denied"), icon=":material/lock:")
        st.stop()
    if hashlib.sha256(data).hexdigest() != checked["sha"]:
        st.error(ctx.t("up.changed_file"))
        st.stop()
    try:
        committed = run_import(
            kind,
            data,
            uploaded.name,
            dry_run=False,
            user=actor.name,
            confirm_implausible=bool(implausible) and confirmed,
        )
    except StoreLockedError:
        st.warning(ctx.t("up.busy"), icon=":material/hourglass_top:")
        st.stop()
    if committed.sha256 != checked["sha"] or committed.problems or not committed.committed:
        st.error(ctx.t("up.failed"), icon=":material/block:")
        st.dataframe(problem_table(committed.problems, ctx.lang), hide_index=True, width="stretch")
        st.session_state.pop(key, None)
        st.stop()
    st.session_state[f"upload:done:{kind}"] = ctx.t(
        "up.done",
        id=committed.upload_id,
        file=escape_md(committed.file_name),
        new=committed.new,
        changed=committed.changed,
        unchanged=committed.unchanged,
    )
    st.session_state[f"upload:nonce:{kind}"] = nonce + 1
    st.session_state.pop(key, None)
    st.rerun()
