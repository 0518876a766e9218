"""PDF and PowerPoint reports: the same deck as the presentation, reproducible as of a date, a clear
message instead of a traceback when no browser is there to draw the charts."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from kpi import report, report_cache
from kpi.cli import main
from kpi.i18n import fmt_value
from kpi.ingest import import_file
from kpi.periods import parse_timestamp
from kpi.report.deck import ActionFieldSlide, ThemeSlide
from kpi.revisions import current_catalog
from kpi.store import Store
from tests.conftest import write

ROOT = Path(__file__).resolve().parents[1]
D = "2025-12-31"
AS_OF = parse_timestamp(D)


@pytest.fixture(scope="session")
def report_store(tmp_path_factory, seeded_template) -> Store:
    """One demo store for the read-only tests of this module (the reports take seconds to draw)."""
    path = tmp_path_factory.mktemp("report") / "kpi.duckdb"
    path.write_bytes(seeded_template.read_bytes())
    return Store(f"duckdb:///{path}", lock_timeout=2)


@pytest.fixture(scope="session")
def deck(report_store):
    return report.load_deck(report_store, AS_OF)


# The one real PDF and the one real PowerPoint build of the session (every chart drawn in Chromium); every other
# test reads these, and a second build of the same deck comes from the image cache (in this process) or from the
# session's chart folder (KPI_CHART_CACHE, tests/conftest.py: also in other processes).
@pytest.fixture(scope="session")
def pdf(report_store) -> report.Report:
    return report.build_report(report_store, AS_OF, "pdf", charts=report_cache.chart_dir(report_store))


@pytest.fixture(scope="session")
def pptx(report_store) -> report.Report:
    return report.build_report(report_store, AS_OF, "pptx", charts=report_cache.chart_dir(report_store))


@pytest.fixture
def built(pdf, pptx, monkeypatch) -> list[tuple]:
    """The command line's `report` hands back the session's builds (asked for with the same store, Stand and
    language); returns the calls it received."""
    calls = []

    def build_report(store, as_of, fmt, lang="de", charts=None):
        calls.append((store.url, as_of, fmt, lang))
        return {"pdf": pdf, "pptx": pptx}[fmt]

    monkeypatch.setattr(report, "build_report", build_report)
    return calls


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def slide_texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


# -- PDF -------------------------------------------------------------------------------------------


@pytest.mark.report
def test_pdf_has_one_page_per_deck_slide_each_with_the_stand(pdf, deck):
    pages = pdf_pages(pdf.data)
    assert pdf.data.startswith(b"%PDF")
    assert len(pages) == len(deck) == pdf.pages
    assert all("31.12.2025" in text for text in pages)
    assert all(f"Seite {i + 1} / {len(deck)}" in text for i, text in enumerate(pages))


@pytest.mark.report
def test_pdf_names_themes_fields_and_kpis(pdf, report_store):
    text = "\n".join(pdf_pages(pdf.data))
    catalog = current_catalog(report_store)
    assert "Stand: 31.12.2025" in text
    assert "Leitbild: Iserlohn digital" in text
    for theme in catalog.themes:
        assert theme.name in text
    assert "Digitale Verwaltungsleistungen" in text
    for kpi in catalog.kpis:
        assert kpi.id in text
    assert "Entscheidungsbedarf" in text


@pytest.mark.report
def test_pdf_speaks_german_number_formats(pdf):
    text = "\n".join(pdf_pages(pdf.data))
    assert re.search(r"Ist 20\d\d: \d+,\d+ %", text)  # decimal comma
    assert re.search(r"\d{1,3}\.\d{3}", text)  # thousands dot
    assert "des Plans" in text


@pytest.mark.report
def test_pdf_embeds_a_chart_per_kpi(pdf, deck):
    reader = PdfReader(io.BytesIO(pdf.data))
    for page, slide in zip(reader.pages, deck.slides):
        if isinstance(slide, ActionFieldSlide):
            assert len(page.images) == len(slide.cards), slide.title
        elif isinstance(slide, ThemeSlide):
            assert len(page.images) == 1
    assert pdf.charts == len(deck.cards) + len(deck.theme_slides)


# -- PowerPoint ------------------------------------------------------------------------------------


@pytest.mark.report
def test_pptx_has_one_slide_per_deck_slide_with_stand_and_number(pptx, deck):
    prs = Presentation(io.BytesIO(pptx.data))
    assert len(prs.slides) == len(deck) == pptx.pages
    for i, slide in enumerate(prs.slides):
        text = slide_texts(slide)
        assert "Stand: 31.12.2025" in text
        assert f"Folie {i + 1} / {len(deck)}" in text


@pytest.mark.report
def test_pptx_carries_the_same_content_as_the_deck(pptx, deck, report_store):
    prs = Presentation(io.BytesIO(pptx.data))
    text = "\n".join(slide_texts(s) for s in prs.slides)
    for theme in current_catalog(report_store).themes:
        assert theme.name in text
    assert "Digitale Verwaltungsleistungen" in text
    assert "EG-01" in text
    assert "Entscheidungsbedarf" in text
    for slide, deck_slide in zip(prs.slides, deck.slides):
        assert deck_slide.title[:30] in slide_texts(slide)


@pytest.mark.report
def test_pptx_charts_are_pictures_with_alt_text(pptx, deck):
    prs = Presentation(io.BytesIO(pptx.data))
    for slide, deck_slide in zip(prs.slides, deck.slides):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if isinstance(deck_slide, ActionFieldSlide):
            assert len(pictures) == len(deck_slide.cards)
            assert all(p._element.nvPicPr.cNvPr.get("descr", "").startswith("Diagramm ") for p in pictures)
        elif isinstance(deck_slide, ThemeSlide):
            assert len(pictures) == 1


@pytest.mark.report
def test_pptx_notes_hold_the_full_detail(pptx, deck):
    prs = Presentation(io.BytesIO(pptx.data))
    index = next(i for i, s in enumerate(deck.slides) if isinstance(s, ActionFieldSlide))
    notes = prs.slides[index].notes_slide.notes_text_frame.text
    for card in deck.slides[index].cards:
        assert card.kpi_id in notes and card.target in notes


# -- reproducible as of a date ---------------------------------------------------------------------


@pytest.mark.report
def test_report_as_of_a_date_survives_later_corrections(seeded_store, tmp_path, pdf):
    # `pdf` is the session's report of a copy of the same demo store as of D (tests/conftest.py seeded_template).
    # A correction for a period up to D, imported today: invisible as of D, visible as of now.
    correction = write(
        tmp_path,
        "korrektur.csv",
        "Kennzahl;Zeitraum;Wert;Kommentar\nEG-01;2025;61,37;Nachmeldung aus der OZG-Statistik\n",
    )
    result = import_file(seeded_store, correction, user="test")
    assert result.ok and result.changed + result.new == 1

    after = report.build_report(seeded_store, AS_OF, "pdf")
    assert pdf_pages(after.data) == pdf_pages(pdf.data)
    assert after.data == pdf.data  # the same file, byte for byte
    assert after.rendered == 0  # nothing to draw again

    # As of now the deck the report draws (report.render(deck)) carries the correction.
    now_text = " ".join(report.load_deck(seeded_store, None).text().split())
    before_text = " ".join(" ".join(pdf_pages(pdf.data)).split())
    corrected = "Ist 2025: " + fmt_value(61.37, "%")
    assert corrected in now_text and corrected not in before_text
    assert "Nachmeldung aus der OZG-Statistik" in now_text
    assert "Nachmeldung aus der OZG-Statistik" not in before_text


@pytest.mark.report
def test_report_as_of_a_date_survives_a_later_target_change(seeded_store, pdf):
    # `pdf` is the session's report of a copy of the same demo store as of D, made before the change.
    import dataclasses
    from datetime import date

    from kpi.model import Target
    from kpi.revisions import record_catalog

    catalog = current_catalog(seeded_store)
    kpis = tuple(
        dataclasses.replace(k, targets=(Target(date(2025, 12, 31), 50.0), Target(date(2030, 12, 31), 85.0)))
        if k.id == "EG-01"
        else k
        for k in catalog.kpis
    )
    # The council lowers the target, valid for periods from 2024 on, recorded today (after D).
    result = record_catalog(
        seeded_store,
        dataclasses.replace(catalog, kpis=kpis),
        valid_from=date(2024, 1, 1),
        decision="Ratsbeschluss V/2026/117",
        user="test",
    )
    assert result.revision_id
    after = report.build_report(seeded_store, AS_OF, "pdf")
    assert after.data == pdf.data  # the same file, byte for byte
    assert after.rendered == 0  # nothing to draw again

    # As of now the deck the report draws (report.render(deck)) carries the new target.
    def eg01(as_of) -> str:
        text = " ".join(report.load_deck(seeded_store, as_of).text().split())
        return text.split("EG-01 ", 1)[1].split("EG-02 ", 1)[0]

    assert "Ziel 2030: " + fmt_value(85.0, "%") in eg01(None)
    assert "Ziel 2030: " + fmt_value(100.0, "%") in eg01(AS_OF)


def test_file_name_carries_the_as_of_date():
    assert report.file_name(AS_OF, "pdf") == "digitalcockpit_stand_2025-12-31.pdf"
    assert report.file_name(parse_timestamp("2026-03-04T09:05"), "pptx") == "digitalcockpit_stand_2026-03-04_0905.pptx"


# -- command line ----------------------------------------------------------------------------------


@pytest.mark.report
def test_cli_report_default_name_in_working_directory(report_store, tmp_path, monkeypatch, capsys, built, pdf):
    monkeypatch.chdir(tmp_path)
    assert main(["--db", report_store.url, "report", "--format", "pdf", "--as-of", D]) == 0
    assert built == [(report_store.url, AS_OF, "pdf", "de")]
    out = tmp_path / "digitalcockpit_stand_2025-12-31.pdf"
    assert out.read_bytes() == pdf.data
    assert (
        f"digitalcockpit_stand_2025-12-31.pdf geschrieben: {len(pdf_pages(pdf.data))} Seiten" in capsys.readouterr().out
    )


@pytest.mark.report
def test_cli_report_pptx_to_given_file_and_folder(report_store, tmp_path, built, capsys):
    target = tmp_path / "ausschuss.pptx"
    assert (
        main(
            ["--db", report_store.url, "report", "--format", "pptx", "--as-of", D, "--out", str(target), "--lang", "en"]
        )
        == 0
    )
    assert len(Presentation(str(target)).slides) > 5
    assert main(["--db", report_store.url, "report", "--format", "pptx", "--as-of", D, "--out", str(tmp_path)]) == 0
    assert (tmp_path / "digitalcockpit_stand_2025-12-31.pptx").exists()
    assert built == [(report_store.url, AS_OF, "pptx", "en"), (report_store.url, AS_OF, "pptx", "de")]
    assert "Folien" in capsys.readouterr().out


def test_cli_report_on_empty_store_says_to_seed(tmp_path, capsys):
    url = f"duckdb:///{tmp_path / 'leer.duckdb'}"
    assert main(["--db", url, "report", "--as-of", D, "--out", str(tmp_path / "x.pdf")]) == 1
    assert "python -m kpi seed" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_report_rejects_unreadable_as_of(report_store, tmp_path, capsys):
    assert main(["--db", report_store.url, "report", "--as-of", "Silvester", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "Silvester" in capsys.readouterr().err


@pytest.mark.processes
def test_cli_report_without_browser_fails_with_a_sentence(report_store, tmp_path):
    """A real process without any Chromium: exit code 1, a sentence naming the fix, no traceback."""
    # (nor the session's chart folder, which holds every chart of this report: it would need no browser)
    env = {k: v for k, v in os.environ.items() if k not in ("BROWSER_PATH", "KPI_CHROMIUM", "KPI_CHART_CACHE")}
    env.update(PATH=str(Path(sys.executable).parent), HOME=str(tmp_path))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi",
            "--db",
            report_store.url,
            "report",
            "--as-of",
            D,
            "--out",
            str(tmp_path / "x.pdf"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Kein Chromium gefunden" in proc.stderr and "make chromium" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.report
@pytest.mark.processes
def test_a_background_build_takes_the_charts_drawn_before_and_the_cached_download_is_immediate(
    pdf, pptx, seeded_store, tmp_path, monkeypatch, capsys
):
    """kpi.report_cache's build in its own process, over a copy of the same demo store as the session's builds: it
    finds every chart in the chart folder (none is added) and writes both files, which a look-up then finds.
    Measured: time to the files, and to the cached PDF."""
    monkeypatch.setenv("KPI_REPORT_CACHE", str(tmp_path / "cache"))
    charts = report_cache.chart_dir(seeded_store)
    before = {p.name for p in charts.rglob("*.png")}
    assert len(before) >= pdf.charts + pptx.charts - 2  # (two status bars are in both)
    stand = AS_OF.date()
    started = time.perf_counter()
    assert report_cache.schedule(seeded_store, stand, "de") is True
    time.sleep(0.5)
    assert report_cache.progress(seeded_store, stand, "de") is not None
    deadline = time.monotonic() + 300
    while report_cache.progress(seeded_store, stand, "de") is not None and time.monotonic() < deadline:
        time.sleep(0.25)
    uncached = time.perf_counter() - started
    files = {fmt: report_cache.lookup(seeded_store, stand, "de", fmt) for fmt in ("pdf", "pptx")}
    assert None not in files.values(), report_cache.failed(seeded_store, stand, "de")
    started = time.perf_counter()
    data = report_cache.lookup(seeded_store, stand, "de", "pdf").read_bytes()
    cached = time.perf_counter() - started
    assert data.startswith(b"%PDF") and files["pptx"].read_bytes()[:2] == b"PK"
    assert pdf_pages(data) == pdf_pages(pdf.data)
    assert {p.name for p in charts.rglob("*.png")} == before  # nothing drawn again
    assert report_cache.schedule(seeded_store, stand, "de") is False  # nothing left to do
    with capsys.disabled():
        print(
            f"\nreport cache: PDF+PPTX built in the background in {uncached:.1f} s (charts from the chart folder); "
            f"cached PDF read in {cached * 1000:.1f} ms"
        )


@pytest.mark.report
def test_charts_on_disk_need_no_browser(pdf, report_store, monkeypatch):
    """A new process (no image in memory) builds the same report from the chart folder alone: byte for byte, nothing
    drawn, even where no Chromium is left."""
    report.clear_image_cache()
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(report, "find_headless", lambda: None)
    again = report.build_report(report_store, AS_OF, "pdf", charts=report_cache.chart_dir(report_store))
    assert again.data == pdf.data and again.rendered == 0


def test_chart_folder_keeps_the_newest_images_of_the_current_version_only(tmp_path):
    old = tmp_path / "0123456789abcdef"
    old.mkdir()
    (old / "x.png").write_bytes(b"drawn by an older version")
    report._store_images(tmp_path, {f"chart {i}": f"png {i}".encode() for i in range(3)})
    current = tmp_path / report.render_version()
    assert [p.name for p in tmp_path.iterdir()] == [current.name]  # the older version's images are gone
    assert report._stored_images(tmp_path, ["chart 1", "unknown"]) == {"chart 1": b"png 1"}
    for age, path in enumerate(sorted(current.glob("*.png"))):
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    newest = sorted(current.glob("*.png"))[1:]
    report._prune_images(tmp_path, keep=2)
    assert sorted(current.glob("*.png")) == newest


def test_a_chart_folder_that_cannot_be_written_costs_no_report(tmp_path):
    blocked = tmp_path / "charts"
    blocked.write_text("a file where the folder should be")
    report._store_images(blocked, {"chart": b"png"})  # logged, not raised
    assert report._stored_images(blocked, ["chart"]) == {}


def test_charts_kaleido_could_not_draw_are_drawn_again_and_a_lasting_failure_is_named(tmp_path, monkeypatch):
    """Kaleido returns a figure's error instead of raising it (plotly.io.write_images then drops it and the image is
    simply missing): the missing ones are drawn in a second session; when that fails too, the report names why."""
    import kaleido

    calls: list[list[str]] = []

    def flaky(specs, kopts):  # the first session draws only the first figure, the second the rest
        calls.append([spec["path"].name for spec in specs])
        for spec in specs[: 1 if len(calls) == 1 else None]:
            spec["path"].write_bytes(b"png " + spec["path"].name.encode())
        return (TimeoutError("render timed out"),) if len(calls) == 1 else ()

    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", flaky)
    jobs = [report.ImageJob(f"figure {i}", go.Figure, 10, 10) for i in range(3)]
    paths = [tmp_path / f"{i}.png" for i in range(3)]
    report._draw(jobs, paths)
    assert calls == [["0.png", "1.png", "2.png"], ["1.png", "2.png"]]
    assert [p.read_bytes() for p in paths] == [b"png 0.png", b"png 1.png", b"png 2.png"]

    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", lambda specs, kopts: (TimeoutError("render timed out"),))
    monkeypatch.setenv("BROWSER_PATH", sys.executable)  # a file that exists: the browser check passes
    with pytest.raises(report.ReportError, match="TimeoutError: render timed out"):
        report.render_images([report.ImageJob("never drawn", go.Figure, 10, 10)])


def test_no_browser_is_a_report_error(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(report, "find_headless", lambda: None)
    job = report.ImageJob("never-drawn-before", lambda: None, 10, 10)
    with pytest.raises(report.ReportError, match="Kein Chromium"):
        report.render_images([job])


def test_browser_path_pointing_nowhere_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))
    with pytest.raises(report.ReportError, match="BROWSER_PATH"):
        report.browser_path()


def test_pdf_font_is_the_shipped_one_and_can_be_chosen(monkeypatch):
    monkeypatch.delenv("KPI_PDF_FONT", raising=False)
    regular, bold = report.find_font()
    fonts = Path(report.__file__).parent / "fonts"
    assert (Path(regular), Path(bold)) == (fonts / "DejaVuSans.ttf", fonts / "DejaVuSans-Bold.ttf")
    assert (fonts / "LICENSE").read_text(encoding="utf-8").count("Bitstream") > 0
    monkeypatch.setenv("KPI_PDF_FONT", bold)
    assert report.find_font()[0] == bold
