"""The kit fix recipes build their edits with: minimal text edits at tree-sitter byte ranges of
one file, written in that file's style (sop_check.fixing.style).

Offsets are those of the file as sop-check read it (UTF-8, BOM dropped), which is what the
parsed module holds; text copied from the file is read from those bytes, never from the
module's source (the index may have re-parsed a variant of it, e.g. with a JSX `&` masked).
"""

from __future__ import annotations

from typing import Any, Iterator

from sop_check.fixes import Edit
from sop_check.fixing.style import Style, indented, restyle, style_of
from sop_check.index import AppIndex
from sop_check.jsmodule import Module

OBJECT_MEMBERS = frozenset({"pair", "shorthand_property_identifier", "spread_element", "method_definition"})


class CodeFile:
    """One parsed TS/JS module of the app, as a target for edits."""

    def __init__(self, index: AppIndex, module: Module) -> None:
        self.index = index
        self.module = module
        self.path = module.repo_path
        data = index.read_bytes(module.path)
        self.source = data if data is not None and len(data) == len(module.source) else module.source
        self.style: Style = style_of(self.source, module.tree)

    # -- reading -----------------------------------------------------------------------------
    def text(self, node: Any) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def broken(self, *nodes: Any) -> bool:
        """Is any of the nodes in (or next to) a region tree-sitter could not parse? Never edited."""
        return any(self.module.in_error(n) for n in nodes)

    def line_indent(self, offset: int) -> str:
        """The leading blanks of the line holding `offset`."""
        start = self.source.rfind(b"\n", 0, offset) + 1
        end = start
        while end < len(self.source) and self.source[end:end + 1] in (b" ", b"\t"):
            end += 1
        return self.source[start:end].decode("ascii")

    def line_end(self, offset: int) -> int:
        """Where the line holding `offset` ends (before its `\\r\\n` or `\\n`)."""
        end = self.source.find(b"\n", offset)
        if end < 0:
            return len(self.source)
        return end - 1 if end > 0 and self.source[end - 1:end] == b"\r" else end

    def rest_is_trivia(self, offset: int) -> bool:
        """Is the rest of the line after `offset` blank or a comment?"""
        rest = self.source[offset:self.line_end(offset)].strip()
        return not rest or rest.startswith(b"//") or (rest.startswith(b"/*") and rest.endswith(b"*/"))

    def code(self, snippet: str, kind: str = "statements") -> str:
        """A canonical-style snippet in this file's style."""
        return restyle(snippet, self.style, kind, self.module.path)

    # -- edits -------------------------------------------------------------------------------
    def edit(self, start: int, end: int, content: str) -> Edit:
        return Edit(self.path, start, end, content)

    def replace(self, node: Any, content: str) -> Edit:
        return self.edit(node.start_byte, node.end_byte, content)

    def insert(self, offset: int, content: str) -> Edit:
        return self.edit(offset, offset, content)

    def lines_at(self, text: str, indent: str, reindent: bool = True) -> str:
        """`text` (in this file's newlines) on a new line that starts with `indent`; with `reindent`
        its other lines too (generated code), without (copied code, whose lines keep their places)."""
        nl = self.style.newline
        return nl + indent + (indented(text, indent, nl) if reindent else text)

    def statement_after(self, stmt: Any, code: str, reindent: bool = True) -> Edit:
        """Insert `code` (styled statements) as the next statement after `stmt`, on its own line
        at `stmt`'s indentation; after a comment that ends `stmt`'s line, not before it."""
        indent = self.line_indent(stmt.start_byte)
        if self.rest_is_trivia(stmt.end_byte):
            return self.insert(self.line_end(stmt.end_byte), self.lines_at(code, indent, reindent))
        return self.insert(stmt.end_byte, self.lines_at(code, indent, reindent))

    def statement_before(self, stmt: Any, code: str, reindent: bool = True) -> Edit:
        """Insert `code` on its own line(s) before the line of `stmt`, at `stmt`'s indentation."""
        indent = self.line_indent(stmt.start_byte)
        nl = self.style.newline
        body = indented(code, indent, nl) if reindent else code
        start = self.source.rfind(b"\n", 0, stmt.start_byte) + 1
        if self.source[start:stmt.start_byte].strip():
            return self.insert(stmt.start_byte, body + " ")
        return self.insert(start, indent + body + nl)

    def append_to_block(self, block: Any, code: str) -> Edit | None:
        """Insert `code` as the last statement of a `statement_block` (on the block's line when the
        block is written on one line)."""
        statements = [c for c in block.named_children if c.type != "comment"]
        if statements and b"\n" not in self.source[block.start_byte:block.end_byte]:
            return self.insert(statements[-1].end_byte, " " + code)
        if statements:
            return self.statement_after(statements[-1], code)
        closing = block.children[-1] if block.child_count and block.children[-1].type == "}" else None
        if closing is None:
            return None
        outer = self.line_indent(block.start_byte)
        return self.edit(block.start_byte, block.end_byte,
                         "{" + self.lines_at(code, outer + self.style.indent) + self.style.newline + outer + "}")

    # -- object literals ---------------------------------------------------------------------
    def add_property(self, obj: Any, snippet: str) -> tuple[Edit, ...]:
        """Add `snippet` (canonical object members, e.g. `keepalive: true`) as the last member of
        the object literal `obj`, following its layout (one member per line or all on one) and
        whether it ends with a comma."""
        text = self.code(snippet, "properties")
        members = [c for c in obj.named_children if c.type in OBJECT_MEMBERS]
        if not members:
            return (self.replace(obj, "{ " + text + " }"),)
        last = members[-1]
        comma = _comma_after(obj, last)
        multiline = b"\n" in self.source[obj.start_byte:last.start_byte]
        if not multiline:
            if comma is not None:
                return (self.insert(comma.end_byte, " " + text + ","),)
            return (self.insert(last.end_byte, ", " + text),)
        indent = self.line_indent(last.start_byte)
        anchor = comma if comma is not None else last
        where = self.line_end(anchor.end_byte) if self.rest_is_trivia(anchor.end_byte) else anchor.end_byte
        line = self.lines_at(text, indent) + ("," if comma is not None else "")
        if comma is not None:
            return (self.insert(where, line),)
        return (self.insert(last.end_byte, ","), self.insert(where, line)) if where != last.end_byte \
            else (self.insert(last.end_byte, "," + line),)


