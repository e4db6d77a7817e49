"""TAV004 unload-keepalive: the unload request survives the page going away."""

from __future__ import annotations

from sop_check.context import CheckContext
from sop_check.evaluate import Unknown
from sop_check.fixes import Applicability
from sop_check.fixing.edits import CodeFile
from sop_check.fixing.recipe import Draft, FixRecipe
from sop_check.model import Evidence, Finding, Message, RuleResult, Status
from sop_check.options import Option, OptionType
from sop_check.rule import Example, Rule, unresolved

from sop_check_rules._client import client_anchor, describe_request, keepalive
from sop_check_rules._examples import UNLOAD_AVATAR as AVATAR
from sop_check_rules._examples import client_project as project
from sop_check_rules._fixes import request_at, set_option
from sop_check_rules._unload import analyse_unload


def _add_keepalive(ctx: CheckContext, finding: Finding) -> Draft | None:
    """`keepalive: true` in the unload request's options: added to the literal (after any spread,
    so it wins), `false` turned into `true`, options from a variable spread into a literal."""
    analysis = analyse_unload(ctx)
    req = request_at((r for lst in analysis.listeners for r in analysis.requests_of(lst)), finding.location)
    if req is None or req.kind != "fetch":
        return None
    file = CodeFile(ctx.app, req.module)
    if file.broken(req.call):
        return None
    edits = set_option(file, req.call, "keepalive", "true", keep=lambda old: old.strip() == "true")
    return Draft(edits) if edits else None


class UnloadKeepalive(Rule):
    code = "TAV004"
    name = "unload-keepalive"
    summary = "The request sent on unload uses keepalive: true (or navigator.sendBeacon)"
    needles = ("beforeunload", "pagehide", "onbeforeunload", "keepalive", "sendbeacon")
    tags = ("tavus", "sessions")
    shared_options = ("end-route", "events", "also-accepted-events")
    options = (
        Option("mechanisms", OptionType.STRING_LIST,
               "Unload request mechanisms that survive the page going away: `fetch-keepalive` "
               "(fetch with keepalive: true) and `sendBeacon`."),
    )
    messages = {
        "no-keepalive": Message("the unload request ({request}) does not use keepalive: true, so the browser may "
                                "cancel it", "add keepalive: true to the fetch options, or use navigator.sendBeacon"),
        "no-unload-request": Message("no unload request to the end route (see TAV003)",
                                     "send fetch('{route}', {{ method: 'POST', keepalive: true }}) from a "
                                     "beforeunload listener"),
    }
    fixes = {
        "no-keepalive": FixRecipe(Applicability.SAFE, "set keepalive: true on the unload request", _add_keepalive),
    }
    docs = """
## What it does
Takes the requests that the unload listener sends to the end route (see
TAV003) and checks that each uses `keepalive: true`: in the options literal, in
an options object held in a variable or spread from defaults, as a shorthand
property, or through a helper that sets it; `navigator.sendBeacon` also counts.
`keepalive: false`, a missing or commented-out flag, or a flag set only on some
other fetch fail.

## Why
Browsers cancel ordinary requests when the page unloads. Without `keepalive`
the end request usually never leaves, and the session stays open.

## Example
```ts
fetch('/api/tavus/end', { method: 'POST', body, keepalive: true });
// or
navigator.sendBeacon('/api/tavus/end', new Blob([body], { type: 'application/json' }));
```

## How to fix
Add `keepalive: true` to the fetch options of the unload request.
"""
    examples = (
        Example(project(AVATAR), Status.PASS, "keepalive literal"),
        Example(project(AVATAR.replace("keepalive: true", "keepalive: false")), Status.FAIL, "keepalive false",
                kinds=("no-keepalive",)),
        Example(project(AVATAR.replace("        keepalive: true,\n", "        // keepalive: true,\n")),
                Status.FAIL, "commented out", kinds=("no-keepalive",)),
        Example(project(AVATAR.replace("      fetch('/api/tavus/end', {", "      const keepalive = true;\n"
                                       "      fetch('/api/tavus/end', {").replace("keepalive: true,", "keepalive,")),
                Status.PASS, "shorthand property"),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        analysis = analyse_unload(ctx)
        mechanisms = set(ctx.options["mechanisms"])
        verdict = self.verdict()
        requests = [(lst, r) for lst in analysis.listeners for r in analysis.requests_of(lst)]
        if not requests:
            if analysis.unresolved:
                return self.unknown("could not find what the unload listener sends", analysis.unresolved)
            return self.failed("no request to the end route is sent on unload", [
                self.report("no-unload-request", client_anchor(ctx.app), route=analysis.route)])
        for lst, r in requests:
            how = "sendBeacon" if r.kind == "beacon" else "fetch-keepalive"
            survives = keepalive(analysis.ev, r) if how in mechanisms else False
            if survives is True:
                shown = "sendBeacon" if how == "sendBeacon" else "keepalive: true"
                verdict.saw(f"{shown} on the unload request ({describe_request(r)})", r.location)
            elif isinstance(survives, Unknown):
                verdict.could_not_resolve(unresolved(f"{r.location}: keepalive ({survives.reason})", r.location, survives))
            else:
                verdict.report("no-keepalive", r.location,
                               (Evidence(f"the {lst.event} listener that sends it", lst.location),),
                               request=describe_request(r))
        return verdict.result(passed="the unload request uses keepalive",
                              failed="the unload request may be cancelled when the page closes",
                              unknown="could not verify keepalive on the unload request")
