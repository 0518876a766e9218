"""`python -m kpi …` without a new interpreter: kpi.cli.main(argv) in this process with stdin, stdout and stderr
swapped, returning what a finished process would (exit code and both outputs). A process start costs 2–5 s on
a busy machine; the few tests that need a real process (locks, crashes, pipes, environment read at import) still
start one."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

from kpi.cli import main


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, db: str | None = None, stdin: str = "") -> CliResult:
    """Run the command line with `args` (and `--db db` in front when given), as `python -m kpi` would."""
    argv = (["--db", db] if db else []) + [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse, or a message given to SystemExit as the interpreter prints it
                code = exc.code if isinstance(exc.code, int) or exc.code is None else 1
                if not isinstance(exc.code, int) and exc.code is not None:
                    print(exc.code, file=sys.stderr)
    finally:
        sys.stdin = old_stdin
    return CliResult(code or 0, out.getvalue(), err.getvalue())
