"""Preserving rewrites of names and function forms: renaming bindings, aliased and namespace
imports, `function` declarations <-> arrow constants."""

from __future__ import annotations

import random

from metamorphic.catalogue import preserving
from metamorphic.names import Binding, declared_once, fresh_name, occurrences, rename_edits
from metamorphic.source import GLOBALS, Edit, Node, Project, ancestors, of_type, string_value, walk


def _exported(b: Binding) -> bool:
    """Declared by a statement under a named `export` (part of the module's contract with importers)."""
    decl = b.node.parent
    while decl is not None and decl.type not in DECLARATIONS:
        decl = decl.parent
    if decl is None or decl.type not in ("lexical_declaration", "variable_declaration", "function_declaration",
                                         "class_declaration"):
        return False
    stmt = decl.parent
    return stmt is not None and stmt.type == "export_statement" and not _is_default_export(stmt)


DECLARATIONS = ("lexical_declaration", "variable_declaration", "function_declaration", "class_declaration",
                "formal_parameters", "catch_clause", "arrow_function", "import_statement")


def _is_default_export(stmt: Node) -> bool:
    return any(not c.is_named and c.type == "default" for c in stmt.children)


def _used_as_type(project: Project, path: str, name: str) -> bool:
    return any(project.node_text(path, n) == name for n in of_type(project.root(path), "type_identifier")) or \
        any(project.node_text(path, n.named_children[0]) == name for n in of_type(project.root(path), "nested_type_identifier")
            if n.named_children)


def _export_named(project: Project, path: str, name: str) -> bool:
    """Named in an `export { ... }` clause of the file."""
    return any(project.node_text(path, s.child_by_field_name("name")) == name
               for s in of_type(project.root(path), "export_specifier") if s.child_by_field_name("name") is not None)


def _renamable(project: Project, path: str) -> list[Binding]:
    """Bindings declared once in their file (every use is that binding), not exported by name."""
    return [b for n, b in sorted(declared_once(project, path).items())
            if b.kind in ("variable", "function", "parameter", "catch", "class") and n not in GLOBALS
            and not _exported(b) and not _export_named(project, path, n) and not _used_as_type(project, path, n)]


def _rename(project: Project, rng: random.Random, fields: bool) -> Project | None:
    out = project
    for path in project.code_paths():
        names = [b for b in _renamable(project, path) if (b.node.type == "shorthand_property_identifier_pattern") == fields]
        chosen = names if fields else [b for b in names if rng.random() < 0.6] or names[:1]
        edits: list[Edit] = []
        for b in chosen:
            edits += rename_edits(project, path, b.name, fresh_name(project, b.name + "_r"))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


@preserving("rename-locals")
def rename_locals(project: Project, rng: random.Random) -> Project | None:
    """Rename local bindings (variables, functions, parameters, components) in every file.

    Only names declared once in their file (so every use is the same binding) and not exported
    by name; names destructured from an object are `rename-destructured-fields`."""
    return _rename(project, rng, fields=False)


@preserving("rename-destructured-fields")
def rename_destructured_fields(project: Project, rng: random.Random) -> Project | None:
    """Bind destructured fields to other names (`const { conversation_id } = body` ->
    `const { conversation_id: conversation_id_r1 } = body`, every use renamed)."""
    return _rename(project, rng, fields=True)


def _import_specifiers(project: Project, path: str, library: bool) -> list[tuple[Node, Node, str]]:
    """(specifier, local identifier, source) of `import { x } from '...'` without alias or `type`."""
    out = []
    for stmt in project.root(path).named_children:
        if stmt.type != "import_statement" or any(project.node_text(path, c) == "type" for c in stmt.children):
            continue
        src = stmt.child_by_field_name("source")
        spec = string_value(project, path, src) if src is not None else None
        if spec is None or spec.startswith((".", "@/")) == library:
            continue
        for s in of_type(stmt, "import_specifier"):
            if s.child_by_field_name("alias") is None and not any(project.node_text(path, c) == "type" for c in s.children):
                out.append((s, s.child_by_field_name("name"), spec))
    return out


