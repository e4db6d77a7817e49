"""Effects and their cleanups (`rules/_effects.py`), through TAV003 and the listener query: which
call registers or removes a window listener, what an effect's cleanup runs, when aborting a
signal or resetting `onbeforeunload` removes the listener. Each case is a line of those checks
that no test noticed changing (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, kinds, verdicts, write
from sop_check.evaluate import Evaluator
from sop_check.model import RuleResult, Status
from sop_check_rules._effects import _controller_of, enclosing_effect
from sop_check_rules._examples import UNLOAD_AVATAR, client_project
from sop_check_rules._listeners import unload_listeners

ADD = "    window.addEventListener('beforeunload', handleBeforeUnload);\n"
REMOVE = "    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n"
CONTROLLER = "    const c = new AbortController();\n"


def _tav003(tmp_path: Path, add: str = ADD, remove: str = REMOVE) -> RuleResult:
    """TAV003 on the SOP's avatar with its registration and cleanup lines replaced."""
    avatar = UNLOAD_AVATAR.replace(ADD, add).replace(REMOVE, remove)
    assert avatar != UNLOAD_AVATAR or (add, remove) == (ADD, REMOVE)
    write(tmp_path, client_project(avatar))
    return verdicts(tmp_path, "TAV003")["TAV003"]


def _passes(got: RuleResult) -> None:
    assert got.status is Status.PASS, (got.message, [f.message for f in got.findings])


def _never_removed(got: RuleResult) -> None:
    assert got.status is Status.FAIL and kinds(got) == ["never-removed"], (got.message, kinds(got))
    assert got.findings[0].location.path == "components/Avatar.tsx"


def _signal(opts: str, before: str = CONTROLLER) -> str:
    return before + f"    window.addEventListener('beforeunload', handleBeforeUnload, {opts});\n"


@pytest.mark.parametrize("add, remove", [
    ("    window\n      .addEventListener('beforeunload', handleBeforeUnload);\n",
     "    return () => window\n      .removeEventListener('beforeunload', handleBeforeUnload);\n"),
    ("    window?.addEventListener('beforeunload', handleBeforeUnload);\n",
     "    return () => window?.removeEventListener('beforeunload', handleBeforeUnload);\n"),
    ("    addEventListener('beforeunload', handleBeforeUnload);\n",
     "    return () => removeEventListener('beforeunload', handleBeforeUnload);\n"),
    ("    globalThis.window.addEventListener('beforeunload', handleBeforeUnload);\n",
     "    return () => globalThis.window.removeEventListener('beforeunload', handleBeforeUnload);\n"),
], ids=["across lines", "optional chaining", "the global function", "globalThis.window"])
def test_the_window_s_listener_methods_however_they_are_spelled(tmp_path: Path, add: str, remove: str) -> None:
    _passes(_tav003(tmp_path, add, remove))


def test_removing_the_listener_from_another_target_does_not_remove_it(tmp_path: Path) -> None:
    _never_removed(_tav003(tmp_path, remove="    return () => document.removeEventListener('beforeunload', "
                                            "handleBeforeUnload);\n"))


def test_a_comment_before_the_returned_cleanup_is_not_the_cleanup(tmp_path: Path) -> None:
    _passes(_tav003(tmp_path, remove="    return /* detach */ () => window.removeEventListener('beforeunload', "
                                     "handleBeforeUnload);\n"))


def test_an_early_bare_return_does_not_end_the_search_for_the_cleanup(tmp_path: Path) -> None:
    _passes(_tav003(tmp_path, add="    if (!conversation) return;\n" + ADD))


def test_a_bare_return_read_before_the_cleanup_does_not_end_the_search(tmp_path: Path) -> None:
    add = "    try {\n  " + ADD
    remove = "  " + REMOVE + "    } catch {\n      return;\n    }\n"
    _passes(_tav003(tmp_path, add, remove))


def test_a_removal_before_the_registration_is_not_the_cleanup(tmp_path: Path) -> None:
    add = "    window.removeEventListener('beforeunload', handleBeforeUnload);\n" + ADD
    _never_removed(_tav003(tmp_path, add, "    return () => {};\n"))


def test_a_removal_in_a_helper_the_cleanup_calls_after_an_assignment(tmp_path: Path) -> None:
    add = ADD + "    let stopped = false;\n" \
        "    const detach = () => window.removeEventListener('beforeunload', handleBeforeUnload);\n"
    _passes(_tav003(tmp_path, add, "    return () => { stopped = true; detach(); };\n"))


