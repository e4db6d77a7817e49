"""Find the files of a project and the Next.js apps in it, reading nothing but names.

Inside git, git lists the files (fast, honours every .gitignore); outside git an
iterative `os.scandir` walk with our gitignore matcher does. Symlinks are never followed (no
loops, nothing outside the root). Env files are listed separately, ignored or not:
being ignored is exactly what they should be.
"""

from __future__ import annotations

import os
from dataclasses import field
from sop_check.records import record
from pathlib import Path, PurePosixPath
from typing import Any

from sop_check import git
from sop_check.model import Diagnostic
from sop_check.parse.limits import loads_json
from sop_check.overlay import Overlay, OverlaySource
from sop_check.source import FileSource, IndexSource
from sop_check.walk import SKIP_DIRS, rel, walk_files

CODE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".py")
NEXT_CONFIG_NAMES = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts")
_MAX_PACKAGE_BYTES = 10_000_000


@record
class App:
    root: Path  # absolute
    rel_root: str  # relative to the repository root, "/"-separated; "." for the root
    files: list[str] = field(default_factory=list)  # app-relative code and config files
    env_files: list[str] = field(default_factory=list)  # app-relative .env* files at the app root
    package: dict[str, Any] = field(default_factory=dict)
    named_explicitly: bool = False
    # False: no package.json here depends on next and there is no next.config.* (a Vite app,
    # a plain folder). Only rules that do not rely on Next.js conventions can judge it.
    next_app: bool = True


@record
class Project:
    repo_root: Path
    scan_root: Path
    in_git: bool
    apps: list[App]
    workspace_packages: dict[str, Path]  # package name -> folder, for monorepo imports
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # Scan-root-relative files that mention Tavus, when git could answer (None: read the files).
    tavus_files: set[str] | None = None
    # Where file bytes come from: the work tree, or the git index under --staged.
    source: FileSource = field(default_factory=FileSource)


class DiscoveryError(Exception):
    """The path to check cannot be used at all (usage error, exit 2)."""


def _skipped(path: str) -> bool:
    return any(p in SKIP_DIRS for p in path.split("/")[:-1])


def _read_package(path: Path, diagnostics: list[Diagnostic], repo_root: Path,
                  source: FileSource) -> dict[str, Any] | None:
    data, problem = source.read(path, _MAX_PACKAGE_BYTES)
    if data is None:
        cause = (problem or "cannot read").removeprefix("cannot read: ")
        diagnostics.append(Diagnostic(rel(path, repo_root), f"cannot read package.json: {cause}"))
        return None
    try:
        return _package_json(data)
    except ValueError as exc:
        cause = f"invalid JSON ({str(exc).splitlines()[0][:80]})"
        diagnostics.append(Diagnostic(rel(path, repo_root), f"cannot read package.json: {cause}"))
        return None


def _package_json(data: bytes) -> dict[str, Any] | None:
    """A package.json's object (None when it is not an object); ValueError when it is not JSON."""
    pkg = loads_json(data.decode("utf-8"))  # nesting measured first: no RecursionError
    return pkg if isinstance(pkg, dict) else None


def _depends_on_next(pkg: dict[str, Any]) -> bool:
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        deps = pkg.get(key)
        if isinstance(deps, dict) and "next" in deps:
            return True
    return False


def discover(scan_path: Path, *, staged: bool = False, explicit_apps: list[Path] | None = None,
             exclude: list[str] | None = None, overlay: Overlay | None = None) -> Project:
    """The apps to check for PATH: the Next.js apps in it, else the one that encloses it.

    A folder inside an app (`components/`) or a file (`app/page.tsx`) checks the enclosing
    app, as Ruff and ESLint find their project: walking up to the first folder whose
    package.json depends on next or that holds a next.config.*, never above the git top level.
    """
    requested = scan_path.resolve()
    if not requested.exists():
        raise DiscoveryError(f"{scan_path}: no such file or directory")
    start = requested if requested.is_dir() else requested.parent
    probed = git.probe(start)
    top = probed.top
    repo_root = top.resolve() if top else None
    notices: list[str] = []
    if probed.problem:
        notices.append(f"{probed.problem}; walking the folder instead")
    source = _source(repo_root, staged, notices)
    if overlay is not None:  # the language server: open buffers win over the disk
        source = overlay.source(source)
    enclosing = None
    if explicit_apps is None and requested.is_file():
        enclosing = _enclosing_app(start, repo_root, source)
    project = _scan(enclosing or start, repo_root, source, staged, explicit_apps, exclude)
    if explicit_apps is None and not requested.is_file() and not any(a.next_app for a in project.apps) \
            and start != repo_root:
        enclosing = _enclosing_app(start.parent, repo_root, source)
        if enclosing is not None:
            project = _scan(enclosing, repo_root, source, staged, None, exclude)
    project.notices[:0] = notices
    if enclosing is not None and enclosing != requested:
        shown, app = rel(requested, project.repo_root), rel(project.scan_root, project.repo_root)
        where = f"the Next.js app {app}" if app != "." else f"the Next.js app at the root ({project.scan_root.name})"
        project.notices.insert(0, f"{shown} is inside {where}: checking that app")
    return project


