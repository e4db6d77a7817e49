"""Byte offsets to the positions every output wants: 1-based lines, character and UTF-16 columns."""

from __future__ import annotations

from sop_check.model import Location


def location_from_bytes(source: bytes, path: str, start_byte: int, end_byte: int | None = None) -> Location:
    """A Location for a byte range of `source` (tree-sitter columns count bytes; ours do not)."""
    line, col, col16 = _point(source, start_byte)
    if end_byte is None:
        return Location(path=path, line=line, column=col, column_utf16=col16)
    eline, ecol, ecol16 = _point(source, end_byte)
    return Location(path=path, line=line, column=col, end_line=eline, end_column=ecol,
                    column_utf16=col16, end_column_utf16=ecol16)


def _point(source: bytes, offset: int) -> tuple[int, int, int]:
    offset = max(0, min(offset, len(source)))
    line_start = source.rfind(b"\n", 0, offset) + 1
    line = source.count(b"\n", 0, offset) + 1
    prefix = source[line_start:offset].decode("utf-8", errors="replace")
    utf16 = sum(2 if ord(ch) > 0xFFFF else 1 for ch in prefix)
    return line, len(prefix) + 1, utf16 + 1
