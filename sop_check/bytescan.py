"""Import specifiers read from a file's bytes, before any parse (which files import which).

What they decide (which files are evidence, which run in the browser) is pinned by the tests; the
scan is `(?:\\bfrom|\\bimport|\\brequire)\\s*+\\(?\\s*+['"]([^'"\\n]{1,300})['"]` run with `findall`,
written so that it runs at the speed of a search for a fixed word.
"""

from __future__ import annotations

import re

# That one regex starts with a word boundary, so the regex engine tried it at every byte of every
# file (about 10 ms a megabyte). Here each keyword is found by a fixed-text search and the rest
# read from there in a lookahead, which only consumes the keyword: every place a match can start
# is found, and `findall`'s leftmost, non-overlapping choice among them is made below. Possessive
# blanks: `import` + 60,000 spaces used to backtrack through every split of the run between the
# two `\s*` (quadratic, 2 s at 20,000 spaces). Blanks are never a quote or `(`.
_KEYWORDS = tuple(re.compile(rb"%s(?<!\w%s)(?=(\s*+\(?\s*+['\"]([^'\"\n]{1,300})['\"]))" % (word, word))
                  for word in (b"from", b"import", b"require"))


def import_specifiers(data: bytes) -> list[bytes]:
    """The specifiers after `from`, `import` and `require` (and `import(`, `require(`), in order."""
    found = sorted((m.start(), m.end(1), m.group(2)) for rx in _KEYWORDS for m in rx.finditer(data))
    out: list[bytes] = []
    end = 0
    for start, stop, spec in found:
        if start >= end:  # a match inside the previous one (`from 'a from 'b'`) is not another
            out.append(spec)
            end = stop
    return out


class Needles:
    """Which of the run's needles (lowercase words the rules declared) a file's lowercased bytes
    hold, as `needle in facts.needles`. Each is looked for when first asked: most questions ask
    about a few needles in evidence files, and searching every file for all of them up front cost
    more than the rest of the byte facts together."""

    __slots__ = ("_lower", "_declared", "_found")

    def __init__(self, lower: bytes, declared: frozenset[str]) -> None:
        self._lower = lower
        self._declared = declared
        self._found: dict[str, bool] = {}

    def __contains__(self, needle: object) -> bool:
        if not isinstance(needle, str) or needle not in self._declared:
            return False  # as before: only the declared needles are ever in the set
        hit = self._found.get(needle)
        if hit is None:
            hit = self._found[needle] = needle.encode() in self._lower
        return hit
