"""Catalog revisions: every change of the strategy catalog is an append-only revision.

A revision holds the whole catalog (as the JSON form of the YAML schema) with the day the council's decision
takes effect (`valid_from`), when and by whom it was recorded, and the decision reference. Nothing is
overwritten or deleted: an undo is a revision row of kind `undo` that names the revision it takes back.

Two questions, two rules:
- *Recorded by D* (every "as of" view): the revisions recorded up to D and not undone by then, ordered by
  their sequence id. As of a moment before the first revision, the first one counts (a catalog loaded today
  serves the reports of the past until its first change).
- *In force for a day or period* (`valid_from`): among those, the one with the latest `valid_from` on or before
  the day (a later revision with the same `valid_from` wins). A period is governed by the revision in force on
  its last day, so a decision valid from 01.06.2024 sets the targets of the year 2024 and later.

The catalog shown is the one in force on the view's day; each KPI whose plan changed over time carries its
versions in `Kpi.history`, and the status of its latest period is evaluated against the version in force
for that period (`catalog_for_status`). The tables strategy/theme/…/kpi_target stay as the cache of the
catalog in force now (the import of measurements checks against it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from kpi.catalog import parse_catalog
from kpi.catalog_io import catalog_to_dict, to_json_ready
from kpi.model import Catalog, Kpi, KpiVersion, Measure, MeasureState
from kpi.store import Store, metadata, migrate, now, strategy_t, write_catalog_rows

catalog_revision_seq = sa.Sequence("catalog_revision_id_seq", metadata=metadata)
catalog_revision_t = sa.Table(
    "catalog_revision",
    metadata,
    sa.Column(
        "id", sa.BigInteger, catalog_revision_seq, server_default=catalog_revision_seq.next_value(), primary_key=True
    ),
    sa.Column("strategy_id", sa.String, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("recorded_by", sa.String),
    sa.Column("decision", sa.String),  # e.g. "Ratsbeschluss V/2024/117"
    sa.Column("kind", sa.String, nullable=False),  # initial | change | undo
    sa.Column("undo_of", sa.BigInteger),  # for kind undo: the revision taken back
    sa.Column("state", sa.String, nullable=False),  # committed | undone
    sa.Column("upload_id", sa.Integer),  # the audit-log entry (kind catalog); NULL for the initial revision
    sa.Column("sha256", sa.String),
    sa.Column("catalog", sa.String),  # JSON in the schema of data/strategy.yaml; NULL for an undo
)
_META = ["id", "strategy_id", "valid_from", "recorded_at", "recorded_by", "decision", "kind", "upload_id", "sha256"]


@dataclass(frozen=True)
class Revision:
    id: int
    strategy_id: str
    valid_from: date
    recorded_at: datetime
    recorded_by: str | None
    decision: str
    kind: str
    upload_id: int | None
    sha256: str


def ensure(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[catalog_revision_t], checkfirst=True)


def _catalog_json(catalog: Catalog) -> str:
    return json.dumps(to_json_ready(catalog_to_dict(catalog)), ensure_ascii=False, sort_keys=True)


# Parsed catalogs by content hash: a revision never changes, so each is parsed once per process.
_PARSED: OrderedDict[str, Catalog] = OrderedDict()
_PARSED_MAX = 64


def _parsed(conn: sa.Connection, rev: Revision) -> Catalog:
    hit = _PARSED.get(rev.sha256)
    if hit is not None:
        _PARSED.move_to_end(rev.sha256)
        return hit
    text = conn.execute(sa.select(catalog_revision_t.c.catalog).where(catalog_revision_t.c.id == rev.id)).scalar_one()
    catalog = parse_catalog(json.loads(text), source=f"Katalog-Revision #{rev.id}")
    _PARSED[rev.sha256] = catalog
    while len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)
    return catalog


def _remember(catalog: Catalog, sha: str) -> None:
    _PARSED[sha] = catalog
    while len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)


def revisions(conn: sa.Connection, strategy_id: str, as_of: datetime | None = None) -> list[Revision]:
    """The revisions recorded by `as_of` (all if None) and not undone by then, in sequence order."""
    t = catalog_revision_t
    rows = (
        conn.execute(
            sa.select(*[t.c[c] for c in _META])
            .where(t.c.strategy_id == strategy_id, t.c.kind != "undo")
            .order_by(t.c.id)
        )
        .mappings()
        .all()
    )
    undos = conn.execute(
        sa.select(t.c.undo_of, t.c.recorded_at).where(t.c.strategy_id == strategy_id, t.c.kind == "undo")
    ).all()
    undone = {u for u, at in undos if as_of is None or at <= as_of}
    live = [
        Revision(**{k: r[k] for k in _META} | {"decision": r["decision"] or ""}) for r in rows if r["id"] not in undone
    ]
    recorded = [r for r in live if as_of is None or r.recorded_at <= as_of]
    return recorded or live[:1]


def in_force(revs: list[Revision], day: date) -> Revision:
    """The revision in force on `day`: latest valid_from on or before it (ties: the later one); before every
    valid_from, the earliest."""
    ordered = sorted(revs, key=lambda r: (r.valid_from, r.id))
    chosen = ordered[0]
    for r in ordered:
        if r.valid_from <= day:
            chosen = r
    return chosen


def _timeline(revs: list[Revision], day: date) -> list[Revision]:
    """The revisions that were in force one after another up to `day` (one per valid_from)."""
    by_day: dict[date, Revision] = {}
    for r in sorted(revs, key=lambda r: (r.valid_from, r.id)):
        by_day[r.valid_from] = r
    line = [r for d, r in sorted(by_day.items()) if d <= day]
    return line or [in_force(revs, day)]


def _plan(k: Kpi) -> tuple:
    return (k.targets, k.baseline_period, k.baseline_value, k.thresholds, k.direction)


def build(revs: list[Revision], day: date, load) -> Catalog:
    """The catalog in force on `day`, each KPI with the versions of its plan (`Kpi.history`) up to then."""
    line = _timeline(revs, day)
    current = load(line[-1])
    if len(line) == 1:
        return current
    versions: dict[str, list[KpiVersion]] = {}
    for rev in line:
        catalog = load(rev)
        for k in catalog.kpis:
            seen = versions.setdefault(k.id, [])
            if not seen or _plan(seen[-1].kpi) != _plan(k):
                seen.append(KpiVersion(rev.valid_from, rev.decision, rev.id, k))
    kpis = []
    for k in current.kpis:
        history = versions.get(k.id, [])
        if len(history) > 1:
            closed = [
                dataclasses.replace(v, valid_until=nxt.valid_from - timedelta(days=1))
                for v, nxt in zip(history, history[1:])
            ]
            k = dataclasses.replace(k, history=(*closed, history[-1]))
        kpis.append(k)
    return dataclasses.replace(current, kpis=tuple(kpis))


def kpi_in_force(kpi: Kpi, period: date | None) -> Kpi:
    """The KPI with the plan (targets, baseline, thresholds) in force for the period ending on `period`."""
    if not kpi.history or period is None:
        return kpi
    chosen = kpi.history[0]
    for version in kpi.history:
        if version.valid_from <= period:
            chosen = version
    return kpi if chosen is kpi.history[-1] else dataclasses.replace(chosen.kpi, history=kpi.history)


def superseded(kpi: Kpi) -> tuple[KpiVersion, ...]:
    """The earlier plans of a KPI (oldest first), for drawing them beside the current one."""
    return kpi.history[:-1]


def catalog_for_status(catalog: Catalog, values: pd.DataFrame) -> Catalog:
    """The catalog whose KPIs carry the plan in force for their latest period (the status rule); the same
    object when no plan ever changed."""
    if not any(k.history for k in catalog.kpis):
        return catalog
    latest = values.groupby("kpi_id")["period"].max().to_dict() if len(values) else {}
    return dataclasses.replace(catalog, kpis=tuple(kpi_in_force(k, latest.get(k.id)) for k in catalog.kpis))


# -- reading --------------------------------------------------------------------------------------------------


def _strategy_id(conn: sa.Connection, strategy_id: str | None) -> str | None:
    if strategy_id:
        return strategy_id
    sid = conn.execute(
        sa.text("SELECT strategy_id FROM catalog_revision WHERE kind <> 'undo' ORDER BY id DESC LIMIT 1")
    ).scalar()
    if sid is None:
        sid = conn.execute(sa.text("SELECT id FROM strategy ORDER BY loaded_at DESC LIMIT 1")).scalar()
    return sid


def current_catalog(
    store: Store, strategy_id: str | None = None, as_of: datetime | None = None, measure_states: bool = True
) -> Catalog | None:
    """The catalog as recorded by `as_of` (None: now), in force on that day, with each measure's state as of
    then; None for an empty store. A store made before revisions existed gets its catalog as revision 1."""
    with store.connect() as conn:
        if not store._has(conn, strategy_t):  # looked up once per Store object, as the next line
            return None
        store._ensure(conn, catalog_revision_t)
        sid = _strategy_id(conn, strategy_id)
        if sid is None:
            return None
        revs = revisions(conn, sid, as_of)
        if revs:
            catalog = build(revs, (as_of or now()).date(), lambda r: _parsed(conn, r))
    if not revs:
        cached = store.stored_catalog(sid)
        if cached is None:
            return None
        _record_initial(store, cached, None, "Übernahme des bestehenden Katalogs", "system")
        return current_catalog(store, sid, as_of, measure_states)
    return _with_measure_states(store, catalog, as_of) if measure_states else catalog


def _with_measure_states(store: Store, catalog: Catalog, as_of: datetime | None) -> Catalog:
    if not catalog.measures:
        return catalog
    states = store.measure_states(as_of).set_index("measure_id")
    measures = []
    for m in catalog.measures:
        if m.id in states.index:
            rec = states.loc[m.id]
            m = dataclasses.replace(m, state=MeasureState(rec["state"]), progress=float(rec["progress"]))
        else:
            m = dataclasses.replace(m, state=MeasureState.PLANNED, progress=0.0)
        measures.append(m)
    return dataclasses.replace(catalog, measures=tuple(measures))


def revision_log(store: Store, strategy_id: str | None = None) -> pd.DataFrame:
    """Every revision row (undos too), newest first: for the catalog page and the command line."""
    with store.connect() as conn:
        if not sa.inspect(conn).has_table("catalog_revision"):
            return pd.DataFrame(columns=_META + ["state", "undo_of"])
    where = "WHERE strategy_id = ?" if strategy_id else ""
    return store.query(
        f"SELECT {', '.join(_META)}, state, undo_of FROM catalog_revision {where} ORDER BY id DESC",
        [strategy_id] if strategy_id else [],
    )


# -- writing --------------------------------------------------------------------------------------------------


@dataclass
class RecordResult:
    revision_id: int | None  # None: nothing changed, nothing written
    upload_id: int | None
    diff: CatalogDiff
    valid_from: date
    message: str


def _insert(
    conn: sa.Connection,
    catalog: Catalog,
    *,
    valid_from: date,
    decision: str,
    user: str | None,
    kind: str,
    upload_id: int | None,
    at: datetime,
) -> int:
    text = _catalog_json(catalog)
    sha = hashlib.sha256(text.encode()).hexdigest()
    _remember(catalog, sha)
    return int(
        conn.execute(
            catalog_revision_t.insert().returning(catalog_revision_t.c.id),
            [
                dict(
                    strategy_id=catalog.strategy.id,
                    valid_from=valid_from,
                    recorded_at=at,
                    recorded_by=user,
                    decision=decision,
                    kind=kind,
                    state="committed",
                    upload_id=upload_id,
                    sha256=sha,
                    catalog=text,
                )
            ],
        ).scalar_one()
    )


def _record_initial(store: Store, catalog: Catalog, valid_from: date | None, decision: str, user: str | None) -> int:
    with store.writing() as conn:
        ensure(conn)
        exists = conn.execute(
            sa.text("SELECT min(id) FROM catalog_revision WHERE strategy_id = :s"), {"s": catalog.strategy.id}
        ).scalar()
        if exists is not None:
            return int(exists)
        return _insert(
            conn,
            catalog,
            valid_from=valid_from or catalog.strategy.adopted,
            decision=decision,
            user=user,
            kind="initial",
            upload_id=None,
            at=now(),
        )


def record_catalog(
    store: Store,
    catalog: Catalog,
    *,
    valid_from: date | None = None,
    decision: str = "",
    user: str | None = None,
    file_name: str | None = None,
    sha256: str | None = None,
    dry_run: bool = False,
) -> RecordResult:
    """Record `catalog` as a new revision in one transaction (revision, audit-log entry, current cache). The
    first catalog of a strategy becomes revision 1 (valid from its adoption); a catalog equal to the one it
    would replace writes nothing."""
    with store.writing() as conn:
        metadata.create_all(conn)
        if store.is_duckdb:
            migrate(conn)
        ensure(conn)
        revs = revisions(conn, catalog.strategy.id)
        if not revs:
            valid_from = valid_from or catalog.strategy.adopted
            diff = diff_catalogs(None, catalog)
            if dry_run:
                return RecordResult(None, None, diff, valid_from, "Probelauf: nichts geschrieben.")
            rev_id = _insert(
                conn,
                catalog,
                valid_from=valid_from,
                decision=decision or "Strategiebeschluss",
                user=user,
                kind="initial",
                upload_id=None,
                at=now(),
            )
            write_catalog_rows(conn, catalog)
            return RecordResult(
                rev_id,
                None,
                diff,
                valid_from,
                f"Katalog als Revision #{rev_id} gespeichert (gültig ab {valid_from:%d.%m.%Y}).",
            )
        valid_from = valid_from or now().date()
        load = lambda r: _parsed(conn, r)  # noqa: E731
        before = build(revs, valid_from, load)
        diff = diff_catalogs(before, catalog)
        if diff.empty or dry_run:
            text = (
                "Keine Änderung gegenüber dem geltenden Katalog: nichts geschrieben."
                if diff.empty
                else "Probelauf: nichts geschrieben."
            )
            return RecordResult(None, None, diff, valid_from, text)
        moment = store.moment(conn)
        upload_id = store.record_upload(
            conn,
            kind="catalog",
            file_name=file_name or f"Katalogänderung: {decision or '–'}",
            sha256=sha256,
            username=user,
            created_at=moment,
            n_new=diff.n_added,
            n_changed=diff.n_changed + diff.n_retired,
            n_unchanged=diff.n_unchanged,
        )
        rev_id = _insert(
            conn,
            catalog,
            valid_from=valid_from,
            decision=decision,
            user=user,
            kind="change",
            upload_id=upload_id,
            at=moment,
        )
        _refresh_cache(conn, catalog.strategy.id)
    return RecordResult(
        rev_id,
        upload_id,
        diff,
        valid_from,
        f"Katalogänderung als Revision #{rev_id} gespeichert (Protokoll #{upload_id}, gültig ab "
        f"{valid_from:%d.%m.%Y}, {decision}).",
    )


def _refresh_cache(conn: sa.Connection, strategy_id: str) -> None:
    """Rewrite the current-catalog tables with the catalog in force today."""
    revs = revisions(conn, strategy_id)
    write_catalog_rows(conn, build(revs, now().date(), lambda r: _parsed(conn, r)))


@dataclass(frozen=True)
class CatalogUndo:
    """What undoing a catalog change did (kpi.audit turns it into its UndoResult)."""

    ok: bool
    code: str  # what happened or why not (kpi.texts.PROBLEMS), worded at the edge with `params`
    params: dict
    undo_id: int | None = None


def undo_catalog(store: Store, conn: sa.Connection, upload: dict, actor) -> CatalogUndo:
    """Take back the catalog revision an audit-log entry wrote (called by kpi.audit's undo, in its transaction,
    after it claimed the entry)."""
    upload_id = upload["id"]
    ensure(conn)
    rev = (
        conn.execute(sa.select(catalog_revision_t).where(catalog_revision_t.c.upload_id == upload_id))
        .mappings()
        .first()
    )
    if rev is None:
        raise ValueError(f"Protokolleintrag #{upload_id} gehört zu keiner Katalog-Revision")
    later = conn.execute(
        sa.text(
            "SELECT min(id) FROM catalog_revision WHERE strategy_id = :s AND id > :r "
            "AND kind <> 'undo' AND state = 'committed'"
        ),
        {"s": rev["strategy_id"], "r": rev["id"]},
    ).scalar()
    if later is not None:
        # Each revision holds the whole catalog: a later one carries this change on. Release the claim.
        conn.execute(sa.text("UPDATE upload SET state = 'committed' WHERE id = :x"), {"x": upload_id})
        return CatalogUndo(False, "undo.catalog.later", {"id": str(upload_id), "later": str(later)})
    moment = store.moment(conn)
    undo_id = store.record_upload(
        conn,
        kind="undo",
        file_name=f"Rückgängig: Katalogänderung #{upload_id} ({upload['file_name'] or '–'})",
        sha256=None,
        username=actor.name,
        created_at=moment,
        n_new=0,
        n_changed=1,
        n_unchanged=0,
        undo_of=upload_id,
    )
    conn.execute(
        catalog_revision_t.insert(),
        [
            dict(
                strategy_id=rev["strategy_id"],
                valid_from=rev["valid_from"],
                recorded_at=moment,
                recorded_by=actor.name,
                decision=f"Rückgängig: {rev['decision'] or ''}",
                kind="undo",
                undo_of=rev["id"],
                state="committed",
                upload_id=undo_id,
                sha256=None,
                catalog=None,
            )
        ],
    )
    conn.execute(catalog_revision_t.update().where(catalog_revision_t.c.id == rev["id"]).values(state="undone"))
    _refresh_cache(conn, rev["strategy_id"])
    return CatalogUndo(
        True, "undo.catalog.done", {"id": str(upload_id), "undo": str(undo_id), "revision": str(rev["id"])}, undo_id
    )


# -- differences ----------------------------------------------------------------------------------------------

LEVELS = {
    "unit": "Organisationseinheit",
    "theme": "Themenfeld",
    "action_field": "Handlungsfeld",
    "goal": "Ziel",
    "kpi": "Kennzahl",
    "measure": "Maßnahme",
    "strategy": "Strategie",
}
CHANGES = {"added": "neu", "changed": "geändert", "retired": "entfällt"}


@dataclass
class Change:
    level: str  # a key of LEVELS
    id: str
    change: str  # added | changed | retired
    details: list[str] = field(default_factory=list)  # "Ziel 2030: 100 → 85"

    def text(self) -> str:
        head = f"{LEVELS[self.level]} {self.id}: {CHANGES[self.change]}"
        return head + (" — " + "; ".join(self.details) if self.details else "")


@dataclass
class CatalogDiff:
    changes: list[Change]
    n_unchanged: int

    @property
    def empty(self) -> bool:
        return not self.changes

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)

    @property
    def n_added(self) -> int:
        return self.count("added")

    @property
    def n_changed(self) -> int:
        return self.count("changed")

    @property
    def n_retired(self) -> int:
        return self.count("retired")

    def lines(self) -> list[str]:
        return [c.text() for c in self.changes]


def _fmt(value: object) -> str:
    from kpi.i18n import fmt_number

    if value is None:
        return "–"
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def _kpi_details(old: Kpi, new: Kpi) -> list[str]:
    from kpi.catalog_io import period_text

    out = []
    simple = [
        ("name", "Name"),
        ("definition", "Definition"),
        ("unit", "Einheit"),
        ("responsible", "Verantwortlich"),
        ("source", "Quelle"),
        ("goal_id", "Ziel-Zuordnung"),
        ("grace_days", "Karenztage"),
        ("real_data", "echte Daten"),
        ("name_en", "Name (englisch)"),
        ("definition_en", "Definition (englisch)"),
        ("unit_en", "Einheit (englisch)"),
        ("source_en", "Quelle (englisch)"),
    ]
    for attr, label in simple:
        if getattr(old, attr) != getattr(new, attr):
            out.append(f"{label}: {_fmt(getattr(old, attr))} → {_fmt(getattr(new, attr))}")
    for attr, label in (("direction", "Richtung"), ("frequency", "Erhebung")):
        if getattr(old, attr) != getattr(new, attr):
            out.append(f"{label}: {getattr(old, attr).value} → {getattr(new, attr).value}")
    if (old.baseline_period, old.baseline_value) != (new.baseline_period, new.baseline_value):
        out.append(
            f"Basis: {period_text(old.baseline_period, old.frequency)} {_fmt(old.baseline_value)} → "
            f"{period_text(new.baseline_period, new.frequency)} {_fmt(new.baseline_value)}"
        )
    old_t = {t.period: t.value for t in old.targets}
    new_t = {t.period: t.value for t in new.targets}
    for period in sorted(set(old_t) | set(new_t)):
        label = f"Zielwert {period_text(period, new.frequency, True)}"
        if period not in new_t:
            out.append(f"{label}: {_fmt(old_t[period])} → entfällt")
        elif period not in old_t:
            out.append(f"{label}: neu {_fmt(new_t[period])}")
        elif old_t[period] != new_t[period]:
            out.append(f"{label}: {_fmt(old_t[period])} → {_fmt(new_t[period])}")
    if old.thresholds != new.thresholds:
        out.append(
            f"Schwellen (im Plan/gefährdet): {_fmt(old.thresholds.on_track)}/{_fmt(old.thresholds.at_risk)} → "
            f"{_fmt(new.thresholds.on_track)}/{_fmt(new.thresholds.at_risk)}"
        )
    if (old.range_min, old.range_max) != (new.range_min, new.range_max):
        out.append(
            f"Bereich: [{_fmt(old.range_min)}, {_fmt(old.range_max)}] → [{_fmt(new.range_min)}, {_fmt(new.range_max)}]"
        )
    return out


def _plain_details(old: object, new: object, skip: tuple[str, ...] = ()) -> list[str]:
    out = []
    for f in dataclasses.fields(old):
        if f.name in skip or not f.compare:
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a != b:
            out.append(f"{f.name}: {_fmt(a)} → {_fmt(b)}")
    return out


def _measure_key(m: Measure) -> Measure:
    # The catalog's measure state is only the starting point; states change through measure updates.
    return dataclasses.replace(m, state=MeasureState.PLANNED, progress=0.0)


def diff_catalogs(old: Catalog | None, new: Catalog) -> CatalogDiff:
    """What changes from `old` to `new`, level by level: added, changed (with every field old → new), retired."""
    changes: list[Change] = []
    unchanged = 0
    if old is not None and old.strategy != new.strategy:
        changes.append(Change("strategy", new.strategy.id, "changed", _plain_details(old.strategy, new.strategy)))
    groups = [
        ("unit", "units"),
        ("theme", "themes"),
        ("action_field", "action_fields"),
        ("goal", "goals"),
        ("kpi", "kpis"),
        ("measure", "measures"),
    ]
    for level, attr in groups:
        before = {x.id: x for x in (getattr(old, attr) if old else ())}
        after = {x.id: x for x in getattr(new, attr)}
        for ident, item in after.items():
            if ident not in before:
                changes.append(Change(level, ident, "added"))
                continue
            prev = before[ident]
            if level == "kpi":
                details = _kpi_details(prev, item)
            elif level == "measure":
                details = _plain_details(_measure_key(prev), _measure_key(item))
            else:
                details = _plain_details(prev, item)
            if details:
                changes.append(Change(level, ident, "changed", details))
            else:
                unchanged += 1
        changes.extend(Change(level, ident, "retired") for ident in before if ident not in after)
    return CatalogDiff(changes, unchanged)


# -- a candidate catalog ---------------------------------------------------------------------------------------


def with_candidate(
    store: Store, catalog: Catalog, valid_from: date, day: date, as_of: datetime | None = None
) -> Catalog:
    """The catalog that would be in force on `day` if `catalog` were recorded now, valid from `valid_from`
    (for the status preview of a change before it is saved: kpi.views.status_preview)."""
    candidate = Revision(-1, catalog.strategy.id, valid_from, now(), None, "", "change", None, "candidate")
    with store.connect() as conn:
        revs = revisions(conn, catalog.strategy.id, as_of)
        return build(
            [*revs, dataclasses.replace(candidate, id=(max((r.id for r in revs), default=0) + 1))],
            day,
            lambda r: catalog if r.sha256 == "candidate" else _parsed(conn, r),
        )
