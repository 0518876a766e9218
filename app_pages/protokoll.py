"""Audit log: every upload with who, when, file, sha256, counts and state; the rows it wrote; undo."""

from datetime import date

import pandas as pd
import streamlit as st

from kpi import audit, i18n, templates
from kpi.i18n import fmt_datetime, fmt_period, fmt_value, measure_state_label, t
from kpi.web import ui
from kpi.web.auth_ui import current_user, escape_md

KIND_ORDER = ["measurements", "measures", "undo", "seed"]


def measurement_rows(rows: pd.DataFrame, snap, lang: str) -> pd.DataFrame:
    kpis = {k.id: k for k in snap.kpis} if snap else {}
    retracted = i18n.t("pr.retracted", lang)
    return pd.DataFrame(
        {
            t("col.kpi", lang): rows["kpi_id"],
            t("col.period", lang): [
                fmt_period(p, kpis[k].frequency.value, lang) if k in kpis else str(p)
                for k, p in zip(rows["kpi_id"], rows["period"])
            ],
            t("col.value", lang): [
                fmt_value(v, kpis[k].unit if k in kpis else "", lang) if pd.notna(v) else retracted
                for k, v in zip(rows["kpi_id"], rows["value"])
            ],
            t("col.comment", lang): rows["comment"].fillna("").astype(str),
            t("col.source", lang): rows["source"].fillna("").astype(str),
        }
    )


def measure_rows(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col.measure", lang): rows["measure_id"],
            t("col.state", lang): [measure_state_label(s, lang) for s in rows["state"]],
            t("col.progress", lang): [f"{p:g} %" for p in rows["progress"]],
            t("col.comment", lang): rows["comment"].fillna("").astype(str),
        }
    )


def skipped_row(item: dict, lang: str) -> dict:
    key = item.get("kpi_id") or item.get("measure_id")
    out = {t("col.kpi_measure", lang): str(key)}
    if "period" in item:
        out[t("col.period", lang)] = str(item["period"])
    out[t("col.changed_later_by_upload", lang)] = f"#{item['later_upload']}"
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
        ui.text_table(pd.DataFrame(flash["skipped"]).astype(str), {}, caption=ctx.t("pr.skipped.caption"))

frame = audit.protocol_frame(store)
if frame.empty:
    st.info(ctx.t("pr.empty"))
    st.stop()
kinds = [k for k in KIND_ORDER if k in set(frame["kind"])] + sorted(set(frame["kind"]) - set(KIND_ORDER))
filter_column, _, xlsx_column, csv_column = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
export = audit.protocol_table(frame, ctx.lang)
stamp = date.today().isoformat()
xlsx_column.download_button(
    ctx.t("pr.export.xlsx"),
    templates.xlsx({ctx.t("template.sheet.protocol"): export}),
    file_name=f"{ctx.t('template.file.protocol', day=stamp)}.xlsx",
    icon=":material/table_view:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="protokoll:xlsx",
    width="stretch",
    help=ctx.t("pr.export.help"),
)
csv_column.download_button(
    ctx.t("pr.export.csv"),
    templates.csv_bytes(export, ctx.lang),
    file_name=f"{ctx.t('template.file.protocol', day=stamp)}.csv",
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
    ctx.t("col.kind"): audit.kind_label(row["kind"], ctx.lang),
    ctx.t("col.file"): shown_text(row["file_name"]),
    ctx.t("col.person"): shown_text(row["username"]),
    ctx.t("col.time"): fmt_datetime(row["created_at"].to_pydatetime(), ctx.lang),
    ctx.t("col.result"): audit.counts_text(row.to_dict() | {"kind": row["kind"]}, ctx.lang),
    ctx.t("col.state"): audit.state_label(row["state"], ctx.lang),
    "SHA-256": shown_text(row["sha256"]),
}
ui.text_table(
    pd.DataFrame({ctx.t("pr.field"): list(facts), ctx.t("pr.value"): [str(v) for v in facts.values()]}),
    {ctx.t("pr.field"): 150, ctx.t("pr.value"): 640},
    caption=ctx.t("pr.facts.caption", id=upload_id),
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
    ui.text_table(rows_table, {}, most=10, caption=ctx.t("pr.rows.caption", id=upload_id))
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
