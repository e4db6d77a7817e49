"""Read-only questions to git about the target, run so that nothing of the target's executes.

Every git process sop-check starts goes through `git_command` + `git_env` (use `run_git` or
`popen_git`; never build a git command line elsewhere). The scanned repository, its
`.git/config` included, is hostile (SECURITY.md): a repo can name a promisor remote whose
transport runs a command (`ext::sh -c ...`, an `ssh://` URL with `core.sshCommand`, a local
path with `remote.*.uploadpack`), and git's lazy fetch of a missing object starts it from a
plain `git ls-files`. Per-protocol config in the repo beats a command-line `protocol.allow`,
so the environment does it: `GIT_ALLOW_PROTOCOL` naming no real transport turns every
transport off whatever the repo says, and `GIT_NO_LAZY_FETCH=1` stops the fetch itself.

`safe.directory` is *not* overridden (it used to be `*`): git's ownership check stays in
force, so a repository owned by another user (say a `.git` planted above the checkout) is
refused and we walk the folder instead, with a notice. A workflow that trusts such a
checkout says so in git's own config (`git config --global --add safe.directory PATH`, or
`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_0`/`GIT_CONFIG_VALUE_0` in the environment), which git
reads and we leave alone. The decision and its reasons are in SECURITY.md.

Any failure (git missing, refusing, timing out, or saying anything on stderr: a missing
object makes `ls-files` print an error and still exit 0 with a partial list) means
"no git" for the caller, who then falls back to walking the file system.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from sop_check.records import record

# `--no-pager` and `core.pager=cat`: no pager program, whatever `pager.*`/`core.pager` say.
# `core.fsmonitor=false`: a configured fsmonitor hook is a program. `core.hooksPath`: no
# hook of the repo's (read commands run none today; this keeps it so). `core.quotepath=off`:
# names come back as bytes, not C-quoted.
_HARDENING = (
    "--no-pager",
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat",
    "-c", "core.quotepath=off",
    "-c", "protocol.allow=never",
)
_GIT = ["git", *_HARDENING]  # kept for callers that start git themselves; prefer popen_git

# The environment every git process gets on top of ours (see the module docstring).
NO_TRANSPORT = "none"
_FORCED_ENV = {
    "GIT_ALLOW_PROTOCOL": NO_TRANSPORT,  # an allow-list naming no transport: none is allowed
    "GIT_PROTOCOL_FROM_USER": "0",
    "GIT_NO_LAZY_FETCH": "1",  # git >= 2.45 (and honoured by the 2.39 here): no lazy fetch at all
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "false",
    "SSH_ASKPASS": "false",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_OPTIONAL_LOCKS": "0",  # never take the index lock: `check` writes nothing
    "GIT_NO_REPLACE_OBJECTS": "1",  # refs/replace must not swap what a blob id reads as
}
# Variables of the user's or CI's git environment that would point us at another repository,
# another index or object store, or run a program.
_DROPPED_ENV = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_EXTERNAL_DIFF", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_PROXY_COMMAND",
    "GIT_EXEC_PATH", "GIT_TEMPLATE_DIR",
)
_STDERR_LIMIT = 4096


def git_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a git process: ours, minus redirections, plus every transport off."""
    env = dict(os.environ if base is None else base)
    for key in _DROPPED_ENV:
        env.pop(key, None)
    env.update(_FORCED_ENV)
    return env


def _env() -> dict[str, str]:  # the name other modules used before `git_env`
    return git_env()


def git_command(*args: str) -> list[str]:
    """The full argv of a hardened git invocation of `args` (a subcommand and its options)."""
    return [*_GIT, *args]


@record(frozen=True)
class GitOutput:
    stdout: bytes | None  # None: git is missing, failed, or complained
    problem: str | None = None  # one line saying why, when stdout is None


