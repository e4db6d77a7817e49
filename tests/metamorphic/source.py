"""A project held in memory, its files parsed by the analyser's own tree-sitter grammars, and
byte-range edits on those trees: what every transformation is built from.

Transformations never search the text with regular expressions: they find nodes in the tree
and replace byte ranges (`Edit`), so a rewrite cannot touch a comment, a string or a longer name
that merely looks like its target.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sop_check.parse import jsonc
from sop_check.parse.typescript import CODE_EXTENSIONS, parse

Node = Any  # tree_sitter.Node (the binding ships no type stubs)

FUNCTIONS = ("function_declaration", "function_expression", "arrow_function", "method_definition",
             "generator_function_declaration")
# Names a rewrite must never take or rename: globals the code relies on, and React/Next/Tavus words.
GLOBALS = frozenset({
    "window", "globalThis", "self", "document", "navigator", "fetch", "process", "JSON", "console", "Promise",
    "Blob", "Request", "Response", "Headers", "URL", "Object", "Array", "String", "Number", "Boolean", "Math",
    "Date", "Error", "undefined", "NaN", "Infinity", "React", "require", "module", "exports", "arguments",
})


@dataclass(frozen=True)
class Edit:
    """Replace bytes [start, end) of one file with `text` (start == end inserts)."""

    start: int
    end: int
    text: str


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits; insertions at one point keep the order they were given in."""
    ordered = sorted(enumerate(edits), key=lambda ie: (ie[1].start, ie[1].end, ie[0]))
    out: list[bytes] = []
    pos = 0
    for _, e in ordered:
        if e.start < pos:
            raise ValueError(f"overlapping edits at byte {e.start}")
        out.append(source[pos:e.start])
        out.append(e.text.encode("utf-8"))
        pos = e.end
    out.append(source[pos:])
    return b"".join(out)


@lru_cache(maxsize=4096)
def _parsed(path_suffix: str, source: bytes) -> Any:
    return parse(source, path_suffix)


def is_code(path: str) -> bool:
    return path.endswith(CODE_EXTENSIONS)


@dataclass(frozen=True)
class Project:
    """A project's files (repository-relative path -> bytes). Immutable: every change is a new Project."""

    files: Mapping[str, bytes]
    notes: tuple[str, ...] = field(default=())  # what was done to it, in order (for failure messages)

    # -- reading --------------------------------------------------------------------------
    def code_paths(self) -> list[str]:
        return sorted(p for p in self.files if is_code(p))

    def text(self, path: str) -> bytes:
        return self.files[path]

    def tree(self, path: str) -> Any:
        suffix = "x" + Path(path).suffix  # the grammar depends on the extension only
        return _parsed(suffix, self.files[path])

    def root(self, path: str) -> Node:
        return self.tree(path).root_node

    def node_text(self, path: str, node: Node) -> str:
        return self.files[path][node.start_byte:node.end_byte].decode("utf-8")

    def parses_cleanly(self, path: str) -> bool:
        return not self.root(path).has_error

    # -- changing -------------------------------------------------------------------------
    def edited(self, path: str, edits: Iterable[Edit], note: str = "") -> Project:
        files = dict(self.files)
        files[path] = apply_edits(self.files[path], edits)
        return Project(files, self.notes + ((note,) if note else ()))

    def with_file(self, path: str, text: str, note: str = "") -> Project:
        files = dict(self.files)
        files[path] = text.encode("utf-8")
        return Project(files, self.notes + ((note,) if note else ()))

    def noted(self, note: str) -> Project:
        return Project(self.files, self.notes + (note,))

    def write(self, root: Path) -> Path:
        for rel, data in self.files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return root


def load_project(root: Path, renames: Mapping[str, str], skip: Iterable[str]) -> Project:
    """Every file under `root` (fixture env files renamed as a copy would have them)."""
    skipped = set(skip)
    files: dict[str, bytes] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name in skipped:
            continue
        rel = "/".join(renames.get(part, part) for part in p.relative_to(root).as_posix().split("/"))
        files[rel] = p.read_bytes()
    return Project(files)


# ---------------------------------------------------------------------------- tree helpers
def walk(node: Node) -> Iterator[Node]:
    """Every node under `node` (itself included), in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def of_type(node: Node, *types: str) -> list[Node]:
    return [n for n in walk(node) if n.type in types]


def ancestors(node: Node) -> Iterator[Node]:
    n = node.parent
    while n is not None:
        yield n
        n = n.parent


def inside(node: Node, outer: Node) -> bool:
    return bool(outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte)


def enclosing_function(node: Node) -> Node | None:
    return next((a for a in ancestors(node) if a.type in FUNCTIONS), None)


def statement_of(node: Node) -> Node | None:
    """The statement holding `node` that sits directly in a block or the program (None elsewhere)."""
    for a in [node, *ancestors(node)]:
        if a.parent is not None and a.parent.type in ("statement_block", "program") and a.type.endswith(
                ("statement", "declaration")):
            return a
    return None


def indentation(source: bytes, node: Node) -> str:
    line_start = source.rfind(b"\n", 0, node.start_byte) + 1
    prefix = source[line_start:node.start_byte]
    return prefix.decode("utf-8") if not prefix.strip() else " " * (len(prefix) - len(prefix.lstrip()))


def call_name(project: Project, path: str, call: Node) -> str:
    """`fetch`, `window.addEventListener`, `navigator.sendBeacon` (whitespace and `?.` removed)."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return ""
    return project.node_text(path, fn).replace("?.", ".").replace(" ", "")