def _alias(project: Project, rng: random.Random, library: bool, hooks: bool = False) -> Project | None:
    out = project
    for path in project.code_paths():
        once = declared_once(project, path)
        specs = [(s, n, src) for s, n, src in _import_specifiers(project, path, library)
                 if project.node_text(path, n) in once and not _used_as_type(project, path, project.node_text(path, n))
                 and (src == "react" and project.node_text(path, n).startswith("use")) == hooks]
        chosen = specs if hooks else [x for x in specs if rng.random() < 0.7] or specs[:1]
        edits: list[Edit] = []
        for _, name_node, _src in chosen:
            name = project.node_text(path, name_node)
            edits += rename_edits(project, path, name, fresh_name(project, name + "Alias"))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


@preserving("alias-project-imports")
def alias_project_imports(project: Project, rng: random.Random) -> Project | None:
    """Import the project's own modules' names under aliases (`import { X as XAlias1 } from './x'`)."""
    return _alias(project, rng, library=False)


@preserving("alias-library-imports")
def alias_library_imports(project: Project, rng: random.Random) -> Project | None:
    """Import library names other than React hooks under aliases (`NextResponse as NextResponseAlias1`,
    `createContext as ...`): the binding, not its spelling, is what the code calls."""
    return _alias(project, rng, library=True)


@preserving("alias-react-hooks")
def alias_react_hooks(project: Project, rng: random.Random) -> Project | None:
    """Import every React hook under an alias (`import { useEffect as useEffectAlias1 } from 'react'`)."""
    return _alias(project, rng, library=True, hooks=True)


@preserving("rename-default-imports")
def rename_default_imports(project: Project, rng: random.Random) -> Project | None:
    """Give default imports another local name (`import InteractiveAvatar from` -> `import Avatar1 from`)."""
    out = project
    for path in project.code_paths():
        once = declared_once(project, path)
        edits: list[Edit] = []
        for clause in of_type(project.root(path), "import_clause"):
            for ident in clause.named_children:
                name = project.node_text(path, ident)
                if ident.type == "identifier" and name in once and not _used_as_type(project, path, name):
                    edits += rename_edits(project, path, name, fresh_name(project, name + "Default"))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


@preserving("namespace-imports")
def namespace_imports(project: Project, rng: random.Random) -> Project | None:
    """Turn `import { a, b } from 'm'` into `import * as M from 'm'` and every use into `M.a`."""
    out, taken = project, set[str]()
    for path in project.code_paths():
        once = declared_once(project, path)
        edits: list[Edit] = []
        for stmt in project.root(path).named_children:
            clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
            if stmt.type != "import_statement" or clause is None or any(project.node_text(path, c) == "type"
                                                                         for c in stmt.children):
                continue
            named = list(clause.named_children)
            if len(named) != 1 or named[0].type != "named_imports" or rng.random() < 0.4:
                continue
            specs = of_type(named[0], "import_specifier")
            locals_ = [s.child_by_field_name("alias") or s.child_by_field_name("name") for s in specs]
            if not specs or any(project.node_text(path, n) not in once or _used_as_type(project, path, project.node_text(path, n))
                                for n in locals_):
                continue
            ns = fresh_name(project, "Module", taken)
            edits.append(Edit(clause.start_byte, clause.end_byte, f"* as {ns}"))
            for s, local in zip(specs, locals_):
                imported = project.node_text(path, s.child_by_field_name("name"))
                for n in occurrences(project, path, project.node_text(path, local)):
                    if any(a == stmt for a in ancestors(n)):
                        continue
                    text = f"{ns}.{imported}"
                    edits.append(Edit(n.start_byte, n.end_byte, f"{project.node_text(path, n)}: {text}"
                                      if n.type == "shorthand_property_identifier" else text))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


