"""The unload listener query (`rules/_listeners.py`) and the unload analysis TAV003 and TAV004
share (`rules/_unload.py`): how far a custom hook is followed to its callers, which library hooks
count, where a listener found through a hook is reported, and what each problem kind carries.
Each case is a line of those modules that no test noticed changing (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import PACK, index_for, kinds, options_for, verdicts, write
from sop_check_rules._examples import UNLOAD_AVATAR, client_project
from sop_check_rules._listeners import Listener, unload_listeners
from sop_check_rules._unload import analyse_unload

from sop_check.context import CheckContext, Settings
from sop_check.engine import RunOptions, run_check
from sop_check.evaluate import Evaluator, Func
from sop_check.model import Evidence, Location, RuleResult, Status
from sop_check.registry import all_rules

PKG = '{"dependencies": {"next": "15", "react": "19"}}'


def _listeners(tmp_path: Path, files: dict[str, str], events: tuple[str, ...] = ("beforeunload",)) -> list[Listener]:
    """The listeners of `events` in a project of `files` (with a package.json and a page)."""
    write(tmp_path, {"package.json": PKG, **files})
    index = index_for(tmp_path)
    return unload_listeners(index, Evaluator(index), list(events))


def _where(lst: Listener) -> tuple[str, int]:
    return lst.location.path, lst.location.line


# How far a custom hook is followed to the places that call it.

UNLOAD_HOOK = """import { useEffect } from 'react';
export function useUnload(handler: () => void) {
  useEffect(() => {
    window.addEventListener('beforeunload', handler);
    return () => window.removeEventListener('beforeunload', handler);
  }, [handler]);
}
"""


def _wrapper(level: int) -> str:
    inner = "useUnload" if level == 1 else f"useLevel{level - 1}"
    return f"export function useLevel{level}(h: () => void) {{\n  {inner}(h);\n}}\n"


def _chain(levels: int) -> dict[str, str]:
    """A page calling `useLevel<levels>`, each level passing the handler one level down to `useUnload`."""
    hooks = UNLOAD_HOOK + "".join(_wrapper(n) for n in range(1, levels + 1))
    outer = f"useLevel{levels}" if levels else "useUnload"
    page = (f"'use client';\nimport {{ {outer} }} from '../lib/hooks';\nexport default function Page() {{\n"
            f"  {outer}(() => {{ fetch('/api/tavus/end', {{ method: 'POST', keepalive: true }}); }});\n"
            "  return null;\n}\n")
    return {"lib/hooks.ts": hooks, "app/page.tsx": page}


def test_a_handler_passed_down_three_hooks_is_read_at_the_page(tmp_path: Path) -> None:
    (lst,) = _listeners(tmp_path, _chain(3))
    assert isinstance(lst.handler, Func) and lst.handler_text == "handler"
    assert _where(lst) == ("lib/hooks.ts", 4)


def test_a_handler_passed_down_four_hooks_is_past_the_levels_followed(tmp_path: Path) -> None:
    # Four sites are followed (useUnload's in useLevel1 ... useLevel4's in useLevel3... the page's is
    # the fifth): the handler is read with what four levels bind, useLevel4's parameter unknown.
    (lst,) = _listeners(tmp_path, _chain(4))
    assert not isinstance(lst.handler, Func)


def _called_from(n: int, hook: str) -> dict[str, str]:
    """`n` pages, each calling `hook` with its own handler."""
    files = {}
    for i in range(n):
        files[f"app/p{i}/page.tsx"] = (
            f"'use client';\nimport {{ useUnload }} from '../../lib/hooks';\nexport default function Page{i}() {{\n"
            f"  useUnload(() => {{ fetch('/api/tavus/end'); }});\n  return null;\n}}\n")
    return {"lib/hooks.ts": hook, **files}


def test_a_hook_called_from_many_places_is_read_at_sixteen_of_them(tmp_path: Path) -> None:
    found = _listeners(tmp_path, _called_from(18, UNLOAD_HOOK))
    assert len(found) == 16 and all(isinstance(lst.handler, Func) for lst in found)


def test_a_hook_that_reads_no_parameter_is_read_once_however_many_call_it(tmp_path: Path) -> None:
    hook = UNLOAD_HOOK.replace("(handler: () => void)", "()").replace(
        "  useEffect(() => {\n", "  useEffect(() => {\n    const handler = () => fetch('/api/tavus/end');\n")
    found = _listeners(tmp_path, _called_from(2, hook))
    assert [(lst.handler_text, lst.removed) for lst in found] == [("handler", True)]


def test_a_component_s_props_are_not_bound_where_it_is_called_as_a_function(tmp_path: Path) -> None:
    # A component reads its props from JSX: the calls of it (here as functions) are not its call paths.
    comp = ("'use client';\nimport { useEffect } from 'react';\n"
            "export function Guard({ onEnd }: { onEnd: () => void }) {\n"
            "  useEffect(() => {\n    window.addEventListener('beforeunload', onEnd);\n"
            "    return () => window.removeEventListener('beforeunload', onEnd);\n  }, [onEnd]);\n  return null;\n}\n"
            "export function useA() { return Guard({ onEnd: () => fetch('/api/tavus/end') }); }\n"
            "export function useB() { return Guard({ onEnd: () => fetch('/api/tavus/end') }); }\n")
    found = _listeners(tmp_path, {"lib/guard.tsx": comp,
                                  "app/page.tsx": "import '../lib/guard';\nexport default function Page() { return null; }\n"})
    assert [(_where(lst), isinstance(lst.handler, Func)) for lst in found] == [(("lib/guard.tsx", 5), False)]


# Listeners registered through hooks: what each carries and where it is reported.

def _page(imports: str, body: str) -> dict[str, str]:
    return {"app/page.tsx": f"'use client';\n{imports}\nexport default function Page() {{\n"
                            "  const onUnload = () => { fetch('/api/tavus/end', { keepalive: true }); };\n"
                            f"  {body}\n  return null;\n}}\n"}


def test_a_library_unload_hook_is_a_removed_beforeunload_listener_in_its_own_effect(tmp_path: Path) -> None:
    (lst,) = _listeners(tmp_path, _page("import { useBeforeUnload } from 'react-router-dom';",
                                        "useBeforeUnload(onUnload);"), ("beforeunload", "pagehide"))
    assert (lst.event, lst.handler_text, lst.removed, _where(lst)) == ("beforeunload", "onUnload", True,
                                                                       ("app/page.tsx", 5))
    assert isinstance(lst.handler, Func) and lst.effect is lst.node


def test_a_library_unload_hook_is_not_a_pagehide_listener(tmp_path: Path) -> None:
    assert _listeners(tmp_path, _page("import { useBeforeUnload } from 'react-router-dom';",
                                      "useBeforeUnload(onUnload);"), ("pagehide",)) == []


def test_a_library_unload_hook_with_an_unknown_handler_is_still_a_listener(tmp_path: Path) -> None:
    (lst,) = _listeners(tmp_path, _page("import { useBeforeUnload } from 'react-router-dom';\n"
                                        "import { makeHandler } from 'some-lib';",
                                        "useBeforeUnload(makeHandler());"))
    assert (lst.event, lst.handler_text, lst.removed) == ("beforeunload", "makeHandler()", True)
    assert not isinstance(lst.handler, Func)


def test_a_library_event_hook_is_a_removed_listener_of_its_event(tmp_path: Path) -> None:
    (lst,) = _listeners(tmp_path, _page("import { useEventListener } from 'usehooks-ts';",
                                        "useEventListener('pagehide', onUnload);"), ("beforeunload", "pagehide"))
    assert (lst.event, lst.handler_text, lst.removed, _where(lst)) == ("pagehide", "onUnload", True,
                                                                       ("app/page.tsx", 5))
    assert isinstance(lst.handler, Func) and lst.effect is lst.node


def test_a_library_event_hook_for_another_event_or_without_a_handler_is_no_listener(tmp_path: Path) -> None:
    assert _listeners(tmp_path / "a", _page("import { useEventListener } from 'usehooks-ts';",
                                            "useEventListener('pagehide', onUnload);")) == []
    assert _listeners(tmp_path / "b", _page("import { useEventListener } from 'usehooks-ts';",
                                            "useEventListener('beforeunload');")) == []


def test_an_unknown_hook_given_the_event_is_no_listener(tmp_path: Path) -> None:
    assert _listeners(tmp_path, _page("import { useSomething } from 'some-lib';",
                                      "useSomething('beforeunload', onUnload);")) == []


OWN_HOOK = """import { useEffect } from 'react';
window.addEventListener('beforeunload', () => {});
export function useWindowListener(eventName: string, handler: () => void) {
  useEffect(() => {
    window.addEventListener(eventName, handler);
    return () => window.removeEventListener(eventName, handler);
  }, [eventName, handler]);
}
window.addEventListener('pagehide', () => {});
"""


def test_a_project_hook_s_listener_is_reported_where_the_app_calls_it(tmp_path: Path) -> None:
    files = {**_page("import { useWindowListener } from '../lib/hooks';",
                     "useWindowListener('beforeunload', onUnload);"), "lib/hooks.ts": OWN_HOOK}
    found = _listeners(tmp_path, files, ("beforeunload", "pagehide"))
    # The two registrations outside the hook are listeners of their own (at the top of lib/hooks.ts),
    # not the hook's: only the call inside the hook's function is read with its arguments.
    assert sorted((_where(lst), lst.event, lst.handler_text, lst.removed) for lst in found) == [
        (("app/page.tsx", 5), "beforeunload", "handler", True),
        (("lib/hooks.ts", 2), "beforeunload", "() => {}", False),
        (("lib/hooks.ts", 9), "pagehide", "() => {}", False)]
    (hooked,) = [lst for lst in found if lst.module.path == "app/page.tsx"]
    assert isinstance(hooked.handler, Func) and hooked.effect is not None


def test_a_project_hook_given_the_event_fourth_is_not_read(tmp_path: Path) -> None:
    hook = OWN_HOOK.replace("(eventName: string, handler: () => void)",
                            "(a: string, handler: () => void, c: boolean, eventName: string)")
    files = {**_page("import { useWindowListener } from '../lib/hooks';",
                     "useWindowListener('x', onUnload, false, 'beforeunload');"), "lib/hooks.ts": hook}
    assert [_where(lst) for lst in _listeners(tmp_path, files)] == [("lib/hooks.ts", 2)]


@pytest.mark.xfail(strict=True, reason="known false fail: a hook given its event through a name is not read; evaluating every named argument of every call exhausted the analysis budget on a 5,800-line page")
def test_a_project_hook_given_the_event_in_a_constant_is_read(tmp_path: Path) -> None:
    # Was a false fail: the gate looked for the event's spelling among the arguments only.
    files = {**_page("import { useWindowListener } from '../lib/hooks';\nconst EVENTS = { end: 'beforeunload' };",
                     "useWindowListener(EVENTS.end, onUnload);"), "lib/hooks.ts": OWN_HOOK}
    found = _listeners(tmp_path, files)
    assert sorted((_where(lst), lst.handler_text) for lst in found) == [
        (("app/page.tsx", 6), "handler"), (("lib/hooks.ts", 2), "() => {}")]


@pytest.mark.xfail(strict=True, reason="known false fail: a hook given its event through a name is not read; evaluating every named argument of every call exhausted the analysis budget on a 5,800-line page")
def test_tav003_passes_a_project_hook_given_the_event_in_an_imported_constant(tmp_path: Path) -> None:
    avatar = ("'use client';\nimport { useWindowListener } from './hooks';\nimport { UNLOAD } from './events';\n"
              "export default function Avatar() {\n"
              "  const onUnload = () => { fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: 'c1' }); };\n"
              "  useWindowListener(UNLOAD, onUnload);\n  return <div>tavus avatar</div>;\n}\n")
    files = client_project(avatar)
    files["components/hooks.ts"] = OWN_HOOK.replace("window.addEventListener('beforeunload', () => {});\n", "").replace(
        "window.addEventListener('pagehide', () => {});\n", "")
    files["components/events.ts"] = "export const UNLOAD = 'beforeunload';\n"
    write(tmp_path, files)
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert (got.status, kinds(got)) == (Status.PASS, []), got.message
    assert ("components/Avatar.tsx", 6) in [(e.location.path, e.location.line) for e in got.evidence]


def test_a_project_hook_that_never_removes_its_listener_is_one_not_removed(tmp_path: Path) -> None:
    # Only the hook's addEventListener is a registration (its removeEventListener would read the same).
    hook = OWN_HOOK.replace("    return () => window.removeEventListener(eventName, handler);\n", "")
    files = {**_page("import { useWindowListener } from '../lib/hooks';",
                     "useWindowListener('beforeunload', onUnload);"), "lib/hooks.ts": hook}
    hooked = [lst for lst in _listeners(tmp_path, files) if lst.module.path == "app/page.tsx"]
    assert [(lst.handler_text, lst.removed, lst.effect is not None) for lst in hooked] == [("handler", False, True)]


def test_a_project_hook_whose_body_is_the_registration_is_read(tmp_path: Path) -> None:
    hook = ("export const useWindowListener = (eventName: string, handler: () => void) =>\n"
            "  window.addEventListener(eventName, handler);\n")
    files = {**_page("import { useWindowListener } from '../lib/hooks';",
                     "useWindowListener('beforeunload', onUnload);"), "lib/hooks.ts": hook}
    (lst,) = _listeners(tmp_path, files)
    assert (_where(lst), lst.handler_text, lst.effect, lst.removed) == (("app/page.tsx", 5), "handler", None, False)


def test_a_library_event_hook_given_an_unknown_event_is_no_listener(tmp_path: Path) -> None:
    assert _listeners(tmp_path, _page("import { useEventListener } from 'usehooks-ts';\nimport { kind } from 'x';",
                                      "useEventListener(kind, onUnload, 'beforeunload');")) == []


# The unload analysis (rules/_unload.py): what it makes of each listener.

def _with_handler(handler: str) -> str:
    return UNLOAD_AVATAR.replace("addEventListener('beforeunload', handleBeforeUnload)",
                                 f"addEventListener('beforeunload', {handler})")


def test_a_handler_that_is_a_call_s_result_is_unresolved_at_the_listener_with_its_kind(tmp_path: Path) -> None:
    avatar = _with_handler("makeHandler()").replace("import { useEffect } from 'react';",
                                                    "import { useEffect } from 'react';\nimport { makeHandler } from 'x';")
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert got.status is Status.UNKNOWN
    (entry,) = got.unresolved
    assert entry.location is not None
    assert (entry.kind, entry.location.path, entry.location.line) == ("call-result", "components/Avatar.tsx", 14)
    assert str(entry) == ("components/Avatar.tsx:14:5: the beforeunload handler `makeHandler()` "
                          "(the result of x makeHandler())")


def test_a_handler_that_is_no_function_is_unresolved_as_unmodelled(tmp_path: Path) -> None:
    write(tmp_path, client_project(_with_handler("'not a handler'")))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert got.status is Status.UNKNOWN
    (entry,) = got.unresolved
    assert entry.location is not None
    assert (entry.kind, entry.location.path, entry.location.line) == ("unmodelled", "components/Avatar.tsx", 13)
    assert str(entry) == ("components/Avatar.tsx:13:5: the beforeunload handler `'not a handler'` "
                          "(not a function)")


def test_a_listener_no_page_renders_does_not_hide_the_next_one(tmp_path: Path) -> None:
    unused = ("function Unused() {\n  useEffect(() => {\n    const h = () => {};\n"
              "    window.addEventListener('beforeunload', h);\n  }, []);\n  return null;\n}\n")
    write(tmp_path, client_project(UNLOAD_AVATAR.replace("export default function Avatar", unused + "export default function Avatar")))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert (got.status, kinds(got)) == (Status.PASS, []), got.message
    assert ("components/Avatar.tsx", 20) in [(e.location.path, e.location.line) for e in got.evidence]


def test_rules_asking_with_other_events_get_their_own_analysis(tmp_path: Path) -> None:
    # TAV003 reads the pack's events; TAV004 here is configured for pagehide only, so the
    # beforeunload listener TAV003 judged (sending keepalive: false) is none of TAV004's.
    write(tmp_path, client_project(UNLOAD_AVATAR.replace("keepalive: true", "keepalive: false")))

    def options(code: str) -> dict[str, Any]:
        extra = {"events": ["pagehide"], "also-accepted-events": []} if code == "TAV004" else {}
        return {**options_for(code), **extra}
    report = run_check(tmp_path, RunOptions(rules=[all_rules()["TAV003"], all_rules()["TAV004"]], options_for=options,
                                            settings=Settings(), environ={}, pack=PACK))
    got = {r.rule: r for app in report.apps for r in app.results}
    assert got["TAV003"].status is Status.PASS
    assert (got["TAV004"].status, kinds(got["TAV004"])) == (Status.FAIL, ["no-unload-request"])


OUTSIDE = ("'use client';\nconst h = () => { fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: 'x' }); };\n"
           "window.addEventListener('beforeunload', h);\n"
           "export default function Avatar() { return <div>tavus avatar</div>; }\n")


def _findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, dict[str, object], tuple[Evidence, ...]]]:
    write(tmp_path, files)
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert got.status is Status.FAIL and got.unresolved == [], got.message
    return [(f.kind, str(f.location), f.data, f.related) for f in got.findings]


def test_a_listener_outside_an_effect_is_reported_where_it_is_registered(tmp_path: Path) -> None:
    assert _findings(tmp_path, client_project(OUTSIDE)) == [
        ("outside-effect", "components/Avatar.tsx:3:1", {"event": "beforeunload"}, ())]


def test_a_request_to_another_route_is_reported_at_the_request_beside_its_listener(tmp_path: Path) -> None:
    got = _findings(tmp_path, client_project(UNLOAD_AVATAR.replace("'/api/tavus/end'", "'/api/tavus/stop'")))
    listener = Location("components/Avatar.tsx", 13, 5, 13, 64, 5, 64)
    assert got == [("calls-other-route", "components/Avatar.tsx:7:7",
                     {"event": "beforeunload", "request": "fetch to /api/tavus/stop at components/Avatar.tsx:7:7",
                      "route": "/api/tavus/end"},
                     (Evidence("the beforeunload listener that sends it", listener),))]


def test_a_route_no_file_serves_is_reported_at_the_listener(tmp_path: Path) -> None:
    files = client_project(UNLOAD_AVATAR)
    del files["app/api/tavus/end/route.ts"]
    assert _findings(tmp_path, files) == [
        ("route-not-served", "components/Avatar.tsx:13:5", {"event": "beforeunload", "route": "/api/tavus/end"}, ())]


def test_a_good_listener_makes_another_s_problem_moot(tmp_path: Path) -> None:
    files = client_project(UNLOAD_AVATAR)
    files["components/Outside.tsx"] = OUTSIDE.replace("Avatar", "Outside")
    files["app/page.tsx"] = files["app/page.tsx"] + "import '../components/Outside';\n"
    write(tmp_path, files)
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert (got.status, kinds(got)) == (Status.PASS, []), got.message


# Registrations by assignment (`window.onbeforeunload = h`) and in code the parser could not read.

def _script(tmp_path: Path, source: str, events: tuple[str, ...] = ("beforeunload",)) -> list[Listener]:
    return _listeners(tmp_path, {"lib/unload.js": "'use client';\nconst h = () => fetch('/api/tavus/end');\n" + source,
                                 "app/page.js": "import '../lib/unload';\nexport default function Page() { return null; }\n"},
                      events)


def _seen(found: list[Listener]) -> list[tuple[int, str, str]]:
    return [(lst.location.line, lst.event, lst.handler_text) for lst in found]


def test_an_onbeforeunload_assignment_is_a_listener_of_its_event_with_its_handler(tmp_path: Path) -> None:
    source = ("let n = 0;\nwindow.onbeforeunload = null;\nn = 1;\nglobalThis.window.onbeforeunload = h;\n"
              "self.onpagehide = () => h();\n")
    assert _seen(_script(tmp_path, source, ("beforeunload", "pagehide"))) == [
        (6, "beforeunload", "h"), (7, "pagehide", "() => h()")]


def test_assignments_to_other_objects_or_properties_are_no_listeners(tmp_path: Path) -> None:
    source = "document.onbeforeunload = h;\nwindow.mybeforeunload = h;\nwindow.onresize = h;\nwindow.onbeforeunload = h;\n"
    assert _seen(_script(tmp_path, source)) == [(6, "beforeunload", "h")]


def test_registrations_in_code_the_parser_could_not_read_are_not_listeners(tmp_path: Path) -> None:
    source = ("window.addEventListener('beforeunload', h);\nwindow.onbeforeunload = h;\n"
              "function broken( {\n  window.addEventListener('beforeunload', h);\n  window.onbeforeunload = h;\n")
    assert _seen(_script(tmp_path, source)) == [(3, "beforeunload", "h"), (4, "beforeunload", "h")]


def test_the_listeners_of_an_event_past_the_unload_ones_are_found_on_a_later_question(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "lib/unload.js": "'use client';\nconst h = () => fetch('/api/tavus/end');\n"
                     "window.addEventListener('beforeunload', h);\nwindow.addEventListener('visibilitychange', h);\n",
                     "app/page.js": "import '../lib/unload';\nexport default function Page() { return null; }\n"})
    index = index_for(tmp_path)
    ev = Evaluator(index)
    assert _seen(unload_listeners(index, ev, ["beforeunload"])) == [(3, "beforeunload", "h")]
    assert _seen(unload_listeners(index, ev, ["visibilitychange"])) == [(4, "visibilitychange", "h")]



# One listener's unknown or refused request does not stop the search: the next listener is judged.

SECOND = ("    const second = () => { fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: 'c1' }); };\n"
          "    window.addEventListener('beforeunload', second);\n")


def _first_then_good(tmp_path: Path, old: str, new: str, imports: str = "") -> RuleResult:
    """TAV003 on the SOP's avatar with `old` replaced in its listener, and a good listener after it."""
    avatar = UNLOAD_AVATAR.replace(old, new).replace(
        "    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n",
        SECOND + "    return () => {\n      window.removeEventListener('beforeunload', handleBeforeUnload);\n"
        "      window.removeEventListener('beforeunload', second);\n    };\n").replace(
        "import { useEffect } from 'react';", "import { useEffect } from 'react';" + imports)
    assert avatar.count(new) == 1
    write(tmp_path, client_project(avatar))
    return verdicts(tmp_path, "TAV003")["TAV003"]