def test_the_same_text_is_not_the_same_function(tmp_path: Path) -> None:
    _never_removed(_tav003(
        tmp_path, "    window.addEventListener('beforeunload', () => handleBeforeUnload());\n",
        "    return () => window.removeEventListener('beforeunload', () => handleBeforeUnload());\n"))


# Aborting the listener's signal.

def test_a_signal_read_through_a_name_is_the_controller_s(tmp_path: Path) -> None:
    _passes(_tav003(tmp_path, _signal("{ signal: sig }", CONTROLLER + "    const sig = c.signal;\n"),
                    "    return () => c.abort();\n"))


def test_a_controller_held_in_a_ref_is_matched_by_its_text(tmp_path: Path) -> None:
    _passes(_tav003(tmp_path / "same", _signal("{ signal: ref?.current.signal }", ""),
                    "    return () => ref. current.abort();\n"))
    _never_removed(_tav003(tmp_path / "other", _signal("{ signal: ref.current.signal }", ""),
                           "    return () => ref.other.abort();\n"))


@pytest.mark.parametrize("add, remove", [
    (_signal("{ signal: c.token }"), "    return () => c.abort();\n"),
    (_signal("{ signal }", CONTROLLER + "    const { token: signal } = c;\n"), "    return () => c.abort();\n"),
    (_signal("{ signal: AbortSignal.timeout(5000) }"), "    return () => c.abort();\n"),
    (_signal("true"), ""),
    (_signal("{ signal: c.signal }"), "    return () => { const c = new AbortController(); c.abort(); };\n"),
    (_signal("{ signal: c.signal }"), "    return () => { stopped = true; };\n"),
], ids=["not the controller's signal", "another property destructured as signal", "a signal of no controller",
        "a capture flag, not options", "another controller of the same name", "a cleanup that aborts nothing"])
def test_what_does_not_abort_the_listener_s_signal(tmp_path: Path, add: str, remove: str) -> None:
    _never_removed(_tav003(tmp_path, add, remove))


def test_an_abort_in_a_helper_the_cleanup_calls_after_an_assignment(tmp_path: Path) -> None:
    add = _signal("{ signal: c.signal }") + "    let stopped = false;\n    const stop = () => c.abort();\n"
    _passes(_tav003(tmp_path, add, "    return () => { stopped = true; stop(); };\n"))


def _signal_node_controller(tmp_path: Path, declarations: str, name: str) -> str | None:
    """The controller `_controller_of` finds for the name `name` in the last line of `declarations`."""
    source = "export function f() {\n" + declarations + f"  use({name});\n}}\n"
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', "app/page.js": source})
    index = index_for(tmp_path)
    mod = index.module("app/page.js")
    assert mod is not None
    (call,) = [c for c in mod.calls if mod.text(c) == f"use({name})"]
    arg = call.child_by_field_name("arguments").named_children[0]
    found = _controller_of(Evaluator(index), mod, arg)
    return None if found is None else mod.text(found)


def test_the_controller_is_followed_through_three_names_not_four(tmp_path: Path) -> None:
    chain = "  const c = new AbortController();\n  const s1 = c.signal;\n  const s2 = s1;\n  const s3 = s2;\n"
    assert _signal_node_controller(tmp_path / "three", chain, "s3") == "c"
    assert _signal_node_controller(tmp_path / "four", chain + "  const s4 = s3;\n", "s4") is None


def test_a_name_declared_without_a_value_has_no_controller(tmp_path: Path) -> None:
    assert _signal_node_controller(tmp_path, "  let sig;\n  sig = c.signal;\n", "sig") is None


# Resetting onbeforeunload.

ASSIGN = "    window.onbeforeunload = handleBeforeUnload;\n"


@pytest.mark.parametrize("add, remove", [
    (ASSIGN, "    return () => window.onbeforeunload = null;\n"),
    ("    window\n      .onbeforeunload = handleBeforeUnload;\n", "    return () => { window .onbeforeunload = null; };\n"),
], ids=["an arrow whose body is the reset", "spelled across lines and with a space"])
def test_resetting_onbeforeunload_in_the_cleanup_removes_it(tmp_path: Path, add: str, remove: str) -> None:
    _passes(_tav003(tmp_path, add, remove))


