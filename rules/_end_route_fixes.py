"""TAV002's fixes (SOP section 1.A): the 400 guard, the key header from the environment, the end call.

What they write comes from the pack, never from config: the key and where it goes are not the
scanned repository's to choose. Each re-derives what it edits from TAV002's own analyses (the
route's POST handler and the requests it reaches), matched on the finding's location.
"""

from __future__ import annotations

from typing import Any

from sop_check.context import CheckContext
from sop_check.evaluate import EnvDefault, Func, Obj, Request, Str, call_args
from sop_check.fixing.edits import CodeFile, ancestors, find_property
from sop_check.fixing.recipe import Draft
from sop_check.jsmodule import FUNCTION_TYPES, descendants, pattern_names
from sop_check.model import Finding

from sop_check_rules._fixes import pack_option, request_at, set_option
from sop_check_rules._routes import RouteFile, post_handler, routes_at
from sop_check_rules._urls import template_regex

_KEY_FROM_ENV = "__KEY_HEADER__: process.env.__KEY_ENV__ || ''"


def _handler(ctx: CheckContext) -> tuple[Func, RouteFile] | None:
    routes = routes_at(ctx.app, ctx.options["end-route"])
    if not routes or routes[0].kind == "python":
        return None
    func = post_handler(ctx.evaluator, routes[0]).func
    return (func, routes[0]) if func is not None else None


def _upstream(ctx: CheckContext, finding: Finding) -> tuple[CodeFile, Request] | None:
    found = _handler(ctx)
    req = request_at(ctx.evaluator.reach(found[0]).requests, finding.location) if found else None
    if req is None or req.kind != "fetch":
        return None
    file = CodeFile(ctx.app, req.module)
    return None if file.broken(req.call) else (file, req)


def _key_code(file: CodeFile, snippet: str, kind: str) -> str:
    header = file.style.quote + str(pack_option("api-key-header")) + file.style.quote
    return file.code(snippet, kind).replace("__KEY_HEADER__", header).replace("__KEY_ENV__",
                                                                            str(pack_option("api-key-env")))


def _headers(file: CodeFile, req: Request) -> Any:
    """The headers object literal written in the request's own options literal, or None."""
    args = call_args(req.call)
    if len(args) < 2 or args[1].type != "object":
        return None
    pair = find_property(file, args[1], "headers")
    value = pair.child_by_field_name("value") if pair is not None and pair.type == "pair" else None
    return value if value is not None and value.type == "object" else None


def add_400(ctx: CheckContext, finding: Finding) -> Draft | None:
    """The SOP's guard right after the handler reads the id: `if (!conversation_id) return ... 400`
    (`if not conversation_id:` in a Python route, rules/_python_fixes.py)."""
    routes = routes_at(ctx.app, ctx.options["end-route"])
    if routes and routes[0].kind == "python":
        from sop_check_rules._python_fixes import add_python_400

        return add_python_400(ctx, routes[0])
    found = _handler(ctx)
    if found is None:
        return None
    func, route = found
    file = CodeFile(ctx.app, func.module)
    ids = set(ctx.options["id-fields"])
    for decl in descendants(func.node, frozenset({"variable_declarator"})):
        name_node = decl.child_by_field_name("name")
        bound = [file.text(n) for n in pattern_names(name_node)] if name_node is not None else []
        ident = next((b for b in bound if b in ids), None)
        owner = next((a for a in ancestors(decl) if a.type in FUNCTION_TYPES), None)
        if ident is None or owner is None or owner.id != func.node.id or decl.parent is None:
            continue
        after = _where_assigned(file, decl, ident, func)
        if after is None or file.broken(after):
            return None
        if route.kind == "app":
            responder = "NextResponse" if "NextResponse" in func.module.imports else "Response"
            guard = f"if (!__ID__) return {responder}.json({{ error: 'Missing ID' }}, {{ status: 400 }});"
        else:
            params = func.node.child_by_field_name("parameters")
            names = [file.text(n) for p in (params.named_children if params else []) for n in pattern_names(p)]
            if len(names) < 2:
                return None
            guard = f"if (!__ID__) return {names[1]}.status(400).json({{ error: 'Missing ID' }});"
        return Draft((file.statement_after(after, file.code(guard).replace("__ID__", ident)),))
    return None