def _source(repo_root: Path | None, staged: bool, notices: list[str]) -> FileSource:
    """The work tree, or under --staged the git index (what the commit will contain)."""
    if not staged:
        return FileSource()
    if repo_root is None:
        notices.append("--staged outside a git repository: checking the files on disk")
        return FileSource()
    entries = git.index_entries(repo_root)
    if entries is None:
        notices.append("--staged: git could not read the index; checking the files on disk")
        return FileSource()
    return IndexSource(repo_root, entries)


def _is_next_app(folder: Path, source: FileSource) -> bool:
    """A folder whose package.json depends on next, or that holds a next.config.*."""
    if any(source.is_file(folder / name) for name in NEXT_CONFIG_NAMES):
        return True
    package = folder / "package.json"
    if not source.is_file(package):
        return False
    data, _ = source.read(package, _MAX_PACKAGE_BYTES)
    try:
        pkg = _package_json(data) if data is not None else None
    except ValueError:
        return False
    return pkg is not None and _depends_on_next(pkg)


def enclosing_next_app(folder: Path, boundary: Path | None, source: FileSource | None = None) -> Path | None:
    """The nearest folder at or above `folder` that is a Next.js app, not above `boundary`
    (the language server's question for every edited file)."""
    return _enclosing_app(folder, boundary, source or FileSource())


def _enclosing_app(folder: Path, repo_root: Path | None, source: FileSource) -> Path | None:
    """The nearest folder at or above `folder` that is a Next.js app, not above the repository root."""
    for candidate in (folder, *folder.parents):
        if repo_root is not None and candidate != repo_root and repo_root not in candidate.parents:
            return None
        if _is_next_app(candidate, source):
            return candidate
        if candidate == repo_root:
            return None
    return None


def _scan(scan_root: Path, top: Path | None, source: FileSource, staged: bool,
          explicit_apps: list[Path] | None, exclude: list[str] | None) -> Project:
    """List the files under `scan_root` (git, else a walk) and find the apps among them."""
    diagnostics: list[Diagnostic] = []
    notices: list[str] = []
    repo_root = top if top is not None else scan_root
    files: list[str] | None = None
    untracked: list[str] = []
    grep = git.start_grep(scan_root, "tavus", staged=staged) if top is not None else None
    if top is not None:
        listed = git.list_files(scan_root, staged=staged)
        if listed is None:
            notices.append("git could not list files; walking the folder instead")
        else:
            files = sorted(listed[0] + listed[1])
            untracked = listed[1]
            if staged:
                notices.append("pre-commit mode: what the commit will contain is checked (the files and contents "
                               "staged in the git index, not the work tree)")
    tavus_files = git.finish_grep(grep) if files is not None else None
    if tavus_files is not None:
        tavus_files |= _mentioning(scan_root, untracked, b"tavus")
    if files is None:
        files = walk_files(scan_root, diagnostics, repo_root)
    if isinstance(source, OverlaySource):
        files, tavus_files = _with_buffers(source, scan_root, files, tavus_files)
    files = [f for f in files if not _skipped(f)]
    if exclude:
        from sop_check.globs import GitIgnore

        spec = GitIgnore(exclude)
        files = [f for f in files if not spec.ignored(f)]

    apps, workspace = _find_apps(scan_root, repo_root, files, diagnostics, explicit_apps, source)
    _assign_files(apps, scan_root, files)
    for app in apps:
        app.env_files = _env_files(app.root)
        if isinstance(source, OverlaySource):
            app.env_files = sorted(set(app.env_files) | set(source.env_names(app.root)))
    base = source.base if isinstance(source, OverlaySource) else source  # buffers over the index (--fix --staged)
    if isinstance(base, IndexSource) and top is not None:
        _staged_env_files(apps, top, base)
    return Project(repo_root=repo_root, scan_root=scan_root, in_git=top is not None, apps=apps,
                   workspace_packages=workspace, diagnostics=diagnostics, notices=notices,
                   tavus_files=tavus_files, source=source)


