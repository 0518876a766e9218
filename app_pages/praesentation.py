"""Präsentation: the committee deck live on the projector, frozen at one as-of moment, with the same
deck as PDF and PowerPoint for the minutes (kpi.report.deck builds it, kpi.report writes the files)."""

from datetime import datetime
from html import escape

import streamlit as st

from kpi import i18n, report
from kpi.i18n import fmt_date
from kpi.periods import PeriodError, parse_timestamp
from kpi.report import deck as decks
from kpi.report.deck import ActionFieldSlide, DecisionSlide, Deck, KpiCard, ThemeSlide, TitleSlide
from kpi.store import now
from kpi.text import md_escape
from kpi.web import a11y, downloads, ui

SLIDE_CSS = """<style>
.st-key-slide p, .st-key-slide li, .st-key-slide td, .st-key-slide th { font-size: 1.2rem; line-height: 1.32; }
.st-key-slide h1 { font-size: 2.45rem; line-height: 1.12; padding: 0 0 .15rem 0; }
.st-key-slide h2 { font-size: 1.8rem; padding: .15rem 0; }
.st-key-slide h3 { font-size: 1.4rem; padding: .1rem 0; }
.st-key-slide .kicker p { font-size: 1.05rem; color: #3d3d3d; margin: 0; }
.st-key-slide .stand p { font-size: 1.3rem; font-weight: 700; text-align: right; color: #1a1a1a; margin: 0; }
.st-key-slide .slide-no p { font-size: 1.05rem; text-align: right; color: #3d3d3d; margin: 0; }
.st-key-slide .big p { font-size: 4rem; font-weight: 700; line-height: 1.05; color: #1a1a1a; }
.st-key-slide .card-name p { font-size: 1.12rem; font-weight: 700; line-height: 1.2; margin: .25rem 0 .15rem 0; }
.st-key-slide .card-facts p { font-size: 1rem; line-height: 1.25; color: #1a1a1a; margin: 0; }
.st-key-slide .side p, .st-key-slide .side li { font-size: 1.08rem; line-height: 1.28; }
.st-key-slide .side h3 { font-size: 1.3rem; }
.st-key-slide table { width: 100%; border-collapse: collapse; }
.st-key-slide [data-testid="stCaptionContainer"] * { color: #4a4a4a !important; }
.st-key-slide td { padding: .18rem .5rem; }
.st-key-slide .decisions thead, .st-key-slide .fields thead { position: absolute; left: -9999px; }
.st-key-slide .dc-stack { display: flex; flex-direction: column; gap: 0; }
.dc-badge { display: inline-block; padding: .08em .45em; border-radius: .25em; font-weight: 700; margin-right: .35em;
            font-size: 1.1rem; }
.dc-tile { border-radius: .4rem; padding: .5rem .3rem; text-align: center; font-weight: 700; }
.dc-tile .n { display: block; font-size: 2.5rem; line-height: 1.1; }
.dc-tile .w { display: block; font-size: 1.05rem; }
.st-key-deck-next-pg, .st-key-deck-prev-pg, .st-key-deck-end-esc { display: none !important; }
.st-key-deck-nav .slide-count { font-size: 1.1rem; font-weight: 700; white-space: nowrap; }
</style>"""

# Presenting: no Streamlit chrome, no sidebar. Sizes follow the screen (u = 1 % of a 16:9 width): laid out
# for 1280 × 720 (u = 12.8 px) and the same slide, only larger, on a 1920 × 1080 projector.
PRESENT_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], [data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: .5rem 1.5rem .2rem 1.5rem !important; max-width: 100% !important; }
.st-key-slide { --u: max(12.8px, min(1vw, 1.778vh)); }
.st-key-slide p, .st-key-slide li, .st-key-slide td, .st-key-slide th { font-size: calc(var(--u) * 1.6); }
.st-key-slide h1 { font-size: calc(var(--u) * 3.1); }
.st-key-slide h2 { font-size: calc(var(--u) * 2.2); }
.st-key-slide h3 { font-size: calc(var(--u) * 1.75); }
.st-key-slide .kicker p, .st-key-slide .slide-no p { font-size: calc(var(--u) * 1.4); }
.st-key-slide .stand p { font-size: calc(var(--u) * 1.65); }
.st-key-slide .big p { font-size: calc(var(--u) * 5); }
.st-key-slide .card-name p { font-size: calc(var(--u) * 1.42); }
.st-key-slide .card-facts p { font-size: calc(var(--u) * 1.38); }
.st-key-slide .side p, .st-key-slide .side li { font-size: calc(var(--u) * 1.42); }
.st-key-slide .side h3 { font-size: calc(var(--u) * 1.65); }
.st-key-slide .dc-badge { font-size: calc(var(--u) * 1.4); }
.st-key-slide .dc-tile .n { font-size: calc(var(--u) * 3.2); }
.st-key-slide .dc-tile .w { font-size: calc(var(--u) * 1.32); }
.st-key-slide [data-testid="stLayoutWrapper"]:has(> [class*="st-key-chartbox-"]) {
    flex: 0 0 calc(var(--u) * 9) !important; height: calc(var(--u) * 9) !important; }
