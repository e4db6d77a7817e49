"""TAV105 follows ordinary click handlers and effect cleanups only when some module could hold a
leave-method call (`AppIndex.code_may_contain`): the pruning must keep every verdict."""

from __future__ import annotations

from pathlib import Path

from helpers import index_for, kinds, verdicts, write
from sop_check.model import Status
from sop_check_rules._examples import client_project

METHODS = ("leave", "leaveCall", "destroy")

NO_LEAVE = """'use client';
import { useEffect, useState } from 'react';
export default function Avatar() {
  const [open, setOpen] = useState(false);
  useEffect(() => () => { console.log('bye'); }, []);
  return <div><button onClick={() => setOpen(!open)}>Toggle</button>
    <button onClick={() => console.log('stopping')}>End call</button></div>;
}
"""

# The leave call is written in the page, the handler that runs it in another module (a prop).
CONTROLS = """'use client';
export default function Controls({ onQuit }: { onQuit: () => void }) {
  return <button onClick={onQuit}>Quit</button>;
}
"""
LEAVE_THROUGH_PROP = """'use client';
import Daily from '@daily-co/daily-js';
import Controls from './Controls';
const callObject = Daily.createCallObject();
export default function Avatar() {
  return <Controls onQuit={() => callObject.leave()} />;
}
"""


def test_without_any_leave_call_the_end_control_is_still_judged(tmp_path: Path) -> None:
    write(tmp_path, client_project(NO_LEAVE))
    assert not index_for(tmp_path).code_may_contain(METHODS)  # the pruned case
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.FAIL and kinds(got) == ["exit-without-end"], got.message
    assert got.findings[0].location.path == "components/Avatar.tsx" and got.findings[0].location.line == 7


def test_without_any_leave_call_ordinary_handlers_end_nothing(tmp_path: Path) -> None:
    write(tmp_path, client_project(NO_LEAVE.replace(">End call<", ">Stop typing<")))
    assert verdicts(tmp_path, "TAV105")["TAV105"].status is Status.SKIP


def test_a_leave_call_handed_to_another_module_is_still_followed(tmp_path: Path) -> None:
    files = client_project(LEAVE_THROUGH_PROP)
    files["components/Controls.tsx"] = CONTROLS
    write(tmp_path, files)
    assert index_for(tmp_path).code_may_contain(METHODS)  # the pruning must not apply
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.FAIL and kinds(got) == ["exit-without-end"], got.message
    assert got.findings[0].location.path == "components/Controls.tsx"


def test_code_may_contain_reads_files_no_rule_parsed(tmp_path: Path) -> None:
    files = client_project(NO_LEAVE)
    files["lib/unused.ts"] = "export const stop = (c: any) => c.destroy();\n"
    write(tmp_path, files)
    index = index_for(tmp_path)
    assert index.code_may_contain(("destroy",)) and not index.code_may_contain(("leaveCall",))
    assert not index.diagnostics  # reading for the proof reports nothing


def test_code_may_contain_cannot_prove_absence_below_the_repository_root(tmp_path: Path) -> None:
    # A sub-app can import `../` files of the repository that are not listed: no proof there.
    files = {f"apps/web/{k}": v for k, v in client_project(NO_LEAVE).items()}
    files["package.json"] = '{"private": true, "workspaces": ["apps/*"]}'
    write(tmp_path, files)
    (tmp_path / ".git").mkdir()
    index = index_for(tmp_path)
    assert index.rel_root == "apps/web" and index.code_may_contain(METHODS)
