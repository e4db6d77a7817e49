"""Requests read where they are called from: the app's own API client, bound at each call site.

A request made inside a helper (`tavusFetch(key, path, init)` building `${BASE}${path}`, a
class's `this.request('/v2/conversations', …)`, a factory's `open: (input) => call(…)`)
has its URL and body in the helper's parameters. Read alone it is undecided; read from
each place that calls the helper (and, when that is again a helper, from the places that
call it) it is the request the app really makes there.

`in_callers(ev, call, mod, settled)` answers with the request once per call path, from the
outermost call found down to the request, each read with the arguments of its path; a
path along which the request stays undecided says why no caller was followed further.
Callers are found by name (the function's declared name and the local names it is
imported under), then confirmed by evaluating the callee: a call of another function of
the same name does not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sop_check.evaluate.requests import CallHop, Request, as_request
from sop_check.evaluate.syntax import ancestors, call_args
from sop_check.evaluate.values import Func, Scope, UnknownKind
from sop_check.jsmodule import FUNCTION_TYPES, Module
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.evaluate.protocol import EvaluatorProtocol

MAX_LEVELS = 4  # helpers calling helpers: past this, a path is left undecided
MAX_PATHS = 48  # call paths read per request
MAX_CALLERS = 24  # call sites read per function
MAX_CANDIDATES = 200  # calls of the same name examined per function (`get`, `open` are everywhere)
_NAMED_PARENTS = frozenset({"variable_declarator", "pair", "public_field_definition", "field_definition"})


@record
class InContext:
    """A request as one call path makes it."""

    request: Request
    sites: tuple[CallHop, ...] = ()  # the calls from the outermost one down to the helper making the request
    stopped: str = ""  # why no caller was followed further, when the request is still undecided
    stopped_kind: UnknownKind | None = None  # the same as a kind: what is not known there

    @property
    def outermost(self) -> CallHop | None:
        return self.sites[0] if self.sites else None


Settled = Callable[[Request], bool]


def in_callers(ev: EvaluatorProtocol, call: Node, mod: Module, settled: Settled) -> list[InContext]:
    """The request `call` makes, read along each call path until `settled` says it is decided."""
    first = as_request(ev, call, mod, None)
    if first is None:
        return []
    if settled(first):
        return [InContext(first)]
    out: list[InContext] = []
    # (sites from the outermost down, the function the outermost site calls, its module, levels left)
    frontier: list[tuple[tuple[CallHop, ...], Node | None, Module]] = [((), callable_around(call, mod), mod)]
    read = 0
    while frontier:
        sites, fn, fn_mod = frontier.pop(0)
        request = first if not sites else _read_along(ev, call, mod, sites)
        if request is None:
            continue
        if sites and settled(request):
            out.append(InContext(request, sites))
            continue
        why, kind = _why_stop(ev, fn, fn_mod, len(sites), read)
        found = [] if why else callers(ev, fn, fn_mod) if fn is not None else []
        if not why and fn is not None and _too_common(ev, fn, fn_mod):
            why, kind = f"{function_label(fn, fn_mod)} shares its name with too many calls to follow", \
                UnknownKind.INDIRECT
        if not why and not found:
            why, kind = _no_caller(fn, fn_mod)
        if why:
            out.append(InContext(request, sites, why, kind))
            continue
        for site_call, site_mod in found:
            hop = CallHop(_callee_text(site_call, site_mod), site_call, site_mod)
            frontier.append(((hop, *sites), callable_around(site_call, site_mod), site_mod))
            read += 1
    return out


# Functions the framework calls (route handlers, API handlers): their arguments are the request.
FRAMEWORK_ENTRIES = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "handler", "default"})


def _no_caller(fn: Node | None, mod: Module) -> tuple[str, UnknownKind]:
    if fn is None:
        return "it is made at module level", UnknownKind.RUNTIME_VALUE
    names = function_names(fn, mod)
    if names and names[0] in FRAMEWORK_ENTRIES:
        return f"{names[0]}() is called by the framework: its arguments are the request", UnknownKind.CLIENT_INPUT
    return f"no call of {function_label(fn, mod)} was found", UnknownKind.PARAMETER


def _why_stop(ev: EvaluatorProtocol, fn: Node | None, fn_mod: Module, levels: int,
              read: int) -> tuple[str, UnknownKind | None]:
    if ev.exhausted:
        return "the analysis budget ran out", UnknownKind.BUDGET
    if fn is not None and levels >= MAX_LEVELS:
        return f"{function_label(fn, fn_mod)} is called through more than {MAX_LEVELS} helpers", UnknownKind.TOO_DEEP
    if read >= MAX_PATHS:
        return f"more than {MAX_PATHS} call paths lead to it", UnknownKind.INDIRECT
    return "", None


def _read_along(ev: EvaluatorProtocol, call: Node, mod: Module, sites: tuple[CallHop, ...]) -> Request | None:
    """The request made when the outermost site runs (its own function's arguments unknown)."""
    scope: Scope | None = None
    for hop in sites:
        fn_node = hop.node.child_by_field_name("function")
        callee = ev.eval(fn_node, hop.module, scope) if fn_node is not None else None
        if not isinstance(callee, Func):
            return None
        scope = ev.bind(callee, [ev.thunk(a, hop.module, scope) for a in call_args(hop.node)])
    return as_request(ev, call, mod, scope)


def callable_around(node: Node, mod: Module) -> Node | None:
    """The function whose calls run `node`: the innermost enclosing function that is not a callback
    handed to a call (`.then(() => …)` runs as part of the function around it)."""
    chain = ancestors(node, mod.root)
    for i in range(len(chain) - 1, -1, -1):
        fn = chain[i]
        if fn.type in FUNCTION_TYPES and not (i > 0 and chain[i - 1].type == "arguments" and not _named(fn)):
            return fn
    return None


def _named(fn: Node) -> bool:
    """`const f = useCallback(async () => …)`: a callback that is the value of a name."""
    args = fn.parent
    wrapper = args.parent if args is not None else None
    holder = wrapper.parent if wrapper is not None else None
    return holder is not None and holder.type == "variable_declarator"


def function_names(fn: Node, mod: Module) -> list[str]:
    """The names a function is called by: its own, its variable's, its property's or method's."""
    own = fn.child_by_field_name("name")
    names = [mod.text(own).strip("'\"")] if own is not None else []
    if fn.type in ("function_declaration", "generator_function_declaration", "method_definition"):
        return names
    return names + [n for n in _names_of_holder(fn, mod) if n not in names]


def _names_of_holder(fn: Node, mod: Module) -> list[str]:
    parent = fn.parent
    if parent is not None and parent.type == "arguments":  # `const f = useCallback(() => …)`
        wrapper = parent.parent
        parent = wrapper.parent if wrapper is not None else None
    if parent is None:
        return []
    if parent.type in _NAMED_PARENTS:
        name = parent.child_by_field_name("name") or parent.child_by_field_name("key") \
            or parent.child_by_field_name("property")
        return [mod.text(name).strip("'\"")] if name is not None and name.type != "object_pattern" else []
    if parent.type == "assignment_expression":  # `obj.send = function (…) {…}`, `this.send = …`
        left = parent.child_by_field_name("left")
        if left is not None and left.type == "member_expression":
            left = left.child_by_field_name("property")
        return [mod.text(left)] if left is not None else []
    return []


def function_label(fn: Node, mod: Module) -> str:
    names = function_names(fn, mod)
    where = f"{mod.repo_path}:{mod.location(fn).line}"
    return f"{names[0]}() ({where})" if names else f"the function at {where}"


def _too_common(ev: EvaluatorProtocol, fn: Node, mod: Module) -> bool:
    return sum(len(_named_calls(ev, name)) for name in function_names(fn, mod)) > MAX_CANDIDATES


def callers(ev: EvaluatorProtocol, fn: Node, mod: Module) -> list[tuple[Node, Module]]:
    """Call sites in the app whose callee is `fn` (found by name, confirmed by evaluation; a name with
    more than MAX_CANDIDATES calls is not searched: see `_too_common`)."""
    key = ("callers", mod.path, fn.id)
    found: list[tuple[Node, Module]] | None = ev.cache.get(key)
    if found is not None:
        return found
    found = []
    for name in function_names(fn, mod) if not _too_common(ev, fn, mod) else ():
        for site, site_mod in _named_calls(ev, name):
            if len(found) >= MAX_CALLERS:
                break
            callee_node = site.child_by_field_name("function")
            if callee_node is None or not ev.spend(1):
                continue
            callee = ev.eval(callee_node, site_mod, None)
            if isinstance(callee, Func) and callee.node.id == fn.id and callee.module.path == mod.path:
                found.append((site, site_mod))
    ev.cache[key] = found
    return found


def _named_calls(ev: EvaluatorProtocol, name: str) -> list[tuple[Node, Module]]:
    """Calls in evidence modules whose callee ends with `name` (or a local import alias of it)."""
    key = ("named-calls", name)
    found: list[tuple[Node, Module]] | None = ev.cache.get(key)
    if found is not None:
        return found
    found = []
    for mod in ev.index.evidence_modules(words=(name,)):
        wanted = {name} | {local for local, b in mod.imports.items() if b.name == name}
        for call in mod.calls:
            if call.type == "call_expression" and _callee_text(call, mod, last=True) in wanted:
                found.append((call, mod))
    ev.cache[key] = found
    return found


def _callee_text(call: Node, mod: Module, last: bool = False) -> str:
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "await_expression" and fn.named_children:
        fn = fn.named_children[0]  # `await f<T>(…)` parses as a call of `await f` with type arguments
    if fn is None:
        return ""
    if last and fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return mod.text(prop) if prop is not None else ""
    return mod.text(fn)[:40] if not last else mod.text(fn)
