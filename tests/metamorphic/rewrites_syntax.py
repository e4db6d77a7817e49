"""Preserving rewrites of surface syntax: comments, whitespace, quotes, literals, property order,
optional chaining, type annotations, statement forms. None of them changes what the code does."""

from __future__ import annotations

import random

from metamorphic.catalogue import preserving
from metamorphic.names import declared_once
from metamorphic.source import (FUNCTIONS, Edit, Node, Project, ancestors, indentation, of_type,
                                string_value, top_insert_point, walk)


def _some(rng: random.Random, items: list[Node], p: float = 0.6) -> list[Node]:
    """A seeded, non-empty subset of `items` (empty only when `items` is)."""
    chosen = [i for i in items if rng.random() < p]
    return chosen or ([rng.choice(items)] if items else [])


def _each_file(project: Project, rng: random.Random, sites: object) -> Project | None:
    """Apply `sites(project, path, rng) -> edits` to every code file; None when nothing changed."""
    out = project
    for path in project.code_paths():
        edits = sites(project, path, rng)  # type: ignore[operator]
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


def _is_directive(node: Node) -> bool:
    p = node.parent
    return p is not None and p.type == "expression_statement" and p.parent is not None and p.parent.type == "program"


def value_strings(project: Project, path: str) -> list[Node]:
    """String literals in value positions: call arguments, property values, initialisers (not keys,
    import sources, JSX attributes, directives or types), the ones a constant could stand for."""
    out = []
    for n in of_type(project.root(path), "string"):
        p = n.parent
        if p is None or _is_directive(n):
            continue
        if p.type == "arguments" or (p.type == "pair" and p.child_by_field_name("value") == n) or \
                (p.type == "variable_declarator" and p.child_by_field_name("value") == n):
            text = string_value(project, path, n)
            if text is not None and "\\" not in project.node_text(path, n):
                out.append(n)
    return out


@preserving("comments")
def add_comments(project: Project, rng: random.Random) -> Project | None:
    """Add line comments before statements and block comments inside object literals.

    Comments are not code; an analyser that reads the tree must not see them."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        src = p.text(path)
        edits = []
        for block in of_type(p.root(path), "statement_block", "program"):
            for stmt in block.named_children:
                if stmt.type != "comment" and r.random() < 0.5:
                    edits.append(Edit(stmt.start_byte, stmt.start_byte,
                                      f"// metamorphic: a note about what follows\n{indentation(src, stmt)}"))
        for obj in of_type(p.root(path), "object"):
            if obj.named_child_count and r.random() < 0.5:
                edits.append(Edit(obj.start_byte + 1, obj.start_byte + 1, " /* note */"))
        return edits
    return _each_file(project, rng, sites)


@preserving("whitespace")
def reflow_whitespace(project: Project, rng: random.Random) -> Project | None:
    """Break argument lists over lines and add blank lines between statements.

    Layout carries no meaning inside parentheses and between statements (no ASI hazard there)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for args in of_type(p.root(path), "arguments"):
            if args.named_child_count and r.random() < 0.6:
                edits += [Edit(args.start_byte + 1, args.start_byte + 1, "\n      "),
                          Edit(args.end_byte - 1, args.end_byte - 1, "\n    ")]
        for block in of_type(p.root(path), "statement_block"):
            for stmt in block.named_children[1:]:
                if r.random() < 0.4:
                    edits.append(Edit(stmt.start_byte, stmt.start_byte, "\n\n" + indentation(p.text(path), stmt)))
        return edits
    return _each_file(project, rng, sites)


@preserving("quotes")
def swap_quotes(project: Project, rng: random.Random) -> Project | None:
    """Write string literals with the other quote character ('x' <-> "x").

    The value of a literal does not depend on its quotes (directives keep working in both)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for n in of_type(p.root(path), "string"):
            raw = p.node_text(path, n)
            if "\\" in raw or "'" in raw[1:-1] or '"' in raw[1:-1] or r.random() < 0.3:
                continue
            q = '"' if raw[0] == "'" else "'"
            edits.append(Edit(n.start_byte, n.end_byte, q + raw[1:-1] + q))
        return edits
    return _each_file(project, rng, sites)


@preserving("template-literals")
def to_template_literals(project: Project, rng: random.Random) -> Project | None:
    """Write value strings as template literals without substitutions ('/api/x' -> `/api/x`)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        return [Edit(n.start_byte, n.end_byte, "`" + (string_value(p, path, n) or "") + "`")
                for n in _some(r, [s for s in value_strings(p, path)
                                   if "`" not in p.node_text(path, s) and "${" not in p.node_text(path, s)])]
    return _each_file(project, rng, sites)


