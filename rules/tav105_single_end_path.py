"""TAV105 single-end-path: every way the client ends a session goes through the end route."""

from __future__ import annotations

import re
from typing import Any, Iterator

from sop_check.context import CheckContext
from sop_check.evaluate import Evaluator, Func, Str, Value, VarBinding, call_args
from sop_check.evaluate.extent import code_may_contain, evaluable_files
from sop_check.index import AppIndex
from sop_check.jsmodule import Module
from sop_check.model import Location, Message, RuleResult, Severity, Status
from sop_check.options import Option, OptionType
from sop_check.rule import Example, Rule, unresolved

from sop_check_rules._client import (base_path, click_handlers, describe_request, effect_cleanups, end_controls,
                                     end_reach, judge_end_requests, unload_listeners)
from sop_check_rules._rendered import can_render

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
    needles = ("leave", "left-meeting", "beforeunload", "onclick", "useeffect")
    tags = ("tavus", "sessions")
    shared_options = ("end-route", "labels")
    options = (
        Option("leave-methods", OptionType.STRING_LIST,
               "Methods of the Daily call object / Tavus CVI components that leave the video call."),
        Option("leave-events", OptionType.STRING_LIST, "Video call events that report the local user left."),
    )
    messages = {
        "exit-without-end": Message("{place} ends the session without calling {route}{how}: the conversation keeps "
                                    "running at Tavus", "call the end route ({route}) there before leaving the call"),
        "end-not-served": Message("{place} sends {method} to {route}, but {detail}: the request ends nothing and "
                                  "the conversation keeps running at Tavus",
                                  "send POST to {route} and export POST from its route file"),
    }
    docs = """
## What it does
Finds every place in client code that ends a session and checks that each goes
through the end route: End / Leave / Disconnect controls, unload listeners and
handlers of Daily's `left-meeting` event (the local user left) always; click
handlers and effect cleanups (unmount) when they leave the call through the
Daily call object's or the Tavus CVI components' `leave()`, `leaveCall()` or
`destroy()`, followed through hooks and helpers. A place that only leaves the Daily call fails:
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
                Status.FAIL, "the button only leaves the Daily call", kinds=("exit-without-end",)),
        Example({"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                 "components/Call.tsx": CALL.replace("() => { void endConversation(); }", "() => console.log('bye')")},
                Status.FAIL, "left-meeting handler does not end", kinds=("exit-without-end",)),
        Example({"package.json": PKG, "app/page.tsx": PAGE, "app/api/tavus/end/route.ts": ROUTE,
                 "components/Call.tsx": CALL.replace("  return <button", "  useEffect(() => () => { callObject.leave(); }, []);\n"
                                                     "  return <button").replace("import DailyIframe",
                                                                                  "import { useEffect } from 'react';\nimport DailyIframe")},
                Status.FAIL, "unmounting leaves the call without ending the conversation", kinds=("exit-without-end",)),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        index = ctx.app
        route = ctx.options["end-route"]
        ev = ctx.evaluator
        bp = base_path(index)
        methods = set(ctx.options["leave-methods"])
        # Places that end the session by definition, and places that do when they leave the call.
        # (what, location, handler, ends the session anyway, where it sits: code no page renders is no way out)
        places: list[tuple[str, Location, Any, bool, tuple[Module, Any] | None]] = []
        labelled = set()
        for control in end_controls(index, ev, list(ctx.options["labels"])):
            handler = control.attrs.get("onClick")
            if handler is not None and handler is not True:
                labelled.add(str(control.location))
                if control.rendering.rendered:
                    places.append((f"the <{control.tag}> \"{control.label[:30]}\" control", control.location,
                                   ev.eval(handler, control.module, None), True, None))
        for lst in unload_listeners(index, ev, ["beforeunload", "pagehide", "unload"]):
            places.append((f"the {lst.event} listener", lst.location, lst.handler, True, (lst.module, lst.node)))
        for what, handler, loc, on in self._leave_events(index, ev, set(ctx.options["leave-events"])):
            places.append((what, loc, handler, True, on))
        # A click handler or cleanup counts only when a call it can make is a leave-method call:
        # with none in any module a walk can read, following hundreds of handlers decides nothing.
        if _leave_calls_reachable(index, methods):
            for what, handler, loc, on in click_handlers(index, ev):
                if str(loc) not in labelled:
                    places.append((what, loc, handler, False, on))
            for func, loc, on in effect_cleanups(index, ev):
                places.append(("an effect's cleanup (on unmount)", loc, func, False, on))
        verdict = self.verdict()
        counted = 0
        for what, loc, value, ends, site in places:
            if ends and site is not None and not can_render(ev, *site).rendered:
                continue
            if not isinstance(value, Func):
                if ends:
                    verdict.could_not_resolve(unresolved(f"{loc}: {what} ({getattr(value, 'reason', 'not a function')})",
                                                         loc, value, "unmodelled"))
                continue
            reach = end_reach(ev, value, route, bp)
            leave = _leave_call(ev, reach.calls, methods)
            if not ends and leave is None:
                continue  # an ordinary handler: it does not end anything
            if not ends and site is not None and not can_render(ev, *site).rendered:
                continue  # e.g. a hook used only by a component no page renders (corpus E1)
            counted += 1
            call = judge_end_requests(index, route, reach.end_requests, missing_route_is_tav001s=True) if reach.end_requests else None
            if call is not None and call.served is not None:
                verdict.saw(f"{what} calls {route}", loc)
            elif call is not None and call.unresolved:
                verdict.could_not_resolve(*call.unresolved)
            elif call is not None and call.request is not None:  # no route answers the request's method
                method = call.request.method if isinstance(call.request.method, str) else "?"
                verdict.report("end-not-served", call.request.location, place=what, route=route, method=method,
                               detail=str(call.data.get("detail", f"no route serves {route}")))
            elif reach.unresolved:
                verdict.could_not_resolve(*reach.unresolved)
            else:
                other = f"{describe_request(reach.other_requests[0])} instead" if reach.other_requests else ""
                verdict.report("exit-without-end", loc, place=what, route=route,
                               how=f" (it calls {leave or other})" if leave or other else "")
        if not counted and not verdict.unresolved:
            return self.skipped("no place in client code ends a session")
        return verdict.result(passed="every way out ends the conversation at Tavus",
                              failed="some ways out leave the conversation running",
                              unknown="could not follow every way out")

    def _leave_events(self, index: AppIndex, ev: Evaluator,
                      events: set[str]) -> Iterator[tuple[str, Value, Location, tuple[Module, Any]]]:
        """Handlers of the video call's "I left" events: `call.on('left-meeting', h)`."""
        for mod in index.evidence_modules(("left-meeting",)):
            for call in mod.calls:
                fn = call.child_by_field_name("function")
                if fn is None or fn.type != "member_expression" or mod.in_error(call):
                    continue
                if mod.text(fn.child_by_field_name("property")) not in ("on", "once", "addEventListener"):
                    continue
                args = call_args(call)
                if len(args) >= 2:
                    event = ev.eval(args[0], mod, None)
                    if isinstance(event, Str) and event.text in events:
                        yield f"the '{event.text}' handler", ev.eval(args[1], mod, None), mod.location(call), (mod, call)


