"""TAV104 conversation-timeouts: conversations are created with limits that make Tavus end them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sop_check.context import CheckContext
from sop_check.evaluate import (CallHop, EnvRef, Evaluator, Func, ImportedBinding, InContext, Null, Obj, ParamBinding, Request,
                                Str, Thunk, Unknown, UnknownKind, Value, VarBinding, call_args, chosen_branch, has_hole,
                                hole_parts, in_callers, starts_with_hole)
from sop_check.evaluate.expressions import text_part
from sop_check.fixes import Applicability
from sop_check.fixing.edits import CodeFile, find_property
from sop_check.fixing.recipe import Draft, FixRecipe
from sop_check.jsmodule import Module, descendants
from sop_check.model import Finding, Location, Message, RuleResult, Severity, Status
from sop_check.options import Option, OptionType
from sop_check.rule import Example, Rule, Verdict, unresolved

from sop_check_rules._fixes import fix_data, same_place, stringified_literal
from sop_check_rules._urls import host_of

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

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


def _add_limits(ctx: CheckContext, finding: Finding) -> Draft | None:
    """The missing limits, with the pack's values (`[fixes] conversation-properties`), written into the
    create body's `properties` literal (added to the body when it has none). Unsafe: conversations
    now end on their own after these limits."""
    ev = ctx.evaluator
    defaults = dict(fix_data().get("conversation-properties", {}))
    for mod in ctx.app.evidence_modules(("tavus",)):
        for call in mod.calls:
            req = ev.as_request(call, mod, None)
            if req is None or req.kind != "fetch" or not same_place(req.location, finding.location):
                continue
            body = _body(ev, req)
            file = CodeFile(ctx.app, mod)
            literal = stringified_literal(file, call)
            if not isinstance(body, Obj) or literal is None or file.broken(call):
                return None
            props = ev.get_prop(body, "properties")
            have = set(props.props) if isinstance(props, Obj) else set()
            wanted = [k for k in ctx.options["required-properties"] if k not in have]
            any_of = list(ctx.options["any-of-properties"])
            if any_of and not have & set(any_of):
                wanted += [next((k for k in any_of if k in defaults), any_of[0])]
            if not wanted or any(k not in defaults or not isinstance(defaults[k], int) for k in wanted):
                return None
            members = ", ".join(f"{k}: {defaults[k]}" for k in wanted)
            pair = find_property(file, literal, "properties")
            target = pair.child_by_field_name("value") if pair is not None and pair.type == "pair" else None
            if pair is None:
                return Draft(file.add_property(literal, f"properties: {{ {members} }}"))
            if target is None or target.type != "object":
                return None  # properties from a variable: its definition is what to change
            return Draft(file.add_property(target, members))
    return None


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
    fixes = {
        "missing-limits": FixRecipe(Applicability.UNSAFE, "add the missing limits to the create request's "
                                    "properties (max_call_duration 600 s, participant_left_timeout 30 s)",
                                    _add_limits),
    }
    docs = """
## What it does
Finds every request that creates a conversation (`POST
https://tavusapi.com/v2/conversations`) and checks that its JSON body sets
`properties.max_call_duration` and one of `properties.participant_left_timeout`
or `properties.participant_absent_timeout` (pack options). Values in a variable
or spread from a shared defaults object count. Without a create request the
rule is skipped.

Requests made through the app's own API client are read at each place that
calls it: a helper `tavusFetch(key, path, init)` building `${BASE}${path}`, a
class (`new TavusClient(key)` whose methods call `this.request('/v2/conversations', …)`),
a factory returning an object of methods (`createTavusClient(key).createConversation(input)`).
A request to `tavusapi.com` whose path the analysis cannot decide (a base URL
from an environment variable that neither the code nor a committed env template
gives a value, a helper no call of which is found) makes the rule `unknown`,
naming what is missing; it is never skipped.

