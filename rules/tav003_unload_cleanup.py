"""TAV003 unload-cleanup: a beforeunload listener, registered in an effect and removed on cleanup,
calls the end route."""

from __future__ import annotations

from sop_check.context import CheckContext
from sop_check.evaluate import Evaluator, Func, Request
from sop_check.model import Evidence, Location, RuleResult, Status
from sop_check.rule import Example, Rule

from sop_check_rules._examples import client_project as project

from sop_check_rules._client import (Listener, base_path, client_anchor, describe_request, end_reach,
                                     route_served, unload_listeners)

AVATAR = """'use client';
import { useEffect } from 'react';
export default function Avatar({ conversation }: { conversation: { conversation_id: string } }) {
  useEffect(() => {
    const handleBeforeUnload = () => {
      if (!conversation?.conversation_id) return;
      fetch('/api/tavus/end', {
        method: 'POST',
        body: JSON.stringify({ conversation_id: conversation.conversation_id }),
        keepalive: true,
      });
    };
    window.addEventListener('beforeunload', handleBeforeUnload);
    return () => window.removeEventListener('beforeunload', handleBeforeUnload);
  }, [conversation]);
  return <div>tavus avatar</div>;
}
"""


class UnloadCleanup(Rule):
    code = "TAV003"
    name = "unload-cleanup"
    summary = "A beforeunload listener, registered in an effect and removed on cleanup, calls the end route"
    needles = ("beforeunload", "pagehide", "onbeforeunload")
    tags = ("tavus", "sessions", "react")
    docs = """
## What it does
Finds `addEventListener('beforeunload', handler)` on `window` (or
`window.onbeforeunload = handler`) in shipping client code reachable from a
page, and checks that it is registered inside an effect (`useEffect`, also in a
custom hook or provider), removed in the effect's cleanup with the same event
and handler, and that the handler (inline, named, or through functions it
calls, across modules) sends a request to the end route.

## Why
Closing the tab or reloading is the most common way a session ends. Without
this listener Tavus never hears about it and the conversation keeps billing.
A listener that is never removed piles up on every render and may end the
wrong conversation.

## Example
```tsx
useEffect(() => {
  const onUnload = () => fetch('/api/tavus/end', { method: 'POST', keepalive: true,
    body: JSON.stringify({ conversation_id }) });
  window.addEventListener('beforeunload', onUnload);
  return () => window.removeEventListener('beforeunload', onUnload);
}, [conversation_id]);
```

## How to fix
Add the SOP's effect (section 1.B) to the avatar component or the hook that
owns the conversation.
"""
    examples = (
        Example(project(AVATAR), Status.PASS, "the SOP's effect"),
        Example(project(AVATAR.replace(
            "    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n", "")),
            Status.FAIL, "never removed"),
        Example(project(AVATAR.replace("'/api/tavus/end'", "'/api/tavus/stop'")), Status.FAIL,
                "posts elsewhere"),
        Example(project(AVATAR.replace("        method: 'POST',\n", "")), Status.FAIL,
                "a GET to a POST-only route"),
        Example(project(AVATAR.replace("window.addEventListener('beforeunload'", "window.addEventListener('resize'")
                        .replace("removeEventListener('beforeunload'", "removeEventListener('resize'")),
                Status.FAIL, "no unload listener"),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        analysis = analyse_unload(ctx)
        if analysis.good:
            lst = analysis.good[0]
            ev = [Evidence(f"{lst.event} listener registered in an effect at {lst.location}", lst.location)]
            ev += [Evidence(f"it calls the end route: {describe_request(r)}", r.location)
                   for r in analysis.requests_of(lst)]
            return self.passed(f"the {lst.event} listener ends the session through {analysis.route}", ev)
        if analysis.findings:
            return self.failed("the unload listener does not end the session as the SOP requires",
                               [self.finding(m, loc, hint) for m, loc, hint in analysis.findings])
        if analysis.unresolved:
            return self.unknown("could not verify what the unload listener calls", analysis.unresolved)
        return self.failed("no beforeunload listener ends the session", [self.finding(
            "no beforeunload listener in the client code that pages render", client_anchor(ctx.app),
            "add the SOP's useEffect with addEventListener('beforeunload', ...) (section 1.B)")])


class UnloadAnalysis:
    """The unload listeners of an app and what each does; shared by TAV003 and TAV004."""

    def __init__(self, route: str) -> None:
        self.route = route
        self.good: list[Listener] = []
        self.findings: list[tuple[str, Location, str]] = []
        self.unresolved: list[str] = []
        self.listeners: list[Listener] = []
        self._requests: dict[int, list[Request]] = {}  # listener id -> its requests to the end route
        self.ev: Evaluator | None = None

    def requests_of(self, lst: Listener) -> list[Request]:
        return self._requests.get(id(lst), [])


def analyse_unload(ctx: CheckContext) -> UnloadAnalysis:
    key = f"unload:{ctx.options['end-route']}"
    ev = ctx.evaluator  # also when the analysis is shared: its verdict rests on the evaluator's budget
    if key in ctx.app.memo:
        shared: UnloadAnalysis = ctx.app.memo[key]
        return shared
    index = ctx.app
    route = ctx.options["end-route"]
    required = list(ctx.options.get("events", ["beforeunload"]))
    events = required + list(ctx.options.get("also-accepted-events", []))
    bp = base_path(index)
    out = UnloadAnalysis(route)
    out.ev = ev
    served = route_served(index, route)
    for lst in unload_listeners(index, ev, events):
        out.listeners.append(lst)
        problems: list[tuple[str, Location, str]] = []
        if not isinstance(lst.handler, Func):
            out.unresolved.append(f"{lst.location}: the {lst.event} handler `{lst.handler_text[:40]}` "
                                  f"({getattr(lst.handler, 'reason', 'not a function')})")
            continue
        reach = end_reach(ev, lst.handler, route, bp)
        out._requests[id(lst)] = reach.end_requests
        if lst.effect is None:
            problems.append((f"the {lst.event} listener is registered outside an effect", lst.location,
                             "register it inside useEffect so it follows the conversation's lifetime"))
        elif not lst.removed:
            problems.append((f"the {lst.event} listener is never removed in the effect's cleanup", lst.location,
                             f"return () => window.removeEventListener('{lst.event}', handler)"))
        if not reach.end_requests:
            if reach.unresolved:
                out.unresolved.extend(reach.unresolved)
                continue
            if reach.other_requests:
                r = reach.other_requests[0]
                problems.append((f"the {lst.event} handler calls {describe_request(r)}, not the end route {route}",
                                 r.location, f"send the request to {route}"))
            else:
                problems.append((f"the {lst.event} handler never calls the end route {route} "
                                 "(leaving the video call does not end the conversation at Tavus)",
                                 lst.location, f"fetch('{route}', {{ method: 'POST', keepalive: true, ... }})"))
        elif not served:
            problems.append((f"the {lst.event} handler calls {route}, but no route serves it", lst.location,
                             "create the end route (TAV001)"))
        elif not any(r.method == "POST" for r in reach.end_requests):
            r = reach.end_requests[0]
            method = r.method if isinstance(r.method, str) else "a method chosen at run time"
            if isinstance(r.method, str):
                problems.append((f"the {lst.event} handler calls {route} with {method}, but the end route serves "
                                 "POST", r.location, "add method: 'POST' (fetch defaults to GET)"))
            else:
                out.unresolved.append(f"{r.location}: the method of the unload request ({r.method.reason})")
                continue
        if problems:
            out.findings.extend(problems)
        elif lst.event in required:
            out.good.append(lst)
    # A good listener makes the others' problems moot only for the events the SOP names.
    if out.good:
        out.findings = []
    index.memo[key] = out
    return out
