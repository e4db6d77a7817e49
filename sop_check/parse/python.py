"""Python sources (Vercel Python functions) through libcst, imported only when one must be parsed."""

from __future__ import annotations

from typing import Any

from sop_check.parse.limits import MAX_PYTHON_DEPTH, call_with_large_stack, python_depth


def parse_python(data: bytes) -> tuple[Any | None, str | None]:
    """(libcst MetadataWrapper, None) or (None, a one-line problem). Never raises, never crashes.

    libcst's native parser overflows the C stack on deep nesting and takes the process with
    it, so the nesting is measured first and the parse runs on a thread with a large stack.
    """
    depth = python_depth(data.decode("utf-8", "replace"))
    if depth > MAX_PYTHON_DEPTH:
        return None, f"skipped: nests too deeply to parse safely (depth estimate {depth}, limit {MAX_PYTHON_DEPTH})"
    return call_with_large_stack(lambda: _parse(data))


def _parse(data: bytes) -> tuple[Any | None, str | None]:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        return None, f"syntax error at line {exc.raw_line}, column {exc.raw_column}; the file is not evidence"
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, f"cannot parse: {type(exc).__name__}"
    return MetadataWrapper(module, unsafe_skip_copy=True), None
