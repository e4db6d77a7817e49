"""What a rule declares to repair one kind of finding, and how findings get their fixes.

A rule declares its fixes beside its check, keyed on the finding kind, as it declares its
messages (Ruff's and ESLint's way: the rule that knows the problem knows the repair):

    fixes = {"no-keepalive": FixRecipe(Applicability.SAFE, "add keepalive: true to the unload request",
                                       _add_keepalive)}

`make(ctx, finding)` runs after the rule's check, with the same context (its options, the
app's shared analyses), and returns the edits (a `Draft`) or None when it cannot repair this
occurrence (the code is in a broken region, the options live in a helper it cannot edit
safely, ...). It never writes: the engine owns applying, re-checking and writing.
"""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING, Callable, Mapping

from sop_check.fixes import Applicability, Edit, Fix
from sop_check.model import Finding, RuleResult
from sop_check.records import record
from sop_check.textpos import location_from_bytes

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.context import CheckContext
    from sop_check.index import AppIndex


@record(frozen=True)
class Draft:
    """A recipe's answer for one finding: its edits, and a title when it says more than the recipe's."""

    edits: tuple[Edit, ...]
    title: str | None = None


FixMaker = Callable[["CheckContext", Finding], "Draft | None"]


@record(frozen=True)
class FixRecipe:
    applicability: Applicability
    title: str  # imperative, for docs and reports: "add keepalive: true to the unload request"
    make: FixMaker
    # The text it replaces is a secret (a hard-coded key): masked wherever a diff shows it.
    secret: bool = False


def attach_fixes(code: str, fixes: Mapping[str, FixRecipe], ctx: CheckContext, result: RuleResult) -> None:
    """Give each finding of `result` the fix its rule declares for its kind, when one applies here.

    A recipe that raises is a bug in the recipe, not in the project: the finding simply has no
    fix, and the run says so as a diagnostic (never a crash, never a half-made fix).
    """
    for finding in result.findings:
        recipe = fixes.get(finding.kind)
        if recipe is None or finding.fix is not None:
            continue
        try:
            draft = recipe.make(ctx, finding)
        except Exception as exc:  # noqa: BLE001 - one recipe's bug must not stop the run
            cause = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            ctx.app.diagnose(_app_path(ctx.app, finding.location.path) or ".",
                             f"no fix offered for {code} {finding.kind}: the fix failed ({cause})")
            continue
        if draft is None or (not draft.edits and recipe.applicability is not Applicability.DISPLAY_ONLY):
            continue
        edits = located_edits(ctx.app, draft.edits)
        if edits is not None:
            finding.fix = Fix(draft.title or recipe.title, recipe.applicability, edits)


def located_edits(index: AppIndex, edits: tuple[Edit, ...]) -> tuple[Edit, ...] | None:
    """The edits with their regions, or None when one of them does not fit: a path outside the
    app, a range outside the file, or a file to create that already exists (never overwritten)."""
    out = []
    for e in edits:
        app_path = _app_path(index, e.path)
        if app_path is None or not 0 <= e.start <= e.end:
            return None
        if index.has_file(app_path) or app_path in index.env_names:
            data = current_bytes(index, app_path)
            if data is None or e.end > len(data):
                return None
        else:
            if e.start != 0 or e.end != 0 or index.source.is_file(index.root / app_path) or \
                    os.path.lexists(index.root / app_path):
                return None
            data = b""
        out.append(Edit(e.path, e.start, e.end, e.content, location_from_bytes(data, e.path, e.start, e.end)))
    return tuple(out)


def current_bytes(index: AppIndex, app_path: str) -> bytes | None:
    """A file's text as this run reads it (env files too, which discovery lists apart)."""
    if index.has_file(app_path):
        return index.read_bytes(app_path)
    data, _problem = index.source.read(index.root / app_path, index.max_file_size)
    return data


def _app_path(index: AppIndex, repo_path: str) -> str | None:
    """The app-relative path of a repository-relative one, or None when it is not inside the app."""
    if repo_path.startswith("/") or "\\" in repo_path or "\0" in repo_path:
        return None
    norm = posixpath.normpath(repo_path)
    if norm != repo_path or norm.startswith("../") or norm == "..":
        return None
    if index.rel_root == ".":
        return norm
    prefix = index.rel_root.rstrip("/") + "/"
    return norm[len(prefix):] if norm.startswith(prefix) else None
