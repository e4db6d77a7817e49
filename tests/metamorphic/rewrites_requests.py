"""Preserving rewrites of how requests and handlers are written: options objects in variables,
defaults spread in first, the environment read through destructuring, `await` as `.then`."""

from __future__ import annotations

import random

from metamorphic.catalogue import preserving
from metamorphic.names import fresh_name
from metamorphic.source import (FUNCTIONS, Edit, Node, Project, ancestors, indentation, of_type, statement_of,
                                top_insert_point)

SIMPLE_STATEMENTS = ("expression_statement", "lexical_declaration", "variable_declaration", "return_statement")
LITERALS = ("string", "number", "true", "false", "null")
CONDITIONAL = ("ternary_expression", "binary_expression", "arrow_function", "function_expression",
               "jsx_expression", "optional_chain")


def _hoistable(obj: Node) -> Node | None:
    """The statement before which `obj` (a call argument) can be declared: nothing between them runs
    it conditionally or later (no function, ternary, `&&`/`||`/`??`, JSX), and it awaits nothing."""
    stmt = statement_of(obj)
    if stmt is None or of_type(obj, "await_expression", "yield_expression"):
        return None
    for a in ancestors(obj):
        if a == stmt:
            return stmt if stmt.type in SIMPLE_STATEMENTS else None
        if a.type in CONDITIONAL or a.type == "if_statement":
            return None
    return None


@preserving("options-in-variable")
def options_in_variable(project: Project, rng: random.Random) -> Project | None:
    """Move object literals passed to calls into a constant declared just before the statement
    (`fetch(url, { ... })` -> `const requestInit1 = { ... }; fetch(url, requestInit1)`)."""
    out = project
    for path in project.code_paths():
        sites = [o for o in of_type(project.root(path), "object")
                 if o.parent is not None and o.parent.type == "arguments" and _hoistable(o) is not None]
        chosen = [o for o in sites if rng.random() < 0.6] or sites[:1]
        chosen = [o for o in chosen if not any(c != o and c.start_byte <= o.start_byte and o.end_byte <= c.end_byte
                                                for c in chosen)]
        edits, taken = [], set[str]()
        for o in chosen:
            stmt = _hoistable(o)
            assert stmt is not None
            name = fresh_name(project, "requestInit", taken)
            edits += [Edit(stmt.start_byte, stmt.start_byte,
                           f"const {name} = {project.node_text(path, o)};\n{indentation(project.text(path), stmt)}"),
                      Edit(o.start_byte, o.end_byte, name)]
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


@preserving("spread-defaults")
def spread_defaults(project: Project, rng: random.Random) -> Project | None:
    """Take the first properties of an options object out into defaults spread in first
    (`{ method: 'POST', body }` -> `{ ...REQUEST_DEFAULTS_1, body }`, the defaults a module constant
    when they are literals): no later property has their keys, so nothing is overridden."""
    out = project
    for path in project.code_paths():
        edits: list[Edit] = []
        decls: list[str] = []
        for obj in of_type(project.root(path), "object"):
            props = [c for c in obj.named_children if c.type != "comment"]
            if len(props) < 2 or any(c.type not in ("pair", "shorthand_property_identifier") for c in props) or \
                    obj.parent is None or obj.parent.type not in ("arguments", "variable_declarator") or rng.random() < 0.3:
                continue
            k = rng.randrange(1, len(props))
            moved = ", ".join(project.node_text(path, c) for c in props[:k])
            literal = all(c.type == "pair" and c.child_by_field_name("value").type in LITERALS for c in props[:k])
            if literal:
                name = f"REQUEST_DEFAULTS_{len(decls) + 1}"
                decls.append(f"const {name} = {{ {moved} }};")
                spread = f"...{name}"
            else:
                spread = f"...{{ {moved} }}"
            edits.append(Edit(props[0].start_byte, props[k].start_byte, spread + ", "))
        edits = [e for e in edits if not any(o is not e and o.start <= e.start < o.end for o in edits)]
        if decls:
            at = top_insert_point(project, path)
            edits.append(Edit(at, at, ("\n" if at else "") + "\n".join(decls) + ("" if at else "\n")))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