Limits followed by a spread of data the analysis cannot see (`{ max_call_duration:
600, ...body.properties }`, `properties: body.params ?? {}` with `body` from
`request.json()`) are what that data says at run time: whoever calls the route
can lift them. The verdict is `unknown`, naming the spread; put the limits after
the spread, or copy only the fields you accept, to make it pass.

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
        target = CreateEndpoint(ctx.options["create-endpoint"])
        limits = (list(ctx.options["required-properties"]), list(ctx.options["any-of-properties"]))
        verdict = self.verdict()
        seen = 0

        def settled(req: Request) -> bool:
            return _settled(ev, req, target)

        modules = list(index.evidence_modules(("tavus",)))
        scanned = {m.path for m in modules}
        for mod in modules:
            for call in mod.calls:
                found = in_callers(ev, call, mod, settled) or _through_generic_helper(ev, call, mod, scanned, target)
                for one in found:
                    seen += self._judge(ev, one, target, limits, verdict)
        if not seen:
            return self.skipped("no request creates a Tavus conversation in this app")
        return verdict.result(passed="every created conversation has Tavus-side limits",
                              failed="a conversation can outlive its user",
                              unknown="could not decide every create-conversation request")

    def _judge(self, ev: Evaluator, found: InContext, target: CreateEndpoint,
               limits: tuple[list[str], list[str]], verdict: Verdict) -> int:
        """Judge one create request (as one call path makes it); 1 if it is or may be a create."""
        req = found.request
        hop = found.outermost
        where = hop.module.location(hop.node) if hop is not None else req.location
        through = f" (through {req.location})" if hop is not None else ""
        url = _url(ev, req)
        state = target.classify(url)
        if state == "other":
            return 0
        if state == "maybe":
            if not target.looks_tavus(url):
                return 0
            verdict.could_not_resolve(unresolved(f"{where}: a request to Tavus whose path is not known "
                                                 f"({_undecided(url, found.stopped)}){through}", where,
                                                 url, _url_kind(url, found)))
            return 1
        if isinstance(req.method, Unknown):
            verdict.could_not_resolve(unresolved(f"{where}: the method of the request to {target.endpoint} "
                                                 f"({req.method.reason}){through}", where, req.method))
            return 1
        if req.method != "POST":
            return 0
        body = _body(ev, req)
        if isinstance(body, Unknown) and body.kind is UnknownKind.MISSING:
            # No body at all: nothing sets the limits, and no unresolved value could (not an unknown).
            required, any_of = limits
            verdict.report("missing-limits", where, missing=", ".join(required + ([" or ".join(any_of)]
                                                                                  if any_of else [])))
            return 1
        if not isinstance(body, Obj):
            why = body.reason if isinstance(body, Unknown) else "not an object"
            stopped = f"; {found.stopped}" if found.stopped and isinstance(body, Unknown) else ""
            verdict.could_not_resolve(unresolved(f"{where}: the request body ({why}{stopped}){through}", where, body,
                                                 "unmodelled"))
            return 1
        self._judge_properties(ev, body, where, through, limits, verdict)
        return 1

    def _judge_properties(self, ev: Evaluator, body: Obj, where: Location, through: str,
                          limits: tuple[list[str], list[str]], verdict: Verdict) -> None:
        required, any_of = limits
        props = ev.get_prop(body, "properties")
        if isinstance(props, Unknown):
            verdict.could_not_resolve(unresolved(f"{where}: conversation properties ({props.reason}){through}",
                                                 where, props))
            return
        if not isinstance(props, Obj):
            props = Obj({})
        # A limit written before a spread of something unknown (`...body.properties`) is what the
        # spread says at run time: the data decides, so the verdict is unknown, naming it.
        replaced = [props.shadowed[k] for k in [*required, *any_of] if props.shadowed and k in props.shadowed]
        if replaced:
            verdict.could_not_resolve(unresolved(f"{where}: {replaced[0].reason}{through}", where, replaced[0]))
            return
        keys = set(props.props)
        missing = [k for k in required if k not in keys]
        if any_of and not keys & set(any_of):
            missing.append(" or ".join(any_of))
        if missing and props.open:
            source = props.rest.reason if props.rest is not None else "a spread of unknown properties"
            verdict.could_not_resolve(unresolved(f"{where}: {', '.join(missing)} may come from {source}{through}",
                                                 where, props.rest, "open-object"))
        elif missing:
            verdict.report("missing-limits", where, missing=", ".join(missing))
        else:
            verdict.saw(f"conversation created with Tavus-side limits{through}", where)


