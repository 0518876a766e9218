"""The committee deck as data: one list of slides built from a snapshot and the departments' comments.

The presentation page, the PDF and the PowerPoint file all draw this same list, so what the
committee saw live and what goes into the minutes cannot drift apart. Pure: no I/O, no Streamlit.
Every slide holds a bounded amount of content (a large action field continues on a second slide),
so that each renderer can lay a slide out on one fixed canvas: a 16:9 screen, an A4 page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go

from kpi import charts, i18n
from kpi.i18n import fmt_date, fmt_number, fmt_percent, fmt_period, fmt_value, measure_state_label, status_label, t
from kpi.model import Kpi, Status
from kpi.status import KpiStatus
from kpi.views import (
    STATUS_ORDER,
    Snapshot,
    action_field_summaries,
    comment_notes,
    demo_notice,
    out_of_window_notice,
    overdue,
    quality_label,
    status_frame,
    theme_summaries,
)

KPIS_PER_SLIDE = 4  # 2 × 2 cards: legible from the back of the room at 1280 × 720
DECISIONS_PER_SLIDE = 12
# What the live slide shows of a comment; the PDF and the speaker notes carry the full text.
SLIDE_COMMENT_CHARS = 160
NOTES_PER_KPI = 2  # newest comments per KPI on its slide (value comments and discussion together)
NOTES_PER_SLIDE = 5


class SlideKind(str, Enum):
    TITLE = "title"
    THEME = "theme"
    ACTION_FIELD = "action_field"
    DECISIONS = "decisions"


@dataclass(frozen=True)
class Slide:
    kind: SlideKind
    title: str
    kicker: str  # the small line above the title: where in the strategy this slide is


@dataclass(frozen=True)
class TitleSlide(Slide):
    city: str
    committee: str
    adopted: str
    leitbild_label: str
    mission: str
    principles: tuple[str, ...]
    note: str  # "illustrative example" disclaimer, or ""


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str  # icon and word, e.g. "✔ im Plan"
    count: int


@dataclass(frozen=True)
class FieldRow:
    """One action field on its theme's overview slide."""

    id: str
    name: str
    kpi_count: str
    mix: str  # "✔ 4 · ▲ 1 · ✖ 2"
    late: str  # "2 Maßnahmen verspätet" or ""
    stale: str


@dataclass(frozen=True)
class ThemeSlide(Slide):
    theme_id: str
    share: str  # "72 %" or "–"
    share_text: str  # "72 % der 40 Kennzahlen mit Daten"
    share_label: str  # "im Plan oder erreicht"
    counts: tuple[StatusCount, ...]
    fields_label: str
    fields: tuple[FieldRow, ...]

    @property
    def count_map(self) -> dict[str, int]:
        return {c.status: c.count for c in self.counts}


@dataclass(frozen=True)
class KpiCard:
    """One KPI on an action-field slide: texts ready to print, and what its charts are drawn from."""

    kpi_id: str
    name: str
    status: str
    status_text: str
    stale: bool
    stale_text: str  # "⏱ veraltet" or ""
    actual: str
    plan: str
    target: str
    forecast: str
    reach: str
    kpi: Kpi = field(repr=False)
    series: pd.DataFrame = field(repr=False, compare=False)
    evaluation: KpiStatus = field(repr=False)


@dataclass(frozen=True)
class CommentNote:
    kpi_id: str
    period: str
    text: str
    author: str

    @property
    def short(self) -> str:
        return shorten(self.text, SLIDE_COMMENT_CHARS)


@dataclass(frozen=True)
class MeasureNote:
    id: str
    title: str
    state: str  # state word
    detail: str  # "365 Tage über Plan-Ende" or "40 % umgesetzt"
    responsible: str
    late: bool