def _with_buffers(source: OverlaySource, scan_root: Path, files: list[str],
                  tavus_files: set[str] | None) -> tuple[list[str], set[str] | None]:
    """The listing and git's Tavus hits as the open buffers make them: a file not saved yet is a
    file of its app, and a buffer that gained or lost the word decides by its own text."""
    unsaved = source.overlay.unsaved_files(scan_root)
    if unsaved:
        files = sorted(set(files) | set(unsaved))
    if tavus_files is not None:
        has, lacks = source.overlay.mentions(scan_root, b"tavus")
        tavus_files = (tavus_files - lacks) | has
    return files, tavus_files


def _find_apps(scan_root: Path, repo_root: Path, files: list[str], diagnostics: list[Diagnostic],
               explicit: list[Path] | None, source: FileSource) -> tuple[list[App], dict[str, Path]]:
    workspace: dict[str, Path] = {}
    packages: dict[Path, dict[str, Any]] = {}
    found: dict[Path, App] = {}
    config_dirs = {_parent(f) for f in files if _basename(f) in NEXT_CONFIG_NAMES}
    for f in files:
        if _basename(f) != "package.json":
            continue
        folder = scan_root / PurePosixPath(f).parent
        pkg = _read_package(scan_root / f, diagnostics, repo_root, source)
        if pkg is None:
            pkg = {}
        packages[folder] = pkg
        name = pkg.get("name")
        if isinstance(name, str):
            workspace[name] = folder
        if _depends_on_next(pkg) or _parent(f) in config_dirs:
            found[folder] = App(root=folder, rel_root=rel(folder, repo_root), package=pkg)
    for d in config_dirs:
        folder = scan_root / d
        found.setdefault(folder, App(root=folder, rel_root=rel(folder, repo_root)))
    if explicit:
        apps = []
        for p in explicit:
            folder = p.resolve()
            if not folder.is_dir():
                raise DiscoveryError(f"{p}: --app is not a directory")
            app = found.get(folder) or App(root=folder, rel_root=rel(folder, repo_root),
                                          next_app=_is_next_app(folder, source))
            app.named_explicitly = True
            apps.append(app)
        return apps, workspace
    if not found:
        # No Next.js app here: the folder is reported as one, marked, so that a Tavus
        # integration in it is told which SOP items sop-check can still verify.
        found[scan_root] = App(root=scan_root, rel_root=rel(scan_root, repo_root),
                               package=packages.get(scan_root, {}), next_app=False)
    return sorted(found.values(), key=lambda a: a.rel_root), workspace


def _staged_env_files(apps: list[App], repo_root: Path, source: "IndexSource") -> None:
    """Under --staged: env files staged in the index, and those git ignores (local secrets, read from disk).

    An env file that is neither (a new `.env.example` not yet added) is not part of the commit.
    """
    on_disk = {app.root / name for app in apps for name in app.env_files}
    untracked = {p for p in on_disk if not source.is_file(p)}  # a tracked one is read from the index
    ignored = {repo_root / p for p in git.ignored(repo_root, [rel(p, repo_root) for p in sorted(untracked)])}
    source.allow_from_disk(untracked & ignored)
    for app in apps:
        names = {name for name in app.env_files if app.root / name in untracked & ignored}
        names.update(p.name for p in source.staged_in(app.root) if p.name.startswith(".env"))
        app.env_files = sorted(names)


def _mentioning(root: Path, files: list[str], needle: bytes) -> set[str]:
    """Untracked code files (git grep does not see them cheaply) whose bytes contain `needle`."""
    from sop_check.files import read_source

    out = set()
    for f in files:
        if f.endswith(CODE_SUFFIXES):
            data, _ = read_source(root / f, 10_000_000)
            if data is not None and needle in data.lower():
                out.add(f)
    return out


def _basename(path: str) -> str:
    return path[path.rfind("/") + 1:]


def _parent(path: str) -> str:
    cut = path.rfind("/")
    return path[:cut] if cut >= 0 else "."


def _assign_files(apps: list[App], scan_root: Path, files: list[str]) -> None:
    """Each file belongs to the deepest app whose root contains it (string work: no Path per file)."""
    by_prefix: dict[str, App] = {}
    for app in apps:
        try:
            prefix = app.root.relative_to(scan_root).as_posix()
        except ValueError:
            continue  # an app named outside the scanned folder gets no files from this listing
        by_prefix["" if prefix == "." else prefix] = app
    for f in files:
        folder = f
        while True:
            cut = folder.rfind("/")
            folder = folder[:cut] if cut >= 0 else ""
            owner = by_prefix.get(folder)
            if owner is not None:
                owner.files.append(f[len(folder) + 1:] if folder else f)
                break
            if not folder:
                break


def _env_files(root: Path) -> list[str]:
    try:
        with os.scandir(root) as it:
            names = [e.name for e in it if e.name.startswith(".env") and not e.is_symlink()]
    except OSError:
        return []
    return sorted(names)
