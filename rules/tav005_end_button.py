"""TAV005 end-button: a visible End Session / Disconnect control that really ends the session."""

from __future__ import annotations

import json

from sop_check.context import CheckContext
from sop_check.evaluate import Func, Unknown
from sop_check.fixes import Applicability, Edit
from sop_check.fixing.recipe import Draft, FixRecipe, current_bytes
from sop_check.model import Evidence, Finding, Message, RuleResult, Status
from sop_check.rule import Example, Rule, placeholders, unresolved

from sop_check_rules._examples import client_project as project

from sop_check_rules._client import (base_path, client_anchor, describe_request, end_controls, end_reach,
                                     judge_end_requests)

AVATAR = """'use client';
import { useState } from 'react';
export default function Avatar() {
  const [conversation, setConversation] = useState<{ conversation_id: string } | null>(null);
  const endSession = async () => {
    await fetch('/api/tavus/end', { method: 'POST',
      body: JSON.stringify({ conversation_id: conversation?.conversation_id }) });
    setConversation(null);
  };
  return <div data-tavus="avatar">
    <button onClick={endSession}>End Session</button>
  </div>;
}
"""


_SNIPPET = """const endSession = async () => {{
  // conversation: the one this component started (its conversation_id from the create call)
  await fetch({route}, {{
    method: 'POST',
    headers: {{ 'Content-Type': 'application/json' }},
    body: JSON.stringify({{ conversation_id: conversation.conversation_id }}),
  }});
}};

<button onClick={{endSession}}>End Session</button>
"""


def _button_snippet(ctx: CheckContext, finding: Finding) -> Draft | None:
    """Display-only (SOP section 1.C): which component owns the conversation, and where its id
    lives, is the author's to say; the snippet is shown where the finding is, never written."""
    index = ctx.app
    app_path = finding.location.path if index.rel_root == "." else finding.location.path[len(index.rel_root) + 1:]
    data = current_bytes(index, app_path) or b""
    lines = data.split(b"\n")
    offset = min(len(data), sum(len(line) + 1 for line in lines[:max(0, finding.location.line - 1)]))
    text = _SNIPPET.format(route=json.dumps(str(ctx.options["end-route"])).replace('"', "'"))
    return Draft((Edit(finding.location.path, offset, offset, text),),
                 title="render a visible End Session button whose handler POSTs the conversation id to the end route")


