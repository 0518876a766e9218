"""The committee deck as files for the minutes: PDF (fpdf2) and PowerPoint (python-pptx).

Both draw the same `kpi.report.deck` slides as the presentation page, one page or slide per deck slide,
with the charts as PNG images rendered in one batch by Kaleido in a headless Chromium. A report
as of D only reads revisions recorded up to D, so it comes out the same after later corrections.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import io
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import plotly.graph_objects as go
from fontTools.ttLib import TTFont
from fpdf import FPDF

from kpi.browser import find_headless
from kpi.i18n import LANGUAGE_TAGS, t
from kpi.report import deck as decks
from kpi.report.deck import (
    ActionFieldSlide,
    DecisionSlide,
    Deck,
    KpiCard,
    Slide,
    ThemeSlide,
    TitleSlide,
    badge_colors,
    build_deck,
    shorten,
)
from kpi.store import Store
from kpi.views import in_language, snapshot

log = logging.getLogger("digitalcockpit.report")

FORMATS = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class ReportError(Exception):
    """A report cannot be made for a reason the user can fix (no browser, no font, empty store)."""


@dataclass(frozen=True)
class Report:
    data: bytes
    format: str
    pages: int
    seconds: float  # wall time of the whole report
    chart_seconds: float  # of which drawing the charts
    charts: int  # images in the report
    rendered: int  # of which drawn now (the others came from the image cache)


def file_name(as_of: datetime | None, fmt: str) -> str:
    """`digitalcockpit_stand_2025-12-31.pdf`; with the time when frozen at a moment within the day."""
    moment = as_of or datetime.now()
    stamp = moment.strftime("%Y-%m-%d") if decks.is_end_of_day(moment) else moment.strftime("%Y-%m-%d_%H%M")
    return f"digitalcockpit_stand_{stamp}.{fmt}"


def load_deck(store: Store, as_of: datetime | None, lang: str = "de") -> Deck:
    snap = snapshot(store, as_of)
    if snap is None:
        raise ReportError(t("report.empty", lang))
    return build_deck(in_language(snap, lang), store.comments(as_of), lang)


def build_report(
    store: Store, as_of: datetime | None, fmt: str, lang: str = "de", charts: Path | None = None
) -> Report:
    """The report of the strategy as of a moment (None: now) in `fmt` (pdf | pptx); `charts`: the folder of chart
    images drawn before (kpi.report_cache.chart_dir)."""
    started = time.perf_counter()
    deck = load_deck(store, as_of, lang)
    report = render(deck, fmt, charts)
    return Report(
        report.data,
        fmt,
        report.pages,
        time.perf_counter() - started,
        report.chart_seconds,
        report.charts,
        report.rendered,
    )


def render(deck: Deck, fmt: str, charts: Path | None = None) -> Report:
    """The deck as a file; `charts`: the folder of chart images drawn before (see render_images)."""
    if fmt == "pdf":
        return pdf_report(deck, charts)
    if fmt == "pptx":
        return pptx_report(deck, charts)
    raise ValueError(f"unknown report format {fmt!r}")


# -- static chart images ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageJob:
    """One chart to draw: `key` names its content (what goes into the figure), `build` makes the figure.

    The key is computed from the data, not from the figure, so that a cached image needs no figure
    built at all (building Plotly figures costs more than assembling the PDF).
    """

    key: str
    build: Callable[[], go.Figure]
    width: int
    height: int
    scale: float = 2.0


_IMAGE_CACHE: OrderedDict[str, bytes] = OrderedDict()
_IMAGE_CACHE_SIZE = 400
_IMAGE_LOCK = threading.Lock()


def content_key(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def clear_image_cache() -> None:
    with _IMAGE_LOCK:
        _IMAGE_CACHE.clear()


def browser_path(lang: str = "de") -> str:
    """The Chromium Kaleido will use: BROWSER_PATH if set, else the one the browser tests use."""
    path = os.environ.get("BROWSER_PATH")
    if path:
        if not os.path.exists(path):
            raise ReportError(t("report.bad_browser", lang, path=path))
        return path
    path = find_headless()
    if not path:
        raise ReportError(t("report.no_browser", lang))
    os.environ["BROWSER_PATH"] = path
    return path


def chromium_available() -> bool:
    try:
        browser_path()
    except ReportError:
        return False
    return True


def render_images(jobs: list[ImageJob], lang: str = "de", charts: Path | None = None) -> tuple[list[bytes], int]:
    """PNG bytes for every job, drawn in ONE Kaleido batch (the browser start dominates single images).

    Images already drawn for an identical figure come from a small in-process cache, or from the folder
    `charts` (shared by the server and its background builds, kept across restarts), so a second download of
    the same deck, or a report after one correction, only draws what changed.
    Returns the images and how many were drawn now.
    """
    keys = [f"{job.key}|{job.width}x{job.height}@{job.scale}" for job in jobs]
    with _IMAGE_LOCK:
        cached = {k: _IMAGE_CACHE[k] for k in keys if k in _IMAGE_CACHE}
    missing = list(dict.fromkeys(k for k in keys if k not in cached))
    stored = _stored_images(charts, missing) if charts is not None and missing else {}
    missing = [k for k in missing if k not in stored]
    drawn: dict[str, bytes] = {}
    if missing:
        browser_path(lang)
        todo = {k: jobs[keys.index(k)] for k in missing}
        with tempfile.TemporaryDirectory(prefix="kpi-charts-") as folder:
            paths = [Path(folder) / f"{i}.png" for i in range(len(missing))]
            try:
                _draw([todo[k] for k in missing], paths)
                drawn = {k: p.read_bytes() for k, p in zip(missing, paths)}
            except Exception as exc:  # noqa: BLE001 - Kaleido/Chromium fail in many ways; the user gets one sentence
                log.exception("chart rendering failed")
                reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
                raise ReportError(t("report.render_failed", lang, reason=reason)) from exc
        if charts is not None:
            _store_images(charts, drawn)
    with _IMAGE_LOCK:
        for k, data in {**stored, **drawn}.items():
            _IMAGE_CACHE[k] = data
            _IMAGE_CACHE.move_to_end(k)
        while len(_IMAGE_CACHE) > _IMAGE_CACHE_SIZE:
            _IMAGE_CACHE.popitem(last=False)
    cached.update(stored)
    cached.update(drawn)
    return [cached[k] for k in keys], len(missing)


DRAW_ATTEMPTS = 2


def _draw(jobs: list[ImageJob], paths: list[Path]) -> None:
    """Kaleido draws the jobs' figures into `paths` in one browser session. A figure it could not draw is not raised
    but returned (and `plotly.io.write_images` drops it: the file is simply missing); such figures are drawn again
    in a new session, and an error that persists is raised with Kaleido's reason."""
    import kaleido
    import plotly.io as pio

    options = {name: value for name in ("plotlyjs", "mathjax") if (value := getattr(pio.defaults, name, None))}
    specs = [
        # The figures come from our own builders, already validated by plotly.graph_objects.
        dict(
            fig=job.build().to_dict(),
            path=path,
            opts=dict(format="png", width=job.width, height=job.height, scale=job.scale),
        )
        for job, path in zip(jobs, paths)
    ]
    for attempt in range(1, DRAW_ATTEMPTS + 1):
        errors = kaleido.write_fig_from_object_sync(specs, kopts=options) or ()
        specs = [spec for spec in specs if not spec["path"].is_file()]
        if not specs:
            return
        reason = next((f"{type(e).__name__}: {e}".strip() for e in errors if isinstance(e, BaseException)), "")
        log.warning("%d of %d charts not drawn (attempt %d): %s", len(specs), len(jobs), attempt, reason or "no file")
    raise RuntimeError(reason or f"{len(specs)} charts not drawn")


