"""What a Python module says, read with libcst: its constants, functions and classes, string values
(HOLE for the parts known only at run time), the env variable a value reads, local bindings.

Apart from the end-route checks (`_python`) and the missing-id test (`_python_missing_id`),
which both ask these questions of a Vercel Python function.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from sop_check.evaluate import HOLE


class PyFacts:
    """Module-level constants, functions and classes, and a line lookup."""

    def __init__(self, wrapper: Any) -> None:
        import libcst as cst
        from libcst.metadata import PositionProvider

        self.cst = cst
        self.wrapper = wrapper
        self.module = wrapper.module
        self.positions = wrapper.resolve(PositionProvider)
        self.constants: dict[str, Any] = {}
        self.functions: dict[str, Any] = {}
        self.classes: dict[str, Any] = {}
        for stmt in self.module.body:
            self._top(stmt)

    def _top(self, stmt: Any) -> None:
        cst = self.cst
        if isinstance(stmt, cst.FunctionDef):
            self.functions[stmt.name.value] = stmt
        elif isinstance(stmt, cst.ClassDef):
            self.classes[stmt.name.value] = stmt
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                        isinstance(small.targets[0].target, cst.Name):
                    self.constants[small.targets[0].target.value] = small.value

    def span(self, node: Any) -> tuple[int, int]:
        """[start, end) of the node in the file's bytes as read (what the module was parsed from):
        where a fix's edit goes. Leading comments and the line's newline are not the node's."""
        from libcst.metadata import ByteSpanPositionProvider

        where = self.wrapper.resolve(ByteSpanPositionProvider)[node]
        return int(where.start), int(where.start + where.length)

    def line(self, node: Any) -> int:
        try:
            return int(self.positions[node].start.line)
        except KeyError:
            return 1

    # -- values ---------------------------------------------------------------
    def text(self, node: Any, local: Mapping[str, Any], depth: int = 0) -> str:
        """A string value with HOLE for unknown parts."""
        cst = self.cst
        if depth > 20:
            return HOLE
        if isinstance(node, cst.SimpleString):
            return node.evaluated_value if isinstance(node.evaluated_value, str) else HOLE
        if isinstance(node, cst.ConcatenatedString):
            return self.text(node.left, local, depth + 1) + self.text(node.right, local, depth + 1)
        if isinstance(node, cst.FormattedString):
            out = []
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    out.append(part.value)
                else:
                    out.append(self.text(part.expression, local, depth + 1))
            return "".join(out)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self.text(node.left, local, depth + 1) + self.text(node.right, local, depth + 1)
        if isinstance(node, cst.Name):
            value = local.get(node.value, self.constants.get(node.value))
            return self.text(value, local, depth + 1) if value is not None else HOLE
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
            base = self.text(node.func.value, local, depth + 1)
            return re.sub(r"\{[^{}]*\}", HOLE, base)  # `[^}]*` rescanned to the end from every `{`
        return HOLE

    def env_name(self, node: Any, local: Mapping[str, Any], depth: int = 0) -> str | None:
        """`os.environ["X"]`, `os.environ.get("X")`, `os.getenv("X")`, or a name bound to one."""
        cst = self.cst
        if depth > 10 or node is None:
            return None
        if isinstance(node, cst.Name):
            value = local.get(node.value, self.constants.get(node.value))
            return self.env_name(value, local, depth + 1)
        if isinstance(node, cst.BooleanOperation):
            return self.env_name(node.left, local, depth + 1)
        if isinstance(node, cst.Subscript) and self.code(node.value) in ("os.environ", "environ"):
            key = node.slice[0].slice
            return self.text(key.value, local) if isinstance(key, cst.Index) else None
        if isinstance(node, cst.Call):
            fn = self.code(node.func)
            if fn in ("os.environ.get", "os.getenv", "environ.get", "getenv") and node.args:
                return self.text(node.args[0].value, local)
        return None

    def code(self, node: Any) -> str:
        return str(self.module.code_for_node(node)).strip()


def py_facts(index: Any, path: str) -> PyFacts | None:
    wrapper = index.python_module(path)
    return PyFacts(wrapper) if wrapper is not None else None


def local_bindings(f: PyFacts, fn: Any) -> dict[str, Any]:
    import libcst as cst  # typed: the visitor subclasses it
    local: dict[str, Any] = {}

    class V(cst.CSTVisitor):
        def visit_Assign(self, node: Any) -> None:
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                local[node.targets[0].target.value] = node.value

    fn.body.visit(V())
    return local


def all_bindings(f: PyFacts, fn: Any) -> dict[str, list[Any]]:
    """Every value each plain name of the function is assigned (`x = v`, `x: T = v`), in order:
    what a name may hold where it is tested, when the last assignment is not the only one that
    reaches the test (`try: cid = body["id"]` / `except KeyError: cid = None`)."""
    import libcst as cst  # typed: the visitor subclasses it
    found: dict[str, list[Any]] = {}

    class V(cst.CSTVisitor):
        def visit_Assign(self, node: Any) -> None:
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                found.setdefault(node.targets[0].target.value, []).append(node.value)

        def visit_AnnAssign(self, node: Any) -> None:
            if isinstance(node.target, cst.Name) and node.value is not None:
                found.setdefault(node.target.value, []).append(node.value)

    fn.body.visit(V())
    return found


def string_assignments(f: PyFacts) -> list[tuple[str, str, Any]]:
    """(name, text, node) of each string literal the module gives a name: `NAME = "…"` (also
    annotated, or `obj.name = …`, `d["name"] = …`), a dict entry `{"name": "…"}` and a keyword
    argument `name="…"`. What TAV103 asks of a Python file, as of a TypeScript one."""
    import libcst as cst  # typed: the visitor subclasses it
    found: list[tuple[str, str, Any]] = []

    def target_name(node: Any) -> str | None:
        if isinstance(node, cst.Name):
            return str(node.value)
        if isinstance(node, cst.Attribute):
            return str(node.attr.value)
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            key = node.slice[0].slice.value
            return key.evaluated_value if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str) \
                else None
        return None

    def add(name: str | None, value: Any) -> None:
        if name is not None and isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            found.append((name, value.evaluated_value, value))

    class V(cst.CSTVisitor):
        def visit_Assign(self, node: Any) -> None:
            for t in node.targets:
                add(target_name(t.target), node.value)

        def visit_AnnAssign(self, node: Any) -> None:
            add(target_name(node.target), node.value)

        def visit_DictElement(self, node: Any) -> None:
            key = node.key
            if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str):
                add(key.evaluated_value, node.value)

        def visit_Arg(self, node: Any) -> None:
            if node.keyword is not None:
                add(str(node.keyword.value), node.value)

    f.module.visit(V())
    return found