class EndButton(Rule):
    code = "TAV005"
    name = "end-button"
    summary = "A visible End Session / Disconnect control calls the end route"
    needles = ("onclick", "button", "onpress")
    tags = ("tavus", "sessions", "ui")
    shared_options = ("end-route", "labels")
    messages = {
        "no-control": Message("no visible control labelled End / Disconnect / Leave / Hang up in the client code "
                              "pages render",
                              "render <button onClick={{endSession}}>End Session</button> (SOP section 1.C)"),
        "no-handler": Message("{control} has no onClick handler", "call the end function from onClick"),
        "hidden": Message("{control} ends the session but is hidden: {why}", "make the control visible"),
        "not-rendered": Message("{control} is never rendered: {why}",
                                "render the End control in the component a page shows during the conversation"),
        "wrong-method": Message("{control} calls the end route with {method}, not POST", "use method: 'POST'"),
        "method-not-served": Message("{control} sends {method} to {route}, but {detail}: Next.js answers 405 and the "
                                     "session is not ended",
                                     "make the request and the route agree on POST: method: 'POST' in the request "
                                     "(fetch defaults to GET), POST exported by the route (SOP 1.A)"),
        "calls-other-route": Message("{control} calls {request}, not the end route {route}",
                                     "call {route} from the handler (SOP section 1.C), or point the pack's end-route "
                                     "option at the route the app uses"),
        "never-calls-end": Message("{control} does not call the end route {route} (its handler only changes local "
                                   "state or leaves the call)",
                                   "call fetch('{route}', {{ method: 'POST', ... }}) from the handler"),
    }
    fixes = {kind: FixRecipe(Applicability.DISPLAY_ONLY, "a button that calls the end route (a snippet to adapt)",
                             _button_snippet)
             for kind in messages}  # every way the control fails: the snippet is what a working one looks like
    docs = """
## What it does
Finds rendered controls (`<button>`, components named like `*Button`, elements
with `role="button"`) whose label (text, `aria-label` or `title`; for an
icon-only control, its component name, class or id, as in the Tavus CVI
components' `className={styles.leaveButton}`) says end, disconnect, leave or
hang up (pack option `labels`), and checks that one of
them is visible (no `hidden`, `aria-hidden`, `display: none` or `hidden` class
without a responsive override such as `md:block`), can render at all (not behind a
constant condition such as `{false && …}` or `const SHOW_END = false`, and in a
component that a page renders: importing its module is not enough), and that its
`onClick` reaches a POST that the end route answers: directly, through a
named handler, a function from a custom hook or another module, or a prop
passed by the parent.

## Why
Users must be able to end the session on purpose, and the button must end it
at Tavus, not only clear local state: otherwise the conversation keeps running
until it times out, and keeps billing.

## Example
```tsx
<Button variant="outline" onClick={() => endSession()}>End Session</Button>
```

## How to fix
Render a visible End Session button whose handler calls the end route
(`fetch('/api/tavus/end', { method: 'POST', ... })`), as SOP section 1.C asks.
"""
    examples = (
        Example(project(AVATAR), Status.PASS, "named handler"),
        Example(project(AVATAR.replace("<button onClick={endSession}>", "<button>")), Status.FAIL, "no handler",
                kinds=("no-handler",)),
        Example(project(AVATAR.replace("    await fetch('/api/tavus/end', { method: 'POST',\n"
                                       "      body: JSON.stringify({ conversation_id: conversation?.conversation_id }) });\n",
                                       "")), Status.FAIL, "only clears state", kinds=("never-calls-end",)),
        Example(project(AVATAR.replace("<button onClick", "<button hidden onClick")), Status.FAIL, "hidden",
                kinds=("hidden",)),
        Example(project(AVATAR.replace("<button onClick={endSession}>End Session</button>",
                                       "<button aria-label=\"Hang up\" onClick={() => endSession()}><Icon /></button>")),
                Status.PASS, "icon button with aria-label"),
        Example(project(AVATAR.replace("<button onClick={endSession}>End Session</button>",
                                       "<button className={styles.leaveButton} onClick={endSession}><svg /></button>")),
                Status.PASS, "icon-only button named in its class (Tavus CVI components)"),
        Example(project(AVATAR.replace("<button onClick={endSession}>End Session</button>",
                                       "<button className={styles.sendButton} onClick={endSession}><svg /></button>")),
                Status.FAIL, "icon-only button whose name says something else", kinds=("no-control",)),
        Example(project(AVATAR.replace("{ method: 'POST',", "{ method: 'GET',")), Status.FAIL,
                "calls the POST-only end route with GET", kinds=("method-not-served",)),
        Example({**project(AVATAR.replace("{ method: 'POST',", "{ method: 'GET',")), "app/api/tavus/end/route.ts":
                 "export async function GET() { return Response.json({}); }\n"
                 "export async function POST() { return Response.json({}); }\n"}, Status.FAIL,
                "a GET to a route that answers GET too: the SOP's request is a POST", kinds=("wrong-method",)),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        index = ctx.app
        route = ctx.options["end-route"]
        ev = ctx.evaluator
        bp = base_path(index)
        controls = end_controls(index, ev, list(ctx.options["labels"]))
        if not controls:
            return self.failed("no End Session / Disconnect control found",
                               [self.report("no-control", client_anchor(index))])
        # Any one good control passes: an unresolved one could be it, so it outweighs findings on others.
        verdict = self.verdict()
        for control in controls:
            where = f"<{control.tag}> \"{control.label[:40]}\" at {control.location}"
            if not control.rendering.rendered:  # a control no page can show is no control (corpus U3)
                verdict.report("not-rendered", control.location, control=where, why=control.rendering.why)
                continue
            handler_node = control.attrs.get("onClick") or control.attrs.get("onPress")
            if handler_node is None or handler_node is True:
                verdict.report("no-handler", control.location, control=where)
                continue
            handler = ev.eval(handler_node, control.module, None)
            if not isinstance(handler, Func):
                reason = handler.reason if isinstance(handler, Unknown) else "not a function"
                verdict.could_not_resolve(unresolved(f"{control.location}: onClick of {where} ({reason})",
                                                     control.location, handler, "unmodelled"))
                continue
            reach = end_reach(ev, handler, route, bp)
            call = judge_end_requests(index, route, reach.end_requests, missing_route_is_tav001s=True)  # a POST the route answers
            if call.good is not None and control.hidden is None:
                return self.passed(f"{where} ends the session", [
                    Evidence(f"visible control {where}", control.location),
                    Evidence(f"its onClick reaches {describe_request(call.good)}", call.good.location)])
            if call.good is not None:
                verdict.report("hidden", control.location, control=where, why=control.hidden)
            elif call.unresolved:
                verdict.could_not_resolve(*call.unresolved)
            elif call.kind is not None and call.request is not None:
                wanted = placeholders(self.messages[call.kind].text) | placeholders(self.messages[call.kind].hint)
                verdict.report(call.kind, call.request.location, control=where,
                               **{k: v for k, v in call.data.items() if k in wanted})
            elif reach.unresolved:
                verdict.could_not_resolve(*reach.unresolved)
            elif reach.other_requests:  # name what it calls instead, as TAV003 does
                verdict.report("calls-other-route", reach.other_requests[0].location, control=where,
                               request=describe_request(reach.other_requests[0]), route=route)
            else:
                verdict.report("never-calls-end", control.location, control=where, route=route)
        return verdict.result(passed="an End control ends the session",
                              failed="no visible End control ends the session",
                              unknown="could not verify what the End control calls", unresolved_first=True)
