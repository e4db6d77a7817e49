"""One parsed TS/JS module and the syntax helpers every analysis shares.

Apart from the project index (`sop_check.index`) because a parsed module knows nothing of the app
it belongs to: the evaluator, the route table and the rules read modules and their trees without
needing the index that caches them, so they can depend on this module alone.
"""

from __future__ import annotations

import bisect
from typing import Any, Iterator

from sop_check.model import Location
from sop_check.parse.typescript import collect_query, preorder, types_query
from sop_check.records import record
from sop_check.textpos import location_from_bytes

# Function-like nodes: where parameters and bodies live.
FUNCTION_TYPES = frozenset({
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "function",
})
QUERY_MIN_BYTES = 24_000  # files from this size gather their facts with tree-sitter queries
_COLLECT = frozenset({
    "call_expression", "new_expression", "jsx_element", "jsx_self_closing_element", "comment",
    "assignment_expression",
})


_WALKED = frozenset({"calls", "jsx", "comments", "assignments", "error_ranges"})


@record(frozen=True)
class ImportBinding:
    source: str  # the specifier as written
    name: str  # the exported name, "default", or "*" for a namespace import


@record(frozen=True)
class ExportEntry:
    local: str | None  # the local binding exported under this name
    source: str | None = None  # `export { x as y } from "./m"`
    imported: str | None = None  # the name in `source`
    node: Any = None  # the declaration or specifier node