def args_of(call: Node) -> list[Node]:
    a = call.child_by_field_name("arguments")
    return [] if a is None else [c for c in a.named_children if c.type != "comment"]


def string_value(project: Project, path: str, node: Node) -> str | None:
    """The value of a plain string literal or a template literal without substitutions."""
    if node.type == "string":
        return "".join(project.node_text(path, c) for c in node.named_children if c.type == "string_fragment")
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return project.node_text(path, node)[1:-1]
    return None


def js_string(value: str, quote: str = "'") -> str:
    return quote + value.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


# ---------------------------------------------------------------------------- module layout
def top_insert_point(project: Project, path: str) -> int:
    """The byte where new module-level statements go: after directives and imports."""
    root = project.root(path)
    point = 0
    for child in root.named_children:
        if child.type == "import_statement" or (child.type == "expression_statement" and child.named_children
                                                 and child.named_children[0].type == "string"):
            point = child.end_byte
        elif child.type != "comment":
            break
    return point


def has_use_client(project: Project, path: str) -> bool:
    root = project.root(path)
    first = next((c for c in root.named_children if c.type != "comment"), None)
    return (first is not None and first.type == "expression_statement" and bool(first.named_children)
            and string_value(project, path, first.named_children[0]) == "use client")


def relative_specifier(from_path: str, to_path: str) -> str:
    """The import specifier from one file to another, extension dropped (`./lib/x`, `../y`)."""
    target = posixpath.splitext(to_path)[0]
    if target.endswith("/index"):
        target = target[: -len("/index")]
    rel = posixpath.relpath(target, posixpath.dirname(from_path) or ".")
    return rel if rel.startswith(".") else "./" + rel


def fresh_path(project: Project, directory: str, stem: str, ext: str) -> str:
    n = 0
    while True:
        candidate = posixpath.join(directory, f"{stem}{'' if n == 0 else n}{ext}")
        if candidate not in project.files:
            return candidate
        n += 1


def resolve_import(project: Project, from_path: str, spec: str) -> str | None:
    """The project file an import specifier names: relative paths and tsconfig `paths` (`@/x`)."""
    candidates: list[str] = []
    if spec.startswith("."):
        candidates.append(posixpath.normpath(posixpath.join(posixpath.dirname(from_path), spec)))
    elif (package := _workspace_package(project, spec)) is not None:
        candidates.append(package)
    else:
        for prefix, targets in _path_aliases(project, from_path):
            if spec.startswith(prefix):
                candidates += [posixpath.normpath(t + spec[len(prefix):]) for t in targets]
    for base in candidates:
        for ext in ("", ".ts", ".tsx", ".js", ".jsx", "/index.ts", "/index.tsx", "/index.js", "/index.jsx"):
            if base + ext in project.files and is_code(base + ext):
                return base + ext
    return None


def _workspace_package(project: Project, spec: str) -> str | None:
    """A monorepo's own package imported by name (`@acme/ui` -> `packages/ui/src/index`)."""
    import json

    for path, data in project.files.items():
        if posixpath.basename(path) != "package.json":
            continue
        try:
            manifest = json.loads(data)
        except ValueError:
            continue
        if isinstance(manifest, dict) and manifest.get("name") == spec:
            main = str(manifest.get("main", "index"))
            return posixpath.normpath(posixpath.join(posixpath.dirname(path), posixpath.splitext(main)[0]))
    return None


def _path_aliases(project: Project, from_path: str) -> list[tuple[str, list[str]]]:
    """tsconfig.json `paths` of the nearest tsconfig above `from_path` (`@/*` -> [`./src/*`])."""
    directory = posixpath.dirname(from_path)
    while True:
        cfg = posixpath.join(directory, "tsconfig.json") if directory else "tsconfig.json"
        if cfg in project.files:
            try:
                data = jsonc.loads(project.files[cfg].decode("utf-8"))
            except ValueError:
                return []
            paths = data.get("compilerOptions", {}).get("paths", {}) if isinstance(data, dict) else {}
            out = []
            for key, targets in paths.items():
                if key.endswith("*"):
                    out.append((key[:-1], [posixpath.normpath(posixpath.join(directory, t[:-1])) + "/"
                                           for t in targets if t.endswith("*")]))
            return out
        if not directory:
            return []
        directory = posixpath.dirname(directory)


def importers(project: Project, target: str) -> list[tuple[str, Node]]:
    """(file, import or re-export statement) of every statement whose source resolves to `target`."""
    out = []
    for path in project.code_paths():
        for stmt in project.root(path).named_children:
            if stmt.type not in ("import_statement", "export_statement"):
                continue
            src = stmt.child_by_field_name("source")
            if src is None:
                continue
            spec = string_value(project, path, src)
            if spec is not None and resolve_import(project, path, spec) == target:
                out.append((path, stmt))
    return out


def is_entry(path: str) -> bool:
    """Files Next.js loads by their name (pages, layouts, routes): their exports are its contract."""
    name = posixpath.basename(path)
    stem = posixpath.splitext(name)[0]
    return stem in ("page", "layout", "route", "template", "middleware") or "/pages/" in "/" + path
