"""TAV002's unsafe fixes for an end route written as a Vercel Python function (`api/tavus/end.py`):
the key header, the key from the environment, the end call. The 400 guard is `_python_fixes`.

Each re-reads the request the rule judged (rules/_python.py `tavus_requests`, matched on the
finding's line) and edits it in place at libcst's byte spans: a string keeps its own quotes,
new code takes the file's, the rest of the file stays byte-identical.

- `Authorization: Bearer <expr>` becomes `x-api-key: <expr>`, the same expression, only when it
  reads the key from the environment variable the rule asks for (a literal key would be printed
  as the removed line of the diff, and another variable is a different repair);
- a literal key (in the dict, or where the name the dict uses is assigned) becomes
  `os.environ["TAVUS_API_KEY"]`, with `import os` added when the module has no `os`; another
  variable's name in the env read becomes the pack's;
- `requests.delete(".../conversations/{id}")` (`get`, `put`, `patch`; `request("DELETE", ...)`;
  urllib's `Request(..., method=...)`) becomes a POST to `.../conversations/{id}/end`.
What is written comes from the pack, never from config (as in `_end_route_fixes`).
"""

from __future__ import annotations

from typing import Any

from sop_check.context import CheckContext
from sop_check.fixes import Edit
from sop_check.fixing.recipe import Draft
from sop_check.model import Finding

from sop_check_rules._fixes import pack_option
from sop_check_rules._python import PyRequest, _post_handlers, _reached, tavus_requests
from sop_check_rules._python_facts import PyFacts, py_facts
from sop_check_rules._routes import RouteFile
from sop_check_rules._urls import template_regex

_VERBS = ("get", "delete", "put", "patch")


class _Route:
    """The route's module, its bytes and the request the finding names."""

    def __init__(self, ctx: CheckContext, route: RouteFile, f: PyFacts, data: bytes, request: PyRequest) -> None:
        self.f = f
        self.data = data
        self.request = request
        self.path = ctx.app.repo_path(route.path)
        text = data.decode("utf-8", "replace")
        self.quote = "'" if text.count("'") > text.count('"') else '"'
        self.nl = "\r\n" if "\r\n" in text else "\n"

    def source(self, node: Any) -> str:
        start, end = self.f.span(node)
        return self.data[start:end].decode("utf-8", "replace")

    def replace(self, node: Any, content: str) -> Edit:
        start, end = self.f.span(node)
        return Edit(self.path, start, end, content)

    def insert(self, offset: int, content: str) -> Edit:
        return Edit(self.path, offset, offset, content)

    def quoted(self, text: str) -> str:
        return self.quote + text + self.quote


def _route_request(ctx: CheckContext, route: RouteFile, finding: Finding) -> _Route | None:
    f = py_facts(ctx.app, route.path)
    handlers = _post_handlers(f, ctx.options["end-route"]) if f is not None else []
    data = ctx.app.read_bytes(route.path)
    if f is None or not handlers or data is None:
        return None
    upstream, related = tavus_requests(f, _reached(f, handlers[0]), ctx.options)
    found = [r for r in [upstream, *related] if r is not None and f.line(r.call) == finding.location.line]
    return _Route(ctx, route, f, data, found[0]) if found else None


def _headers(r: _Route) -> Any:
    """The headers dict the request sends: written in the call, or bound to a name in this file."""
    cst = r.f.cst
    headers = r.request.kwargs.get("headers")
    if isinstance(headers, cst.Name):
        headers = r.request.local.get(headers.value, r.f.constants.get(headers.value))
    return headers if isinstance(headers, cst.Dict) else None


def _entry(r: _Route, headers: Any, name: str) -> Any:
    cst = r.f.cst
    return next((el for el in headers.elements if isinstance(el, cst.DictElement) and
                 isinstance(el.key, cst.SimpleString) and
                 r.f.text(el.key, r.request.local).lower() == name.lower()), None)


def _same_quotes(node: Any, text: str) -> str:
    """`text` as a string literal in the quotes (and prefix) of the literal `node`."""
    return str(node.prefix) + str(node.quote) + text + str(node.quote)


# -- Authorization: Bearer -> x-api-key ----------------------------------------------------------
def python_key_header(ctx: CheckContext, route: RouteFile, finding: Finding) -> Draft | None:
    r = _route_request(ctx, route, finding)
    headers = _headers(r) if r is not None else None
    auth = _entry(r, headers, "authorization") if r is not None and headers is not None else None
    if r is None or auth is None:
        return None
    token = _bearer_token(r.f, auth.value)
    if token is None or r.f.env_name(token, r.request.local) != ctx.options["api-key-env"]:
        return None
    header = str(pack_option("api-key-header"))
    return Draft((r.replace(auth.key, _same_quotes(auth.key, header)), r.replace(auth.value, r.source(token))),
                 title=f"send the key as {header} instead of Authorization: Bearer (the same value, from the "
                       "environment)")


