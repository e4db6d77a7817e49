"""TAV002 end-route-terminates: the end route really ends the conversation at Tavus."""

from __future__ import annotations

import re
from typing import Any, Mapping

from sop_check.context import CheckContext
from sop_check.evaluate import Evaluator, Func, Obj, Request, Str, Unknown, Value, describe, env_name, has_hole
from sop_check.index import FUNCTION_TYPES, Module, descendants
from sop_check.model import Evidence, Finding, Location, RuleResult, Status
from sop_check.rule import Example, Rule

from sop_check_rules._routes import expected_route_file, post_handler, routes_at
from sop_check_rules._urls import UrlTemplate, host_of, template_regex

_PKG = '{"dependencies": {"next": "15.0.0"}}'
_GOOD = """import { NextResponse } from 'next/server';
export async function POST(request: Request) {
  const { conversation_id } = await request.json();
  if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });
  const response = await fetch(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, {
    method: 'POST',
    headers: { 'x-api-key': process.env.TAVUS_API_KEY || '', 'Content-Type': 'application/json' },
  });
  return NextResponse.json({ success: response.ok });
}
"""
_STUB = """export async function POST(request: Request) {
  // await fetch(`https://tavusapi.com/v2/conversations/${id}/end`, { method: 'POST' });
  return Response.json({ ok: true });
}
"""
_CONDITION_WORDS = re.compile(r"success|error|valid|parse|missing|typeof|length", re.I)


