"""Parsing many files in worker processes, for `--no-prefilter` runs.

tree-sitter objects do not pickle and a Parser must not be shared, so each worker
builds its own parser and sends back plain facts: the first syntax error, if any.
A pool only pays for itself past a few hundred files (measured: see the README's
performance section), so small runs stay in one process.
"""

from __future__ import annotations

import os
from pathlib import Path

POOL_THRESHOLD = 400  # files; below this a pool costs more than it saves


def _check_one(args: tuple[str, int]) -> tuple[str, str | None]:
    path, max_size = args
    from sop_check.files import read_source
    from sop_check.parse.typescript import parse
    from sop_check.textpos import location_from_bytes

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


def syntax_problems(paths: list[str], max_size: int, jobs: int) -> list[tuple[str, str]]:
    """(path, problem) for each file that cannot be read or does not parse cleanly."""
    workers = jobs or (os.cpu_count() or 1)
    work = [(p, max_size) for p in paths]
    if workers <= 1 or len(paths) < (POOL_THRESHOLD if jobs == 0 else 2):
        results = map(_check_one, work)
        return [(p, m) for p, m in results if m]
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ctx.Pool(workers) as pool:
        results = pool.map(_check_one, work, chunksize=max(16, len(work) // (workers * 8)))
    return [(p, m) for p, m in results if m]
