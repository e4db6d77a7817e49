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
