"""Preserving rewrites across modules: moving a function or a constant into a module of its own and
importing it back, default <-> named exports, barrels (`index` re-exports), route handlers that
live in another module and are re-exported by the route file."""

from __future__ import annotations

import posixpath
import random

from metamorphic.catalogue import preserving
from metamorphic.names import bindings, free_names
from metamorphic.rewrites_syntax import value_strings
from metamorphic.source import (Edit, Node, Project, fresh_path, has_use_client, importers, is_entry, of_type,
                                relative_specifier, resolve_import, string_value, top_insert_point)


# ---------------------------------------------------------------------------- imports
def import_lines(project: Project, from_path: str, to_path: str, names: set[str]) -> list[str]:
    """Import statements that give `to_path` the bindings `names` as `from_path` imports them."""
    out = []
    for stmt in project.root(from_path).named_children:
        if stmt.type != "import_statement":
            continue
        src = stmt.child_by_field_name("source")
        spec = string_value(project, from_path, src) if src is not None else None
        if spec is None:
            continue
        if spec.startswith("."):
            target = resolve_import(project, from_path, spec)
            if target is None:
                continue
            spec = relative_specifier(to_path, target)
        type_only = any(project.node_text(from_path, c) == "type" for c in stmt.children)
        default, named, namespace = None, [], None
        for clause in of_type(stmt, "import_clause"):
            for c in clause.named_children:
                if c.type == "identifier" and project.node_text(from_path, c) in names:
                    default = project.node_text(from_path, c)
                elif c.type == "namespace_import":
                    local = project.node_text(from_path, c.named_children[0])
                    namespace = local if local in names else None
                elif c.type == "named_imports":
                    for s in of_type(c, "import_specifier"):
                        local = s.child_by_field_name("alias") or s.child_by_field_name("name")
                        if project.node_text(from_path, local) in names:
                            named.append(project.node_text(from_path, s))
        parts = [p for p in (default, f"* as {namespace}" if namespace else None,
                             "{ " + ", ".join(named) + " }" if named else None) if p]
        if parts:
            out.append(f"import {'type ' if type_only else ''}{', '.join(parts)} from '{spec}';")
    return out


def add_import(project: Project, path: str, line: str) -> Edit:
    at = top_insert_point(project, path)
    return Edit(at, at, ("\n" + line) if at else (line + "\n"))


def type_names(project: Project, path: str, node: Node) -> set[str]:
    return {project.node_text(path, n) for n in of_type(node, "type_identifier")}


def local_types(project: Project, path: str) -> set[str]:
    return {project.node_text(path, n.child_by_field_name("name"))
            for n in of_type(project.root(path), "type_alias_declaration", "interface_declaration")
            if n.child_by_field_name("name") is not None}


def _module_decl(stmt: Node) -> tuple[Node, Node, bool] | None:
    """(declaration, its name, exported by name) of a module-level function or single constant."""
    exported = stmt.type == "export_statement"
    if exported and any(not c.is_named and c.type == "default" for c in stmt.children):
        return None
    decl = stmt.child_by_field_name("declaration") if exported else stmt
    if decl is None:
        return None
    if decl.type == "function_declaration":
        name = decl.child_by_field_name("name")
        return (decl, name, exported) if name is not None else None
    if decl.type == "lexical_declaration":
        ds = [c for c in decl.named_children if c.type == "variable_declarator"]
        if len(ds) == 1 and (name := ds[0].child_by_field_name("name")) is not None and name.type == "identifier" \
                and ds[0].child_by_field_name("value") is not None:
            return decl, name, exported
    return None


def _move(project: Project, path: str, stmt: Node, decl: Node, name: str, exported: bool, stem: str) -> Project | None:
    """Move one module-level declaration into a new module next to `path` and import it back."""
    free = set(free_names(project, path, decl)) - {name}
    imports = {b.name for b in bindings(project, path) if b.kind == "import"}
    if not free <= imports or type_names(project, path, decl) & local_types(project, path):
        return None  # it reads the module's own state: moving it would need more than an import
    ext = posixpath.splitext(path)[1]
    new_path = fresh_path(project, posixpath.dirname(path), stem, ext)
    lines = ["'use client';"] if has_use_client(project, path) else []
    lines += import_lines(project, path, new_path, free | type_names(project, path, decl))
    lines += ["", "export " + project.node_text(path, decl), ""]
    spec = relative_specifier(path, new_path)
    end = stmt.end_byte + (1 if project.text(path)[stmt.end_byte:stmt.end_byte + 1] == b"\n" else 0)
    edits = [add_import(project, path, f"import {{ {name} }} from '{spec}';"),
             Edit(stmt.start_byte, end, f"export {{ {name} }};\n" if exported else "")]
    return project.edited(path, edits).with_file(new_path, "\n".join(lines), f"moved {name} to {new_path}")