def _bearer_token(f: PyFacts, value: Any) -> Any:
    """The expression after `Bearer `: f"Bearer {key}", "Bearer " + key, "Bearer {}".format(key),
    "Bearer %s" % key (None for any other shape)."""
    cst = f.cst

    def is_bearer(node: Any, rest: str) -> bool:
        return isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str) and \
            node.evaluated_value.lower() == "bearer " + rest

    if isinstance(value, cst.FormattedString) and len(value.parts) == 2:
        text, expr = value.parts
        if isinstance(text, cst.FormattedStringText) and text.value.lower() == "bearer " and \
                isinstance(expr, cst.FormattedStringExpression) and expr.conversion is None and \
                expr.format_spec is None:
            return expr.expression
    if isinstance(value, cst.BinaryOperation):
        if isinstance(value.operator, cst.Add) and is_bearer(value.left, ""):
            return value.right
        if isinstance(value.operator, cst.Modulo) and is_bearer(value.left, "%s"):
            return value.right
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and \
            value.func.attr.value == "format" and is_bearer(value.func.value, "{}") and len(value.args) == 1 \
            and value.args[0].keyword is None and not value.args[0].star:
        return value.args[0].value
    return None


# -- a literal key (or another variable) -> the pack's variable from os.environ -------------------
def python_key_from_env(ctx: CheckContext, route: RouteFile, finding: Finding) -> Draft | None:
    r = _route_request(ctx, route, finding)
    headers = _headers(r) if r is not None else None
    entry = _entry(r, headers, ctx.options["api-key-header"]) if r is not None and headers is not None else None
    if r is None or entry is None:
        return None
    env = str(pack_option("api-key-env"))
    if finding.kind == "key-wrong-env":
        name = _env_name_literal(r, entry.value)
        return Draft((r.replace(name, _same_quotes(name, env)),), title=f"read the key from {env}") \
            if name is not None else None
    literal = _key_literal(r, entry.value)
    if literal is None:
        return None
    os_module = _os_module(r)
    if os_module is None:
        return None
    os_name, import_edit = os_module
    edits = (r.replace(literal, f"{os_name}[{r.quoted(env)}]"),) + ((import_edit,) if import_edit else ())
    return Draft(edits, title=f"read the key from os.environ[{r.quoted(env)}] instead of the literal (rotate the "
                              "written key)")


def _key_literal(r: _Route, value: Any) -> Any:
    """The string literal the header's value is: in the dict, or the value of the name it uses
    (its assignment in the handler, or the module's constant). One plain literal on one line, so
    that the diff masks it whole (a concatenation across lines would show its parts)."""
    cst = r.f.cst
    if isinstance(value, cst.Name):
        value = r.request.local.get(value.value, r.f.constants.get(value.value))
    if not isinstance(value, cst.SimpleString) or "\n" in r.source(value) or \
            str(value.prefix).lower() not in ("", "r", "u"):
        return None
    return value


def _env_name_literal(r: _Route, value: Any, depth: int = 0) -> Any:
    """The string naming the variable in `os.environ["X"]`, `os.getenv("X")`, `os.environ.get("X")`
    (directly, after `or`, or through the name the value uses)."""
    cst = r.f.cst
    if depth > 3 or value is None:
        return None
    if isinstance(value, cst.Name):
        return _env_name_literal(r, r.request.local.get(value.value, r.f.constants.get(value.value)), depth + 1)
    if isinstance(value, cst.BooleanOperation):
        return _env_name_literal(r, value.left, depth + 1)
    key = None
    if isinstance(value, cst.Subscript) and len(value.slice) == 1 and isinstance(value.slice[0].slice, cst.Index):
        key = value.slice[0].slice.value
    elif isinstance(value, cst.Call) and value.args and value.args[0].keyword is None:
        key = value.args[0].value
    return key if isinstance(key, cst.SimpleString) and r.f.env_name(value, r.request.local) is not None else None