@preserving("split-concat")
def split_concatenation(project: Project, rng: random.Random) -> Project | None:
    """Split a path-like string into a concatenation at a '/' ('/api/tavus/end' -> '/api/tavus' + '/end')."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for n in value_strings(p, path):
            text = string_value(p, path, n) or ""
            cuts = [i for i, ch in enumerate(text) if ch == "/" and i > 0]
            if cuts and r.random() < 0.7:
                i = r.choice(cuts)
                q = p.node_text(path, n)[0]
                edits.append(Edit(n.start_byte, n.end_byte, f"{q}{text[:i]}{q} + {q}{text[i:]}{q}"))
        return edits
    return _each_file(project, rng, sites)


@preserving("reorder-properties")
def reorder_properties(project: Project, rng: random.Random) -> Project | None:
    """Permute the properties of object literals that have no spread, no comment and no await.

    Keys are distinct, so the object built is the same; only key order (unobservable here) moves."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for obj in of_type(p.root(path), "object"):
            props = list(obj.named_children)
            if len(props) < 2 or any(c.type not in ("pair", "shorthand_property_identifier") for c in props) or \
                    of_type(obj, "await_expression") or r.random() < 0.3:
                continue
            order = list(range(len(props)))
            while order == sorted(order):
                r.shuffle(order)
            texts = [p.node_text(path, c) for c in props]
            edits += [Edit(c.start_byte, c.end_byte, texts[order[i]]) for i, c in enumerate(props)]
        return [e for e in edits if not _nested(e, edits)]
    return _each_file(project, rng, sites)


def _nested(e: Edit, edits: list[Edit]) -> bool:
    return any(o is not e and o.start <= e.start and e.end <= o.end and (o.start, o.end) != (e.start, e.end)
               for o in edits)


@preserving("optional-chaining")
def optional_chaining(project: Project, rng: random.Random) -> Project | None:
    """Read properties of local values with `?.` (`conversation.conversation_id` -> `conversation?.conversation_id`).

    Only where the receiver is a local that holds an object when read (after its guard), never a
    call target or an assignment target, so no read changes its value."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        local = {n for n, b in declared_once(p, path).items() if b.kind in ("variable", "parameter")}
        candidates = []
        for m in of_type(p.root(path), "member_expression"):
            obj = m.child_by_field_name("object")
            parent = m.parent
            if obj is None or obj.type != "identifier" or p.node_text(path, obj) not in local or \
                    (parent is not None and parent.type.startswith("jsx_")):
                continue
            if any(c.type == "optional_chain" or p.node_text(path, c) == "?." for c in m.children):
                continue
            if parent is not None and (parent.type in ("call_expression", "assignment_expression",
                                                       "augmented_assignment_expression", "update_expression")
                                       and parent.child_by_field_name("function" if parent.type == "call_expression"
                                                                      else "left") == m):
                continue
            candidates.append(m)
        edits = []
        for m in _some(r, candidates):
            dot = next(c for c in m.children if p.node_text(path, c) == ".")
            edits.append(Edit(dot.start_byte, dot.end_byte, "?."))
        return edits
    return _each_file(project, rng, sites)


TYPE_ONLY = ("type_annotation", "type_arguments", "type_parameters", "type_alias_declaration",
             "interface_declaration")
TYPE_EXPRESSIONS = ("as_expression", "satisfies_expression", "non_null_expression")


def _erase_types(p: Project, path: str, node: Node) -> str:
    """The text of `node` with TypeScript-only syntax erased (what tsc/swc emit)."""
    if node.type in TYPE_ONLY:
        return ""
    if node.type in TYPE_EXPRESSIONS:
        return _erase_types(p, path, node.named_children[0])
    if node.type == "optional_parameter":
        pattern = node.child_by_field_name("pattern")
        value = node.child_by_field_name("value")
        return _erase_types(p, path, pattern) + ("" if value is None else " = " + _erase_types(p, path, value))
    if node.type == "import_statement" and any(p.node_text(path, c) == "type" for c in node.children):
        return ""
    src = p.text(path)
    out, pos = [], node.start_byte
    for c in node.children:
        out.append(src[pos:c.start_byte].decode())
        out.append(_erase_types(p, path, c))
        pos = c.end_byte
    out.append(src[pos:node.end_byte].decode())
    return "".join(out)


@preserving("strip-types")
def strip_types(project: Project, rng: random.Random) -> Project | None:
    """Erase TypeScript annotations, type arguments, casts, `!`, local type aliases and `import type`.

    Types are erased at build time: the JavaScript that runs is the same."""
    out = project
    for path in project.code_paths():
        root = project.root(path)
        if not path.endswith((".ts", ".tsx")) or not any(n.type in TYPE_ONLY or n.type in TYPE_EXPRESSIONS
                                                         for n in walk(root)):
            continue
        exported_types = [s for s in root.named_children if s.type == "export_statement" and
                          any(c.type in ("type_alias_declaration", "interface_declaration") for c in s.named_children)]
        if exported_types:
            continue  # importers may name them; erasing them is a different change
        out = out.edited(path, [Edit(root.start_byte, root.end_byte, _erase_types(project, path, root))])
    return out if out.files != project.files else None


@preserving("add-types")
def add_type_annotations(project: Project, rng: random.Random) -> Project | None:
    """Annotate untyped parameters with `: any` and string constants with `: string` (TS files only)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        if not path.endswith((".ts", ".tsx")):
            return []
        edits = []
        for param in of_type(p.root(path), "required_parameter"):
            if param.child_by_field_name("type") is None and r.random() < 0.8:
                edits.append(Edit(param.end_byte, param.end_byte, ": any"))
        for arrow in of_type(p.root(path), "arrow_function"):
            single = arrow.child_by_field_name("parameter")
            if single is not None and r.random() < 0.8:
                edits.append(Edit(single.start_byte, single.end_byte, f"({p.node_text(path, single)}: any)"))
        for d in of_type(p.root(path), "variable_declarator"):
            name, value = d.child_by_field_name("name"), d.child_by_field_name("value")
            if name is not None and name.type == "identifier" and value is not None and value.type == "string" and \
                    d.child_by_field_name("type") is None:
                edits.append(Edit(name.end_byte, name.end_byte, ": string"))
        return edits
    return _each_file(project, rng, sites)