class Module:
    """One parsed TS/JS file and the facts every rule shares, gathered in one walk.

    The walk runs when a fact it gathers is first read (`__getattr__`): a module read only for
    its imports and exports (the evaluator resolving a name, a proof over the import graph)
    never walks. Whether the tree has errors is known without it (`root.has_error`)."""

    calls: list[Any]  # these five come from the walk
    jsx: list[Any]
    comments: list[Any]
    assignments: list[Any]
    error_ranges: list[tuple[int, int]]

    def __init__(self, path: str, repo_path: str, source: bytes, tree: Any) -> None:
        self.path = path  # app-relative
        self.repo_path = repo_path  # repository-relative, for locations
        self.source = source
        self.tree = tree
        self.root = tree.root_node
        self.directives: set[str] = set()
        self.imports: dict[str, ImportBinding] = {}
        self.exports: dict[str, ExportEntry] = {}
        self.star_exports: list[str] = []
        self.decls: dict[str, Any] = {}
        self._error_starts: list[int] | None = None
        self._leaves: dict[frozenset[str], tuple[list[int], list[Any]]] = {}
        self._nodes: dict[frozenset[str], list[Any]] = {}
        # Queries pay off on large files only (compiling one costs about as much as walking 100 KB),
        # and a broken tree needs the walk, which prunes ERROR regions.
        self._by_query = len(source) >= QUERY_MIN_BYTES and not self.root.has_error
        self._scan_top_level()

    def __getattr__(self, name: str) -> Any:
        if name not in _WALKED:  # only reached for attributes an instance does not have
            raise AttributeError(name)
        self.calls, self.jsx, self.comments, self.assignments, self.error_ranges = [], [], [], [], []
        self._walk()
        return self.__dict__[name]

    # -- text and positions -------------------------------------------------
    def text(self, node: Any) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def location(self, node: Any) -> Location:
        return location_from_bytes(self.source, self.repo_path, node.start_byte, node.end_byte)

    def in_error(self, node: Any) -> bool:
        """True when the node overlaps a region tree-sitter could not parse: never evidence."""
        if not self.error_ranges:
            return False
        s, e = node.start_byte, node.end_byte
        if self._error_starts is None:
            self.error_ranges.sort()
            self._error_starts = [r[0] for r in self.error_ranges]
        i = bisect.bisect_right(self._error_starts, e)
        # Ranges starting before the node's end; an enclosing or overlapping one marks it.
        for es, ee in self.error_ranges[max(0, i - 64):i]:
            if ee > s and es < e and (es <= s or ee <= e):
                return True
        return False

    def leaves_within(self, node: Any, types: frozenset[str]) -> list[Any]:
        """`descendants(node, types)` for leaf node types (names, `this`), in the same order: from a
        per-module index of those leaves (one query, then a bisect per question) instead of a walk
        of the subtree, which nested questions would repeat. A broken tree is walked, as before."""
        if not self._by_query:
            return list(descendants(node, types))
        index = self._leaves.get(types)
        if index is None:
            found = self.nodes_of(types)
            index = self._leaves[types] = ([n.start_byte for n in found], found)
        starts, nodes = index
        lo = bisect.bisect_left(starts, node.start_byte)
        hi = bisect.bisect_left(starts, node.end_byte, lo)
        end = node.end_byte
        return [n for n in nodes[lo:hi] if n.end_byte <= end]

    def nodes_of(self, types: frozenset[str]) -> list[Any]:
        """`descendants(self.root, types)`, from one query (kept per set of types): the same nodes in
        the same pre-order, gathered in C. A broken tree is walked, as before."""
        found = self._nodes.get(types)
        if found is None:
            if not self._by_query:
                found = list(descendants(self.root, types))
            else:
                import tree_sitter

                found = sorted(tree_sitter.QueryCursor(types_query(self.tree.language, types)).captures(self.root)
                               .get("n", []), key=preorder)
            self._nodes[types] = found
        return found

    @property
    def has_errors(self) -> bool:
        return self.root.has_error and bool(self.error_ranges)

    # -- the one walk -------------------------------------------------------
    def _walk(self) -> None:
        if self._by_query:
            self._collect_by_query()  # the same lists, gathered in C; a broken tree needs the walk's pruning
            return
        cursor = self.root.walk()
        collect, errors = _COLLECT, self.error_ranges
        while True:
            node = cursor.node
            t = node.type
            if t in collect:
                if t == "call_expression" or t == "new_expression":
                    self.calls.append(node)
                elif t == "comment":
                    self.comments.append(node)
                elif t == "assignment_expression":
                    self.assignments.append(node)
                else:
                    self.jsx.append(node)
            descend = True
            if node.is_error or node.is_missing:
                parent = node.parent if node.is_missing and node.parent is not None else node
                errors.append((parent.start_byte, parent.end_byte))
                descend = False  # nothing inside a broken region is evidence
            if descend and cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return

    def _collect_by_query(self) -> None:
        """What `_walk` collects, from one tree-sitter query (about twice as fast as a Python walk).

        Captures come grouped by pattern, not in tree order: sorting by (start, -end) restores the
        walk's pre-order (an enclosing node first), which rules rely on (first match wins)."""
        import tree_sitter

        found = tree_sitter.QueryCursor(collect_query(self.tree.language)).captures(self.root)
        for name, out in (("call", self.calls), ("comment", self.comments), ("assignment", self.assignments),
                          ("jsx", self.jsx)):
            nodes = found.get(name)
            if nodes:
                out.extend(sorted(nodes, key=preorder))

    def _scan_top_level(self) -> None:
        in_prologue = True
        for child in self.root.named_children:
            t = child.type
            if in_prologue and t == "expression_statement":
                first = child.named_children[0] if child.named_children else None
                if first is not None and first.type == "string":
                    self.directives.add(self.text(first).strip("'\"`"))
                    continue
            if t != "comment":
                in_prologue = False
            if t == "import_statement":
                self._add_import(child)
            elif t == "export_statement":
                self._add_export(child)
            else:
                self._add_decl(child)

    def _add_decl(self, node: Any) -> list[str]:
        names: list[str] = []
        t = node.type
        if t in ("function_declaration", "generator_function_declaration", "class_declaration",
                 "abstract_class_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                names.append(self.text(name))
                self.decls[names[-1]] = node
        elif t in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                if decl.type != "variable_declarator":
                    continue
                name = decl.child_by_field_name("name")
                if name is None:
                    continue
                for ident in pattern_names(name):
                    names.append(self.text(ident))
                    self.decls[names[-1]] = decl
        return names

    def _add_import(self, node: Any) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        spec = string_value(self, source)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.imports[self.text(part)] = ImportBinding(spec, "default")
                elif part.type == "namespace_import":
                    ident = _first_named(part, "identifier")
                    if ident is not None:
                        self.imports[self.text(ident)] = ImportBinding(spec, "*")
                elif part.type == "named_imports":
                    for s in part.named_children:
                        if s.type != "import_specifier":
                            continue
                        name = s.child_by_field_name("name")
                        alias = s.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self.imports[self.text(alias)] = ImportBinding(spec, _name_text(self, name))

    def _add_export(self, node: Any) -> None:
        source_node = node.child_by_field_name("source")
        source = string_value(self, source_node) if source_node is not None else None
        decl = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        is_default = any(c.type == "default" for c in node.children)
        if decl is not None:
            names = self._add_decl(decl)
            if is_default and names:
                self.exports["default"] = ExportEntry(local=names[0], node=decl)
            elif is_default:
                self.exports["default"] = ExportEntry(local=None, node=decl)
            for n in names:
                if not is_default:
                    self.exports[n] = ExportEntry(local=n, node=decl)
            return
        if is_default and value is not None:
            local = self.text(value) if value.type == "identifier" else None
            self.exports["default"] = ExportEntry(local=local, node=value)
            return
        clause = _first_named(node, "export_clause")
        if clause is None:
            ns = _first_named(node, "namespace_export")
            if source is not None and ns is not None:  # export * as ns from "m" (its `*` is inside ns)
                self.exports[self.text(ns.named_children[-1])] = ExportEntry(None, source, "*", ns)
            elif source is not None and any(c.type == "*" for c in node.children):
                self.star_exports.append(source)
            return
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            name = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias") or name
            if name is None or alias is None:
                continue
            exported = _name_text(self, alias)
            if source is not None:
                self.exports[exported] = ExportEntry(None, source, _name_text(self, name), spec)
            else:
                self.exports[exported] = ExportEntry(self.text(name), node=spec)


def _name_text(module: Module, node: Any) -> str:
    return string_value(module, node) if node.type == "string" else module.text(node)


def _first_named(node: Any, type_: str) -> Any:
    for c in node.named_children:
        if c.type == type_:
            return c
    return None


def string_value(module: Module, node: Any) -> str:
    """The value of a plain string literal node (quotes removed, simple escapes kept as written)."""
    parts = [module.text(c) for c in node.named_children if c.type in ("string_fragment", "escape_sequence")]
    if parts or node.type == "string":
        return "".join(parts)
    return module.text(node).strip("'\"`")


def pattern_names(node: Any) -> Iterator[Any]:
    """Identifier nodes bound by a binding pattern (`a`, `{a, b: c}`, `[x, y]`, `...rest`, defaults)."""
    stack = [node]
    while stack:
        n = stack.pop()
        t = n.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            yield n
        elif t == "pair_pattern":
            value = n.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif t in ("assignment_pattern", "object_assignment_pattern"):
            left = n.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        elif t in ("object_pattern", "array_pattern", "rest_pattern", "required_parameter",
                   "optional_parameter"):
            if t in ("required_parameter", "optional_parameter"):
                pat = n.child_by_field_name("pattern")
                if pat is not None:
                    stack.append(pat)
                continue
            stack.extend(reversed(n.named_children))


def jsx_tag(module: Module, element: Any) -> str | None:
    """The tag name of a JSX element (`button`, `Button`, `ui.Button`)."""
    opening = element if element.type == "jsx_self_closing_element" else element.child_by_field_name("open_tag")
    if opening is None:
        return None
    name = opening.child_by_field_name("name")
    return module.text(name) if name is not None else None


def jsx_attributes(module: Module, element: Any) -> dict[str, Any]:
    """An element's attributes: name -> value node (the expression inside `{...}`), or True for a
    bare attribute like `hidden` or an empty `{}`."""
    opening = element if element.type == "jsx_self_closing_element" else element.child_by_field_name("open_tag")
    out: dict[str, Any] = {}
    if opening is None:
        return out
    for attr in opening.named_children:
        if attr.type != "jsx_attribute" or not attr.named_children:
            continue
        kids = attr.named_children
        value: Any = kids[1] if len(kids) > 1 else True
        if value is not True and value.type == "jsx_expression":
            inner = [c for c in value.named_children if c.type != "comment"]
            value = inner[0] if inner else True
        out[module.text(kids[0])] = value
    return out


def descendants(node: Any, types: frozenset[str] | set[str]) -> Iterator[Any]:
    """Nodes of the given types under `node`, found with a cursor walk (no recursion)."""
    if not node.child_count:  # a leaf (most names asked about): no cursor to build
        if node.type in types:
            yield node
        return
    cursor = node.walk()
    start_id = node.id
    while True:
        n = cursor.node
        if n.type in types:
            yield n
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent() or cursor.node.id == start_id:
                return