def _passes_at_second(got: RuleResult) -> None:
    assert (got.status, kinds(got)) == (Status.PASS, []), (got.message, got.unresolved)
    assert [(e.location.path, e.location.line) for e in got.evidence][0][1] > 13


def test_a_listener_whose_handler_is_unknown_does_not_hide_the_next_one(tmp_path: Path) -> None:
    _passes_at_second(_first_then_good(tmp_path, "addEventListener('beforeunload', handleBeforeUnload)",
                                       "addEventListener('beforeunload', makeHandler())",
                                       "\nimport { makeHandler } from 'x';"))


def test_a_listener_whose_request_url_is_unknown_does_not_hide_the_next_one(tmp_path: Path) -> None:
    _passes_at_second(_first_then_good(tmp_path, "fetch('/api/tavus/end', {", "fetch(endUrl(), {",
                                       "\nimport { endUrl } from 'x';"))


def test_a_listener_whose_request_method_is_unknown_does_not_hide_the_next_one(tmp_path: Path) -> None:
    _passes_at_second(_first_then_good(tmp_path, "method: 'POST',", "method: verb,", "\nimport { verb } from 'x';"))


def test_a_request_whose_method_is_unknown_is_unresolved(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("method: 'POST',", "method: verb,").replace(
        "import { useEffect } from 'react';", "import { useEffect } from 'react';\nimport { verb } from 'x';")
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert (got.status, got.findings) == (Status.UNKNOWN, [])
    (entry,) = got.unresolved
    assert str(entry).startswith("components/Avatar.tsx:8:7: the method of the request to /api/tavus/end (")


def test_a_get_before_the_post_does_not_fail_the_listener_that_posts(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("      fetch('/api/tavus/end', {\n",
                                   "      fetch('/api/tavus/end', { keepalive: true });\n"
                                   "      fetch('/api/tavus/end', {\n")
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert (got.status, kinds(got)) == (Status.PASS, []), got.message


def test_a_refused_method_is_reported_at_the_request(tmp_path: Path) -> None:
    write(tmp_path, client_project(UNLOAD_AVATAR.replace("        method: 'POST',\n", "")))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    (finding,) = got.findings
    assert (finding.kind, str(finding.location)) == ("method-not-served", "components/Avatar.tsx:7:7")


def test_the_end_route_is_matched_under_the_base_path(tmp_path: Path) -> None:
    files = client_project(UNLOAD_AVATAR.replace("fetch('/api/tavus/end'", "fetch('/app/api/tavus/end'"))
    files["next.config.js"] = "module.exports = { basePath: '/app' };\n"
    write(tmp_path, files)
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert (got.status, kinds(got)) == (Status.PASS, []), got.message


def test_a_good_listener_clears_the_problems_of_the_others_in_the_analysis(tmp_path: Path) -> None:
    files = client_project(UNLOAD_AVATAR)
    files["components/Outside.tsx"] = OUTSIDE.replace("Avatar", "Outside")
    files["app/page.tsx"] = files["app/page.tsx"] + "import '../components/Outside';\n"
    write(tmp_path, files)
    ctx = CheckContext(index_for(tmp_path), options_for("TAV003"), Settings(), {}, lambda code: None)
    got = analyse_unload(ctx)
    assert sorted(_where(lst) for lst in got.listeners) == [("components/Avatar.tsx", 13), ("components/Outside.tsx", 3)]
    assert ([_where(lst) for lst in got.good], got.problems) == ([("components/Avatar.tsx", 13)], [])
    del files["components/Avatar.tsx"]  # alone, the one outside an effect has its problem
    write(tmp_path / "alone", {**files, "app/page.tsx": "import '../components/Outside';\n"
                               "export default function Page() { return <div>tavus</div>; }\n"})
    alone = analyse_unload(CheckContext(index_for(tmp_path / "alone"), options_for("TAV003"), Settings(), {},
                                       lambda code: None))
    assert [(p.kind, p.location.line) for p in alone.problems] == [("outside-effect", 3)]


def test_an_assignment_the_parser_could_not_read_is_skipped_and_the_next_one_read(tmp_path: Path) -> None:
    # The first assignment's right side runs into the second: it overlaps the error, the second does not.
    found = _script(tmp_path, "window.onbeforeunload = h +;\nwindow.onbeforeunload = h;\n")
    assert _seen(found) == [(4, "beforeunload", "h")]


def test_a_long_handler_is_named_by_its_first_forty_characters(tmp_path: Path) -> None:
    name = "makeTheBeforeUnloadHandlerForThisConversation"
    avatar = _with_handler(f"{name}()").replace("import { useEffect } from 'react';",
                                                f"import {{ useEffect }} from 'react';\nimport {{ {name} }} from 'x';")
    write(tmp_path, client_project(avatar))
    (entry,) = verdicts(tmp_path, "TAV003")["TAV003"].unresolved
    assert f"the beforeunload handler `{name[:40]}` (" in str(entry)


def test_a_registration_the_parser_could_not_read_is_skipped_and_the_next_one_read(tmp_path: Path) -> None:
    found = _script(tmp_path, "window.addEventListener('beforeunload', h +);\nwindow.addEventListener('beforeunload', h);\n")
    assert _seen(found) == [(4, "beforeunload", "h")]


def test_an_onbeforeunload_assignment_in_an_effect_is_removed_by_its_reset(tmp_path: Path) -> None:
    source = ("import { useEffect } from 'react';\nexport function useGuard() {\n  useEffect(() => {\n"
              "    window.onbeforeunload = h;\n    return () => { window.onbeforeunload = null; };\n  }, []);\n}\n"
              "export function useLeak() {\n  useEffect(() => {\n    window.onbeforeunload = h;\n  }, []);\n}\n")
    found = _script(tmp_path, source)
    assert [(lst.location.line, lst.effect is not None, lst.removed, isinstance(lst.handler, Func))
            for lst in found] == [(6, True, True, True), (12, True, False, True)]
