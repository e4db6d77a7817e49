"""Which expressions hold the end route's conversation id, for TAV002's missing-id 400 (`_missing_id`).

An id is a name or property in the pack's `id-fields` (`conversation_id`, `conversationId`), a
variable read from one (`const { conversation_id: cid } = body`, `searchParams.get('conversation_id')`,
`String(id).trim()`), or a helper's parameter that its callers fill with one. Split out of
`_missing_id.py`, which keeps where the 400 sits and what the test around it says.
"""

from __future__ import annotations

from typing import Any, Iterator

from sop_check.evaluate import Evaluator, Func, ParamBinding, VarBinding, call_args
from sop_check.evaluate.scopes import destructured_prop, parameters
from sop_check.jsmodule import Module

_WRAPPERS = frozenset({"parenthesized_expression", "non_null_expression", "as_expression", "satisfies_expression",
                       "await_expression", "type_assertion"})


def unwrap(node: Any) -> Any:
    while node.type in _WRAPPERS and node.named_children:
        inner = [c for c in node.named_children if c.type != "comment"]
        if node.type in ("as_expression", "satisfies_expression", "type_assertion"):
            node = inner[0] if node.type != "type_assertion" else inner[-1]
        else:
            node = inner[0]
    return node


def string_of(node: Any, mod: Module) -> str:
    return mod.text(node)[1:-1] if node.type == "string" else ""


def call_name(call: Any, mod: Module) -> str:
    fn = call.child_by_field_name("function")
    return mod.text(fn).replace("?.", ".").rsplit(".", 1)[-1] if fn is not None else ""


class IdReader:
    """Answers "is this expression the conversation id?" inside the functions a route handler reaches."""

    def __init__(self, ev: Evaluator, functions: list[Func], ids: list[str]) -> None:
        self.ev = ev
        self.functions = functions
        self.ids = list(ids)

    def is_id(self, node: Any, mod: Module, depth: int = 0) -> bool:
        node = unwrap(node)
        t = node.type
        if depth > 6:
            return False
        if t == "identifier":
            name = mod.text(node)
            if name in self.ids:
                return True
            decl = self.ev.find_decl(name, node, mod)
            if isinstance(decl, VarBinding):
                pattern = decl.node.child_by_field_name("name")
                if pattern is not None and pattern.type == "object_pattern":
                    return destructured_prop(pattern, name, mod) in self.ids
                value = decl.node.child_by_field_name("value")
                return value is not None and pattern is not None and pattern.type == "identifier" and \
                    self.is_id(value, mod, depth + 1)
            if isinstance(decl, ParamBinding):
                pattern = decl.node.child_by_field_name("pattern") if decl.node.type != "object_pattern" else decl.node
                if pattern is not None and pattern.type == "object_pattern":
                    return destructured_prop(pattern, name, mod) in self.ids  # `({ conversation_id: id }) => …`
                return self._param_is_id(decl, mod, depth)
            return False
        if t == "member_expression":
            prop = node.child_by_field_name("property")
            obj = node.child_by_field_name("object")
            return prop is not None and obj is not None and mod.text(prop) in self.ids
        if t == "subscript_expression":
            index = node.child_by_field_name("index")
            return index is not None and index.type == "string" and string_of(index, mod) in self.ids
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            args = call_args(node)
            name = call_name(node, mod)
            if name in ("get", "getAll") and args and args[0].type == "string" and string_of(args[0], mod) in self.ids:
                return True  # searchParams.get('conversation_id'), formData.get(...)
            if name in ("trim", "toString", "toLowerCase") and fn is not None and fn.type == "member_expression":
                obj = fn.child_by_field_name("object")
                return obj is not None and self.is_id(obj, mod, depth + 1)
            if name == "String" and args:
                return self.is_id(args[0], mod, depth + 1)
            return False
        if t == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is not None and op.type in ("??", "||"):
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                return any(s is not None and self.is_id(s, mod, depth + 1) for s in (left, right))
        return False

    def length_of_id(self, node: Any, mod: Module) -> bool:
        node = unwrap(node)
        if node.type != "member_expression":
            return False
        prop, obj = node.child_by_field_name("property"), node.child_by_field_name("object")
        return prop is not None and obj is not None and mod.text(prop) == "length" and self.is_id(obj, mod)

    def _param_is_id(self, decl: ParamBinding, mod: Module, depth: int) -> bool:
        """A helper's parameter is the id when it is named so or a caller passes the id in its place."""
        # `parameters` knows `id => …` (no parentheses) and leaves comments out, as `call_args` does.
        position = next((i for i, p in enumerate(parameters(decl.function)) if p.id == decl.node.id), None)
        if position is None:
            return False
        target = next((f for f in self.functions if f.node.id == decl.function.id and f.module is mod), None)
        if target is None:
            return False
        for call, caller in self.calls_of(target):
            args = call_args(call)
            if position < len(args) and self.is_id(args[position], caller.module, depth + 1):
                return True
        return False

    def calls_of(self, func: Func) -> Iterator[tuple[Any, Func]]:
        """Calls of `func` inside the other reached functions, each with the function it sits in."""
        for caller in self.functions:
            if caller.key == func.key:
                continue
            mod = caller.module
            for call in self.ev.calls.calls_within(caller.node, mod):
                if call.type != "call_expression":
                    continue
                targets, _ = self.ev.callee_functions(call, mod, caller.scope)
                if any(t.key == func.key for t in targets):
                    yield call, caller
