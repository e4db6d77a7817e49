"""Can this code run when a page renders? (TAV003, TAV005, TAV105; issue 13 "rendered means it can render")

A module reachable from a page by imports is not enough: the component (or hook) around the
code must be rendered (or called) from a page, through JSX in shipping code, following default
and named imports, aliases (`const View = Avatar`) and re-exports. And the JSX itself must be
able to render: `{false && <button/>}`, `{SHOW_END && …}` with `const SHOW_END = false`, the
dead side of a constant ternary never render.

The analysis errs towards "rendered": a component used in a way it does not follow (passed as a
value, to `dynamic()` or `lazy()`, through a call, a class component) counts as rendered, so
only a component that positively nothing renders is reported (a gate must not fail correct code).
"""

from __future__ import annotations

from typing import Any, Iterator

from sop_check.evaluate import Bool, Evaluator, Null, Num, Str
from sop_check.evaluate.syntax import ancestors
from sop_check.index import AppIndex
from sop_check.jsmodule import FUNCTION_TYPES, Module, jsx_tag
from sop_check.records import record

_MAX_DEPTH = 12
_WRAPPING_CALLS = ("forwardRef", "memo", "observer")


@record(frozen=True)
class Rendering:
    """Whether code can run when pages render, and if not, why not (for the finding)."""

    rendered: bool
    why: str = ""


RENDERED = Rendering(True)


def can_render(ev: Evaluator, mod: Module, node: Any) -> Rendering:
    """Can `node` (a JSX element, a listener, an effect) run when a page renders?"""
    chain = ancestors(node, mod.root)
    dead = constant_condition(ev, mod, node, chain)
    if dead is not None:
        return Rendering(False, dead)
    owner = _owner(mod, chain + [node])
    if owner is None:
        return RENDERED  # not inside a named component or hook: nothing to follow
    name, exported_default = owner
    if _used(ev, mod, name, exported_default, 0, _Walk()):
        return RENDERED
    what = f"<{name}>" if name[:1].isupper() else f"{name}()"
    return Rendering(False, f"nothing a page renders uses {what} ({mod.repo_path})")


def constant_condition(ev: Evaluator, mod: Module, node: Any, chain: list[Any] | None = None) -> str | None:
    """Why the JSX around `node` never renders (`{false && …}`, a constant flag), or None."""
    chain = ancestors(node, mod.root) if chain is None else chain
    below = node
    for parent in reversed(chain):
        t = parent.type
        if t in FUNCTION_TYPES:
            break
        if t == "binary_expression":
            op = parent.child_by_field_name("operator")
            left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
            if op is not None and left is not None and right is not None and right.id == below.id:
                truth = _constant_truth(ev, mod, left)
                if (op.type == "&&" and truth is False) or (op.type in ("||", "??") and truth is True):
                    return f"it renders only when `{mod.text(left)[:40]}`, which is always {'false' if truth is False else 'true'}"
        elif t == "ternary_expression":
            cond = parent.child_by_field_name("condition")
            cons, alt = parent.child_by_field_name("consequence"), parent.child_by_field_name("alternative")
            truth = _constant_truth(ev, mod, cond) if cond is not None else None
            if truth is not None and ((cons is not None and cons.id == below.id and truth is False) or
                                      (alt is not None and alt.id == below.id and truth is True)):
                return f"it is on the side of `{mod.text(cond)[:40]} ? … : …` that never renders"
        below = parent
    return None


def _constant_truth(ev: Evaluator, mod: Module, node: Any) -> bool | None:
    value = ev.eval(node, mod, None)
    if isinstance(value, Bool):
        return value.value
    if isinstance(value, Null):
        return False
    if isinstance(value, Num):
        return value.value != 0
    if isinstance(value, Str) and value.exact:
        return value.text != ""
    return None


# ---------------------------------------------------------------------------- who owns the code
def _owner(mod: Module, chain: list[Any]) -> tuple[str, bool] | None:
    """The outermost named component (or hook, or class component) around the code: (name, is the
    module's default export)."""
    found: tuple[str, bool] | None = None
    for n in chain:
        if n.type not in FUNCTION_TYPES and n.type not in ("class_declaration", "class"):
            continue
        name = _function_name(mod, n)
        default = _is_default_export(n)
        if name is not None and (name[:1].isupper() or _is_hook(name)):
            return name, default
        if default and found is None:
            return "default", True
    return found