@preserving("move-function-to-module")
def move_function_to_module(project: Project, rng: random.Random) -> Project | None:
    """Move a module-level function (declaration or arrow constant) that reads only imports into a
    module of its own, exported by name, and import it back (re-exporting it if it was exported)."""
    candidates = []
    for path in project.code_paths():
        for stmt in project.root(path).named_children:
            found = _module_decl(stmt)
            if found is None:
                continue
            decl, name, exported = found
            value = decl if decl.type == "function_declaration" else \
                decl.named_children[0].child_by_field_name("value")
            if value is not None and value.type in ("function_declaration", "arrow_function", "function_expression"):
                candidates.append((path, stmt, decl, project.node_text(path, name), exported))
    rng.shuffle(candidates)
    for path, stmt, decl, name, exported in candidates:
        out = _move(project, path, stmt, decl, name, exported, f"moved-{name}")
        if out is not None:
            return out
    return None


@preserving("move-constant-to-module")
def move_constant_to_module(project: Project, rng: random.Random) -> Project | None:
    """Move a module-level literal constant (`const END_URL = '/api/tavus/end'`) into a constants
    module and import it back."""
    candidates = []
    for path in project.code_paths():
        for stmt in project.root(path).named_children:
            found = _module_decl(stmt)
            if found is None or found[0].type != "lexical_declaration":
                continue
            value = found[0].named_children[0].child_by_field_name("value")
            if value is not None and (value.type in ("number", "true", "false") or
                                      string_value(project, path, value) is not None):
                candidates.append((path, stmt, found[0], project.node_text(path, found[1]), found[2]))
    if not candidates:
        return None
    path, stmt, decl, name, exported = rng.choice(candidates)
    return _move(project, path, stmt, decl, name, exported, "constants")


@preserving("string-to-module-constant")
def string_to_module_constant(project: Project, rng: random.Random) -> Project | None:
    """Replace a string literal by a constant exported from a new module (`fetch(END_URL)` with
    `import { END_URL } from './endpoints'`)."""
    sites = [(path, n) for path in project.code_paths() for n in value_strings(project, path)]
    if not sites:
        return None
    path, node = rng.choice(sites)
    new_path = fresh_path(project, posixpath.dirname(path), "endpoints", ".ts" if path.endswith(
        (".ts", ".tsx")) else ".js")
    name = "SHARED_STRING"
    out = project.edited(path, [Edit(node.start_byte, node.end_byte, name),
                                add_import(project, path, f"import {{ {name} }} from '{relative_specifier(path, new_path)}';")])
    return out.with_file(new_path, f"export const {name} = {project.node_text(path, node)};\n")


# ---------------------------------------------------------------------------- exports
def _default_function(project: Project, path: str) -> tuple[Node, Node] | None:
    """(export statement, function) of `export default function Name(...)`."""
    for stmt in project.root(path).named_children:
        if stmt.type == "export_statement" and any(not c.is_named and c.type == "default" for c in stmt.children):
            decl = stmt.child_by_field_name("declaration")
            if decl is not None and decl.type == "function_declaration" and decl.child_by_field_name("name"):
                return stmt, decl
    return None


@preserving("default-export-separate")
def default_export_separate(project: Project, rng: random.Random) -> Project | None:
    """Declare the default-exported function first and export it after (`function Page() {}` then
    `export default Page;`), the other way Next.js pages and components are written."""
    sites = [(path, found) for path in project.code_paths() if (found := _default_function(project, path))]
    if not sites:
        return None
    path, (stmt, decl) = rng.choice(sites)
    name = project.node_text(path, decl.child_by_field_name("name"))
    return project.edited(path, [Edit(stmt.start_byte, stmt.end_byte,
                                      f"{project.node_text(path, decl)}\n\nexport default {name};")])


@preserving("default-to-named")
def default_to_named(project: Project, rng: random.Random) -> Project | None:
    """Export a component by name instead of by default, and import it by name where it is used
    (`import Avatar from './A'` -> `import { InteractiveAvatar as Avatar } from './A'`)."""
    sites = [(path, found) for path in project.code_paths()
             if not is_entry(path) and (found := _default_function(project, path)) and importers(project, path)]
    if not sites:
        return None
    path, (stmt, decl) = rng.choice(sites)
    name = project.node_text(path, decl.child_by_field_name("name"))
    users = importers(project, path)
    if any(s.type != "import_statement" or len(of_type(s, "import_clause")) != 1 for _, s in users):
        return None
    out = project.edited(path, [Edit(stmt.start_byte, decl.start_byte, "export ")])
    for user, s in users:
        clause = of_type(s, "import_clause")[0]
        if [c.type for c in clause.named_children] != ["identifier"]:
            return None
        local = project.node_text(user, clause.named_children[0])
        out = out.edited(user, [Edit(clause.start_byte, clause.end_byte,
                                     f"{{ {name} }}" if local == name else f"{{ {name} as {local} }}")])
    return out