@dataclass(frozen=True)
class ActionFieldSlide(Slide):
    field_id: str
    theme: str
    part: int
    parts: int
    description: str
    cards: tuple[KpiCard, ...]
    empty_text: str  # shown when the field has no KPIs
    comments_label: str
    comments: tuple[CommentNote, ...]
    no_comments: str
    measures_label: str
    late_label: str
    measures: tuple[MeasureNote, ...]  # all measures of the field, on its first slide only
    no_measures: str

    @property
    def late_measures(self) -> tuple[MeasureNote, ...]:
        return tuple(m for m in self.measures if m.late)


@dataclass(frozen=True)
class DecisionItem:
    icon: str
    ref: str  # KPI or measure id
    text: str
    detail: str


@dataclass(frozen=True)
class DecisionSection:
    key: str  # off_track | stale | late
    title: str
    items: tuple[DecisionItem, ...]


@dataclass(frozen=True)
class DecisionSlide(Slide):
    part: int
    parts: int
    sections: tuple[DecisionSection, ...]
    empty_text: str


@dataclass(frozen=True)
class Deck:
    """A frozen committee deck: the slides plus what every slide prints in its footer."""

    strategy: str
    lang: str
    as_of: datetime | None
    today: date
    stand: str  # "Stand: 31.12.2025"
    slides: tuple[Slide, ...]

    def __len__(self) -> int:
        return len(self.slides)

    def slide_number(self, index: int) -> str:
        return t("deck.slide_no", self.lang, n=index + 1, total=len(self.slides))

    def footer(self, index: int) -> str:
        return f"{self.stand} · {self.strategy} · {self.slide_number(index)}"

    @property
    def cards(self) -> list[KpiCard]:
        return [card for s in self.slides if isinstance(s, ActionFieldSlide) for card in s.cards]

    @property
    def theme_slides(self) -> list[ThemeSlide]:
        return [s for s in self.slides if isinstance(s, ThemeSlide)]

    def text(self) -> str:
        """Every text of the deck, one line each: what a reader sees, for comparing two decks."""
        lines = [self.stand, self.strategy]
        for slide in self.slides:
            lines += _slide_texts(slide)
        return "\n".join(line for line in lines if line)


T = TypeVar("T")


def balanced_chunks(items: Sequence[T], size: int) -> list[list[T]]:
    """Split into as few chunks of at most `size` as possible, as even as possible (7 → 4 + 3)."""
    if not items:
        return [[]]
    parts = math.ceil(len(items) / size)
    base, extra = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + base + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–-") + " …"


# Status badges: the Okabe–Ito colour with the text colour of the higher contrast (WCAG), icon and word inside.
BADGE_TEXT = {
    "achieved": "#FFFFFF",
    "on_track": "#000000",
    "at_risk": "#000000",
    "off_track": "#000000",
    "missed": "#FFFFFF",
    "not_assessable": "#000000",
    "no_data": "#000000",
    "stale": "#000000",
}
STALE_COLOR = "#F0E442"


def badge_colors(status: str) -> tuple[str, str]:
    """(background, text) colour of a status badge; `stale` is the badge shown next to the status."""
    background = STALE_COLOR if status == "stale" else i18n.status_color(status)
    return background, BADGE_TEXT[status]


def is_end_of_day(moment: datetime) -> bool:
    return moment.time() >= time(23, 59, 59)


def stand_text(as_of: datetime | None, today: date, lang: str = "de") -> str:
    """ "Stand: 31.12.2025" for a day; with the time of day when the deck was frozen at a moment."""
    if as_of is None or is_end_of_day(as_of):
        return t("deck.stand", lang, day=fmt_date(as_of or today, lang))
    return t("deck.stand_time", lang, day=fmt_date(as_of, lang), time=as_of.strftime("%H:%M"))


