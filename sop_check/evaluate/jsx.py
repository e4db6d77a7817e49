"""Values that arrive through JSX: a component's props, and what a context provider gives.

A component's parameter has no caller in the code; its value comes from the places
that render it (`<EndButton onEnd={end} />`). `useContext(Ctx)` reads the `value` of a
rendered `<Ctx.Provider value={…}>` (or React 19's `<Ctx value={…}>`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from sop_check.evaluate import modules
from sop_check.evaluate.scopes import destructured_path, parameters
from sop_check.evaluate.state import MAX_DEPTH
from sop_check.evaluate.values import Func, Obj, Thunk, Unknown, Value
from sop_check.jsmodule import Module, jsx_attributes, jsx_tag
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol


@record
class Usage:
    """One place a component (or provider) is rendered, with its attributes' value nodes."""

    module: Module
    element: Node
    attrs: dict[str, Node]


def prop_from_jsx(ev: EvaluatorProtocol, fn: Node, param: Node, name: str, mod: Module) -> Value | None:
    """A component's prop, from the places that render it: `<EndButton onEnd={end} />`.

    Returns the first usage's value that is a function, or None when the
    function is not a component or no usage says.
    """
    if _too_deep(ev):
        return None
    comp = component_name(fn, mod)
    if comp is None:
        return None
    params = parameters(fn)  # also `props => …`, whose one parameter has no parentheses
    first = params[0] if params else None
    if first is None or first.id != param.id:
        return None  # only the props object (first parameter) comes from JSX
    pat = first.child_by_field_name("pattern") if first.type in ("required_parameter", "optional_parameter") \
        else first
    prop = name
    if pat is not None and pat.type == "object_pattern":
        path = destructured_path(pat, name, mod)
        if path is None or len(path) > 1:
            return None  # `{ handlers: { onEnd } }`, `{ list: [first] }`, `...rest`: not one prop
        prop = path[0]
    elif pat is not None and pat.type == "identifier":
        # `props` itself: the attributes of the first place that renders the component.
        for use in usages(ev, comp):
            return Obj({k: Thunk(v, use.module, None) for k, v in use.attrs.items()}, open=True,
                       node=use.element, module=use.module)
        return None
    for use in usages(ev, comp):
        value_node = use.attrs.get(prop)
        if value_node is None:
            continue
        value = ev.eval(value_node, use.module, None)
        if isinstance(value, Func):
            return value
    return None


def context_value(ev: EvaluatorProtocol, ctx_node: Node, mod: Module) -> Value | None:
    """What `useContext(Ctx)` returns: the `value` of a rendered provider, evaluated where it renders."""
    if ctx_node.type != "identifier" or _too_deep(ev):
        return None
    for use in usages(ev, modules.origin_name(ev, ctx_node, mod), provider=True):
        value_node = use.attrs.get("value")
        if value_node is not None:
            value = ev.eval(value_node, use.module, None)
            if not isinstance(value, Unknown):
                return value
    return None


def _too_deep(ev: EvaluatorProtocol) -> bool:
    """Props and context start new chains of evaluation: only from the shallower half of the stack."""
    if ev.memo.depth > MAX_DEPTH // 2:
        ev.memo.cut_deep()  # what we would have found depends on how deep we are
        return True
    return False


def usages(ev: EvaluatorProtocol, comp: str, provider: bool = False) -> Iterable[Usage]:
    """Where shipping code renders `<comp …>` (or its provider); each module scanned once per app,
    and only as far as a caller reads (files are parsed on demand)."""
    key = ("jsx-usages", comp, provider)
    found = ev.cache.get(key)
    if not isinstance(found, _Pulled):
        found = ev.cache[key] = _Pulled(_scan(ev, comp, provider))
    return found


def _scan(ev: EvaluatorProtocol, comp: str, provider: bool) -> Iterator[Usage]:
    for user in ev.index.evidence_modules(words=(comp,), jsx=True):
        if not ev.spend(len(user.jsx)):
            return  # the budget is gone: the evaluator answers unknown from now on
        tags = _tag_table(ev, user)
        direct = tags.provided(comp) if provider else tags.by_last.get(comp, [])
        hits = set(direct)
        # Only elements whose tag starts with an imported name can be `comp` under another name.
        candidates = sorted(hits.union(tags.imported_provider if provider else tags.imported))
        for i in candidates:
            el = user.jsx[i]
            if i in hits or _imported_as(ev, user, el, tags.tags[i], comp, provider):
                yield Usage(user, el, jsx_attr_nodes(user, el))