# -- chart images kept on disk ---------------------------------------------------------------------
# One file per drawn chart, named by its content key, in a subfolder per "render version": the code that builds
# the figures and the plotting libraries. After an update the old images are never used, and removed.

KEEP_CHARTS = 800  # newest images kept (about 80 KB each): the two formats of a few Stands in both languages


@functools.cache
def render_version() -> str:
    """What a drawn chart depends on beyond its data: the source of `kpi` (figures, texts, number formats) and the
    versions of Plotly and Kaleido."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):
        digest.update(path.read_bytes())
    for package in ("plotly", "kaleido"):
        digest.update(f"{package} {importlib.metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def _image_file(charts: Path, key: str) -> Path:
    return charts / render_version() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.png"


def _stored_images(charts: Path, keys: list[str]) -> dict[str, bytes]:
    found = {}
    for key in keys:
        path = _image_file(charts, key)
        try:
            found[key] = path.read_bytes()
            os.utime(path)  # used now: kept by the pruning
        except OSError:
            pass
    return found


def _store_images(charts: Path, drawn: dict[str, bytes]) -> None:
    """Write the images (each whole or not at all: a parallel build may read them), then prune the folder. A full
    disk or a read-only folder costs only the next build's time, never the report."""
    try:
        for key, data in drawn.items():
            path = _image_file(charts, key)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
            partial.write_bytes(data)
            partial.replace(path)
        _prune_images(charts)
    except OSError:
        log.warning("chart images not kept in %s", charts, exc_info=True)


def _prune_images(charts: Path, keep: int = KEEP_CHARTS) -> None:
    current = charts / render_version()
    for old in charts.iterdir():
        if old.is_dir() and old != current:
            shutil.rmtree(old, ignore_errors=True)
    images = sorted(current.glob("*.png"), key=lambda p: p.stat().st_mtime, reverse=True)
    for image in images[keep:]:
        image.unlink(missing_ok=True)


