"""Does a Python end route answer 400 because the conversation id is missing?

The Python counterpart of `_missing_id` (TypeScript): which tests come out true exactly when the
id is missing, and whether a 400 sits under one. Apart from `_python`, whose end-route checks
use it, because it is one question with its own small logic of conditions.
"""

from __future__ import annotations

from typing import Any

from sop_check_rules._python_facts import PyFacts, all_bindings


_MISSING, _PRESENT = True, False
# What a name holds in the branch where the id could not be read: `cid = None` in the `except`
# of the `try` that reads it. Falsy, so `if not cid` still answers the missing id; only None
# also answers `if cid is None` (an `isinstance(cid, str)` test is false for None, not for "").
_BLANKS = frozenset({"None", "''", '""', "0", "False", "{}", "[]", "()"})


class MissingId:
    def __init__(self, f: PyFacts, ids: list[str]) -> None:
        self.f = f
        self.ids = set(ids)

    def bind(self, fn: Any) -> None:
        """Read the function's assignments: every one of a name counts (`is_id`), not only its last."""
        self.assigned = all_bindings(self.f, fn)

    def first_400(self, fn: Any) -> int | None:
        self.bind(fn)
        return self._walk(fn.body, False)

    def _walk(self, node: Any, guarded: bool) -> int | None:
        """The line of a 400 that is reached when the id is missing (`guarded`: an enclosing test says so)."""
        cst = self.f.cst
        if isinstance(node, cst.Integer):
            return self.f.line(node) if node.value == "400" and guarded else None
        if isinstance(node, cst.If):
            for part, want in ((node.body, _MISSING), (node.orelse, _PRESENT)):
                if part is not None:
                    found = self._walk(part, guarded or self.test(node.test, want))
                    if found is not None:
                        return found
            return None
        if isinstance(node, cst.Try):
            found = self._walk(node.body, guarded)
            raises = guarded or self._raises_when_missing(node.body)
            for handler in node.handlers:
                found = found or self._walk(handler, raises)
            return found
        for child in node.children:
            found = self._walk(child, guarded)
            if found is not None:
                return found
        return None

    def _raises_when_missing(self, body: Any) -> bool:
        import libcst as cst  # typed: the visitor subclasses it
        found: list[bool] = []
        checker = self

        class V(cst.CSTVisitor):
            def visit_If(self, node: Any) -> bool:
                if checker.test(node.test, _MISSING) and _has_raise(node.body):
                    found.append(True)
                return True

        body.visit(V())
        return bool(found)

    def test(self, node: Any, missing: bool, depth: int = 0) -> bool:
        """Does the test come out `missing` whenever the id is missing?"""
        cst = self.f.cst
        if depth > 8:
            return False
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            return self.test(node.expression, not missing, depth + 1)
        if isinstance(node, cst.BooleanOperation):
            a = self.test(node.left, missing, depth + 1)
            b = self.test(node.right, missing, depth + 1)
            either = isinstance(node.operator, cst.Or) == (missing is _MISSING)
            return (a or b) if either else (a and b)
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            target = node.comparisons[0]
            op, right = target.operator, target.comparator
            if isinstance(op, (cst.In, cst.NotIn)):
                named = isinstance(node.left, cst.SimpleString) and node.left.evaluated_value in self.ids
                return named and isinstance(op, cst.NotIn) == (missing is _MISSING)
            if isinstance(right, cst.Name) and right.value == "None" and self.is_id(node.left, none_only=True):
                return isinstance(op, (cst.Is, cst.Equal)) == (missing is _MISSING)
            return False
        if missing is _PRESENT and self.is_id(node):
            return True
        if missing is _PRESENT and isinstance(node, cst.Call):
            # isinstance(cid, str), a validator of the id: false for a missing id.
            return any(self.is_id(a.value, none_only=True) for a in node.args)
        return False

    def is_id(self, node: Any, depth: int = 0, none_only: bool = False) -> bool:
        """Does `node` hold the request's id, or (for a name) a blank where the id could not be
        read? `none_only`: the blank must be None (the test is `is None`, or a type check)."""
        return self._holds(node, depth, none_only, frozenset()) is True

    def _holds(self, node: Any, depth: int, none_only: bool, seen: frozenset[str]) -> bool | None:
        """True: the id; False: something else; None: only a blank, or the name itself again
        (`cid = cid.strip()`), which decide nothing either way."""
        cst = self.f.cst
        if depth > 6:
            return False
        if isinstance(node, cst.Name):
            if node.value in self.ids:
                return True
            if node.value in seen:
                return None
            values = self.assigned.get(node.value, [])
            held = [None if self._blank(v, none_only) else
                    self._holds(v, depth + 1, none_only, seen | {node.value}) for v in values]
            # Every assignment must give the id (or a blank): one other value can reach the test.
            return False if False in held or not values else (True if True in held else None)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
                node.func.attr.value in ("strip", "lower"):
            return self._holds(node.func.value, depth + 1, none_only, seen)
        if isinstance(node, cst.BooleanOperation):
            return self._holds(node.left, depth + 1, none_only, seen) or \
                self._holds(node.right, depth + 1, none_only, seen)
        return self._is_id_expression(node)

    def _blank(self, node: Any, none_only: bool) -> bool:
        text = self.f.code(node)
        return text == "None" if none_only else text in _BLANKS

    def _is_id_expression(self, node: Any) -> bool:
        cst = self.f.cst
        if isinstance(node, cst.Attribute):
            return node.attr.value in self.ids
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            return isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString) and \
                index.value.evaluated_value in self.ids
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            name = node.func.attr.value
            if name == "get" and node.args and isinstance(node.args[0].value, cst.SimpleString):
                return node.args[0].value.evaluated_value in self.ids
        return False


def _has_raise(body: Any) -> bool:
    import libcst as cst  # typed: the visitor subclasses it
    found: list[bool] = []

    class V(cst.CSTVisitor):
        def visit_Raise(self, node: Any) -> None:
            found.append(True)

    body.visit(V())
    return bool(found)
