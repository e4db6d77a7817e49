"""Names across modules (`sop_check/evaluate/modules.py`) pinned one by one: what each export form
resolves to, why an export that cannot be followed is unknown, and the name a callee or component
has where it is defined (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import Evaluator, External, Namespace, Str, Unknown, UnknownKind
from sop_check.evaluate.modules import function_name, lookup_top, origin_name
from sop_check.evaluate.state import MAX_DEPTH
from sop_check.jsmodule import Module, descendants

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15", "react": "19"}}'


def _evaluator(tmp_path: Path, files: dict[str, str]) -> Evaluator:
    write(tmp_path, {"package.json": PKG, **files})
    return Evaluator(index_for(tmp_path))


def _module(ev: Evaluator, path: str) -> Module:
    mod = ev.index.module(path)
    assert mod is not None
    return mod


def _unknown(value: object, kind: UnknownKind, reason: str) -> None:
    assert isinstance(value, Unknown), value
    assert (value.kind, value.reason) == (kind, reason)


# -- module_export ---------------------------------------------------------------------------------
def test_each_export_form_resolves_to_its_value(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "m.ts": ("const local = 'L';\nexport { local as renamed };\nexport default 'D';\n"
                 "export * as ns from './other';\nexport { value as again } from './other';\n"
                 "export { value } from './other';\nexport { thing as pkgThing } from 'some-pkg';\n"
                 "export { plain } from 'some-pkg';\nexport { default as otherDefault } from './other';\n"),
        "other.ts": "export const value = 'V';\nexport default 'OD';\n"})
    assert ev.module_export("m.ts", "renamed") == Str("L")
    assert ev.module_export("m.ts", "default") == Str("D")
    assert ev.module_export("m.ts", "ns") == Namespace("other.ts")
    assert ev.module_export("m.ts", "again") == Str("V")
    assert ev.module_export("m.ts", "value") == Str("V")
    assert ev.module_export("m.ts", "pkgThing") == External("some-pkg:thing")  # the package's name, not ours
    assert ev.module_export("m.ts", "plain") == External("some-pkg:plain")
    assert ev.module_export("m.ts", "otherDefault") == Str("OD")


def test_an_export_from_a_local_file_that_is_not_there_is_unresolved(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"m.ts": "export { gone as here } from './missing';\nexport { x } from './missing';\n"})
    _unknown(ev.module_export("m.ts", "here"), UnknownKind.UNRESOLVED_IMPORT,
             "import 'gone' from './missing' does not resolve to a file")
    _unknown(ev.module_export("m.ts", "x"), UnknownKind.UNRESOLVED_IMPORT,
             "import 'x' from './missing' does not resolve to a file")


def test_a_module_that_cannot_be_read_and_a_name_not_exported(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"m.ts": "export const a = 1;\n"})
    _unknown(ev.module_export("absent.ts", "a"), UnknownKind.UNREADABLE, "cannot read absent.ts")
    _unknown(ev.module_export("m.ts", "b"), UnknownKind.NO_EXPORT, "no export 'b' in m.ts")


def test_export_star_finds_the_name_in_the_first_module_that_has_it(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "m.ts": "export * from 'a-package';\nexport * from './gone';\nexport * from './a';\nexport * from './b';\n",
        "a.ts": "export const onlyA = 'A';\nexport const both = 'from a';\n",
        "b.ts": "export const onlyB = 'B';\nexport const both = 'from b';\n"})
    assert ev.module_export("m.ts", "onlyA") == Str("A")
    assert ev.module_export("m.ts", "onlyB") == Str("B")  # not in a.ts: the search goes on
    assert ev.module_export("m.ts", "both") == Str("from a")
    _unknown(ev.module_export("m.ts", "neither"), UnknownKind.NO_EXPORT, "no export 'neither' in m.ts")


def test_export_star_keeps_an_unknown_that_is_not_a_missing_name(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"m.ts": "export * from './a';\nexport * from './b';\n",
                               "a.ts": "export { x } from './missing';\n",
                               "b.ts": "export const x = 'B';\n"})
    # a.ts has `x`, it just cannot be followed: that is what `x` is, not b.ts's `x`.
    _unknown(ev.module_export("m.ts", "x"), UnknownKind.UNRESOLVED_IMPORT,
             "import 'x' from './missing' does not resolve to a file")


def test_a_cycle_of_export_star_does_not_hide_a_name_further_on(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"m.ts": "export * from './a';\nexport * from './b';\n",
                               "a.ts": "export * from './m';\n",
                               "b.ts": "export const x = 'B';\n"})
    assert ev.module_export("m.ts", "x") == Str("B")
    _unknown(ev.module_export("a.ts", "nothing"), UnknownKind.NO_EXPORT, "no export 'nothing' in a.ts")


def test_a_cycle_through_a_module_that_names_the_export_is_the_cycle(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"m.ts": "export * from './a';\nexport const y = 'Y';\n",
                               "a.ts": "export { x } from './m';\n"})
    # a.ts exports `x` by name, from m.ts, which only has it through a.ts: a real cycle, kept.
    _unknown(ev.module_export("m.ts", "x"), UnknownKind.CYCLE, "the export 'x' of m.ts is defined in terms of itself")


def test_a_re_export_chain_past_the_depth_limit_is_too_deep(tmp_path: Path) -> None:
    n = MAX_DEPTH + 5
    files = {f"m{i}.ts": f"export {{ x }} from './m{i + 1}';\n" for i in range(n)}
    files[f"m{n}.ts"] = "export const x = 'end';\n"
    ev = _evaluator(tmp_path, files)
    _unknown(ev.module_export("m0.ts", "x"), UnknownKind.TOO_DEEP, f"re-export chain too long at m{MAX_DEPTH}.ts")
    assert ev.module_export(f"m{n - 3}.ts", "x") == Str("end")  # a shorter chain resolves


def test_a_module_level_name_is_a_declaration_an_import_or_a_global(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"m.ts": "import * as all from './other';\nimport { value } from './other';\n"
                                       "import def from 'pkg';\nconst mine = 'M';\nexport { mine, all, value, def, "
                                       "fetch };\n",
                               "other.ts": "export const value = 'V';\n"})
    mod = _module(ev, "m.ts")
    assert lookup_top(ev, mod, "mine") == Str("M")
    assert lookup_top(ev, mod, "all") == Namespace("other.ts")
    assert lookup_top(ev, mod, "value") == Str("V")
    assert lookup_top(ev, mod, "def") == External("pkg:default")
    assert lookup_top(ev, mod, "fetch") == External("fetch")
    assert ev.module_export("m.ts", "all") == Namespace("other.ts")


# -- origin_name / function_name -------------------------------------------------------------------
def _callee_names(ev: Evaluator, path: str) -> dict[str, str]:
    mod = _module(ev, path)
    out = {}
    for call in mod.calls:
        fn = call.child_by_field_name("function")
        assert fn is not None
        out[mod.text(fn)] = origin_name(ev, fn, mod)
    return out


def test_a_callee_is_named_as_it_is_defined(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "main.tsx": ("import { useEffect as alias } from 'react';\nimport React from 'react';\n"
                         "import * as ns from './lib';\nimport Named from './named';\nimport Arrow from './arrow';\n"
                         "import Anon from './anon';\nimport { helper as h } from './lib';\nimport Value from './value';\nimport Missing from './missing';\nimport { pkgOnly } from './via';\n"
                         "alias();\nReact.useEffect();\nns.helper();\nNamed();\nArrow();\nAnon();\nh();\n"
                         "Value();\nMissing();\nlocalFn();\nwindow?.fetch();\npkgOnly();\n"
                         "function localFn() {}\n"),
        "lib.ts": "export function helper() {}\n",
        "named.ts": "export default function EndButton() {}\n",
        "arrow.ts": "const Arrowed = () => null;\nexport default Arrowed;\n",
        "anon.ts": "export default () => null;\n",
        "via.ts": "export { useLatest as pkgOnly } from 'react-use';\n",
        "value.ts": "export default 'not a function';\n"})
    assert _callee_names(ev, "main.tsx") == {
        "alias": "useEffect",  # a package import: its exported name
        "React.useEffect": "useEffect",
        "ns.helper": "helper",
        "Named": "EndButton",  # a default import: the function's own name
        "Arrow": "Arrowed",
        "Anon": "Anon",  # an anonymous function: the spelling
        "h": "helper",
        "Value": "Value",  # not a function
        "Missing": "Missing",  # does not resolve
        "localFn": "localFn",
        "window?.fetch": "fetch",
        "pkgOnly": "useLatest",
    }


def test_a_member_callee_is_named_by_its_last_part_whatever_the_spacing(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"main.tsx": "import React from 'react';\nReact . useEffect();\nwindow ?. fetch();\n"
                                          "window.navigator.sendBeacon();\n"})
    assert _callee_names(ev, "main.tsx") == {"React . useEffect": "useEffect", "window ?. fetch": "fetch",
                                             "window.navigator.sendBeacon": "sendBeacon"}


def test_a_project_module_re_exporting_a_package_or_global_name_gives_that_name(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "main.tsx": ("import { deep, ns, Emitter, f } from './hooks';\ndeep();\nns();\nEmitter();\nf();\n"),
        "hooks.ts": ("import Lib from 'lib';\nimport * as R from 'react';\nexport const deep = Lib.hooks.useThing;\n"
                     "export const ns = R.useEffect;\nexport { EventEmitter as Emitter } from 'node:events';\n"
                     "export const f = fetch;\n")})
    assert _callee_names(ev, "main.tsx") == {"deep": "useThing", "ns": "useEffect", "Emitter": "EventEmitter",
                                             "f": "fetch"}


def test_naming_a_callee_that_is_not_imported_costs_no_analysis(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"main.tsx": "function f() {\n  local();\n  fetch();\n  a.b();\n}\n"})
    used = ev.budget.used_total
    assert _callee_names(ev, "main.tsx") == {"local": "local", "fetch": "fetch", "a.b": "b"}
    assert ev.budget.used_total == used  # read from the spelling: no scope walk


def test_a_default_import_from_a_package_and_a_namespace_keep_their_spelling(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "main.tsx": ("import Thing from 'pkg';\nimport * as all from './lib';\nimport { named as n2 } from './lib';\n"
                         "Thing();\nall();\nn2();\n"),
        "lib.ts": "export const named = 'not a function';\n"})
    assert _callee_names(ev, "main.tsx") == {"Thing": "Thing", "all": "all", "n2": "named"}


def test_a_local_name_shadowing_an_import_keeps_its_spelling(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "main.tsx": ("import { useEffect as alias } from 'react';\n"
                         "function f(alias: () => void) { alias(); }\n")})
    assert _callee_names(ev, "main.tsx") == {"alias": "alias"}


def test_a_jsx_tag_is_named_through_its_import(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "main.tsx": ("import B from './EndButton';\nimport * as ui from './ui';\n"
                         "export default function Page() { return <div><B /><ui.Button /></div>; }\n"),
        "EndButton.tsx": "export default function EndButton() { return null; }\n",
        "ui.tsx": "export function Button() { return null; }\n"})
    mod = _module(ev, "main.tsx")
    tags = [n.child_by_field_name("name") for n in descendants(mod.root, frozenset({"jsx_self_closing_element"}))]
    assert [origin_name(ev, t, mod) for t in tags if t is not None] == ["EndButton", "Button"]


def _function_names(ev: Evaluator, path: str) -> list[str | None]:
    mod = _module(ev, path)
    fns = sorted(descendants(mod.root, frozenset({"function_declaration", "function_expression", "arrow_function"})),
                 key=lambda n: n.start_byte)
    return [function_name(fn, mod) for fn in fns]


def test_a_function_s_own_name(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {
        "m.tsx": ("function Declared() {}\nconst Arrow = () => 1;\nconst Memo = memo(function () {});\n"
                  "const Fwd = forwardRef((props, ref) => null);\nconst { destructured } = () => 1;\n"
                  "call(() => 2);\nconst Outer = wrap(x, () => 3);\nexport default () => 4;\n"
                  "const named = function inner() {};\n")})
    assert _function_names(ev, "m.tsx") == ["Declared", "Arrow", "Memo", "Fwd", None, None, "Outer", None, "inner"]