# -- fonts for the PDF -----------------------------------------------------------------------------

# DejaVu Sans 2.37 from Debian's fonts-dejavu-core (licence beside it): German letters and the status symbols.
FONTS = Path(__file__).resolve().parent / "fonts"
SHIPPED_FONT = (FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf")


def _bold_next_to(regular: str) -> str:
    for suffix in ("-Bold.ttf", "Bold.ttf", "-bold.ttf"):
        stem = regular[:-4].removesuffix("-Regular").removesuffix("Regular")
        if os.path.exists(stem + suffix):
            return stem + suffix
    return regular


def find_font() -> tuple[str, str]:
    """(regular, bold) TTF files with German letters and the status symbols: $KPI_PDF_FONT (its bold sibling
    if there is one) or the DejaVu Sans shipped in kpi/report/fonts/."""
    explicit = os.environ.get("KPI_PDF_FONT")
    if explicit and os.path.exists(explicit):
        return explicit, _bold_next_to(explicit)
    regular, bold = SHIPPED_FONT
    if not regular.exists():
        raise ReportError(t("report.no_font"))
    return str(regular), str(bold if bold.exists() else regular)


# -- colours and layout shared by PDF and PowerPoint --------------------------------------------------

INK = "#1A1A1A"
MUTED = "#555555"
RULE = "#BBBBBB"
ACCENT = "#0B3D6B"  # title band: dark blue, white text (contrast 11:1)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


# Chart sizes in CSS pixels (rendered at scale 2 for print and projector sharpness).
PDF_CHART = (620, 360)
PPTX_CHART = (560, 230)
BAR_CHART = (1100, 120)


def _series_key(card: KpiCard) -> tuple:
    series = card.series
    comments = tuple(series["comment"]) if "comment" in series else ()
    return tuple(series["period"]), tuple(series["value"]), comments


def _chart_jobs(deck: Deck, full: bool) -> tuple[list[ImageJob], dict[tuple[int, str], int]]:
    """Every chart of the deck, in slide order, and where each lands: (slide index, kpi id or "bar") → job."""
    jobs: list[ImageJob] = []
    where: dict[tuple[int, str], int] = {}

    def bar(slide: ThemeSlide) -> go.Figure:
        fig = decks.theme_chart(slide, deck.lang)
        fig.update_layout(height=BAR_CHART[1], width=BAR_CHART[0])
        return fig

    def full_chart(card: KpiCard) -> go.Figure:
        fig = decks.full_chart(card, deck, height=PDF_CHART[1])
        fig.update_layout(width=PDF_CHART[0], legend=dict(font=dict(size=13)))
        return fig

    def small_chart(card: KpiCard) -> go.Figure:
        fig = decks.small_chart(card, deck.lang, height=PPTX_CHART[1])
        fig.update_layout(width=PPTX_CHART[0])
        return fig

    for index, slide in enumerate(deck.slides):
        if isinstance(slide, ThemeSlide):
            where[(index, "bar")] = len(jobs)
            jobs.append(ImageJob(content_key("bar", deck.lang, slide.counts), partial(bar, slide), *BAR_CHART))
        elif isinstance(slide, ActionFieldSlide):
            for card in slide.cards:
                where[(index, card.kpi_id)] = len(jobs)
                if full:
                    key = content_key("full", deck.lang, deck.today, card.kpi, card.evaluation, _series_key(card))
                    # 1.6 × 620 px on 92 mm of paper is about 275 dpi: sharp in print, light to embed.
                    jobs.append(ImageJob(key, partial(full_chart, card), *PDF_CHART, scale=1.6))
                else:
                    key = content_key("small", deck.lang, card.kpi, card.evaluation, _series_key(card))
                    jobs.append(ImageJob(key, partial(small_chart, card), *PPTX_CHART))
    return jobs, where


def _slide_charts(slide: object, index: int, images: list[bytes], where: dict[tuple[int, str], int]) -> object:
    """The rendered charts of one slide: a theme slide's status bar, or an action field's chart per KPI."""
    if isinstance(slide, ThemeSlide):
        return images[where[(index, "bar")]]
    if isinstance(slide, ActionFieldSlide):
        return {c.kpi_id: images[where[(index, c.kpi_id)]] for c in slide.cards}
    return None


def _draw_slide(
    slide: object, charts: object, title: Callable, theme: Callable, field: Callable, decision: Callable
) -> None:
    """One slide through a renderer's four drawers (PDF pages and PowerPoint slides alike)."""
    if isinstance(slide, TitleSlide):
        title(slide)
    elif isinstance(slide, ThemeSlide):
        theme(slide, charts)
    elif isinstance(slide, ActionFieldSlide):
        field(slide, charts)
    elif isinstance(slide, DecisionSlide):
        decision(slide)


def _opaque(png: bytes):
    """The chart as an RGB image: Kaleido's PNGs carry an (opaque) alpha channel that fpdf2 would otherwise
    split into a soft mask, which doubles the time to embed them."""
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def _symbols(text: str, cmap: set[int] | None) -> str:
    """Replace characters the PDF font cannot draw (emoji) rather than print empty boxes."""
    if cmap is None:
        return text
    return "".join(ch if ord(ch) in cmap or ch in "\n\t " else "·" for ch in text)


# -- PDF -------------------------------------------------------------------------------------------


def pdf_report(deck: Deck, charts: Path | None = None) -> Report:
    """A4 landscape, one page per deck slide; the charts are the full KPI charts (target path, forecast)."""
    started = time.perf_counter()
    jobs, where = _chart_jobs(deck, full=True)
    chart_start = time.perf_counter()
    images, rendered = render_images(jobs, deck.lang, charts)
    chart_seconds = time.perf_counter() - chart_start

    regular, bold = find_font()
    cmap = set(TTFont(regular, fontNumber=0, lazy=True).getBestCmap())
    pdf = _DeckPdf(deck, cmap)
    pdf.add_font("Sans", "", regular)
    pdf.add_font("Sans", "B", bold)
    pdf.set_title(f"{deck.strategy} – {deck.stand}")
    pdf.set_author("Digitalcockpit")
    pdf.set_subject(t("deck.committee", deck.lang))
    pdf.set_lang(LANGUAGE_TAGS[deck.lang])
    pdf.set_creator("Digitalcockpit")
    # The same as-of moment gives the same file: no wall-clock time inside.
    pdf.set_creation_date(deck.as_of or datetime.combine(deck.today, datetime.min.time()))
    pdf.set_auto_page_break(False)
    for index, slide in enumerate(deck.slides):
        pdf.add_page()
        pdf.draw_header(slide)
        _draw_slide(
            slide,
            _slide_charts(slide, index, images, where),
            pdf.title_page,
            pdf.theme_page,
            pdf.field_page,
            pdf.decision_page,
        )
    data = bytes(pdf.output())
    return Report(data, "pdf", len(deck), time.perf_counter() - started, chart_seconds, len(jobs), rendered)


class _DeckPdf(FPDF):
    W, H, M = 297.0, 210.0, 12.0

    def __init__(self, deck: Deck, cmap: set[int]):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.deck = deck
        self.cmap = cmap
        self.set_margins(self.M, self.M, self.M)

    # text helpers
    def txt(self, text: str) -> str:
        return _symbols(text, self.cmap)

    def font(self, size: float, bold: bool = False, color: str = INK) -> None:
        self.set_font("Sans", "B" if bold else "", size)
        self.set_text_color(*_rgb(color))

    def para(
        self,
        x: float,
        y: float,
        w: float,
        text: str,
        size: float,
        bold: bool = False,
        color: str = INK,
        line: float = 1.3,
        align: str = "L",
    ) -> float:
        """Write a wrapped paragraph at (x, y); returns the y below it."""
        self.font(size, bold, color)
        self.set_xy(x, y)
        self.multi_cell(w, size * 0.3528 * line, self.txt(text), align=align, new_x="LMARGIN", new_y="NEXT")
        return self.get_y()

    def rule_table(
        self, y: float, size: float, col_widths: tuple, line_height: float, padding: float, rows: list[tuple]
    ) -> None:
        """A full-width table with horizontal rules only, starting at y; cells are text."""
        self.font(size)
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(*_rgb(RULE))
        with self.table(
            width=self.W - 2 * self.M,
            col_widths=col_widths,
            text_align="LEFT",
            first_row_as_headings=False,
            line_height=line_height,
            padding=padding,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            self.set_y(y)
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(self.txt(cell))

    def para_height(self, w: float, text: str, size: float, bold: bool = False, line: float = 1.3) -> float:
        self.font(size, bold)
        return float(self.multi_cell(w, size * 0.3528 * line, self.txt(text), dry_run=True, output="HEIGHT"))

    def badge(self, x: float, y: float, status: str, label: str, size: float = 9) -> float:
        background, foreground = badge_colors(status)
        self.font(size, True, foreground)
        width = self.get_string_width(self.txt(label)) + 4
        height = size * 0.3528 * 1.6
        self.set_fill_color(*_rgb(background))
        self.rect(x, y, width, height, style="F")
        self.set_xy(x, y)
        self.cell(width, height, self.txt(label), align="C")
        return x + width + 2

    # page frame
    def draw_header(self, slide: Slide) -> None:
        self.set_fill_color(*_rgb(ACCENT))
        self.rect(0, 0, self.W, 24, style="F")
        self.font(10, False, "#FFFFFF")
        self.set_xy(self.M, 4)
        self.cell(self.W - 2 * self.M - 60, 5, self.txt(slide.kicker))
        self.font(10, True, "#FFFFFF")
        self.set_xy(self.W - self.M - 60, 4)
        self.cell(60, 5, self.txt(self.deck.stand), align="R")
        self.font(20, True, "#FFFFFF")
        self.set_xy(self.M, 10)
        self.cell(self.W - 2 * self.M, 11, self.txt(shorten(slide.title, 80)))

    def footer(self) -> None:
        self.set_draw_color(*_rgb(RULE))
        self.line(self.M, self.H - 10, self.W - self.M, self.H - 10)
        self.font(8, False, MUTED)
        self.set_xy(self.M, self.H - 9)
        self.cell(200, 5, self.txt(f"{self.deck.stand} · {self.deck.strategy}"))
        self.set_xy(self.W - self.M - 60, self.H - 9)
        self.cell(
            60, 5, self.txt(t("report.page_no", self.deck.lang, n=self.page_no(), total=len(self.deck))), align="R"
        )

    # pages
    def title_page(self, s: TitleSlide) -> None:
        y = self.para(self.M, 34, 200, s.committee, 14, color=MUTED)
        y = self.para(self.M, y + 2, 273, self.deck.stand, 26, bold=True)
        if s.adopted:
            y = self.para(self.M, y + 2, 273, f"{s.title}, {s.adopted}", 11, color=MUTED)
        self.set_draw_color(*_rgb(RULE))
        self.line(self.M, y + 5, self.W - self.M, y + 5)
        y = self.para(self.M, y + 10, 273, f"{s.leitbild_label}: {s.mission}", 18, bold=True)
        for principle in s.principles:
            y = self.para(self.M + 4, y + 2.5, 265, f"•  {principle}", 13)
        if s.note:
            self.para(self.M, self.H - 24, 273, s.note, 9, color=MUTED)

    def theme_page(self, s: ThemeSlide, bar: bytes) -> None:
        self.para(self.M, 30, 80, s.share, 40, bold=True)
        self.para(self.M, 48, 80, s.share_label, 12, bold=True)
        self.para(self.M, 54, 80, s.share_text, 10, color=MUTED)
        x, y = 100.0, 32.0
        for count in s.counts:
            background, foreground = badge_colors(count.status)
            self.set_fill_color(*_rgb(background))
            self.rect(x, y, 35, 24, style="F")
            self.font(20, True, foreground)
            self.set_xy(x, y + 2)
            self.cell(35, 10, str(count.count), align="C")
            self.font(9, True, foreground)
            self.set_xy(x, y + 13)
            self.cell(35, 8, self.txt(count.label), align="C")
            x += 37
        self.image(_opaque(bar), x=self.M, y=62, w=self.W - 2 * self.M, alt_text=t("report.bar_alt", self.deck.lang))
        y = 62 + (self.W - 2 * self.M) * BAR_CHART[1] / BAR_CHART[0] + 4
        self.para(self.M, y, 200, s.fields_label, 13, bold=True)
        self.rule_table(
            self.get_y() + 1,
            10.5,
            (95, 30, 85, 63),
            6.2,
            1.2,
            [(r.name, r.kpi_count, r.mix, " · ".join(filter(None, (r.late, r.stale)))) for r in s.fields],
        )

    def field_page(self, s: ActionFieldSlide, charts: dict[str, bytes]) -> None:
        left_w = 190.0
        card_w, card_h = (left_w - 4) / 2, 82.0
        top = 28.0
        if not s.cards:
            self.para(self.M, top + 4, left_w, s.empty_text, 12, color=MUTED)
        for i, card in enumerate(s.cards):
            x = self.M + (i % 2) * (card_w + 4)
            y = top + (i // 2) * (card_h + 2)
            self.kpi_card(card, charts[card.kpi_id], x, y, card_w, card_h)
        self.side_panel(s, self.M + left_w + 5, top, self.W - 2 * self.M - left_w - 5, self.H - 12 - top)

    def kpi_card(self, card: KpiCard, png: bytes, x: float, y: float, w: float, h: float) -> None:
        self.set_draw_color(*_rgb(RULE))
        self.rect(x, y, w, h)
        nx = self.badge(x + 2, y + 2, card.status, card.status_text)
        if card.stale:
            self.badge(nx, y + 2, "stale", card.stale_text)
        yy = self.para(x + 2, y + 8.5, w - 4, f"{card.kpi_id} · {shorten(card.name, 90)}", 9.5, bold=True, line=1.2)
        facts = " · ".join(filter(None, (card.actual, card.plan)))
        yy = self.para(x + 2, yy + 0.3, w - 4, facts, 8, line=1.2)
        yy = self.para(
            x + 2, yy, w - 4, " · ".join(filter(None, (card.target, card.forecast))), 8, color=MUTED, line=1.2
        )
        chart_h = min(y + h - yy - 1.5, (w - 4) * PDF_CHART[1] / PDF_CHART[0])
        chart_w = chart_h * PDF_CHART[0] / PDF_CHART[1]
        self.image(
            _opaque(png),
            x=x + (w - chart_w) / 2,
            y=yy + 0.5,
            w=chart_w,
            h=chart_h,
            alt_text=t("report.chart_alt", self.deck.lang, id=card.kpi_id),
        )

    def side_panel(self, s: ActionFieldSlide, x: float, y: float, w: float, h: float) -> None:
        """Comments (full text) and the field's measures, shrunk to fit the column."""
        blocks: list[tuple[str, str, bool]] = [(s.comments_label, "head", True)]
        blocks += [
            (f"{n.kpi_id} ({n.period}): {n.text}" + (f" — {n.author}" if n.author else ""), "text", False)
            for n in s.comments
        ] or [(s.no_comments, "muted", False)]
        if s.part == 1:
            blocks.append((s.measures_label, "head", True))
            blocks += [
                (
                    ("⚠ " if m.late else "") + f"{m.id} {m.title}: {m.state}, {m.detail}",
                    "late" if m.late else "text",
                    m.late,
                )
                for m in s.measures
            ] or [(s.no_measures, "muted", False)]
        for size in (9.0, 8.5, 8.0, 7.5, 7.0, 6.5):
            total = sum(
                self.para_height(w, text, size + (1.5 if kind == "head" else 0), bold) + 1.6
                for text, kind, bold in blocks
            )
            if total <= h:
                break
        yy = y
        for text, kind, bold in blocks:
            if kind == "head" and yy > y:
                yy += 1.5
            color = MUTED if kind == "muted" else INK
            size_here = size + (1.5 if kind == "head" else 0)
            if yy + self.para_height(w, text, size_here, bold) > y + h:
                break
            yy = self.para(x, yy, w, text, size_here, bold=bold, color=color) + 1.6

    def decision_page(self, s: DecisionSlide) -> None:
        y = 30.0
        if not s.sections:
            self.para(self.M, y + 4, 273, s.empty_text, 14)
            return
        for section in s.sections:
            y = self.para(self.M, y, 273, section.title, 13, bold=True) + 1
            self.rule_table(
                y,
                10,
                (8, 18, 150, 97),
                5.6,
                1,
                [(item.icon, item.ref, item.text, item.detail) for item in section.items],
            )
            y = self.get_y() + 4


# -- PowerPoint ------------------------------------------------------------------------------------


def pptx_report(deck: Deck, charts: Path | None = None) -> Report:
    """16:9 slides like the presentation page: KPI cards with small charts, comments and late measures;
    the full comments and each KPI's forecast go into the speaker notes."""
    from pptx import Presentation
    from pptx.util import Inches

    started = time.perf_counter()
    jobs, where = _chart_jobs(deck, full=False)
    chart_start = time.perf_counter()
    images, rendered = render_images(jobs, deck.lang, charts)
    chart_seconds = time.perf_counter() - chart_start

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    props = prs.core_properties
    props.title = f"{deck.strategy} – {deck.stand}"
    props.subject = t("deck.committee", deck.lang)
    props.author = props.last_modified_by = "Digitalcockpit"
    props.language = LANGUAGE_TAGS[deck.lang]
    moment = deck.as_of or datetime.combine(deck.today, datetime.min.time())
    props.created = props.modified = moment
    props.revision = 1
    blank = prs.slide_layouts[6]
    for index, slide in enumerate(deck.slides):
        page = _PptxSlide(prs.slides.add_slide(blank), deck, index)
        page.header(slide)
        _draw_slide(
            slide,
            _slide_charts(slide, index, images, where),
            page.title_slide,
            page.theme_slide,
            page.field_slide,
            page.decision_slide,
        )
        page.footer()
    buffer = io.BytesIO()
    prs.save(buffer)
    return Report(
        buffer.getvalue(), "pptx", len(deck), time.perf_counter() - started, chart_seconds, len(jobs), rendered
    )


class _PptxSlide:
    """Drawing helpers on one slide; positions in inches on a 13.333 × 7.5 canvas."""

    W, H, M = 13.333, 7.5, 0.45

    def __init__(self, slide, deck: Deck, index: int):
        self.slide, self.deck, self.index = slide, deck, index

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        paragraphs: list[tuple[str, float, bool, str]],
        anchor: str = "top",
        align: str = "left",
        fill: str | None = None,
        margin: float = 0.05,
    ):
        """A text box; each paragraph is (text, points, bold, colour)."""
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
        from pptx.util import Inches, Pt

        shape = self.slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#"))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}[
            anchor
        ]
        frame.margin_left = frame.margin_right = Inches(margin)
        frame.margin_top = frame.margin_bottom = Inches(0.03)
        for i, (text, size, bold, color) in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[align]
            run = para.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.name = "Calibri"
            run.font.color.rgb = RGBColor.from_string(color.lstrip("#"))
        return shape

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None, line: str | None = None):
        from pptx.dml.color import RGBColor
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Inches, Pt

        shape = self.slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
        shape.shadow.inherit = False
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#"))
        else:
            shape.fill.background()
        if line:
            shape.line.color.rgb = RGBColor.from_string(line.lstrip("#"))
            shape.line.width = Pt(1)
        else:
            shape.line.fill.background()
        return shape

    def badge(self, x: float, y: float, status: str, label: str, size: float = 14) -> float:
        background, foreground = badge_colors(status)
        width = 0.32 + len(label) * size * 0.0085
        shape = self.box(
            x,
            y,
            width,
            size / 72 * 1.55,
            [(label, size, True, foreground)],
            anchor="middle",
            align="center",
            fill=background,
        )
        shape.name = f"Status {label}"
        return x + width + 0.1

    def picture(self, png: bytes, x: float, y: float, w: float, h: float, alt: str) -> None:
        from pptx.util import Inches

        pic = self.slide.shapes.add_picture(io.BytesIO(png), Inches(x), Inches(y), Inches(w), Inches(h))
        pic._element.nvPicPr.cNvPr.set("descr", alt)  # alt text for screen readers

    def notes(self, lines: list[str]) -> None:
        self.slide.notes_slide.notes_text_frame.text = "\n".join(line for line in lines if line)

    def header(self, slide: Slide) -> None:
        self.rect(0, 0, self.W, 1.05, ACCENT)
        self.box(self.M, 0.08, 8.8, 0.35, [(slide.kicker, 14, False, "#FFFFFF")])
        self.box(self.W - self.M - 4.0, 0.08, 4.0, 0.35, [(self.deck.stand, 16, True, "#FFFFFF")], align="right")
        self.box(self.M, 0.4, self.W - 2 * self.M, 0.6, [(shorten(slide.title, 70), 30, True, "#FFFFFF")])

    def footer(self) -> None:
        self.box(self.M, self.H - 0.42, 9.0, 0.32, [(f"{self.deck.stand} · {self.deck.strategy}", 12, False, MUTED)])
        self.box(
            self.W - self.M - 3.0,
            self.H - 0.42,
            3.0,
            0.32,
            [(self.deck.slide_number(self.index), 12, True, INK)],
            align="right",
        )

    def title_slide(self, s: TitleSlide) -> None:
        self.box(self.M, 1.35, 12.4, 0.5, [(s.committee, 22, False, MUTED)])
        self.box(self.M, 1.9, 12.4, 0.8, [(self.deck.stand, 40, True, INK)])
        if s.adopted:
            self.box(self.M, 2.75, 12.4, 0.4, [(f"{s.title}, {s.adopted}", 16, False, MUTED)])
        paragraphs = [(f"{s.leitbild_label}: {s.mission}", 28, True, INK)]
        paragraphs += [(f"•  {p}", 20, False, INK) for p in s.principles]
        self.box(self.M, 3.35, 12.4, 3.0, paragraphs)
        if s.note:
            self.box(self.M, 6.55, 12.4, 0.4, [(s.note, 12, False, MUTED)])
        self.notes([s.title, s.committee, self.deck.stand, s.note])

    def theme_slide(self, s: ThemeSlide, bar: bytes) -> None:
        self.box(self.M, 1.25, 3.6, 1.0, [(s.share, 54, True, INK)])
        self.box(self.M, 2.25, 3.6, 0.9, [(s.share_label, 18, True, INK), (s.share_text, 14, False, MUTED)])
        x = 4.3
        for count in s.counts:
            background, foreground = badge_colors(count.status)
            self.box(
                x,
                1.3,
                1.68,
                1.25,
                [(str(count.count), 36, True, foreground), (count.label, 13, True, foreground)],
                anchor="middle",
                align="center",
                fill=background,
            )
            x += 1.76
        bar_w = self.W - 2 * self.M
        self.picture(bar, self.M, 3.05, bar_w, bar_w * BAR_CHART[1] / BAR_CHART[0], t("report.bar_alt", self.deck.lang))
        y = 3.05 + bar_w * BAR_CHART[1] / BAR_CHART[0] + 0.1
        self.box(self.M, y, 6, 0.4, [(s.fields_label, 18, True, INK)])
        y += 0.45
        row_h = min(0.42, (self.H - 0.55 - y) / max(len(s.fields), 1))
        for r in s.fields:
            self.box(self.M, y, 4.95, row_h, [(r.name, 16, True, INK)])
            self.box(5.4, y, 1.6, row_h, [(r.kpi_count, 15, False, INK)])
            self.box(7.0, y, 2.5, row_h, [(r.mix, 15, False, INK)])
            self.box(
                9.5, y, self.W - self.M - 9.5, row_h, [(" · ".join(filter(None, (r.late, r.stale))), 13, False, INK)]
            )
            y += row_h
        self.notes(
            [s.share_text]
            + [f"{c.label}: {c.count}" for c in s.counts]
            + [f"{r.name}: {r.kpi_count}, {r.mix} {r.late} {r.stale}".strip() for r in s.fields]
        )

    def field_slide(self, s: ActionFieldSlide, charts: dict[str, bytes]) -> None:
        left_w = 8.6
        card_w, card_h = (left_w - 0.15) / 2, 2.82  # two rows end above the footer
        top = 1.2
        if not s.cards:
            self.box(self.M, top, left_w, 0.6, [(s.empty_text, 18, False, MUTED)])
        for i, card in enumerate(s.cards):
            x = self.M + (i % 2) * (card_w + 0.15)
            y = top + (i // 2) * (card_h + 0.12)
            self.rect(x, y, card_w, card_h, None, RULE)
            nx = self.badge(x + 0.08, y + 0.08, card.status, card.status_text)
            if card.stale:
                self.badge(nx, y + 0.08, "stale", card.stale_text)
            name = f"{card.kpi_id} · {shorten(card.name, 62)}"
            # python-pptx cannot measure text: long names get the smaller size so they stay on two lines.
            self.box(x + 0.05, y + 0.42, card_w - 0.1, 0.56, [(name, 15 if len(name) <= 44 else 13, True, INK)])
            self.box(
                x + 0.05,
                y + 0.98,
                card_w - 0.1,
                0.46,
                [(" · ".join(filter(None, (card.actual, card.plan))), 12, False, INK)],
            )
            chart_h = card_h - 1.5
            chart_w = min(card_w - 0.1, chart_h * PPTX_CHART[0] / PPTX_CHART[1])
            self.picture(
                charts[card.kpi_id],
                x + (card_w - chart_w) / 2,
                y + 1.45,
                chart_w,
                chart_h,
                t("report.chart_alt", self.deck.lang, id=card.kpi_id),
            )
        px, pw = self.M + left_w + 0.25, self.W - 2 * self.M - left_w - 0.25
        panel = [(s.comments_label, 16, True, INK)]
        panel += [(f"{n.kpi_id} ({n.period}): {n.short}", 13, False, INK) for n in s.comments] or [
            (s.no_comments, 13, False, MUTED)
        ]
        if s.part == 1:
            panel.append((s.late_label, 16, True, INK))
            panel += [
                (f"⚠ {m.id} {shorten(m.title, 60)}: {m.state}, {m.detail}", 13, False, INK) for m in s.late_measures[:4]
            ] or [(s.no_measures, 13, False, MUTED)]
            if len(s.late_measures) > 4:
                panel.append((t("deck.measures_more", self.deck.lang, n=len(s.late_measures) - 4), 12, False, MUTED))
        self.box(px, top, pw, self.H - top - 0.55, panel)
        notes = [s.description]
        for card in s.cards:
            notes.append(
                " · ".join(
                    filter(
                        None,
                        (
                            card.kpi_id,
                            card.name,
                            card.status_text,
                            card.stale_text,
                            card.actual,
                            card.plan,
                            card.target,
                            card.forecast,
                            card.reach,
                        ),
                    )
                )
            )
        notes += [f"{n.kpi_id} ({n.period}): {n.text}" + (f" — {n.author}" if n.author else "") for n in s.comments]
        notes += [f"{m.id} {m.title}: {m.state}, {m.detail} ({m.responsible})" for m in s.measures]
        self.notes(notes)

    def decision_slide(self, s: DecisionSlide) -> None:
        if not s.sections:
            self.box(self.M, 1.4, 12.4, 1.0, [(s.empty_text, 22, False, INK)])
            return
        rows = sum(len(section.items) + 1 for section in s.sections)
        size = 17 if rows <= 12 else 15
        row_h = min(0.42, (self.H - 1.3 - 0.6) / rows)
        y = 1.25
        for section in s.sections:
            self.box(self.M, y, 12.4, row_h, [(section.title, size + 3, True, INK)], anchor="bottom")
            y += row_h + 0.04
            for item in section.items:
                self.box(self.M, y, 0.45, row_h, [(item.icon, size, True, INK)])
                self.box(self.M + 0.45, y, 1.0, row_h, [(item.ref, size, True, INK)])
                self.box(self.M + 1.45, y, 6.2, row_h, [(shorten(item.text, 62), size, False, INK)])
                self.box(self.M + 7.65, y, self.W - 2 * self.M - 7.65, row_h, [(item.detail, size - 2, False, MUTED)])
                y += row_h
            y += 0.08
        self.notes(
            [
                f"{section.title}: " + "; ".join(f"{i.ref} {i.text} ({i.detail})" for i in section.items)
                for section in s.sections
            ]
        )
