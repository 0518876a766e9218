"""Committee reports made before they are asked for: a disk cache of the PDF and PowerPoint files, keyed by
Stand (a day), the store's version (which names the data and the catalog), language and format.

After every import, undo or catalog change `schedule_default_reports(store)` starts a separate process
(`python -m kpi.report_cache …`) that renders the current reports (default language, today's Stand), so
the server stays responsive while Kaleido's Chromium draws the charts; a page or the API then serves the
file at once. Reports for other Stands are cached the same way after their first build. No Streamlit here.

A build in progress is marked by a file `.building-<stand>_<lang>.json` (pid, start) in the cache folder:
it is what the page shows as progress, and it keeps two processes from building the same report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from kpi.store import ROOT, Store

log = logging.getLogger("digitalcockpit")
FORMATS = ("pdf", "pptx")
DEFAULT_LANG = "de"
KEEP_FILES = 48  # newest cached files kept; older ones are removed after a build
MAX_BUILDS = 2  # at once: today's after a change beside one asked for (each takes a Chromium and a core)
STALE_MARKER_SECONDS = 15 * 60


@dataclass(frozen=True)
class Progress:
    stand: date
    lang: str
    started: float  # epoch seconds
    pid: int

    @property
    def seconds(self) -> float:
        return max(0.0, clock.time() - self.started)


def prebuild_enabled(env: dict | None = None) -> bool:
    """KPI_REPORT_PREBUILD=0 turns the background builds off (the test suite does, to spare the CPU): reports
    are then made when asked for (and cached all the same)."""
    return str((os.environ if env is None else env).get("KPI_REPORT_PREBUILD", "1")).strip().lower() not in {
        "0",
        "false",
        "no",
        "nein",
        "off",
    }


def cache_dir(store: Store) -> Path:
    """KPI_REPORT_CACHE, else `report_cache/` next to the DuckDB file (else data/report_cache)."""
    configured = os.environ.get("KPI_REPORT_CACHE", "").strip()
    if configured:
        return Path(configured)
    folder = Path(store.path).parent if store.path and store.path != ":memory:" else ROOT / "data"
    return folder / "report_cache"


def chart_dir(store: Store) -> Path:
    """KPI_CHART_CACHE, else `charts/` in the cache folder: the chart images of every report drawn for this store
    (kpi.report.render_images), shared by the server and its background builds."""
    configured = os.environ.get("KPI_CHART_CACHE", "").strip()
    return Path(configured) if configured else cache_dir(store) / "charts"


def as_of_for(stand: date) -> datetime:
    """A report of a Stand shows what was recorded by the end of that day."""
    return datetime.combine(stand, time.max)


def cache_key(version: tuple, stand: date, lang: str, fmt: str) -> str:
    return hashlib.sha256(json.dumps([list(map(str, version)), stand.isoformat(), lang, fmt]).encode()).hexdigest()[:20]


def cached_path(store: Store, stand: date, lang: str, fmt: str, version: tuple | None = None) -> Path:
    version = store.version() if version is None else version
    return cache_dir(store) / f"{stand.isoformat()}_{lang}_{cache_key(version, stand, lang, fmt)}.{fmt}"


def lookup(store: Store, stand: date, lang: str, fmt: str, version: tuple | None = None) -> Path | None:
    """The cached file for the store's current state, if it has been made."""
    path = cached_path(store, stand, lang, fmt, version)
    return path if path.is_file() else None


