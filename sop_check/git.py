"""Read-only questions to git about the target, run so that nothing of the target's executes.

`core.fsmonitor=false` keeps a configured fsmonitor hook from running; `safe.directory=*`
keeps CI's ownership check from refusing a checkout made by another user. Any failure
means "no git" for the caller, who then falls back to walking the file system.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

_GIT = ["git", "-c", "core.fsmonitor=false", "-c", "safe.directory=*", "-c", "core.quotepath=off"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # The user's or CI's git environment must not redirect us to another repository.
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never take the index lock: `check` writes nothing
    return env


def run_git(cwd: Path, *args: str, timeout: float = 30.0) -> bytes | None:
    """Run a git command; return stdout, or None when git is missing or fails."""
    try:
        proc = subprocess.run(
            [*_GIT, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL, env=_env(), timeout=timeout, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout


def toplevel(path: Path) -> Path | None:
    """The work tree root containing `path`, or None outside git."""
    start = path if path.is_dir() else path.parent
    out = run_git(start, "rev-parse", "--show-toplevel")
    if not out:
        return None
    return Path(os.fsdecode(out.strip()))


def list_files(root: Path, *, staged: bool = False) -> tuple[list[str], list[str]] | None:
    """(tracked, untracked) files under `root`, relative to it; None when git cannot answer.

    Untracked files honour .gitignore. With `staged`, only what the index holds
    (what a commit will contain) and no untracked files.
    """
    args = ["ls-files", "-z", "-t", "--cached"]
    if not staged:
        # Deleted in the work tree but still in the index: not there for a work-tree check
        # (reading it would only say "file disappeared" and turn verdicts into `unknown`).
        args += ["--deleted", "--others", "--exclude-standard"]
    out = run_git(root, *args)
    if out is None:
        return None
    tracked: set[str] = set()
    untracked: set[str] = set()
    deleted: set[str] = set()
    for entry in out.split(b"\0"):
        if len(entry) < 3:
            continue
        tag, name = entry[:1], os.fsdecode(entry[2:])
        (untracked if tag == b"?" else deleted if tag == b"R" else tracked).add(name)
    return sorted(tracked - deleted), sorted(untracked - tracked)


def deleted_files(root: Path) -> set[str]:
    """Tracked files deleted in the work tree (listed by ls-files, absent on disk)."""
    out = run_git(root, "ls-files", "-z", "--deleted")
    if not out:
        return set()
    return {os.fsdecode(n) for n in out.split(b"\0") if n}


def start_grep(root: Path, needle: str, *, staged: bool = False) -> subprocess.Popen | None:
    """Start `git grep` for tracked files under `root` whose text contains `needle` (any case).

    It runs while discovery goes on; `finish_grep` collects it. Reading every file in
    Python to learn that it cannot matter costs far more than git's threaded grep.
    """
    args = ["grep", "--cached" if staged else "--no-untracked", "-l", "-i", "-I", "-F", "-z", "-e", needle]
    try:
        return subprocess.Popen([*_GIT, *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, env=_env())
    except OSError:
        return None


def finish_grep(proc: subprocess.Popen | None) -> set[str] | None:
    if proc is None:
        return None
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.SubprocessError:
        proc.kill()
        return None
    if proc.returncode not in (0, 1):  # 1: nothing matched
        return None
    return {os.fsdecode(n) for n in out.split(b"\0") if n}


def tracked(root: Path, paths: list[str]) -> set[str]:
    """Which of `paths` (relative to `root`) git tracks."""
    if not paths:
        return set()
    out = run_git(root, "ls-files", "-z", "--", *paths)
    return {os.fsdecode(n) for n in (out or b"").split(b"\0") if n}


def ignored(root: Path, paths: list[str]) -> set[str]:
    """Which of `paths` .gitignore rules cover (nested files and negations honoured).

    `--no-index` asks about the rules even for files that are tracked anyway.
    """
    if not paths:
        return set()
    try:
        proc = subprocess.run([*_GIT, "check-ignore", "--no-index", "-z", "--stdin"], cwd=root,
                              input=b"\0".join(os.fsencode(p) for p in paths), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env=_env(), timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    return {os.fsdecode(n) for n in proc.stdout.split(b"\0") if n}


class IndexEntry(NamedTuple):  # a tuple: one per file of the repository, built fast
    """A file staged in the index: what a commit made now would contain."""

    mode: str  # "100644"/"100755" a file, "120000" a symbolic link, "160000" a submodule
    oid: str  # the blob's object name


def index_entries(root: Path, paths: tuple[str, ...] = ()) -> dict[str, IndexEntry] | None:
    """The index's merged (stage 0) entries under `root` (or only `paths`), keyed by path relative to it.

    None when git cannot answer. Files still in conflict have no stage-0 entry: a commit
    cannot be made with them, so they hold nothing to read.
    """
    literal = ("--literal-pathspecs",) if paths else ()  # a name is a name, never a pattern
    out = run_git(root, *literal, "ls-files", "-z", "--stage", *(("--", *paths) if paths else ()))
    if out is None:
        return None
    entries: dict[str, IndexEntry] = {}
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # os.fsdecode, inlined
    for record_ in out.split(b"\0"):
        meta, tab, name = record_.partition(b"\t")
        parts = meta.split(b" ")
        if not tab or len(parts) != 3 or parts[2] != b"0":
            continue
        entries[name.decode(encoding, errors)] = IndexEntry(parts[0].decode("ascii", "replace"),
                                                            parts[1].decode("ascii", "replace"))
    return entries


class BlobReader:
    """Reads blobs (staged file contents) through one long-lived `git cat-file --batch` process.

    One process answers every read of a run, asked by object name, so file names never
    travel through the protocol. A blob over the caller's size limit is never read: the
    process is stopped and a new one started on the next request. Call `close()` when done.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._proc: subprocess.Popen[bytes] | None = None
        self._broken = False

    def read(self, oid: str, max_size: int) -> tuple[bytes | None, int | None]:
        """(contents, size); (None, size) when over `max_size`; (None, None) when git cannot answer."""
        proc = self._process()
        if proc is None or proc.stdin is None or proc.stdout is None:
            return None, None
        try:
            proc.stdin.write(oid.encode("ascii") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline()
            fields = header.split()
            if len(fields) != 3 or fields[1] != b"blob":
                return None, None  # "<oid> missing", or not a blob
            size = int(fields[2])
            if size > max_size:
                self._stop()  # the rest of the stream is that blob: never read it
                return None, size
            data = proc.stdout.read(size + 1)  # contents, then a newline
        except (OSError, ValueError):
            self._stop()
            self._broken = True
            return None, None
        if len(data) != size + 1:
            self._stop()
            self._broken = True
            return None, None
        return data[:size], size

    def _process(self) -> subprocess.Popen[bytes] | None:
        if self._proc is None and not self._broken:
            try:
                self._proc = subprocess.Popen([*_GIT, "cat-file", "--batch"], cwd=self._root, stdin=subprocess.PIPE,
                                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env())
            except OSError:
                self._broken = True
        return self._proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        proc.kill()
        proc.wait()

    def close(self) -> None:
        self._stop()


def staged_blob(root: Path, relpath: str, max_size: int) -> bytes | None:
    """The staged contents of one file (`relpath` relative to the top level `root`), or None.

    None when the file is not staged as a regular file, is over `max_size`, or git cannot answer.
    """
    entries = index_entries(root, (relpath,))
    entry = (entries or {}).get(relpath)
    if entry is None or entry.mode not in ("100644", "100755"):
        return None
    reader = BlobReader(root)
    try:
        data, _ = reader.read(entry.oid, max_size)
    finally:
        reader.close()
    return data