def _function_name(mod: Module, fn: Any) -> str | None:
    name = fn.child_by_field_name("name")
    if name is not None and fn.type != "method_definition":
        return mod.text(name)
    parent = fn.parent
    # `const X = () => …`, `const X = memo(() => …)`, `const X = forwardRef(function (…) …)`
    while parent is not None and parent.type in ("arguments", "call_expression", "parenthesized_expression"):
        if parent.type == "call_expression":
            callee = parent.child_by_field_name("function")
            if callee is None or mod.text(callee).rsplit(".", 1)[-1] not in _WRAPPING_CALLS:
                return None
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        ident = parent.child_by_field_name("name")
        if ident is not None and ident.type == "identifier":
            return mod.text(ident)
    return None


def _is_default_export(node: Any) -> bool:
    parent = node.parent
    return parent is not None and parent.type == "export_statement" and any(c.type == "default" for c in parent.children)


def _is_hook(name: str) -> bool:
    return name.startswith("use") and name[3:4].isupper()


# ---------------------------------------------------------------------------- who uses it
def _used(ev: Evaluator, mod: Module, name: str, exported_default: bool, depth: int,
          seen: _Walk) -> bool:
    """Is component/hook `name` of `mod` rendered or called by something that is rendered?"""
    key = (mod.path, name)
    if key in seen.path:
        seen.cuts.add(key)  # a cycle: answered False here, so results until `key` finishes are partial
        return False
    if depth > _MAX_DEPTH:
        return True  # too far to follow: assume it is
    memo: dict[tuple[str, str], bool] = ev.index.memo.setdefault("rendered-components", {})
    if key in memo:
        return memo[key]
    seen.path.add(key)
    try:
        result = _used_here(ev, mod, name, exported_default, depth, seen)
    finally:
        seen.path.discard(key)
        seen.cuts.discard(key)
    if result or not seen.cuts:  # a False that rests on a cycle cut above `key` is not kept
        memo[key] = result
    return result


class _Walk:
    """The components on the path being followed, and the ones where a cycle was cut."""

    def __init__(self) -> None:
        self.path: set[tuple[str, str]] = set()
        self.cuts: set[tuple[str, str]] = set()


def _used_here(ev: Evaluator, mod: Module, name: str, exported_default: bool, depth: int, seen: _Walk) -> bool:
    index = ev.index
    result = False
    if mod.path in _entries(index) and (exported_default or _default_local(mod) == name):
        result = True  # a page, layout or pages/ file: Next.js renders its default export
    if not result and name != "default":
        result = _used_in_module(ev, mod, name, depth, seen)
    if not result:
        names = [e for e, entry in mod.exports.items()
                 if entry.source is None and (entry.local == name or (e == "default" and exported_default))]
        result = any(_exported_used(ev, mod, e, depth, seen) for e in names)
    return result


def _entries(index: AppIndex) -> set[str]:
    cached = index.memo.get("entry-set")
    if not isinstance(cached, set):
        cached = index.memo["entry-set"] = set(index.entries())
    return cached


def _default_local(mod: Module) -> str | None:
    entry = mod.exports.get("default")
    return entry.local if entry is not None else None


def _used_in_module(ev: Evaluator, mod: Module, name: str, depth: int, seen: _Walk) -> bool:
    """A JSX element `<name>` or a call `name()` in `mod` inside something rendered; an alias
    (`const View = name`) followed; any other use of the value taken as rendering it."""
    for ref in _references(ev, mod, name):
        parent = ref.parent
        if parent is None:
            continue
        t = parent.type
        if t in ("import_specifier", "import_clause", "export_specifier", "namespace_import"):
            continue
        if t in ("jsx_opening_element", "jsx_self_closing_element", "call_expression"):
            if t == "call_expression" and (parent.child_by_field_name("function") or parent).id != ref.id:
                return True  # passed to a call: createElement(X), dynamic(X), withAuth(X)
            if _site_used(ev, mod, parent, depth, seen):
                return True
            continue
        if t == "variable_declarator":
            if (parent.child_by_field_name("name") or parent).id == ref.id:
                continue  # the declaration itself
            alias = parent.child_by_field_name("name")
            if alias is not None and alias.type == "identifier" and \
                    _used(ev, mod, mod.text(alias), False, depth + 1, seen):
                return True
            continue
        if t in ("function_declaration", "class_declaration", "export_statement", "jsx_closing_element"):
            continue  # its own declaration, `export default X` (followed through exports), a closing tag
        if t == "member_expression" and parent.parent is not None and \
                parent.parent.type == "assignment_expression" and \
                (parent.parent.child_by_field_name("left") or parent).id == parent.id:
            continue  # `Avatar.displayName = …`: not a use
        return True  # a value used some other way (a prop, an object, an array): taken as rendered
    return False