class EndRouteTerminates(Rule):
    code = "TAV002"
    name = "end-route-terminates"
    summary = "The end route POSTs to Tavus's end endpoint with the key from the environment and answers 400 without an id"
    needles = ("tavus",)
    tags = ("tavus", "sessions", "security")
    docs = """
## What it does
Follows the POST handler of the end route (through wrappers, helpers and
constants in other modules) and checks that it:
1. makes a `POST` request to `https://tavusapi.com/v2/conversations/{id}/end`;
2. sends the `x-api-key` header with a value read from `process.env.TAVUS_API_KEY`;
3. answers `400` when the conversation id is missing.
Comments and strings do not count; a stub, a commented-out call, a `DELETE`
upstream, `Authorization: Bearer`, another host or a hard-coded key fail.

## Why
A route that exists but does not end the conversation leaves the zombie session
running. `DELETE /v2/conversations/{id}` deletes the record; it is not the end
call the SOP asks for. A hard-coded key leaks with the source.

## Example
```ts
const r = await fetch(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, {
  method: 'POST',
  headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' },
});
```

## How to fix
Use the SOP's handler (section 1.A): validate the id (400 when missing), then
POST to the end endpoint with the key from the environment.
"""
    examples = (
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD}, Status.PASS, "the SOP handler"),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _STUB}, Status.FAIL, "a stub"),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace("/end`", "`").replace(
            "method: 'POST'", "method: 'DELETE'")}, Status.FAIL, "DELETE upstream"),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace(
            "'x-api-key': process.env.TAVUS_API_KEY || ''", "Authorization: `Bearer ${process.env.TAVUS_API_KEY}`")},
            Status.FAIL, "Bearer instead of x-api-key"),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace(
            "  if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });\n", "")},
            Status.FAIL, "no 400 branch"),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        url = ctx.options["end-route"]
        index = ctx.app
        routes = routes_at(index, url)
        if not routes:
            return self.failed(f"no route serves {url}, so nothing ends the conversation (see TAV001)", [
                self.finding(f"no end route at {url}", index.location(expected_route_file(index, url)),
                             "create the end route (SOP section 1.A)")])
        route = routes[0]
        if route.kind == "python":
            return self._python(ctx, route.path)
        ev = ctx.evaluator
        handler = post_handler(ev, route)
        if handler.func is None:
            if handler.unresolved:
                return self.unknown("could not find the POST handler", [f"{route.path}: {handler.problem}"])
            return self.failed(f"{route.path}: {handler.problem}", [
                self.finding(handler.problem or "no handler", index.location(route.path), "export POST")])
        return self._judge(ctx, ev, handler.func, route.path)

    # -- TypeScript / JavaScript ---------------------------------------------
    def _judge(self, ctx: CheckContext, ev: Evaluator, handler: Func, route_path: str) -> RuleResult:
        opts = ctx.options
        reach = ev.reach(handler)
        anchor = handler.module.location(handler.node)
        findings: list[Finding] = []
        unresolved = list(reach.unresolved)
        evidence: list[Evidence] = []
        if handler.module.has_errors:
            unresolved.insert(0, f"{handler.module.repo_path} has a syntax error; code there is not evidence")
        end_re = template_regex(opts["end-endpoint"])
        upstream = self._pick_upstream(reach.requests, end_re, opts)
        if upstream is None:
            related = [r for r in reach.requests if _looks_tavus(r, opts)]
            opaque = [r for r in reach.requests if not isinstance(r.url, Str)]
            if related:
                r = related[0]
                findings.append(self.finding(self._wrong_url(r, opts), r.location,
                                             f"POST to {opts['end-endpoint']}"))
            elif opaque:
                unresolved.extend(f"{r.location}: request URL ({_not_a_string(r.url)})" for r in opaque)
            else:
                findings.append(self.finding(
                    f"the POST handler never calls Tavus's end endpoint ({opts['end-endpoint']})", anchor,
                    "call the end endpoint with fetch (SOP section 1.A); a commented-out call does not count"))
        else:
            evidence.append(Evidence(f"end request to {_shown(upstream.url)}", upstream.location))
            self._check_method(upstream, findings, unresolved)
            self._check_key(ev, upstream, opts, findings, unresolved, evidence)
        self._check_400(ev, reach.functions, opts, anchor, findings, unresolved, evidence)
        if findings:
            return self.failed(f"{route_path} does not end the conversation as the SOP requires", findings, evidence)
        if unresolved:
            return self.unknown("could not verify the end route's upstream call", unresolved, evidence=evidence)
        return self.passed("the end route POSTs to Tavus's end endpoint with the key from the environment",
                           evidence)

    def _pick_upstream(self, requests: list[Request], end_re: UrlTemplate, opts: Options) -> Request | None:
        for r in requests:
            if isinstance(r.url, Str) and end_re.match(r.url.text) and host_of(r.url.text) == opts["tavus-host"]:
                return r
        return None

    def _wrong_url(self, r: Request, opts: Options) -> str:
        text = r.url.shown() if isinstance(r.url, Str) else "?"
        host = host_of(r.url.text) if isinstance(r.url, Str) else None
        if host and host != opts["tavus-host"] and not has_hole(host):
            return f"the upstream request goes to {host}, not {opts['tavus-host']}"
        if r.method == "DELETE" or not text.rstrip("/").endswith("/end"):
            return f"{r.method if isinstance(r.method, str) else ''} {text} deletes or reads the conversation; " \
                   "the SOP's end call is POST .../end".strip()
        return f"the upstream request to {text} is not the end endpoint"

    def _check_method(self, r: Request, findings: list[Finding], unresolved: list[str]) -> None:
        if isinstance(r.method, Unknown):
            unresolved.append(f"{r.location}: {r.method.reason}")
        elif r.method != "POST":
            hint = "add method: 'POST' (fetch defaults to GET)"
            findings.append(self.finding(f"the end request uses {r.method}, not POST", r.location, hint))

    def _check_key(self, ev: Evaluator, r: Request, opts: Options, findings: list[Finding], unresolved: list[str],
                   evidence: list[Evidence]) -> None:
        header = opts["api-key-header"].lower()
        options = r.options
        if not isinstance(options, Obj):
            if isinstance(options, Unknown):
                unresolved.append(f"{r.location}: request options ({options.reason})")
            else:
                findings.append(self.finding(f"the end request sends no {opts['api-key-header']} header",
                                             r.location, "add headers: { 'x-api-key': process.env.TAVUS_API_KEY }"))
            return
        headers = ev.get_prop(options, "headers")
        if isinstance(headers, Unknown):
            unresolved.append(f"{r.location}: request headers ({headers.reason})")
            return
        if not isinstance(headers, Obj):
            findings.append(self.finding(f"the end request sends no {opts['api-key-header']} header", r.location,
                                         "add headers: { 'x-api-key': process.env.TAVUS_API_KEY }"))
            return
        keys = {k.lower(): k for k in headers.props}
        if header not in keys:
            if headers.open:
                unresolved.append(f"{r.location}: headers come partly from an unknown spread")
                return
            bearer = "authorization" in keys
            msg = "the end request authenticates with Authorization: Bearer, not x-api-key" if bearer else \
                f"the end request sends no {opts['api-key-header']} header"
            findings.append(self.finding(msg, r.location, "Tavus expects the key in the x-api-key header"))
            return
        value = ev.force(headers.props[keys[header]])
        name = env_name(value)
        if name == opts["api-key-env"]:
            evidence.append(Evidence(f"x-api-key from the environment ({name})", r.location))
        elif name is not None:
            findings.append(self.finding(f"x-api-key comes from {name}, not {opts['api-key-env']}", r.location,
                                         f"read process.env.{opts['api-key-env']}"))
        elif isinstance(value, Str) and value.exact:
            findings.append(self.finding(f"x-api-key is a hard-coded string (<redacted, {len(value.text)} chars>)",
                                         r.location, f"read the key from process.env.{opts['api-key-env']}"))
        else:
            reason = value.reason if isinstance(value, Unknown) else "a value built at run time"
            unresolved.append(f"{r.location}: the x-api-key value ({reason})")

    def _check_400(self, ev: Evaluator, functions: list[Func], opts: Options, anchor: Location,
                   findings: list[Finding], unresolved: list[str], evidence: list[Evidence]) -> None:
        for i, func in enumerate(functions):
            mod = func.module
            for num in descendants(func.node, frozenset({"number"})):
                if mod.text(num) != "400" or mod.in_error(num) or not _is_status(num, mod):
                    continue
                # In a helper (`badRequest()`), the branch is at the call site: the helper counts.
                if i > 0 or _guarded(num, func.node, mod, opts):
                    evidence.append(Evidence("400 answer when the id is missing", mod.location(num)))
                    return
        findings.append(self.finding("the end route never answers 400 when conversation_id is missing", anchor,
                                     "if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, "
                                     "{ status: 400 })"))

    # -- Python (Vercel functions) --------------------------------------------
    def _python(self, ctx: CheckContext, path: str) -> RuleResult:
        from sop_check_rules._python import python_end_checks

        res = python_end_checks(ctx.app, path, ctx.options)
        findings = [self.finding(m, ctx.app.location(path, line), hint) for m, line, hint in res.findings]
        evidence = [Evidence(m, ctx.app.location(path, line)) for m, line in res.evidence]
        if findings:
            return self.failed(f"{path} does not end the conversation as the SOP requires", findings, evidence)
        if res.unresolved:
            return self.unknown("could not verify the end route's upstream call", res.unresolved, evidence=evidence)
        return self.passed("the end route POSTs to Tavus's end endpoint with the key from the environment", evidence)


