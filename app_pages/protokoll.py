"""Audit log: every upload with who, when, file, sha256, counts and state; the rows it wrote; undo."""

from datetime import date

import pandas as pd
import streamlit as st

from kpi import audit, i18n, templates
from kpi.i18n import fmt_datetime, fmt_period, fmt_value, measure_state_label
from kpi.web import ui
from kpi.web.auth_ui import current_user, escape_md

i18n.register(
    {
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
    }
)

KIND_ORDER = ["measurements", "measures", "undo", "seed"]


def measurement_rows(rows: pd.DataFrame, snap, lang: str) -> pd.DataFrame:
    kpis = {k.id: k for k in snap.kpis} if snap else {}
    de = lang == "de"
    retracted = i18n.t("pr.retracted", lang)
    return pd.DataFrame(
        {
            ("Kennzahl" if de else "KPI"): rows["kpi_id"],
            ("Zeitraum" if de else "Period"): [
                fmt_period(p, kpis[k].frequency.value, lang) if k in kpis else str(p)
                for k, p in zip(rows["kpi_id"], rows["period"])
            ],
            ("Wert" if de else "Value"): [
                fmt_value(v, kpis[k].unit if k in kpis else "", lang) if pd.notna(v) else retracted
                for k, v in zip(rows["kpi_id"], rows["value"])
            ],
            ("Kommentar" if de else "Comment"): rows["comment"].fillna("").astype(str),
            ("Quelle" if de else "Source"): rows["source"].fillna("").astype(str),
        }
    )


def measure_rows(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    de = lang == "de"
    return pd.DataFrame(
        {
            ("Maßnahme" if de else "Measure"): rows["measure_id"],
            ("Status" if de else "State"): [measure_state_label(s, lang) for s in rows["state"]],
            ("Fortschritt" if de else "Progress"): [f"{p:g} %" for p in rows["progress"]],
            ("Kommentar" if de else "Comment"): rows["comment"].fillna("").astype(str),
        }
    )


def skipped_row(item: dict, lang: str) -> dict:
    de = lang == "de"
    key = item.get("kpi_id") or item.get("measure_id")
    out = {("Kennzahl/Maßnahme" if de else "KPI/measure"): str(key)}
    if "period" in item:
        out["Zeitraum" if de else "Period"] = str(item["period"])
    out["später geändert durch Upload" if de else "changed later by upload"] = f"#{item['later_upload']}"
    return out


ctx = ui.context()
store = ui.get_store()
st.title(ctx.t("page.protokoll"))
st.caption(ctx.t("pr.intro"))
flash = st.session_state.pop("protokoll:flash", None)
if flash:
    (st.success if flash["ok"] else st.error)(
        escape_md(flash["message"]), icon=":material/task_alt:" if flash["ok"] else ":material/block:"
    )
    if flash.get("skipped"):
        st.markdown(ctx.t("pr.undo.skipped"))
        st.dataframe(pd.DataFrame(flash["skipped"]).astype(str), hide_index=True)

frame = audit.protocol_frame(store)
if frame.empty:
    st.info(ctx.t("pr.empty"))
    st.stop()
kinds = [k for k in KIND_ORDER if k in set(frame["kind"])] + sorted(set(frame["kind"]) - set(KIND_ORDER))
filter_column, _, xlsx_column, csv_column = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
export = audit.protocol_table(frame, "de")
stamp = date.today().isoformat()
xlsx_column.download_button(
    ctx.t("pr.export.xlsx"),
    templates.xlsx({"Protokoll": export}),
    file_name=f"protokoll-{stamp}.xlsx",
    icon=":material/table_view:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="protokoll:xlsx",
    width="stretch",
    help=ctx.t("pr.export.help"),
)
csv_column.download_button(
    ctx.t("pr.export.csv"),
    templates.german_csv(export),
    file_name=f"protokoll-{stamp}.csv",
    mime="text/csv",
    icon=":material/description:",
    key="protokoll:csv",
    width="stretch",
    help=ctx.t("pr.export.help"),
)
chosen_kinds = filter_column.multiselect(
    ctx.t("pr.kinds"),
    kinds,
    placeholder=ctx.t("pr.all"),
    format_func=lambda k: audit.kind_label(k, ctx.lang),
    key="protokoll:kinds",
)
shown = frame[frame["kind"].isin(chosen_kinds)] if chosen_kinds else frame
table = audit.protocol_table(shown, ctx.lang)
event = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=min(422, 42 + 38 * len(table)),
    column_config={"SHA-256": st.column_config.TextColumn(width="small")},
    on_select="rerun",
    selection_mode="single-row",
    key="protokoll:table",
)
st.caption(ctx.t("pr.click"))
ids = [int(i) for i in shown["id"]]
picked = event.selection.rows if event is not None else []
if picked and st.session_state.get("protokoll:picked") != ids[picked[0]]:
    # A click on a row chooses it below (the choice stays until another row is clicked).
    st.session_state["protokoll:picked"] = st.session_state["protokoll:upload"] = ids[picked[0]]
