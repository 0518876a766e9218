"""The layout rules of kpi/: the domain never imports Streamlit (only kpi/web/ does), and no kpi module imports
another in a cycle (also not through an import inside a function)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KPI = ROOT / "kpi"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def kpi_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(KPI.rglob("*.py"))}


def imported_kpi_modules(path: Path, modules: set[str]) -> set[str]:
    """The kpi modules `path` imports anywhere (top level, inside functions, under TYPE_CHECKING)."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != own:
                found.add(name)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_cycles_among_kpi_modules():
    modules = kpi_modules()
    graph = {name: imported_kpi_modules(path, set(modules)) for name, path in modules.items()}
    # A package's __init__ runs before its modules: a module importing its own package is no cycle of ours.
    graph = {name: {d for d in deps if not name.startswith(d + ".")} for name, deps in graph.items()}
    assert graph["kpi.web.ui"] >= {"kpi.web.auth_ui"}  # the graph sees the imports it should
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


PROBE = """
import importlib, json, sys
loaded = {}
for name in sys.argv[1:]:
    importlib.import_module(name)
    loaded[name] = sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))[:3]
print(json.dumps(loaded))
"""


@pytest.mark.processes  # a fresh interpreter (subprocess)
def test_only_kpi_web_imports_streamlit():
    """Every module outside kpi/web/ is imported, one after the other, in a fresh interpreter: none of them may
    load Streamlit (the domain runs in the command line, the benchmarks and the report without it)."""
    outside = [name for name in kpi_modules() if not name.startswith("kpi.web") and name != "kpi.__main__"]
    assert "kpi.store" in outside and "kpi.report" in outside and "kpi.bench.pages" in outside
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *outside], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    loaded = json.loads(done.stdout)
    assert {name: mods for name, mods in loaded.items() if mods} == {}


@pytest.mark.processes  # a fresh interpreter (subprocess)
def test_kpi_web_is_where_streamlit_is():
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "kpi.web.ui"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    assert json.loads(done.stdout)["kpi.web.ui"]  # the probe does see Streamlit when it is loaded
    assert (KPI / "web" / "__init__.py").read_text(
        encoding="utf-8"
    ) == '"""Streamlit-facing code of Digitalcockpit."""\n'


def test_pages_only_draw():
    """app.py draws the sidebar, builds the role-filtered menu and holds the error boundary: no page file does any
    of that again (the per-page boilerplate the old layout needed)."""
    pages = sorted((ROOT / "app_pages").glob("*.py"))
    assert len(pages) >= 9
    boilerplate = ("ui.guard(", "ui.sidebar(", "st.navigation(", "auth.can(ctx.user, auth.READ")
    found = {page.name: [b for b in boilerplate if b in page.read_text(encoding="utf-8")] for page in pages}
    assert {name: hits for name, hits in found.items() if hits} == {}
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "ui.guard(ctx)" in app and "ui.sidebar()" in app and "st.navigation(" in app
    assert not (ROOT / "pages").exists()  # Streamlit's old pages/ folder would bring back the typed-URL quirk