@preserving("named-to-default")
def named_to_default(project: Project, rng: random.Random) -> Project | None:
    """Export a module's only named function by default and import it that way everywhere."""
    sites = []
    for path in project.code_paths():
        if is_entry(path) or _default_function(project, path):
            continue
        exported = [found for s in project.root(path).named_children if s.type == "export_statement"
                    and (found := _module_decl(s)) and found[0].type == "function_declaration"]
        if len(exported) == 1 and importers(project, path):
            sites.append((path, exported[0]))
    if not sites:
        return None
    path, (decl, name_node, _) = rng.choice(sites)
    name = project.node_text(path, name_node)
    out = project.edited(path, [Edit(decl.start_byte, decl.start_byte, "default ")])
    for user, s in importers(project, path):
        specs = of_type(s, "import_specifier") if s.type == "import_statement" else []
        if s.type != "import_statement" or len(specs) != 1 or project.node_text(user, specs[0].child_by_field_name(
                "name")) != name or of_type(s, "namespace_import"):
            return None
        local = specs[0].child_by_field_name("alias") or specs[0].child_by_field_name("name")
        clause = of_type(s, "import_clause")[0]
        out = out.edited(user, [Edit(clause.start_byte, clause.end_byte, project.node_text(user, local))])
    return out


@preserving("barrel-reexport")
def reexport_through_index(project: Project, rng: random.Random) -> Project | None:
    """Import a module through an index file next to it (`export * from './X'` plus its default), the
    importers naming the folder (`from '../components'`) instead of the module."""
    sites = [path for path in project.code_paths() if not is_entry(path) and importers(project, path)
             and all(s.type == "import_statement" for _, s in importers(project, path))]
    if not sites:
        return None
    path = rng.choice(sites)
    barrel = fresh_path(project, posixpath.dirname(path), "index", ".ts" if path.endswith((".ts", ".tsx")) else ".js")
    spec = relative_specifier(barrel, path)
    lines = [f"export * from '{spec}';"]
    if any(s.type == "export_statement" and any(not c.is_named and c.type == "default" for c in s.children)
           for s in project.root(path).named_children):
        lines.append(f"export {{ default }} from '{spec}';")
    out = project.with_file(barrel, "\n".join(lines) + "\n")
    for user, s in importers(project, path):
        src = s.child_by_field_name("source")
        q = project.node_text(user, src)[0]
        out = out.edited(user, [Edit(src.start_byte, src.end_byte, q + relative_specifier(user, barrel) + q)])
    return out


@preserving("module-behind-reexport")
def module_behind_reexport(project: Project, rng: random.Random) -> Project | None:
    """Move a whole module (a route handler, a component) into another file and leave behind a file
    that re-exports its exports by name (`export { POST } from '../../../server/route-impl'`)."""
    sites = [p for p in project.code_paths() if _export_names(project, p) is not None]
    if not sites:
        return None
    path = rng.choice(sites)
    names = _export_names(project, path) or []
    # Not next to a Pages Router file: there it would be a page or an API route of its own.
    folder = posixpath.join(app_root(project, path), "server") if "/pages/" in "/" + path else posixpath.dirname(path)
    new_path = fresh_path(project, folder, "impl", posixpath.splitext(path)[1])
    edits = []
    for s in project.root(path).named_children:
        src = s.child_by_field_name("source") if s.type in ("import_statement", "export_statement") else None
        spec = string_value(project, path, src) if src is not None else None
        if src is not None and spec is not None and spec.startswith("."):
            target = resolve_import(project, path, spec)
            if target is None:
                return None
            edits.append(Edit(src.start_byte, src.end_byte, f"'{relative_specifier(new_path, target)}'"))
    moved = project.edited(path, edits)
    body = moved.files[path]
    spec = relative_specifier(path, new_path)
    shim = f"export {{ {', '.join(names)} }} from '{spec}';\n"
    out = Project({**{k: v for k, v in moved.files.items() if k != path}, new_path: body}, moved.notes)
    return out.with_file(path, shim, f"moved {path} to {new_path}")


def app_root(project: Project, path: str) -> str:
    """The folder of the nearest package.json above `path` ('' for the project root)."""
    directory = posixpath.dirname(path)
    while directory and posixpath.join(directory, "package.json") not in project.files:
        directory = posixpath.dirname(directory)
    return directory


def _export_names(project: Project, path: str) -> list[str] | None:
    """The names a module exports (`default` included), or None when it has none or re-exports."""
    names: list[str] = []
    for s in project.root(path).named_children:
        if s.type != "export_statement":
            continue
        if s.child_by_field_name("source") is not None or of_type(s, "export_clause"):
            return None
        if any(not c.is_named and c.type == "default" for c in s.children):
            names.append("default")
        elif (found := _module_decl(s)) is not None:
            names.append(project.node_text(path, found[1]))
        else:
            return None
    return names or None