class CreateEndpoint:
    """The create-conversation endpoint, matched against request URLs that may have unknown parts."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.host = host_of(self.endpoint) or ""
        self.path = "/" + self.endpoint.split("://", 1)[-1].split("/", 1)[-1]

    def classify(self, url: Value) -> str:
        """'create', 'other', or 'maybe' (a part the analysis does not know could make it the endpoint)."""
        if isinstance(url, Unknown):
            return "maybe" if url.kind is UnknownKind.PARAMETER or url.env else "other"
        if not isinstance(url, Str):
            return "other"
        text = url.text.split("?")[0].rstrip("/")
        if not has_hole(text):
            return "create" if text == self.endpoint else "other"
        if starts_with_hole(text) and text.endswith(self.path):  # `${base}/v2/conversations`
            return "create"
        pattern = ".+".join(re.escape(part) for part in hole_parts(text))
        return "maybe" if re.fullmatch(pattern, self.endpoint) else "other"

    def looks_tavus(self, url: Value) -> bool:
        """A URL that names Tavus: its host in the known text, or a Tavus variable filling a hole."""
        if isinstance(url, Str):
            return (bool(self.host) and self.host in url.text) or any("TAVUS" in n.upper() for n in url.holes_from)
        return isinstance(url, Unknown) and url.env is not None and "TAVUS" in url.env.upper()


def _through_generic_helper(ev: Evaluator, call: Node, mod: Module, scanned: set[str],
                            target: CreateEndpoint) -> list[InContext]:
    """`post('https://tavusapi.com/v2/conversations', body)` where `post` is a generic helper in a module
    that never names Tavus (so its requests are not scanned): the helper's requests with these arguments."""
    if call.type != "call_expression":
        return []
    args = call_args(call)
    if not any(target.looks_tavus(ev.eval(a, mod, None)) for a in args if _may_be_url(ev, a, mod)):
        return []
    fn = call.child_by_field_name("function")
    callee = ev.eval(fn, mod, None) if fn is not None else None
    if not isinstance(callee, Func) or callee.module.path in scanned:
        return []
    reach = ev.reach(callee, [ev.thunk(a, mod, None) for a in args], max_depth=3)
    hop = CallHop(mod.text(fn)[:40] if fn is not None else "", call, mod)
    return [InContext(r, (hop,)) for r in reach.requests]


_URL_ARGUMENTS = frozenset({"string", "template_string", "binary_expression"})


def _may_be_url(ev: Evaluator, arg: Node, mod: Module) -> bool:
    """An argument that can name Tavus: a literal or a name whose text or declaration says `tavus`.
    (Evaluating every argument of every call would look for component props among the places that
    render them, the costly part of an app's analysis, for nothing.)"""
    if arg.type not in _URL_ARGUMENTS and arg.type != "identifier":
        return False
    if "tavus" in mod.text(arg).lower():
        return True
    for ident in [arg] if arg.type == "identifier" else descendants(arg, frozenset({"identifier"})):
        decl = ev.find_decl(mod.text(ident), ident, mod)
        if isinstance(decl, VarBinding) and "tavus" in mod.text(decl.node).lower():
            return True
        if isinstance(decl, ImportedBinding) and "tavus" in f"{decl.binding.source} {decl.binding.name}".lower():
            return True
    return False


def _settled(ev: Evaluator, req: Request, target: CreateEndpoint) -> bool:
    """Nothing a caller passes can change how this request is judged."""
    state = target.classify(_url(ev, req))
    if state != "create":
        # A URL not known here may be the endpoint in a caller's scope
        # (`path.startsWith('http') ? path : `${BASE}${path}``): read it at each call.
        return state == "other" and not isinstance(req.url, Unknown)
    if isinstance(req.method, Unknown):
        return False
    if req.method != "POST":
        return True
    body = _body(ev, req)
    return not (isinstance(body, Unknown) and body.kind is UnknownKind.PARAMETER)


