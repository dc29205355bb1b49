"""The command line's modules form no import cycle: commands import twin.cli's helpers, never app.

The graph counts every import statement, also those inside functions, since
a lazy import only postpones a cycle to the first call that takes it.
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TWIN = REPO / "twin"
HELPERS = ("twin.cli.common", "twin.cli.progress", "twin.cli.study")
COMMANDS = ("twin.report.command", "twin.scenario.command", "twin.power.command",
            "twin.telemetry.command", "twin.cfd.command")


def module_files() -> dict:
    """Every twin module name -> its file."""
    names = {}
    for path in TWIN.rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known) -> set:
    """The twin modules `path` imports anywhere in its code (relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                keep = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(keep + ([node.module] if node.module else []))
            for alias in node.names:      # a submodule, else a name from the package itself
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known and m != name}


def cycles(graph: dict) -> list:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def import_graph() -> dict:
    files = module_files()
    return {name: imports_of(name, path, files) for name, path in files.items()}


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_command_line_module_is_in_an_import_cycle():
    graph = import_graph()
    assert set(HELPERS + COMMANDS) <= set(graph), "a module of the command line moved"
    involved = [c for c in cycles(graph)
                if any(m.startswith("twin.cli") or m.endswith(".command") for m in c)]
    assert involved == [], f"import cycle through the command line: {involved}"


def test_the_helpers_import_no_command_module():
    graph = import_graph()
    for helper in HELPERS:
        reached, todo = set(), [helper]
        while todo:                                   # everything the helper can import
            for dep in graph[todo.pop()] - reached:
                reached.add(dep)
                todo.append(dep)
        bad = sorted(m for m in reached if m in COMMANDS or m in ("twin.cli.app", "twin.cli"))
        assert bad == [], f"{helper} reaches {bad}"


LOADED = r"""
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("twin."))))
"""


@pytest.mark.parametrize("module", COMMANDS + HELPERS)
def test_each_module_imports_fresh_without_the_command_line_app(module):
    proc = subprocess.run([sys.executable, "-c", LOADED, module], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert module in loaded
    assert "twin.cli.app" not in loaded
    assert not (loaded & set(COMMANDS)) - {module}, sorted(loaded & set(COMMANDS))


def test_entry_point_and_python_dash_m_reach_main():
    from importlib.metadata import entry_points

    import twin.cli
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "dctwin"]
    assert script.value == "twin.cli:main"
    assert script.load() is twin.cli.main
    for argv in (["-m", "twin", "--version"], ["-m", "twin.cli", "--version"]):
        proc = subprocess.run([sys.executable, *argv], cwd=REPO, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0 and proc.stdout.startswith("dctwin "), proc.stderr