@preserving("if-blocks")
def braces_on_if(project: Project, rng: random.Random) -> Project | None:
    """Put braces around single-statement `if` branches (`if (!id) return x;` -> `if (!id) { return x; }`)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for s in of_type(p.root(path), "if_statement"):
            body = s.child_by_field_name("consequence")
            if body is not None and body.type != "statement_block":
                edits += [Edit(body.start_byte, body.start_byte, "{ "), Edit(body.end_byte, body.end_byte, " }")]
        return edits
    return _each_file(project, rng, sites)


@preserving("arrow-block-bodies")
def arrow_block_bodies(project: Project, rng: random.Random) -> Project | None:
    """Give expression-bodied arrows a block that returns the expression (`() => x` -> `() => { return x; }`)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for a in _some(r, [a for a in of_type(p.root(path), "arrow_function")
                           if (b := a.child_by_field_name("body")) is not None and b.type != "statement_block"]):
            body = a.child_by_field_name("body")
            edits += [Edit(body.start_byte, body.start_byte, "{ return "), Edit(body.end_byte, body.end_byte, "; }")]
        return edits  # nested arrows close with the same text at the same point: order does not matter
    return _each_file(project, rng, sites)


@preserving("void-calls")
def void_call_statements(project: Project, rng: random.Random) -> Project | None:
    """Prefix call statements with `void` (a call whose result is ignored, said explicitly)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        stmts = [s for s in of_type(p.root(path), "expression_statement")
                 if s.named_children and s.named_children[0].type == "call_expression"]
        return [Edit(s.start_byte, s.start_byte, "void ") for s in _some(r, stmts)]
    return _each_file(project, rng, sites)


@preserving("method-case")
def lowercase_method(project: Project, rng: random.Random) -> Project | None:
    """Write a request's `method: 'POST'` as `'post'`: fetch upper-cases the standard methods
    (Fetch standard, "normalize a method"), so the request sent is the same."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for pair in of_type(p.root(path), "pair"):
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is not None and p.node_text(path, key) == "method" and value is not None and \
                    string_value(p, path, value) == "POST":
                q = p.node_text(path, value)[0]
                edits.append(Edit(value.start_byte, value.end_byte, f"{q}post{q}"))
        return edits
    return _each_file(project, rng, sites)


@preserving("try-rethrow")
def wrap_in_try(project: Project, rng: random.Random) -> Project | None:
    """Wrap a function's body in `try { ... } catch (e) { throw e; }` (a catch that rethrows changes nothing)."""
    candidates = [(path, f) for path in project.code_paths() for f in of_type(project.root(path), *FUNCTIONS)
                  if (b := f.child_by_field_name("body")) is not None and b.type == "statement_block"
                  and b.named_child_count]
    if not candidates:
        return None
    path, fn = rng.choice(candidates)
    body = fn.child_by_field_name("body")
    err = f"error_{rng.randrange(1000)}"
    return project.edited(path, [Edit(body.start_byte + 1, body.start_byte + 1, " try {"),
                                 Edit(body.end_byte - 1, body.end_byte - 1, f"}} catch ({err}) {{ throw {err}; }}\n")])


