"""rules/_rendered.py pinned (mutation survivors): which constant conditions make JSX dead and why
(the reason is the finding's text), who owns the code, how far uses are followed and which uses count.
Each case asks `can_render` of one `<button>` in a small app: a wrong `rendered` is a TAV005 false pass
(a dead control counted) or a false fail (a live one dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, write
from sop_check.evaluate import Evaluator
from sop_check.jsmodule import jsx_tag
from sop_check_rules._rendered import Rendering, can_render, constant_condition

PKG = '{"dependencies": {"next": "15.0.0", "react": "19.0.0"}}'
PAGE = "import Avatar from '../components/Avatar';\nexport default function Page() { return <Avatar />; }\n"
AVATAR = "components/Avatar.tsx"


def rendering(tmp_path: Path, avatar: str, extra: dict[str, str] | None = None, path: str = AVATAR,
              page: str = PAGE) -> Rendering:
    """`can_render` of the first `<button>` in `path` (the page renders `components/Avatar`)."""
    write(tmp_path, {"package.json": PKG, "app/page.tsx": page, AVATAR: avatar, **(extra or {})})
    index = index_for(tmp_path)
    ev = Evaluator(index)
    mod = index.module(path)
    assert mod is not None
    button = next(el for el in mod.jsx if jsx_tag(mod, el) == "button")
    return can_render(ev, mod, button)


def in_avatar(jsx: str, head: str = "") -> str:
    return f"{head}export default function Avatar() {{ return <div>{jsx}</div>; }}\n"


B = "<button>End</button>"


# ------------------------------------------------------------------------ constant conditions
@pytest.mark.parametrize("jsx, why", [
    (f"{{false && {B}}}", "it renders only when `false`, which is always false"),
    (f"{{null && {B}}}", "it renders only when `null`, which is always false"),
    (f"{{0 && {B}}}", "it renders only when `0`, which is always false"),
    (f"{{'' && {B}}}", "it renders only when `''`, which is always false"),
    (f"{{true || {B}}}", "it renders only when `true`, which is always true"),
    (f"{{2 || {B}}}", "it renders only when `2`, which is always true"),
    (f"{{'on' ?? {B}}}", "it renders only when `'on'`, which is always true"),
    (f"{{false ? {B} : null}}", "it is on the side of `false ? … : …` that never renders"),
    (f"{{1 ? null : {B}}}", "it is on the side of `1 ? … : …` that never renders"),
    (f"{{false && <span>{{true && {B}}}</span>}}", "it renders only when `false`, which is always false"),
    ("{" + "'" + "x" * 50 + "' ? null : " + B + "}", "it is on the side of `'" + "x" * 39 + " ? … : …` that never renders"),
], ids=["false&&", "null&&", "0&&", "empty&&", "true||", "2||", "str??", "false?:", "1?:", "outer", "cut at 40"])
def test_a_constant_condition_kills_the_jsx_with_its_reason(tmp_path: Path, jsx: str, why: str) -> None:
    assert rendering(tmp_path, in_avatar(jsx)) == Rendering(False, why)


@pytest.mark.parametrize("jsx", [
    f"{{true && {B}}}", f"{{1 && {B}}}", f"{{'on' && {B}}}", f"{{false || {B}}}", f"{{0 || {B}}}",
    f"{{null ?? {B}}}", f"{{'' || {B}}}", f"{{true ? {B} : null}}", f"{{0 ? null : {B}}}",
    f"{{{B} && false}}", f"{{{B} || true}}", f"{{false ? null : {B}}}", f"{{true ? null : <span>{B}</span>}}"[:0] +
    f"{{1 ? {B} : {B}}}",
    f"{{false == (<i>{B}</i>)}}",
    f"{{false && [1].map(() => {B})}}",
    f"{{`${{window.name}}` && {B}}}",
], ids=["true&&", "1&&", "str&&", "false||", "0||", "null??", "empty||", "true?:", "0?alt", "left&&",
        "left||", "false?alt", "1?both", "other op", "inside a function", "run-time text"])
def test_a_condition_that_can_hold_or_that_is_not_constant_leaves_it_rendered(tmp_path: Path, jsx: str) -> None:
    assert rendering(tmp_path, in_avatar(jsx)) == Rendering(True)


def test_constant_condition_computes_the_chain_when_none_is_given(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "app/page.tsx": PAGE, AVATAR: in_avatar(f"{{false && {B}}}")})
    index = index_for(tmp_path)
    mod = index.module(AVATAR)
    assert mod is not None
    button = next(el for el in mod.jsx if jsx_tag(mod, el) == "button")
    assert constant_condition(Evaluator(index), mod, button) == "it renders only when `false`, which is always false"


# ------------------------------------------------------------------------ owner and its uses
def test_a_component_nothing_renders_is_named_in_the_reason(tmp_path: Path) -> None:
    avatar = ("function Unused() { return <button>End</button>; }\n"
              "export default function Avatar() { return <div />; }\n")
    assert rendering(tmp_path, avatar) == Rendering(False, "nothing a page renders uses <Unused> (components/Avatar.tsx)")


def test_a_hook_nothing_calls_is_named_as_a_call(tmp_path: Path) -> None:
    avatar = ("function useEndButton() { return <button>End</button>; }\n"
              "export default function Avatar() { return <div />; }\n")
    assert rendering(tmp_path, avatar) == Rendering(False, "nothing a page renders uses useEndButton() (components/Avatar.tsx)")


@pytest.mark.parametrize("head", [
    "function user() { return <button>End</button>; }\n",  # not a hook: `use` then lower case
    "function use() { return <button>End</button>; }\n",
    "const helper = () => <button>End</button>;\n",
])
def test_code_in_a_lower_case_function_is_not_followed(tmp_path: Path, head: str) -> None:
    assert rendering(tmp_path, head + "export default function Avatar() { return <div />; }\n") == Rendering(True)


def test_the_outermost_component_owns_the_code(tmp_path: Path) -> None:
    avatar = ("function Outer() { function Inner() { return <button>End</button>; } return <Inner />; }\n"
              "export default function Avatar() { return <div />; }\n")
    assert rendering(tmp_path, avatar) == Rendering(False, "nothing a page renders uses <Outer> (components/Avatar.tsx)")


def test_an_anonymous_default_export_of_a_page_file_is_rendered(tmp_path: Path) -> None:
    page = "export default function () { return <button>End</button>; }\n"
    assert rendering(tmp_path, "export default function Avatar() { return null; }\n", page=page,
                     path="app/page.tsx") == Rendering(True)


def test_an_anonymous_default_export_nothing_imports_is_not_rendered(tmp_path: Path) -> None:
    other = "export default function () { return <button>End</button>; }\n"
    avatar = "import Other from './Other';\nexport default function Avatar() { return <div />; }\n"
    got = rendering(tmp_path, avatar, {"components/Other.tsx": other}, path="components/Other.tsx")
    assert got == Rendering(False, "nothing a page renders uses default() (components/Other.tsx)")


@pytest.mark.parametrize("wrapper", ["memo", "React.memo", "forwardRef", "observer"])
def test_a_wrapped_arrow_is_named_by_its_variable(tmp_path: Path, wrapper: str) -> None:
    avatar = (f"const Hidden = {wrapper}((props: any) => <button>End</button>);\n"
              "export default function Avatar() { return <div />; }\n")
    assert rendering(tmp_path, avatar) == Rendering(False, "nothing a page renders uses <Hidden> (components/Avatar.tsx)")


def test_an_arrow_in_another_call_has_no_name(tmp_path: Path) -> None:
    avatar = ("const Hidden = wrap((props: any) => <button>End</button>);\n"
              "export default function Avatar() { return <div />; }\n")
    assert rendering(tmp_path, avatar) == Rendering(True)


def test_a_method_is_owned_by_its_class(tmp_path: Path) -> None:
    avatar = ("class Panel { render() { return <button>End</button>; } }\n"
              "export default function Avatar() { return <div />; }\n")
    assert rendering(tmp_path, avatar) == Rendering(False, "nothing a page renders uses <Panel> (components/Avatar.tsx)")


@pytest.mark.parametrize("levels, rendered", [(12, False), (13, True)])
def test_uses_are_followed_twelve_components_deep_then_assumed(tmp_path: Path, levels: int, rendered: bool) -> None:
    chain = "function C0() { return <button>End</button>; }\n" + "".join(
        f"function C{i}() {{ return <C{i - 1} />; }}\n" for i in range(1, levels + 1))
    got = rendering(tmp_path, chain + "export default function Avatar() { return <div />; }\n")
    assert got.rendered is rendered


def test_a_default_export_named_at_the_bottom_of_a_page_is_rendered(tmp_path: Path) -> None:
    page = "function Page() { return <button>End</button>; }\nexport default Page;\n"
    assert rendering(tmp_path, "export default function Avatar() { return null; }\n", page=page,
                     path="app/page.tsx") == Rendering(True)


# ------------------------------------------------------------------------ which uses count
OTHER = "components/Other.tsx"
NAMED = "export function EndButton() { return <button>End</button>; }\nexport function Other() { return null; }\n"


def other_rendered(tmp_path: Path, avatar: str, other: str = NAMED, extra: dict[str, str] | None = None) -> bool:
    """Whether the `<button>` of components/Other.tsx can render, given how Avatar uses it."""
    return rendering(tmp_path, avatar, {OTHER: other, **(extra or {})}, path=OTHER).rendered


@pytest.mark.parametrize("avatar, rendered", [
    ("import { EndButton } from './Other';\nexport default function Avatar() { return <EndButton />; }\n", True),
    ("import { EndButton } from './Other';\nimport { createElement } from 'react';\n"
     "export default function Avatar() { return createElement(EndButton); }\n", True),
    ("import { EndButton } from './Other';\nexport default function Avatar() { EndButton(); return null; }\n", True),
    ("import { EndButton } from './Other';\nfunction Unused() { EndButton(); return null; }\n"
     "export default function Avatar() { return null; }\n", False),
    ("import { EndButton } from './Other';\nfunction Unused() { return <EndButton>x</EndButton>; }\n"
     "export default function Avatar() { return null; }\n", False),
    ("import { EndButton } from './Other';\nconst View = EndButton;\n"
     "export default function Avatar() { return <View />; }\n", True),
    ("import { EndButton } from './Other';\nconst View = EndButton;\n"
     "export default function Avatar() { return null; }\n", False),
    ("import { EndButton } from './Other';\nconst { length } = EndButton;\n"
     "export default function Avatar() { return <div>{length}</div>; }\n", False),
    ("import { EndButton } from './Other';\nEndButton.displayName = 'End';\n"
     "export default function Avatar() { return null; }\n", False),
    ("import { EndButton } from './Other';\nlet slot: any;\nslot = EndButton;\n"
     "export default function Avatar() { return null; }\n", True),
    ("import { EndButton } from './Other';\nexport default function Avatar() { return <div>{EndButton.name}</div>; }\n",
     True),
    ("import { EndButton } from './Other';\nconst slots = { EndButton };\n"
     "export default function Avatar() { return null; }\n", True),
    ("import { EndButton } from './Other';\nexport { EndButton };\nexport default function Avatar() { return null; }\n",
     False),
    ("import { Other } from './Other';\nexport default function Avatar() { return <Other />; }\n", False),
    ("import './Other';\nexport default function Avatar() { return null; }\n", True),
], ids=["jsx", "passed to a call", "called in a rendered component", "called where nothing renders",
        "closing tag of an unrendered element", "alias rendered", "alias unused", "destructured",
        "displayName assigned", "assigned as a value", "member read", "shorthand property", "re-exported, unused",
        "another export used", "side-effect import"])
def test_how_a_module_uses_an_imported_component(tmp_path: Path, avatar: str, rendered: bool) -> None:
    assert other_rendered(tmp_path, avatar) is rendered


@pytest.mark.parametrize("avatar, rendered", [
    ("import * as UI from './Other';\nexport default function Avatar() { return <UI.EndButton />; }\n", True),
    ("import * as UI from './Other';\nexport default function Avatar() { return <UI.Other />; }\n", False),
    ("import * as UI from './Other';\nfunction Unused() { return <UI.EndButton>x</UI.EndButton>; }\n"
     "export default function Avatar() { return null; }\n", False),
    ("import * as UI from './Other';\nconst slot = UI.EndButton;\nexport default function Avatar() { return null; }\n",
     True),
    ("import * as UI from './Other';\nconst slot = UI.Other;\nexport default function Avatar() { return null; }\n",
     False),
], ids=["ns jsx", "ns other jsx", "ns unrendered jsx", "ns value", "ns other value"])
def test_a_namespace_import_renders_only_the_member_it_names(tmp_path: Path, avatar: str, rendered: bool) -> None:
    assert other_rendered(tmp_path, avatar) is rendered


DEFAULT = "export default function EndButton() { return <button>End</button>; }\n"


@pytest.mark.parametrize("ui, avatar, other, rendered", [
    ("export { EndButton as Btn } from './Other';\n", "import { Btn } from './ui';\n"
     "export default function Avatar() { return <Btn />; }\n", NAMED, True),
    ("export { EndButton as Btn } from './Other';\n", "import { EndButton } from './ui';\n"
     "export default function Avatar() { return <EndButton />; }\n", NAMED, False),
    ("export * from './Other';\n", "import { EndButton } from './ui';\n"
     "export default function Avatar() { return <EndButton />; }\n", NAMED, True),
    ("export * from './Other';\n", "import EndButton from './ui';\n"
     "export default function Avatar() { return <EndButton />; }\n", DEFAULT, False),
    ("export { default } from './Other';\n", "import EndButton from './ui';\n"
     "export default function Avatar() { return <EndButton />; }\n", DEFAULT, True),
    ("export { default as Btn } from './Other';\n", "import { Btn } from './ui';\n"
     "export default function Avatar() { return null; }\n", DEFAULT, False),
], ids=["renamed re-export", "renamed re-export, old name", "star", "star has no default", "default re-export",
        "default re-export unused"])
def test_re_exports_are_followed_by_the_name_they_export(tmp_path: Path, ui: str, avatar: str, other: str,
                                                         rendered: bool) -> None:
    assert other_rendered(tmp_path, avatar, other, {"components/ui.ts": ui}) is rendered


def test_a_default_export_named_below_its_declaration_is_followed_through_importers(tmp_path: Path) -> None:
    other = "function EndButton() { return <button>End</button>; }\nexport default EndButton;\n"
    used = "import B from './Other';\nexport default function Avatar() { return <B />; }\n"
    unused = "import B from './Other';\nexport default function Avatar() { return null; }\n"
    assert other_rendered(tmp_path / "used", used, other) is True
    assert other_rendered(tmp_path / "unused", unused, other) is False


def test_a_page_s_other_components_are_not_rendered_because_the_page_is(tmp_path: Path) -> None:
    page = ("function Side() { return <button>End</button>; }\n"
            "export default function Page() { return <div />; }\n")
    got = rendering(tmp_path, "export default function Avatar() { return null; }\n", page=page, path="app/page.tsx")
    assert got == Rendering(False, "nothing a page renders uses <Side> (app/page.tsx)")


def test_a_page_that_re_exports_its_default_renders_it(tmp_path: Path) -> None:
    page = "export { default } from '../components/Other';\n"
    got = rendering(tmp_path, "export default function Avatar() { return null; }\n", {OTHER: DEFAULT}, path=OTHER,
                    page=page)
    assert got == Rendering(True)


def test_a_story_that_renders_a_component_is_not_a_use(tmp_path: Path) -> None:
    story = "import { EndButton } from './Other';\nexport default function Story() { return <EndButton />; }\n"
    avatar = "import './Other.stories';\nimport './Other';\nexport default function Avatar() { return null; }\n"
    assert other_rendered(tmp_path, avatar.replace("import './Other';\n", "import { Other } from './Other';\n"),
                          extra={"components/Other.stories.tsx": story}) is False


@pytest.mark.parametrize("avatar, rendered", [
    ("import { x } from './Else';\nimport { Other } from './Other';\n"
     "export default function Avatar() { return <Other />; }\n", False),
    ("import * as UI from './Other';\nfunction Unused() { return <UI.EndButton />; }\n"
     "export default function Avatar() { return null; }\n", False),
    ("import { EndButton } from './Other';\nconst node = <EndButton />;\n"
     "export default function Avatar() { return <div>{node}</div>; }\n", True),
    ("import { EndButton } from './Other';\nconst node = false && <EndButton />;\n"
     "export default function Avatar() { return <div>{node}</div>; }\n", False),
], ids=["an import from elsewhere first", "ns self-closing, unrendered", "module-level JSX", "module-level dead JSX"])
def test_more_uses_of_an_imported_component(tmp_path: Path, avatar: str, rendered: bool) -> None:
    assert other_rendered(tmp_path, avatar, extra={"components/Else.ts": "export const x = 1;\n"}) is rendered


def test_a_page_s_named_export_nothing_imports_is_not_rendered(tmp_path: Path) -> None:
    page = ("export function Side() { return <button>End</button>; }\n"
            "export default function Page() { return <div />; }\n")
    got = rendering(tmp_path, "export default function Avatar() { return null; }\n", page=page, path="app/page.tsx")
    assert got == Rendering(False, "nothing a page renders uses <Side> (app/page.tsx)")


def test_an_anonymous_page_that_renders_a_component_renders_it(tmp_path: Path) -> None:
    page = "import { EndButton } from '../components/Other';\nexport default function () { return <EndButton />; }\n"
    got = rendering(tmp_path, "export default function Avatar() { return null; }\n", {OTHER: NAMED}, path=OTHER,
                    page=page)
    assert got == Rendering(True)


def chain_above(levels: int) -> str:
    """Components C1…C<levels> of Avatar, each rendering the one below (C1 renders EndButton); none rendered."""
    return "".join(f"function C{i}() {{ return <{'EndButton' if i == 1 else f'C{i - 1}'} />; }}\n"
                   for i in range(1, levels + 1)) + "export default function Avatar() { return null; }\n"


@pytest.mark.parametrize("ui, levels, rendered", [
    (None, 11, False), (None, 12, True),
    ("export { EndButton } from './Other';\n", 10, False), ("export { EndButton } from './Other';\n", 11, True),
    ("export * from './Other';\n", 10, False), ("export * from './Other';\n", 11, True),
], ids=["import 11", "import 12", "re-export 10", "re-export 11", "star 10", "star 11"])
def test_an_import_and_a_re_export_are_one_level_each(tmp_path: Path, ui: str | None, levels: int,
                                                       rendered: bool) -> None:
    source = "'./Other'" if ui is None else "'./ui'"
    avatar = f"import {{ EndButton }} from {source};\n" + chain_above(levels)
    assert other_rendered(tmp_path, avatar, extra={"components/ui.ts": ui} if ui else None) is rendered


def test_a_namespace_re_export_counts_its_uses(tmp_path: Path) -> None:
    ui = {"components/ui.ts": "export * as UI from './Other';\n"}
    avatar = "import { UI } from './ui';\nexport default function Avatar() { return <UI.EndButton />; }\n"
    assert other_rendered(tmp_path, avatar, extra=ui) is True


def test_a_namespace_re_export_nothing_uses_does_not_render(tmp_path: Path) -> None:
    """`export * as UI from './Other'` was read as no export at all, so the barrel's import of Other
    looked dynamic and every component of Other counted as rendered."""
    ui = {"components/ui.ts": "export * as UI from './Other';\n"}
    avatar = "import { UI } from './ui';\nexport default function Avatar() { return null; }\n"
    assert other_rendered(tmp_path, avatar, extra=ui) is False


def test_importers_are_read_past_a_file_that_is_not_evidence(tmp_path: Path) -> None:
    first = "import '../components/A.stories';\n"  # reachable, sorted before Avatar, not evidence
    extra = {"components/A.stories.tsx": "export default {};\n"}
    avatar = "import { EndButton } from './Other';\nexport default function Avatar() { return <EndButton />; }\n"
    assert rendering(tmp_path, avatar, {OTHER: NAMED, **extra}, path=OTHER, page=first + PAGE) == Rendering(True)


def test_a_component_passed_to_a_call_counts_even_where_nothing_renders(tmp_path: Path) -> None:
    avatar = ("import { EndButton } from './Other';\nimport { createElement } from 'react';\n"
              "function Unused() { return createElement(EndButton); }\n"
              "export default function Avatar() { return null; }\n")
    assert other_rendered(tmp_path, avatar) is True


def test_a_module_s_import_of_itself_is_not_a_use(tmp_path: Path) -> None:
    other = ("import { EndButton as Self } from './Other';\n" + NAMED +
             "export function Shown() { return <Self />; }\n")
    avatar = "import { Shown } from './Other';\nexport default function Avatar() { return <Shown />; }\n"
    assert other_rendered(tmp_path, avatar, other) is False


@pytest.mark.parametrize("avatar, rendered", [
    ("import { EndButton } from './Other';\nlet slot: any;\nslot = EndButton.render;\n"
     "export default function Avatar() { return null; }\n", True),
    ("import { EndButton } from './Other';\nEndButton.displayName = 'End';\nconst slots = [EndButton];\n"
     "export default function Avatar() { return null; }\n", True),
    ("import { EndButton } from './Other';\nfunction Unused() { return <EndButton />; }\n"
     "export default function Avatar() { return <EndButton />; }\n", True),
    ("import { EndButton } from './Other';\nconst View = EndButton;\n"
     "export default function Avatar() { return <EndButton />; }\n", True),
], ids=["member read on the right of =", "a use after displayName", "a rendered use after an unrendered one",
        "a use after an unused alias"])
def test_each_use_is_read_until_one_renders(tmp_path: Path, avatar: str, rendered: bool) -> None:
    assert other_rendered(tmp_path, avatar) is rendered


@pytest.mark.parametrize("levels, rendered", [(10, False), (11, True)])
def test_an_alias_is_one_level(tmp_path: Path, levels: int, rendered: bool) -> None:
    avatar = "import { EndButton as Imported } from './Other';\nconst EndButton = Imported;\n" + chain_above(levels)
    assert other_rendered(tmp_path, avatar) is rendered


def test_a_javascript_class_nothing_renders_is_named(tmp_path: Path) -> None:
    panel = "export class Panel { render() { return <button>End</button>; } }\n"
    avatar = "import { Panel } from './Panel';\nexport default function Avatar() { return null; }\n"
    got = rendering(tmp_path, avatar, {"components/Panel.jsx": panel}, path="components/Panel.jsx")
    assert got == Rendering(False, "nothing a page renders uses <Panel> (components/Panel.jsx)")


def test_components_that_only_render_each_other_are_not_rendered(tmp_path: Path) -> None:
    avatar = ("function Ping() { return <div><button>End</button><Pong /></div>; }\n"
              "function Pong() { return <Ping />; }\n"
              "export default function Avatar() { return null; }\n")
    assert rendering(tmp_path, avatar) == Rendering(False, "nothing a page renders uses <Ping> (components/Avatar.tsx)")


@pytest.mark.parametrize("head, why", [
    ("const Hidden = ((props: any) => <button>End</button>);\n", "<Hidden>"),
    ("const Hidden = lib.React.memo((props: any) => <button>End</button>);\n", "<Hidden>"),
    ("const Panel = class { render() { return <button>End</button>; } };\n", "<Panel>"),
    ("function helper(x: number) { switch (x) { default: function Inner() { return <button>End</button>; } } }\n",
     "<Inner>"),
], ids=["parenthesized arrow", "dotted wrapper", "class expression", "a function under a switch's default"])
def test_more_owners_and_their_names(tmp_path: Path, head: str, why: str) -> None:
    got = rendering(tmp_path, head + "export default function Avatar() { return <div />; }\n")
    assert got == Rendering(False, f"nothing a page renders uses {why} (components/Avatar.tsx)")


def test_an_object_s_method_is_not_a_component(tmp_path: Path) -> None:
    avatar = ("const ui = { Panel() { return <button>End</button>; } };\n"
              "export default function Avatar() { return <ui.Panel />; }\n")
    assert rendering(tmp_path, avatar) == Rendering(True)


@pytest.mark.parametrize("other, avatar, rendered", [
    ("export function EndButton() { return <button>End</button>; }\nexport default function Main() { return null; }\n",
     "import Main from './Other';\nexport default function Avatar() { return <Main />; }\n", False),
    ("function helper() { return <button>End</button>; }\nexport const x = 1;\n"
     "export default function Main() { return null; }\n",
     "import { x } from './Other';\nexport default function Avatar() { return <div>{x}</div>; }\n", True),
    ("export default function () { return <button>End</button>; }\n",
     "import X from './Other';\nexport default function Avatar() { return <X />; }\n", True),
], ids=["a named export beside the default", "a lower-case helper", "an anonymous default rendered"])
def test_which_export_owns_the_code(tmp_path: Path, other: str, avatar: str, rendered: bool) -> None:
    assert other_rendered(tmp_path, avatar, other) is rendered


def test_a_long_condition_is_cut_at_forty_characters(tmp_path: Path) -> None:
    jsx = "{'" + "y" * 50 + "' || " + B + "}"
    assert rendering(tmp_path, in_avatar(jsx)) == Rendering(False, "it renders only when `'" + "y" * 39 + "`, which is always true")


@pytest.mark.parametrize("jsx", [f"{{({B} ? 1 : 1) || <i />}}", f"{{({B} ? 0 : 0) && <i />}}"], ids=["||", "&&"])
def test_a_control_on_the_left_of_a_constant_operator_renders(tmp_path: Path, jsx: str) -> None:
    assert rendering(tmp_path, in_avatar(jsx)) == Rendering(True)


def test_a_page_file_without_a_default_export_renders_none_of_its_components(tmp_path: Path) -> None:
    page = "export function Side() { return <button>End</button>; }\n"
    got = rendering(tmp_path, "export default function Avatar() { return null; }\n", page=page, path="app/page.tsx")
    assert got == Rendering(False, "nothing a page renders uses <Side> (app/page.tsx)")