def _os_module(r: _Route) -> tuple[str, Edit | None] | None:
    """How this module names `os.environ` (`os.environ`, an alias, `environ` from os), and the
    `import os` to add when it has none: after the plain imports that sort before it (`import
    json`), else before the first import, else after the docstring and `__future__` imports.
    None: the module names os otherwise (an alias), which TAV002 would not read as the env."""
    cst = r.f.cst
    plain: list[tuple[str, Any]] = []
    after: Any = None  # the docstring or the last `from __future__` import
    first_import: Any = None
    for stmt in r.f.module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if r.f.code(alias.name) == "os":
                        # `import os as system`: TAV002 reads only os.environ / environ, so no fix.
                        return ("os.environ", None) if alias.asname is None else None
                    plain.append((r.f.code(alias.name), stmt))
                first_import = first_import or stmt
            elif isinstance(small, cst.ImportFrom) and small.module is not None:
                module = r.f.code(small.module)
                names = [] if isinstance(small.names, cst.ImportStar) else small.names
                for alias in names:
                    if module == "os" and r.f.code(alias.name) == "environ":
                        return (r.f.code(alias.asname.name) if alias.asname else "environ"), None
                if module == "__future__":
                    after = stmt
                else:
                    first_import = first_import or stmt
            elif isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString) and stmt is r.f.module.body[0]:
                after = stmt
    line = "import os" + r.nl
    earlier = [stmt for name, stmt in plain if name < "os"]
    if not earlier and first_import is not None:
        return "os.environ", r.insert(r.f.span(first_import)[0], line)
    anchor = earlier[-1] if earlier else after
    if anchor is None:
        return "os.environ", r.insert(0 if not r.f.module.body else r.f.span(r.f.module.body[0])[0], line)
    end = r.data.find(b"\n", r.f.span(anchor)[1])
    if end < 0:
        return "os.environ", r.insert(len(r.data), r.nl + line.rstrip("\r\n"))
    return "os.environ", r.insert(end + 1, line)


# -- DELETE /conversations/{id} (or GET .../end) -> POST .../conversations/{id}/end ---------------
def python_end_call(ctx: CheckContext, route: RouteFile, finding: Finding) -> Draft | None:
    r = _route_request(ctx, route, finding)
    if r is None:
        return None
    edits: list[Edit] = []
    if r.request.method != "POST":
        method = _method_edit(r)
        if method is None:
            return None
        edits += method
    endpoint = str(pack_option("end-endpoint"))
    url = r.request.url
    if not template_regex(endpoint).match(url):
        base, tail = endpoint.rsplit("/", 1)
        if "?" in url or "#" in url or not template_regex(base).match(url.rstrip("/")):
            return None  # not `.../conversations/{id}`: nothing to append to
        append = _url_append(r, r.request.url_node, ("" if url.endswith("/") else "/") + tail)
        if append is None:
            return None
        edits.append(append)
    return Draft(tuple(edits)) if edits else None


def _method_edit(r: _Route) -> list[Edit] | None:
    cst = r.f.cst
    call = r.request.call
    if any(a.star for a in call.args):
        return None  # `**options` may carry the method
    func = call.func
    verb = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    if verb in _VERBS and isinstance(func, cst.Attribute):
        return [r.replace(func.attr, "post"), *_realigned(r, call, len("post") - len(verb))]
    if verb == "request":
        method = call.args[0].value
        return [r.replace(method, _same_quotes(method, "POST"))] if isinstance(method, cst.SimpleString) else None
    if verb == "Request":
        given = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "method"), None)
        if given is not None:
            return [r.replace(given, _same_quotes(given, "POST"))] if isinstance(given, cst.SimpleString) else None
        return [r.insert(r.f.span(call.args[-1].value)[1], f", method={r.quoted('POST')}")]
    return None


def _realigned(r: _Route, call: Any, shift: int) -> list[Edit]:
    """The call's continuation lines that line up under its first argument (`httpx.delete(url,`
    / `             headers=...`), moved by `shift` columns as the verb's length changes."""
    opened = r.data.find(b"(", r.f.span(call.func)[1])
    line_start = r.data.rfind(b"\n", 0, opened) + 1
    column = opened + 1 - line_start
    end = r.f.span(call)[1]
    if shift == 0 or opened < 0 or not r.data[line_start:opened].isascii():
        return []
    edits = []
    at = r.data.find(b"\n", opened, end)
    while at >= 0:
        start = at + 1
        lead = len(r.data[start:end]) - len(r.data[start:end].lstrip(b" "))
        if lead == column and r.data[start + lead:start + lead + 1] not in (b"\r", b"\n", b""):
            edits.append(Edit(r.path, start, start - shift, "") if shift < 0 else r.insert(start, " " * shift))
        at = r.data.find(b"\n", start, end)
    return edits


def _url_append(r: _Route, node: Any, tail: str) -> Edit | None:
    """`tail` added at the end of the URL written in the call: inside its last string literal,
    or as `+ "tail"` after an expression (`"…/conversations/" + cid`)."""
    cst = r.f.cst
    if isinstance(node, cst.SimpleString):
        return r.insert(r.f.span(node)[1] - len(node.quote), tail)
    if isinstance(node, cst.FormattedString):
        return r.insert(r.f.span(node)[1] - len(node.end), tail)
    if isinstance(node, cst.ConcatenatedString):
        return _url_append(r, node.right, tail)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        if isinstance(node.right, (cst.SimpleString, cst.FormattedString)):
            return _url_append(r, node.right, tail)
        return r.insert(r.f.span(node)[1], f" + {r.quoted(tail)}")
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format" \
            and isinstance(node.func.value, cst.SimpleString):
        return _url_append(r, node.func.value, tail)
    return None
