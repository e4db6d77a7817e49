"""Breaking transformations: each introduces one defect the SOP forbids, found by the tree (the
unload listener and what it sends, the End control and its request, the end route and its upstream
call), and declares the rules that must then fail with the finding kind each must report.

Where the defect is found is computed here, independently of the analyser (a test oracle must
not lean on the code under test): same-file name resolution and the project's imports suffice
for the projects these rewrites start from.
"""

from __future__ import annotations

import posixpath
import random

from metamorphic.catalogue import Rewrite, breaking
from metamorphic.names import bindings
from metamorphic.rewrites_react import react_name
from metamorphic.source import (FUNCTIONS, Edit, Node, Project, ancestors, args_of, call_name, inside, of_type,
                                resolve_import, string_value, top_insert_point)

END_ROUTE = "/api/tavus/end"
WINDOW = ("window", "globalThis", "self", "")
REQUESTS = ("fetch", "window.fetch", "navigator.sendBeacon")
END_LABELS = ("end", "leave", "disconnect", "hang up")


# ---------------------------------------------------------------------------- sites
def literal_of(project: Project, path: str, node: Node, depth: int = 0) -> str | None:
    """The string an expression is when it is built from literals only: a literal, a template or
    `+` of such parts, or a constant (of this file, or imported by name from a project module)."""
    if depth > 6:
        return None
    value = string_value(project, path, node)
    if value is not None:
        return value
    if node.type == "parenthesized_expression" and node.named_children:
        return literal_of(project, path, node.named_children[0], depth + 1)
    if node.type == "binary_expression" and project.node_text(path, node.child_by_field_name("operator")) == "+":
        parts = [literal_of(project, path, node.child_by_field_name(f), depth + 1) for f in ("left", "right")]
        return None if None in parts else "".join(p for p in parts if p is not None)
    if node.type == "template_string":
        out = []
        for c in node.named_children:
            part = project.node_text(path, c) if c.type == "string_fragment" else \
                literal_of(project, path, c.named_children[0], depth + 1) if c.named_children else None
            if part is None:
                return None
            out.append(part)
        return "".join(out)
    if node.type == "identifier":
        return _constant(project, path, project.node_text(path, node), depth)
    return None


def _constant(project: Project, path: str, name: str, depth: int) -> str | None:
    for b in bindings(project, path):
        if b.name != name:
            continue
        if b.kind == "variable" and b.node.parent.type == "variable_declarator":
            value = b.node.parent.child_by_field_name("value")
            return literal_of(project, path, value, depth + 1) if value is not None else None
        if b.kind == "import" and b.node.parent.type == "import_specifier":
            stmt = next(a for a in ancestors(b.node) if a.type == "import_statement")
            spec = string_value(project, path, stmt.child_by_field_name("source"))
            target = resolve_import(project, path, spec) if spec else None
            imported = project.node_text(path, b.node.parent.child_by_field_name("name"))
            return _constant(project, target, imported, depth + 1) if target else None
    return None


def _function_named(project: Project, path: str, name: str, near: Node) -> Node | None:
    """The function a name stands for in this file (the declaration closest around `near`)."""
    best = None
    for b in bindings(project, path):
        if b.name != name or b.kind not in ("function", "variable"):
            continue
        decl = b.node.parent
        value = decl if decl.type in FUNCTIONS else decl.child_by_field_name("value") if decl.type == \
            "variable_declarator" else None
        while value is not None and value.type == "call_expression":  # useCallback(fn, deps)
            value = next((a for a in args_of(value) if a.type in FUNCTIONS), None)
        if value is not None and value.type in FUNCTIONS and (b.scope.type == "program" or inside(near, b.scope)):
            if best is None or inside(b.scope, best[0]):
                best = (b.scope, value)
    return best[1] if best else None


def _as_function(project: Project, path: str, node: Node) -> Node | None:
    if node.type in FUNCTIONS:
        return node
    if node.type == "identifier":
        return _function_named(project, path, project.node_text(path, node), node)
    return None


