"""Leaving a `check` run without freeing what it built (the console script only).

Freeing the last app's index (its trees, modules, evaluator caches) and then the interpreter's
own teardown cost about 5% of a large app's run, for memory the operating system takes back at
once. Like mypy, the console script ends a `check` with `os._exit` once its output is flushed.
In-process callers (tests, the language server, `CliRunner`) never enable this: for them the
engine releases every index as before. Profile with `python -m cProfile -m sop_check check …`
(`python -m sop_check` runs `main`, which never exits hard, so the profile gets written).
"""

from __future__ import annotations

import os
import sys
from typing import Any

_parked: list[Any] | None = None  # None: not enabled (the default everywhere but the console script)


def enable() -> None:
    global _parked
    _parked = []


def park(obj: Any) -> bool:
    """Keep `obj` alive until the hard exit instead of freeing it (False: not enabled, free it)."""
    if _parked is None:
        return False
    _parked[:] = [obj]  # only the latest: a second run in the process frees the first one's
    return True


def leave(code: int) -> None:
    """Flush the output and exit now; when the output cannot be flushed (a closed pipe), return,
    and the caller exits the ordinary way, which reports that as it always did."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)
