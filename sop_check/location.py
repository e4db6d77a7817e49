"""A place in a file: what findings, evidence and fix edits point at.

Its own module so that `sop_check.fixes` (an edit's region) and `sop_check.model` (findings,
which carry fixes) both use it without importing each other; `sop_check.model` re-exports it.
"""

from __future__ import annotations

from sop_check.records import record


@record(frozen=True)
class Location:
    """A place in a file. `path` is relative to the report's repository root, with `/`.

    Lines and columns are 1-based. `column` counts characters; `column_utf16`
    counts UTF-16 code units (what SARIF wants). Both are filled by whoever
    makes the location (see :func:`sop_check.text.location_from_bytes`).
    """

    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    column_utf16: int | None = None
    end_column_utf16: int | None = None

    def utf16_column(self) -> int:
        return self.column_utf16 if self.column_utf16 is not None else self.column

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
