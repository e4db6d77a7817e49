"""Unload listeners registered through hooks: library hooks by name, and the project's own hooks
followed with their arguments bound (the usehooks-ts idiom with a handler ref)."""

from __future__ import annotations

from pathlib import Path

from typing import Any

from helpers import kinds, verdicts, write
from sop_check_rules._examples import client_project

AVATAR = """'use client';
import {{ useState }} from 'react';
{imports}
export default function Avatar() {{
  const [id] = useState('c1');
  const onUnload = () => {{
    fetch('/api/tavus/end', {{ method: 'POST', keepalive: true, body: JSON.stringify({{ conversation_id: id }}) }});
  }};
  {registration}
  return <div data-tavus="avatar" />;
}}
"""
OWN_HOOK = """import { useEffect, useRef } from 'react';

export function useWindowListener(eventName: string, handler: (e: Event) => void) {
  const saved = useRef(handler);
  useEffect(() => {
    const listener = (e: Event) => saved.current(e);
    window.addEventListener(eventName, listener);
    return () => window.removeEventListener(eventName, listener);
  }, [eventName]);
}
"""


def _run(tmp_path: Path, imports: str, registration: str, extra: dict[str, str] | None = None) -> dict:
    files = client_project(AVATAR.format(imports=imports, registration=registration))
    write(tmp_path, {**files, **(extra or {})})
    return {c: r.status.value for c, r in verdicts(tmp_path, "TAV003,TAV004").items()}


def test_project_hook_with_handler_ref(tmp_path: Path) -> None:
    got = _run(tmp_path, "import { useWindowListener } from '../hooks/useWindowListener';",
               "useWindowListener('beforeunload', onUnload);", {"hooks/useWindowListener.ts": OWN_HOOK})
    assert got == {"TAV003": "pass", "TAV004": "pass"}


def test_project_hook_for_another_event_does_not_count(tmp_path: Path) -> None:
    got = _run(tmp_path, "import { useWindowListener } from '../hooks/useWindowListener';",
               "useWindowListener('resize', onUnload);", {"hooks/useWindowListener.ts": OWN_HOOK})
    assert got["TAV003"] == "fail"


def test_project_hook_that_never_removes_fails(tmp_path: Path) -> None:
    leaky = OWN_HOOK.replace("    return () => window.removeEventListener(eventName, listener);\n", "")
    got = _run(tmp_path, "import { useWindowListener } from '../hooks/useWindowListener';",
               "useWindowListener('beforeunload', onUnload);", {"hooks/useWindowListener.ts": leaky})
    assert got["TAV003"] == "fail"


def test_library_hooks(tmp_path: Path) -> None:
    got = _run(tmp_path / "a", "import { useEventListener } from 'usehooks-ts';",
               "useEventListener('beforeunload', onUnload);")
    assert got == {"TAV003": "pass", "TAV004": "pass"}
    got = _run(tmp_path / "b", "import { useWindowEvent } from '@mantine/hooks';",
               "useWindowEvent('beforeunload', () => { console.log('bye'); });")
    assert got["TAV003"] == "fail"  # registered, but it never calls the end route


# A custom hook that registers the listener itself and reads its parameters (issue 13, metamorphic
# HOOK_ARGUMENTS): its parameters are bound at each place that calls it.
GUARD_HOOK = """import { useEffect } from 'react';

export function useUnloadGuard(endConversation: (id: string) => void, id: string) {
  useEffect(() => {
    const onUnload = () => endConversation(id);
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [endConversation, id]);
}
"""
GUARD_AVATAR = """'use client';
import { useUnloadGuard } from './useUnloadGuard';
function endConversation(id: string) {
  fetch('/api/tavus/end', { method: 'POST', keepalive: true, body: JSON.stringify({ conversation_id: id }) });
}
export default function Avatar() {
  useUnloadGuard(endConversation, 'c1');
  return <div data-tavus="avatar" />;
}
"""


def _guard(tmp_path: Path, avatar: str = GUARD_AVATAR, hook: str = GUARD_HOOK) -> dict[str, Any]:
    write(tmp_path, {**client_project(avatar), "components/useUnloadGuard.ts": hook})
    return dict(verdicts(tmp_path, "TAV003,TAV004,TAV105"))


def test_a_handler_passed_to_a_custom_hook_is_read_with_its_arguments(tmp_path: Path) -> None:
    got = _guard(tmp_path)
    assert {c: r.status.value for c, r in got.items()} == {"TAV003": "pass", "TAV004": "pass", "TAV105": "pass"}, \
        {c: r.unresolved for c, r in got.items()}
    listener = got["TAV003"].evidence[0].location
    assert (listener.path, listener.line) == ("components/useUnloadGuard.ts", 6)


def test_a_handler_passed_to_a_custom_hook_without_keepalive_fails_tav004(tmp_path: Path) -> None:
    got = _guard(tmp_path, GUARD_AVATAR.replace(" keepalive: true,", ""))
    assert got["TAV003"].status.value == "pass"
    assert got["TAV004"].status.value == "fail" and kinds(got["TAV004"]) == ["no-keepalive"], got["TAV004"].message
    where = got["TAV004"].findings[0].location
    assert (where.path, where.line) == ("components/Avatar.tsx", 4)


def test_a_handler_passed_to_a_custom_hook_that_calls_another_route_fails_tav003(tmp_path: Path) -> None:
    got = _guard(tmp_path, GUARD_AVATAR.replace("'/api/tavus/end'", "'/api/tavus/stop'"))
    assert got["TAV003"].status.value == "fail" and kinds(got["TAV003"]) == ["calls-other-route"], \
        got["TAV003"].message


def test_a_custom_hook_nothing_calls_stays_undecided(tmp_path: Path) -> None:
    """The hook is referenced, never called: no call site binds `endConversation`, so the listener is
    read alone and stays unknown, naming the parameter (never a pass on a guess)."""
    got = _guard(tmp_path, GUARD_AVATAR.replace("  useUnloadGuard(endConversation, 'c1');\n", "  void useUnloadGuard;\n"))
    tav003 = got["TAV003"]
    assert tav003.status.value == "unknown", (tav003.message, kinds(tav003))
    assert any("'endConversation'" in u for u in tav003.unresolved), tav003.unresolved