def build_deck(
    snap: Snapshot, comments: pd.DataFrame | None = None, lang: str = "de", committee: str | None = None
) -> Deck:
    """The whole deck as of the snapshot's moment; `comments` as store.comments(as_of) returns them."""
    frame = status_frame(snap)
    notes = _comment_notes(snap, comments, lang)
    slides: list[Slide] = [_title_slide(snap, lang, committee)]
    slides += _theme_slides(snap, frame, lang)
    slides += _action_field_slides(snap, notes, lang)
    slides += _decision_slides(snap, frame, lang)
    strategy = snap.catalog.strategy
    return Deck(
        strategy=strategy.title,
        lang=lang,
        as_of=snap.as_of,
        today=snap.today,
        stand=stand_text(snap.as_of, snap.today, lang),
        slides=tuple(slides),
    )


def _title_slide(snap: Snapshot, lang: str, committee: str | None) -> TitleSlide:
    s = snap.catalog.strategy
    return TitleSlide(
        kind=SlideKind.TITLE,
        title=s.title,
        kicker=s.city,
        city=s.city,
        committee=committee or t("deck.committee", lang),
        adopted=t("deck.adopted", lang, day=fmt_date(s.adopted, lang)) if s.adopted else "",
        leitbild_label=t("deck.leitbild", lang),
        mission=s.mission,
        principles=tuple(s.principles),
        note=" ".join(
            filter(
                None,
                [
                    t("deck.illustrative", lang) if s.illustrative else "",
                    demo_notice(snap, lang),
                    out_of_window_notice(snap, lang),
                ],
            )
        ),
    )


def _mix(row: object) -> str:
    return " · ".join(
        f"{i18n.STATUS_STYLE[s.value]['icon']} {getattr(row, s.value)}"
        for s in reversed(STATUS_ORDER)
        if getattr(row, s.value)
    )


def _theme_slides(snap: Snapshot, frame: pd.DataFrame, lang: str) -> list[ThemeSlide]:
    fields = action_field_summaries(snap, frame)
    slides = []
    for summary in theme_summaries(snap, frame):
        rows = fields[fields["theme_id"] == summary.theme_id] if len(fields) else fields
        share = fmt_percent(summary.share_on_track, lang)
        slides.append(
            ThemeSlide(
                kind=SlideKind.THEME,
                title=summary.name,
                kicker=t("deck.theme_kicker", lang),
                theme_id=summary.theme_id,
                share=share,
                share_text=t("deck.share_of", lang, share=share, n=summary.with_data)
                if summary.with_data
                else t("deck.share_none", lang),
                share_label=t("deck.share", lang),
                counts=tuple(
                    StatusCount(s.value, status_label(s.value, lang), summary.counts[s.value])
                    for s in reversed(STATUS_ORDER)
                ),
                fields_label=t("deck.fields", lang),
                fields=tuple(
                    FieldRow(
                        id=r.id,
                        name=r.name,
                        kpi_count=i18n.t_count("deck.kpi_count", r.kpis, lang),
                        mix=_mix(r) or "–",
                        late=""
                        if not r.late_measures
                        else t("deck.late_count_1", lang)
                        if r.late_measures == 1
                        else t("deck.late_count", lang, n=r.late_measures),
                        stale=t("deck.stale_count", lang, n=r.stale) if r.stale else "",
                    )
                    for r in rows.itertuples()
                ),
            )
        )
    return slides