def reachable(project: Project, path: str, fn: Node, depth: int = 4) -> list[Node]:
    """`fn` and the functions of its file it calls by name, transitively."""
    out, todo = [fn], [fn]
    while todo and depth > 0:
        depth -= 1
        nxt = []
        for f in todo:
            for call in of_type(f, "call_expression"):
                callee = call.child_by_field_name("function")
                target = _as_function(project, path, callee) if callee is not None else None
                if target is not None and not any(target == o for o in out):
                    out.append(target)
                    nxt.append(target)
        todo = nxt
    return out


def listener_sites(project: Project) -> list[tuple[str, Node, Node | None]]:
    """(file, registration, handler function) of every beforeunload listener: `addEventListener`
    calls and `window.onbeforeunload = ...` assignments."""
    out = []
    for path in project.code_paths():
        for call in of_type(project.root(path), "call_expression"):
            head, _, tail = call_name(project, path, call).rpartition(".")
            args = args_of(call)
            if tail == "addEventListener" and head in WINDOW and len(args) >= 2 and \
                    literal_of(project, path, args[0]) == "beforeunload":
                out.append((path, call, _as_function(project, path, args[1])))
        for asg in of_type(project.root(path), "assignment_expression"):
            left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
            if left is not None and right is not None and project.node_text(path, left).replace(" ", "") in \
                    ("window.onbeforeunload", "onbeforeunload") and right.type != "null":
                out.append((path, asg, _as_function(project, path, right)))
    return out


def unload_requests(project: Project) -> list[tuple[str, Node]]:
    """(file, call) of the requests the beforeunload handlers make."""
    out: list[tuple[str, Node]] = []
    for path, _reg, handler in listener_sites(project):
        if handler is None:
            continue
        for fn in reachable(project, path, handler):
            out += [(path, c) for c in of_type(fn, "call_expression") if call_name(project, path, c) in REQUESTS
                    and (path, c) not in out]
    return out


def _client(project: Project, path: str) -> bool:
    return "/api/" not in "/" + path and "/server/" not in "/" + path and "/lib/" not in "/" + path


def _to_end_route(project: Project, path: str, url: Node) -> bool:
    """Does the URL expression name the end route (literally, or through a constant of this file)?"""
    if END_ROUTE in project.node_text(path, url) or END_ROUTE in (literal_of(project, path, url) or ""):
        return True
    for ident in of_type(url, "identifier"):
        for b in bindings(project, path):
            value = b.node.parent.child_by_field_name("value") if b.node.parent.type == "variable_declarator" else None
            if b.name == project.node_text(path, ident) and value is not None and \
                    END_ROUTE in project.node_text(path, value):
                return True
    return False


def button_requests(project: Project) -> list[tuple[str, Node]]:
    """(file, call) of client requests to the end route that no unload handler makes."""
    unload = unload_requests(project)
    out = []
    for path in project.code_paths():
        if not _client(project, path):
            continue
        for c in of_type(project.root(path), "call_expression"):
            args = args_of(c)
            if call_name(project, path, c) in REQUESTS and args and _to_end_route(project, path, args[0]) and \
                    (path, c) not in unload:
                out.append((path, c))
    return out


def end_controls(project: Project) -> list[tuple[str, Node]]:
    """(file, opening element) of controls labelled End / Leave / Disconnect (text or aria-label)."""
    out = []
    for path in project.code_paths():
        for el in of_type(project.root(path), "jsx_element", "jsx_self_closing_element"):
            opening = el if el.type == "jsx_self_closing_element" else el.named_children[0]
            name = opening.child_by_field_name("name")
            tag = project.node_text(path, name) if name is not None else ""
            if tag != "button" and not tag.endswith("Button"):
                continue
            label = " ".join(project.node_text(path, t) for t in of_type(el, "jsx_text", "string_fragment")).lower()
            if any(word in label.split() or word in label for word in END_LABELS):
                out.append((path, opening))
    return out


