"""Reading target files safely: read-only, bounded, with a one-line cause for every failure."""

from __future__ import annotations

import os
from pathlib import Path

_BINARY_SNIFF = 8192


def read_source(path: Path, max_size: int) -> tuple[bytes | None, str | None]:
    """Return (bytes, None) or (None, one-line problem). Never raises for file trouble.

    Text is normalised to UTF-8: a BOM is dropped, UTF-16 files are decoded,
    other undecodable bytes are replaced (and reported) so parsing can go on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, _os_cause(exc)
    try:
        if _through_symlink(fd, path):
            return None, "cannot read: a folder on its path is a symbolic link (not followed)"
        st = os.fstat(fd)
        if not _is_regular(st.st_mode):
            return None, "skipped: not a regular file"
        if st.st_size > max_size:
            return None, f"skipped: {st.st_size} bytes is over the size limit of {max_size} bytes"
        chunks = []
        remaining = max_size + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        return None, _os_cause(exc)
    finally:
        os.close(fd)
    if len(data) > max_size:
        return None, f"skipped: over the size limit of {max_size} bytes"
    return normalise(data)


def _through_symlink(fd: int, path: Path) -> bool:
    """Was `path` reached through a symbolic link to a folder? (O_NOFOLLOW guards only the last name.)

    Callers build paths from the resolved scan root, so the real path of the open file equals
    the normalised path unless a folder below the root is a link (into /etc, or out of the repo).
    """
    expected = os.path.normpath(os.path.abspath(path))
    try:
        actual = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        actual = os.path.realpath(path)
    return actual != expected


def _is_regular(mode: int) -> bool:
    import stat
    return stat.S_ISREG(mode)


def normalise(data: bytes) -> tuple[bytes | None, str | None]:
    """Source bytes as UTF-8 (BOM dropped, UTF-16 decoded, bad bytes replaced), or None for binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), None
        except UnicodeDecodeError:
            return None, "skipped: invalid UTF-16 text"
    if b"\0" in data[:_BINARY_SNIFF]:
        return None, "skipped: binary file"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fixed = data.decode("utf-8", errors="replace").encode("utf-8")
        return fixed, f"not valid UTF-8 (byte {exc.start}); undecodable bytes were replaced"
    return data, None


def _os_cause(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, FileNotFoundError):
        return "cannot read: file disappeared while scanning"
    if isinstance(exc, IsADirectoryError):
        return "cannot read: is a directory"
    import errno
    if exc.errno == errno.ELOOP:
        return "cannot read: symbolic link (not followed)"
    return f"cannot read: {(exc.strerror or str(exc)).lower()}"