def _url(ev: Evaluator, req: Request) -> Value:
    """The URL; `fetch(process.env.X, …)` read as `${process.env.X}` (a committed template's value, else a hole)."""
    return Str(*text_part(ev, req.url)) if isinstance(req.url, EnvRef) else req.url


def _url_kind(url: Value, found: InContext) -> str:
    """What is not known about an undecided URL: an env variable's value, or why no caller decides it."""
    if isinstance(url, Str) and url.holes_from:
        return UnknownKind.RUNTIME_VALUE.value
    if found.stopped_kind is not None:
        return found.stopped_kind.value
    return url.kind.value if isinstance(url, Unknown) else UnknownKind.RUNTIME_VALUE.value


def _undecided(url: Value, stopped: str) -> str:
    shown_url = url.shown() if isinstance(url, Str) else url.reason if isinstance(url, Unknown) else "?"
    if isinstance(url, Str) and url.holes_from:
        names = ", ".join(url.holes_from)
        return f"{shown_url}: {names} has no value in the code or a committed env template"
    return f"{shown_url}: {stopped}" if stopped else shown_url


def _body(ev: Evaluator, req: Request) -> Value:
    """The object sent as JSON: fetch's `body: JSON.stringify(x)` (x followed through variables) or axios data."""
    if req.kind == "axios":
        args = call_args(req.call)
        return ev.eval(args[1], req.module, req.scope) if len(args) > 1 else Unknown(UnknownKind.MISSING,
                                                                                      "no request data")
    if isinstance(req.options, Unknown):
        return req.options
    if isinstance(req.options, Obj) and "body" not in req.options.props and req.options.open:
        return Unknown(UnknownKind.OPEN_OBJECT, "the body may come from a spread of unknown options")
    if not isinstance(req.options, Obj) or "body" not in req.options.props:
        return Unknown(UnknownKind.MISSING, "no body")
    thunk: Thunk = req.options.props["body"]
    if thunk.node is None and thunk.value is not None:
        return _stringified(thunk.value)
    node, scope, where = thunk.node, thunk.scope, thunk.module
    for _ in range(10):
        if node is None:
            return Unknown(UnknownKind.RUNTIME_VALUE, "a body built at run time")
        if node.type in ("identifier", "shorthand_property_identifier"):
            decl = ev.find_decl(where.text(node), node, where)
            if isinstance(decl, ParamBinding):
                return ev.eval(node, where, scope)  # bound by the caller, when one is known
            if not isinstance(decl, VarBinding):
                return Unknown(UnknownKind.RUNTIME_VALUE, "a body built at run time")
            # `let body = init.body; if (init.json) body = JSON.stringify(init.json)`: the value that sends one.
            options = [n for n in [decl.node.child_by_field_name("value"), *ev.reassignments(
                decl.node, where.text(node), where)] if n is not None and not isinstance(ev.eval(n, where, scope), Null)]
            if len(options) != 1:
                return Unknown(UnknownKind.RUNTIME_VALUE, "a body built at run time")
            node = options[0]
            continue
        if node.type == "ternary_expression":  # `init.json === undefined ? undefined : JSON.stringify(init.json)`
            branch = chosen_branch(ev, node, where, scope)
            if branch is None:
                return Unknown(UnknownKind.RUNTIME_VALUE, "a body chosen at run time")
            node = branch
            continue
        if node.type == "call_expression" and where.text(node.child_by_field_name("function")).endswith("stringify"):
            args = call_args(node)
            return ev.eval(args[0], where, scope) if args else Unknown(UnknownKind.MISSING, "empty JSON.stringify")
        return _stringified(ev.eval(node, where, scope))
    return Unknown(UnknownKind.INDIRECT, "a body built too indirectly")


def _stringified(value: Value) -> Value:
    """A body that is already a value: the JSON object a caller built and passed (`json: input`)."""
    return value
