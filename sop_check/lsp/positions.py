"""Our positions (1-based lines; columns in characters, UTF-16 units, or bytes of UTF-8 text) as
LSP positions: 0-based lines and columns in the encoding the client and server agreed on
(`utf-16` unless the client offers another; pygls picks)."""

from __future__ import annotations

from sop_check.model import Location

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """Length of `text` in the code units of `encoding`."""
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == UTF16:
        return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    return len(text)


class Lines:
    """The lines of one file's text, for turning columns into the agreed units."""

    def __init__(self, text: str | None) -> None:
        self.lines = text.split("\n") if text is not None else None

    def get(self, line0: int) -> str | None:
        if self.lines is None or not 0 <= line0 < len(self.lines):
            return None
        return self.lines[line0].removesuffix("\r")

    def position(self, line: int, column: int, column_utf16: int | None, encoding: str) -> tuple[int, int]:
        """(line0, character) for a 1-based line and character column (and its UTF-16 column, if known)."""
        line0, col0 = max(0, line - 1), max(0, column - 1)
        text = self.get(line0)
        if text is None:  # file not readable now: the best the location itself says
            if encoding == UTF16 and column_utf16 is not None:
                return line0, max(0, column_utf16 - 1)
            return line0, col0
        col0 = min(col0, len(text))
        return line0, units(text[:col0], encoding)

    def line_end(self, line0: int, encoding: str) -> int:
        text = self.get(line0)
        return units(text, encoding) if text is not None else 0

    def range_of(self, loc: Location, encoding: str) -> tuple[tuple[int, int], tuple[int, int]]:
        """The LSP range of a finding's location. A point (no end) spans the rest of its line, so
        the editor has something to underline (a `.env.local:1:1` finding underlines line 1)."""
        start = self.position(loc.line, loc.column, loc.column_utf16, encoding)
        if loc.end_line is not None and loc.end_column is not None:
            end = self.position(loc.end_line, loc.end_column, loc.end_column_utf16, encoding)
            if end >= start:
                return start, end
        end_of_line = self.line_end(start[0], encoding)
        return start, (start[0], max(start[1], end_of_line))


def byte_position(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """(line0, character) of a byte offset into UTF-8 text (a fix's edit), in `encoding`."""
    offset = max(0, min(offset, len(data)))
    line_start = data.rfind(b"\n", 0, offset) + 1
    line0 = data.count(b"\n", 0, offset)
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    return line0, units(prefix, encoding)