Options = Mapping[str, Any]


def _not_a_string(url: Value) -> str:
    """Why a request's URL is not a known string (it used to crash on a URL that was another value)."""
    return url.reason if isinstance(url, Unknown) else f"the URL is {describe(url)}, not a string"


def _shown(url: Value) -> str:
    return url.shown() if isinstance(url, Str) else "?"


def _looks_tavus(r: Request, opts: Options) -> bool:
    if not isinstance(r.url, Str):
        return False
    t = r.url.text
    return opts["tavus-host"] in t or "/conversations" in t


def _is_status(num: Any, mod: Module) -> bool:
    """`{ status: 400 }`, `res.status(400)`, `statusCode = 400`, `new Response(x, { status: 400 })`."""
    parent = num.parent
    if parent is None:
        return False
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return key is not None and mod.text(key).strip("'\"") in ("status", "statusCode")
    if parent.type == "arguments" and parent.parent is not None:
        fn = parent.parent.child_by_field_name("function")
        return fn is not None and re.search(r"(status|sendStatus|writeHead|error|json)$", mod.text(fn)) is not None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return left is not None and mod.text(left).endswith("statusCode")
    return False


def _guarded(num: Any, fn_node: Any, mod: Module, opts: Options) -> bool:
    """The 400 is answered in a branch about the id: an `if`/ternary/catch between it and its function."""
    ids = list(opts.get("id-fields", []))
    node = num.parent
    while node is not None and node.id != fn_node.id and node.type not in FUNCTION_TYPES:
        if node.type == "catch_clause":
            return True
        if node.type in ("if_statement", "ternary_expression"):
            cond = node.child_by_field_name("condition")
            text = mod.text(cond) if cond is not None else ""
            if any(re.search(rf"\b{re.escape(i)}\b", text) for i in ids) or _CONDITION_WORDS.search(text):
                return True
        node = node.parent
    # A helper that answers 400 (e.g. `badRequest()`) and is only reached from a guarded call.
    return node is not None and node.id != fn_node.id
