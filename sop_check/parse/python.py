"""Python sources (Vercel Python functions) through libcst, imported only when one must be parsed."""

from __future__ import annotations

from typing import Any


def parse_python(data: bytes) -> tuple[Any | None, str | None]:
    """(libcst MetadataWrapper, None) or (None, a one-line problem). Never raises."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        return None, f"syntax error at line {exc.raw_line}, column {exc.raw_column}; the file is not evidence"
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, f"cannot parse: {type(exc).__name__}"
    return MetadataWrapper(module, unsafe_skip_copy=True), None