.st-key-slide [data-testid="stLayoutWrapper"]:has(> [class*="st-key-barbox-"]) {
    flex: 0 0 calc(var(--u) * 8.6) !important; height: calc(var(--u) * 8.6) !important; }
.st-key-title-slide h1 { font-size: calc(var(--u) * 3.9); margin-top: calc(var(--u) * 2); }
.st-key-title-slide h2 { font-size: calc(var(--u) * 2.5); }
.st-key-title-slide .big p { font-size: calc(var(--u) * 6.2); margin: calc(var(--u) * 1) 0; }
.st-key-title-slide h3 { font-size: calc(var(--u) * 2.3); margin-top: calc(var(--u) * 1.5); }
.st-key-title-slide li { font-size: calc(var(--u) * 1.9) !important; }
.st-key-deck-nav { position: fixed; right: .8rem; bottom: .5rem; z-index: 1000; width: auto !important;
                   background: rgba(255, 255, 255, .94); border: 1px solid #c8c8c8; border-radius: .5rem;
                   padding: .15rem .4rem; }
.st-key-deck-nav kbd { display: none; }  /* narrower over the slide; the keys are in the button's help */
[data-testid="stMain"] [data-stale="true"] { visibility: hidden; }
/* A narrow or zoomed screen (320 px, 200 % zoom on 1280 x 720): the navigation below the slide, not over it. */
@media (max-width: 760px), (max-height: 480px) {
  .st-key-deck-nav { position: static !important; flex-wrap: wrap; }
  .st-key-slide { --u: 9px; }
}
</style>"""

CHART_CONFIG = {"displayModeBar": False, "staticPlot": True}


def md(text: str) -> str:
    """User and catalog text as literal Markdown (no formatting, links or Streamlit directives)."""
    return md_escape(" ".join(str(text).split()))


def stretchable(fig):
    """Without a fixed height the figure fills its box, which presenting mode sizes with the screen."""
    fig.layout.height = None
    return fig


def badge(status: str, label: str) -> str:
    """A status badge; built from our own status constants only, never from user data."""
    background, foreground = decks.badge_colors(status)
    return f'<span class="dc-badge" style="background:{background};color:{foreground}">{escape(label)}</span>'


def load_deck(store, as_of: datetime, lang: str) -> Deck | None:
    """The deck as of `as_of`, built once per store state (kpi.web.cache)."""

    def build() -> Deck | None:
        try:
            return report.load_deck(store, as_of, lang)
        except report.ReportError:
            return None

    return ui.derived(("deck", as_of, lang), build)


def start_deck(ctx: ui.Context, as_of: datetime | None = None) -> None:
    """Freeze a Stand for the whole deck: the sidebar's (a past day as that day's end, today as this
    moment) or the one the link asked for. The link then names the Stand, so it can be shared."""
    as_of = as_of or ctx.as_of or now()
    st.session_state["deck:as_of"] = as_of
    st.session_state["deck:stand"] = ctx.stand
    st.session_state["deck:index"] = 0
    downloads.remember_state(ui.get_store(), ui.data_version())
    if decks.is_end_of_day(as_of):
        st.query_params["stand"] = as_of.date().isoformat()
    elif "stand" in st.query_params:
        del st.query_params["stand"]


def linked_stand(ctx: ui.Context) -> datetime | None:
    """`/praesentation?stand=2025-12-31`: a bookmarkable deck as of a day (never later than now)."""
    raw = st.query_params.get("stand")
    if not raw:
        return None
    try:
        moment = parse_timestamp(raw)
    except PeriodError:
        st.warning(ctx.t("deck.bad_stand", value=md(raw[:40])), icon="⚠️")
        return None
    return min(moment, now())


PRESENT_WORD = "praesentieren"


def linked_mode() -> None:
    """`?modus=praesentieren`: F5 during the show stays in the show."""
    st.session_state["deck:present"] = st.query_params.get("modus") == PRESENT_WORD


def linked_slide() -> None:
    """`?folie=4`: F5 or a shared link opens that slide (1-based; clamped to the deck)."""
    raw = str(st.query_params.get("folie", "")).strip()
    if raw.isdigit() and len(raw) < 5:
        st.session_state["deck:index"] = max(int(raw) - 1, 0)


def keep_in_url(index: int, presenting: bool) -> None:
    """Slide, mode and the deck's frozen Stand in the URL (`?folie=4&modus=praesentieren&stand=…`)."""
    st.query_params["folie"] = str(index + 1)
    if presenting:
        st.query_params["modus"] = PRESENT_WORD
    elif "modus" in st.query_params:
        del st.query_params["modus"]
    as_of = st.session_state.get("deck:as_of")
    if as_of is not None and decks.is_end_of_day(as_of):
        st.query_params["stand"] = as_of.date().isoformat()