def end_route_roots(project: Project) -> list[str]:
    return [p for p in project.code_paths()
            if posixpath.splitext(p)[0].endswith(("api/tavus/end/route", "pages/api/tavus/end"))]


def end_route_files(project: Project) -> list[str]:
    """The end route's file(s) and every project module they import, transitively."""
    roots = end_route_roots(project)
    seen, todo = list(roots), list(roots)
    while todo:
        path = todo.pop()
        for stmt in project.root(path).named_children:
            src = stmt.child_by_field_name("source") if stmt.type in ("import_statement", "export_statement") else None
            spec = string_value(project, path, src) if src is not None else None
            target = resolve_import(project, path, spec) if spec else None
            if target is not None and target not in seen:
                seen.append(target)
                todo.append(target)
    return seen


def options_object(project: Project, path: str, call: Node) -> Node | None:
    """The object literal a request's options are (inline, or a constant of the same file)."""
    args = args_of(call)
    if len(args) < 2:
        return None
    opts = args[1]
    if opts.type == "identifier":
        for b in bindings(project, path):
            value = b.node.parent.child_by_field_name("value") if b.node.parent.type == "variable_declarator" else None
            if b.name == project.node_text(path, opts) and value is not None and value.type == "object":
                return value
        return None
    return opts if opts.type == "object" else None


def prop(project: Project, path: str, obj: Node, key: str) -> Node | None:
    for c in obj.named_children:
        k = c.child_by_field_name("key") if c.type == "pair" else c if c.type == "shorthand_property_identifier" else None
        if k is not None and project.node_text(path, k).strip("'\"") == key:
            return c
    return None


def remove_property(project: Project, path: str, obj: Node, p: Node) -> Edit:
    """Remove one property and its comma."""
    src = project.text(path)
    end = p.end_byte
    rest = src[end:obj.end_byte]
    stripped = rest.lstrip()
    if stripped.startswith(b","):
        end += len(rest) - len(stripped) + 1
        return Edit(p.start_byte, end, "")
    before = src[obj.start_byte:p.start_byte].rstrip()
    start = obj.start_byte + len(before) - 1 if before.endswith(b",") else p.start_byte
    return Edit(start, p.end_byte, "")


def _edit_many(project: Project, edits: list[tuple[str, Edit]]) -> Project | None:
    if not edits:
        return None
    out = project
    for path in dict.fromkeys(p for p, _ in edits):
        out = out.edited(path, [e for p, e in edits if p == path])
    return out


# ---------------------------------------------------------------------------- the unload request
def _keepalive_props(project: Project) -> list[tuple[str, Node, Node]]:
    out = []
    for path, call in unload_requests(project):
        obj = options_object(project, path, call)
        p = prop(project, path, obj, "keepalive") if obj is not None else None
        if p is not None and (path, obj, p) not in out:
            out.append((path, obj, p))
    return out


@breaking("drop-keepalive", TAV004="no-keepalive")
def drop_keepalive(project: Project, rng: random.Random) -> Project | None:
    """Remove `keepalive` from the unload request's options (the browser may cancel it on unload)."""
    return _edit_many(project, [(path, remove_property(project, path, obj, p)) for path, obj, p in _keepalive_props(project)])


@breaking("keepalive-false", TAV004="no-keepalive")
def keepalive_false(project: Project, rng: random.Random) -> Project | None:
    """Set the unload request's `keepalive` to `false`."""
    return _edit_many(project, [(path, Edit(p.start_byte, p.end_byte, "keepalive: false"))
                                for path, _obj, p in _keepalive_props(project)])


