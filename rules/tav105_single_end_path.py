"""TAV105 single-end-path: every way the client ends a session goes through the end route."""

from __future__ import annotations

import re
from typing import Any

from sop_check.evaluate import Evaluator, Func, Str, call_args
from sop_check.index import FUNCTION_TYPES
from sop_check.model import Evidence, RuleResult, Severity, Status
from sop_check.rule import Example, Rule

from sop_check_rules._client import base_path, end_controls, end_reach, unload_listeners

PKG = '{"dependencies": {"next": "15.0.0", "@daily-co/daily-js": "0.72.0"}}'
PAGE = "import Call from '../components/Call';\nexport default function Page() { return <Call />; }\n"
ROUTE = "export async function POST() { return Response.json({ tavus: true }); }\n"
CALL = """'use client';
import DailyIframe from '@daily-co/daily-js';
const callObject = DailyIframe.createCallObject();
async function endConversation() {
  await fetch('/api/tavus/end', { method: 'POST', body: '{}' });
}
export default function Call() {
  const hangUp = async () => {
    await endConversation();
    await callObject.leave();
  };
  callObject.on('left-meeting', () => { void endConversation(); });
  return <button onClick={hangUp}>Leave</button>;
}
"""
_CALL_OBJECT = re.compile(r"call|daily|frame|tavus|room|conversation|cvi", re.I)


class SingleEndPath(Rule):
    code = "TAV105"
    name = "single-end-path"
    summary = "Every way the client ends a session calls the end route"
    severity = Severity.WARNING
    preview = True
    needles = ("leave", "left-meeting", "beforeunload", "onclick")
    tags = ("tavus", "sessions")
    docs = """
## What it does
Finds every place in client code that ends a session and checks that each goes
through the end route: End / Leave / Disconnect controls, unload listeners,
handlers of Daily's `left-meeting` event (the local user left), and
functions that call the Daily call object's or Tavus CVI components' `leave()`,
`leaveCall()` or `destroy()`. A place that only leaves the Daily call fails:
leaving the WebRTC room does not end the conversation at Tavus (pack options
`leave-methods`, `leave-events`).

## Why
Tavus keeps a conversation until it is ended through its API or times out.
Every path that lets the user go without calling the end route leaves a session
billing in the background.

## Example
```ts
const hangUp = async () => {
  await fetch('/api/tavus/end', { method: 'POST', body: JSON.stringify({ conversation_id }) });
  await callObject.leave();
};
```

## How to fix
Route every exit through one `endSession()` that calls the end route, then
leaves the call.
"""
    examples = (
        Example({"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                 "components/Call.tsx": CALL}, Status.PASS, "every exit ends the conversation"),
        Example({"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                 "components/Call.tsx": CALL.replace("    await endConversation();\n", "")},
                Status.FAIL, "the button only leaves the Daily call"),
        Example({"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                 "components/Call.tsx": CALL.replace("() => { void endConversation(); }", "() => console.log('bye')")},
                Status.FAIL, "left-meeting handler does not end"),
    )

    def check(self, ctx) -> RuleResult:
        index = ctx.app
        route = ctx.options["end-route"]
        ev = Evaluator(index)
        bp = base_path(index)
        places: list[tuple[str, Any, Any]] = []  # (what, location, function)
        for control in end_controls(index, ev, list(ctx.options.get("labels", ["end", "leave", "disconnect"]))):
            handler = control.attrs.get("onClick")
            if handler is not None and handler is not True:
                value = ev.eval(handler, control.module, None)
                places.append((f"the <{control.tag}> \"{control.label[:30]}\" control", control.location, value))
        for lst in unload_listeners(index, ev, ["beforeunload", "pagehide", "unload"]):
            places.append((f"the {lst.event} listener", lst.location, lst.handler))
        methods = set(ctx.options.get("leave-methods", []))
        events = set(ctx.options.get("leave-events", []))
        for mod in index.evidence_modules(("leave", "destroy", "left-meeting")):
            for call in mod.calls:
                fn = call.child_by_field_name("function")
                if fn is None or fn.type != "member_expression" or mod.in_error(call):
                    continue
                obj, prop = fn.child_by_field_name("object"), mod.text(fn.child_by_field_name("property"))
                if not _CALL_OBJECT.search(mod.text(obj)):
                    continue
                if prop in methods:
                    owner = _enclosing_function(call)
                    if owner is not None:
                        places.append((f"{mod.text(fn)}() here", mod.location(call), Func(owner, mod, None)))
                elif prop in ("on", "once", "addEventListener"):
                    args = call_args(call)
                    if len(args) >= 2:
                        event = ev.eval(args[0], mod, None)
                        if isinstance(event, Str) and event.text in events:
                            places.append((f"the '{event.text}' handler", mod.location(call),
                                           ev.eval(args[1], mod, None)))
        if not places:
            return self.skipped("no place in client code ends a session")
        findings, unresolved, evidence = [], [], []
        for what, loc, value in places:
            if not isinstance(value, Func):
                unresolved.append(f"{loc}: {what} ({getattr(value, 'reason', 'not a function')})")
                continue
            reach = end_reach(ev, value, route, bp)
            if reach.end_requests:
                evidence.append(Evidence(f"{what} calls {route}", loc))
            elif reach.unresolved:
                unresolved.extend(reach.unresolved)
            else:
                findings.append(self.finding(f"{what} ends the session without calling {route}: the conversation "
                                             "keeps running at Tavus", loc, f"call the end route ({route}) here first"))
        if findings:
            return self.failed("some ways out leave the conversation running", findings, evidence)
        if unresolved:
            return self.unknown("could not follow every way out", unresolved, evidence=evidence)
        return self.passed("every way out ends the conversation at Tavus", evidence)


def _enclosing_function(node: Any) -> Any:
    n = node.parent
    while n is not None and n.type not in FUNCTION_TYPES:
        n = n.parent
    return n
