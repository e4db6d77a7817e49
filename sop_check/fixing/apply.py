"""Edits applied to bytes, and which fixes can go together.

Two fixes conflict when an edit of one overlaps an edit of the other in the same file (the
same edit twice is one edit: TAV001 and TAV002 both create the missing route). Insertions at
the same offset do not conflict; they go in the order of their fixes. A fix that conflicts
with one chosen earlier waits for the next round, where it is derived again from the text as
it is then (Ruff's loop).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from sop_check.fixes import Edit, Fix


class EditOverlap(ValueError):
    """Edits of one file that overlap (a recipe's bug, or a conflict that was not caught)."""


def _key(e: Edit) -> tuple[str, int, int, str]:
    return (e.path, e.start, e.end, e.content)


def overlap(a: Edit, b: Edit) -> bool:
    if a.path != b.path or _key(a) == _key(b):
        return False
    return a.start < b.end and b.start < a.end


def conflicts(fix: Fix, chosen: Iterable[Fix]) -> bool:
    return any(overlap(a, b) for other in chosen for a in fix.edits for b in other.edits)


def choose(fixes: Sequence[Fix]) -> tuple[list[int], list[int]]:
    """(indexes of fixes that can be applied together, in order; indexes that must wait)."""
    taken: list[int] = []
    waiting: list[int] = []
    for i, fix in enumerate(fixes):
        if conflicts(fix, (fixes[j] for j in taken)) or _self_overlapping(fix):
            waiting.append(i)
        else:
            taken.append(i)
    return taken, waiting


def _self_overlapping(fix: Fix) -> bool:
    edits = fix.edits
    return any(overlap(edits[i], edits[j]) for i in range(len(edits)) for j in range(i + 1, len(edits)))


def edits_by_file(fixes: Iterable[Fix]) -> dict[str, list[Edit]]:
    """The edits of `fixes` per repository-relative path, each distinct edit once, in fix order."""
    out: dict[str, list[Edit]] = {}
    seen: set[tuple[str, int, int, str]] = set()
    for fix in fixes:
        for e in fix.edits:
            if _key(e) not in seen:
                seen.add(_key(e))
                out.setdefault(e.path, []).append(e)
    return out


def apply_edits(data: bytes, edits: Sequence[Edit]) -> bytes:
    """`data` with `edits` applied (offsets into `data`; insertions at one offset in the given order)."""
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end, i))
    out: list[bytes] = []
    pos = 0
    for i in order:
        e = edits[i]
        if e.start < pos or e.end > len(data) or e.start > e.end:
            raise EditOverlap(f"{e.path}: edit at bytes {e.start}-{e.end} overlaps another or lies outside the file")
        out.append(data[pos:e.start])
        out.append(e.content.encode("utf-8"))
        pos = e.end
    out.append(data[pos:])
    return b"".join(out)