def go(index: int, total: int) -> None:
    st.session_state["deck:index"] = max(0, min(index, total - 1))


def set_presenting(on: bool) -> None:
    st.session_state["deck:present"] = on
    if not on:
        st.session_state["deck:sidebar_back"] = True


def nav_buttons(ctx: ui.Context, deck: Deck, index: int, presenting: bool) -> None:
    last = len(deck) - 1
    with st.container(horizontal=True, vertical_alignment="center", key="deck-nav", gap="small"):
        st.button(
            ctx.t("deck.first"),
            key="deck-first",
            icon=":material/first_page:",
            on_click=go,
            args=(0, len(deck)),
            disabled=index == 0,
            shortcut="Home",
        )
        st.button(
            ctx.t("deck.prev"),
            key="deck-prev",
            icon=":material/arrow_back:",
            on_click=go,
            args=(index - 1, len(deck)),
            disabled=index == 0,
            shortcut="Left",
        )
        st.markdown(f'<span class="slide-count">{escape(deck.slide_number(index))}</span>', unsafe_allow_html=True)
        st.button(
            ctx.t("deck.next"),
            key="deck-next",
            icon=":material/arrow_forward:",
            icon_position="right",
            on_click=go,
            args=(index + 1, len(deck)),
            disabled=index == last,
            shortcut="Right",
            type="primary",
        )
        st.button(
            ctx.t("deck.last"),
            key="deck-last",
            icon=":material/last_page:",
            on_click=go,
            args=(last, len(deck)),
            disabled=index == last,
            shortcut="End",
        )
        # Presenter remotes send PageUp / PageDown: invisible twins of the buttons above.
        st.button(
            "PageUp",
            key="deck-prev-pg",
            on_click=go,
            args=(index - 1, len(deck)),
            disabled=index == 0,
            shortcut="PageUp",
        )
        st.button(
            "PageDown",
            key="deck-next-pg",
            on_click=go,
            args=(index + 1, len(deck)),
            disabled=index == last,
            shortcut="PageDown",
        )
        if presenting:
            st.button(
                ctx.t("deck.end"), key="deck-end", icon=":material/close:", on_click=set_presenting, args=(False,)
            )
            st.button("Esc", key="deck-end-esc", on_click=set_presenting, args=(False,), shortcut="Esc")
        else:
            st.caption(ctx.t("deck.keys"))


def toolbar(ctx: ui.Context, deck: Deck, index: int) -> None:
    with st.container(horizontal=True, vertical_alignment="center", key="deck-tools", gap="small"):
        st.button(
            ctx.t("deck.present"),
            key="deck-present",
            icon=":material/slideshow:",
            type="primary",
            help=ctx.t("deck.present.help"),
            on_click=set_presenting,
            args=(True,),
            shortcut="Ctrl+Shift+P",
        )
        st.button(
            ctx.t("deck.restart"),
            key="deck-restart",
            icon=":material/restart_alt:",
            help=ctx.t("deck.restart.help"),
            on_click=start_deck,
            args=(ctx,),
        )
        titles = [f"{i + 1}. {s.title}" for i, s in enumerate(deck.slides)]
        st.selectbox(
            ctx.t("deck.goto"),
            range(len(deck)),
            index=index,
            format_func=titles.__getitem__,
            key=f"deck-goto-{index}",
            label_visibility="collapsed",
            width=360,
            on_change=lambda: go(st.session_state[f"deck-goto-{index}"], len(deck)),
        )
        available = report.chromium_available()
        downloads.download_buttons(ctx, ui.get_store(), st.session_state["deck:as_of"], deck.stand, ui.data_version())
    if not available:
        st.caption(ctx.t("deck.no_browser"))


