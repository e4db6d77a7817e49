"""TAV001 end-route: a POST handler is served at the end route."""

from __future__ import annotations

import re
from pathlib import Path

from sop_check.context import CheckContext
from sop_check.fixes import Applicability, Edit
from sop_check.fixing.recipe import Draft, FixRecipe
from sop_check.fixing.style import Style, restyle, style_of
from sop_check.index import AppIndex
from sop_check.model import Evidence, Finding, Message, RuleResult, Status
from sop_check.rule import Example, Rule, unresolved

from sop_check.routes import route_table
from sop_check_rules._fixes import pack_option
from sop_check_rules._routes import conflicts_at, expected_route_file, post_handler, routes_at

TEMPLATES = Path(__file__).with_name("templates")


def create_end_route(ctx: CheckContext, finding: Finding) -> Draft | None:
    """The SOP's end route (section 1.A) where this app's layout puts it: App Router `route.ts`/`.js`
    or Pages Router `end.ts`/`.js`, in the app's own style. Shared by every finding that a missing
    route causes (TAV001, TAV002 and TAV003's route-not-served: one file, so their fixes are one
    edit). Never over an existing file (the engine refuses that too)."""
    index = ctx.app
    url = ctx.options["end-route"]
    where = expected_route_file(index, url)
    if any(not p or p.startswith(".") for p in where.split("/")) or index.has_file(where):
        return None
    table = route_table(index)
    if any(r.url == url.rstrip("/") and not r.routed for r in table.files):
        return None  # the app has its own route where Next.js does not serve it: moving it is the fix, by hand
    router = "pages" if table.pages_dir and where.startswith(table.pages_dir + "/") else "app"
    language = "ts" if where.endswith((".ts", ".mts", ".tsx")) else "js"
    template = (TEMPLATES / f"end-route.{router}.{language}").read_text(encoding="utf-8")
    style = _app_style(index)
    text = restyle(template, style, "file", where)
    endpoint = re.sub(r"\{[^{}]*\}", "${conversation_id}", str(pack_option("end-endpoint")))
    text = (text.replace("__END_URL__", f"`{endpoint}`")
            .replace("__KEY_HEADER__", style.quote + str(pack_option("api-key-header")) + style.quote)
            .replace("__KEY_ENV__", str(pack_option("api-key-env"))))
    return Draft((Edit(index.repo_path(where), 0, 0, text),), title=f"create {where}, the SOP's end route")


def _app_style(index: AppIndex) -> Style:
    """The style of the app's own code (a created file follows it): its Tavus code, or any module.
    Read once per app: TAV001, TAV002 and TAV003 offer the same file (a walk of a whole module)."""
    if "app-style" not in index.memo:
        mod = next(iter(index.evidence_modules(("tavus",))), None)
        index.memo["app-style"] = style_of(mod.source, mod.tree) if mod is not None else Style()
    style: Style = index.memo["app-style"]
    return style

_PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
_ROUTE = """import { NextResponse } from 'next/server';
export async function POST(request: Request) {
  const { conversation_id } = await request.json();
  if (!conversation_id) return NextResponse.json({ error: 'Missing ID' }, { status: 400 });
  const r = await fetch(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, {
    method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY || '' } });
  return NextResponse.json({ success: r.ok });
}
"""


