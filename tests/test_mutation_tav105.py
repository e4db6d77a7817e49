"""TAV105 (rules/tav105_single_end_path.py) pinned (mutation survivors): each way out of a session
(End controls, unload listeners, `left-meeting` handlers, click handlers and effect cleanups that
leave the call) with the finding's kind, location and message, the evidence of a pass, the
unresolved entry of a handler the analysis cannot read; which calls leave the Daily call (by the
receiver's name or what made it); and the byte-level proof that prunes the walk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import PACK, index_for, options_for, write
from sop_check.context import Settings
from sop_check.engine import RunOptions, run_check
from sop_check.model import RuleResult, Status, Unresolved
from sop_check.registry import all_rules

PKG = '{"dependencies": {"next": "15.0.0", "@daily-co/daily-js": "0.72.0"}}'
PAGE = "import Call from '../components/Call';\nexport default function Page() { return <Call />; }\n"
ROUTE = "export async function POST() { return Response.json({ tavus: true }); }\n"
CALL = "components/Call.tsx"
HEAD = ("'use client';\nimport DailyIframe from '@daily-co/daily-js';\nimport { useEffect, useRef, useState } from 'react';\n"
        "const callObject = DailyIframe.createCallObject();\nexport default function Call() {\n")
END = "fetch('/api/tavus/end', { method: 'POST', body: '{}' })"
LEAVES = "ends the session without calling /api/tavus/end"
KEEPS = ": the conversation keeps running at Tavus"


def run(tmp_path: Path, body: str, extra: dict[str, str] | None = None, head: str = HEAD, end_route: bool = True,
        settings: Settings | None = None, **options: Any) -> RuleResult:
    """TAV105 over an app whose page renders `Call`, the body of which is `body` (its first line is line 6)."""
    files = {"package.json": PKG, "app/page.tsx": PAGE, CALL: head + body + "}\n", **(extra or {})}
    if end_route:
        files.setdefault("app/api/tavus/end/route.ts", ROUTE)
    write(tmp_path, files)
    report = run_check(tmp_path, RunOptions(rules=[all_rules()["TAV105"]], settings=settings or Settings(), environ={},
                                            pack=PACK,
                                            options_for=lambda code: options_for(code) | options))
    [result] = [r for app in report.apps for r in app.results]
    return result


def findings(got: RuleResult) -> list[tuple[str, str, str]]:
    """Each finding as (kind, location, message); the verdict must be the failing one."""
    assert got.status is Status.FAIL, (got.message, got.unresolved)
    assert got.message == "some ways out leave the conversation running"
    return [(f.kind, str(f.location), f.message) for f in got.findings]


def evidence(got: RuleResult) -> list[tuple[str, str]]:
    return [(e.message, str(e.location)) for e in got.evidence]


SKIPPED = (Status.SKIP, "no place in client code ends a session")


# --- End controls ---------------------------------------------------------------------------------

def test_an_end_control_that_calls_the_end_route_passes_with_its_evidence(tmp_path: Path) -> None:
    got = run(tmp_path, f"  return <button onClick={{() => {END}}}>End</button>;\n")
    assert (got.status, got.message) == (Status.PASS, "every way out ends the conversation at Tavus")
    assert evidence(got) == [('the <button> "End" control calls /api/tavus/end', f"{CALL}:6:10")]


def test_the_label_in_the_message_is_cut_at_thirty_characters(tmp_path: Path) -> None:
    got = run(tmp_path, f"  return <button onClick={{() => {END}}}>End the session with everyone now</button>;\n")
    assert evidence(got) == [('the <button> "End the session with everyone " control calls /api/tavus/end',
                              f"{CALL}:6:10")]


def test_an_end_control_that_only_leaves_the_call(tmp_path: Path) -> None:
    got = run(tmp_path, "  return <button onClick={() => callObject.leave()}>End</button>;\n")
    assert findings(got) == [("exit-without-end", f"{CALL}:6:10", f'the <button> "End" control {LEAVES} (it calls '
                              f"callObject.leave() at {CALL}:6:33){KEEPS}")]
    assert got.findings[0].hint == "call the end route (/api/tavus/end) there before leaving the call"


def test_an_end_control_that_does_nothing_says_nothing_it_calls(tmp_path: Path) -> None:
    got = run(tmp_path, "  return <button onClick={() => console.log('bye')}>End</button>;\n")
    assert findings(got) == [("exit-without-end", f"{CALL}:6:10", f'the <button> "End" control {LEAVES}{KEEPS}')]


def test_an_end_control_that_calls_another_route_names_it(tmp_path: Path) -> None:
    got = run(tmp_path, "  return <button onClick={() => fetch('/api/other', { method: 'POST' })}>End</button>;\n")
    assert findings(got) == [("exit-without-end", f"{CALL}:6:10", f'the <button> "End" control {LEAVES} (it calls '
                              f"fetch to /api/other at {CALL}:6:33 instead){KEEPS}")]


def test_an_end_control_whose_request_no_route_serves(tmp_path: Path) -> None:
    got = run(tmp_path, "  return <button onClick={() => fetch('/api/tavus/end', { method: 'GET' })}>End</button>;\n")
    assert findings(got) == [("end-not-served", f"{CALL}:6:33", 'the <button> "End" control sends GET to /api/tavus/end, '
                              "but app/api/tavus/end/route.ts exports only POST: the request ends nothing and the "
                              "conversation keeps running at Tavus")]
    assert got.findings[0].hint == "send POST to /api/tavus/end and export POST from its route file"


def test_an_end_control_whose_handler_cannot_be_read(tmp_path: Path) -> None:
    got = run(tmp_path, "  const [h] = useState();\n  return <button onClick={h}>End</button>;\n")
    assert (got.status, got.message) == (Status.UNKNOWN, "could not follow every way out")
    (u,) = got.unresolved
    assert isinstance(u, Unresolved)
    assert (str(u), u.kind, str(u.location)) == (
        f"{CALL}:7:10: the <button> \"End\" control ('h' is destructured from an array (a state value or setter))",
        "state", f"{CALL}:7:10")
    got = run(tmp_path, "  return <button onClick={window.foo}>End</button>;\n")
    (u,) = got.unresolved
    assert isinstance(u, Unresolved)
    assert (str(u), u.kind) == (f'{CALL}:6:10: the <button> "End" control (not a function)', "unmodelled")


def test_an_end_control_without_a_handler_is_no_way_out(tmp_path: Path) -> None:
    got = run(tmp_path, "  return <button onClick>End</button>;\n")
    assert (got.status, got.message) == SKIPPED


# --- the video call's own "I left" events ---------------------------------------------------------

def test_left_meeting_handlers_are_ways_out(tmp_path: Path) -> None:
    got = run(tmp_path, "  callObject.once('left-meeting', () => callObject.leave());\n  return <div />;\n")
    assert findings(got) == [("exit-without-end", f"{CALL}:6:3", f"the 'left-meeting' handler {LEAVES} (it calls "
                              f"callObject.leave() at {CALL}:6:41){KEEPS}")]
    got = run(tmp_path, "  callObject.addEventListener('left-meeting', () => 1);\n  return <div />;\n")
    assert findings(got) == [("exit-without-end", f"{CALL}:6:3", f"the 'left-meeting' handler {LEAVES}{KEEPS}")]
    got = run(tmp_path, f"  callObject.on('left-meeting', () => {END});\n  return <div />;\n")
    assert evidence(got) == [("the 'left-meeting' handler calls /api/tavus/end", f"{CALL}:6:3")]


def test_what_is_not_a_left_meeting_handler(tmp_path: Path) -> None:
    for stmt in ("callObject.off('left-meeting', () => 1)", "callObject.on('left-meeting')",
                 "callObject.on('joined-meeting', () => 1)", "on('left-meeting', () => 1)"):
        got = run(tmp_path, f"  {stmt};\n  return <div />;\n")
        assert (got.status, got.message) == SKIPPED, stmt


def test_the_events_are_an_option(tmp_path: Path) -> None:
    body = "  callObject.on('left-meeting', () => 1);\n  callObject.on('call-ended', () => 1);\n  return <div />;\n"
    got = run(tmp_path, body, **{"leave-events": ["call-ended"]})
    assert findings(got) == [("exit-without-end", f"{CALL}:7:3", f"the 'call-ended' handler {LEAVES}{KEEPS}")]


def test_a_handler_that_is_not_a_function(tmp_path: Path) -> None:
    got = run(tmp_path, "  callObject.on('left-meeting', 5);\n  return <div />;\n")
    (u,) = got.unresolved
    assert isinstance(u, Unresolved)
    assert (str(u), u.kind, got.status) == (f"{CALL}:6:3: the 'left-meeting' handler (not a function)", "unmodelled",
                                            Status.UNKNOWN)


# --- handlers that count only when they leave the call --------------------------------------------

def test_a_click_handler_that_leaves_the_call(tmp_path: Path) -> None:
    got = run(tmp_path, "  return <div onClick={() => callObject.leave()}>x</div>;\n")
    assert findings(got) == [("exit-without-end", f"{CALL}:6:10", f"the onClick of <div> {LEAVES} (it calls "
                              f"callObject.leave() at {CALL}:6:30){KEEPS}")]


def test_a_click_handler_that_leaves_nothing_is_no_way_out(tmp_path: Path) -> None:
    got = run(tmp_path, "  const y = makeThing();\n  return <div onClick={() => y.leave()}>x</div>;\n")
    assert (got.status, got.message) == SKIPPED


def test_an_effect_cleanup_and_an_unload_listener_that_leave(tmp_path: Path) -> None:
    body = ("  useEffect(() => { const h = () => callObject.leave(); window.addEventListener('pagehide', h); "
            "return () => window.removeEventListener('pagehide', h); }, []);\n  return <div />;\n")
    got = run(tmp_path, body)
    how = f"(it calls callObject.leave() at {CALL}:6:37)"
    assert findings(got) == [
        ("exit-without-end", f"{CALL}:6:57", f"the pagehide listener {LEAVES} {how}{KEEPS}"),
        ("exit-without-end", f"{CALL}:6:3", f"an effect's cleanup (on unmount) {LEAVES} {how}{KEEPS}")]


def test_a_labelled_control_is_judged_once(tmp_path: Path) -> None:
    got = run(tmp_path, "  return <button onClick={() => callObject.leave()}>Leave</button>;\n")
    assert [f[0:2] for f in findings(got)] == [("exit-without-end", f"{CALL}:6:10")]


# --- which calls leave the call -------------------------------------------------------------------

def leaving(tmp_path: Path, body: str) -> str | None:
    """What the one finding says the handler calls, or None when nothing ends a session."""
    got = run(tmp_path, body)
    if got.status is Status.SKIP:
        return None
    [(kind, _, message)] = findings(got)
    return message.split("(it calls ", 1)[1].split(" at ", 1)[0]


def test_a_call_object_known_by_what_made_it(tmp_path: Path) -> None:
    cases = {
        "  const x = DailyIframe.createCallObject();\n  return <div onClick={() => x.destroy()}>x</div>;\n": "x.destroy()",
        "  const x = (await DailyIframe.createFrame()) as any;\n  return <div onClick={() => x.leaveCall()}>x</div>;\n":
            "x.leaveCall()",
        "  const x = DailyIframe.getCallInstance()!;\n  return <div onClick={() => x.leave()}>x</div>;\n": "x.leave()",
        "  const x = useDaily();\n  return <div onClick={() => x.leave()}>x</div>;\n": "x.leave()",
        "  const x = DailyIframe.default.createCallObject();\n  return <div onClick={() => x.leave()}>x</div>;\n":
            "x.leave()",
        "  const ref = useRef<any>(null);\n  ref.current = DailyIframe.createFrame();\n"
        "  return <div onClick={() => ref.current?.leave()}>x</div>;\n": "ref.current?.leave()",
        "  const ref = useRef<any>(null);\n  ref.current = useCallFrame();\n"
        "  return <div onClick={() => ref.current!.leave()}>x</div>;\n": "ref.current!.leave()",
    }
    for body, said in cases.items():
        assert leaving(tmp_path, body) == said, body


def test_what_is_not_a_call_object(tmp_path: Path) -> None:
    for body in ("  const x = makeThing();\n  return <div onClick={() => x.leave()}>x</div>;\n",
                 "  const x = DailyIframe.createRoom();\n  return <div onClick={() => x.leave()}>x</div>;\n",
                 "  const ref = useRef<any>(null);\n  ref.current = makeThing();\n"
                 "  return <div onClick={() => ref.current.leave()}>x</div>;\n",
                 "  const ref = useRef<any>(null);\n  ref.other = DailyIframe.createFrame();\n"
                 "  return <div onClick={() => ref.current.leave()}>x</div>;\n",
                 "  return <div onClick={() => callObject.leaves()}>x</div>;\n",
                 "  return <div onClick={() => leave()}>x</div>;\n"):
        assert leaving(tmp_path, body) is None, body


def test_a_call_object_known_by_its_name(tmp_path: Path) -> None:
    for name in ("call", "daily", "frame", "tavus", "room", "conversation", "cvi", "myCALL"):
        body = f"  const [{name}] = useState<any>();\n  return <div onClick={{() => {name}.leave()}}>x</div>;\n"
        assert leaving(tmp_path, body) == f"{name}.leave()", name


def test_the_leave_methods_are_an_option(tmp_path: Path) -> None:
    body = "  return <div onClick={() => callObject.hangUp()}>x</div>;\n"
    got = run(tmp_path, body, **{"leave-methods": ["hangUp"]})
    assert [f[2].split("(it calls ")[1][:20] for f in findings(got)] == ["callObject.hangUp() "]
    assert run(tmp_path, body).status is Status.SKIP


# --- code no page renders is no way out -----------------------------------------------------------

# A page imports Other (so it is evidence) but renders only Call.
IMPORTS_OTHER = {"app/page.tsx": "import Other from '../components/Other';\n" + PAGE}
UNRENDERED = {"components/Other.tsx": "'use client';\nimport DailyIframe from '@daily-co/daily-js';\n"
                                      "const co = DailyIframe.createCallObject();\nexport default function Other() {\n"
                                      "  BODY\n}\n"}


def test_ways_out_in_a_component_no_page_renders_are_not_judged(tmp_path: Path) -> None:
    for body in ("return <button onClick={() => co.leave()}>End</button>;",
                 "co.on('left-meeting', () => co.leave()); return <div />;",
                 "return <div onClick={() => co.leave()}>x</div>;",
                 "useEffect(() => () => { co.leave(); }, []); return <div />;",
                 "useEffect(() => { const h = () => co.leave(); window.addEventListener('beforeunload', h); "
                 "return () => window.removeEventListener('beforeunload', h); }, []); return <div />;"):
        extra = {"components/Other.tsx": UNRENDERED["components/Other.tsx"].replace("BODY", body)
                 .replace("'use client';\n", "'use client';\nimport { useEffect } from 'react';\n"), **IMPORTS_OTHER}
        got = run(tmp_path, f"  return <button onClick={{() => {END}}}>End</button>;\n", extra)
        assert got.status is Status.PASS, (body, got.findings, got.unresolved)
        assert evidence(got) == [('the <button> "End" control calls /api/tavus/end', f"{CALL}:6:10")], body


def test_an_unrendered_end_control_is_not_judged_again_as_a_click_handler(tmp_path: Path) -> None:
    extra = {"components/Other.tsx": UNRENDERED["components/Other.tsx"].replace(
        "BODY", "return <button onClick={() => co.leave()}>Leave</button>;"), **IMPORTS_OTHER}
    got = run(tmp_path, "  return <div onClick={() => callObject.leave()}>x</div>;\n", extra)
    assert [f[1] for f in findings(got)] == [f"{CALL}:6:10"]


# --- the proof that no handler can leave the call ---------------------------------------------------

def test_holds_word_finds_a_whole_name_only() -> None:
    from sop_check_rules.tav105_single_end_path import _holds_word

    assert _holds_word(b"leave", b"leave") and _holds_word(b"x.leave()", b"leave")
    assert _holds_word(b"leaveRoom(); x.leave()", b"leave")  # a later whole occurrence
    assert _holds_word(b"leaveX leave leaveY", b"leave")  # the next occurrence, not the last
    assert _holds_word(b"x.leave() leaveRoom", b"leave")  # the first occurrence, not only the last
    assert _holds_word(b"a-leave", b"leave") and _holds_word(b"leave\n", b"leave")
    for data in (b"leaveRoom", b"$leave", b"_leave", b"leave$", b"leave9", b"9leave", b"xleave", b"", b"leav"):
        assert not _holds_word(data, b"leave"), data


def test_the_proof_reads_the_bytes_then_the_calls(tmp_path: Path) -> None:
    from sop_check_rules.tav105_single_end_path import _leave_calls_reachable

    def reachable(avatar: str) -> bool:
        write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, CALL: avatar})
        return _leave_calls_reachable(index_for(tmp_path), {"leave", "destroy"})

    assert reachable("export default function Call() { x.leave(); return null; }\n")
    assert reachable("export default function Call() { x.destroy(); return null; }\n")
    assert not reachable("export default function Call() { leave(); return null; }\n")  # not a method call
    assert not reachable("export default function Call() { x.leaveRoom(); return null; }\n")
    assert not reachable("// leave\nexport default function Call() { return null; }\n")  # the word, no call
    assert not reachable("export default function Call() { return null; }\n")


# --- what the end request's route says ------------------------------------------------------------

def test_without_an_end_route_the_control_still_calls_it(tmp_path: Path) -> None:
    # A missing route is TAV001's finding; here the way out goes through the end route as it should.
    got = run(tmp_path, f"  return <button onClick={{() => {END}}}>End</button>;\n", end_route=False)
    assert not (tmp_path / "app/api/tavus/end/route.ts").exists()
    assert got.status is Status.PASS and evidence(got) == [
        ('the <button> "End" control calls /api/tavus/end', f"{CALL}:6:10")]


def test_an_end_route_that_does_not_serve_post(tmp_path: Path) -> None:
    got = run(tmp_path, f"  return <button onClick={{() => {END}}}>End</button>;\n",
              {"app/api/tavus/end/route.ts": "export async function GET() { return Response.json({}); }\n"})
    assert findings(got) == [("end-not-served", f"{CALL}:6:33", 'the <button> "End" control sends POST to '
                              "/api/tavus/end, but app/api/tavus/end/route.ts exports only GET: the request ends "
                              "nothing and the conversation keeps running at Tavus")]


def test_an_end_request_whose_method_is_not_known(tmp_path: Path) -> None:
    got = run(tmp_path, "  const [m] = useState('');\n"
                        "  return <button onClick={() => fetch('/api/tavus/end', { method: m })}>End</button>;\n")
    assert (got.status, got.message) == (Status.UNKNOWN, "could not follow every way out")
    assert got.unresolved == [f"{CALL}:7:33: the method of the request to /api/tavus/end (method chosen at run time)"]


def test_each_unload_event_is_a_way_out(tmp_path: Path) -> None:
    for event in ("beforeunload", "unload", "pagehide"):
        got = run(tmp_path, f"  useEffect(() => {{ const h = () => console.log(1); window.addEventListener('{event}', h); "
                            f"return () => window.removeEventListener('{event}', h); }}, []);\n  return <div />;\n")
        assert findings(got) == [("exit-without-end", f"{CALL}:6:53", f"the {event} listener {LEAVES}{KEEPS}")]
    got = run(tmp_path, "  useEffect(() => { const h = () => console.log(1); window.addEventListener('visibilitychange', "
                        "h); return () => window.removeEventListener('visibilitychange', h); }, []);\n  return <div />;\n")
    assert (got.status, got.message) == SKIPPED


def test_a_file_too_large_to_read_is_left_out_of_the_proof(tmp_path: Path) -> None:
    # Imported (so evidence) but its bytes are None: the proof goes on with the other files (the run
    # says why it was skipped).
    big = "'use client';\nexport const leave = 1;\n" + "// padding padding padding\n" * 100
    head = HEAD.replace("export default", "import { leave } from './Big';\nexport default")
    got = run(tmp_path, "  return <div onClick={() => callObject.leave()}>x</div>;\n", {"components/Big.tsx": big},
              head=head, settings=Settings(max_file_size=2000))
    assert [f[:2] for f in findings(got)] == [("exit-without-end", f"{CALL}:7:10")]


# --- more of which calls leave the call, and where the walk looks -----------------------------------

def test_a_call_object_behind_optional_chaining_or_spaced_assignment(tmp_path: Path) -> None:
    cases = {
        "  const ref = useRef<any>(null);\n  ref.current = DailyIframe.createFrame();\n"
        "  return <div onClick={() => ref?.current.leave()}>x</div>;\n": "ref?.current.leave()",
        "  const ref = useRef<any>(null);\n  ref . current = DailyIframe.createFrame();\n"
        "  return <div onClick={() => ref.current.leave()}>x</div>;\n": "ref.current.leave()",
    }
    for body, said in cases.items():
        assert leaving(tmp_path, body) == said, body


def test_an_undeclared_receiver_is_no_call_object(tmp_path: Path) -> None:
    assert leaving(tmp_path, "  return <div onClick={() => someGlobal.leave()}>x</div>;\n") is None


def test_only_a_leave_method_leaves(tmp_path: Path) -> None:
    # A leave call elsewhere keeps the walk on; a handler calling another method of the call object ends nothing.
    got = run(tmp_path, f"  return <div><div onClick={{() => callObject.join()}}>x</div>\n"
                        f"    <button onClick={{() => {{ {END}; callObject.leave(); }}}}>End</button></div>;\n")
    assert got.status is Status.PASS, (got.findings, got.unresolved)
    assert evidence(got) == [('the <button> "End" control calls /api/tavus/end', f"{CALL}:7:5")]


def test_every_call_of_a_module_is_looked_at(tmp_path: Path) -> None:
    # An ordinary call before the listener, and an ordinary handler before the leaving one.
    got = run(tmp_path, "  setup();\n  callObject.on('left-meeting', () => 1);\n  return <div />;\n")
    assert [f[:2] for f in findings(got)] == [("exit-without-end", f"{CALL}:7:3")]
    got = run(tmp_path, "  return <div><div onClick={() => console.log(1)}>a</div>\n"
                        "    <span onClick={() => callObject.leave()}>b</span></div>;\n")
    assert [f[:2] for f in findings(got)] == [("exit-without-end", f"{CALL}:7:5")]


def test_a_syntax_error_elsewhere_in_the_module_leaves_its_listeners_judged(tmp_path: Path) -> None:
    got = run(tmp_path, "  callObject.on('left-meeting', () => 1);\n  return <div />;\n",
              head=HEAD.replace("export default", "const broken = (;\nexport default"))
    assert [f[:2] for f in findings(got)] == [("exit-without-end", f"{CALL}:7:3")]


def test_an_unrendered_way_out_does_not_stop_the_others_being_judged(tmp_path: Path) -> None:
    other = UNRENDERED["components/Other.tsx"].replace("BODY", "co.on('left-meeting', () => co.leave()); "
                                                       "return <div onClick={() => co.leave()}>x</div>;")
    got = run(tmp_path, "  callObject.on('left-meeting', () => 1);\n  useEffect(() => () => { callObject.leave(); }, []);\n"
                        "  return <div onClick={() => callObject.leave()}>x</div>;\n",
              {"components/Other.tsx": other, **IMPORTS_OTHER})
    assert [f[:2] for f in findings(got)] == [("exit-without-end", f"{CALL}:6:3"), ("exit-without-end", f"{CALL}:8:10"),
                                              ("exit-without-end", f"{CALL}:7:3")]


def test_the_end_route_under_a_base_path(tmp_path: Path) -> None:
    body = ("  return <button onClick={() => fetch('/app/api/tavus/end', { method: 'POST', body: '{}' })}>End</button>;\n")
    got = run(tmp_path, body, {"next.config.js": "module.exports = { basePath: '/app' };\n"})
    assert got.status is Status.PASS, (got.findings, got.unresolved)


def test_a_handler_that_is_not_a_function_does_not_stop_the_others_being_judged(tmp_path: Path) -> None:
    got = run(tmp_path, "  callObject.on('left-meeting', 5);\n"
                        "  return <div><div onClick={window.foo}>a</div><div onClick={() => callObject.leave()}>b</div>"
                        "</div>;\n")
    assert [f[:2] for f in findings(got)] == [("exit-without-end", f"{CALL}:7:48")]


def test_the_proof_reads_files_quietly(tmp_path: Path) -> None:
    # A file outside the sub-app that only a string literal names (no import, so nothing lists or
    # reads it): the proof follows it, and says nothing about its bytes; a rule that reads it would.
    call = HEAD + "  const where = '../../../shared/bad';\n  // leave it\n  return <div>{where}</div>;\n}\n"
    write(tmp_path, {"package.json": '{"private": true, "workspaces": ["apps/*"]}', "apps/web/package.json": PKG,
                     "apps/web/app/page.tsx": PAGE, "apps/web/app/api/tavus/end/route.ts": ROUTE,
                     "apps/web/components/Call.tsx": call})
    (tmp_path / ".git").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/bad.ts").write_bytes(b"export const y = '\xff\xfe';\n")
    report = run_check(tmp_path, RunOptions(rules=[all_rules()["TAV105"]], settings=Settings(), environ={}, pack=PACK,
                                            options_for=options_for))
    assert [(r.status, r.message) for app in report.apps for r in app.results] == [SKIPPED]
    assert report.diagnostics == []


def test_an_effect_cleanup_that_does_not_leave_is_no_way_out(tmp_path: Path) -> None:
    got = run(tmp_path, "  useEffect(() => () => { console.log('bye'); }, []);\n"
                        f"  return <button onClick={{() => {{ {END}; callObject.leave(); }}}}>End</button>;\n")
    assert got.status is Status.PASS, (got.findings, got.unresolved)
    assert evidence(got) == [('the <button> "End" control calls /api/tavus/end', f"{CALL}:7:10")]