def _leave_calls_reachable(index: AppIndex, methods: set[str]) -> bool:
    """Could any walk meet a call `_leave_call` accepts? It reads calls syntactically (`x.leave()`,
    receiver aside), and a walk only meets calls in modules the evaluator can read
    (`evaluable_files`): none there is a proof that no handler leaves the call."""
    if not code_may_contain(index, methods):
        return False  # not even the name in any file: nothing parsed for the answer
    # A call's property is a whole name: bytes without one as a word (`leaveRoom`, `destroyed` are
    # not) hold no such call, and the file is not parsed for it.
    names = tuple(m.encode() for m in methods)

    def holds(data: bytes) -> bool:
        return any(_holds_word(data, n) for n in names)

    # Evidence modules are read by walks: one that holds such a call answers without the closure.
    for path in index.evidence_files():
        data = index.read_bytes(path)
        mod = index.peek_module(path) if data is not None and holds(data) else None
        if mod is not None and _calls_a_method(mod, methods):
            return True
    for path in evaluable_files(index):  # parsed only when its bytes name such a method
        data = index.read_bytes(path, quiet=True)
        mod = index.peek_module(path) if data is not None and holds(data) else None
        if mod is not None and _calls_a_method(mod, methods):
            return True
    return False


def _holds_word(data: bytes, word: bytes) -> bool:
    """`word` in `data` with no name character (`\\w`, `$`) on either side (a regex that opens with
    a lookbehind reads every byte; `find` skips ahead)."""
    at = data.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _NAME_BYTE[data[at - 1]]) and (end == len(data) or not _NAME_BYTE[data[end]]):
            return True
        at = data.find(word, at + 1)
    return False


