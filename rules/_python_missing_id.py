"""Does a Python end route answer 400 because the conversation id is missing?

The Python counterpart of `_missing_id` (TypeScript): which tests come out true exactly when the
id is missing, and whether a 400 sits under one. Apart from `_python`, whose end-route checks
use it, because it is one question with its own small logic of conditions.
"""

from __future__ import annotations

from typing import Any

from sop_check_rules._python_facts import PyFacts, local_bindings


_MISSING, _PRESENT = True, False


class MissingId:
    def __init__(self, f: PyFacts, ids: list[str]) -> None:
        self.f = f
        self.ids = set(ids)

    def first_400(self, fn: Any) -> int | None:
        self.local = local_bindings(self.f, fn)
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
            if isinstance(right, cst.Name) and right.value == "None" and self.is_id(node.left):
                return isinstance(op, (cst.Is, cst.Equal)) == (missing is _MISSING)
            return False
        if missing is _PRESENT and self.is_id(node):
            return True
        if missing is _PRESENT and isinstance(node, cst.Call):
            # isinstance(cid, str), a validator of the id: false for a missing id.
            return any(self.is_id(a.value) for a in node.args)
        return False

    def is_id(self, node: Any, depth: int = 0) -> bool:
        cst = self.f.cst
        if depth > 6:
            return False
        if isinstance(node, cst.Name):
            if node.value in self.ids:
                return True
            value = self.local.get(node.value)
            return value is not None and self.is_id(value, depth + 1)
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
            if name in ("strip", "lower"):
                return self.is_id(node.func.value, depth + 1)
        if isinstance(node, cst.BooleanOperation):
            return self.is_id(node.left, depth + 1) or self.is_id(node.right, depth + 1)
        return False


def _has_raise(body: Any) -> bool:
    import libcst as cst  # typed: the visitor subclasses it
    found: list[bool] = []

    class V(cst.CSTVisitor):
        def visit_Raise(self, node: Any) -> None:
            found.append(True)

    body.visit(V())
    return bool(found)