def _card(kpi: Kpi, snap: Snapshot, lang: str) -> KpiCard:
    st = snap.statuses[kpi.id]
    series = snap.series(kpi.id)
    freq = kpi.frequency.value
    target = kpi.final_target
    if st.latest_value is None:
        actual, plan = t("deck.no_value", lang), ""
    else:
        actual = t(
            "deck.actual",
            lang,
            period=fmt_period(st.latest_period, freq, lang),
            value=fmt_value(st.latest_value, kpi.unit, lang),
        ) + _quality_note(series, lang)
        plan = t(
            "deck.plan",
            lang,
            value=fmt_value(st.planned_value, kpi.unit, lang),
            progress=i18n.fmt_progress(st.progress, kpi.direction.value, lang),
        )
    fc = st.forecast
    forecast = reach = ""
    if fc is not None:
        forecast = t(
            "deck.forecast",
            lang,
            year=fc.target_period.year,
            value=fmt_value(fc.value_at_target, kpi.unit, lang),
            band=_band(fc.low, fc.high, lang),
        )
        reach = (
            t("deck.reach", lang, day=fmt_date(fc.reach_date, lang)) if fc.reach_date else t("deck.reach_never", lang)
        )
    elif st.forecast_note == "deadline_passed":
        forecast = t("deck.outcome", lang, day=fmt_date(target.period, lang), word=status_label(st.status.value, lang))
    elif st.forecast_note == "too_few":
        forecast = t("deck.too_few", lang)
    return KpiCard(
        kpi_id=kpi.id,
        name=kpi.name,
        status=st.status.value,
        status_text=status_label(st.status.value, lang),
        stale=st.stale,
        stale_text=i18n.stale_label(lang) if st.stale and st.latest_value is not None else "",
        actual=actual,
        plan=plan,
        target=t("deck.target", lang, year=target.period.year, value=fmt_value(target.value, kpi.unit, lang)),
        forecast=forecast,
        reach=reach,
        kpi=kpi,
        series=series.reset_index(drop=True),
        evaluation=st,
    )


def _quality_note(series: pd.DataFrame, lang: str) -> str:
    """ " (vorläufig)" when the newest value is not final; "" otherwise."""
    quality = series["quality"].iloc[-1] if "quality" in series and len(series) else None
    return f" ({quality_label(quality, lang)})" if isinstance(quality, str) and quality not in ("", "final") else ""


def _band(low: float, high: float, lang: str) -> str:
    return f"{fmt_number(low, lang)}–{fmt_number(high, lang)}"


def _comment_notes(snap: Snapshot, comments: pd.DataFrame | None, lang: str) -> dict[str, list[CommentNote]]:
    """Per KPI its newest comments, newest period first: the comments that came with the values and the
    departments' discussion comments together (views.comment_notes), for the periods the slide's chart shows."""
    by_kpi = dict(tuple(comments.groupby("kpi_id", sort=False))) if comments is not None and len(comments) else {}
    # Only the KPIs that have a comment at all: a large strategy has thousands of KPIs and few comments.
    said = zip(snap.values["kpi_id"].tolist(), snap.values["comment"].tolist()) if "comment" in snap.values else ()
    commented = set(by_kpi) | {kpi_id for kpi_id, text in said if isinstance(text, str) and text.strip()}
    notes: dict[str, list[CommentNote]] = {}
    for kpi in (k for k in snap.kpis if k.id in commented):
        series = snap.series(kpi.id)
        since = min([kpi.baseline_period, *series["period"][:1]])
        merged = comment_notes(series, by_kpi.get(kpi.id), since=since).head(NOTES_PER_KPI)
        if len(merged):
            notes[kpi.id] = [
                CommentNote(
                    kpi.id,
                    fmt_period(r.period, kpi.frequency.value, lang),
                    r.text,
                    str(r.author or "") if r.kind == "discussion" else "",
                )
                for r in merged.itertuples()
            ]
    return notes


def _slide_notes(notes: dict[str, list[CommentNote]], chunk: list[Kpi]) -> tuple[CommentNote, ...]:
    """The comments a slide lists: each KPI's newest first, then the next ones, at most NOTES_PER_SLIDE, shown
    grouped by KPI in the order of the cards."""
    rank = [(i, pos, note) for pos, k in enumerate(chunk) for i, note in enumerate(notes.get(k.id, []))]
    chosen = sorted(rank, key=lambda item: (item[0], item[1]))[:NOTES_PER_SLIDE]
    return tuple(note for _, _, note in sorted(chosen, key=lambda item: (item[1], item[0])))


