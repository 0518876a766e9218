"""A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, a cluster in a temporary folder,
reachable only through a Unix socket in that folder, removed when stopped.

As root the server runs as the `postgres` system user (PostgreSQL refuses to run as root); otherwise as the
current user. `PgCluster.available()` names why it cannot run here (no binaries, no such user), so that callers
can skip with that reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SEARCH = ("/usr/lib/postgresql/*/bin",)
PORT = 5432  # only names the socket file inside the cluster's own folder: clusters never collide
USER = "kpi"


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (KPI_PG_BIN first), or None."""
    env = os.environ.get("KPI_PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(
        glob.glob(SEARCH[0]),
        key=lambda p: int(Path(p).parent.name or 0) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def _run_as() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PgCluster:
    """`start()` makes and starts a cluster; `url(db)` is a SQLAlchemy URL; `stop()` stops it and deletes it."""

    def __init__(self, root: Path | None = None):
        self.bin = find_bin_dir()
        # As root, in /tmp: the postgres user must reach the folder (TMPDIR may be under /root), and a Unix
        # socket's path is limited to about 100 characters.
        shared = "/tmp" if os.geteuid() == 0 and os.path.isdir("/tmp") else None
        self.root = Path(root or tempfile.mkdtemp(prefix="kpi-pg-", dir=shared))
        self.data = self.root / "data"
        self.socket = self.root
        self.started = False

    @staticmethod
    def available() -> str | None:
        """None when a cluster can be started here, else the reason it cannot."""
        if find_bin_dir() is None:
            return (
                "PostgreSQL-Programme nicht gefunden (/usr/lib/postgresql/*/bin; `apt-get install postgresql` "
                "oder KPI_PG_BIN setzen)"
            )
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                return "als root fehlt runuser, um PostgreSQL als Benutzer postgres zu starten"
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                return "als root fehlt der Systembenutzer postgres (Debian-Paket postgresql installieren)"
        return None

    def _cmd(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*_run_as(), *args], check=True, capture_output=True, text=True, timeout=300)

    def start(self) -> PgCluster:
        reason = self.available()
        if reason:
            raise RuntimeError(reason)
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        self._cmd(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' -c port={PORT} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._cmd(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "120",
            "start",
        )
        self.started = True
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@/{database}?host={self.socket}&port={PORT}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE) in the maintenance database."""
        import psycopg

        with psycopg.connect(host=str(self.socket), port=PORT, user=USER, dbname="postgres", autocommit=True) as c:
            c.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.started:
            for _ in range(3):
                try:
                    self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
                    break
                except subprocess.CalledProcessError:
                    time.sleep(1)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def ensure_installed() -> str:
    """`make test` on a fresh Debian machine: install Debian's PostgreSQL when missing and running as root (as the
    Chromium step does); returns what was found or why PostgreSQL tests will be skipped."""
    if find_bin_dir() is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "postgresql"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    reason = PgCluster.available()
    return f"PostgreSQL: {find_bin_dir()}" if reason is None else f"PostgreSQL-Tests werden übersprungen: {reason}"


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--ensure"]:
        print(ensure_installed())
