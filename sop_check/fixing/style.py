"""A file's own style (line endings, indentation, quotes, semicolons), and code written in it.

Fix recipes write their snippets once, in a canonical style (two-space indentation, single
quotes, semicolons, `\\n`); `restyle` turns a snippet into the style of the file it goes into,
from the parsed snippet (so a quote inside a comment or a `;` inside a string is never touched).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sop_check.records import record

CANONICAL_INDENT = "  "
_STATEMENT_END = frozenset({
    "expression_statement", "lexical_declaration", "variable_declaration", "return_statement",
    "import_statement", "export_statement", "throw_statement", "break_statement", "continue_statement",
    "public_field_definition", "type_alias_declaration",
})


@record(frozen=True)
class Style:
    newline: str = "\n"
    indent: str = CANONICAL_INDENT  # one level
    quote: str = "'"
    semicolons: bool = True


def style_of(source: bytes, tree: Any = None) -> Style:
    """The style `source` is written in (tree: its parse, for quotes and semicolons)."""
    crlf = source.count(b"\r\n")
    newline = "\r\n" if crlf and crlf >= source.count(b"\n") - crlf else "\n"
    quote, semicolons = "'", True
    if tree is not None:
        quote, semicolons = _quotes_and_semicolons(source, tree.root_node)
    return Style(newline=newline, indent=_indent_unit(source), quote=quote, semicolons=semicolons)


def _indent_unit(source: bytes) -> str:
    widths: Counter[int] = Counter()
    tabs = spaces = 0
    previous = 0
    for raw in source.split(b"\n"):
        line = raw.rstrip(b"\r")
        body = line.lstrip(b" \t")
        if not body or body.startswith((b"*", b"//")):
            continue
        lead = line[:len(line) - len(body)]
        if lead.startswith(b"\t"):
            tabs += 1
        elif lead:
            spaces += 1
            step = len(lead) - previous
            if step > 0:
                widths[step] += 1
        previous = len(lead) if not lead.startswith(b"\t") else previous
    if tabs > spaces:
        return "\t"
    common = [w for w, _ in widths.most_common() if w in (2, 4, 3, 8)]
    return " " * common[0] if common else CANONICAL_INDENT


def _quotes_and_semicolons(source: bytes, root: Any) -> tuple[str, bool]:
    single = double = ended = open_ = 0
    cursor = root.walk()
    while True:
        node = cursor.node
        t = node.type
        if t == "string" and node.end_byte > node.start_byte:
            first = source[node.start_byte:node.start_byte + 1]
            if first == b"'":
                single += 1
            elif first == b'"':
                double += 1
        elif t in _STATEMENT_END and node.child_count:
            if node.children[-1].type == ";":
                ended += 1
            else:
                open_ += 1
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return ('"' if double > single else "'"), not (open_ > ended)


_WRAPPERS = {
    "file": (b"", b""),
    "statements": (b"async function __sop_fix__() {\n", b"\n}\n"),
    "properties": (b"const __sop_fix__ = {\n", b"\n};\n"),
    "expression": (b"const __sop_fix__ = (\n", b"\n);\n"),
}


def restyle(snippet: str, style: Style, kind: str = "statements", grammar_path: str = "fix.tsx") -> str:
    """`snippet` (canonical style) in `style`: quotes of plain string literals swapped, statement
    semicolons dropped for a file without them, indentation levels converted, lines joined with
    the file's newline. No base indentation is added. `kind` says what the snippet is (a whole
    `file`, `statements`, object `properties` or an `expression`) so that it parses as itself."""
    from sop_check.parse.typescript import parse

    data = snippet.encode("utf-8")
    prefix, suffix = _WRAPPERS[kind]
    tree = parse(prefix + data + suffix, grammar_path)
    cuts: list[tuple[int, int, bytes]] = []
    if not tree.root_node.has_error:
        _collect_style_edits(prefix + data + suffix, tree.root_node, style, cuts)
    out = bytearray(data)
    lo, hi = len(prefix), len(prefix) + len(data)
    for start, end, text in sorted(cuts, reverse=True):
        if lo <= start and end <= hi:
            out[start - lo:end - lo] = text
    lines = out.decode("utf-8").split("\n")
    return style.newline.join(_reindent(line, style.indent) for line in lines)


def _collect_style_edits(source: bytes, root: Any, style: Style, cuts: list[tuple[int, int, bytes]]) -> None:
    cursor = root.walk()
    while True:
        node = cursor.node
        t = node.type
        if t == "string" and style.quote == '"':
            text = source[node.start_byte:node.end_byte]
            inner = text[1:-1]
            if text.startswith(b"'") and b'"' not in inner and b"\\" not in inner:
                cuts.append((node.start_byte, node.end_byte, b'"' + inner + b'"'))
        elif t in _STATEMENT_END and not style.semicolons and node.child_count and node.children[-1].type == ";":
            semi = node.children[-1]
            cuts.append((semi.start_byte, semi.end_byte, b""))
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


_LEAD = re.compile(r"^((?:  )*)")


def _reindent(line: str, unit: str) -> str:
    if unit == CANONICAL_INDENT:
        return line
    lead = _LEAD.match(line)
    levels = len(lead.group(1)) // 2 if lead else 0
    return unit * levels + line[levels * 2:]


def indented(text: str, base: str, newline: str) -> str:
    """Every line of `text` but the first prefixed with `base` (the first goes where the cursor is)."""
    return newline.join(line if i == 0 or not line else base + line for i, line in enumerate(text.split(newline)))