if st.session_state.get("protokoll:upload") not in ids:
    wanted = st.query_params.get("upload")
    st.session_state["protokoll:upload"] = int(wanted) if wanted and wanted.isdigit() and int(wanted) in ids else ids[0]
labels = {
    int(r["id"]): f"#{int(r['id'])} · {fmt_datetime(r['created_at'].to_pydatetime(), ctx.lang)} · "
    f"{audit.kind_label(r['kind'], ctx.lang)} · {r['file_name'] or '–'}"
    for r in shown.to_dict(orient="records")
}
upload_id = st.selectbox(ctx.t("pr.choose"), ids, format_func=labels.get, key="protokoll:upload")
st.query_params["upload"] = str(upload_id)
row = frame.set_index("id").loc[upload_id]

st.subheader(ctx.t("pr.detail", id=upload_id))
shown_text = lambda v: "–" if v is None or pd.isna(v) or v == "" else str(v)  # noqa: E731
facts = {
    ("Art" if ctx.lang == "de" else "Kind"): audit.kind_label(row["kind"], ctx.lang),
    ("Datei" if ctx.lang == "de" else "File"): shown_text(row["file_name"]),
    ("Person" if ctx.lang == "de" else "Person"): shown_text(row["username"]),
    ("Zeitpunkt" if ctx.lang == "de" else "Time"): fmt_datetime(row["created_at"].to_pydatetime(), ctx.lang),
    ("Ergebnis" if ctx.lang == "de" else "Result"): audit.counts_text(row.to_dict() | {"kind": row["kind"]}, ctx.lang),
    ("Status" if ctx.lang == "de" else "State"): audit.state_label(row["state"], ctx.lang),
    "SHA-256": shown_text(row["sha256"]),
}
st.dataframe(
    pd.DataFrame({ctx.t("pr.field"): list(facts), ctx.t("pr.value"): [str(v) for v in facts.values()]}),
    hide_index=True,
    width="stretch",
    key="protokoll:facts",
)
if row["kind"] == "undo" and pd.notna(row["undo_of"]):
    st.info(ctx.t("pr.is_undo", id=int(row["undo_of"])), icon=":material/undo:")
if pd.notna(row["undone_by"]):
    st.info(ctx.t("pr.undone_by", undo=int(row["undone_by"])), icon=":material/undo:")

# An upload wrote either measurements or measure updates (an undo: those of the upload it undid).
rows = store.upload_measurements(upload_id)
if len(rows):
    rows_table = measurement_rows(rows, ui.current_snapshot(ctx), ctx.lang)
else:
    rows = store.upload_measure_updates(upload_id)
    rows_table = measure_rows(rows, ctx.lang) if len(rows) else rows
st.markdown(f"**{ctx.t('pr.rows', n=len(rows))}**")
if len(rows):
    st.dataframe(
        rows_table, hide_index=True, width="stretch", height=min(420, 40 + 35 * len(rows_table)), key="protokoll:rows"
    )
else:
    st.caption(ctx.t("pr.no_rows"))

undo = audit.undo_state(row, ctx.user)
if undo is audit.UndoState.POSSIBLE:
    with st.container(border=True):
        st.markdown(f"**{ctx.t('pr.undo.title')}**")
        st.caption(i18n.t_count("pr.undo.explain", len(rows), ctx.lang))
        confirmed = st.checkbox(ctx.t("pr.undo.confirm", id=upload_id), key=f"protokoll:confirm:{upload_id}")
        if st.button(
            ctx.t("pr.undo.button"),
            type="primary",
            disabled=not confirmed,
            icon=":material/undo:",
            key=f"protokoll:undo:{upload_id}",
        ):
            result = audit.undo_upload(store, upload_id, current_user())
            st.session_state["protokoll:flash"] = dict(
                ok=result.ok, message=result.text(ctx.lang), skipped=[skipped_row(s, ctx.lang) for s in result.skipped]
            )
            if result.ok:
                st.query_params["upload"] = str(result.undo_id)
                st.session_state.pop("protokoll:upload", None)
            st.rerun()
elif undo is audit.UndoState.NOT_UNDOABLE:
    st.caption(ctx.t("pr.not_undoable"))
