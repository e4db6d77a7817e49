"""TAV004 unload-keepalive: the unload request survives the page going away."""

from __future__ import annotations

from sop_check.context import CheckContext
from sop_check.evaluate import Unknown
from sop_check.model import Evidence, RuleResult, Status
from sop_check.rule import Example, Rule

from sop_check_rules._client import client_anchor, describe_request, keepalive
from sop_check_rules._examples import client_project as project
from sop_check_rules.tav003_unload_cleanup import AVATAR, analyse_unload


class UnloadKeepalive(Rule):
    code = "TAV004"
    name = "unload-keepalive"
    summary = "The request sent on unload uses keepalive: true (or navigator.sendBeacon)"
    needles = ("beforeunload", "pagehide", "onbeforeunload", "keepalive", "sendbeacon")
    tags = ("tavus", "sessions")
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
        Example(project(AVATAR.replace("keepalive: true", "keepalive: false")), Status.FAIL, "keepalive false"),
        Example(project(AVATAR.replace("        keepalive: true,\n", "        // keepalive: true,\n")),
                Status.FAIL, "commented out"),
        Example(project(AVATAR.replace("      fetch('/api/tavus/end', {", "      const keepalive = true;\n"
                                       "      fetch('/api/tavus/end', {").replace("keepalive: true,", "keepalive,")),
                Status.PASS, "shorthand property"),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        analysis = analyse_unload(ctx)
        ev = ctx.evaluator
        findings, unresolved, evidence = [], [], []
        checked = 0
        for lst in analysis.listeners:
            for r in analysis.requests_of(lst):
                checked += 1
                verdict = keepalive(ev, r)
                if verdict is True:
                    how = "sendBeacon" if r.kind == "beacon" else "keepalive: true"
                    evidence.append(Evidence(f"{how} on the unload request ({describe_request(r)})", r.location))
                elif isinstance(verdict, Unknown):
                    unresolved.append(f"{r.location}: keepalive ({verdict.reason})")
                else:
                    findings.append(self.finding(f"the unload request ({describe_request(r)}) does not use "
                                                 "keepalive: true, so the browser may cancel it", r.location,
                                                 "add keepalive: true to the fetch options, or use "
                                                 "navigator.sendBeacon"))
        if findings:
            return self.failed("the unload request may be cancelled when the page closes", findings, evidence)
        if checked == 0:
            if analysis.unresolved:
                return self.unknown("could not find what the unload listener sends", analysis.unresolved)
            return self.failed("no request to the end route is sent on unload", [self.finding(
                "no unload request to the end route (see TAV003)", client_anchor(ctx.app),
                "send fetch(endRoute, { method: 'POST', keepalive: true }) from a beforeunload listener")])
        if unresolved:
            return self.unknown("could not verify keepalive on the unload request", unresolved, evidence=evidence)
        return self.passed("the unload request uses keepalive", evidence)
