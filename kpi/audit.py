"""The audit log and undo: every upload with who, when, file, sha256, counts and state; undo writes
revisions that restore the previous values (nothing is deleted) and is itself logged as an upload.

Undo runs as SQL in one write transaction, serialised with every other writer of the store: inside it,
it re-checks which rows are still current and restores only rows whose current revision is still the one
the undone upload wrote; rows changed again later are skipped and reported, never clobbered. The value
restored is the newest earlier revision that did not come from an undone upload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import pandas as pd
import sqlalchemy as sa

from kpi.auth import UNDO, User, can
from kpi.i18n import TEXTS, fmt_datetime, t
from kpi.revisions import undo_catalog
from kpi.store import Store

UNDOABLE_KINDS = ("measurements", "measures", "catalog")


@dataclass
class UndoResult:
    upload_id: int
    ok: bool
    code: str  # what happened or why not (kpi.texts.PROBLEMS), worded at the edge with `params`
    params: dict = field(default_factory=dict)
    undo_id: int | None = None
    restored: int = 0  # previous value written again as a new revision
    retracted: int = 0  # there was no previous value: a retraction revision (value NULL) written
    skipped: list[dict] = field(default_factory=list)  # changed again later: left as it is

    def text(self, lang: str = "de") -> str:
        from kpi.problems import wording

        return wording(self.code, self.params, lang)

    @property
    def message(self) -> str:
        """The German text (the command line)."""
        return self.text("de")


class UndoState(str, Enum):
    """Whether an upload can be undone from the audit log, and if not, why."""

    POSSIBLE = "possible"
    NOT_ALLOWED = "not_allowed"  # the user may not undo (kpi.auth.UNDO)
    UNDONE = "undone"  # undone already
    IS_UNDO = "is_undo"  # an undo itself: upload the file again instead
    NOT_UNDOABLE = "not_undoable"  # a kind that is not undone here (catalog/demo, comments)


def undo_state(upload: Mapping, user: User | None) -> UndoState:
    """The decision for one row of the audit log (a mapping with `kind` and `state`), for `user`."""
    if upload["kind"] == "undo":
        return UndoState.IS_UNDO
    if upload["kind"] not in UNDOABLE_KINDS:
        return UndoState.NOT_UNDOABLE
    if upload["state"] != "committed":
        return UndoState.UNDONE
    return UndoState.POSSIBLE if can(user, UNDO) else UndoState.NOT_ALLOWED


# Per target table: key columns, the columns restored, and what a retraction writes.
_TABLES = {
    "measurements": dict(
        table="measurement",
        keys=("kpi_id", "period"),
        restore=("value", "comment", "source"),
        retract="NULL, NULL, NULL",
    ),
    "measures": dict(
        table="measure_update",
        keys=("measure_id",),
        restore=("state", "progress", "comment"),
        retract="'geplant', 0, 'Rückgängig: kein früherer Stand (Ausgangszustand)'",
    ),
}


def _plan_sql(spec: dict) -> str:
    """Per key touched by the upload: its current revision's upload and the values of the newest earlier revision
    from an upload that is not undone (`rev` orders revisions: the one rule of kpi.store)."""
    keys = spec["keys"]
    table = spec["table"]
    join = " AND ".join(f"t.{k} = m.{k}" for k in keys)
    restore = ", ".join(f"m.{c}" for c in spec["restore"])
    key_list = ", ".join(keys)
    same = " AND ".join(f"p.{k} = c.{k}" for k in keys)
    return f"""
        WITH touched AS (SELECT DISTINCT {key_list} FROM {table} WHERE upload_id = :x),
        ranked AS (
          SELECT {", ".join("m." + k for k in keys)}, {restore}, m.upload_id, m.recorded_at,
                 coalesce(u.state = 'undone', FALSE) AS from_undone,
                 row_number() OVER (PARTITION BY {", ".join("m." + k for k in keys)} ORDER BY m.rev DESC) AS rn
          FROM {table} m JOIN touched t ON {join} LEFT JOIN upload u ON u.id = m.upload_id),
        prev_rank AS (SELECT {key_list}, min(rn) AS rn FROM ranked WHERE upload_id <> :x AND NOT from_undone
                      GROUP BY {key_list})
        SELECT {", ".join("c." + k for k in keys)}, c.upload_id AS current_upload, c.recorded_at AS current_at,
               pr.rn IS NOT NULL AS has_prev, {", ".join("p." + c + " AS prev_" + c for c in spec["restore"])}
        FROM ranked c
        LEFT JOIN prev_rank pr ON {" AND ".join(f"pr.{k} = c.{k}" for k in keys)}
        LEFT JOIN ranked p ON {same} AND p.rn = pr.rn
        WHERE c.rn = 1"""


def undo_upload(store: Store, upload_id: int, actor: User | None) -> UndoResult:
    """Undo one upload (measurements or measure updates) as `actor`; refused with a message where not allowed."""
    if not can(actor, UNDO):
        return UndoResult(upload_id, False, "undo.not_allowed")
    try:
        with store.writing() as conn:
            return _undo(store, conn, upload_id, actor)
    except sa.exc.DBAPIError as exc:
        if "conflict" in str(exc).lower():
            return UndoResult(upload_id, False, "undo.conflict", {"id": str(upload_id)})
        raise


def _undo(store: Store, conn: sa.Connection, upload_id: int, actor: User) -> UndoResult:
    upload = conn.execute(sa.text("SELECT * FROM upload WHERE id = :x"), {"x": upload_id}).mappings().first()
    if upload is None:
        return UndoResult(upload_id, False, "undo.no_upload", {"id": str(upload_id)})
    if upload["kind"] == "undo":
        return UndoResult(upload_id, False, "undo.is_undo", {"id": str(upload_id), "original": str(upload["undo_of"])})
    if upload["kind"] not in UNDOABLE_KINDS:
        return UndoResult(upload_id, False, "undo.not_undoable", {"id": str(upload_id), "kind": upload["kind"]})
    if upload["state"] == "undone":
        done = (
            conn.execute(
                sa.text("SELECT id, username, created_at FROM upload WHERE kind = 'undo' AND undo_of = :x ORDER BY id"),
                {"x": upload_id},
            )
            .mappings()
            .first()
        )
        by = (
            {
                "code": "undo.already_by",
                "params": {"at": done["created_at"], "user": done["username"] or "–", "undo": str(done["id"])},
            }
            if done
            else ""
        )
        return UndoResult(upload_id, False, "undo.already", {"id": str(upload_id), "by": by})
    # Claim the upload first: a second undo running at the same moment conflicts here or finds it undone.
    claimed = conn.execute(
        sa.text("UPDATE upload SET state = 'undone' WHERE id = :x AND state = 'committed'"), {"x": upload_id}
    ).rowcount
    if claimed != 1:
        return UndoResult(upload_id, False, "undo.just_undone", {"id": str(upload_id)})
    if upload["kind"] == "catalog":
        done = undo_catalog(store, conn, dict(upload), actor)
        return UndoResult(upload_id, done.ok, done.code, done.params, done.undo_id, restored=int(done.ok))
    spec = _TABLES[upload["kind"]]
    keys = spec["keys"]
    plan = conn.execute(sa.text(_plan_sql(spec)), {"x": upload_id}).mappings().all()
    mine = [r for r in plan if r["current_upload"] == upload_id]
    skipped = [
        dict({k: r[k] for k in keys}, later_upload=r["current_upload"])
        for r in plan
        if r["current_upload"] != upload_id
    ]
    # The undo's revisions are the newest by `rev`; their time is never before a time already stored.
    moment = store.moment(conn)
    restored = sum(1 for r in mine if r["has_prev"])
    undo_id = store.record_upload(
        conn,
        kind="undo",
        file_name=f"Rückgängig: Upload #{upload_id} ({upload['file_name'] or '–'})",
        sha256=None,
        username=actor.name,
        created_at=moment,
        n_new=len(mine) - restored,
        n_changed=restored,
        n_unchanged=len(skipped),
        undo_of=upload_id,
    )
    if mine:
        table = spec["table"]
        restore_cols = ", ".join(spec["restore"])
        prev_cols = ", ".join(f"prev_{c}" for c in spec["restore"])
        conn.execute(
            sa.text(
                f"""INSERT INTO {table} ({", ".join(keys)}, {restore_cols}, upload_id, recorded_at, recorded_by)
                SELECT {", ".join(keys)}, {prev_cols}, :undo_id, :at, :by
                FROM ({_plan_sql(spec)}) AS plan WHERE current_upload = :x AND has_prev"""
            ),
            {"x": upload_id, "undo_id": undo_id, "at": moment, "by": actor.name},
        )
        conn.execute(
            sa.text(
                f"""INSERT INTO {table} ({", ".join(keys)}, {restore_cols}, upload_id, recorded_at, recorded_by)
                SELECT {", ".join(keys)}, {spec["retract"]}, :undo_id, :at, :by
                FROM ({_plan_sql(spec)}) AS plan WHERE current_upload = :x AND NOT has_prev"""
            ),
            {"x": upload_id, "undo_id": undo_id, "at": moment, "by": actor.name},
        )
    retracted = len(mine) - restored
    params = {
        "id": str(upload_id),
        "undo": str(undo_id),
        "restored": restored,
        "retracted": retracted,
        "skipped": {"code": "undo.skipped", "params": {"n": len(skipped)}} if skipped else "",
    }
    return UndoResult(upload_id, True, f"undo.done.{upload['kind']}", params, undo_id, restored, retracted, skipped)


def protocol_frame(store: Store) -> pd.DataFrame:
    """Every upload, newest first, with the undo that reverted it (if any)."""
    frame = store.uploads()
    if frame.empty:
        return frame.assign(undone_by=pd.Series(dtype="float64"))
    undos = frame[frame["kind"] == "undo"].set_index("undo_of")["id"]
    frame["undone_by"] = frame["id"].map(lambda i: undos.get(i))
    return frame


def counts_text(row: dict | pd.Series, lang: str = "de") -> str:
    """The counts of an upload in words: undo rows count restored / retracted / skipped."""
    n_new, n_changed, n_unchanged = (int(row.get(k) or 0) for k in ("n_new", "n_changed", "n_unchanged"))
    key = "audit.counts.undo" if row.get("kind") == "undo" else "audit.counts"
    return t(key, lang, new=n_new, changed=n_changed, unchanged=n_unchanged)


def kind_label(kind: str, lang: str = "de") -> str:
    """The kind of an upload in words (text `audit.kind.<kind>`), else the kind itself."""
    key = f"audit.kind.{kind}"
    return t(key, lang) if key in TEXTS else kind


def state_label(state: str, lang: str = "de") -> str:
    key = f"audit.state.{state}"
    return t(key, lang) if key in TEXTS else state


def protocol_table(frame: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """The log as people read it (and as it is exported): one row per upload, texts in `lang`."""

    def state(row) -> str:
        text = state_label(row["state"], lang)
        if pd.notna(row["undone_by"]):
            text += f" (#{int(row['undone_by'])})"
        return text

    return pd.DataFrame(
        {
            t("col.number", lang): frame["id"].astype(int),
            t("col.time", lang): [fmt_datetime(ts.to_pydatetime(), lang) for ts in frame["created_at"]],
            t("col.kind", lang): [kind_label(k, lang) for k in frame["kind"]],
            t("col.file", lang): frame["file_name"].fillna("").astype(str),
            t("col.person", lang): frame["username"].fillna("").astype(str),
            t("col.state", lang): [state(r) for r in frame.to_dict(orient="records")],
            t("col.result", lang): [counts_text(r, lang) for r in frame.to_dict(orient="records")],
            "SHA-256": frame["sha256"].fillna("").astype(str),
        }
    )
