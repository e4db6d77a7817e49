"""Open editor buffers over the work tree: what the language server checks.

An editor's unsaved buffer is what the user is looking at, so its contents win over
the file on disk (and a buffer for a file not yet saved at all still counts as a file
of its app). Everything else is read from disk exactly as `check` reads it. Reading
is also where a superseded run stops: every file the engine reads passes through
`OverlaySource.read`, so a run whose result nobody will see is abandoned there.

Nothing here writes: buffers are held in memory and handed back to nobody.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Mapping

from sop_check.files import normalise
from sop_check.parse.dotenv import MAX_ENV_BYTES, EnvFile, parse_env_bytes
from sop_check.source import FileSource


class CheckCancelled(BaseException):
    """A newer edit superseded this run. A BaseException, like asyncio's CancelledError, so that
    the engine's per-rule `except Exception` (one rule's bug is that rule's error) lets it through."""


def _never() -> bool:
    return False


def buffer_key(path: Path | str) -> Path:
    """The absolute, link-free path the engine will ask for (discovery resolves its roots)."""
    return Path(os.path.realpath(path))


def digest(data: bytes) -> str:
    """What a code action compares to know that a file is still the one that was checked."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Overlay:
    """A snapshot of open buffers (absolute path -> UTF-8 bytes), taken when a run starts."""

    def __init__(self, buffers: Mapping[Path, bytes], should_stop: Callable[[], bool] = _never) -> None:
        self.buffers = {buffer_key(p): data for p, data in buffers.items()}
        self.should_stop = should_stop
        self.read_digests: dict[Path, str] = {}  # every file a run read, buffer or disk: its digest

    def source(self, base: FileSource) -> OverlaySource:
        return OverlaySource(base, self)

    def unsaved_files(self, scan_root: Path) -> list[str]:
        """Scan-root-relative buffers that are not files on disk (a new file not saved yet)."""
        out = []
        for path in self.buffers:
            try:
                rel = path.relative_to(scan_root).as_posix()
            except ValueError:
                continue
            if not os.path.lexists(path):
                out.append(rel)
        return sorted(out)

    def mentions(self, scan_root: Path, needle: bytes) -> tuple[set[str], set[str]]:
        """(buffers under `scan_root` whose text contains `needle`, those whose text does not)."""
        has: set[str] = set()
        lacks: set[str] = set()
        for path, data in self.buffers.items():
            try:
                rel = path.relative_to(scan_root).as_posix()
            except ValueError:
                continue
            (has if needle in data.lower() else lacks).add(rel)
        return has, lacks


class OverlaySource(FileSource):
    """Reads open buffers first, then `base` (the work tree). Records in the overlay a digest of
    every file it gives out, so that an edit computed from this run can later be checked against
    the file."""

    staged = False

    def __init__(self, base: FileSource, overlay: Overlay) -> None:
        self._base = base
        self.overlay = overlay
        self.staged = base.staged  # `check --fix --staged` re-checks over the index, not the work tree

    @property
    def base(self) -> FileSource:
        """The source under the buffers: the work tree, or the git index under --staged."""
        return self._base

    def _buffer(self, path: Path) -> bytes | None:
        if self.overlay.should_stop():
            raise CheckCancelled()
        buffers = self.overlay.buffers
        if not buffers:
            return None
        found = buffers.get(path)
        if found is None and (not path.is_absolute() or ".." in path.parts):
            found = buffers.get(buffer_key(path))
        return found

    def read(self, path: Path, max_size: int) -> tuple[bytes | None, str | None]:
        data = self._buffer(path)
        if data is None:
            got, problem = self._base.read(path, max_size)
            if got is not None:
                self.overlay.read_digests[Path(path)] = digest(got)
            return got, problem
        if len(data) > max_size:
            return None, f"skipped: {len(data)} bytes is over the size limit of {max_size} bytes"
        self.overlay.read_digests[Path(path)] = digest(data)
        return normalise(data)

    def read_env(self, path: Path) -> EnvFile:
        data = self._buffer(path)
        if data is None:
            return self._base.read_env(path)
        if len(data) > MAX_ENV_BYTES:
            env = EnvFile(path=path, name=path.name)
            env.problems.append(f"skipped: {len(data)} bytes is over the size limit of {MAX_ENV_BYTES} bytes")
            return env
        return parse_env_bytes(path, data)

    def is_file(self, path: Path) -> bool:
        return self._buffer(path) is not None or self._base.is_file(path)

    def env_names(self, folder: Path) -> list[str]:
        """`.env*` buffers directly in `folder` (an env file opened but not saved yet)."""
        return sorted(p.name for p in self.overlay.buffers if p.parent == folder and p.name.startswith(".env"))

    def close(self) -> None:
        self._base.close()
