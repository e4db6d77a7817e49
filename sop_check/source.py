"""Where the bytes of the target's files come from: the work tree, or the git index (`--staged`).

A pre-commit check must judge what the commit will contain. Husky, lefthook and plain
git hooks do not stash unstaged changes the way the pre-commit framework does, so the
work tree can hold a fix that is not staged (or a bug that is). Under `--staged` every
read (code, env templates, package.json, tsconfig, next.config) is a staged blob; only
env files that git ignores (`.env.local`: the developer's secrets, never committed)
still come from disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from sop_check import git
from sop_check.files import normalise, read_source
from sop_check.parse.dotenv import MAX_ENV_BYTES, EnvFile, parse_env_bytes, parse_env_file

_REGULAR_MODES = ("100644", "100755")


class FileSource:
    """Reads the work tree (the default). Read-only; never follows a symbolic link."""

    staged = False

    def read(self, path: Path, max_size: int) -> tuple[bytes | None, str | None]:
        """(UTF-8 bytes, None) or (None, one-line problem); a replaced-bytes note may come with bytes."""
        return read_source(path, max_size)

    def read_env(self, path: Path) -> EnvFile:
        return parse_env_file(path)

    def is_file(self, path: Path) -> bool:
        return path.is_file() and not path.is_symlink()

    def close(self) -> None:
        """Release what reading needed (a git process for the index)."""


class IndexSource(FileSource):
    """Reads the blobs staged in the git index: what a commit made now would contain."""

    staged = True

    def __init__(self, repo_root: Path, entries: dict[str, git.IndexEntry], from_disk: set[Path] | None = None) -> None:
        self._repo_root = repo_root
        self._entries = entries
        self._from_disk = from_disk or set()
        self._blobs = git.BlobReader(repo_root)
        self._by_folder: dict[str, list[str]] | None = None

    def allow_from_disk(self, paths: set[Path]) -> None:
        """Files git ignores that still count under --staged (the local `.env.local`)."""
        self._from_disk |= paths

    def staged_in(self, folder: Path) -> list[Path]:
        """Files staged directly in `folder` (not in its subfolders)."""
        try:
            rel = folder.relative_to(self._repo_root).as_posix()
        except ValueError:
            return []
        if self._by_folder is None:  # one pass over the index, however many apps ask
            self._by_folder = {}
            for name in self._entries:
                cut = name.rfind("/")
                self._by_folder.setdefault(name[:cut] if cut >= 0 else ".", []).append(name)
        return [self._repo_root / name for name in self._by_folder.get(rel, [])]

    def _entry(self, path: Path) -> git.IndexEntry | None:
        try:
            rel = Path(os.path.normpath(path)).relative_to(self._repo_root).as_posix()
        except ValueError:
            return None  # outside the repository: nothing of it is staged
        return self._entries.get(rel)

    def read(self, path: Path, max_size: int) -> tuple[bytes | None, str | None]:
        if path in self._from_disk:
            return read_source(path, max_size)
        data, problem = self._raw(path, max_size)
        if data is None:
            return None, problem
        return normalise(data)

    def _raw(self, path: Path, max_size: int) -> tuple[bytes | None, str | None]:
        entry = self._entry(path)
        if entry is None:
            return None, "cannot read: not staged for commit"
        if entry.mode == "120000":
            return None, "cannot read: symbolic link (not followed)"
        if entry.mode not in _REGULAR_MODES:
            return None, "skipped: not a regular file (a submodule)"
        data, size = self._blobs.read(entry.oid, max_size)
        if data is None and size is not None:
            return None, f"skipped: {size} bytes is over the size limit of {max_size} bytes"
        if data is None:
            return None, "cannot read: git could not give the staged contents"
        return data, None

    def read_env(self, path: Path) -> EnvFile:
        if path in self._from_disk:
            return parse_env_file(path)
        data, problem = self._raw(path, MAX_ENV_BYTES + 1)
        if data is None:
            env = EnvFile(path=path, name=path.name)
            env.problems.append(problem or "cannot read")
            return env
        return parse_env_bytes(path, data)

    def is_file(self, path: Path) -> bool:
        if path in self._from_disk:
            return True
        entry = self._entry(path)
        return entry is not None and entry.mode in _REGULAR_MODES

    def close(self) -> None:
        self._blobs.close()