def _comma_after(obj: Any, member: Any) -> Any:
    seen = False
    for child in obj.children:
        if seen:
            return child if child.type == "," else None
        if child.id == member.id:
            seen = True
    return None


def property_key(module_text: str) -> str:
    """A property key as written (`'x-api-key'`, `"method"`, `keepalive`) without its quotes."""
    return module_text.strip().strip("'\"`")


def find_property(file: CodeFile, obj: Any, name: str, *, ignore_case: bool = False) -> Any:
    """The `pair` (or shorthand property) of object literal `obj` whose key is `name`; the last
    one wins, as in JavaScript."""
    found = None
    for member in obj.named_children:
        if member.type == "pair":
            key = member.child_by_field_name("key")
            text = property_key(file.text(key)) if key is not None else ""
        elif member.type == "shorthand_property_identifier":
            text = file.text(member)
        else:
            continue
        if text == name or (ignore_case and text.lower() == name.lower()):
            found = member
    return found


def ancestors(node: Any) -> Iterator[Any]:
    n = node.parent
    while n is not None:
        yield n
        n = n.parent


def enclosing(node: Any, types: frozenset[str] | set[str]) -> Any:
    return next((a for a in ancestors(node) if a.type in types), None)


def unique_name(file: CodeFile, base: str) -> str:
    """`base`, or `base2`, `base3`... : a name the file does not use anywhere."""
    text = file.source
    name, n = base, 1
    while name.encode() in text:
        n += 1
        name = f"{base}{n}"
    return name
