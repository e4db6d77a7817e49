"""TAV003 unload-cleanup: a beforeunload listener, registered in an effect and removed on cleanup,
calls the end route."""

from __future__ import annotations

from sop_check.context import CheckContext
from sop_check.fixes import Applicability
from sop_check.fixing.recipe import FixRecipe
from sop_check.model import Evidence, Message, RuleResult, Status
from sop_check.rule import Example, Rule

from sop_check_rules._client import client_anchor, describe_request
from sop_check_rules._examples import UNLOAD_AVATAR as AVATAR
from sop_check_rules._examples import client_project as project
from sop_check_rules._unload import analyse_unload
from sop_check_rules._unload_fixes import add_cleanup, wrap_in_effect
from sop_check_rules.tav001_end_route import create_end_route



class UnloadCleanup(Rule):
    code = "TAV003"
    name = "unload-cleanup"
    summary = "A beforeunload listener, registered in an effect and removed on cleanup, calls the end route"
    needles = ("beforeunload", "pagehide", "onbeforeunload")
    tags = ("tavus", "sessions", "react")
    shared_options = ("end-route", "events", "also-accepted-events")
    messages = {
        "no-listener": Message("no beforeunload listener in the client code that pages render",
                               "add the SOP's useEffect with addEventListener('beforeunload', ...) that calls "
                               "{route} (section 1.B)"),
        "not-rendered": Message("the {event} listener is in code no page runs: {why}",
                                "register it in the component (or a hook it calls) that a page renders during "
                                "the conversation"),
        "only-other-event": Message("a {event} listener ends the session, but the SOP asks for beforeunload "
                                    "(section 1.B): {event} alone does not satisfy it",
                                    "register the same handler for 'beforeunload' too: "
                                    "window.addEventListener('beforeunload', handler), removed in the same cleanup"),
        "outside-effect": Message("the {event} listener is registered outside an effect",
                                  "register it inside useEffect so it follows the conversation's lifetime"),
        "never-removed": Message("the {event} listener is never removed in the effect's cleanup",
                                 "return () => window.removeEventListener('{event}', handler), with the "
                                 "handler and capture flag it was added with"),
        "calls-other-route": Message("the {event} handler calls {request}, not the end route {route}",
                                     "send the request to {route}"),
        "never-calls-end": Message("the {event} handler never calls the end route {route} (leaving the video call "
                                   "does not end the conversation at Tavus)",
                                   "fetch('{route}', {{ method: 'POST', keepalive: true, ... }})"),
        "route-not-served": Message("the {event} handler calls {route}, but no route serves it",
                                    "create the end route (TAV001)"),
        "wrong-method": Message("the {event} handler calls {route} with {method}, but the end route serves POST",
                                "add method: 'POST' (fetch defaults to GET)"),
        "method-not-served": Message("the {event} handler sends {method} to {route}, but {detail}: Next.js "
                                     "answers 405 and the session is not ended",
                                     "make the request and the route agree on POST: method: 'POST' in the request "
                                     "(fetch defaults to GET), POST exported by the route (SOP 1.A)"),
    }
    fixes = {
        "never-removed": FixRecipe(Applicability.SAFE, "remove the listener in the effect's cleanup (the same "
                                   "event and handler), adding the cleanup if there is none", add_cleanup),
        "outside-effect": FixRecipe(Applicability.UNSAFE, "register the listener in an effect of its component "
                                    "and remove it on cleanup", wrap_in_effect),
        "route-not-served": FixRecipe(Applicability.SAFE, "create the end route the SOP gives", create_end_route),
    }
    docs = """
## What it does
Finds `addEventListener('beforeunload', handler)` on `window` (or
`window.onbeforeunload = handler`) in shipping client code reachable from a
page (in a component or hook that a page actually renders or calls), and checks that
it is registered inside an effect (`useEffect`, also in a
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
            Status.FAIL, "never removed", kinds=("never-removed",)),
        Example(project(AVATAR.replace("'/api/tavus/end'", "'/api/tavus/stop'")), Status.FAIL,
                "posts elsewhere", kinds=("calls-other-route",)),
        Example(project(AVATAR.replace("        method: 'POST',\n", "")), Status.FAIL,
                "a GET to a POST-only route", kinds=("method-not-served",)),
        Example({**project(AVATAR.replace("        method: 'POST',\n", "")), "app/api/tavus/end/route.ts":
                 "export async function GET() { return Response.json({}); }\n"
                 "export async function POST() { return Response.json({}); }\n"}, Status.FAIL,
                "a GET to a route that answers GET too: the SOP's request is a POST", kinds=("wrong-method",)),
        Example(project(AVATAR.replace("'beforeunload'", "'pagehide'")), Status.FAIL,
                "pagehide alone (the SOP asks for beforeunload)", kinds=("only-other-event",)),
        Example(project(AVATAR.replace("window.addEventListener('beforeunload'", "window.addEventListener('resize'")
                        .replace("removeEventListener('beforeunload'", "removeEventListener('resize'")),
                Status.FAIL, "no unload listener", kinds=("no-listener",)),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        analysis = analyse_unload(ctx)
        if analysis.good:
            lst = analysis.good[0]
            ev = [Evidence(f"{lst.event} listener registered in an effect at {lst.location}", lst.location)]
            ev += [Evidence(f"it calls the end route: {describe_request(r)}", r.location)
                   for r in analysis.requests_of(lst)]
            return self.passed(f"the {lst.event} listener ends the session through {analysis.route}", ev)
        if not analysis.problems and not analysis.unresolved:
            if analysis.also_good:  # the SOP's letter: pagehide alone is not beforeunload; say what to add
                return self.failed("no beforeunload listener ends the session", [
                    self.report("only-other-event", lst.location, event=lst.event) for lst in analysis.also_good])
            return self.failed("no beforeunload listener ends the session", [
                self.report("no-listener", client_anchor(ctx.app), route=analysis.route)])
        verdict = self.verdict()
        for p in analysis.problems:
            verdict.report(p.kind, p.location, p.related, **p.data)
        verdict.could_not_resolve(*analysis.unresolved)
        return verdict.result(passed="the unload listener ends the session",
                              failed="the unload listener does not end the session as the SOP requires",
                              unknown="could not verify what the unload listener calls")
