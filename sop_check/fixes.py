"""What a fix is, as every consumer sees it: `check --fix` (issue 15), JSON/SARIF, the language server.

A fix is attached to the finding it repairs (`Finding.fix`). Its edits are minimal text
replacements at byte ranges of the file's UTF-8 text as the check read it (tree-sitter
ranges are bytes): the rest of the file stays byte-identical. Applicability follows Ruff:

- `safe`: keeps the program's meaning apart from the repair; `--fix` applies it.
- `unsafe`: may change behaviour; applied only with `--unsafe-fixes`.
- `display-only`: shown to the user (a snippet to adapt), never applied by a tool.

The language server offers `safe` and `unsafe` fixes as quick fixes (the editor applies
the edit; the server never writes) and shows `display-only` ones on hover.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.location import Location


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"

    def __str__(self) -> str:
        return self.value


@record(frozen=True)
class Edit:
    """Replace bytes [start, end) of `path` with `content`. `start == end` inserts; a file that
    does not exist yet is created by an insertion at 0."""

    path: str  # relative to the repository root, with `/` (as Location.path)
    start: int  # byte offset in the file's UTF-8 text as checked
    end: int
    content: str
    # [start, end) in lines and columns (SARIF's deletedRegion), filled when the fix is attached;
    # None for an edit made by hand (tests, the language server computes its own ranges).
    region: Location | None = None


@record(frozen=True)
class Fix:
    """One repair of one finding: a title saying what it does, its applicability, its edits."""

    title: str  # imperative, e.g. "add keepalive: true to the unload request"
    applicability: Applicability
    edits: tuple[Edit, ...] = ()

    @property
    def applicable(self) -> bool:
        """Can a tool apply it (safe or unsafe, with edits)? Display-only fixes are shown, not applied."""
        return self.applicability is not Applicability.DISPLAY_ONLY and bool(self.edits)

