"""The evaluator on hostile shapes: memoised, cut at cycles and depth, bounded by a step budget.

Every case finishes well inside a generous bound (proof it does not hang, not a speed target)
and ends in a verdict that says why; a budget that runs out makes the rule `unknown`, naming
the budget, never a pass.
"""

from __future__ import annotations

import time
from pathlib import Path

from sop_check.evaluate import Evaluator, Str, Unknown, UnknownKind
from sop_check_rules._examples import client_project

from helpers import index_for, verdicts, write

GENEROUS = 20.0  # seconds: the shapes below took minutes to hours before the memo

AVATAR = """'use client';
import { URL_PART } from '../lib/consts';
export default function Avatar() {
  const endSession = async () => {
    await fetch(URL_PART, { method: 'POST', body: '{}' });
  };
  return <button onClick={endSession}>End Session</button>;
}
"""


def _project(tmp_path: Path, consts: str) -> Path:
    files = client_project(AVATAR)
    files["lib/consts.ts"] = consts
    return write(tmp_path, files)


def _timed_tav005(root: Path, **settings: object) -> tuple[object, float]:
    start = time.monotonic()
    result = verdicts(root, "TAV005", **settings)["TAV005"]
    return result, time.monotonic() - start


def test_nested_template_constants_that_triple_at_each_level(tmp_path: Path) -> None:
    # 3^15 evaluations without a memo, and a text of 3^15 characters: linear with it.
    lines = ["export const C0 = 'a';"] + [f"export const C{i} = `${{C{i - 1}}}${{C{i - 1}}}${{C{i - 1}}}`;"
                                         for i in range(1, 16)]
    root = _project(tmp_path, "\n".join(lines) + "\nexport const URL_PART = C15 + '/api/tavus/end';\n")
    result, elapsed = _timed_tav005(root)
    assert elapsed < GENEROUS
    # A string too large to be meant is unknown, not a hole that could pass for an unknown origin.
    assert result.status.value == "unknown", result.message
    assert result.unresolved == ["components/Avatar.tsx:5:11: request URL (a string longer than 65536 characters)"]


def test_nesting_past_the_depth_limit_is_unknown_and_still_linear(tmp_path: Path) -> None:
    # 2^60 paths without the memo. Past the depth limit a result depends on the depth it was
    # asked at, so it is kept per (constant, depth): still one evaluation each.
    lines = ["export const C0 = '/api/tavus/end';"] + [f"export const C{i} = flag ? C{i - 1} : C{i - 1};"
                                                      for i in range(1, 61)]
    root = _project(tmp_path, "declare const flag: boolean;\n" + "\n".join(lines) + "\nexport const URL_PART = C60;\n")
    result, elapsed = _timed_tav005(root)
    assert elapsed < GENEROUS
    assert result.status.value == "unknown", result.message
    assert result.unresolved == ["components/Avatar.tsx:5:11: request URL ('C41' is defined too indirectly to follow)"]


def test_branching_constants_evaluate_once_each(tmp_path: Path) -> None:
    # Each level names the one before twice (a conditional): 2^15 paths, one value.
    lines = ["export const C0 = '/api/tavus/end';"] + [f"export const C{i} = flag ? C{i - 1} : C{i - 1};"
                                                      for i in range(1, 16)]
    consts = "declare const flag: boolean;\n" + "\n".join(lines) + "\n"
    root = _project(tmp_path, consts + "export const URL_PART = C15;\n")
    result, elapsed = _timed_tav005(root)
    assert elapsed < GENEROUS
    assert result.status.value == "pass", (result.message, result.unresolved)


def test_recursive_helpers_are_cut_not_followed(tmp_path: Path) -> None:
    consts = ("export function part(n: number): string { return n ? part(n - 1) + part(n - 2) : '/api/tavus/end'; }\n"
              "export const URL_PART = part(40);\n")
    root = _project(tmp_path, consts)
    result, elapsed = _timed_tav005(root)
    assert elapsed < GENEROUS
    assert result.status.value == "unknown", result.message
    assert not any("budget" in u for u in result.unresolved), result.unresolved  # cut at the recursion


def test_mutually_defined_constants_are_a_cycle(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}',
                     "m.ts": "export const a = b;\nconst b = a;\n"})
    value = Evaluator(index_for(tmp_path)).module_export("m.ts", "a")
    assert isinstance(value, Unknown) and value.kind is UnknownKind.CYCLE


def test_handlers_calling_each_other_in_a_wide_graph(tmp_path: Path) -> None:
    # 300 handlers, each calling the two before it with its own argument: every button's reach
    # walks the whole graph; without sharing, each walk re-reads every handler.
    handlers = "\n".join(
        f"  const h{i} = useCallback((x: number) => {{ {'' if i < 2 else f'h{i - 1}(x + 1); h{i - 2}(x);'} "
        f"setV(x); }}, []);" for i in range(300))
    buttons = "\n".join(f"      <button onClick={{() => h{i}({i})}}>Step {i}</button>" for i in range(300))
    avatar = (f"'use client';\nimport {{ useCallback, useState }} from 'react';\n"
              f"export default function Avatar() {{\n  const [v, setV] = useState(0);\n{handlers}\n"
              "  const endSession = () => { h299(1); fetch('/api/tavus/end', { method: 'POST', body: '{}' }); };\n"
              f"  return <div>\n{buttons}\n      <button onClick={{endSession}}>End Session</button>\n    </div>;\n}}\n")
    write(tmp_path, client_project(avatar))
    start = time.monotonic()
    results = verdicts(tmp_path, "TAV005,TAV105")
    assert time.monotonic() - start < GENEROUS
    assert results["TAV005"].status.value == "pass", results["TAV005"].message