@preserving("expand-destructuring")
def expand_destructuring(project: Project, rng: random.Random) -> Project | None:
    """Replace `const { a, b } = E;` by a temporary and one property read per name."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for decl in of_type(p.root(path), "lexical_declaration"):
            ds = [c for c in decl.named_children if c.type == "variable_declarator"]
            if len(ds) != 1 or decl.parent is None or decl.parent.type not in ("statement_block", "program"):
                continue
            name, value = ds[0].child_by_field_name("name"), ds[0].child_by_field_name("value")
            if name is None or value is None or name.type != "object_pattern" or ds[0].child_by_field_name("type"):
                continue
            keys = list(name.named_children)
            if not keys or any(k.type != "shorthand_property_identifier_pattern" for k in keys):
                continue
            kw = p.node_text(path, decl.children[0])
            tmp = f"parsed_{r.randrange(10_000)}"
            ind = indentation(p.text(path), decl)
            lines = [f"{kw} {tmp} = {p.node_text(path, value)};"]
            lines += [f"{kw} {p.node_text(path, k)} = {tmp}.{p.node_text(path, k)};" for k in keys]
            edits.append(Edit(decl.start_byte, decl.end_byte, ("\n" + ind).join(lines)))
        return edits
    return _each_file(project, rng, sites)


@preserving("env-brackets")
def env_brackets(project: Project, rng: random.Random) -> Project | None:
    """Read the environment with a computed key (`process.env.X` -> `process.env['X']`)."""
    def sites(p: Project, path: str, r: random.Random) -> list[Edit]:
        edits = []
        for m in of_type(p.root(path), "member_expression"):
            obj, prop = m.child_by_field_name("object"), m.child_by_field_name("property")
            if obj is not None and prop is not None and p.node_text(path, obj) == "process.env":
                edits.append(Edit(obj.end_byte, m.end_byte, f"['{p.node_text(path, prop)}']"))
        return edits
    return _each_file(project, rng, sites)


@preserving("module-string-constants")
def hoist_strings(project: Project, rng: random.Random) -> Project | None:
    """Name string literals as module-level constants (`fetch('/api/tavus/end')` -> `fetch(END_URL_1)`)."""
    out = project
    for path in project.code_paths():
        chosen = _some(rng, value_strings(project, path), 0.5)
        if not chosen:
            continue
        decls, edits = [], []
        for i, n in enumerate(chosen):
            name = f"STRING_CONSTANT_{i + 1}"
            decls.append(f"const {name} = {project.node_text(path, n)};")
            edits.append(Edit(n.start_byte, n.end_byte, name))
        at = top_insert_point(project, path)
        edits.append(Edit(at, at, ("\n" if at else "") + "\n".join(decls) + ("\n" if not at else "")))
        out = out.edited(path, edits)
    return out if out.files != project.files else None


def literal_consts(p: Project, path: str, module_level: bool, objects: bool = False) -> list[tuple[Node, Node, Node]]:
    """(declaration, name, value) of `const NAME = <literal>;` declared once in the file and not exported
    (with `objects`, also object literals whose values are all literals)."""
    once = declared_once(p, path)
    out = []
    for decl in of_type(p.root(path), "lexical_declaration"):
        ds = [c for c in decl.named_children if c.type == "variable_declarator"]
        if len(ds) != 1 or p.node_text(path, decl.children[0]) != "const" or \
                (module_level and (decl.parent is None or decl.parent.type != "program")):
            continue
        if decl.parent is not None and decl.parent.type == "export_statement":
            continue
        name, value = ds[0].child_by_field_name("name"), ds[0].child_by_field_name("value")
        if name is None or value is None or name.type != "identifier" or p.node_text(path, name) not in once:
            continue
        if value.type in ("string", "number", "true", "false") or \
                (value.type == "template_string" and string_value(p, path, value) is not None) or \
                (objects and value.type == "object" and all(
                    c.type == "pair" and c.child_by_field_name("value").type in ("string", "number", "true", "false")
                    for c in value.named_children)):
            out.append((decl, name, value))
    return out


@preserving("inline-constants")
def inline_constants(project: Project, rng: random.Random) -> Project | None:
    """Replace a literal constant by its value at every use and drop it (`END_URL` -> `'/api/tavus/end'`,
    `{ keepalive }` -> `{ keepalive: true }`)."""
    from metamorphic.names import occurrences

    out = project
    for path in project.code_paths():
        edits: list[Edit] = []
        for decl, name, value in literal_consts(project, path, module_level=False):
            if any(a.type == "export_specifier" for n in occurrences(project, path, project.node_text(path, name))
                   for a in ancestors(n)) or rng.random() < 0.2:
                continue
            literal = project.node_text(path, value)
            for n in occurrences(project, path, project.node_text(path, name)):
                if n == name:
                    continue
                edits.append(Edit(n.start_byte, n.end_byte, f"{project.node_text(path, n)}: {literal}"
                                  if n.type == "shorthand_property_identifier" else literal))
            end = decl.end_byte + (1 if project.text(path)[decl.end_byte:decl.end_byte + 1] == b"\n" else 0)
            edits.append(Edit(decl.start_byte, end, ""))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None
