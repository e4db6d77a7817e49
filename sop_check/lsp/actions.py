"""Fixes as the editor offers them: a thin mapping of `Finding.fix` (sop_check.fixes).

- `safe` and `unsafe` fixes with edits are quick fixes on their diagnostic; an unsafe one
  says so in its title and is never the preferred action. A fix is offered only once the
  server has proved it as `check --fix` does (applied alone to the buffers the run checked,
  re-parsed, the app re-checked: its finding gone, nothing worse); a refused one is shown
  disabled with the reason where the editor supports that.
- `display-only` fixes are shown on hover (a snippet to adapt), never applied.

The server never writes: a code action carries a `WorkspaceEdit` that the editor applies
when the user picks it. An edit is offered only for files that are still exactly what the
run checked (the same buffer version, or the same bytes on disk); otherwise the next run,
already on its way, will offer a fresh one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Sequence

from lsprotocol import types

from sop_check.fixes import Applicability, Edit, Fix
from sop_check.files import read_source
from sop_check.lsp.checker import AppCheck
from sop_check.lsp.diagnostics import Published, inside
from sop_check.lsp.positions import byte_position
from sop_check.model import Finding
from sop_check.overlay import digest
from sop_check.report.inert import clean

_MAX_FILE_BYTES = 10_000_000


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Do the ranges touch (a cursor at either end of a diagnostic counts)?"""
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


class ActionBuilder:
    """Code actions and hovers for the diagnostics of one finished run."""

    def __init__(self, check: AppCheck, encoding: str, uri_of: Callable[[Path], str],
                 version_now: Callable[[Path], int | None], document_changes: bool = True) -> None:
        self.check = check
        self.encoding = encoding
        self.uri_of = uri_of
        self.version_now = version_now  # the open buffer's version now, None when it is not open
        self.document_changes = document_changes  # the client takes versioned edits and file creation

    def offered(self, entries: Sequence[Published]) -> list[Finding]:
        """The findings under the cursor whose fix a tool may apply and whose files are still the text
        the run checked: the ones to prove (re-check) before they are offered."""
        return [e.finding for e in entries if e.finding is not None and e.finding.fix is not None
                and e.finding.fix.applicable and self.workspace_edit(e.finding.fix) is not None]

    def code_actions(self, entries: Sequence[Published], disabled_support: bool = False) -> list[types.CodeAction]:
        """Quick fixes for the fixes the re-check kept (`AppCheck.proofs`, filled by the server
        before it asks); a refused one is shown disabled with the reason when the editor can show
        that (`--fix` would say "fix not applied: ..."), else left out."""
        actions = []
        for entry in entries:
            finding = entry.finding
            fix = finding.fix if finding is not None else None
            if finding is None or fix is None or not fix.applicable or id(finding) not in self.check.proofs:
                continue
            edit = self.workspace_edit(fix)
            if edit is None:
                continue
            unsafe = fix.applicability is Applicability.UNSAFE
            title = f"{clean(fix.title)} ({finding.rule})" + (" [unsafe: may change behaviour]" if unsafe else "")
            refused = self.check.proofs[id(finding)]
            if refused:
                if disabled_support:
                    actions.append(types.CodeAction(
                        title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[entry.diagnostic],
                        disabled=types.CodeActionDisabled(reason=f"fix not applied: {clean(refused)}")))
                continue
            actions.append(types.CodeAction(
                title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[entry.diagnostic], edit=edit,
                is_preferred=not unsafe or None,
            ))
        return actions

    def hover(self, entries: Sequence[Published]) -> types.Hover | None:
        """Display-only fixes under the cursor, as Markdown."""
        parts = []
        for entry in entries:
            fix = entry.finding.fix if entry.finding is not None else None
            if fix is None or fix.applicability is not Applicability.DISPLAY_ONLY:
                continue
            parts.append(f"**{entry.finding.rule if entry.finding else ''}**: {_markdown_text(clean(fix.title))} "
                         "(suggestion, not applied automatically)")
            parts.extend(_fenced(e.content, e.path) for e in fix.edits)
        if not parts:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts)))

    # -- edits -------------------------------------------------------------------------------
    def workspace_edit(self, fix: Fix) -> types.WorkspaceEdit | None:
        by_file: dict[Path, list[Edit]] = {}
        for e in fix.edits:
            by_file.setdefault(Path(os.path.normpath(self.check.repo_root / e.path)), []).append(e)
        changes: list[types.TextDocumentEdit | types.CreateFile] = []
        plain: dict[str, list[types.TextEdit]] = {}
        for path, edits in by_file.items():
            if not inside(self.check.target.root, path):
                return None  # nothing outside the app is ever edited
            current = self._current(path)
            if current is None:
                return None
            data, exists = current
            text_edits = [types.TextEdit(range=self._range(data, e), new_text=e.content) for e in edits]
            uri = self.uri_of(path)
            if not exists:
                if not self.document_changes:
                    return None  # creating a file needs documentChanges
                changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
            version = self.check.snapshot.versions.get(path)
            changes.append(types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=list(text_edits)))
            plain[uri] = text_edits
        if self.document_changes:
            return types.WorkspaceEdit(document_changes=changes)
        return types.WorkspaceEdit(changes=plain)

    def _current(self, path: Path) -> tuple[bytes, bool] | None:
        """(the text the run checked, whether the file exists), if the file is still that text."""
        snap = self.check.snapshot
        if path in snap.buffers:
            if self.version_now(path) != snap.versions.get(path):
                return None  # edited since: a newer run will offer its own fix
            return snap.buffers[path], True
        if self.version_now(path) is not None:
            return None  # opened since the run: it read the disk, the buffer may differ
        if not os.path.lexists(path):
            return b"", False  # a file the fix creates
        data, _problem = read_source(path, _MAX_FILE_BYTES)
        if data is None or self.check.read_digests.get(path) != digest(data):
            return None  # changed on disk, or never read by the run: the offsets may not fit
        return data, True

    def _range(self, data: bytes, e: Edit) -> types.Range:
        sl, sc = byte_position(data, e.start, self.encoding)
        el, ec = byte_position(data, e.end, self.encoding)
        return types.Range(types.Position(sl, sc), types.Position(el, ec))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def _markdown_text(text: str) -> str:
    """Text shown as itself in Markdown: a title quoting the tree cannot become a link or markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _fenced(content: str, path: str) -> str:
    """A code block no backtick run inside `content` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * max(3, longest + 1)
    language = {"ts": "ts", "tsx": "tsx", "js": "js", "jsx": "jsx", "py": "python"}.get(path.rsplit(".", 1)[-1], "")
    return f"{fence}{language}\n{content.rstrip()}\n{fence}"
