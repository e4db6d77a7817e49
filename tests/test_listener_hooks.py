"""Unload listeners registered through hooks: library hooks by name, and the project's own hooks
followed with their arguments bound (the usehooks-ts idiom with a handler ref)."""

from __future__ import annotations

from pathlib import Path

from helpers import verdicts, write
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