@pytest.mark.parametrize("add, remove", [
    (ASSIGN, "    return () => {};\n"),
    (ASSIGN, "    return () => { window.onunload = null; };\n"),
    ("    window.onbeforeunload = null;\n" + ASSIGN, "    return () => {};\n"),
], ids=["never reset", "another handler reset", "reset before, not in the cleanup"])
def test_what_does_not_reset_onbeforeunload(tmp_path: Path, add: str, remove: str) -> None:
    _never_removed(_tav003(tmp_path, add, remove))


# Where the listener is registered.

def test_a_listener_registered_among_an_effect_s_dependencies_is_outside_the_effect(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace(ADD, "").replace(
        "  }, [conversation]);", "  }, [conversation, window.addEventListener('beforeunload', () => {})]);")
    write(tmp_path, client_project(avatar))
    index = index_for(tmp_path)
    mod = index.module("components/Avatar.tsx")
    assert mod is not None
    (call,) = [c for c in mod.calls if mod.text(c).startswith("window.addEventListener")]
    assert enclosing_effect(Evaluator(index), mod, call) is None


def test_a_dotted_effect_hook_is_known_by_its_last_part(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("  useEffect(() => {", "  window.React.useEffect(() => {")
    write(tmp_path, client_project(avatar))
    _passes(verdicts(tmp_path, "TAV003")["TAV003"])


def test_a_listener_outside_any_effect_is_not_removed_by_anything(tmp_path: Path) -> None:
    source = ("'use client';\nconst c = new AbortController();\nconst h = () => fetch('/api/tavus/end');\n"
              "window.addEventListener('beforeunload', h);\n"
              "window.addEventListener('pagehide', h, { signal: c.signal });\n"
              "window.onunload = h;\n"
              "window.removeEventListener('beforeunload', h);\nc.abort();\nwindow.onunload = null;\n")
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', "lib/unload.js": source,
                     "app/page.js": "import '../lib/unload';\nexport default function Page() { return null; }\n"})
    index = index_for(tmp_path)
    found = unload_listeners(index, Evaluator(index), ["beforeunload", "pagehide", "unload"])
    assert sorted((lst.event, lst.effect, lst.removed) for lst in found) == [
        ("beforeunload", None, False), ("pagehide", None, False), ("unload", None, False)]


def test_removing_the_same_name_removes_the_listener_when_its_value_is_unknown(tmp_path: Path) -> None:
    source = ("'use client';\nimport { useEffect } from 'react';\nimport { makeHandler } from 'some-lib';\n"
              "export function useUnload() {\n  useEffect(() => {\n    const h = makeHandler();\n"
              "    window.addEventListener('beforeunload', h);\n"
              "    return () => window.removeEventListener('beforeunload', h);\n  }, []);\n}\n")
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}', "lib/unload.js": source,
                     "app/page.js": "import '../lib/unload';\nexport default function Page() { return null; }\n"})
    index = index_for(tmp_path)
    (lst,) = unload_listeners(index, Evaluator(index), ["beforeunload"])
    assert lst.effect is not None and lst.removed is True and lst.handler_text == "h"


HOOK = """'use client';
import { useEffect } from 'react';
export function useUnload(handler: () => void, capture: boolean) {
  useEffect(() => {
REGISTER
  }, [handler]);
}
"""
USE_HOOK = """'use client';
import { useUnload } from './useUnload';
export default function Avatar({ id }: { id: string }) {
  useUnload(() => { fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: id }); }, false);
  return <div>tavus avatar</div>;
}
"""


@pytest.mark.parametrize("register", [
    "    const same = handler;\n    window.addEventListener('beforeunload', handler);\n"
    "    return () => window.removeEventListener('beforeunload', same);",
    "    const c = new AbortController();\n"
    "    window.addEventListener('beforeunload', handler, capture ? { capture, signal: c.signal } : { signal: c.signal });\n"
    "    return () => c.abort();",
], ids=["removed under another name", "aborted, options chosen by a parameter"])
def test_a_custom_hook_s_cleanup_is_read_with_the_hook_s_arguments(tmp_path: Path, register: str) -> None:
    files = client_project(USE_HOOK)
    files["components/useUnload.ts"] = HOOK.replace("REGISTER", register)
    write(tmp_path, files)
    _passes(verdicts(tmp_path, "TAV003")["TAV003"])
