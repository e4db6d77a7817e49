"""Hooks and components are known by the binding a name refers to, read through the imports, not by
how the call or the JSX tag spells it (issue 13, metamorphic `alias-react-hooks`,
`alias-project-imports`, `alias-library-imports`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import kinds, verdicts, write
from sop_check.model import Status
from sop_check_rules._examples import UNLOAD_AVATAR, client_project

EFFECT = "  useEffect(() => {"


def _avatar(import_line: str, effect_call: str) -> str:
    out = UNLOAD_AVATAR.replace("import { useEffect } from 'react';", import_line).replace(EFFECT, effect_call)
    assert out != UNLOAD_AVATAR
    return out


@pytest.mark.parametrize("import_line, effect_call", [
    ("import { useEffect as useMountEffect } from 'react';", "  useMountEffect(() => {"),
    ("import { useLayoutEffect as useBeforePaint } from 'react';", "  useBeforePaint(() => {"),
    ("import React from 'react';", "  React.useEffect(() => {"),
    ("import * as R from 'react';", "  R.useLayoutEffect(() => {"),
], ids=["aliased useEffect", "aliased useLayoutEffect", "default import", "namespace import"])
def test_an_effect_is_known_through_its_import(tmp_path: Path, import_line: str, effect_call: str) -> None:
    write(tmp_path, client_project(_avatar(import_line, effect_call)))
    got = verdicts(tmp_path, "TAV003,TAV105")
    assert got["TAV003"].status is Status.PASS, [f.message for f in got["TAV003"].findings]
    assert got["TAV105"].status is Status.PASS, got["TAV105"].message


def test_a_hook_imported_under_an_effects_name_is_not_an_effect(tmp_path: Path) -> None:
    """The spelling `useEffect` is not what makes an effect: here it names useMemo, which runs the
    function during render and never cleans up."""
    avatar = _avatar("import { useMemo as useEffect } from 'react';", EFFECT)
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV003")["TAV003"]
    assert got.status is Status.FAIL and kinds(got) == ["outside-effect"], got.message
    assert (got.findings[0].location.path, got.findings[0].location.line) == ("components/Avatar.tsx", 13)


def test_an_effect_a_project_module_reexports_under_another_name(tmp_path: Path) -> None:
    avatar = _avatar("import { useOnMount } from '../lib/hooks';", "  useOnMount(() => {")
    files = client_project(avatar) | {"lib/hooks.ts": "export { useEffect as useOnMount } from 'react';\n"}
    write(tmp_path, files)
    assert verdicts(tmp_path, "TAV003")["TAV003"].status is Status.PASS


# ---------------------------------------------------------------------------- components
END = "async function endSession() {\n  await fetch('/api/tavus/end', { method: 'POST', body: '{}' });\n}\n"


def _end_button_app(tmp_path: Path, avatar: str, extra: dict[str, str] | None = None) -> Path:
    files = client_project(avatar) | {
        "components/EndCallButton.tsx": "export function EndCallButton({ onEnd }: { onEnd: () => void }) {\n"
                                        "  return <button onClick={onEnd}>Disconnect</button>;\n}\n"}
    return write(tmp_path, files | (extra or {}))


def test_a_control_imported_under_an_alias_is_a_control(tmp_path: Path) -> None:
    """`<B>` after `import { Button as B }`: a library button is a control whatever its local name."""
    avatar = ("'use client';\nimport { Button as B } from '@acme/ui';\n" + END +
              "export default function Avatar() {\n  return <B onClick={endSession}>End call</B>;\n}\n")
    write(tmp_path, client_project(avatar))
    got = verdicts(tmp_path, "TAV005")["TAV005"]
    assert got.status is Status.PASS, [f.message for f in got.findings]
    assert (got.evidence[0].location.path, got.evidence[0].location.line) == ("components/Avatar.tsx", 7)


def test_an_icon_only_control_is_labelled_by_the_component_it_imports(tmp_path: Path) -> None:
    """`<Hang onClick={…}/>` after `import { HangUpButton as Hang }`: its label is its own name."""
    avatar = ("'use client';\nimport { HangUpButton as Hang } from '@acme/icons';\n" + END +
              "export default function Avatar() {\n  return <Hang onClick={endSession} />;\n}\n")
    write(tmp_path, client_project(avatar))
    assert verdicts(tmp_path, "TAV005")["TAV005"].status is Status.PASS


def test_props_reach_a_component_rendered_under_an_alias(tmp_path: Path) -> None:
    """The End control's handler is a prop; the only place that renders the component calls it `Leave`."""
    avatar = ("'use client';\nimport { EndCallButton as Leave } from './EndCallButton';\n" + END +
              "export default function Avatar() {\n  return <Leave onEnd={endSession} />;\n}\n")
    _end_button_app(tmp_path, avatar)
    got = verdicts(tmp_path, "TAV005,TAV105")
    assert got["TAV005"].status is Status.PASS, (got["TAV005"].message, got["TAV005"].unresolved)
    assert got["TAV105"].status is Status.PASS, got["TAV105"].unresolved


def test_a_component_aliased_from_another_is_not_its_usage(tmp_path: Path) -> None:
    """`<Leave>` names another component (`Other as Leave`): its `onEnd` is not the End control's,
    which is rendered with a handler that does nothing (no false pass through a look-alike)."""
    avatar = ("'use client';\nimport { Other as Leave } from './Other';\nimport { EndCallButton } from './EndCallButton';\n"
              + END + "export default function Avatar() {\n"
              "  return <><Leave onEnd={endSession} /><EndCallButton onEnd={() => {}} /></>;\n}\n")
    other = "export function Other({ onEnd }: { onEnd: () => void }) {\n  return <span onClick={onEnd} />;\n}\n"
    _end_button_app(tmp_path, avatar, {"components/Other.tsx": other})
    got = verdicts(tmp_path, "TAV005")["TAV005"]
    assert got.status is Status.FAIL and kinds(got) == ["never-calls-end"], (got.message, kinds(got))
