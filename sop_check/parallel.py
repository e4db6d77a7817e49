"""Parsing many files in worker processes, for `--no-prefilter` runs.

tree-sitter objects do not pickle and a Parser must not be shared, so each worker
builds its own parser and sends back plain facts: the first syntax error, if any.
A pool only pays for itself past a few hundred files (measured: see the README's
performance section), so small runs stay in one process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.source import FileSource

POOL_THRESHOLD = 400  # files; below this a pool costs more than it saves


# (path, size limit, and when the main process already read them: the bytes and the read problem)
Work = tuple[str, int, bytes | None, str | None]


def _check_one(args: Work) -> tuple[str, str | None]:
    path, max_size, data, problem = args
    from sop_check.files import read_source
    from sop_check.parse.typescript import parse
    from sop_check.textpos import location_from_bytes

    if data is None and problem is None:
        data, problem = read_source(Path(path), max_size)
    if data is None:
        return path, problem
    tree = parse(data, path)
    if not tree.root_node.has_error:
        return path, problem
    cursor = tree.walk()
    while True:  # the first broken node, in document order
        node = cursor.node
        if node.is_error or node.is_missing:
            loc = location_from_bytes(data, path, node.start_byte)
            return path, f"syntax error at line {loc.line}, column {loc.column}"
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return path, problem


class SyntaxPass:
    """A syntax check of many files, running in a pool (or deferred, for small or single-job runs)."""

    def __init__(self, work: list[Work], workers: int) -> None:
        self._work = work
        self._pool = None
        self._async = None
        if workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
            self._pool = ctx.Pool(workers)
            self._async = self._pool.map_async(_check_one, work, chunksize=max(16, len(work) // (workers * 8)))

    def results(self) -> list[tuple[str, str]]:
        if self._pool is None:
            found = list(map(_check_one, self._work))
        else:
            assert self._async is not None  # started with the pool
            try:
                found = self._async.get()
            finally:
                self._pool.close()
                self._pool.join()
        return [(p, m) for p, m in found if m]


def start_syntax_pass(paths: list[str], max_size: int, jobs: int,
                      source: FileSource | None = None) -> SyntaxPass | None:
    """Start parsing `paths`; `.results()` gives (path, problem) for files that do not parse cleanly.

    With a `source` (the git index under --staged) the bytes are read here, in the main
    process, and shipped to the workers: only this process talks to git.
    """
    if not paths:
        return None
    cpus = os.cpu_count() or 1
    # Never more workers than CPUs, whoever asks (a config in the scanned tree set 40 for 5 files).
    workers = min(jobs or cpus, cpus, len(paths))
    if jobs == 0 and len(paths) < POOL_THRESHOLD:
        workers = 1  # automatic: a pool costs more than it saves on small runs
    work: list[Work] = []
    for p in paths:
        data, problem = source.read(Path(p), max_size) if source is not None else (None, None)
        work.append((p, max_size, data, problem))
    return SyntaxPass(work, workers)
