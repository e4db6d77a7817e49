"""TAV104 conversation-timeouts: conversations are created with limits that make Tavus end them."""

from __future__ import annotations

from typing import Any

from sop_check.context import CheckContext
from sop_check.evaluate import (Evaluator, Obj, Request, Str, Thunk, Unknown, UnknownKind, Value, VarBinding, call_args,
                                starts_with_hole)
from sop_check.index import Module
from sop_check.model import Message, RuleResult, Severity, Status
from sop_check.options import Option, OptionType
from sop_check.rule import Example, Rule, unresolved

PKG = '{"dependencies": {"next": "15.0.0"}}'
ROUTE = """export async function POST() {
  const r = await fetch('https://tavusapi.com/v2/conversations', {
    method: 'POST',
    headers: { 'x-api-key': process.env.TAVUS_API_KEY! },
    body: JSON.stringify({ persona_id: process.env.TAVUS_PERSONA_ID, properties: PROPS }),
  });
  return Response.json(await r.json());
}
"""


class ConversationTimeouts(Rule):
    code = "TAV104"
    name = "conversation-timeouts"
    summary = "Conversations are created with max_call_duration and a participant timeout"
    severity = Severity.WARNING
    preview = True
    needles = ("tavus",)
    tags = ("tavus", "sessions")
    shared_options = ("create-endpoint",)
    options = (
        Option("required-properties", OptionType.STRING_LIST,
               "Conversation properties every create request must set."),
        Option("any-of-properties", OptionType.STRING_LIST,
               "Conversation properties of which the create request must set at least one."),
    )
    messages = {
        "missing-limits": Message("the conversation is created without {missing}",
                                  "set them under properties in the create request"),
    }
    docs = """
## What it does
Finds every request that creates a conversation (`POST
https://tavusapi.com/v2/conversations`) and checks that its JSON body sets
`properties.max_call_duration` and one of `properties.participant_left_timeout`
or `properties.participant_absent_timeout` (pack options). Values in a variable
or spread from a shared defaults object count. Without a create request the
rule is skipped.

## Why
The browser cannot always say goodbye (a crash, a lost network, a killed
mobile tab). These properties make Tavus end the conversation on its own: per
the Tavus API reference ("Call Duration and Timeout"), `max_call_duration` caps
the call length in seconds, `participant_left_timeout` ends it that many
seconds after the last participant leaves, and `participant_absent_timeout`
ends it when nobody joins.

## Example
```ts
body: JSON.stringify({
  persona_id,
  properties: { max_call_duration: 900, participant_left_timeout: 30, participant_absent_timeout: 120 },
}),
```

## How to fix
Add the properties to the create-conversation body.
"""
    examples = (
        Example({"package.json": PKG, "app/api/tavus/conversation/route.ts": "const PROPS = { max_call_duration: 600, "
                 "participant_left_timeout: 30 };\n" + ROUTE}, Status.PASS, "properties in a constant"),
        Example({"package.json": PKG, "app/api/tavus/conversation/route.ts": "const BASE = { max_call_duration: 600 };\n"
                 "const PROPS = { ...BASE, participant_absent_timeout: 60 };\n" + ROUTE}, Status.PASS, "spread defaults"),
        Example({"package.json": PKG, "app/api/tavus/conversation/route.ts": "const PROPS = { max_call_duration: 600 };\n"
                 + ROUTE}, Status.FAIL, "no participant timeout", kinds=("missing-limits",)),
        Example({"package.json": PKG, "app/api/tavus/conversation/route.ts": "const PROPS = {};\n" + ROUTE},
                Status.FAIL, "no limits", kinds=("missing-limits",)),
        Example({"package.json": PKG, "app/api/tavus/conversation/route.ts": ROUTE.replace(
            "    body: JSON.stringify({ persona_id: process.env.TAVUS_PERSONA_ID, properties: PROPS }),\n", "")},
                Status.FAIL, "no body at all: a fail, not an unknown nothing could flip", kinds=("missing-limits",)),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        index = ctx.app
        ev = ctx.evaluator
        create = ctx.options["create-endpoint"].rstrip("/")
        required = list(ctx.options["required-properties"])
        any_of = list(ctx.options["any-of-properties"])
        verdict = self.verdict()
        seen = 0
        for mod in index.evidence_modules(("tavus",)):
            for call in mod.calls:
                req = ev.as_request(call, mod, None)
                if req is None or not _creates(req.url, create) or req.method != "POST":
                    continue
                seen += 1
                body = _body(ev, req, call, mod)
                if isinstance(body, Unknown) and body.kind is UnknownKind.MISSING:
                    # No body at all: nothing sets the limits, and no unresolved value could (not an unknown).
                    verdict.report("missing-limits", req.location, missing=", ".join(
                        required + ([" or ".join(any_of)] if any_of else [])))
                    continue
                if not isinstance(body, Obj):
                    verdict.could_not_resolve(unresolved(
                        f"{req.location}: the request body ({getattr(body, 'reason', 'not an object')})", req.location,
                        body, "unmodelled"))
                    continue
                props = ev.get_prop(body, "properties")
                keys = set(props.props) if isinstance(props, Obj) else set()
                if isinstance(props, Unknown) or (isinstance(props, Obj) and props.open):
                    verdict.could_not_resolve(unresolved(f"{req.location}: conversation properties built at run time",
                                                         req.location, props, "open-object"))
                    continue
                missing = [k for k in required if k not in keys]
                if any_of and not keys & set(any_of):
                    missing.append(" or ".join(any_of))
                if missing:
                    verdict.report("missing-limits", req.location, missing=", ".join(missing))
                else:
                    verdict.saw("conversation created with Tavus-side limits", req.location)
        if not seen:
            return self.skipped("no request creates a Tavus conversation in this app")
        return verdict.result(passed="every created conversation has Tavus-side limits",
                              failed="a conversation can outlive its user",
                              unknown="could not read the create-conversation body")


def _body(ev: Evaluator, req: Request, call: Any, mod: Module) -> Value:
    """The object sent as JSON: fetch's `body: JSON.stringify(x)` (x followed through variables) or axios data."""
    if req.kind == "axios":
        args = call_args(call)
        return ev.eval(args[1], mod, req.scope) if len(args) > 1 else Unknown(UnknownKind.MISSING, "no request data")
    if isinstance(req.options, Unknown):
        return req.options
    if not isinstance(req.options, Obj) or ("body" not in req.options.props and req.options.open):
        return Unknown(UnknownKind.OPEN_OBJECT, "request options built at run time")
    if "body" not in req.options.props:
        return Unknown(UnknownKind.MISSING, "no body")
    thunk: Thunk = req.options.props["body"]
    node, scope, where = thunk.node, thunk.scope, thunk.module
    for _ in range(10):
        if node is None:
            return Unknown(UnknownKind.RUNTIME_VALUE, "a body built at run time")
        if node.type in ("identifier", "shorthand_property_identifier"):
            decl = ev.find_decl(where.text(node), node, where)
            if not isinstance(decl, VarBinding) or decl.node.child_by_field_name("value") is None:
                return Unknown(UnknownKind.RUNTIME_VALUE, "a body built at run time")
            node = decl.node.child_by_field_name("value")
            continue
        if node.type == "call_expression" and where.text(node.child_by_field_name("function")).endswith("stringify"):
            args = call_args(node)
            return ev.eval(args[0], where, scope) if args else Unknown(UnknownKind.MISSING, "empty JSON.stringify")
        return ev.eval(node, where, scope)
    return Unknown(UnknownKind.INDIRECT, "a body built too indirectly")


def _creates(url: Any, create: str) -> bool:
    """The create-conversation endpoint, also behind a base URL read at run time (`${base}/v2/conversations`)."""
    if not isinstance(url, Str):
        return False
    text = url.text.split("?")[0].rstrip("/")
    if text == create:
        return True
    path = "/" + create.split("://", 1)[-1].split("/", 1)[-1]
    return starts_with_hole(text) and text.endswith(path)