@breaking("keepalive-overridden", TAV004="no-keepalive")
def keepalive_overridden(project: Project, rng: random.Random) -> Project | None:
    """Move `keepalive: true` before a spread of defaults that sets `keepalive: false`, which overrides it."""
    sites = _keepalive_props(project)
    if not sites:
        return None
    out = project
    for path in dict.fromkeys(p for p, _, _ in sites):
        at = top_insert_point(out, path)
        edits = [Edit(at, at, "\nconst UNLOAD_OVERRIDES = { keepalive: false };\n")]
        for p_, obj, p in sites:
            if p_ == path:
                edits += [remove_property(out, path, obj, p),
                          Edit(obj.start_byte + 1, obj.start_byte + 1, " keepalive: true, ...UNLOAD_OVERRIDES,")]
        out = out.edited(path, edits)
    return out


@breaking("unload-path-segment", TAV003="calls-other-route", TAV004="no-unload-request", TAV105="exit-without-end")
def unload_path_segment(project: Project, rng: random.Random) -> Project | None:
    """Send the unload request to `/api/tavus/stop` (one path segment off) instead of the end route."""
    return _edit_many(project, [(path, Edit(args_of(c)[0].start_byte, args_of(c)[0].end_byte, "'/api/tavus/stop'"))
                                for path, c in unload_requests(project) if args_of(c)])


def _set_method(project: Project, sites: list[tuple[str, Node]], method: str) -> Project | None:
    edits = []
    for path, call in sites:
        obj = options_object(project, path, call)
        p = prop(project, path, obj, "method") if obj is not None else None
        if p is not None and p.type == "pair":
            value = p.child_by_field_name("value")
            edits.append((path, Edit(value.start_byte, value.end_byte, f"'{method}'")))
    return _edit_many(project, list(dict.fromkeys(edits)))


@breaking("unload-method", TAV003="method-not-served", TAV105="end-not-served")
def unload_method(project: Project, rng: random.Random) -> Project | None:
    """Send the unload request with PUT, which the end route does not serve."""
    return _set_method(project, unload_requests(project), "PUT")


# ---------------------------------------------------------------------------- the listener
@breaking("remove-cleanup", TAV003="never-removed")
def remove_cleanup(project: Project, rng: random.Random) -> Project | None:
    """Drop the effect's cleanup (its `return () => removeEventListener(...)`): the listener stays."""
    edits = []
    for path, reg, _handler in listener_sites(project):
        effect = next((a for a in ancestors(reg) if a.type in FUNCTIONS and a.parent is not None
                       and a.parent.type == "arguments"), None)
        body = effect.child_by_field_name("body") if effect is not None else None
        if body is None or body.type != "statement_block":
            continue
        edits += [(path, Edit(r.start_byte, r.end_byte, "")) for r in body.named_children if r.type == "return_statement"]
    return _edit_many(project, list(dict.fromkeys(edits)))


@breaking("cleanup-other-function", TAV003="never-removed")
def cleanup_other_function(project: Project, rng: random.Random) -> Project | None:
    """Remove the listener with a new function (`removeEventListener('beforeunload', () => h())`),
    which removes nothing: only the function that was added can be removed."""
    edits = []
    for path in project.code_paths():
        for call in of_type(project.root(path), "call_expression"):
            args = args_of(call)
            if call_name(project, path, call).endswith("removeEventListener") and len(args) >= 2 and \
                    literal_of(project, path, args[0]) == "beforeunload" and args[1].type == "identifier":
                edits.append((path, Edit(args[1].start_byte, args[1].end_byte,
                                         f"() => {project.node_text(path, args[1])}()")))
    return _edit_many(project, edits)


@breaking("wrong-event", TAV003="only-other-event")
def wrong_event(project: Project, rng: random.Random) -> Project | None:
    """Listen to `unload` instead of `beforeunload` (added and removed alike). The SOP asks for a
    beforeunload listener (TAV003); a keepalive request sent on `unload` still survives the page
    (TAV004) and still ends the session on the way out (TAV105)."""
    edits = []
    for path in project.code_paths():
        for call in of_type(project.root(path), "call_expression"):
            args = args_of(call)
            if call_name(project, path, call).endswith(("addEventListener", "removeEventListener")) and args and \
                    literal_of(project, path, args[0]) == "beforeunload":
                edits.append((path, Edit(args[0].start_byte, args[0].end_byte, "'unload'")))
        for m in of_type(project.root(path), "property_identifier"):
            if project.node_text(path, m) == "onbeforeunload":
                edits.append((path, Edit(m.start_byte, m.end_byte, "onunload")))
    return _edit_many(project, edits)


