"""Preserving rewrites of React code: `useCallback`, handlers lifted out of components or into other
modules, the unload listener moved into a custom hook or a component of its own, `useLayoutEffect`,
inline arrow handlers, extra wrapping elements."""

from __future__ import annotations

import posixpath
import random

from metamorphic.catalogue import preserving
from metamorphic.names import bindings, declared_once, fresh_name, free_names, occurrences
from metamorphic.rewrites_modules import _move, add_import, import_lines, local_types, type_names
from metamorphic.rewrites_syntax import literal_consts
from metamorphic.source import (FUNCTIONS, Edit, Node, Project, ancestors, call_name, fresh_path, indentation, inside,
                                of_type, string_value, walk)

REACT = "react"


# ---------------------------------------------------------------------------- components
def function_name(project: Project, path: str, fn: Node) -> str | None:
    name = fn.child_by_field_name("name")
    if name is None and fn.parent is not None and fn.parent.type == "variable_declarator":
        name = fn.parent.child_by_field_name("name")
    return project.node_text(path, name) if name is not None and name.type == "identifier" else None


def is_component_or_hook(project: Project, path: str, fn: Node) -> bool:
    name = function_name(project, path, fn) or ""
    return bool(name) and (name[0].isupper() or (name.startswith("use") and name[3:4].isupper()))


def component_locals(project: Project, path: str) -> list[tuple[Node, Node, Node, str]]:
    """(component, declaration, function value, name) of `const h = () => ...` directly in a component body."""
    out = []
    for fn in of_type(project.root(path), *FUNCTIONS):
        body = fn.child_by_field_name("body")
        if body is None or body.type != "statement_block" or not is_component_or_hook(project, path, fn):
            continue
        for stmt in body.named_children:
            if stmt.type != "lexical_declaration":
                continue
            ds = [c for c in stmt.named_children if c.type == "variable_declarator"]
            if len(ds) != 1:
                continue
            name, value = ds[0].child_by_field_name("name"), ds[0].child_by_field_name("value")
            if name is not None and name.type == "identifier" and value is not None and \
                    value.type in ("arrow_function", "function_expression") and not ds[0].child_by_field_name("type"):
                out.append((fn, stmt, value, project.node_text(path, name)))
    return out


def captured(project: Project, path: str, component: Node, node: Node) -> list[str]:
    """Names `node` reads that the component binds (its props, state, other locals)."""
    inner = {b.name for b in bindings(project, path) if inside(b.node, component) and not inside(b.node, node)}
    return [n for n in free_names(project, path, node) if n in inner]


def react_name(project: Project, path: str, hook: str) -> tuple[str, list[Edit]]:
    """How the file can call a React hook, and the edits that import it if it cannot yet."""
    once = declared_once(project, path)
    if hook in once and once[hook].kind == "import":
        return hook, []
    for stmt in project.root(path).named_children:
        src = stmt.child_by_field_name("source") if stmt.type == "import_statement" else None
        if src is None or string_value(project, path, src) != REACT:
            continue
        ns = of_type(stmt, "namespace_import")
        if ns:
            return f"{project.node_text(path, ns[0].named_children[0])}.{hook}", []
        named = of_type(stmt, "named_imports")
        if named:
            close = named[0].end_byte - 1
            return hook, [Edit(close, close, f", {hook} ")]
    return hook, [add_import(project, path, f"import {{ {hook} }} from 'react';")]


@preserving("use-callback")
def wrap_use_callback(project: Project, rng: random.Random) -> Project | None:
    """Wrap a component's handler in `useCallback(fn, [deps])`, the deps being what it reads from
    the component: the function called is the same one."""
    sites = [(path, c) for path in project.code_paths() for c in component_locals(project, path)
             if not any(call_name(project, path, a) .endswith("useCallback") for a in ancestors(c[2])
                        if a.type == "call_expression")]
    if not sites:
        return None
    path, (component, _stmt, value, _name) = rng.choice(sites)
    hook, imports = react_name(project, path, "useCallback")
    deps = ", ".join(captured(project, path, component, value))
    return project.edited(path, imports + [Edit(value.start_byte, value.start_byte, f"{hook}("),
                                           Edit(value.end_byte, value.end_byte, f", [{deps}])")])


def _lift(project: Project, rng: random.Random) -> tuple[Project, str, str] | None:
    """Lift a parameterless component handler to a module-level function taking what it captures."""
    sites = [(path, c) for path in project.code_paths() for c in component_locals(project, path)
             if (params := c[2].child_by_field_name("parameters")) is not None and params.named_child_count == 0
             and not type_names(project, path, c[2]) & local_types(project, path)]
    if not sites:
        return None
    path, (component, stmt, value, name) = rng.choice(sites)
    top = next(a for a in [component, *ancestors(component)] if a.parent is not None and a.parent.type == "program")
    lifted = fresh_name(project, name + "Lifted")
    caps = captured(project, path, component, value)
    is_async = any(not c.is_named and c.type == "async" for c in value.children)
    body = value.child_by_field_name("body")
    body_text = project.node_text(path, body) if body.type == "statement_block" else \
        f"{{ return {project.node_text(path, body)}; }}"
    decl = f"{'async ' if is_async else ''}function {lifted}({', '.join(caps)}) {body_text}\n\n"
    call = f"const {name} = () => {lifted}({', '.join(caps)});"
    return project.edited(path, [Edit(top.start_byte, top.start_byte, decl),
                                 Edit(stmt.start_byte, stmt.end_byte, call)]), path, lifted