def test_a_budget_that_runs_out_makes_the_rule_unknown_never_a_pass(tmp_path: Path) -> None:
    write(tmp_path, client_project(AVATAR))
    write(tmp_path, {"lib/consts.ts": "export const URL_PART = '/api/tavus/end';\n"})
    assert verdicts(tmp_path, "TAV005")["TAV005"].status.value == "pass"
    starved = verdicts(tmp_path, "TAV005", analysis_steps=3)["TAV005"]
    assert starved.status.value == "unknown", starved.message
    assert starved.unresolved[0].startswith("analysis budget exceeded (3 steps)"), starved.unresolved


def test_a_failing_verdict_cut_short_by_the_budget_is_unknown_too(tmp_path: Path) -> None:
    # "No End control found" could be the part the budget did not reach: not a fail to trust.
    write(tmp_path, client_project(AVATAR.replace("fetch(URL_PART", "console.log(URL_PART")))
    write(tmp_path, {"lib/consts.ts": "export const URL_PART = '/api/tavus/end';\n"})
    assert verdicts(tmp_path, "TAV005")["TAV005"].status.value == "fail"
    assert verdicts(tmp_path, "TAV005", analysis_steps=3)["TAV005"].status.value == "unknown"


def test_budget_is_counted_in_steps_and_stays_exhausted(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}',
                     "m.ts": "export const a = `${b}/x`;\nconst b = 'y';\n"})
    ev = Evaluator(index_for(tmp_path), steps=2)
    first = ev.module_export("m.ts", "a")
    assert isinstance(first, Unknown) and first.kind is UnknownKind.BUDGET and ev.exhausted
    ev.start_rule(1000)  # a new rule: an exhausted evaluator stays exhausted for the app
    again = ev.module_export("m.ts", "a")
    assert isinstance(again, Unknown) and again.kind is UnknownKind.BUDGET
    fresh = Evaluator(index_for(tmp_path))
    assert fresh.module_export("m.ts", "a") == Str("y/x")


def test_a_long_chain_of_local_definitions_in_a_handler(tmp_path: Path) -> None:
    # Deeper than Python's stack if traced recursively: a rule error before the guard.
    chain = "\n".join(f"    const v{i} = v{i - 1} + '';" for i in range(1, 1500))
    avatar = AVATAR.replace("  const endSession = async () => {\n",
                            f"  const endSession = async (id: string) => {{\n    const v0 = id;\n{chain}\n")
    avatar = avatar.replace("body: '{}'", "body: v1499").replace("onClick={endSession}", "onClick={() => endSession('x')}")
    write(tmp_path, client_project(avatar))
    write(tmp_path, {"lib/consts.ts": "export const URL_PART = '/api/tavus/end';\n"})
    result, elapsed = _timed_tav005(tmp_path)
    assert elapsed < GENEROUS
    assert result.status.value == "pass", (result.message, result.unresolved)


def test_deep_markup_returned_by_a_helper_a_handler_calls(tmp_path: Path) -> None:
    # tree-sitter finds a parent by searching from the root: walking up 20,000 levels that way
    # took minutes per name looked up.
    depth = 20_000
    body = "<div>" * depth + "<i onClick={() => note(x)}>{note(x)}</i>" + "</div>" * depth
    avatar = AVATAR.replace("export default function Avatar() {",
                            f"function note(v: string) {{ return v; }}\nfunction deep(x: string) {{ return {body}; }}\n"
                            "export default function Avatar() {").replace(
        "    await fetch(URL_PART", "    deep('x');\n    await fetch(URL_PART")
    write(tmp_path, client_project(avatar))
    write(tmp_path, {"lib/consts.ts": "export const URL_PART = '/api/tavus/end';\n"})
    result, elapsed = _timed_tav005(tmp_path)
    assert elapsed < GENEROUS
    assert result.status.value == "pass", (result.message, result.unresolved)


def test_export_star_cycles_and_long_reexport_chains(tmp_path: Path) -> None:
    files = {"package.json": '{"dependencies": {"next": "15"}}',
             "a.ts": "export * from './b';\nexport const here = 'a';\n", "b.ts": "export * from './a';\n"}
    files.update({f"r{i}.ts": f"export {{ v }} from './r{i + 1}';\n" for i in range(120)})
    files["r120.ts"] = "export const v = '/api/tavus/end';\n"
    write(tmp_path, files)
    ev = Evaluator(index_for(tmp_path))
    start = time.monotonic()
    missing = ev.module_export("a.ts", "nothing")  # a -> b -> a: a cycle of `export *` provides nothing
    assert isinstance(missing, Unknown) and missing.kind is UnknownKind.NO_EXPORT, missing
    assert ev.module_export("b.ts", "here") == Str("a")
    assert ev.module_export("r100.ts", "v") == Str("/api/tavus/end")  # 20 hops: followed
    far = ev.module_export("r0.ts", "v")  # 120 hops: past the depth limit, unknown rather than a stack overflow
    assert isinstance(far, Unknown) and far.kind is UnknownKind.TOO_DEEP and far.reason.startswith("re-export chain"), far
    assert time.monotonic() - start < GENEROUS


def test_a_shared_analysis_cut_short_leaves_every_rule_using_it_unknown(tmp_path: Path) -> None:
    # TAV004 reads the unload analysis TAV003 made: cut short there, it decides nothing here either.
    from test_fixtures import copy_fixture

    project = copy_fixture("app-router-compliant", tmp_path)
    full = verdicts(project, "TAV003,TAV004")
    assert full["TAV003"].status.value == full["TAV004"].status.value == "pass"
    starved = verdicts(project, "TAV003,TAV004", analysis_steps=5)
    assert starved["TAV003"].status.value == starved["TAV004"].status.value == "unknown"
    assert all(r.unresolved[0].startswith("analysis budget exceeded") for r in starved.values())