class EndRoute(Rule):
    code = "TAV001"
    name = "end-route"
    summary = "A POST handler is served at /api/tavus/end"
    needles = ("tavus",)
    tags = ("tavus", "sessions")
    shared_options = ("end-route",)
    messages = {
        "missing-route": Message("no route file serves POST {url}",
                                 "create {path} exporting POST (SOP section 1.A)"),
        "route-not-routed": Message("{path} would serve {url} but is not served ({reason}): {detail}",
                                    "move it to {expected}"),
        "route-conflict": Message("{path}: {detail}",
                                  "keep one definition of the route (App Router or Pages Router)"),
        "no-post-handler": Message("{path} does not answer POST: {detail}",
                                   "export an async function POST(request) from the route file (a default-export "
                                   "handler in pages/api, do_POST in a Python function)"),
    }
    fixes = {
        "missing-route": FixRecipe(Applicability.SAFE, "create the end route the SOP gives (POST, 400 without "
                                   "conversation_id, x-api-key from the environment)", create_end_route),
    }
    docs = """
## What it does
Looks for the route that ends a Tavus conversation: App Router
`app/**/api/tavus/end/route.{ts,js,mts,mjs}` (also under `src/`, route groups
`(x)` ignored, `_private` folders not routable) exporting `POST` (a function, a
const arrow, a wrapped handler, `export { handler as POST }` or a re-export);
Pages Router `pages/api/tavus/end.{ts,js}` or `.../end/index.{ts,js}` with a
default-export handler; or a Vercel Python function `api/tavus/end.py`.

## Why
Without a server route the browser has nothing to call when the user leaves,
and Tavus keeps the conversation (and its billing) running: a zombie session.

## Example
```ts
// app/api/tavus/end/route.ts
export async function POST(request: Request) { /* end the conversation at Tavus */ }
```

## How to fix
Create `app/api/tavus/end/route.ts` exporting `POST`, as in SOP section 1.A.
The path is the pack option `end-route`.
"""
    examples = (
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts": _ROUTE}, Status.PASS, "the SOP route"),
        Example({"package.json": _PKG, "src/app/(api)/api/tavus/end/route.ts": _ROUTE}, Status.PASS,
                "route group under src/"),
        Example({"package.json": _PKG, "app/api/tavus/end/route.ts":
                 "export const GET = async () => Response.json({ tavus: true });\n"}, Status.FAIL, "only GET",
                kinds=("no-post-handler",)),
        Example({"package.json": _PKG, "app/_lib/api/tavus/end/route.ts": _ROUTE}, Status.FAIL,
                "a private folder is not routable", kinds=("missing-route",)),
        Example({"package.json": _PKG, "lib/tavus.ts": "export const key = process.env.TAVUS_API_KEY;\n"}, Status.FAIL,
                "no route",
                kinds=("missing-route",)),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        url = ctx.options["end-route"]
        index = ctx.app
        conflicts = conflicts_at(index, url)
        if conflicts:
            # Both routers (or a page and a route) define the URL: `next build` refuses the app.
            return self.failed(
                f"{url} is defined twice, so `next build` fails",
                [self.report("route-conflict", index.location(r.path), path=r.path, detail=r.detail)
                 for r in conflicts],
            )
        routes = routes_at(index, url)
        config = route_table(index).config
        if routes and config.routing_unresolved:
            return self.unknown(f"could not verify that {url} is served", config.routing_unresolved)
        if not routes:
            where = expected_route_file(index, url)
            # A route file Next.js ignores (shadowed src/app/, private folder, pageExtensions) is the
            # usual cause: name it, at its own location.
            unserved = [r for r in route_table(index).files if r.url == url.rstrip("/") and not r.routed]
            return self.failed(
                f"no route serves {url}",
                [self.report("route-not-routed", index.location(r.path), path=r.path, url=url, reason=r.reason,
                             detail=r.detail, expected=where) for r in unserved]
                or [self.report("missing-route", index.location(where), url=url, path=where)],
            )
        ev = ctx.evaluator
        verdict = self.verdict()
        for route in routes:
            if route.kind == "python":
                from sop_check_rules._python import python_serves_post

                ok, message, line = python_serves_post(index, route.path, url)
                loc = index.location(route.path, line or 1)
                if ok:
                    return self.passed(f"POST {url} is served by {route.path}", [Evidence(message, loc)])
                if ok is None:
                    verdict.could_not_resolve(unresolved(f"{route.path}: {message}", loc, kind="unmodelled"))
                else:
                    verdict.report("no-post-handler", loc, path=route.path, detail=message)
                continue
            handler = post_handler(ev, route)
            if handler.func is not None:
                loc = handler.func.module.location(handler.func.node)
                return self.passed(f"POST {url} is served by {route.path}",
                                   [Evidence(f"POST handler at {loc}", loc)])
            if handler.unresolved:
                verdict.could_not_resolve(unresolved(f"{route.path}: {handler.problem}", index.location(route.path),
                                                     kind=handler.kind))
            else:
                verdict.report("no-post-handler", index.location(route.path), path=route.path,
                               detail=handler.problem or "")
        return verdict.result(passed=f"{url} is served", failed=f"{url} has a route file but no POST handler",
                              unknown=f"could not verify that {url} serves POST")
