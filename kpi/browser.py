"""Finding a Chromium for browser tests, page benchmarks and static chart export.

Order: $KPI_CHROMIUM, the system's chromium, Playwright's own downloaded build. `python -m
kpi.browser --ensure` installs one where none exists (Debian's package as root, else
`playwright install chromium`), so that `make test` works on a fresh machine.
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


def ensure_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False)
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
