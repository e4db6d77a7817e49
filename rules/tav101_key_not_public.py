"""TAV101 key-not-public: the Tavus key never reaches the browser."""

from __future__ import annotations

from typing import Any, Mapping

from sop_check.context import CheckContext
from sop_check.evaluate import Evaluator, Obj, Request, Str, env_name, starts_with_hole
from sop_check.model import Message, RuleResult, Severity, Status
from sop_check.rule import Example, Rule

from sop_check_rules._security import all_modules, client_modules

PKG = '{"dependencies": {"next": "15.0.0"}}'
SERVER = ("export async function POST() {\n  return fetch('https://tavusapi.com/v2/conversations', "
          "{ method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY! } });\n}\n")


def _public_key(name: str) -> bool:
    """A `NEXT_PUBLIC_` name with TAVUS and then KEY/SECRET/TOKEN in it (string search: linear on any name)."""
    up = name.upper()
    if not up.startswith("NEXT_PUBLIC_") or "\n" in up:
        return False
    rest = up[len("NEXT_PUBLIC_"):]
    start = rest.find("TAVUS")
    return rest.startswith("TAVUS_API") or (start >= 0 and any(w in rest[start + 5:] for w in ("KEY", "SECRET", "TOKEN")))


class KeyNotPublic(Rule):
    code = "TAV101"
    name = "key-not-public"
    summary = "The Tavus API key never reaches the browser"
    severity = Severity.ERROR
    preview = True
    needles = ("tavus",)
    tags = ("tavus", "security")
    shared_options = ("api-key-env", "api-key-header", "tavus-host")
    messages = {
        "public-env": Message("{name} in {file} is inlined into the browser bundle",
                              "drop the NEXT_PUBLIC_ prefix and rotate the key"),
        "public-env-read": Message("{name} is read in code: Next.js inlines it into the browser",
                                   "use {env} on the server only"),
        "key-in-client": Message("{env} is read in client code ({path})",
                                 "move the Tavus call into a route handler or server action"),
        "client-sends-key": Message("client code sends the {header} header ({path}): the key is in the browser",
                                    "call your own route handler instead"),
        "client-calls-tavus": Message("client code calls {target} directly ({path}): the key is in the browser",
                                      "call your own route handler instead"),
    }
    docs = """
## What it does
Fails when the Tavus key can reach the browser: a `NEXT_PUBLIC_`-prefixed Tavus
key in an env file or in code (Next.js inlines `NEXT_PUBLIC_*` values into the
client bundle), `TAVUS_API_KEY` read in client code (a `'use client'` module, or
any module a client module imports for a value, even if server code imports it too: it
ships in the browser bundle; type-only imports and `server-only` modules do not), or a request to `tavusapi.com` made
from client code (which needs the key there). Server code (route handlers,
`'use server'` actions, `pages/api`, server components) is fine. Leaks count
anywhere in the app, tests included.

## Why
Anyone can read a key shipped to the browser and run conversations on your bill.

## Example
```ts
// app/api/tavus/conversation/route.ts (server only)
headers: { 'x-api-key': process.env.TAVUS_API_KEY! }
```

## How to fix
Rename `NEXT_PUBLIC_TAVUS_API_KEY` to `TAVUS_API_KEY`, rotate the exposed key,
and call Tavus only from a route handler or server action.
"""
    examples = (
        Example({"package.json": PKG, "app/api/tavus/conversation/route.ts": SERVER}, Status.PASS, "server only"),
        Example({"package.json": PKG, ".env.local": "NEXT_PUBLIC_TAVUS_API_KEY=abc\n"}, Status.FAIL, "public env",
                kinds=("public-env",)),
        Example({"package.json": PKG, "components/A.tsx": "'use client';\nexport const k = process.env.TAVUS_API_KEY;\n"},
                Status.FAIL, "key read in a client component", kinds=("key-in-client",)),
        Example({"package.json": PKG, "lib/tavus.ts": "export const k = process.env.NEXT_PUBLIC_TAVUS_API_KEY;\n"},
                Status.FAIL, "a public key read anywhere in code", kinds=("public-env-read",)),
        Example({"package.json": PKG, "components/A.tsx": "'use client';\nimport { start } from '../lib/tavus';\n"
                                                          "export const go = () => start();\n",
                 "lib/tavus.ts": "export const start = () => fetch('https://tavusapi.com/v2/conversations', "
                                 "{ method: 'POST' });\n"},
                Status.FAIL, "Tavus called from a module only clients import", kinds=("client-calls-tavus",)),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        index = ctx.app
        verdict = self.verdict()
        for env in index.env_files():
            for e in env.entries:
                if _public_key(e.key):
                    verdict.report("public-env", index.location(env.name, e.line), name=e.key, file=env.name)
        key_env = ctx.options["api-key-env"]
        client = client_modules(index)
        ev = ctx.evaluator
        for mod in all_modules(index, ("tavus",)):
            in_client = mod.path in client
            for node in mod.nodes_of(frozenset({"member_expression", "subscript_expression"})):
                if mod.in_error(node):
                    continue
                text = mod.text(node).replace(" ", "")
                if not text.startswith(("process.env", "import.meta.env")):
                    continue
                name = env_name(ev.eval(node, mod, None))
                if name and _public_key(name):
                    verdict.report("public-env-read", mod.location(node), name=name, env=key_env)
                elif name == key_env and in_client:
                    verdict.report("key-in-client", mod.location(node), env=key_env, path=mod.path)
            if in_client:
                for call in mod.calls:
                    req = ev.as_request(call, mod, None)
                    if req is None:
                        continue
                    problem = _client_request_problem(ev, req, ctx.options)
                    if problem is not None:
                        kind, data = problem
                        verdict.report(kind, req.location, path=mod.path, **data)
        verdict.saw(f"{len(client)} client module(s) checked", index.location("package.json"))
        return verdict.result(passed="the Tavus key stays on the server", failed="the Tavus key can reach the browser",
                              unknown="could not verify where the Tavus key goes")


def _client_request_problem(ev: Evaluator, req: Request,
                            options: Mapping[str, Any]) -> tuple[str, dict[str, object]] | None:
    """Why a request made in the browser means the Tavus key is there too (kind, data), or None."""
    header = options["api-key-header"]
    if isinstance(req.options, Obj):
        headers = ev.get_prop(req.options, "headers")
        if isinstance(headers, Obj) and any(k.lower() == header.lower() for k in headers.props):
            return "client-sends-key", {"header": header}
    if isinstance(req.url, Str):
        text = req.url.text
        if options["tavus-host"] in text:
            return "client-calls-tavus", {"target": options["tavus-host"]}
        if starts_with_hole(text) and "/v2/conversations" in text:
            return "client-calls-tavus", {"target": "the Tavus API (…/v2/conversations)"}
    return None