@breaking("listener-outside-effect", TAV003="outside-effect")
def listener_outside_effect(project: Project, rng: random.Random) -> Project | None:
    """Register the listener in `useMemo` instead of `useEffect`: it runs during render and its
    cleanup is never called."""
    for path, reg, _ in listener_sites(project):
        effect = next((a for a in ancestors(reg) if a.type in FUNCTIONS and a.parent is not None
                       and a.parent.type == "arguments"), None)
        call = effect.parent.parent if effect is not None else None
        if call is None or call_name(project, path, call).split(".")[-1] != "useEffect":
            continue
        hook, imports = react_name(project, path, "useMemo")
        fn = call.child_by_field_name("function")
        return project.edited(path, imports + [Edit(fn.start_byte, fn.end_byte, hook)])
    return None


# ---------------------------------------------------------------------------- the End control
@breaking("button-path-segment", TAV005="calls-other-route", TAV105="exit-without-end")
def button_path_segment(project: Project, rng: random.Random) -> Project | None:
    """Send the End control's request to `/api/tavus/stop` (one path segment off)."""
    return _edit_many(project, [(path, Edit(args_of(c)[0].start_byte, args_of(c)[0].end_byte, "'/api/tavus/stop'"))
                                for path, c in button_requests(project)])


@breaking("button-method", TAV005="method-not-served", TAV105="end-not-served")
def button_method(project: Project, rng: random.Random) -> Project | None:
    """Send the End control's request with PUT, which the end route does not serve."""
    return _set_method(project, button_requests(project), "PUT")


@breaking("button-calls-nothing", TAV005="never-calls-end", TAV105="exit-without-end")
def button_calls_nothing(project: Project, rng: random.Random) -> Project | None:
    """Make the End control's onClick an empty function (TAV105: a labelled way out that ends nothing)."""
    edits = []
    for path, opening in end_controls(project):
        for attr in of_type(opening, "jsx_attribute"):
            if attr.named_child_count > 1 and project.node_text(path, attr.named_children[0]) == "onClick":
                value = attr.named_children[1]
                edits.append((path, Edit(value.start_byte, value.end_byte, "{() => {}}")))
    return _edit_many(project, edits)


@breaking("hide-button", TAV005="hidden")
def hide_button(project: Project, rng: random.Random) -> Project | None:
    """Give the End control (a plain <button>) the `hidden` attribute."""
    return _edit_many(project, [(path, Edit(o.child_by_field_name("name").end_byte, o.child_by_field_name("name").end_byte,
                                            " hidden"))
                                for path, o in end_controls(project) if project.node_text(path, o.child_by_field_name("name")) == "button"])


# ---------------------------------------------------------------------------- the end route
def _route_edits(project: Project, pick: object, roots_only: bool = False) -> list[tuple[str, Edit]]:
    edits: list[tuple[str, Edit]] = []
    for path in end_route_roots(project) if roots_only else end_route_files(project):
        edits += [(path, e) for e in pick(project, path)]  # type: ignore[operator]
    return edits


@breaking("remove-400-guard", TAV002="no-400")
def remove_400_guard(project: Project, rng: random.Random) -> Project | None:
    """Delete the `if` that answers 400 when the conversation id is missing."""
    def pick(p: Project, path: str) -> list[Edit]:
        return [Edit(s.start_byte, s.end_byte, "") for s in of_type(p.root(path), "if_statement")
                if any(p.node_text(path, n) == "400" for n in of_type(s, "number"))]
    return _edit_many(project, _route_edits(project, pick))