def _measure_notes(snap: Snapshot, field_id: str, lang: str) -> tuple[MeasureNote, ...]:
    measures = snap.measures[snap.measures["action_field_id"] == field_id] if len(snap.measures) else snap.measures
    units = {u.id: u.name for u in snap.catalog.units}
    notes = []
    # Late first (most overdue first), then the rest in catalog order.
    ordered = sorted(measures.itertuples(), key=lambda m: (not m.late, -m.days_late))
    for m in ordered:
        detail = (
            i18n.t_count("deck.days_late", m.days_late, lang)
            if m.late and m.days_late
            else t("deck.progress", lang, p=fmt_percent(m.progress / 100, lang))
        )
        notes.append(
            MeasureNote(
                m.id,
                m.title,
                measure_state_label(m.state, lang),
                detail,
                units.get(m.responsible, m.responsible or ""),
                bool(m.late),
            )
        )
    return tuple(notes)


def _action_field_slides(snap: Snapshot, notes: dict[str, list[CommentNote]], lang: str) -> list[ActionFieldSlide]:
    themes = {th.id: th.name for th in snap.catalog.themes}
    slides = []
    for af in snap.catalog.action_fields:
        kpis = [k for k in snap.kpis if k.action_field_id == af.id]
        chunks = balanced_chunks(kpis, KPIS_PER_SLIDE)
        measures = _measure_notes(snap, af.id, lang)
        for part, chunk in enumerate(chunks, start=1):
            title = af.name if len(chunks) == 1 else t("deck.part", lang, title=af.name, part=part, parts=len(chunks))
            slides.append(
                ActionFieldSlide(
                    kind=SlideKind.ACTION_FIELD,
                    title=title,
                    kicker=t("deck.field_kicker", lang, theme=themes.get(af.theme_id, af.theme_id)),
                    field_id=af.id,
                    theme=themes.get(af.theme_id, af.theme_id),
                    part=part,
                    parts=len(chunks),
                    description=af.description,
                    cards=tuple(_card(k, snap, lang) for k in chunk),
                    empty_text=t("deck.no_kpis", lang),
                    comments_label=t("deck.comments", lang),
                    comments=_slide_notes(notes, chunk),
                    no_comments=t("deck.no_comments", lang),
                    measures_label=t("deck.measures", lang),
                    late_label=t("deck.late_measures", lang),
                    measures=measures if part == 1 else (),
                    no_measures=t("deck.no_measures", lang) if not measures else t("deck.no_late", lang),
                )
            )
    return slides


def _decision_items(snap: Snapshot, frame: pd.DataFrame, lang: str) -> list[tuple[str, DecisionItem]]:
    kpis = {k.id: k for k in snap.kpis}
    items: list[tuple[str, DecisionItem]] = []
    if len(frame):
        off = frame[frame["status"].isin([Status.MISSED.value, Status.OFF_TRACK.value])].sort_values("progress")
        for r in off.itertuples():
            kpi = kpis[r.kpi_id]
            detail = t(
                "deck.of_plan_values",
                lang,
                p=i18n.fmt_progress(r.progress, kpi.direction.value, lang),
                actual=fmt_value(r.latest_value, kpi.unit, lang),
                plan=fmt_value(r.planned_value, kpi.unit, lang),
            )
            items.append(("off_track", DecisionItem(i18n.STATUS_STYLE[r.status]["icon"], r.kpi_id, r.name, detail)))
        # Stale KPIs, and KPIs whose first value is overdue: both are reports the committee is waiting for.
        # (kpi.status.is_overdue counts a KPI without data whose first value is past due as overdue too.)
        for r in overdue(frame).itertuples():
            key = "deck.first_due" if r.latest_value is None or r.latest_value != r.latest_value else "deck.due_since"
            items.append(
                (
                    "stale",
                    DecisionItem(
                        i18n.STALE_STYLE["icon"], r.kpi_id, r.name, t(key, lang, day=fmt_date(r.next_due, lang))
                    ),
                )
            )
    late = snap.measures[snap.measures["late"]] if len(snap.measures) else snap.measures
    for m in late.sort_values("days_late", ascending=False).itertuples():
        detail = measure_state_label(m.state, lang)
        if m.days_late:
            detail += ", " + i18n.t_count("deck.days_late", m.days_late, lang)
        items.append(("late", DecisionItem("⚠", m.id, m.title, detail)))
    return items