def _site_used(ev: Evaluator, mod: Module, site: Any, depth: int, seen: _Walk) -> bool:
    """The place that renders (or calls) the component is itself rendered."""
    element = site.parent if site.type == "jsx_opening_element" else site
    chain = ancestors(element, mod.root)
    if constant_condition(ev, mod, element, chain) is not None:
        return False
    owner = _owner(mod, chain + [element])
    if owner is None:
        return True  # module-level JSX or an anonymous function: not followed, taken as rendered
    return _used(ev, mod, owner[0], owner[1], depth + 1, seen)


def _exported_used(ev: Evaluator, mod: Module, exported: str, depth: int, seen: _Walk) -> bool:
    """Some evidence module imports `exported` from `mod` and renders it (re-exports followed)."""
    index = ev.index
    if exported == "default" and mod.path in _entries(index):
        return True  # a page that re-exports its default (`export { default } from './impl'`)
    for user_path in _importers(index).get(mod.path, ()):
        user = index.module(user_path)
        if user is None:
            return True  # cannot read it: taken as rendering
        static = False
        for local, binding in user.imports.items():
            if index.resolve_import(user_path, binding.source) != mod.path:
                continue
            static = True
            if binding.name == exported and _used(ev, user, local, False, depth + 1, seen):
                return True
            if binding.name == "*" and _namespace_used(ev, user, local, exported, depth, seen):
                return True
        for name, entry in user.exports.items():
            if entry.source is not None and index.resolve_import(user_path, entry.source) == mod.path:
                static = True
                if entry.imported in (exported, "*") and _exported_used(ev, user, name, depth + 1, seen):
                    return True
        for star in user.star_exports:
            if index.resolve_import(user_path, star) == mod.path:
                static = True
                if exported != "default" and _exported_used(ev, user, exported, depth + 1, seen):
                    return True
        if not static:
            return True  # `dynamic(() => import('./X'))`, `lazy()`, `require()`: taken as rendering
    return False


def _namespace_used(ev: Evaluator, user: Module, ns: str, exported: str, depth: int,
                    seen: _Walk) -> bool:
    for el in user.jsx:
        tag = jsx_tag(user, el)
        if tag == f"{ns}.{exported}" and _site_used(ev, user, el, depth, seen):
            return True
    return any(True for ref in _references(ev, user, ns) if ref.parent is not None and
               ref.parent.type == "member_expression" and user.text(ref.parent) == f"{ns}.{exported}" and
               ref.parent.parent is not None and ref.parent.parent.type not in ("jsx_opening_element",
                                                                                "jsx_self_closing_element",
                                                                                "jsx_closing_element"))


def _references(ev: Evaluator, mod: Module, name: str) -> Iterator[Any]:
    yield from _identifier_index(ev.index, mod).get(name, ())


def _identifier_index(index: AppIndex, mod: Module) -> dict[str, list[Any]]:
    """Every identifier of a module by name (`{ Avatar }` shorthand too), built once per module."""
    by_module: dict[str, dict[str, list[Any]]] = index.memo.setdefault("identifier-index", {})
    cached = by_module.get(mod.path)
    if cached is not None:
        return cached
    out: dict[str, list[Any]] = {}
    for node in mod.nodes_of(frozenset({"identifier", "shorthand_property_identifier"})):
        out.setdefault(mod.text(node), []).append(node)
    by_module[mod.path] = out
    return out


def _importers(index: AppIndex) -> dict[str, set[str]]:
    """Evidence modules importing each module (from bytes: the import specifiers), once per app."""
    cached = index.memo.get("importers")
    if isinstance(cached, dict):
        return cached
    out: dict[str, set[str]] = {}
    for f in sorted(index.reachable()):
        if not index.is_evidence(f):
            continue
        facts = index.facts(f)
        if facts is None:
            continue
        for spec in facts.specifiers:
            target = index.resolve_import(f, spec)
            if target is not None and target != f:
                out.setdefault(target, set()).add(f)
    index.memo["importers"] = out
    return out