def _marker(store: Store, stand: date, lang: str) -> Path:
    return cache_dir(store) / f".building-{stand.isoformat()}_{lang}.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def progress(store: Store, stand: date, lang: str) -> Progress | None:
    """The build in progress for a Stand and language, if any (a marker of a dead process is removed)."""
    marker = _marker(store, stand, lang)
    try:
        info = json.loads(marker.read_text())
        found = Progress(stand, lang, float(info["started"]), int(info["pid"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    if not _alive(found.pid) or found.seconds > STALE_MARKER_SECONDS:
        marker.unlink(missing_ok=True)
        return None
    return found


def _failure(store: Store, stand: date, lang: str) -> Path:
    return cache_dir(store) / f".failed-{stand.isoformat()}_{lang}.json"


def failed(store: Store, stand: date, lang: str, version: tuple | None = None) -> str | None:
    """Why the last background build for this Stand, language and store state failed (None: it did not)."""
    version = store.version() if version is None else version
    try:
        info = json.loads(_failure(store, stand, lang).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return str(info.get("error") or "?") if info.get("key") == cache_key(version, stand, lang, "") else None


def running_builds(store: Store) -> int:
    folder = cache_dir(store)
    if not folder.is_dir():
        return 0
    count = 0
    for marker in folder.glob(".building-*_*.json"):
        stand, _, lang = marker.name.removeprefix(".building-").removesuffix(".json").rpartition("_")
        try:
            count += progress(store, date.fromisoformat(stand), lang) is not None
        except ValueError:
            continue
    return count


def _claim_marker(store: Store, stand: date, lang: str, pid: int) -> bool:
    marker = _marker(store, stand, lang)
    marker.parent.mkdir(parents=True, exist_ok=True)
    progress(store, stand, lang)  # clears a dead build's marker
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as file:
        json.dump({"pid": pid, "started": clock.time()}, file)
    return True


def build(store: Store, stand: date, lang: str = DEFAULT_LANG, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Render the reports of a Stand now (in this process) into the cache; returns the files."""
    from kpi import report

    version = store.version()
    wanted = [f for f in formats if lookup(store, stand, lang, f, version) is None]
    done = [cached_path(store, stand, lang, f, version) for f in formats if f not in wanted]
    if not wanted:
        return done
    deck = report.load_deck(store, as_of_for(stand), lang)
    for fmt in wanted:
        path = cached_path(store, stand, lang, fmt, version)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(report.render(deck, fmt, chart_dir(store)).data)
        partial.replace(path)  # atomic: a reader sees the whole file or none
        done.append(path)
    _prune(cache_dir(store))
    return done


def _prune(folder: Path, keep: int = KEEP_FILES) -> None:
    files = sorted(
        (p for p in folder.iterdir() if p.suffix in (".pdf", ".pptx") and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def schedule(store: Store, stand: date, lang: str = DEFAULT_LANG, formats: tuple[str, ...] = FORMATS) -> bool:
    """Start a background process that builds the missing reports of a Stand; False when they are cached
    already or a build is running."""
    version = store.version()
    if (
        all(lookup(store, stand, lang, f, version) for f in formats)
        or progress(store, stand, lang)
        or failed(store, stand, lang, version)
    ):
        return False
    if running_builds(store) >= MAX_BUILDS:
        return False
    # The marker is written here, not by the child (which needs a second to start): the page shows progress at
    # once, and a second request does not start a second build.
    if not _claim_marker(store, stand, lang, os.getpid()):
        return False
    command = [
        sys.executable,
        "-m",
        "kpi.report_cache",
        "--db",
        store.url,
        "--stand",
        stand.isoformat(),
        "--lang",
        lang,
        "--format",
        ",".join(formats),
        "--claimed",
    ]
    env = {**os.environ, "KPI_REPORT_CACHE": str(cache_dir(store))}
    try:
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        _marker(store, stand, lang).unlink(missing_ok=True)
        raise
    _marker(store, stand, lang).write_text(json.dumps({"pid": child.pid, "started": clock.time()}))
    return True


def schedule_default_reports(store: Store) -> bool:
    """The hook after every import, undo and catalog change: today's reports in the default language."""
    if not prebuild_enabled():
        return False
    try:
        return schedule(store, date.today())
    except Exception:  # noqa: BLE001 - a report that cannot be prepared must never fail the import
        log.exception("could not schedule the committee reports")
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kpi.report_cache", description="Ausschussberichte vorab erstellen")
    parser.add_argument("--db", default=None)
    parser.add_argument("--stand", default=None, help="JJJJ-MM-TT (Standard: heute)")
    parser.add_argument("--lang", default=DEFAULT_LANG, choices=("de", "en"))
    parser.add_argument("--format", default=",".join(FORMATS))
    parser.add_argument("--claimed", action="store_true", help=argparse.SUPPRESS)  # started by schedule()
    args = parser.parse_args(argv)
    store = Store(args.db)
    stand = date.fromisoformat(args.stand) if args.stand else date.today()
    formats = tuple(f for f in args.format.split(",") if f in FORMATS)
    if not args.claimed and not _claim_marker(store, stand, args.lang, os.getpid()):
        print("Ein anderer Prozess erstellt diese Berichte bereits.", file=sys.stderr)
        return 0
    try:
        started = clock.perf_counter()
        files = build(store, stand, args.lang, formats)
        print(f"{len(files)} Bericht(e) in {clock.perf_counter() - started:.1f} s: " + ", ".join(map(str, files)))
        return 0
    except Exception as exc:  # noqa: BLE001 - remembered for this store state; the page then builds on demand
        print(f"Fehler: {exc}", file=sys.stderr)
        _failure(store, stand, args.lang).write_text(
            json.dumps({"key": cache_key(store.version(), stand, args.lang, ""), "error": str(exc)[:500]})
        )
        return 1
    finally:
        _marker(store, stand, args.lang).unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