def slide_head(deck: Deck, slide, index: int) -> None:
    """Kicker and title on the left; the frozen Stand and the slide number on the right of every slide."""
    left, right = st.columns([4, 1.25], vertical_alignment="top", gap="small")
    with left:
        st.markdown(f'<div class="kicker"><p>{escape(slide.kicker)}</p></div>', unsafe_allow_html=True)
        if not isinstance(slide, TitleSlide):
            st.markdown(f"{title_mark} {md(slide.title)}")
    with right:
        # The title slide prints its Stand large in the body.
        stand = "" if isinstance(slide, TitleSlide) else f'<div class="stand"><p>{escape(deck.stand)}</p></div>'
        st.markdown(
            f'{stand}<div class="slide-no"><p>{escape(deck.slide_number(index))}</p></div>', unsafe_allow_html=True
        )


def title_slide(deck: Deck, s: TitleSlide) -> None:
    with st.container(key="title-slide", gap="small"):
        st.markdown(f"{title_mark} {md(s.title)}")
        st.markdown(f"## {md(s.committee)}")
        st.markdown(f'<div class="big"><p>{escape(deck.stand)}</p></div>', unsafe_allow_html=True)
        if s.adopted:
            st.markdown(md(f"{s.title}, {s.adopted}"))
        st.markdown(f"### {md(s.leitbild_label)}: {md(s.mission)}")
        st.markdown("\n".join(f"- {md(p)}" for p in s.principles))
        if s.note:
            st.caption(md(s.note))


def theme_slide(deck: Deck, s: ThemeSlide, index: int) -> None:
    share, tiles = st.columns([1.15, 3], vertical_alignment="center")
    with share:
        st.markdown(f'<div class="big"><p>{escape(s.share)}</p></div>', unsafe_allow_html=True)
        st.markdown(f"**{md(s.share_label)}**  \n{md(s.share_text)}")
    with tiles:
        for column, count in zip(st.columns(len(s.counts)), s.counts):
            background, foreground = decks.badge_colors(count.status)
            column.markdown(
                f'<div class="dc-tile" style="background:{background};color:{foreground}">'
                f'<span class="n">{count.count}</span><span class="w">{escape(count.label)}</span></div>',
                unsafe_allow_html=True,
            )
    with st.container(height=110, border=False, key=f"barbox-{index}"):
        st.plotly_chart(
            stretchable(decks.theme_chart(s, deck.lang)),
            config=CHART_CONFIG,
            height="stretch",
            key=f"bar-{index}",
            alt=a11y.chart_alt(deck.lang, "deck_bar"),
        )
    rows = "\n".join(
        f"| **{md(r.name)}** | {md(r.kpi_count)} | {md(r.mix)} | {md(' · '.join(filter(None, (r.late, r.stale))))} |"
        for r in s.fields
    )
    head = "| " + " | ".join(md(h) for h in i18n.t("deck.fields_head", deck.lang).split("|")) + " |"
    st.markdown(
        f'### {md(s.fields_label)}\n\n<div class="fields">\n\n{head}\n|---|---|---|---|\n{rows}\n\n</div>',
        unsafe_allow_html=True,
    )


def kpi_card(deck: Deck, card: KpiCard, index: int, chart_height: int) -> None:
    badges = badge(card.status, card.status_text) + (badge("stale", card.stale_text) if card.stale else "")
    facts = " · ".join(filter(None, (card.actual, card.plan)))
    with st.container(border=True, gap="small"):
        # One block for badge, name and facts: the page stays compact enough for 1280 × 720.
        st.markdown(
            f'{badges}\n\n<div class="card-name">\n\n{md(card.kpi_id)} · {md(card.name)}\n\n</div>\n\n'
            f'<div class="card-facts">\n\n{md(facts)}  \n{md(card.target)}\n\n</div>',
            unsafe_allow_html=True,
        )
        # A fixed-height box the chart stretches into: presenting mode resizes the box with the screen.
        with st.container(height=chart_height, border=False, key=f"chartbox-{index}-{card.kpi_id}"):
            st.plotly_chart(
                stretchable(decks.small_chart(card, deck.lang)),
                config=CHART_CONFIG,
                height="stretch",
                key=f"chart-{index}-{card.kpi_id}",
                alt=a11y.chart_alt(deck.lang, "small", kpi=f"{card.kpi_id} {card.name}"),
            )


