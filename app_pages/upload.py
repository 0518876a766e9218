"""Upload: the IT office's workflow for new measurements and measure updates — template, upload,
validation report, preview of what changes, atomic commit. Parsing and checks are kpi.ingest's."""

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi import auth, i18n, templates, views
from kpi import problems as problems_text
from kpi.i18n import fmt_number, fmt_period, fmt_value, measure_state_label, t
from kpi.ingest import ImportResult, import_file, import_measures
from kpi.store import StoreLockedError
from kpi.web import ui
from kpi.web.auth_ui import current_user, escape_md

MAX_UPLOAD_MB = 20  # as .streamlit/config.toml server.maxUploadSize
PREVIEW_LIMIT = 5000  # rows kpi.ingest puts into a measurement preview


# Column widths of the problem tables (px at 1280, as text_table shares them out), by header in either language.
PROBLEM_WIDTHS = {
    name: width
    for names, width in (
        (("Zeile", "Row", "Spalte", "Column"), 75),
        (("Wert", "Value"), 200),
        (("Problem",), 400),
    )
    for name in names
}
KINDS = {"measurements": auth.UPLOAD_MEASUREMENTS, "measures": auth.UPLOAD_MEASURES}


def widths(by_key: dict[str, int]) -> dict[str, int]:
    """Column widths (px at 1280) by text key, under the header in either language. Each is at least as wide as
    its header's longest word on the projector (1280x720, sidebar open), so no header breaks inside a word."""
    return {t(key, lang): width for key, width in by_key.items() for lang in ("de", "en")}


PREVIEW_WIDTHS = {
    "measurements": widths(
        {
            "col.change": 110,
            "col.kpi": 230,
            "col.period": 110,
            "col.before": 95,
            "col.new": 90,
            "col.check": 95,
            "col.comment": 160,
        }
    ),
    "measures": widths(
        {
            "col.change": 110,
            "col.measure": 220,
            "col.state_before": 100,
            "col.state_new": 100,
            "col.progress_before": 115,
            "col.progress_new": 115,
            "col.comment": 150,
        }
    ),
}
# The due list: the KPI's name gets the width; the template's value, comment and quality columns (empty) are left out.
DUE_WIDTHS = widths(
    {
        "template.kpi": 110,
        "template.name": 285,
        "template.unit": 90,
        "template.period": 105,
        "template.due": 105,
        "template.latest": 130,
    }
)


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


def problem_list(problems, caption: str, more: str = "") -> None:
    """Problems as a read-only HTML table (every shown row for a screen reader), up to ui.TABLE_LIMIT rows."""
    ui.text_table(problem_table(problems, ctx.lang), PROBLEM_WIDTHS, caption=caption, more=more)


def change_label(change: str) -> str:
    return ctx.t(f"up.change.{change}")


def measurement_preview(preview: pd.DataFrame, lang: str, snap) -> pd.DataFrame:
    kpis = {k.id: k for k in snap.kpis} if snap else {}

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
            t("col.change", lang): [change_label(c) for c in preview["change"]],
            t("col.kpi", lang): [f"{k} · {kpis[k].name}" if k in kpis else k for k in preview["kpi_id"]],
            t("col.period", lang): [
                fmt_period(pd.Timestamp(p).date(), kpis[k].frequency.value, lang) if k in kpis else str(p)
                for k, p in zip(preview["kpi_id"], preview["period"])
            ],
            t("col.before", lang): [before(r) for r in preview.itertuples()],
            t("col.new", lang): [value(k, v) for k, v in zip(preview["kpi_id"], preview["new_value"])],
            t("col.check", lang): [flag_cause(f) for f in flags],
            t("col.comment", lang): preview["comment"].fillna("").astype(str),
        }
    )


def flag_cause(flag: object) -> str:
    """The short form of a plausibility flag for the preview: its likely cause, or that it is unusual."""
    if not isinstance(flag, problems_text.Wording):
        return ""
    return "⚠ " + (problems_text.cause(flag, ctx.lang) or ctx.t("up.flag"))


def measure_preview(preview: pd.DataFrame, lang: str) -> pd.DataFrame:
    state = lambda s: measure_state_label(s, lang) if isinstance(s, str) else "–"  # noqa: E731
    pct = lambda p: f"{fmt_number(p, lang)} %" if pd.notna(p) else "–"  # noqa: E731
    return pd.DataFrame(
        {
            t("col.change", lang): [change_label(c) for c in preview["change"]],
            t("col.measure", lang): [f"{m} · {title}" for m, title in zip(preview["measure_id"], preview["title"])],
            t("col.state_before", lang): [state(s) for s in preview["old_state"]],
            t("col.state_new", lang): [state(s) for s in preview["new_state"]],
            t("col.progress_before", lang): [pct(p) for p in preview["old_progress"]],
            t("col.progress_new", lang): [pct(p) for p in preview["new_progress"]],
            t("col.comment", lang): preview["comment"].fillna("").astype(str),
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
    st.warning(ctx.t("denied.page"), icon=":material/lock:")
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
    csv_bytes, xlsx_bytes = templates.measurement_template_files(snap, include_not_due=include, lang=ctx.lang)
    stem = ctx.t("template.file.measurements", day=today)
else:
    st.caption(ctx.t("up.measures.count", n=len(snap.measures)))
    csv_bytes, xlsx_bytes = templates.measure_template_files(snap, lang=ctx.lang)
    stem = ctx.t("template.file.measures", day=today)
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
        due_table = templates.measurement_template(snap, include_not_due=include, lang=ctx.lang).drop(
            columns=[ctx.t("template.value"), ctx.t("template.comment"), ctx.t("template.quality")]
        )
        ui.text_table(due_table.astype(str), DUE_WIDTHS, caption=ctx.t("up.due.caption"))

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
    problem_list(result.problems, ctx.t("up.problems.caption", file=uploaded.name), more=ctx.t("up.problems.in_csv"))
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
        templates.csv_bytes(problems, ctx.lang),
        file_name=f"{ctx.t('template.file.problems', name=Path(uploaded.name).stem)}.csv",
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
    problem_list(implausible, ctx.t("up.implausible.caption", file=uploaded.name))
if notes:
    st.warning(i18n.t_count("up.warnings", len(notes), ctx.lang), icon=":material/warning:")
    problem_list(notes, ctx.t("up.warnings.caption", file=uploaded.name))

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
    ui.text_table(
        table,
        PREVIEW_WIDTHS[kind],
        most=14,
        caption=ctx.t("up.preview.caption", file=uploaded.name),
    )
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
        st.error(ctx.t("denied.page"), icon=":material/lock:")
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
        problem_list(committed.problems, ctx.t("up.failed.caption", file=uploaded.name))
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