@preserving("env-destructuring")
def env_destructuring(project: Project, rng: random.Random) -> Project | None:
    """Read environment variables through destructuring at the top of the function that uses them
    (`const { TAVUS_API_KEY } = process.env;`) instead of `process.env.TAVUS_API_KEY` in place."""
    out = project
    for path in project.code_paths():
        reads: dict[int, tuple[Node, list[tuple[Node, str]]]] = {}
        for m in of_type(project.root(path), "member_expression"):
            obj, prop = m.child_by_field_name("object"), m.child_by_field_name("property")
            fn = next((a for a in ancestors(m) if a.type in FUNCTIONS), None)
            body = fn.child_by_field_name("body") if fn is not None else None
            if obj is None or prop is None or project.node_text(path, obj) != "process.env" or body is None or \
                    body.type != "statement_block":
                continue
            reads.setdefault(body.start_byte, (body, []))[1].append((m, project.node_text(path, prop)))
        edits = []
        for body, found in reads.values():
            names = sorted({n for _, n in found})
            locals_ = {n: fresh_name(project, n.lower() + "_from_env") for n in names}
            first = body.named_children[0]
            pattern = ", ".join(f"{n}: {locals_[n]}" for n in names)
            edits.append(Edit(first.start_byte, first.start_byte,
                              f"const {{ {pattern} }} = process.env;\n{indentation(project.text(path), first)}"))
            edits += [Edit(m.start_byte, m.end_byte, locals_[n]) for m, n in found]
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


def _await_sites(project: Project, path: str) -> list[tuple[Node, Node]]:
    """(function body, statement) of `x = await E;` / `await E;` directly in an async function's body."""
    out = []
    for fn in of_type(project.root(path), *FUNCTIONS):
        body = fn.child_by_field_name("body")
        if body is None or body.type != "statement_block" or \
                not any(not c.is_named and c.type == "async" for c in fn.children):
            continue
        for stmt in body.named_children:
            if _awaited(stmt) is not None:
                out.append((body, stmt))
                break
    return out


def _awaited(stmt: Node) -> tuple[Node, Node | None] | None:
    """(awaited expression, bound pattern or None) when `stmt` is `await E;` or `const p = await E;`."""
    if stmt.type == "expression_statement" and stmt.named_children and stmt.named_children[0].type == "await_expression":
        return stmt.named_children[0].named_children[0], None
    if stmt.type == "lexical_declaration":
        ds = [c for c in stmt.named_children if c.type == "variable_declarator"]
        value = ds[0].child_by_field_name("value") if len(ds) == 1 else None
        if value is not None and value.type == "await_expression" and ds[0].child_by_field_name("type") is None:
            return value.named_children[0], ds[0].child_by_field_name("name")
    return None


def _has_own_await(nodes: list[Node]) -> bool:
    def walk_own(n: Node) -> bool:
        if n.type == "await_expression":
            return True
        return any(walk_own(c) for c in n.children if c.type not in FUNCTIONS)
    return any(walk_own(n) for n in nodes)


@preserving("await-to-then")
def await_to_then(project: Project, rng: random.Random) -> Project | None:
    """Rewrite the first `await` of an async function as a promise chain: `const r = await E; rest`
    becomes `return E.then((r) => { rest });` (the callback async only if `rest` still awaits)."""
    sites = [(path, b, s) for path in project.code_paths() for b, s in _await_sites(project, path)]
    if not sites:
        return None
    path, body, stmt = rng.choice(sites)
    awaited = _awaited(stmt)
    assert awaited is not None
    expr, pattern = awaited
    rest = [c for c in body.named_children if c.start_byte > stmt.start_byte]
    src = project.text(path)
    rest_text = src[rest[0].start_byte:rest[-1].end_byte].decode() if rest else ""
    param = project.node_text(path, pattern) if pattern is not None else ""
    callee = project.node_text(path, expr)
    if expr.type not in ("call_expression", "identifier", "member_expression", "parenthesized_expression"):
        callee = f"({callee})"
    ind = indentation(src, stmt)
    chain = (f"return {callee}.then({'async ' if _has_own_await(rest) else ''}({param}) => {{\n{ind}  "
             f"{rest_text}\n{ind}}});")
    end = rest[-1].end_byte if rest else stmt.end_byte
    return project.edited(path, [Edit(stmt.start_byte, end, chain)])