_NAME_BYTE = [bool(re.fullmatch(rb"[\w$]", bytes([b]))) for b in range(256)]


def _calls_a_method(mod: Module, methods: set[str]) -> bool:
    return any(_method_call(call, mod, methods) is not None for call in mod.calls)


def _method_call(call: Any, mod: Module, methods: set[str]) -> tuple[Any, Any] | None:
    """`receiver.method(…)` with a method in `methods`: (callee, receiver), else None. The one test
    both `_leave_call` and the pruning proof read, so the proof covers every call it accepts."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return None
    prop, receiver = fn.child_by_field_name("property"), fn.child_by_field_name("object")
    if prop is None or receiver is None or mod.text(prop) not in methods:
        return None
    return fn, receiver


def _leave_call(ev: Evaluator, calls: list[tuple[Any, Any]], methods: set[str]) -> str | None:
    """`daily.leave()` and the like among the calls a handler can make, as text, or None. The receiver
    is a call object by what made it (`Daily.createCallObject()`, `useDaily()`; corpus L3) or, when
    that cannot be seen (state, props), by its name."""
    for call, mod in calls:
        found = _method_call(call, mod, methods)
        if found is None:
            continue
        fn, receiver = found
        if _CALL_OBJECT.search(mod.text(receiver)) or _made_by_daily(ev, mod, receiver):
            return f"{mod.text(fn)}() at {mod.location(call)}"
    return None


# What makes a Daily call object (daily-js factories, daily-react hooks).
_DAILY_FACTORIES = frozenset({"createCallObject", "createFrame", "getCallInstance", "useDaily", "useCallObject",
                              "useCallFrame"})


def _made_by_daily(ev: Evaluator, mod: Module, receiver: Any) -> bool:
    """`const co = Daily.createCallObject()`, or `ref.current = DailyIframe.createFrame(…)`."""
    node = receiver
    if node.type == "identifier":
        decl = ev.find_decl(mod.text(node), node, mod)
        value = decl.node.child_by_field_name("value") if isinstance(decl, VarBinding) else None
        return value is not None and _daily_factory_call(mod, value)
    text = mod.text(node).replace("?.", ".").replace("!", "")
    for asg in mod.assignments:
        left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
        if left is not None and right is not None and mod.text(left).replace(" ", "") == text and \
                _daily_factory_call(mod, right):
            return True
    return False


def _daily_factory_call(mod: Module, node: Any) -> bool:
    while node.type in ("await_expression", "parenthesized_expression", "as_expression", "non_null_expression") \
            and node.named_children:
        node = node.named_children[0]
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    return fn is not None and mod.text(fn).rsplit(".", 1)[-1] in _DAILY_FACTORIES
