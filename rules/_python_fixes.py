"""TAV002's 400 guard for an end route written as a Vercel Python function (`api/tavus/end.py`).

The route is read with libcst (rules/_python.py, _python_facts.py); the guard is a text insertion after the line
where the handler gives the id its value, indented as that line, in the file's quotes and line
endings: the rest of the file stays byte-identical. What the guard answers depends on the
framework, and is written only where it is known to set the status:

- `http.server` (`class handler(BaseHTTPRequestHandler)` with `do_POST(self)`):
  `self.send_response(400)`, `self.end_headers()`, `return`;
- Flask: `return {"error": "Missing ID"}, 400` (a dict and a status, Flask 1.1+), or `jsonify`
  when the module imports it;
- FastAPI: `raise HTTPException(status_code=400, detail="Missing ID")` when `HTTPException` is
  imported from fastapi (a returned tuple would be sent as a 200 JSON list: never written).
Anything else gets no fix: a guard whose status the framework ignores would be a false repair.
"""

from __future__ import annotations

from typing import Any

from sop_check.context import CheckContext
from sop_check.fixes import Edit
from sop_check.fixing.recipe import Draft

from sop_check_rules._python import _post_handlers
from sop_check_rules._python_facts import py_facts
from sop_check_rules._python_missing_id import MissingId
from sop_check_rules._routes import RouteFile


def add_python_400(ctx: CheckContext, route: RouteFile) -> Draft | None:
    f = py_facts(ctx.app, route.path)
    if f is None:
        return None
    handlers = _post_handlers(f, ctx.options["end-route"])
    if not handlers:
        return None
    handler = handlers[0]
    if not isinstance(handler.body, f.cst.IndentedBlock):
        return None  # `def do_POST(self): ...` on one line: a guard on the next line would be outside it
    data = ctx.app.read_bytes(route.path)
    if data is None:
        return None
    text = data.decode("utf-8", "replace")
    ident, first, line = _assigned_id(f, handler, list(ctx.options["id-fields"]))
    answer = _answer(f, handler, text)
    if ident is None or answer is None:
        return None
    lines = text.split("\n")
    indent = lines[first - 1][:len(lines[first - 1]) - len(lines[first - 1].lstrip())]  # the statement's own
    step = _indent_step(lines, f.positions[handler.body].start.line, f.positions[handler].start.line)
    nl = "\r\n" if "\r\n" in text else "\n"
    guard = [f"if not {ident}:"] + [step + stmt for stmt in answer]
    body = "".join(indent + g.rstrip("\r") + nl for g in guard)
    offset = len("\n".join(lines[:line]).encode("utf-8")) + 1  # the start of the next line
    if offset > len(data):
        offset, body = len(data), nl + body
    return Draft((Edit(ctx.app.repo_path(route.path), offset, offset, body),))


def _assigned_id(f: Any, handler: Any, ids: list[str]) -> tuple[str | None, int, int]:
    """(the name holding the id, the first and last lines of the handler's top-level statement that
    assigns it): `cid = body.get("conversation_id")`; an assignment nested in a `try` counts after the `try`."""
    checker = MissingId(f, ids)
    checker.bind(handler)
    found: tuple[str | None, int, int] = (None, 0, 0)
    for stmt in handler.body.body:
        for name, value in _assignments(stmt):
            if name in ids or checker.is_id(value):
                found = (name, f.positions[stmt].start.line, f.positions[stmt].end.line)
    return found


def _assignments(stmt: Any) -> list[tuple[str, Any]]:
    """(name, value) of each plain assignment in the statement, nested blocks included."""
    import libcst as cst  # typed: the visitor subclasses it

    found: list[tuple[str, Any]] = []

    class V(cst.CSTVisitor):
        def visit_Assign(self, node: Any) -> None:
            found.extend((t.target.value, node.value) for t in node.targets if isinstance(t.target, cst.Name))

        def visit_FunctionDef(self, node: Any) -> bool:
            return False  # a nested function's names are its own

    stmt.visit(V())
    return found


def _answer(f: Any, handler: Any, text: str) -> list[str] | None:
    """The statements that answer 400, for the handler's framework (None: not one we know)."""
    q = "'" if text.count("'") > text.count('"') else '"'
    if handler.name.value == "do_POST":
        params = handler.params.params
        me = params[0].name.value if params else "self"
        return [f"{me}.send_response(400)", f"{me}.end_headers()", "return"]
    imports = _imported(f)
    if "flask" in imports:
        if "jsonify" in imports["flask"]:
            return [f"return jsonify(error={q}Missing ID{q}), 400"]
        return [f"return {{{q}error{q}: {q}Missing ID{q}}}, 400"]
    if "HTTPException" in imports.get("fastapi", set()):
        return [f"raise HTTPException(status_code=400, detail={q}Missing ID{q})"]
    return None


def _imported(f: Any) -> dict[str, set[str]]:
    """Top-level `from M import a, b` and `import M` of the route's module: {top package: names}."""
    cst = f.cst
    out: dict[str, set[str]] = {}
    for stmt in f.module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom) and small.module is not None:
                top = f.code(small.module).split(".")[0]
                names = small.names if not isinstance(small.names, cst.ImportStar) else []
                out.setdefault(top, set()).update(
                    f.code(a.asname.name) if a.asname else f.code(a.name) for a in names)
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    out.setdefault(f.code(alias.name).split(".")[0], set())
    return out


def _indent_step(lines: list[str], body_line: int, def_line: int) -> str:
    """One level of the file's indentation: what the handler's body adds to its `def` line."""
    def lead(n: int) -> str:
        line = lines[n - 1] if 0 < n <= len(lines) else ""
        return line[:len(line) - len(line.lstrip())]

    outer, inner = lead(def_line), lead(body_line)
    return inner[len(outer):] if inner.startswith(outer) and len(inner) > len(outer) else "    "
