"""Listing a project's files when git cannot: an iterative walk that honours .gitignore.

Apart from discovery, which decides what the files are (apps, workspace packages, env files):
this module only lists them, outside git or when git fails, and names them relative to a root
as every report does.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from sop_check.model import Diagnostic

# Folders that never hold the project's own source.
SKIP_DIRS = frozenset({
    "node_modules", ".next", ".git", ".hg", ".svn", "dist", "build", "out", ".turbo", ".vercel",
    "coverage", ".cache", ".output", ".nuxt", ".svelte-kit", "__pycache__", ".venv", "venv", ".yarn",
})


def rel(path: Path, root: Path) -> str:
    try:
        r = path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
    return r or "."


def walk_files(root: Path, diagnostics: list[Diagnostic], repo_root: Path) -> list[str]:
    """Iterative walk (no recursion on the Python stack), no symlinks, honouring .gitignore."""
    from sop_check.files import read_source
    from sop_check.globs import GitIgnore

    out: list[str] = []
    # Each stack entry: folder, its path relative to root, the ignore specs in force there.
    stack: list[tuple[Path, str, list[tuple[str, Any]]]] = [(root, "", [])]
    while stack:
        folder, prefix, specs = stack.pop()
        specs = list(specs)
        gi = folder / ".gitignore"
        if os.path.lexists(gi):  # patterns are hostile: linear matchers (sop_check.globs), capped
            data, problem = read_source(gi, 1_000_000)
            limits: list[str] = []
            if data is not None:
                specs.append((prefix, GitIgnore(data.decode("utf-8", "replace").splitlines(), limit_problem=limits)))
            if data is None or limits:
                cause = (problem or "").removeprefix("cannot read: ") if data is None else limits[0]
                diagnostics.append(Diagnostic(rel(gi, repo_root), f"cannot read .gitignore ({cause})"
                                              if data is None else f".gitignore: {cause}"))
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            diagnostics.append(Diagnostic(rel(folder, repo_root) + "/", f"cannot list folder ({_cause(exc)})"))
            continue
        for entry in entries:
            relpath = f"{prefix}{entry.name}"
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue  # deleted while scanning
            if stat.S_ISLNK(mode):
                continue  # never followed: no loops, nothing outside the root
            is_dir = stat.S_ISDIR(mode)
            if is_dir and entry.name in SKIP_DIRS:
                continue
            if _ignored(relpath, is_dir, specs):
                continue
            if is_dir:
                stack.append((Path(entry.path), relpath + "/", specs))
            elif stat.S_ISREG(mode):
                out.append(relpath)
    out.sort()
    return out


def _ignored(relpath: str, is_dir: bool, specs: list[tuple[str, Any]]) -> bool:
    ignored = False
    for prefix, spec in specs:
        if not relpath.startswith(prefix):
            continue
        decision = spec.decide(relpath[len(prefix):], is_dir)
        if decision is not None:
            ignored = decision
    return ignored


def _cause(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