def _where_assigned(file: CodeFile, decl: Any, ident: str, func: Func) -> Any:
    """The statement after which the id holds the request's value: its declaration when that
    initialises it (`const { conversation_id } = await request.json()`), else the statement of its
    own block that holds its last assignment (`let id; try { ({ id } = await request.json()) }
    catch {...}`: after the `try`). A guard right after a bare `let id;` would answer 400 to every
    request: with no assignment found, no fix."""
    if decl.child_by_field_name("value") is not None:
        return decl.parent
    block = decl.parent.parent if decl.parent is not None else None
    last = None
    for assign in descendants(func.node, frozenset({"assignment_expression"})):
        left = assign.child_by_field_name("left")
        names = [file.text(n) for n in pattern_names(left)] if left is not None else []
        if ident in names and (last is None or assign.start_byte > last.start_byte):
            last = assign
    if last is None or block is None:
        return None
    return next((a for a in ancestors(last) if a.parent is not None and a.parent.id == block.id), None)


def _python_route(ctx: CheckContext) -> RouteFile | None:
    """The end route when it is a Python function (its fixes: rules/_python_call_fixes.py)."""
    routes = routes_at(ctx.app, ctx.options["end-route"])
    return routes[0] if routes and routes[0].kind == "python" else None


def use_key_header(ctx: CheckContext, finding: Finding) -> Draft | None:
    """`Authorization: Bearer ...` becomes `'x-api-key': process.env.TAVUS_API_KEY || ''`."""
    python = _python_route(ctx)
    if python is not None:
        from sop_check_rules._python_call_fixes import python_key_header

        return python_key_header(ctx, python, finding)
    found = _upstream(ctx, finding)
    headers = _headers(*found) if found else None
    auth = find_property(found[0], headers, "authorization", ignore_case=True) if found and headers else None
    if found is None or auth is None or auth.type != "pair" or _spells_out_a_key(ctx, found[1]):
        return None
    return Draft((found[0].replace(auth, _key_code(found[0], _KEY_FROM_ENV, "properties")),))


def _spells_out_a_key(ctx: CheckContext, req: Request) -> bool:
    """Is the Authorization value a literal (`'Bearer sk_...'`)? The fix would print the key as the
    removed line of its diff (only a hard-coded-key fix's text is masked): no fix then."""
    ev = ctx.evaluator
    headers = ev.get_prop(req.options, "headers") if isinstance(req.options, Obj) else None
    if not isinstance(headers, Obj):
        return True  # not the headers the rule read: nothing to tell what the value holds
    key = next((k for k in headers.props if k.lower() == "authorization"), None)
    if key is None:
        return True
    value = ev.force(headers.props[key])
    return isinstance(value, Str) and value.exact and not isinstance(value, EnvDefault)


def key_from_env(ctx: CheckContext, finding: Finding) -> Draft | None:
    """The key header's value written in the call (a literal, or another variable) read from the
    environment variable the SOP names."""
    python = _python_route(ctx)
    if python is not None:
        from sop_check_rules._python_call_fixes import python_key_from_env

        return python_key_from_env(ctx, python, finding)
    found = _upstream(ctx, finding)
    headers = _headers(*found) if found else None
    pair = find_property(found[0], headers, str(pack_option("api-key-header")), ignore_case=True) \
        if found and headers else None
    value = pair.child_by_field_name("value") if pair is not None and pair.type == "pair" else None
    if found is None or value is None:
        return None
    if finding.kind == "hardcoded-key" and value.type not in ("string", "template_string"):
        return None  # the literal lives elsewhere (a constant): replacing the name would hide it, not remove it
    return Draft((found[0].replace(value, _key_code(found[0], "process.env.__KEY_ENV__ || ''", "expression")),))


def end_call(ctx: CheckContext, finding: Finding) -> Draft | None:
    """`DELETE /v2/conversations/{id}` (or a GET of the end URL) becomes `POST .../{id}/end`."""
    python = _python_route(ctx)
    if python is not None:
        from sop_check_rules._python_call_fixes import python_end_call

        return python_end_call(ctx, python, finding)
    found = _upstream(ctx, finding)
    if found is None:
        return None
    file, req = found
    edits = list(set_option(file, req.call, "method", "'POST'",
                            keep=lambda old: old.strip("'\"`").upper() == "POST") or ())
    endpoint = str(pack_option("end-endpoint"))
    url = req.url.text if isinstance(req.url, Str) else ""
    if not template_regex(endpoint).match(url):
        literal = call_args(req.call)[0]
        base, tail = endpoint.rsplit("/", 1)
        if literal.type not in ("string", "template_string") or "?" in url or "#" in url or \
                not template_regex(base).match(url.rstrip("/")):
            return None  # not `.../conversations/{id}` written in the call: nothing to append to
        edits.append(file.insert(literal.children[-1].start_byte, ("" if url.endswith("/") else "/") + tail))
    return Draft(tuple(edits)) if edits else None