def field_slide(deck: Deck, s: ActionFieldSlide, index: int) -> None:
    grid, side = st.columns([2.3, 1], gap="medium")
    chart_height = 118  # at 1280 × 720; presenting mode scales the box with the screen
    with grid:
        if not s.cards:
            st.info(s.empty_text)
        for start in range(0, len(s.cards), 2):
            for column, card in zip(st.columns(2, gap="small"), s.cards[start : start + 2]):
                with column:
                    kpi_card(deck, card, index, chart_height)
    with side:
        lines = [f"### {md(s.comments_label)}"]
        lines += [f"- **{md(n.kpi_id)}** ({md(n.period)}): {md(n.short)}" for n in s.comments] or [md(s.no_comments)]
        if s.part == 1:
            lines.append(f"### {md(s.late_label)}")
            lines += [
                f"- ⚠ **{md(m.id)}** {md(decks.shorten(m.title, 60))} — {md(m.state)}, {md(m.detail)}"
                for m in s.late_measures[:4]
            ] or [md(s.no_measures)]
            if len(s.late_measures) > 4:
                lines.append(md(i18n.t("deck.measures_more", deck.lang, n=len(s.late_measures) - 4)))
        st.markdown('<div class="side">\n\n' + "\n\n".join(lines) + "\n\n</div>", unsafe_allow_html=True)


def decision_slide(deck: Deck, s: DecisionSlide) -> None:
    if not s.sections:
        st.success(s.empty_text)
        return
    head = "| " + " | ".join(md(h) for h in i18n.t("deck.decisions_head", deck.lang).split("|")) + " |"
    for section in s.sections:
        rows = "\n".join(f"| {md(i.icon)} **{md(i.ref)}** | {md(i.text)} | {md(i.detail)} |" for i in section.items)
        st.markdown(
            f'### {md(section.title)}\n\n<div class="decisions">\n\n{head}\n|---|---|---|\n{rows}\n\n</div>',
            unsafe_allow_html=True,
        )


def draw_slide(deck: Deck, index: int, presenting: bool) -> None:
    slide = deck.slides[index]
    # One placeholder for the whole slide: turning the page replaces it at once, so the room never sees
    # parts of two slides mixed while the next one is drawn.
    with st.empty().container(key="slide", gap="small", border=not presenting):
        slide_head(deck, slide, index)
        if isinstance(slide, TitleSlide):
            title_slide(deck, slide)
        elif isinstance(slide, ThemeSlide):
            theme_slide(deck, slide, index)
        elif isinstance(slide, ActionFieldSlide):
            field_slide(deck, slide, index)
        elif isinstance(slide, DecisionSlide):
            decision_slide(deck, slide)


ctx = ui.context()
if "deck:as_of" not in st.session_state:
    linked_mode()
presenting = bool(st.session_state.get("deck:present", False))
title_mark = "#" if presenting else "##"  # one h1 per page: the page's title, or the slide's while presenting
if presenting:
    st.set_page_config(initial_sidebar_state="collapsed")
elif st.session_state.pop("deck:sidebar_back", False):
    st.set_page_config(initial_sidebar_state="expanded")  # the presenter's tools come back with the show's end
st.html(SLIDE_CSS + (PRESENT_CSS if presenting else ""))
if "deck:as_of" not in st.session_state:
    start_deck(ctx, linked_stand(ctx))
    linked_slide()
store = ui.get_store()
frozen = st.session_state["deck:as_of"]
deck = load_deck(store, frozen, ctx.lang)
if deck is None:
    st.info(ctx.t("empty.store"))
    st.stop()
index = max(0, min(int(st.session_state.get("deck:index", 0)), len(deck) - 1))
keep_in_url(index, presenting)
if not presenting:
    st.title(ctx.t("page.praesentation"))
    toolbar(ctx, deck, index)
    if st.session_state["deck:stand"] != ctx.stand:
        st.info(ctx.t("deck.frozen_note", stand=deck.stand, day=fmt_date(ctx.stand, ctx.lang)), icon="🧊")
    nav_buttons(ctx, deck, index, presenting)
draw_slide(deck, index, presenting)
a11y.announce(ctx.t("deck.announce", n=index + 1, total=len(deck), title=deck.slides[index].title))
if presenting:
    nav_buttons(ctx, deck, index, presenting)
