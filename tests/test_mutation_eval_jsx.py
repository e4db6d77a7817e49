"""Values that arrive through JSX (`sop_check/evaluate/jsx.py`) pinned one by one: which prop of
which rendering a component's parameter reads, which provider `useContext` reads, which tags render
a component under another name, and when the search stops (found by mutation testing)."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Iterable

from sop_check.evaluate import Evaluator, Func, Obj, Unknown, UnknownKind
from sop_check.evaluate.jsx import Usage, component_name, jsx_attr_nodes, prop_from_jsx, usages
from sop_check.evaluate.modules import function_name
from sop_check.evaluate.state import MAX_DEPTH
from sop_check.evaluate.values import Null, Str, Value
from sop_check.jsmodule import Module, descendants

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15", "react": "19"}}'

COMPONENTS = """import { forwardRef, memo } from 'react';
export function EndButton({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Renamed({ onEnd: handler }) { return <button onClick={handler}>End</button>; }
export function Defaulted({ onEnd = undefined }) { return <button onClick={onEnd}>End</button>; }
export function Whole(props) { return <button onClick={props.onEnd}>End</button>; }
export function Typed(props: { onEnd: () => void }) { return <button onClick={props.onEnd}>End</button>; }
export function helper({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export const Fwd = forwardRef(function (props, ref) { return <button ref={ref}>End</button>; });
export const Arrow = ({ onEnd }) => <button onClick={onEnd}>End</button>;
export const Memo = memo(({ onEnd }) => <button onClick={onEnd}>End</button>);
export function Skip({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Texts({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Unused({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Lonely(props) { return <button onClick={props.onEnd}>End</button>; }
export function Aliased({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Member({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Sub({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Two(first, { onEnd }) { return <button onClick={onEnd}>End</button>; }
export function Optional(props?: { onEnd: () => void }) { return <button onClick={props.onEnd}>End</button>; }
export const Bare = props => <button onClick={props.onEnd}>End</button>;
export function XXXX(props) { return <button onClick={props.onEnd}>End</button>; }
export function Commented(/* the props */ { onEnd }) { return <button onClick={onEnd}>End</button>; }
"""

SCRIPT = """export function Plain({ onEnd }) { return <button onClick={onEnd}>End</button>; }
export function PlainWhole(props) { return <button onClick={props.onEnd}>End</button>; }
export function Dflt({ onEnd } = {}) { return <button onClick={onEnd}>End</button>; }
"""

PAGE = """import { EndButton, Renamed, Defaulted, Whole, Typed, helper, Fwd, Arrow, Memo, Skip, Texts, Optional, Bare,
  Commented, XXXX } from './components';
import { Plain, PlainWhole, Dflt } from './script';
import * as ui from './components';
const end = () => fetch('/api/tavus/end', { method: 'POST' });
const other = () => fetch('/api/tavus/end', { method: 'POST' });
export default function Page() {
  return (
    <>
      <EndButton onEnd={end} />
      <Renamed onEnd={end} />
      <Defaulted onEnd={end} />
      <Whole onEnd={end} label="End" hidden />
      <Typed onEnd={end} />
      <helper onEnd={end} />
      <Fwd onEnd={end} />
      <Arrow onEnd={end} />
      <Memo onEnd={end} />
      <Skip label="no handler here" />
      <Skip onEnd={other} />
      <Texts onEnd="not a function" />
      <Texts onEnd={undefined} />
      <ui.Member onEnd={other} />
      <Optional onEnd={end} />
      <Bare onEnd={end} />
      <Commented onEnd={end} />
      <XXXX onEnd={end} />
      <Plain onEnd={end} />
      <PlainWhole onEnd={other} />
      <Dflt onEnd={end} />
    </>
  );
}
"""

ALIASES = """import { Aliased as A, Sub as S } from './components';
import * as ui from './components';
const aliasEnd = () => fetch('/api/tavus/end', { method: 'POST' });
const subEnd = () => fetch('/api/tavus/end', { method: 'POST' });
export default function Other() {
  return <div><A onEnd={aliasEnd} /><S.Part onEnd={subEnd} /></div>;
}
"""


def _evaluator(tmp_path: Path, files: dict[str, str]) -> Evaluator:
    write(tmp_path, {"package.json": PKG, **files})
    return Evaluator(index_for(tmp_path))


def _app(tmp_path: Path) -> Evaluator:
    return _evaluator(tmp_path, {"app/components.tsx": COMPONENTS, "app/page.tsx": PAGE, "app/script.jsx": SCRIPT,
                                 "app/aliases/page.tsx": ALIASES})


def _module(ev: Evaluator, path: str) -> Module:
    mod = ev.index.module(path)
    assert mod is not None
    return mod


def _function(ev: Evaluator, name: str, path: str = "app/components.tsx") -> tuple[Module, object]:
    """The function node of component `name` in `path`."""
    mod = _module(ev, path)
    for fn in descendants(mod.root, frozenset({"function_declaration", "arrow_function", "function_expression"})):
        if component_name(fn, mod) == name or (fn.child_by_field_name("name") is not None
                                                 and mod.text(fn.child_by_field_name("name")) == name):
            return mod, fn
    raise AssertionError(name)


def _read(ev: Evaluator, component: str, name: str, path: str = "app/components.tsx") -> Value:
    """The value of `name` read in the body of `component`, as a rule reading the handler sees it."""
    mod, fn = _function(ev, component, path)
    body = fn.child_by_field_name("body")  # type: ignore[attr-defined]
    node = [n for n in descendants(body, frozenset({"identifier"})) if mod.text(n) == name][0]
    return ev.eval(node, mod, None)


def _fetch_line(value: Value) -> tuple[str, int]:
    assert isinstance(value, Func), value
    return value.module.path, value.node.start_point.row + 1


def _parameter(name: str) -> Unknown:
    return Unknown(UnknownKind.PARAMETER, f"parameter '{name}' (its value comes from the caller)")


def test_a_destructured_prop_is_the_function_the_rendering_passes(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    assert _fetch_line(_read(ev, "EndButton", "onEnd")) == ("app/page.tsx", 5)
    assert _fetch_line(_read(ev, "Renamed", "handler")) == ("app/page.tsx", 5)  # `{ onEnd: handler }`
    assert _fetch_line(_read(ev, "Defaulted", "onEnd")) == ("app/page.tsx", 5)  # `{ onEnd = … }`
    assert _fetch_line(_read(ev, "Arrow", "onEnd")) == ("app/page.tsx", 5)
    assert _fetch_line(_read(ev, "Memo", "onEnd")) == ("app/page.tsx", 5)  # `const Memo = memo(…)`


def test_the_props_object_is_the_first_rendering_s_attributes(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    for comp in ("Whole", "Typed"):
        props = _read(ev, comp, "props")
        assert isinstance(props, Obj) and props.open, comp
        assert set(props.props) == {"onEnd"} | ({"label"} if comp == "Whole" else set())  # not the bare `hidden`
        assert props.module is not None and props.module.path == "app/page.tsx"
        assert props.node is not None and props.module.text(props.node).startswith(f"<{comp} onEnd={{end}}")
        assert all(t.scope is None and t.module is props.module for t in props.props.values())
        assert _fetch_line(ev.get_prop(props, "onEnd")) == ("app/page.tsx", 5)
    whole = _read(ev, "Whole", "props")
    assert isinstance(whole, Obj) and ev.get_prop(whole, "label") == Str("End")
    assert ev.get_prop(whole, "hidden") == Unknown(UnknownKind.OPEN_OBJECT,
                                                   "property 'hidden' of an object with unknown spread")


def test_props_of_an_optional_parameter_and_of_plain_javascript(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    optional = _read(ev, "Optional", "props")  # `props?: P`
    assert isinstance(optional, Obj) and _fetch_line(ev.get_prop(optional, "onEnd")) == ("app/page.tsx", 5)
    # a .jsx file: parameters are patterns, not TypeScript's required_parameter
    assert _fetch_line(_read(ev, "Plain", "onEnd", "app/script.jsx")) == ("app/page.tsx", 5)
    # `{ onEnd } = {}`: in JavaScript an assignment pattern, read by the parameter's name
    assert _fetch_line(_read(ev, "Dflt", "onEnd", "app/script.jsx")) == ("app/page.tsx", 5)
    whole = _read(ev, "PlainWhole", "props", "app/script.jsx")
    assert isinstance(whole, Obj) and _fetch_line(ev.get_prop(whole, "onEnd")) == ("app/page.tsx", 6)


def test_props_of_an_arrow_without_parentheses_and_after_a_comment(tmp_path: Path) -> None:
    """`const EndButton = props => …` has its one parameter without parentheses (no `parameters`
    field): its props were left unknown, so an End control written so was not followed."""
    ev = _app(tmp_path)
    bare = _read(ev, "Bare", "props")
    assert isinstance(bare, Obj) and _fetch_line(ev.get_prop(bare, "onEnd")) == ("app/page.tsx", 5)
    assert _fetch_line(_read(ev, "Commented", "onEnd")) == ("app/page.tsx", 5)


def test_a_fragment_renders_no_component(tmp_path: Path) -> None:
    """The page's `<>` comes first among its elements and has no tag: it is a usage of nothing,
    whatever a component is called."""
    ev = _app(tmp_path)
    props = _read(ev, "XXXX", "props")
    assert isinstance(props, Obj) and list(props.props) == ["onEnd"]


def test_a_props_object_nobody_renders_is_a_parameter(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    assert _read(ev, "Lonely", "props") == _parameter("props")


def test_usages_without_the_prop_or_with_a_non_function_are_skipped(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    assert _fetch_line(_read(ev, "Skip", "onEnd")) == ("app/page.tsx", 6)  # the second usage's `other`
    assert _read(ev, "Texts", "onEnd") == _parameter("onEnd")  # a string, then undefined
    assert _read(ev, "Unused", "onEnd") == _parameter("onEnd")


def test_only_a_capitalised_function_s_first_parameter_comes_from_jsx(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    assert _read(ev, "helper", "onEnd") == _parameter("onEnd")  # `<helper>` is an HTML-like tag
    mod, fwd = _function(ev, "Fwd")
    ref = [n for n in descendants(fwd, frozenset({"identifier"})) if mod.text(n) == "ref"][-1]  # type: ignore[arg-type]
    assert ev.eval(ref, mod, None) == _parameter("ref")
    assert _read(ev, "Two", "onEnd") == _parameter("onEnd")


def test_a_component_rendered_under_an_imported_alias_or_a_namespace(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    assert _fetch_line(_read(ev, "Aliased", "onEnd")) == ("app/aliases/page.tsx", 3)  # `<A …>`, A = Aliased
    assert _fetch_line(_read(ev, "Member", "onEnd")) == ("app/page.tsx", 6)  # `<ui.Member …>`
    assert _read(ev, "Sub", "onEnd") == _parameter("onEnd")  # `<S.Part>` renders S's Part, not S


def test_component_names(tmp_path: Path) -> None:
    src = ("export default function ({ onEnd }) { return null; }\n"
           "const Wrapped = withStyles(function ({ onEnd }) { return null; });\n"
           "call(function ({ onEnd }) { return null; });\n"
           "function lower() { return null; }\n")
    ev = _evaluator(tmp_path, {"app/x.tsx": src})
    mod = _module(ev, "app/x.tsx")
    fns = sorted(descendants(mod.root, frozenset({"function_declaration", "function_expression"})),
                 key=lambda n: n.start_byte)
    assert [component_name(fn, mod) for fn in fns] == [None, "Wrapped", None, None]


def test_a_component_is_named_as_a_default_import_of_it_is_read(tmp_path: Path) -> None:
    """`<B>` after `import B from './x'` is matched by the exported function's own name
    (`modules.function_name`): a component's name must be the same one, for every form."""
    src = ("import { forwardRef, memo } from 'react';\n"
           "export function Decl() { return null; }\nexport const Arrow2 = () => null;\n"
           "export const Outer = function Inner() { return null; };\n"
           "export const Fwd2 = forwardRef(function Named(p, r) { return null; });\n"
           "export const Mem = memo(() => null);\nclass K { Btn = memo(function () { return null; }); }\n"
           "export const lower = () => null;\n")
    ev = _evaluator(tmp_path, {"app/x.tsx": src})
    mod = _module(ev, "app/x.tsx")
    fns = sorted(descendants(mod.root, frozenset({"function_declaration", "function_expression", "arrow_function"})),
                 key=lambda n: n.start_byte)
    names = [component_name(fn, mod) for fn in fns]
    assert names == ["Decl", "Arrow2", "Inner", "Named", "Mem", None, None]
    assert names == [n if n is not None and n[:1].isupper() else None for n in (function_name(f, mod) for f in fns)]


def test_attribute_nodes_leave_out_bare_attributes(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"app/x.tsx": "export const e = <b a={x} hidden c='s' d={} />;\n"})
    mod = _module(ev, "app/x.tsx")
    el = next(descendants(mod.root, frozenset({"jsx_self_closing_element"})))
    assert {k: mod.text(v) for k, v in jsx_attr_nodes(mod, el).items()} == {"a": "x", "c": "'s'"}


CONTEXT = """import { createContext, useContext } from 'react';
export const AvatarContext = createContext(null);
export const PlainContext = createContext(null);
export const LateContext = createContext(null);
export function useAvatar() { return useContext(AvatarContext); }
export function usePlain() { return useContext(PlainContext); }
export function useLate() { return useContext(LateContext); }
export function useMember() { return useContext(ctx.AvatarContext); }
export const AliasedContext = createContext(null);
"""

HOOKS = """import { useContext } from 'react';
import { AvatarContext as Ctx, AliasedContext } from './context';
export function useImported() { return useContext(Ctx); }
export function useAliased() { return useContext(AliasedContext); }
"""

PROVIDERS = """import { createContext, useContext } from 'react';
import { AvatarContext, PlainContext as Plain, LateContext, AliasedContext as Al } from './context';
const end = () => fetch('/api/tavus/end', { method: 'POST' });
const LocalContext = createContext(null);
export function useLocal() { return useContext(LocalContext); }
export function Local({ children }) { return <LocalContext value={{ end, local: 1 }}>{children}</LocalContext>; }
export function Aliased({ children }) { return <Al.Provider value={{ end, aliased: 1 }}>{children}</Al.Provider>; }
const LocalProv = createContext(null);
export function useLocalProv() { return useContext(LocalProv); }
export function Prov({ children }) { return <LocalProv.Provider value={{ end, prov: 1 }}>{children}</LocalProv.Provider>; }
export default function Layout({ children }) {
  return (
    <AvatarContext.Provider value={{ end }}>
      <Plain value={{ end }}>
        <LateContext.Provider value={[]}>
          <LateContext.Provider value={{ end, late: true }}>{children}</LateContext.Provider>
        </LateContext.Provider>
      </Plain>
    </AvatarContext.Provider>
  );
}
"""


def _hook_value(ev: Evaluator, hook: str, path: str = "app/context.tsx") -> Value:
    func = ev.module_export(path, hook)
    assert isinstance(func, Func), hook
    return ev.return_value(func, [])


def test_use_context_reads_the_rendered_provider_s_value(tmp_path: Path) -> None:
    ev = _evaluator(tmp_path, {"app/context.tsx": CONTEXT, "app/layout.tsx": PROVIDERS, "app/hooks.tsx": HOOKS})
    avatar = _hook_value(ev, "useAvatar")  # `<AvatarContext.Provider value=…>`
    assert isinstance(avatar, Obj) and _fetch_line(ev.get_prop(avatar, "end")) == ("app/layout.tsx", 3)
    plain = _hook_value(ev, "usePlain")  # React 19's `<Ctx value=…>`, imported as `Plain`
    assert isinstance(plain, Obj) and list(plain.props) == ["end"]
    late = _hook_value(ev, "useLate")  # the first provider's value is unknown: the next one says
    assert isinstance(late, Obj) and list(late.props) == ["end", "late"]
    member = _hook_value(ev, "useMember")  # `useContext(ctx.X)`: not read through JSX
    assert not isinstance(member, Obj)
    imported = _hook_value(ev, "useImported", "app/hooks.tsx")  # `useContext(Ctx)`, Ctx = AvatarContext
    assert isinstance(imported, Obj) and list(imported.props) == ["end"]
    local = _hook_value(ev, "useLocal", "app/layout.tsx")  # `<LocalContext value=…>` where it is made
    assert isinstance(local, Obj) and list(local.props) == ["end", "local"]
    prov = _hook_value(ev, "useLocalProv", "app/layout.tsx")  # `<LocalProv.Provider …>` where it is made
    assert isinstance(prov, Obj) and list(prov.props) == ["end", "prov"]
    aliased = _hook_value(ev, "useAliased", "app/hooks.tsx")  # `<Al.Provider …>`, Al = AliasedContext
    assert isinstance(aliased, Obj) and list(aliased.props) == ["end", "aliased"]


def test_the_search_stops_past_half_the_depth_limit(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    mod, fn = _function(ev, "EndButton")
    params = fn.child_by_field_name("parameters")  # type: ignore[attr-defined]
    param = params.named_children[0]
    for i in range(MAX_DEPTH // 2):
        ev.memo.enter(("outer", i))
    assert isinstance(prop_from_jsx(ev, fn, param, "onEnd", mod), Func)  # at half the limit: still read
    level = ev.memo.enter(("outer", "last"))
    assert prop_from_jsx(ev, fn, param, "onEnd", mod) is None
    ev.memo.leave(("outer", "last"), level, Null())
    # the answer depended on the depth: it is kept for this depth only
    assert (("outer", "last"), "at depth", level) in ev.memo.values and ("outer", "last") not in ev.memo.values


def _first(found: Iterable[Usage], n: int = 5) -> list[Usage]:
    """At most n usages: a broken iterator that repeats an item must fail, not fill the memory."""
    return list(islice(found, n))


def test_usages_are_read_lazily_once_and_in_order(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    found = usages(ev, "Skip")
    assert usages(ev, "Skip") is found  # cached per app
    first = next(iter(found))
    assert [u.attrs.keys() for u in _first(found)] == [{"label"}, {"onEnd"}]
    assert next(iter(found)) is first and [u.element for u in _first(found)] == [u.element for u in _first(found)]
    assert [u.module.path for u in _first(usages(ev, "Skip"))] == ["app/page.tsx", "app/page.tsx"]
    assert usages(ev, "Skip", provider=True) is not found  # a provider is looked for under its own key
    # `<ui.Member>` renders Member (by the tag's last part), but provides no context named Member
    assert [u.module.text(u.element) for u in _first(usages(ev, "Member"))] == ["<ui.Member onEnd={other} />"]
    assert _first(usages(ev, "Member", provider=True)) == []


def test_only_files_that_name_the_component_are_parsed_to_find_it(tmp_path: Path) -> None:
    write(tmp_path, {"app/unrelated/page.tsx": "export default function Unrelated() { return <main>hello</main>; }\n"})
    ev = _app(tmp_path)
    assert [u.module.path for u in _first(usages(ev, "Skip"))] == ["app/page.tsx", "app/page.tsx"]
    assert ev.index.parsed_module("app/page.tsx") is not None
    assert ev.index.parsed_module("app/unrelated/page.tsx") is None  # its bytes do not say "Skip"


def test_scanning_for_usages_spends_the_budget(tmp_path: Path) -> None:
    ev = _app(tmp_path)
    ev.start_rule(steps=3)  # fewer steps than the page has elements
    assert _first(usages(ev, "EndButton")) == []
    assert ev.exhausted


def test_an_end_control_in_a_component_written_as_a_bare_arrow_passes(tmp_path: Path) -> None:
    """TAV005 on `const EndButton = props => <button onClick={props.onEnd}>…`: the handler comes from
    where EndButton is rendered, so the control is followed (it was `unknown`, naming `props`)."""
    from sop_check_rules._examples import client_project

    from helpers import verdicts

    avatar = ("'use client';\nimport { EndButton } from './EndButton';\nexport default function Avatar() {\n"
              "  const endSession = async () => { await fetch('/api/tavus/end', { method: 'POST', "
              "body: JSON.stringify({ conversation_id: 'x' }) }); };\n"
              "  return <EndButton onEnd={endSession} />;\n}\n")
    files = client_project(avatar)
    files["components/EndButton.tsx"] = "export const EndButton = props => <button onClick={props.onEnd}>End call</button>;\n"
    write(tmp_path, files)
    result = verdicts(tmp_path, "TAV005")["TAV005"]
    assert result.status == "pass" and result.unresolved == [] and result.findings == []
