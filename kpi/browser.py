"""Finding a Chromium for browser tests, page benchmarks and static chart export.

Order: $KPI_CHROMIUM, the system's chromium, Playwright's own downloaded build. `python -m
kpi.browser --ensure` installs one where none exists (Debian's package as root, else
`playwright install chromium`), so that `make test` works on a fresh machine.

Two kinds of Chromium: the full browser (`find_chromium`: the browser tests, the page benchmarks, what a visitor
runs) and Chromium's headless shell where one is installed (`find_headless`: the charts Kaleido draws for the
reports). The shell is the same engine without the desktop browser around it; it starts and draws faster here, and
a chart drawn by either is the same PNG, byte for byte. The browser tests stay in the full browser: in the shell
they ran a third faster, but in one of two full runs a tab stopped answering (a click waited for ever for the
element to hold still, then the page would not load), which the full browser has not done in its last seven runs.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    candidates = [
        os.environ.get("KPI_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ]
    candidates += sorted(glob.glob(os.path.expanduser("~/.cache/ms-playwright/chromium-*/chrome-linux*/chrome")))
    return next((c for c in candidates if c and os.path.exists(c)), None)


def find_headless() -> str | None:
    """Chromium's headless shell (Debian's `chromium-headless-shell`, or Playwright's build), else `find_chromium`.
    $KPI_CHROMIUM, when set, is used for both."""
    if os.environ.get("KPI_CHROMIUM"):
        return find_chromium()
    candidates = [shutil.which("chromium-headless-shell")]
    candidates += sorted(
        glob.glob(os.path.expanduser("~/.cache/ms-playwright/chromium_headless_shell-*/*linux*/*headless*shell"))
    )
    return next((c for c in candidates if c and os.path.exists(c)), None) or find_chromium()


def _missing() -> list[str]:
    """Debian's packages this machine still lacks: the browser, and the headless shell beside it."""
    missing = [] if find_chromium() else ["chromium"]
    if find_headless() in (None, find_chromium()):
        missing.append("chromium-headless-shell")
    return missing


def ensure_chromium() -> str:
    missing = [] if os.environ.get("KPI_CHROMIUM") else _missing()
    if missing and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False)
    if not find_chromium():
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    found = find_chromium()
    if not found:
        raise SystemExit(
            "Kein Chromium gefunden oder installierbar: Browser-Tests und Diagramm-Export brauchen einen "
            "(KPI_CHROMIUM=/pfad/zu/chromium setzen)."
        )
    return found


if __name__ == "__main__":
    print(ensure_chromium() if "--ensure" in sys.argv else (find_chromium() or "none"))
