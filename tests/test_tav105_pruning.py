"""TAV105 follows ordinary click handlers and effect cleanups only when a module the evaluator can
read holds a leave-method call (`_leave_calls_reachable`: `code_may_contain` over bytes, then
`evaluable_files`): the pruning must keep every verdict. Also what the proof relies on in the
index: peeked modules say nothing, files are read once a run and their problems still said."""

from __future__ import annotations

from pathlib import Path

from helpers import index_for, kinds, verdicts, write
from sop_check.evaluate.extent import code_may_contain
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
    assert not code_may_contain(index_for(tmp_path), METHODS)  # the pruned case
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
    assert code_may_contain(index_for(tmp_path), METHODS)  # the pruning must not apply
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.FAIL and kinds(got) == ["exit-without-end"], got.message
    assert got.findings[0].location.path == "components/Controls.tsx"


def test_code_may_contain_reads_files_no_rule_parsed(tmp_path: Path) -> None:
    files = client_project(NO_LEAVE)
    files["lib/unused.ts"] = "export const stop = (c: any) => c.destroy();\n"
    write(tmp_path, files)
    index = index_for(tmp_path)
    assert code_may_contain(index, ("destroy",)) and not code_may_contain(index, ("leaveCall",))
    assert not index.diagnostics  # reading for the proof reports nothing


def test_code_may_contain_cannot_prove_absence_below_the_repository_root(tmp_path: Path) -> None:
    # A sub-app can import `../` files of the repository that are not listed: no proof there.
    files = {f"apps/web/{k}": v for k, v in client_project(NO_LEAVE).items()}
    files["package.json"] = '{"private": true, "workspaces": ["apps/*"]}'
    write(tmp_path, files)
    (tmp_path / ".git").mkdir()
    index = index_for(tmp_path)
    assert index.rel_root == "apps/web" and code_may_contain(index, METHODS)


# The leave call sits in a module no evidence module imports (a copied UI kit nothing uses).
DEAD_KIT = """'use client';
import Daily from '@daily-co/daily-js';
const callObject = Daily.createCallObject();
export function useHangUp() { return () => callObject.leave(); }
export const broken = (;
"""
HELPER = """'use client';
import Daily from '@daily-co/daily-js';
const callObject = Daily.createCallObject();
export function hangUp() { callObject.leave(); }
"""
AVATAR_CALLING = """'use client';
import { hangUp } from IMPORT;
export default function Avatar() {
  return <button onClick={() => hangUp()}>Bye</button>;
}
"""


def _leave_calls_reachable(root: Path) -> bool:
    from sop_check_rules.tav105_single_end_path import _leave_calls_reachable as reachable

    return reachable(index_for(root), set(METHODS))


def test_a_leave_call_no_walk_can_reach_prunes(tmp_path: Path) -> None:
    files = client_project(NO_LEAVE.replace(">End call<", ">Stop typing<"))
    files["components/kit/use-hang-up.ts"] = DEAD_KIT
    write(tmp_path, files)
    assert _leave_calls_reachable(tmp_path) is False  # the pruned case (the kit is never imported)
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.SKIP, got.message


def test_a_peeked_module_still_reports_its_syntax_error_when_a_rule_parses_it(tmp_path: Path) -> None:
    files = client_project(NO_LEAVE)
    files["components/kit/use-hang-up.ts"] = DEAD_KIT
    write(tmp_path, files)
    index = index_for(tmp_path)
    assert index.peek_module("components/kit/use-hang-up.ts") is not None and not index.diagnostics
    assert index.module("components/kit/use-hang-up.ts") is not None
    assert [d.message.split(" at ")[0] for d in index.diagnostics] == ["syntax error"]


def test_a_leave_call_in_a_non_evidence_module_an_import_reaches_is_followed(tmp_path: Path) -> None:
    # `*.mock.*`-style files are not evidence, but the evaluator follows imports into them.
    files = client_project(AVATAR_CALLING.replace("IMPORT", "'../lib/__mocks__/hang-up'"))
    files["lib/__mocks__/hang-up.ts"] = HELPER
    write(tmp_path, files)
    assert _leave_calls_reachable(tmp_path)
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.FAIL and kinds(got) == ["exit-without-end"], got.message


def test_an_import_the_byte_scan_misses_is_still_followed(tmp_path: Path) -> None:
    # A comment between `from` and the specifier: the byte-level import scan (which decides
    # evidence) does not see it, the parser and the evaluator do; the proof must follow the parser.
    files = client_project(AVATAR_CALLING.replace("IMPORT", "/* the call */ '../lib/hang-up'"))
    files["lib/hang-up.ts"] = HELPER
    write(tmp_path, files)
    index = index_for(tmp_path)
    assert not index.is_evidence("lib/hang-up.ts")
    assert _leave_calls_reachable(tmp_path)
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.FAIL and kinds(got) == ["exit-without-end"], got.message


def test_a_leave_call_behind_a_re_export_chain_is_followed(tmp_path: Path) -> None:
    files = client_project(AVATAR_CALLING.replace("IMPORT", "'../lib'"))
    files["lib/index.ts"] = "export * from './calls';\n"
    files["lib/calls/index.ts"] = "export { hangUp } from './hang-up';\n"
    files["lib/calls/hang-up.ts"] = HELPER
    write(tmp_path, files)
    assert _leave_calls_reachable(tmp_path)
    got = verdicts(tmp_path, "TAV105")["TAV105"]
    assert got.status is Status.FAIL and kinds(got) == ["exit-without-end"], got.message


def test_the_evaluator_reaches_other_modules_only_where_evaluable_files_knows() -> None:
    # `evaluable_files` is a proof only while the evaluator crosses modules through resolved
    # import sources and evidence modules: a new use of the index in sop_check/evaluate/ (another
    # way to find code) must be weighed there first, then added to this list.
    import re

    from sop_check.evaluate import extent

    known = {"module", "resolve_import", "is_local_specifier", "evidence_modules", "env_file"}
    folder = Path(extent.__file__).parent
    used = {m for f in folder.glob("*.py") if f.name != "extent.py"
            for m in re.findall(r"\bindex\.([a-z_]+)", f.read_text(encoding="utf-8"))}
    assert used <= known, sorted(used - known)


def test_a_file_is_read_once_a_run_and_its_problem_said_whoever_reads_it_first(tmp_path: Path) -> None:
    files = client_project(NO_LEAVE)
    files["lib/big.ts"] = "export const x = 1;\n" + "// padding\n" * 400
    write(tmp_path, files)
    index = index_for(tmp_path)
    index.max_file_size = 1_000
    assert index.read_bytes("components/Avatar.tsx") is index.read_bytes("components/Avatar.tsx")
    assert index.peek_module("lib/big.ts") is None and not index.diagnostics  # a peek says nothing
    assert code_may_contain(index, ("leave",)) is False and not index.diagnostics  # nor the byte proof
    assert index.lowered("lib/big.ts") is None  # a rule's read says it
    assert [d.message.split(":")[0] for d in index.diagnostics] == ["skipped"]