class _TagTable:
    """A module's JSX elements by tag, read once per app: positions in `Module.jsx` by the tag's
    last part and by the whole tag, and those whose tag starts with an imported name (the only
    ones that can render a component under another name)."""

    def __init__(self, mod: Module) -> None:
        self.tags: list[str] = []
        self.by_last: dict[str, list[int]] = {}
        self.by_tag: dict[str, list[int]] = {}
        self.imported: list[int] = []  # `<B …>` with B imported
        self.imported_provider: list[int] = []  # also `<B.Provider …>`
        for i, el in enumerate(mod.jsx):
            tag = jsx_tag(mod, el) or ""
            self.tags.append(tag)
            if not tag:
                continue
            self.by_last.setdefault(tag.split(".")[-1], []).append(i)
            self.by_tag.setdefault(tag, []).append(i)
            head = tag.split(".")[0]
            if head in mod.imports and (tag == head or tag == f"{head}.Provider"):
                self.imported_provider.append(i)
                if tag == head:
                    self.imported.append(i)

    def provided(self, comp: str) -> list[int]:
        return self.by_tag.get(comp, []) + self.by_tag.get(f"{comp}.Provider", [])


def _tag_table(ev: EvaluatorProtocol, mod: Module) -> _TagTable:
    key = ("jsx-tags", mod.path)
    table = ev.cache.get(key)
    if not isinstance(table, _TagTable):
        table = ev.cache[key] = _TagTable(mod)
    return table


def _imported_as(ev: EvaluatorProtocol, mod: Module, el: Node, tag: str, comp: str, provider: bool) -> bool:
    """`<B …>` after `import { Button as B }` (or `<Ctx.Provider>` after `import { AvatarContext as Ctx }`)
    renders `comp`: the tag is read through the module's imports, not by its spelling."""
    head = tag.split(".")[0]
    if head not in mod.imports or (tag != head and not (provider and tag == f"{head}.Provider")):
        return False
    opening = el if el.type == "jsx_self_closing_element" else el.child_by_field_name("open_tag")
    name = opening.child_by_field_name("name") if opening is not None else None
    if name is not None and name.type == "member_expression":
        name = name.child_by_field_name("object")
    return name is not None and modules.origin_name(ev, name, mod) == comp


class _Pulled:
    """A lazily computed sequence, kept as far as it has been read."""

    def __init__(self, source: Iterator[Usage]) -> None:
        self._source: Iterator[Usage] | None = source
        self._items: list[Usage] = []

    def __iter__(self) -> Iterator[Usage]:
        i = 0
        while True:
            if i < len(self._items):
                yield self._items[i]
                i += 1
                continue
            if self._source is None:
                return
            item = next(self._source, None)
            if item is None:
                self._source = None
                return
            self._items.append(item)


def component_name(fn: Node, mod: Module) -> str | None:
    """The name a function is rendered under, if it looks like a React component."""
    name_node = fn.child_by_field_name("name")
    parent = fn.parent
    if name_node is None and parent is not None and parent.type == "variable_declarator":
        name_node = parent.child_by_field_name("name")
    if name_node is None and parent is not None and parent.type == "arguments":
        call = parent.parent  # forwardRef(function ...) / memo(...)
        decl = call.parent if call is not None else None
        if decl is not None and decl.type == "variable_declarator":
            name_node = decl.child_by_field_name("name")
    if name_node is None:
        return None
    name = mod.text(name_node)
    return name if name[:1].isupper() else None


def jsx_attr_nodes(mod: Module, el: Node) -> dict[str, Node]:
    """name -> value node of an element's attributes that have a value (`{x}` unwrapped): the
    index's one attribute reader, without bare attributes (`hidden`) and empty `{}`."""
    return {k: v for k, v in jsx_attributes(mod, el).items() if v is not True}