@preserving("lift-handler")
def lift_handler(project: Project, rng: random.Random) -> Project | None:
    """Move a component's handler out of the component into a module-level function that takes the
    state it reads as arguments; the component keeps `const h = () => hLifted(state, setState)`."""
    out = _lift(project, rng)
    return None if out is None else out[0]


@preserving("handler-to-module")
def handler_to_module(project: Project, rng: random.Random) -> Project | None:
    """Lift a component's handler (as `lift-handler`) and move it into a module of its own, imported back."""
    out = _lift(project, rng)
    if out is None:
        return None
    lifted_project, path, lifted = out
    for stmt in lifted_project.root(path).named_children:
        if stmt.type == "function_declaration" and lifted_project.node_text(path, stmt.child_by_field_name("name")) == lifted:
            return _move(lifted_project, path, stmt, stmt, lifted, False, f"handlers-{lifted}")
    return None


# ---------------------------------------------------------------------------- the unload listener
def unload_effects(project: Project, path: str) -> list[tuple[Node, Node]]:
    """(component or hook, `useEffect(...)` statement) where the effect registers an unload listener."""
    out = []
    for fn in of_type(project.root(path), *FUNCTIONS):
        body = fn.child_by_field_name("body")
        if body is None or body.type != "statement_block" or not is_component_or_hook(project, path, fn):
            continue
        for stmt in body.named_children:
            call = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
            if call is None or call.type != "call_expression" or \
                    call_name(project, path, call).split(".")[-1] not in ("useEffect", "useLayoutEffect"):
                continue
            if any(string_value(project, path, n) == "beforeunload" or project.node_text(path, n) == "onbeforeunload"
                   for n in walk(call) if n.type in ("string", "property_identifier")):
                out.append((fn, stmt))
    return out


def _extract(project: Project, rng: random.Random, mode: str) -> Project | None:
    """Move the unload effect out of its component: into a hook, a component rendered beside the
    component's JSX, or a provider wrapping it (`mode`)."""
    as_component = mode != "hook"
    sites = [(path, c, s) for path in project.code_paths() for c, s in unload_effects(project, path)]
    if not sites:
        return None
    path, component, stmt = rng.choice(sites)
    if type_names(project, path, stmt) & local_types(project, path):
        return None
    if as_component and not is_component_or_hook(project, path, component) or \
            as_component and not (function_name(project, path, component) or "a")[0].isupper():
        return None
    imports = {b.name for b in bindings(project, path) if b.kind == "import"}
    free = free_names(project, path, stmt)
    constants = {project.node_text(path, name): decl for decl, name, _ in literal_consts(project, path, module_level=True,
                                                                                          objects=True)}
    params = [n for n in free if n not in imports and n not in constants]
    ext = ".tsx" if path.endswith(".tsx") else ".jsx" if path.endswith(".jsx") else posixpath.splitext(path)[1]
    name = fresh_name(project, {"hook": "useUnloadGuard", "component": "UnloadGuard", "provider": "UnloadProvider"}[mode])
    new_path = fresh_path(project, posixpath.dirname(path), name, ext)
    lines = ["'use client';"] + import_lines(project, path, new_path, set(free) | type_names(project, path, stmt))
    lines += [project.node_text(path, constants[n]) for n in free if n in constants]  # a literal: a copy is the same
    body = project.node_text(path, stmt)
    if mode == "provider":
        lines += ["", f"export function {name}({{ children, {', '.join(params)} }}) {{", f"  {body}",
                  "  return <>{children}</>;", "}", ""]
    elif as_component:
        lines += ["", f"export function {name}({{ {', '.join(params)} }}) {{", f"  {body}", "  return null;", "}", ""]
    else:
        lines += ["", f"export function {name}({', '.join(params)}) {{", f"  {body}", "}", ""]
    edits = [add_import(project, path, f"import {{ {name} }} from './{posixpath.basename(new_path).rsplit('.', 1)[0]}';")]
    if as_component:
        element = f"<{name} {' '.join(f'{p}={{{p}}}' for p in params)} />"
        returns = [r for r in of_type(component, "return_statement")
                   if next((a for a in ancestors(r) if a.type in FUNCTIONS), None) == component]
        jsx = [j for r in returns if (j := _returned_jsx(r)) is not None]
        if not jsx or len(jsx) != len(returns):
            return None
        edits.append(Edit(stmt.start_byte, stmt.end_byte, ""))
        for j in jsx:
            if mode == "provider":
                edits += [Edit(j.start_byte, j.start_byte, element[:-3] + ">"), Edit(j.end_byte, j.end_byte, f"</{name}>")]
            else:
                edits += [Edit(j.start_byte, j.start_byte, f"<>{element}"), Edit(j.end_byte, j.end_byte, "</>")]
    else:
        edits.append(Edit(stmt.start_byte, stmt.end_byte, f"{name}({', '.join(params)});"))
    return project.edited(path, edits).with_file(new_path, "\n".join(lines), f"listener moved to {new_path}")