def _decision_slides(snap: Snapshot, frame: pd.DataFrame, lang: str) -> list[DecisionSlide]:
    items = _decision_items(snap, frame, lang)
    chunks = balanced_chunks(items, DECISIONS_PER_SLIDE)
    title = t("deck.decisions", lang)
    slides, seen = [], set()
    for part, chunk in enumerate(chunks, start=1):
        sections = []
        for key in ("off_track", "stale", "late"):
            part_items = tuple(item for k, item in chunk if k == key)
            if not part_items:
                continue
            heading = t(f"deck.sec.{key}", lang) + (" " + t("deck.continued", lang) if key in seen else "")
            seen.add(key)
            sections.append(DecisionSection(key, heading, part_items))
        slides.append(
            DecisionSlide(
                kind=SlideKind.DECISIONS,
                title=title if len(chunks) == 1 else t("deck.part", lang, title=title, part=part, parts=len(chunks)),
                kicker=snap.catalog.strategy.title,
                part=part,
                parts=len(chunks),
                sections=tuple(sections),
                empty_text=t("deck.decisions_none", lang),
            )
        )
    return slides


def _slide_texts(slide: Slide) -> list[str]:
    lines = [slide.kicker, slide.title]
    if isinstance(slide, TitleSlide):
        lines += [slide.committee, slide.adopted, slide.leitbild_label, slide.mission, *slide.principles, slide.note]
    elif isinstance(slide, ThemeSlide):
        lines += [slide.share, slide.share_label, slide.share_text]
        lines += [f"{c.label}: {c.count}" for c in slide.counts]
        lines += [" ".join(filter(None, (r.name, r.kpi_count, r.mix, r.late, r.stale))) for r in slide.fields]
    elif isinstance(slide, ActionFieldSlide):
        for c in slide.cards:
            lines.append(
                " ".join(
                    filter(
                        None,
                        (
                            c.kpi_id,
                            c.name,
                            c.status_text,
                            c.stale_text,
                            c.actual,
                            c.plan,
                            c.target,
                            c.forecast,
                            c.reach,
                        ),
                    )
                )
            )
        lines += [f"{n.kpi_id} ({n.period}): {n.text} {n.author}".strip() for n in slide.comments]
        lines += [f"{m.id} {m.title}: {m.state}, {m.detail}" for m in slide.measures]
    elif isinstance(slide, DecisionSlide):
        for section in slide.sections:
            lines.append(section.title)
            lines += [f"{i.icon} {i.ref} {i.text}: {i.detail}" for i in section.items]
    return lines


# -- charts: the figures each renderer draws for a slide, from the same data -----------------------


def small_chart(card: KpiCard, lang: str, height: int = 190) -> go.Figure:
    """The compact chart on a slide card (page and PowerPoint), with axis labels large enough for a projector."""
    fig = charts.small_multiple(card.kpi, card.series, card.evaluation, lang, height=height)
    fig.update_layout(font=dict(size=15))
    return fig


def full_chart(card: KpiCard, deck: Deck, height: int = 380) -> go.Figure:
    """Target path, actual values and forecast (the PDF for the minutes)."""
    return charts.kpi_figure(
        card.kpi, _with_text_comments(card.series), card.evaluation, deck.lang, height=height, today=deck.today
    )


def _with_text_comments(series: pd.DataFrame) -> pd.DataFrame:
    """Missing comments as "" rather than NaN: the chart puts every comment into its hover text."""
    if "comment" not in series or not series["comment"].isna().any():
        return series
    return series.assign(comment=series["comment"].fillna(""))


def theme_chart(slide: ThemeSlide, lang: str) -> go.Figure:
    return charts.status_bar(slide.count_map, lang)