def run(cwd: Path, *args: str, stdin: bytes | None = None, timeout: float = 30.0,
        ok_codes: tuple[int, ...] = (0,)) -> GitOutput:
    """Run a hardened git command; any exit code outside `ok_codes` or any stderr is a failure."""
    try:
        proc = subprocess.run(
            git_command(*args), cwd=cwd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=None if stdin is not None else subprocess.DEVNULL, env=git_env(), timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return GitOutput(None, f"git {_command_name(args)} did not finish within {timeout:g} s")
    except (OSError, subprocess.SubprocessError) as exc:
        return GitOutput(None, f"cannot run git ({type(exc).__name__})")
    return _judge(_command_name(args), proc.returncode, proc.stdout, proc.stderr, ok_codes)


def _command_name(args: tuple[str, ...]) -> str:
    return next((a for a in args if not a.startswith("-")), "")


def _judge(command: str, code: int, out: bytes, err: bytes, ok_codes: tuple[int, ...]) -> GitOutput:
    if code in ok_codes and not err.strip():
        return GitOutput(out)
    return GitOutput(None, describe_failure(command, code, err))


def describe_failure(command: str, code: int, err: bytes) -> str:
    """One line for a notice. git's own words are kept short (they may quote paths of the tree)."""
    text = err[:_STDERR_LIMIT].decode("utf-8", "replace")
    if "dubious ownership" in text:
        return ("git refused the repository: it is owned by another user (add it to safe.directory in the "
                "workflow's git config to use git)")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"git {command} failed (exit {code}{': ' + first[:160] if first else ''})"


def run_git(cwd: Path, *args: str, timeout: float = 30.0) -> bytes | None:
    """Run a git command; return stdout, or None when git is missing, fails or complains."""
    return run(cwd, *args, timeout=timeout).stdout


def popen_git(cwd: Path, *args: str, stdin: bool = False, stderr: bool = True) -> subprocess.Popen[bytes] | None:
    """Start a hardened git command whose output is read later (stdout is a pipe; stderr too unless
    `stderr` is False: a long-lived process nobody drains must not block on a full stderr pipe)."""
    try:
        return subprocess.Popen(git_command(*args), cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE if stderr else subprocess.DEVNULL,
                                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, env=git_env())
    except OSError:
        return None


@record(frozen=True)
class GitProbe:
    top: Path | None  # the work tree root, or None (not in git, or git unusable)
    problem: str | None = None  # why git is unusable, when it is not simply "not a repository"


def probe(path: Path) -> GitProbe:
    """Is `path` inside a git work tree we may use, and which?

    The top level must contain `path` and hold a `.git`: a repo whose config moves its work
    tree (`core.worktree`) elsewhere is not one whose listing describes this folder.
    """
    start = path if path.is_dir() else path.parent
    result = run(start, "rev-parse", "--show-toplevel")
    if result.stdout is None:
        problem = result.problem or ""
        if "not a git repository" in problem or "cannot run git" in problem:
            return GitProbe(None)
        return GitProbe(None, problem)
    top = Path(os.fsdecode(result.stdout.strip()))
    try:
        start.resolve().relative_to(top.resolve())
    except (ValueError, OSError):
        return GitProbe(None, "git names a work tree that does not contain the checked folder; not using git")
    if not os.path.lexists(top / ".git"):
        return GitProbe(None, "the repository's work tree has no .git; not using git")
    return GitProbe(top)


def toplevel(path: Path) -> Path | None:
    """The work tree root containing `path`, or None outside git (or when git is unusable)."""
    return probe(path).top


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


def start_grep(root: Path, needle: str, *, staged: bool = False) -> subprocess.Popen[bytes] | None:
    """Start `git grep` for tracked files under `root` whose text contains `needle` (any case).

    It runs while discovery goes on; `finish_grep` collects it. Reading every file in
    Python to learn that it cannot matter costs far more than git's threaded grep.
    """
    args = ["grep", "--cached" if staged else "--no-untracked", "--no-textconv", "-l", "-i", "-I", "-F", "-z",
            "-e", needle]
    return popen_git(root, *args)


def finish_grep(proc: subprocess.Popen[bytes] | None) -> set[str] | None:
    if proc is None:
        return None
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.SubprocessError:
        proc.kill()
        proc.communicate()
        return None
    result = _judge("grep", proc.returncode, out, err, (0, 1))  # 1: nothing matched
    if result.stdout is None:
        return None
    return {os.fsdecode(n) for n in result.stdout.split(b"\0") if n}


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
    result = run(root, "check-ignore", "--no-index", "-z", "--stdin",
                 stdin=b"\0".join(os.fsencode(p) for p in paths), ok_codes=(0, 1))
    return {os.fsdecode(n) for n in (result.stdout or b"").split(b"\0") if n}


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
                # Through the hardened helper: a missing blob must not start a lazy fetch.
                self._proc = popen_git(self._root, "cat-file", "--batch", stdin=True, stderr=False)
            except OSError:
                self._broken = True
            if self._proc is None:
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
