"""The project index: every file parsed at most once, into facts the rules query.

An `AppIndex` is built per Next.js app. It decides from bytes before parsing
(a file without any needle of the selected rules is never parsed unless an
import from code that matters reaches it), parses lazily as rules and the
evaluator follow imports, and keeps the parsed modules only while the app is
being checked.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import field
from sop_check.records import record
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sop_check.bytescan import Needles, import_specifiers
from sop_check.jsmodule import Module, jsx_tag
from sop_check.model import Diagnostic, Location
from sop_check.parse.typescript import CODE_EXTENSIONS, TS_EXTENSIONS
from sop_check.source import FileSource
from sop_check.textpos import location_from_bytes


@record
class FileFacts:
    """What the bytes of one file say before any parse."""

    path: str
    size: int
    needles: Needles  # `needle in needles`
    specifiers: tuple[str, ...]


@record
class AppIndex:
    """Everything the rules know about one app. Built by `sop_check.engine`."""

    root: Path
    rel_root: str
    repo_root: Path
    files: list[str]
    env_names: list[str]
    make_resolver: Any  # () -> sop_check.resolve.ModuleResolver, built on first use
    # Which files the framework loads on its own (sop_check.routes.entry_files for Next.js), given
    # by the builder: the index caches files and parses, and knows no framework's conventions.
    find_entries: Callable[[AppIndex], list[str]]
    non_evidence_patterns: list[str]  # gitignore-style patterns of files that are not evidence
    needles: tuple[str, ...]
    max_file_size: int = 2_000_000
    prefilter: bool = True
    git_root: Path | None = None
    source: FileSource = field(default_factory=FileSource)  # the work tree, or the index under --staged
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _facts: dict[str, FileFacts | None] = field(default_factory=dict)
    _modules: dict[str, Module | None] = field(default_factory=dict)
    _bytes: dict[str, tuple[bytes | None, str | None]] = field(default_factory=dict)  # read once a run
    _lowered: dict[str, bytes] = field(default_factory=dict)
    _quiet: dict[str, tuple[Module | None, list[tuple[str, str, str]]]] = field(default_factory=dict)
    _muted: list[tuple[str, str, str]] | None = None  # diagnostics held back while peeking
    _env: dict[str, Any] = field(default_factory=dict)
    _reachable: set[str] | None = None
    _python: dict[str, Any] = field(default_factory=dict)
    _file_set: set[str] = field(default_factory=set)
    _reported: set[str] = field(default_factory=set)
    _resolver: Any = None
    _non_evidence: Any = None
    # Analyses several rules share (e.g. the unload listeners for TAV003 and TAV004), by name.
    memo: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._file_set = set(self.files)
        self._needle_set = frozenset(self.needles)

    # -- locations ----------------------------------------------------------
    def repo_path(self, app_path: str) -> str:
        """Repository-relative path; `../` of files in a monorepo's shared packages folded away."""
        joined = app_path if self.rel_root == "." else f"{self.rel_root}/{app_path}"
        return posixpath.normpath(joined) if "../" in joined else joined

    def location(self, app_rel_path: str, line: int = 1, column: int = 1) -> Location:
        return Location(path=self.repo_path(app_rel_path), line=line, column=column)

    def has_file(self, app_rel_path: str) -> bool:
        return app_rel_path in self._file_set

    def diagnose(self, app_path: str, message: str, level: str = "warning") -> None:
        if self._muted is not None:
            self._muted.append((app_path, message, level))
            return
        key = f"{app_path}\0{message}"
        if key not in self._reported:
            self._reported.add(key)
            self.diagnostics.append(Diagnostic(self.repo_path(app_path), message, level))

    # -- bytes --------------------------------------------------------------
    def read_bytes(self, app_path: str, *, quiet: bool = False) -> bytes | None:
        """The file's bytes, or None with a diagnostic (unreadable, binary, too large).

        Only files discovery listed are read (and `../` files the resolver found in the
        source): a path a rule merely names, such as where a missing route belongs, is
        absent, not "disappeared".
        """
        if app_path not in self._file_set and not app_path.startswith("../"):
            return None
        if app_path not in self._bytes:  # prefilters ask for the same files many times in a run
            self._bytes[app_path] = self.source.read(self.root / app_path, self.max_file_size)
        data, problem = self._bytes[app_path]
        if problem and not quiet:  # said at each read but a quiet one (diagnose keeps one)
            self.diagnose(app_path, problem, "notice" if problem.startswith("skipped") else "warning")
        return data

    def lowered(self, app_path: str) -> bytes | None:
        """`read_bytes`, lowercased (kept for the run: case-insensitive prefilters)."""
        data = self.read_bytes(app_path)
        if data is not None and app_path not in self._lowered:
            self._lowered[app_path] = data.lower()
        return self._lowered[app_path] if data is not None else None

    def facts(self, app_path: str) -> FileFacts | None:
        if app_path in self._facts:
            return self._facts[app_path]
        data, lower = self.read_bytes(app_path), self.lowered(app_path)
        if data is None or lower is None:
            self._facts[app_path] = None
            return None
        found = Needles(lower, self._needle_set)
        specs = tuple(m.decode("utf-8", "replace") for m in import_specifiers(data))
        f = FileFacts(app_path, len(data), found, specs)
        self._facts[app_path] = f
        return f

    # -- modules ------------------------------------------------------------
    def code_files(self) -> list[str]:
        return [f for f in self.files if f.endswith(CODE_EXTENSIONS)]

    def module(self, app_path: str) -> Module | None:
        """The parsed module (cached; parsed at most once), or None if it cannot be read."""
        if app_path in self._modules:
            return self._modules[app_path]
        mod, said = self._quiet.pop(app_path) if app_path in self._quiet else (self._load(app_path), [])
        for args in said:  # peeked at before: what reading and parsing it found is said now
            self.diagnose(*args)
        self._modules[app_path] = mod
        return mod

    def parsed_module(self, app_path: str) -> Module | None:
        """The module if a rule has parsed it already (None if not, or unreadable)."""
        return self._modules.get(app_path)

    def peek_module(self, app_path: str) -> Module | None:
        """`module` for a query that only needs what a module holds: what parsing it finds is said only
        once a rule asks through `module`, and it does not count as parsed for `evidence_modules`."""
        if app_path in self._modules:
            return self._modules[app_path]
        if app_path not in self._quiet:
            said: list[tuple[str, str, str]] = []
            self._muted = said
            try:
                mod = self._load(app_path)
            finally:
                self._muted = None
            self._quiet[app_path] = (mod, said)
        return self._quiet[app_path][0]

    def _load(self, app_path: str) -> Module | None:
        if not app_path.endswith(CODE_EXTENSIONS):
            return None
        data = self.read_bytes(app_path)
        return self._parse(app_path, data) if data is not None else None

    def _parse(self, app_path: str, data: bytes) -> Module | None:
        from sop_check.parse.typescript import parse

        try:
            tree = parse(data, app_path)
            if tree.root_node.has_error and _BARE_AMP.search(data):
                # tree-sitter's JSX grammar rejects a bare `&` in JSX text ("Q & A"), which
                # Babel and TypeScript accept. Retry with `&` read as `+` (same length, so
                # every position holds); keep whichever parse has fewer broken regions.
                fixed = _BARE_AMP.sub(b"+", data)
                retry = parse(fixed, app_path)
                if _error_count(retry) < _error_count(tree):
                    tree, data = retry, fixed
            mod = Module(app_path, self.repo_path(app_path), data, tree)
        except RecursionError:
            self.diagnose(app_path, "skipped: nesting too deep to analyse")
            return None
        if mod.has_errors:
            first = min(mod.error_ranges)[0]
            loc = location_from_bytes(data, app_path, first)
            self.diagnose(app_path, f"syntax error at line {loc.line}, column {loc.column} (or syntax newer than "
                          "the parser knows); code in that region is not used as evidence")
        return mod

    @property
    def resolver(self) -> Any:
        """Import resolution (reads tsconfig), built only for apps whose rules follow imports."""
        if self._resolver is None:
            self._resolver = self.make_resolver()
            for file, problem in self._resolver.problems:
                self.diagnose(file, problem)
        return self._resolver

    def not_evidence(self, app_path: str) -> bool:
        """Tests, stories, mocks, scripts…: files that never prove a pass (pack option `non-evidence`)."""
        if self._non_evidence is None:
            self._non_evidence = glob_matcher(self.non_evidence_patterns)
        return bool(self._non_evidence(app_path))

    def resolve_import(self, from_path: str, specifier: str) -> str | None:
        """App-relative path of the module `specifier` names, or None (a package, or not found)."""
        resolved: str | None = self.resolver.resolve(from_path, specifier)
        return resolved

    def is_local_specifier(self, specifier: str) -> bool:
        return bool(self.resolver.is_local(specifier))

    def imported_declaration(self, from_path: str, source: str, name: str,
                             depth: int = 0) -> tuple[Module, Any] | None:
        """The module and declaration node behind `import { name } from source` in `from_path`,
        followed through re-exports, imported-then-exported names and `export *` (None: a package,
        not found, or a chain longer than five modules). Rules that read a declaration's text (a
        schema's shape) ask this; the evaluator's `module_export` answers the value instead."""
        target = self.resolve_import(from_path, source)
        other = self.module(target) if target is not None and depth < 5 else None
        if other is None:
            return None
        entry = other.exports.get(name)
        if entry is not None and entry.source is not None:
            return self.imported_declaration(other.path, entry.source, entry.imported or name, depth + 1)
        local = entry.local if entry is not None else (name if name in other.decls else None)
        if local is not None and local in other.decls:
            return other, other.decls[local]
        if local is not None and local in other.imports:
            binding = other.imports[local]
            return self.imported_declaration(other.path, binding.source, binding.name, depth + 1)
        if entry is None:
            for star in other.star_exports:
                found = self.imported_declaration(other.path, star, name, depth + 1)
                if found is not None:
                    return found
        return None

    # -- evidence -----------------------------------------------------------
    def entries(self) -> list[str]:
        """Files Next.js serves on its own: pages, layouts, routes, pages/ files, middleware.

        As Next.js picks them: a root `app/` shadows `src/app/`, private folders and files
        outside `pageExtensions` are not entries (their imports prove nothing)."""
        return self.find_entries(self)

    def reachable(self) -> set[str]:
        """Modules reachable from the app's entries through imports (read from bytes, not parsed)."""
        if self._reachable is not None:
            return self._reachable
        seen: set[str] = set()
        stack = list(self.entries())
        while stack:
            f = stack.pop()
            if f in seen:
                continue
            seen.add(f)
            facts = self.facts(f)
            if facts is None:
                continue
            for spec in facts.specifiers:
                target = self.resolve_import(f, spec)
                if target is not None and target not in seen:
                    stack.append(target)
        self._reachable = seen
        return seen

    def is_evidence(self, app_path: str) -> bool:
        """Only shipping code counts: not tests, stories, mocks, scripts; and reachable from an entry."""
        if self.not_evidence(app_path):
            return False
        return app_path in self.reachable()

    def evidence_files(self) -> list[str]:
        """Code files that are evidence (`is_evidence`), sorted."""
        if "evidence-files" not in self.memo:
            self.memo["evidence-files"] = [f for f in sorted(self.reachable())
                                           if f.endswith(CODE_EXTENSIONS) and self.is_evidence(f)]
        files: list[str] = self.memo["evidence-files"]
        return files

    def evidence_modules(self, needles: Iterable[str] = (), words: Iterable[str] = (), *,
                         jsx: bool = False) -> Iterator[Module]:
        """Parsed modules that are evidence and (when prefiltering) hold one of `needles`.

        `words` narrows further, before any parse: the file's bytes must contain one of them
        (case-insensitive), e.g. the words an End control's label or name must contain.
        `jsx`: only files whose grammar has JSX (a question about elements; `.ts` files have none).
        """
        wanted = tuple(n.lower() for n in needles)
        gate = tuple(w.lower().encode() for w in words)
        if any(n not in self.needles for n in wanted):
            # A needle no selected rule declared: the byte facts cannot answer, read the bytes.
            gate = gate + tuple(n.encode() for n in wanted) if not gate else gate
            wanted = ()
        for f in self.evidence_files():
            if jsx and f.endswith(TS_EXTENSIONS):
                continue
            if wanted and self.prefilter:
                facts = self.facts(f)
                if facts is None or not any(n in facts.needles for n in wanted):
                    continue
            if gate and self.prefilter and f not in self._modules:
                data = self.lowered(f)
                if data is None or not any(w in data for w in gate):
                    continue
            mod = self.module(f)
            if mod is not None:
                yield mod

    def component_used(self, name: str) -> Location | None:
        """Where a JSX element `<name ...>` is rendered in shipping code, if anywhere."""
        for mod, el in jsx_usages(self, name):
            return mod.location(el)
        return None

    # -- env files ----------------------------------------------------------
    def env_files(self) -> list[Any]:
        return [f for f in (self.env_file(n) for n in self.env_names) if f is not None]

    def env_file(self, name: str) -> Any:
        if name not in self.env_names:
            return None
        if name not in self._env:
            env = self.source.read_env(self.root / name)
            for problem in getattr(env, "problems", []):
                self.diagnose(name, problem)
            self._env[name] = env
        return self._env[name]

    # -- python -------------------------------------------------------------
    def python_module(self, app_path: str) -> Any:
        if app_path not in self._python:
            from sop_check.parse.python import parse_python

            data = self.read_bytes(app_path)
            mod = None
            if data is not None:
                mod, problem = parse_python(data)
                if problem:
                    self.diagnose(app_path, problem)
            self._python[app_path] = mod
        return self._python[app_path]

    def release(self) -> None:
        """Drop parsed trees once the app is checked: memory stays flat across apps."""
        self._modules.clear()
        self._quiet.clear()
        self._bytes.clear()
        self._lowered.clear()
        self._python.clear()
        self.memo.clear()


_BARE_AMP = re.compile(rb"(?<![&|])&(?![&=]|#?\w++;)")


def _error_count(tree: Any) -> int:
    count = 0
    cursor = tree.root_node.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            count += 1
        elif node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


def jsx_usages(index: AppIndex, name: str, *, provider: bool = False) -> Iterator[tuple[Module, Any]]:
    """Where shipping code renders `<name ...>` (also `<ns.name>`; with `provider`, exactly `<name>` or
    `<name.Provider>`): (module, element). Only files that hold the name are parsed."""
    for module in index.evidence_modules(words=(name,), jsx=True):
        for element in module.jsx:
            tag = jsx_tag(module, element)
            if tag is None:
                continue
            if tag in (name, f"{name}.Provider") if provider else tag.split(".")[-1] == name:
                yield module, element


def glob_matcher(patterns: list[str]) -> Any:
    """A matcher for gitignore-style evidence globs (`**/*.test.*`, `e2e/**`): a path matches when it
    or a folder above it does. Patterns can come from config, so they run in linear time
    (sop_check.globs), never as one backtracking regex."""
    from sop_check.globs import evidence_matcher

    if not patterns:
        return lambda path: False
    return evidence_matcher(patterns)
