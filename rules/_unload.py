"""The unload listeners of an app and what each does: shared by TAV003 (the listener) and
TAV004 (its request), computed once per app and set of options."""

from __future__ import annotations

from typing import Any

from sop_check.context import CheckContext
from sop_check.evaluate import Evaluator, Func, Request
from sop_check.model import Evidence, Location
from sop_check.records import record
from sop_check.rule import unresolved

from sop_check_rules._rendered import can_render
from sop_check_rules._client import Listener, base_path, describe_request, end_reach, judge_end_requests, unload_listeners
from sop_check_rules._routes import routes_at


@record(frozen=True)
class Problem:
    """What is wrong with one listener: a TAV003 finding kind, where, and its template data."""

    kind: str
    location: Location
    data: dict[str, object]
    related: tuple[Evidence, ...] = ()  # the places that explain it (the listener, the route)


class UnloadAnalysis:
    """The unload listeners of an app and what each does; shared by TAV003 and TAV004."""

    def __init__(self, route: str, ev: Evaluator) -> None:
        self.route = route
        self.ev = ev
        self.good: list[Listener] = []  # listeners of a required event that do the job
        self.also_good: list[Listener] = []  # listeners of an also-accepted event (pagehide) that do the job
        self.problems: list[Problem] = []
        self.unresolved: list[str] = []
        self.listeners: list[Listener] = []
        self._requests: dict[int, list[Request]] = {}  # listener id -> its requests to the end route

    def requests_of(self, lst: Listener) -> list[Request]:
        return self._requests.get(id(lst), [])


def analyse_unload(ctx: CheckContext) -> UnloadAnalysis:
    """The app's unload listeners judged against the options of the asking rule (TAV003 and
    TAV004 both read `end-route`, `events` and `also-accepted-events`), computed once per app."""
    route = ctx.options["end-route"]
    required = list(ctx.options["events"])
    events = required + list(ctx.options["also-accepted-events"])
    key = f"unload:{route}:{events}:{len(required)}"
    ev = ctx.evaluator  # also when the analysis is shared: its verdict rests on the evaluator's budget
    if key in ctx.app.memo:
        cached: UnloadAnalysis = ctx.app.memo[key]
        return cached
    index = ctx.app
    bp = base_path(index)
    out = UnloadAnalysis(route, ev)
    for lst in unload_listeners(index, ev, events):
        out.listeners.append(lst)
        problems: list[Problem] = []
        rendering = can_render(ev, lst.module, lst.node)
        if not rendering.rendered:  # a listener in a component no page renders never runs
            out.problems.append(Problem("not-rendered", lst.location, {"event": lst.event, "why": rendering.why}))
            continue
        if not isinstance(lst.handler, Func):
            out.unresolved.append(unresolved(f"{lst.location}: the {lst.event} handler `{lst.handler_text[:40]}` "
                                             f"({getattr(lst.handler, 'reason', 'not a function')})", lst.location,
                                             lst.handler, "unmodelled"))
            continue
        reach = end_reach(ev, lst.handler, route, bp)
        out._requests[id(lst)] = reach.end_requests
        if lst.effect is None:
            problems.append(Problem("outside-effect", lst.location, {"event": lst.event}))
        elif not lst.removed:
            problems.append(Problem("never-removed", lst.location, {"event": lst.event}))
        if not reach.end_requests:
            if reach.unresolved:
                out.unresolved.extend(reach.unresolved)
                continue
            if reach.other_requests:
                r = reach.other_requests[0]
                problems.append(Problem("calls-other-route", r.location,
                                        {"event": lst.event, "request": describe_request(r), "route": route},
                                        (Evidence(f"the {lst.event} listener that sends it", lst.location),)))
            else:
                problems.append(Problem("never-calls-end", lst.location, {"event": lst.event, "route": route}))
        else:
            # The request must reach a route that answers its method (a 405 ends nothing).
            call = judge_end_requests(index, route, reach.end_requests)
            if call.good is None and call.unresolved:
                out.unresolved.extend(call.unresolved)
                continue
            if call.good is None and call.kind is not None and call.request is not None:
                at = lst.location if call.kind == "route-not-served" else call.request.location
                problems.append(Problem(call.kind, at, {"event": lst.event, **call.data}, _route_evidence(index, route)))
        if problems:
            out.problems.extend(problems)
        elif lst.event in required:
            out.good.append(lst)
        else:
            out.also_good.append(lst)
    # A good listener makes the others' problems moot only for the events the SOP names.
    if out.good:
        out.problems = []
    index.memo[key] = out
    return out


def _route_evidence(index: Any, route: str) -> tuple[Evidence, ...]:
    """The route file that refuses (or that the SOP's POST should reach), as a related place."""
    served = routes_at(index, route)
    if not served:
        return ()
    return (Evidence(f"the end route: {served[0].path}", index.location(served[0].path)),)