@breaking("upstream-host", TAV002="wrong-host")
def upstream_host(project: Project, rng: random.Random) -> Project | None:
    """Point the upstream end call at another host (`tavusapi.com` -> `tavus-proxy.example.com`)."""
    def pick(p: Project, path: str) -> list[Edit]:
        out = []
        for f in of_type(p.root(path), "string_fragment"):
            text = p.node_text(path, f)
            if "tavusapi.com" in text:
                out.append(Edit(f.start_byte, f.end_byte, text.replace("tavusapi.com", "tavus-proxy.example.com")))
        return out
    return _edit_many(project, _route_edits(project, pick))


@breaking("upstream-path-segment", TAV002="wrong-endpoint")
def upstream_path_segment(project: Project, rng: random.Random) -> Project | None:
    """End the conversation at `/v2/conversations/{id}/stop` instead of `/end` (one segment off)."""
    def pick(p: Project, path: str) -> list[Edit]:
        return [Edit(f.end_byte - len("end"), f.end_byte, "stop") for f in of_type(p.root(path), "string_fragment")
                if p.node_text(path, f).endswith("/end") and f.parent is not None and f.parent.type == "template_string"]
    return _edit_many(project, _route_edits(project, pick))


@breaking("upstream-method", TAV002="wrong-method")
def upstream_method(project: Project, rng: random.Random) -> Project | None:
    """Call Tavus's end endpoint with PUT instead of POST."""
    def pick(p: Project, path: str) -> list[Edit]:
        out = []
        for call in of_type(p.root(path), "call_expression"):
            obj = options_object(p, path, call) if call_name(p, path, call) in REQUESTS else None
            m = prop(p, path, obj, "method") if obj is not None else None
            if m is not None and m.type == "pair":
                v = m.child_by_field_name("value")
                out.append(Edit(v.start_byte, v.end_byte, "'PUT'"))
        return out
    return _edit_many(project, _route_edits(project, pick))


@breaking("bearer-auth", TAV002="bearer-auth")
def bearer_auth(project: Project, rng: random.Random) -> Project | None:
    """Send the key as `Authorization: Bearer <key>` instead of `x-api-key`."""
    def pick(p: Project, path: str) -> list[Edit]:
        out = []
        for pair in of_type(p.root(path), "pair"):
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is not None and value is not None and p.node_text(path, key).strip("'\"").lower() == "x-api-key":
                out.append(Edit(pair.start_byte, pair.end_byte,
                                f"Authorization: `Bearer ${{{p.node_text(path, value)}}}`"))
        return out
    return _edit_many(project, _route_edits(project, pick))


@breaking("route-serves-get", TAV001="no-post-handler", TAV002="no-post-handler", TAV003="method-not-served",
          TAV005="method-not-served", TAV105="end-not-served")
def route_serves_get(project: Project, rng: random.Random) -> Project | Rewrite | None:
    """Make the end route answer GET instead of POST (App Router: export `GET`; Pages Router: the
    method check lets only GET through)."""
    def pick(p: Project, path: str) -> list[Edit]:
        out = []
        for ident in of_type(p.root(path), "identifier"):
            if p.node_text(path, ident) == "POST" and any(a.type == "export_statement" for a in ancestors(ident)):
                spec = ident.parent
                if spec is not None and spec.type == "export_specifier" and spec.child_by_field_name("alias") is None:
                    out.append(Edit(ident.start_byte, ident.end_byte, "POST as GET"))
                elif spec is not None and spec.type == "export_specifier":
                    out.append(Edit(ident.start_byte, ident.end_byte, "GET"))
                elif spec is not None and spec.type in ("function_declaration", "variable_declarator"):
                    out.append(Edit(ident.start_byte, ident.end_byte, "GET"))
        for b in of_type(p.root(path), "binary_expression"):
            if "req.method" in p.node_text(path, b):
                out += [Edit(s.start_byte, s.end_byte, "'GET'") for s in of_type(b, "string")
                        if string_value(p, path, s) == "POST"]
        return out
    return _edit_many(project, _route_edits(project, pick, roots_only=True))
