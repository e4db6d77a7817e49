"""Bindings in one file, read from the tree: where names are declared, where they are used, and
the edits that rename one binding everywhere (shorthand properties and export/import specifiers
keep their public names)."""

from __future__ import annotations

from dataclasses import dataclass

from metamorphic.source import FUNCTIONS, Edit, Node, Project, ancestors, inside, walk

PATTERN_TYPES = ("object_pattern", "array_pattern", "pair_pattern", "assignment_pattern", "rest_pattern",
                 "object_assignment_pattern")


@dataclass(frozen=True)
class Binding:
    name: str
    node: Node  # the identifier that declares it
    kind: str  # "variable", "function", "class", "parameter", "import", "catch"
    scope: Node  # the function (or program) it belongs to


def _pattern_identifiers(node: Node) -> list[Node]:
    """Identifiers a declaration pattern binds (`[a, b]`, `{ a, b: c, ...d }`, `a = 1`)."""
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [node]
    out: list[Node] = []
    if node.type == "pair_pattern":
        value = node.child_by_field_name("value")
        return _pattern_identifiers(value) if value is not None else []
    if node.type in ("assignment_pattern", "object_assignment_pattern"):
        left = node.child_by_field_name("left")
        return _pattern_identifiers(left) if left is not None else []
    if node.type in PATTERN_TYPES:
        for c in node.named_children:
            out += _pattern_identifiers(c)
    return out


def _scope_of(node: Node) -> Node:
    for a in ancestors(node):
        if a.type in FUNCTIONS or a.type == "program":
            return a
    raise ValueError("node outside a program")


def bindings(project: Project, path: str) -> list[Binding]:
    out: list[Binding] = []
    for n in walk(project.root(path)):
        t = n.type
        if t == "variable_declarator":
            name = n.child_by_field_name("name")
            if name is not None:
                out += [Binding(project.node_text(path, i), i, "variable", _scope_of(n))
                        for i in _pattern_identifiers(name)]
        elif t in ("function_declaration", "class_declaration", "generator_function_declaration",
                   "function_expression"):
            name = n.child_by_field_name("name")
            if name is not None:
                scope = n if t == "function_expression" else _scope_of(n)
                out.append(Binding(project.node_text(path, name), name,
                                   "class" if t == "class_declaration" else "function", scope))
        elif t == "formal_parameters":
            fn = n.parent
            for p in n.named_children:
                target = p.child_by_field_name("pattern") if p.type in ("required_parameter",
                                                                         "optional_parameter") else p
                if target is not None:
                    out += [Binding(project.node_text(path, i), i, "parameter", fn) for i in _pattern_identifiers(target)]
        elif t == "arrow_function":
            param = n.child_by_field_name("parameter")
            if param is not None:
                out.append(Binding(project.node_text(path, param), param, "parameter", n))
        elif t in ("import_specifier", "namespace_import", "import_clause"):
            for i in _import_locals(n):
                out.append(Binding(project.node_text(path, i), i, "import", project.root(path)))
        elif t == "catch_clause":
            param = n.child_by_field_name("parameter")
            if param is not None:
                out += [Binding(project.node_text(path, i), i, "catch", n) for i in _pattern_identifiers(param)]
    return out


def _import_locals(n: Node) -> list[Node]:
    if n.type == "import_specifier":
        alias = n.child_by_field_name("alias")
        name = n.child_by_field_name("name")
        chosen = alias if alias is not None else name
        return [chosen] if chosen is not None and chosen.type == "identifier" else []
    if n.type == "namespace_import":
        return [c for c in n.named_children if c.type == "identifier"]
    return [c for c in n.named_children if c.type == "identifier"]  # import_clause: the default import


def is_reference(project: Project, path: str, node: Node) -> bool:
    """An identifier that reads a binding (not a JSX intrinsic tag, not an imported/exported name)."""
    if node.type == "shorthand_property_identifier":
        return True
    if node.type != "identifier":
        return False
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element") and \
            project.node_text(path, node)[:1].islower():
        return False
    if parent.type == "import_specifier":
        return False
    if parent.type == "export_specifier" and parent.child_by_field_name("alias") is not None and \
            parent.child_by_field_name("alias") == node:
        return False
    return True


def occurrences(project: Project, path: str, name: str) -> list[Node]:
    """Every node that declares or reads `name` in the file."""
    out = []
    for n in walk(project.root(path)):
        if n.type in ("identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern") and \
                project.node_text(path, n) == name:
            if n.type != "identifier" or is_reference(project, path, n) or _declares(n):
                out.append(n)
    return out


def _declares(n: Node) -> bool:
    p = n.parent
    return p is not None and p.type in ("import_specifier", "namespace_import", "import_clause")


def rename_edits(project: Project, path: str, old: str, new: str) -> list[Edit]:
    """Rename every occurrence of a binding declared once in the file, keeping public names."""
    edits = []
    for n in occurrences(project, path, old):
        p = n.parent
        if n.type in ("shorthand_property_identifier", "shorthand_property_identifier_pattern"):
            edits.append(Edit(n.start_byte, n.end_byte, f"{old}: {new}"))
        elif p is not None and p.type == "export_specifier" and p.child_by_field_name("alias") is None:
            edits.append(Edit(n.start_byte, n.end_byte, f"{new} as {old}"))
        elif p is not None and p.type == "import_specifier" and p.child_by_field_name("alias") is None:
            edits.append(Edit(n.start_byte, n.end_byte, f"{old} as {new}"))
        else:
            edits.append(Edit(n.start_byte, n.end_byte, new))
    return edits


def declared_once(project: Project, path: str) -> dict[str, Binding]:
    """Bindings whose name is declared exactly once in the file (so renaming by name is exact)."""
    counts: dict[str, list[Binding]] = {}
    for b in bindings(project, path):
        counts.setdefault(b.name, []).append(b)
    return {name: bs[0] for name, bs in counts.items() if len(bs) == 1}


def free_names(project: Project, path: str, node: Node) -> list[str]:
    """Names `node` reads that are bound in the file outside it, in first-use order."""
    all_bindings = bindings(project, path)
    inner = {b.name for b in all_bindings if inside(b.node, node)}
    outer = {b.name for b in all_bindings if not inside(b.node, node)}
    seen: list[str] = []
    for n in walk(node):
        if n.type in ("identifier", "shorthand_property_identifier") and is_reference(project, path, n):
            name = project.node_text(path, n)
            if name in outer and name not in inner and name not in seen:
                seen.append(name)
    return seen


def fresh_name(project: Project, base: str, taken: set[str] | None = None) -> str:
    """A name used nowhere in the project (so it can be introduced anywhere) nor in `taken` (names
    this rewrite already introduced; the name is added to it)."""
    blob = b"\n".join(project.files.values())
    n = 1
    while f"{base}{n}".encode() in blob or (taken is not None and f"{base}{n}" in taken):
        n += 1
    if taken is not None:
        taken.add(f"{base}{n}")
    return f"{base}{n}"
