"""Writing a fixed file: only inside the app root, never through a symbolic link, atomically, with
the file's mode and encoding kept, and only if the file still holds what was checked.

The scanned tree is hostile (SECURITY.md): a link planted at `app/api` pointing at `/etc` must
not turn "create app/api/tavus/end/route.ts" into a write elsewhere, and a file edited between
the check and the write must not be clobbered with edits computed for its old text.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from sop_check.files import normalise

# Folders no fix writes into, whatever a (hostile) config makes a path say.
_NEVER = frozenset({".git", "node_modules", ".next", ".vercel", ".hg", ".svn"})
_UTF16 = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


class WriteRefused(Exception):
    """Why a file was not written, in one line."""


def check_target(app_root: Path, path: Path) -> None:
    """Raise WriteRefused unless `path` is a place a fix may write: inside `app_root`, through
    no symbolic link, in no folder a fix must never touch."""
    try:
        rel = Path(os.path.normpath(path)).relative_to(app_root)
    except ValueError:
        raise WriteRefused("outside the app root") from None
    if not rel.parts or ".." in rel.parts:
        raise WriteRefused("outside the app root")
    if any(part in _NEVER for part in rel.parts):
        raise WriteRefused(f"inside {next(p for p in rel.parts if p in _NEVER)}/")
    current = app_root
    for part in rel.parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return  # the rest is to be created
        except OSError as exc:
            raise WriteRefused(f"cannot inspect {current.name} ({(exc.strerror or str(exc)).lower()})") from None
        if stat.S_ISLNK(mode):
            raise WriteRefused("a symbolic link is on its path (not written through)")
        if current != app_root / rel and not stat.S_ISDIR(mode):
            raise WriteRefused(f"{current.name} is not a folder")


def encode_like(raw: bytes, text: bytes) -> bytes:
    """`text` (UTF-8, as sop-check reads files) in the encoding `raw` was in (BOM, UTF-16)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return b"\xef\xbb\xbf" + text
    for bom, codec in _UTF16.items():
        if raw.startswith(bom):
            return bom + text.decode("utf-8").encode(codec)
    return text


def write_fixed(app_root: Path, path: Path, checked: bytes | None, new: bytes) -> None:
    """Replace `path` with `new`, or create it when `checked` is None (never over an existing file).

    `checked` is the text the fixes were computed on (UTF-8 as read): the file on disk must
    still read as exactly that, or nothing is written.
    """
    check_target(app_root, path)
    if checked is None:
        _create(app_root, path, new)
        return
    raw, st = _read_raw(path)
    normalised, problem = normalise(raw)
    if normalised is None or problem:
        raise WriteRefused(f"not rewritten: {problem or 'not text'}")
    if normalised != checked:
        raise WriteRefused("changed since it was checked (or differs from its staged version)")
    _replace(path, encode_like(raw, new), stat.S_IMODE(st.st_mode), st)


def _read_raw(path: Path) -> tuple[bytes, os.stat_result]:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise WriteRefused(f"cannot read it again ({(exc.strerror or str(exc)).lower()})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise WriteRefused("not a regular file")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def _replace(path: Path, data: bytes, mode: int, st: os.stat_result) -> None:
    tmp = _temp_beside(path, data, mode)
    try:
        if os.geteuid() == 0:  # root rewriting a user's file: the file stays theirs
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise WriteRefused(f"cannot write ({(exc.strerror or str(exc)).lower()})") from None


def _create(app_root: Path, path: Path, data: bytes) -> None:
    if os.path.lexists(path):
        raise WriteRefused("exists already (a fix never overwrites a file)")
    folder = path.parent
    missing = []
    while not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    for new_folder in reversed(missing):
        try:
            os.mkdir(new_folder)
        except OSError as exc:
            raise WriteRefused(f"cannot create {new_folder.name}/ ({(exc.strerror or str(exc)).lower()})") from None
        check_target(app_root, path)  # nothing swapped in a link meanwhile
    umask = os.umask(0)
    os.umask(umask)
    tmp = _temp_beside(path, data, 0o666 & ~umask)
    try:
        os.link(tmp, path)  # fails if the name exists: never overwrites, even in a race
    except OSError as exc:
        raise WriteRefused(f"cannot create it ({(exc.strerror or str(exc)).lower()})") from None
    finally:
        _unlink(tmp)


def _temp_beside(path: Path, data: bytes, mode: int) -> str:
    fd, tmp = tempfile.mkstemp(prefix=".sop-check-fix-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except OSError as exc:
        _unlink(tmp)
        raise WriteRefused(f"cannot write ({(exc.strerror or str(exc)).lower()})") from None
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
