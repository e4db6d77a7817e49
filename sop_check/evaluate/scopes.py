"""Which declaration a name refers to, as typed bindings (pyflakes' and LibCST's way).

`Scopes.find(name, at, module)` walks outwards from a node through the syntactic
scopes (function parameters, blocks, loop heads, catch clauses, the module) and
answers with one binding: a parameter, a variable, an import, a function, a class,
or an opaque name bound at run time (a loop variable, a catch parameter). Names are
compared whole, never as substrings.

`bind(func, args)` is the other half: the parameters of one call bound to its
argument thunks, as a `Scope` the interpreter looks parameters up in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from sop_check.evaluate.state import Budget
from sop_check.evaluate.syntax import ancestors, this_owner
from sop_check.evaluate.values import Func, Null, Scope, Thunk, Unknown, UnknownKind
from sop_check.jsmodule import FUNCTION_TYPES, ImportBinding, Module, pattern_names, string_value
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node


@record(frozen=True)
class ParamBinding:
    """A parameter of `function`: its value comes from the call (or from JSX props)."""

    node: Node  # the parameter node
    function: Node  # the function it belongs to


@record(frozen=True)
class VarBinding:
    """`const x = …` / `let { a } = …`: the variable declarator."""

    node: Node


@record(frozen=True)
class ImportedBinding:
    """`import { x } from './m'`."""

    binding: ImportBinding


@record(frozen=True)
class FunctionBinding:
    """`function f() {}` (also a named function expression's own name)."""

    node: Node


@record(frozen=True)
class ClassBinding:
    node: Node


@record(frozen=True)
class OpaqueBinding:
    """A name bound at run time: a loop variable or a catch parameter."""

    node: Node


Binding = Union[ParamBinding, VarBinding, ImportedBinding, FunctionBinding, ClassBinding, OpaqueBinding]
_BLOCKS = frozenset({"statement_block", "program", "switch_body", "class_body"})


_NAMES = frozenset({"identifier", "shorthand_property_identifier"})
_NAMES_AND_THIS = _NAMES | {"this"}
_NOTHING: frozenset[int] = frozenset()
EVERY_CALL = -1  # in a free_params answer: could depend on any call (too deep to tell)
_EVERYTHING: frozenset[int] = frozenset({EVERY_CALL})
_MAX_PENDING = 100  # local definitions chained deeper than this are not traced (Python's stack)
_NO_CUT = 1 << 62  # larger than any nesting level


class Scopes:
    """Name lookup for the modules of one app; each block's declarations and each answer are kept."""

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget  # walks are charged to it: a hostile nesting depth must not stall a rule
        self._blocks: dict[tuple[str, int], dict[str, Binding]] = {}
        self._found: dict[tuple[str, int, str], Binding | None] = {}
        self._free: dict[tuple[str, int], frozenset[int]] = {}
        self._pending: dict[tuple[str, int], int] = {}  # free_params being computed -> nesting level
        self._lowest_cut = _NO_CUT

    def find(self, name: str, at: Node, mod: Module) -> Binding | None:
        """The declaration of `name` visible at node `at`, or None (a global)."""
        key = (mod.path, at.id, name)
        if key in self._found:
            return self._found[key]
        hit: Binding | None = None
        chain = [*ancestors(at, mod.root), at] if at.id != mod.root.id else [at]
        for node in reversed(chain):
            hit = self._declared_by(node, name, mod)
            if hit is not None:
                break
        if self.budget is not None:
            self.budget.spend(len(chain))
        if hit is None and name in mod.imports:
            hit = ImportedBinding(mod.imports[name])
        self._found[key] = hit
        return hit

    def free_params(self, node: Node, mod: Module) -> frozenset[int]:
        """Ids of the functions whose parameters the value of `node` can depend on: parameters used
        in it and not bound inside it, also through local variables and functions it uses.

        The evaluator keeps only those calls' bindings when it evaluates `node`, so code that does
        not use a caller's arguments is evaluated once, whoever calls.
        """
        key = (mod.path, node.id)
        found = self._free.get(key)
        if found is not None:
            return found
        level = self._pending.get(key)
        if level is not None:  # a cycle through local definitions: the outer computation has the rest
            self._lowest_cut = min(self._lowest_cut, level)
            return _NOTHING
        if len(self._pending) >= _MAX_PENDING:
            return _EVERYTHING  # too deep to trace: keep every binding (never wrong, only less shared)
        level = self._pending[key] = len(self._pending)
        out: set[int] = set()
        for ident in mod.leaves_within(node, _NAMES_AND_THIS):
            if self.budget is not None and self.budget.exhausted:
                del self._pending[key]
                return _EVERYTHING  # not traced to the end: keep every binding
            if ident.type == "this":  # the receiver bound by the call of the method it belongs to
                owner = this_owner(ident, mod)
                if owner is not None and not _inside(owner, node):
                    out.add(owner.id)
                continue
            binding = self.find(mod.text(ident), ident, mod)
            if binding is not None:
                out |= self._free_through(binding, node, mod)
        del self._pending[key]
        result = frozenset(out)
        if self._lowest_cut >= level:  # not cut short by a cycle back to an outer computation
            self._free[key] = result
            self._lowest_cut = _NO_CUT
        if not self._pending:
            self._lowest_cut = _NO_CUT
        return result

    def _free_through(self, binding: Binding, within: Node, mod: Module) -> frozenset[int]:
        if isinstance(binding, ParamBinding):
            return _NOTHING if _inside(binding.function, within) else frozenset({binding.function.id})
        if isinstance(binding, (VarBinding, FunctionBinding, ClassBinding)):
            decl = binding.node
            if _inside(decl, within) or _at_module_level(decl):
                return _NOTHING
            source = decl.child_by_field_name("value") if isinstance(binding, VarBinding) else decl
            return self.free_params(source, mod) if source is not None else _NOTHING
        return _NOTHING

    def _declared_by(self, node: Node, name: str, mod: Module) -> Binding | None:
        t = node.type
        if t in FUNCTION_TYPES:
            return _function_binding(node, name, mod)
        if t in _BLOCKS:
            return self.block_decls(node, mod).get(name)
        if t == "catch_clause":
            param = node.child_by_field_name("parameter")
            if param is not None and _binds(param, name, mod):
                return OpaqueBinding(param)
        elif t == "for_in_statement":
            left = node.child_by_field_name("left")
            if left is not None and _binds(left, name, mod):
                return OpaqueBinding(left)
        elif t == "for_statement":
            init = node.child_by_field_name("initializer")
            if init is not None and name in _loop_names(init, mod):
                return OpaqueBinding(init)
        return None

    def block_decls(self, block: Node, mod: Module) -> dict[str, Binding]:
        key = (mod.path, block.id)
        cached = self._blocks.get(key)
        if cached is not None:
            return cached
        out: dict[str, Binding] = {}
        for stmt in _statements(block):
            if stmt.type == "export_statement":
                stmt = stmt.child_by_field_name("declaration") or stmt
            t = stmt.type
            if t in ("function_declaration", "generator_function_declaration", "class_declaration"):
                n = stmt.child_by_field_name("name")
                if n is not None:
                    out[mod.text(n)] = FunctionBinding(stmt) if "function" in t else ClassBinding(stmt)
            elif t in ("lexical_declaration", "variable_declaration"):
                for d in stmt.named_children:
                    n = d.child_by_field_name("name") if d.type == "variable_declarator" else None
                    if n is not None:
                        for ident in pattern_names(n):
                            out[mod.text(ident)] = VarBinding(d)
        self._blocks[key] = out
        return out


def _statements(block: Node) -> list[Node]:
    """The statements directly in a block; a switch's are in its cases (one scope for all of them)."""
    if block.type != "switch_body":
        return list(block.named_children)
    return [stmt for case in block.named_children for stmt in case.children_by_field_name("body")]


def _inside(inner: Node, outer: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _at_module_level(decl: Node) -> bool:
    parent = decl.parent
    if parent is not None and parent.type in ("lexical_declaration", "variable_declaration"):
        parent = parent.parent
    if parent is not None and parent.type == "export_statement":
        parent = parent.parent
    return parent is not None and parent.type == "program"


def _function_binding(fn: Node, name: str, mod: Module) -> Binding | None:
    params = fn.child_by_field_name("parameters")
    if params is None:
        param = fn.child_by_field_name("parameter")  # `x => ...`
        if param is not None and mod.text(param) == name:
            return ParamBinding(param, fn)
    else:
        for p in params.named_children:
            if _binds(p, name, mod):
                return ParamBinding(p, fn)
    own = fn.child_by_field_name("name")
    if fn.type in ("function_expression", "function") and own is not None and mod.text(own) == name:
        return FunctionBinding(fn)
    return None


def _binds(pattern: Node, name: str, mod: Module) -> bool:
    return any(mod.text(ident) == name for ident in pattern_names(pattern))


def _loop_names(init: Node, mod: Module) -> set[str]:
    """Names a `for (init; …)` head declares or assigns."""
    if init.type in ("lexical_declaration", "variable_declaration"):
        return {mod.text(i) for d in init.named_children if d.type == "variable_declarator"
                for n in [d.child_by_field_name("name")] if n is not None for i in pattern_names(n)}
    out: set[str] = set()
    stack = [init]
    while stack:
        n = stack.pop()
        if n.type == "assignment_expression":
            left = n.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                out.add(mod.text(left))
        elif n.type in ("sequence_expression", "expression_statement"):
            stack.extend(n.named_children)
    return out


def destructured_prop(pattern: Node, name: str, mod: Module) -> str | None:
    """The property `name` is taken from in an object pattern (`{ a: name }` -> 'a'), or None (also
    when it is taken from deeper in: `{ a: { b: name } }` takes it from `a.b`, see `destructured_path`)."""
    path = destructured_path(pattern, name, mod)
    return path[0] if path is not None and len(path) == 1 else None


def destructured_path(pattern: Node, name: str, mod: Module) -> tuple[str, ...] | None:
    """The properties `name` is taken from in an object pattern, outermost first (`{ a: { b: name } }`
    -> ('a', 'b')), or None: a rest element, an array element, or a name the pattern does not bind."""
    for child in pattern.named_children:
        t = child.type
        if t == "shorthand_property_identifier_pattern" and mod.text(child) == name:
            return (name,)
        if t == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None and mod.text(left) == name:
                return (name,)
        if t == "pair_pattern":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if value is not None and key is not None and any(mod.text(i) == name for i in pattern_names(value)):
                prop = string_value(mod, key) if key.type == "string" else mod.text(key)
                return _deeper(prop, value, name, mod)
    return None


def _deeper(prop: str, value: Node, name: str, mod: Module) -> tuple[str, ...] | None:
    """The path to `name` through the value side of `prop: value` in a pattern (`b = 1`, `{ c }`)."""
    if value.type == "assignment_pattern":  # `{ a: b = 1 }`, `{ a: { b } = {} }`: the default aside
        left = value.child_by_field_name("left")
        if left is None:
            return None
        value = left
    if value.type == "identifier":
        return (prop,)
    if value.type == "object_pattern":
        inner = destructured_path(value, name, mod)
        return (prop, *inner) if inner is not None else None
    return None  # an array pattern: an element, not a property


def parameters(fn: Node) -> list[Node]:
    """The parameter nodes of a function (`x => …` has one, without parentheses)."""
    params_node = fn.child_by_field_name("parameters")
    if params_node is None:
        single = fn.child_by_field_name("parameter")
        return [single] if single is not None else []
    return [p for p in params_node.named_children if p.type != "comment"]


def bind(func: Func, args: list[Thunk]) -> Scope:
    """The scope of one call of `func`: each parameter bound to its argument (or default, or null)."""
    bindings: dict[str, Thunk] = {}
    mod = func.module
    for i, p in enumerate(parameters(func.node)):
        arg = args[i] if i < len(args) else None
        # A parameter is a `required_parameter`/`optional_parameter` (its pattern, its default as
        # `value`; the TS and TSX grammars never give an `assignment_pattern` here), or the bare
        # name of `x => …`, which has neither field.
        pat = p.child_by_field_name("pattern") or p
        default = p.child_by_field_name("value")
        if arg is None and default is not None:
            arg = Thunk(default, mod, func.scope)
        if arg is None:
            arg = Thunk(None, mod, None, value=Null())
        if pat.type == "identifier":
            bindings[mod.text(pat)] = arg
        elif pat.type == "object_pattern":
            for ident in pattern_names(pat):
                name = mod.text(ident)
                path = destructured_path(pat, name, mod)
                if path is None:
                    continue
                if arg.prop is None and len(path) == 1:
                    bindings[name] = Thunk(arg.node, arg.module, arg.scope, prop=path[0], value=arg.value)
                else:
                    bindings[name] = Thunk(None, mod, None,
                                           value=Unknown(UnknownKind.UNMODELLED, "nested destructuring"))
    return Scope(func.node, func.module.path, bindings, func.scope)
