"""Module specifiers to files: relative paths, tsconfig/jsconfig `paths` and `baseUrl`, workspaces.

Resolution works on names only (the file list from discovery), so it costs no I/O
inside the app; files outside the app (a monorepo's shared packages) are probed
on disk but never outside the repository.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from sop_check.parse import jsonc
from sop_check.source import FileSource

_MAX_CONFIG_BYTES = 1_000_000
_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}


class ModuleResolver:
    def __init__(self, app_root: Path, repo_root: Path, files: set[str],
                 workspace: dict[str, Path] | None = None, source: FileSource | None = None) -> None:
        self.app_root = app_root
        self.repo_root = repo_root
        self.files = files
        self.workspace = workspace or {}
        self.source = source or FileSource()  # the work tree, or the git index under --staged
        self.problems: list[tuple[str, str]] = []  # (app-relative file, one-line cause)
        self.base_url: str | None = None  # app-relative folder
        self.paths: list[tuple[str, list[str]]] = []  # (pattern, app-relative targets)
        self._cache: dict[tuple[str, str], str | None] = {}
        self._load_tsconfig()

    # -- tsconfig -----------------------------------------------------------
    def _load_tsconfig(self) -> None:
        for name in ("tsconfig.json", "jsconfig.json"):
            if name in self.files or self.source.is_file(self.app_root / name):
                self._read_config(self.app_root / name, seen=set())
                return

    def _read_config(self, path: Path, seen: set[Path]) -> None:
        real = path.resolve()
        if real in seen:
            self.problems.append((self._rel(path), "circular 'extends' in tsconfig; ignoring the loop"))
            return
        seen.add(real)
        raw, problem = self.source.read(path, _MAX_CONFIG_BYTES)
        if raw is None:
            cause = (problem or "").removeprefix("cannot read: ")
            self.problems.append((self._rel(path), f"cannot read tsconfig: {cause}"))
            return
        try:
            data = jsonc.loads(raw.decode("utf-8", errors="replace"))
        except ValueError as exc:
            self.problems.append((self._rel(path), f"cannot read tsconfig: {exc}"))
            return
        if not isinstance(data, dict):
            return
        extends = data.get("extends")
        for ext in ([extends] if isinstance(extends, str) else extends if isinstance(extends, list) else []):
            if isinstance(ext, str) and ext.startswith("."):
                target = Path(os.path.normpath(path.parent / ext))
                if not _inside(target, self.repo_root):
                    self.problems.append((self._rel(path), f"'extends' points outside the repository ({ext}); "
                                                           "not read"))
                    continue
                if target.suffix != ".json":
                    target = target.with_name(target.name + ".json") if not self.source.is_file(target) else target
                if self.source.is_file(target):
                    self._read_config(target, seen)
        opts = data.get("compilerOptions")
        if not isinstance(opts, dict):
            return
        here = self._rel(path.parent)
        if isinstance(opts.get("baseUrl"), str):
            self.base_url = _norm(posixpath.join(here, opts["baseUrl"]))
        paths = opts.get("paths")
        if isinstance(paths, dict):
            base = self.base_url if self.base_url is not None else here
            self.paths = [
                (pattern, [_norm(posixpath.join(base, t)) for t in targets if isinstance(t, str)])
                for pattern, targets in paths.items() if isinstance(targets, list)
            ]

    def _rel(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.app_root)).as_posix()

    # -- resolution ---------------------------------------------------------
    def is_local(self, spec: str) -> bool:
        return spec.startswith((".", "/")) or self._alias_targets(spec) is not None or \
            spec.split("/")[0] in self.workspace or "/".join(spec.split("/")[:2]) in self.workspace

    def specifier_prefixes(self) -> tuple[str, ...] | None:
        """Every specifier `resolve` can answer starts with one of these; None: any specifier may
        (a `baseUrl`, or a `paths` pattern such as `*`). Lets a byte scan skip strings that cannot
        name a file of the app without resolving each one."""
        if self.base_url is not None:
            return None
        prefixes = ["."]  # relative; "/" resolves only through `paths` or a workspace name
        prefixes.extend(pattern.partition("*")[0] for pattern, _ in self.paths)
        prefixes.extend(self.workspace)
        return None if "" in prefixes else tuple(sorted(set(prefixes)))

    def resolve(self, from_path: str, spec: str) -> str | None:
        key = (posixpath.dirname(from_path), spec)
        if key not in self._cache:
            self._cache[key] = self._resolve(key[0], spec)
        return self._cache[key]

    def _resolve(self, from_dir: str, spec: str) -> str | None:
        if spec.startswith("."):
            return self._probe(_norm(posixpath.join(from_dir, spec)))
        targets = self._alias_targets(spec)
        if targets:
            for t in targets:
                hit = self._probe(t)
                if hit:
                    return hit
        if self.base_url is not None and not spec.startswith("/"):
            hit = self._probe(_norm(posixpath.join(self.base_url, spec)))
            if hit:
                return hit
        return self._workspace(spec)

    def _alias_targets(self, spec: str) -> list[str] | None:
        for pattern, targets in self.paths:
            if "*" in pattern:
                pre, _, post = pattern.partition("*")
                if spec.startswith(pre) and spec.endswith(post) and len(spec) >= len(pre) + len(post):
                    star = spec[len(pre):len(spec) - len(post)]
                    return [t.replace("*", star, 1) for t in targets]
            elif spec == pattern:
                return list(targets)
        return None

    def _workspace(self, spec: str) -> str | None:
        parts = spec.split("/")
        name_len = 2 if spec.startswith("@") else 1
        name = "/".join(parts[:name_len])
        folder = self.workspace.get(name)
        if folder is None:
            return None
        base = self._rel(folder)
        rest = "/".join(parts[name_len:])
        if rest:
            return self._probe(_norm(posixpath.join(base, rest))) or \
                self._probe(_norm(posixpath.join(base, "src", rest)))
        for candidate in ("src/index", "index"):
            hit = self._probe(_norm(posixpath.join(base, candidate)))
            if hit:
                return hit
        return None

    def _probe(self, stem: str) -> str | None:
        root, ext = posixpath.splitext(stem)
        candidates: list[str] = []
        if ext in _EXTS:
            candidates.append(stem)
            candidates.extend(root + alt for alt in _JS_TO_TS.get(ext, ()))
        candidates.extend(stem + e for e in _EXTS)
        candidates.extend(posixpath.join(stem, "index" + e) for e in _EXTS)
        for c in candidates:
            if self._exists(c):
                return c
        return None

    def _exists(self, app_path: str) -> bool:
        if not app_path.startswith("../"):
            return app_path in self.files
        target = (self.app_root / app_path).resolve()
        try:
            target.relative_to(self.repo_root)
        except ValueError:
            return False  # never outside the repository
        return self.source.is_file(target) and "node_modules" not in target.parts


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _norm(path: str) -> str:
    n = posixpath.normpath(path)
    return "" if n == "." else n