def _uses_this(fn: Node) -> bool:
    return any(n.type == "this" or (n.type == "identifier" and n.text == b"arguments") for n in walk(fn))


@preserving("arrow-to-function")
def arrow_to_function(project: Project, rng: random.Random) -> Project | None:
    """Rewrite `const f = async (a) => { ... }` as `async function f(a) { ... }` (expression bodies
    become `{ return expr; }`); only arrows without `this`/`arguments` and untyped constants."""
    out = project
    for path in project.code_paths():
        edits = []
        for decl in of_type(project.root(path), "lexical_declaration"):
            ds = [c for c in decl.named_children if c.type == "variable_declarator"]
            if len(ds) != 1 or decl.parent is None or decl.parent.type not in ("program", "statement_block",
                                                                                "export_statement"):
                continue
            name, value = ds[0].child_by_field_name("name"), ds[0].child_by_field_name("value")
            if name is None or value is None or name.type != "identifier" or value.type != "arrow_function" or \
                    ds[0].child_by_field_name("type") is not None or _uses_this(value) or rng.random() < 0.3:
                continue
            edits.append(Edit(decl.start_byte, decl.end_byte, _as_function(project, path, project.node_text(path, name),
                                                                           value)))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


def _as_function(p: Project, path: str, name: str, arrow: Node) -> str:
    is_async = any(not c.is_named and c.type == "async" for c in arrow.children)
    params = arrow.child_by_field_name("parameters")
    single = arrow.child_by_field_name("parameter")
    params_text = p.node_text(path, params) if params is not None else f"({p.node_text(path, single)})"
    ret = arrow.child_by_field_name("return_type")
    tparams = arrow.child_by_field_name("type_parameters")
    body = arrow.child_by_field_name("body")
    body_text = p.node_text(path, body) if body.type == "statement_block" else f"{{ return {p.node_text(path, body)}; }}"
    return (f"{'async ' if is_async else ''}function {name}{p.node_text(path, tparams) if tparams else ''}"
            f"{params_text}{p.node_text(path, ret) if ret else ''} {body_text}")


@preserving("function-to-arrow")
def function_to_arrow(project: Project, rng: random.Random) -> Project | None:
    """Rewrite `function f(a) { ... }` as `const f = (a) => { ... };` where nothing reads `f` before
    its declaration at module evaluation (hoisting is the only difference) and the body has no `this`."""
    out = project
    for path in project.code_paths():
        edits = []
        for fn in of_type(project.root(path), "function_declaration"):
            parent = fn.parent
            if parent is None or _uses_this(fn) or (parent.type == "export_statement" and _is_default_export(parent)):
                continue
            name = fn.child_by_field_name("name")
            if name is None or _read_early(project, path, fn, project.node_text(path, name)) or rng.random() < 0.3:
                continue
            is_async = any(not c.is_named and c.type == "async" for c in fn.children)
            params = fn.child_by_field_name("parameters")
            ret = fn.child_by_field_name("return_type")
            tparams = fn.child_by_field_name("type_parameters")
            body = fn.child_by_field_name("body")
            text = (f"const {project.node_text(path, name)} = {'async ' if is_async else ''}"
                    f"{project.node_text(path, tparams) if tparams else ''}{project.node_text(path, params)}"
                    f"{project.node_text(path, ret) if ret else ''} => {project.node_text(path, body)};")
            edits.append(Edit(fn.start_byte, fn.end_byte, text))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


def _read_early(project: Project, path: str, fn: Node, name: str) -> bool:
    """Is `name` read before `fn` outside any function (where hoisting would matter)?"""
    from metamorphic.source import FUNCTIONS

    for n in occurrences(project, path, name):
        if n.start_byte < fn.start_byte and not any(a.type in FUNCTIONS for a in ancestors(n)):
            return True
    return False
