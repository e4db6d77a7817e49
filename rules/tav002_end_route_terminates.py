"""TAV002 end-route-terminates: the end route really ends the conversation at Tavus."""

from __future__ import annotations

from typing import Any, Mapping

from sop_check.context import CheckContext
from sop_check.fixes import Applicability
from sop_check.fixing.recipe import FixRecipe
from sop_check.evaluate import Evaluator, Func, Obj, Request, Str, Unknown, Value, describe, env_name
from sop_check.model import Location, Message, RuleResult, Status
from sop_check.rule import Example, Rule, Verdict, unresolved

from sop_check_rules._end_route_fixes import add_400, end_call, key_from_env, use_key_header
from sop_check_rules._missing_id import find_missing_id_400
from sop_check_rules._routes import expected_route_file, post_handler, routes_at
from sop_check_rules.tav001_end_route import create_end_route
from sop_check_rules._urls import UrlTemplate, host_of, template_regex, wrong_upstream

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


class EndRouteTerminates(Rule):
    code = "TAV002"
    name = "end-route-terminates"
    summary = "The end route POSTs to Tavus's end endpoint with the key from the environment and answers 400 without an id"
    needles = ("tavus",)
    tags = ("tavus", "sessions", "security")
    shared_options = ("end-route", "tavus-host", "end-endpoint", "api-key-env", "api-key-header", "id-fields")
    messages = {
        "missing-route": Message("no end route at {url}", "create the end route (SOP section 1.A)"),
        "no-post-handler": Message("{path} does not answer POST: {detail}",
                                   "export the POST handler (SOP section 1.A)"),
        "never-calls-end": Message("the POST handler never calls Tavus's end endpoint ({endpoint})",
                                   "call the end endpoint (SOP section 1.A); a commented-out call does not count"),
        "wrong-host": Message("the upstream request goes to {host}, not {tavus_host}", "POST to {endpoint}"),
        "wrong-endpoint": Message("the upstream request {request} is not Tavus's end call (POST {endpoint})",
                                  "POST to {endpoint}: DELETE removes the conversation's record, it does not end it"),
        "wrong-method": Message("the end request uses {method}, not POST",
                                "send it with method POST (fetch defaults to GET)"),
        "no-api-key": Message("the end request sends no {header} header",
                              "send the key in the {header} header, read from the environment ({env})"),
        "bearer-auth": Message("the end request authenticates with Authorization: Bearer, not {header}",
                               "Tavus expects the key in the {header} header, read from the environment ({env})"),
        "key-wrong-env": Message("{header} comes from {name}, not {env}", "read the key from the environment ({env})"),
        "hardcoded-key": Message("{header} is a hard-coded string (<redacted, {length} chars>)",
                                 "read the key from the environment ({env}) and rotate the written one"),
        "no-400": Message("the end route never answers 400 when conversation_id is missing",
                          "check the id before calling Tavus: if (!conversation_id) return "
                          "NextResponse.json({{ error: 'Missing ID' }}, {{ status: 400 }})"),
    }
    fixes = {
        "missing-route": FixRecipe(Applicability.SAFE, "create the end route the SOP gives", create_end_route),
        "no-400": FixRecipe(Applicability.SAFE, "answer 400 when conversation_id is missing, before calling Tavus",
                            add_400),
        "bearer-auth": FixRecipe(Applicability.UNSAFE, "send the key as x-api-key from process.env.TAVUS_API_KEY "
                                 "instead of Authorization: Bearer", use_key_header),
        "hardcoded-key": FixRecipe(Applicability.UNSAFE, "read the key from process.env.TAVUS_API_KEY instead of "
                                   "the literal (rotate the written key)", key_from_env, secret=True),
        "key-wrong-env": FixRecipe(Applicability.UNSAFE, "read the key from process.env.TAVUS_API_KEY",
                                   key_from_env),
        "wrong-endpoint": FixRecipe(Applicability.UNSAFE, "POST to the end endpoint (.../conversations/{id}/end)",
                                    end_call),
        "wrong-method": FixRecipe(Applicability.UNSAFE, "send the end request with method POST", end_call),
    }
    docs = """
## What it does
Follows the POST handler of the end route (through wrappers, helpers and
constants in other modules) and checks that it:
1. makes a `POST` request to `https://tavusapi.com/v2/conversations/{id}/end`;
2. sends the `x-api-key` header with a value read from `process.env.TAVUS_API_KEY`;
3. answers `400` when the conversation id is missing: the 400 is reached *because* of it
   (`if (!id)`, `typeof id !== 'string'`, `id == null`, a failed `safeParse` of a schema
   that requires the id, a `throw` on such a test caught into a 400); a 400 only for a body
   that is not JSON, for a failed Tavus call or for any error does not count, and a check by
   the project's own validator of the whole body is `unknown`.
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

`--fix` adds the 400 guard; `--unsafe-fixes` also moves the key to `x-api-key` from
the environment and turns the upstream call into the end call. In a Python route
(`api/tavus/end.py`) the same fixes write Python: `if not conversation_id:` with the
framework's 400, `"x-api-key": <the Bearer expression>`, `os.environ["TAVUS_API_KEY"]`,
`requests.post(".../conversations/{id}/end")`.
"""
    examples = (
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD}, Status.PASS, "the SOP handler"),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _STUB}, Status.FAIL, "a stub",
                kinds=("never-calls-end", "no-400")),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace("/end`", "`").replace(
            "method: 'POST'", "method: 'DELETE'")}, Status.FAIL, "DELETE upstream",
            kinds=("wrong-endpoint",)),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace(
            "'x-api-key': process.env.TAVUS_API_KEY || ''", "Authorization: `Bearer ${process.env.TAVUS_API_KEY}`")},
            Status.FAIL, "Bearer instead of x-api-key", kinds=("bearer-auth",)),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace(
            "  if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });\n", "")},
            Status.FAIL, "no 400 branch", kinds=("no-400",)),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace(
            "  if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });\n",
            "").replace("  return NextResponse.json({ success: response.ok });",
            "  if (!response.ok) return NextResponse.json({ failed: true }, { status: 400 });\n"
            "  return NextResponse.json({ success: true });")},
            Status.FAIL, "a 400 only when Tavus fails, not for a missing id", kinds=("no-400",)),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace(
            "'x-api-key': process.env.TAVUS_API_KEY || '', ", "")}, Status.FAIL, "no key header",
            kinds=("no-api-key",)),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _GOOD.replace(
            "process.env.TAVUS_API_KEY", "process.env.OPENAI_API_KEY")}, Status.FAIL, "the key of another service",
            kinds=("key-wrong-env",)),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        url = ctx.options["end-route"]
        index = ctx.app
        routes = routes_at(index, url)
        if not routes:
            return self.failed(f"no route serves {url}, so nothing ends the conversation (see TAV001)", [
                self.report("missing-route", index.location(expected_route_file(index, url)), url=url)])
        route = routes[0]
        verdict = self.verdict()
        if route.kind == "python":
            self._python(ctx, route.path, verdict)
        else:
            ev = ctx.evaluator
            handler = post_handler(ev, route)
            if handler.func is None:
                if handler.unresolved:
                    return self.unknown("could not find the POST handler", [unresolved(
                        f"{route.path}: {handler.problem}", index.location(route.path), kind=handler.kind)])
                return self.failed(f"{route.path} does not answer POST", [
                    self.report("no-post-handler", index.location(route.path), path=route.path,
                                detail=handler.problem or "")])
            self._judge(ctx, ev, handler.func, verdict)
        return verdict.result(
            passed="the end route POSTs to Tavus's end endpoint with the key from the environment",
            failed=f"{route.path} does not end the conversation as the SOP requires",
            unknown="could not verify the end route's upstream call")

    # -- TypeScript / JavaScript ---------------------------------------------
    def _judge(self, ctx: CheckContext, ev: Evaluator, handler: Func, verdict: Verdict) -> None:
        opts = ctx.options
        reach = ev.reach(handler)
        anchor = handler.module.location(handler.node)
        if handler.module.has_errors:
            verdict.could_not_resolve(unresolved(f"{handler.module.repo_path} has a syntax error; code there is not "
                                                 "evidence", anchor, kind="syntax-error"))
        verdict.could_not_resolve(*reach.unresolved)
        upstream = self._pick_upstream(reach.requests, template_regex(opts["end-endpoint"]), opts)
        if upstream is None:
            related = [r for r in reach.requests if _looks_tavus(r, opts)]
            opaque = [r for r in reach.requests if not isinstance(r.url, Str)]
            if related:
                r = related[0]
                method = r.method if isinstance(r.method, str) else ""
                kind, data = wrong_upstream(r.url.text if isinstance(r.url, Str) else "", method, opts)
                verdict.report(kind, r.location, **data)
            elif opaque:
                verdict.could_not_resolve(*(unresolved(f"{r.location}: request URL ({_not_a_string(r.url)})", r.location,
                                                       r.url) for r in opaque))
            else:
                verdict.report("never-calls-end", anchor, endpoint=opts["end-endpoint"])
        else:
            verdict.saw(f"end request to {_shown(upstream.url)}", upstream.location)
            self._check_method(upstream, verdict)
            self._check_key(ev, upstream, opts, verdict)
        self._check_400(ev, reach.functions, opts, anchor, verdict)

    def _pick_upstream(self, requests: list[Request], end_re: UrlTemplate,
                       opts: Mapping[str, Any]) -> Request | None:
        for r in requests:
            if isinstance(r.url, Str) and end_re.match(r.url.text) and host_of(r.url.text) == opts["tavus-host"]:
                return r
        return None

    def _check_method(self, r: Request, verdict: Verdict) -> None:
        if isinstance(r.method, Unknown):
            verdict.could_not_resolve(unresolved(f"{r.location}: {r.method.reason}", r.location, r.method))
        elif r.method != "POST":
            verdict.report("wrong-method", r.location, method=r.method)

    def _check_key(self, ev: Evaluator, r: Request, opts: Mapping[str, Any], verdict: Verdict) -> None:
        header = opts["api-key-header"]
        key = {"header": header, "env": opts["api-key-env"]}
        options = r.options
        if not isinstance(options, Obj):
            if isinstance(options, Unknown):
                verdict.could_not_resolve(unresolved(f"{r.location}: request options ({options.reason})", r.location,
                                                     options))
            else:
                verdict.report("no-api-key", r.location, **key)
            return
        headers = ev.get_prop(options, "headers")
        if isinstance(headers, Unknown):
            verdict.could_not_resolve(unresolved(f"{r.location}: request headers ({headers.reason})", r.location,
                                                 headers))
            return
        if not isinstance(headers, Obj):
            verdict.report("no-api-key", r.location, **key)
            return
        keys = {k.lower(): k for k in headers.props}
        if header.lower() not in keys:
            if headers.open:
                verdict.could_not_resolve(unresolved(f"{r.location}: headers come partly from an unknown spread",
                                                     r.location, kind="open-object"))
            else:
                verdict.report("bearer-auth" if "authorization" in keys else "no-api-key", r.location, **key)
            return
        value = ev.force(headers.props[keys[header.lower()]])
        name = env_name(value)
        if name == opts["api-key-env"]:
            verdict.saw(f"{header} from the environment ({name})", r.location)
        elif name is not None:
            verdict.report("key-wrong-env", r.location, name=name, **key)
        elif isinstance(value, Str) and value.exact:
            verdict.report("hardcoded-key", r.location, length=len(value.text), **key)
        else:
            reason = value.reason if isinstance(value, Unknown) else "a value built at run time"
            verdict.could_not_resolve(unresolved(f"{r.location}: the {header} value ({reason})", r.location, value))

    def _check_400(self, ev: Evaluator, functions: list[Func], opts: Mapping[str, Any], anchor: Location,
                   verdict: Verdict) -> None:
        # The 400 must be reached because the id is missing, not on any failure (rules/_missing_id.py).
        found = find_missing_id_400(ev, functions, list(opts.get("id-fields", [])))
        if found.where is not None:
            mod, num = found.where
            verdict.saw("400 answer when the id is missing", mod.location(num))
        elif found.unresolved:
            verdict.could_not_resolve(*found.unresolved)
        else:
            verdict.report("no-400", anchor)

    # -- Python (Vercel functions) --------------------------------------------
    def _python(self, ctx: CheckContext, path: str, verdict: Verdict) -> None:
        from sop_check_rules._python import python_end_checks

        res = python_end_checks(ctx.app, path, ctx.options)
        for kind, line, data in res.findings:
            verdict.report(kind, ctx.app.location(path, line), **data)
        for message, line in res.evidence:
            verdict.saw(message, ctx.app.location(path, line))
        verdict.could_not_resolve(*res.unresolved)


def _not_a_string(url: Value) -> str:
    """Why a request's URL is not a known string (it used to crash on a URL that was another value)."""
    return url.reason if isinstance(url, Unknown) else f"the URL is {describe(url)}, not a string"


def _shown(url: Value) -> str:
    return url.shown() if isinstance(url, Str) else "?"


def _looks_tavus(r: Request, opts: Mapping[str, Any]) -> bool:
    if not isinstance(r.url, Str):
        return False
    t = r.url.text
    return opts["tavus-host"] in t or "/conversations" in t


