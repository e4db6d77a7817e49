"""The shape of the code: no import cycle, no oversized module, in `sop_check/` and the rule pack.

An import cycle means neither module can be understood, tested or changed alone, and it is the
usual reason for imports hidden inside functions; so every import counts here, whether at module
level, inside a function or under `if TYPE_CHECKING:`: a cycle behind a lazy import is still a
cycle. The graph is built from the source with `ast` (nothing is imported or run), relative
imports resolved; `from package import name` points at the submodule when `name` is one, at the
package otherwise. The rule pack (`rules/`) is installed as `sop_check_rules` and named so here.
Modules loaded by a name built at run time (`importlib.import_module`: the registry loading the
rule modules, the report dispatcher loading one reporter) are plugin lookups, not in the graph.

The developers' guide asks for modules of about 400 lines at most; the second test holds it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Folder on disk -> the package name it is imported under.
PACKAGES = {"sop_check": ROOT / "sop_check", "sop_check_rules": ROOT / "rules"}
MAX_LINES = 400
# Modules allowed over MAX_LINES for now, each with the reason. Keep this short, ideally empty.
OVERSIZED: dict[str, str] = {
}


def module_files() -> dict[str, Path]:
    """Every module of both packages by dotted name (a package is named by its `__init__.py`)."""
    found: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of `from <level dots><target> import ...` written in `module`."""
    if level == 0:
        return target or ""
    base = module.split(".")
    # In a package's __init__ one dot is the package itself; in a plain module, its parent.
    keep = len(base) - level + (1 if is_package else 0)
    prefix = ".".join(base[:keep])
    return f"{prefix}.{target}" if target else prefix


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `module` imports anywhere in its source (functions and TYPE_CHECKING too)."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, is_package, node.level, node.module)
            names = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                     for alias in node.names]
        else:
            continue
        for name in names:
            # `import a.b.c` binds a.b.c; stop at the deepest name that is one of ours.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that comes back to its start, or None (depth-first, iterative)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path = [start]
        pending = [iter(sorted(graph[start]))]
        state[start] = 1
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                pending.append(iter(sorted(graph[nxt])))
    return None


def test_the_graph_is_read_from_the_source() -> None:
    """The checks below pass vacuously on an empty or wrongly resolved graph; pin a few known edges."""
    graph = import_graph()
    assert "sop_check.model" in graph["sop_check.rule"]
    assert "sop_check.context" in graph["sop_check_rules.tav001_end_route"]
    # A relative import resolved, and `from package import module` pointing at the module.
    assert "sop_check.evaluate.interpreter" in graph["sop_check.evaluate"]


def test_find_cycle_names_the_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_relative_imports_resolve() -> None:
    assert _absolute("p.q.m", False, 1, "n") == "p.q.n"
    assert _absolute("p.q", True, 1, "n") == "p.q.n"
    assert _absolute("p.q.m", False, 2, None) == "p"


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_oversized_module() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in module_files().items()}
    over = sorted(f"{name} ({lines} lines)" for name, lines in sizes.items()
                  if lines > MAX_LINES and name not in OVERSIZED)
    assert over == [], f"modules over {MAX_LINES} lines: " + ", ".join(over)
    stale = sorted(name for name in OVERSIZED if sizes.get(name, 0) <= MAX_LINES)
    assert stale == [], "no longer oversized, drop from OVERSIZED: " + ", ".join(stale)