def _returned_jsx(ret: Node) -> Node | None:
    value = next((c for c in ret.named_children if c.type != "comment"), None)
    while value is not None and value.type == "parenthesized_expression":
        value = value.named_children[0] if value.named_children else None
    return value if value is not None and value.type in ("jsx_element", "jsx_self_closing_element") else None


@preserving("listener-in-custom-hook")
def listener_in_custom_hook(project: Project, rng: random.Random) -> Project | None:
    """Move the effect that registers the beforeunload listener into a custom hook in its own module
    (`useUnloadGuard1(conversation)`), passing what it reads from the component as arguments (literal
    module constants it reads are copied into the new module)."""
    return _extract(project, rng, "hook")


@preserving("listener-in-component")
def listener_in_component(project: Project, rng: random.Random) -> Project | None:
    """Move the effect that registers the beforeunload listener into a component of its own that
    renders nothing (`<UnloadGuard1 conversation={conversation} />`), rendered by every return of
    the component, with what it reads passed as props."""
    return _extract(project, rng, "component")


@preserving("listener-in-provider")
def listener_in_provider(project: Project, rng: random.Random) -> Project | None:
    """Move the effect that registers the beforeunload listener into a provider component that wraps
    what the component returns (`<UnloadProvider1 conversation={conversation}>...</UnloadProvider1>`),
    with what it reads passed as props (the listener lives as long as the component, as before)."""
    return _extract(project, rng, "provider")


@preserving("use-layout-effect")
def use_layout_effect(project: Project, rng: random.Random) -> Project | None:
    """Register the listener in `useLayoutEffect` instead of `useEffect` (same mount/cleanup contract;
    the issue says a layout effect is an effect)."""
    out = project
    for path in project.code_paths():
        once = declared_once(project, path)
        if "useEffect" not in once or once["useEffect"].kind != "import" or "useLayoutEffect" in once or \
                not unload_effects(project, path):
            continue
        edits = [Edit(n.start_byte, n.end_byte, "useLayoutEffect" if n.type == "identifier" else
                      "useEffect: useLayoutEffect") for n in occurrences(project, path, "useEffect")]
        out = out.edited(path, edits)
    return out if out.files != project.files else None


# ---------------------------------------------------------------------------- JSX
@preserving("inline-arrow-handlers")
def inline_arrow_handlers(project: Project, rng: random.Random) -> Project | None:
    """Pass handlers through an inline arrow (`onClick={end}` -> `onClick={(event) => end(event)}`)."""
    out = project
    for path in project.code_paths():
        edits = []
        for attr in of_type(project.root(path), "jsx_attribute"):
            name = attr.named_children[0] if attr.named_children else None
            value = attr.named_children[1] if attr.named_child_count > 1 else None
            if name is None or value is None or value.type != "jsx_expression" or not value.named_children:
                continue
            key = project.node_text(path, name)
            expr = value.named_children[0]
            if key.startswith("on") and key[2:3].isupper() and expr.type in ("identifier", "member_expression"):
                edits.append(Edit(expr.start_byte, expr.end_byte, f"(event) => {project.node_text(path, expr)}(event)"))
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None


@preserving("wrap-jsx")
def wrap_jsx(project: Project, rng: random.Random) -> Project | None:
    """Wrap returned JSX in a fragment and controls with an onClick in a <span> (nothing hidden)."""
    out = project
    for path in project.code_paths():
        edits = []
        for ret in of_type(project.root(path), "return_statement"):
            jsx = _returned_jsx(ret)
            if jsx is not None and rng.random() < 0.7:
                edits += [Edit(jsx.start_byte, jsx.start_byte, "<>"), Edit(jsx.end_byte, jsx.end_byte, "</>")]
        for el in of_type(project.root(path), "jsx_element", "jsx_self_closing_element"):
            opening = el if el.type == "jsx_self_closing_element" else el.named_children[0]
            if any(project.node_text(path, a.named_children[0]) == "onClick" for a in of_type(opening, "jsx_attribute")
                   if a.named_children) and el.parent is not None and el.parent.type == "jsx_element":
                ind = indentation(project.text(path), el)
                edits += [Edit(el.start_byte, el.start_byte, f"<span>\n{ind}  "), Edit(el.end_byte, el.end_byte, "\n" + ind + "</span>")]
        if edits:
            out = out.edited(path, edits)
    return out if out.files != project.files else None

