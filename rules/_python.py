"""The end route as a Vercel Python function (`api/tavus/end.py`), read with libcst.

Mirrors what TAV001/TAV002 check in TypeScript: a POST handler (a `handler`
class with `do_POST`, or a Flask / FastAPI / Starlette POST route), which POSTs
to Tavus's end endpoint with `x-api-key` from `os.environ`, and answers 400
when the id is missing. Comments and strings are never calls, so they never count.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Mapping

from sop_check.evaluate import HOLE
from sop_check.records import record

from sop_check_rules._python_facts import PyFacts, local_bindings, py_facts
from sop_check_rules._python_missing_id import MissingId
from sop_check_rules._urls import host_of, template_regex, wrong_upstream

NO_PYTHON_HANDLER = "it has neither a handler class with do_POST nor a POST route"


@record
class PyEndCheck:
    # TAV002's finding kinds with their line and template data: the rule renders them, so the
    # Python path and the TypeScript path say the same thing in the same words.
    findings: list[tuple[str, int, dict[str, object]]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    evidence: list[tuple[str, int]] = field(default_factory=list)


def _post_handlers(f: PyFacts, url: str) -> list[Any]:
    """Function nodes that answer POST at this file."""
    cst = f.cst
    out = []
    for cls in f.classes.values():
        for stmt in cls.body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "do_POST":
                out.append(stmt)
    for fn in _all_functions(f):
        for dec in fn.decorators:
            d = dec.decorator
            if not isinstance(d, cst.Call):
                continue
            name = f.code(d.func).rsplit(".", 1)[-1]
            path = f.text(d.args[0].value, {}) if d.args else ""
            methods = next((a.value for a in d.args if a.keyword and a.keyword.value == "methods"), None)
            methods_text = f.code(methods).upper() if methods is not None else ""
            if _path_ok(path, url) and (name == "post" or (name in ("route", "api_route") and "POST" in methods_text)):
                out.append(fn)
    return out


def _all_functions(f: PyFacts) -> list[Any]:
    cst = f.cst
    out = list(f.functions.values())
    for cls in f.classes.values():
        out += [s for s in cls.body.body if isinstance(s, cst.FunctionDef)]
    return out


def _path_ok(path: str, url: str) -> bool:
    # Vercel serves the file at its own URL; the framework route may be "/" or the full path.
    return path in ("/", "", url, url + "/") or HOLE in path or "<" in path


def python_serves_post(index: Any, path: str, url: str) -> tuple[bool | None, str, int]:
    f = py_facts(index, path)
    if f is None:
        return None, f"{path} could not be parsed", 1
    handlers = _post_handlers(f, url)
    if handlers:
        return True, f"POST handler {handlers[0].name.value} at {path}:{f.line(handlers[0])}", f.line(handlers[0])
    gets = [fn for fn in _all_functions(f) if fn.name.value == "do_GET"]
    if gets:
        return False, "it serves only GET (do_GET)", f.line(gets[0])
    return False, NO_PYTHON_HANDLER, 1


def python_end_checks(index: Any, path: str, options: Mapping[str, Any]) -> PyEndCheck:
    out = PyEndCheck()
    f = py_facts(index, path)
    if f is None:
        out.unresolved.append(f"{path} could not be parsed")
        return out
    handlers = _post_handlers(f, options["end-route"])
    if not handlers:
        out.findings.append(("no-post-handler", 1, {"path": path, "detail": NO_PYTHON_HANDLER}))
        return out
    functions = _reached(f, handlers[0])
    upstream, related = tavus_requests(f, functions, options)
    if upstream is None:
        if related:
            r = related[0]
            kind, data = wrong_upstream(r.url, r.method, options)
            out.findings.append((kind, f.line(r.call), data))
        else:
            out.findings.append(("never-calls-end", f.line(handlers[0]), {"endpoint": options["end-endpoint"]}))
    else:
        out.evidence.append(("end request to Tavus", f.line(upstream.call)))
        if upstream.method != "POST":
            out.findings.append(("wrong-method", f.line(upstream.call), {"method": upstream.method}))
        _check_key(f, upstream.kwargs.get("headers"), upstream.local, options, f.line(upstream.call), out)
    _check_400(f, functions, out, list(options.get("id-fields", [])))
    return out


@record
class PyRequest:
    """An HTTP request a handler makes (requests/httpx/urllib forms), as TAV002 and its fixes read it."""

    fn: Any  # the function that makes it
    call: Any  # the libcst Call
    method: str
    url_node: Any
    url: str  # HOLE for the parts known only at run time
    kwargs: dict[str, Any]
    local: dict[str, Any]  # the function's local bindings (last assignment of each name)


def tavus_requests(f: PyFacts, functions: list[Any], options: Mapping[str, Any]) -> tuple[PyRequest | None,
                                                                                          list[PyRequest]]:
    """(the end request to Tavus, or None; the requests before it that look like Tavus's)."""
    end_re = template_regex(options["end-endpoint"])
    related: list[PyRequest] = []
    for fn in functions:
        local = local_bindings(f, fn)
        for call in _calls(f, fn):
            method, url_node, kwargs = _http(f, call)
            if method is None:
                continue
            url = f.text(url_node, local) if url_node is not None else HOLE
            r = PyRequest(fn, call, method, url_node, url, kwargs, local)
            if end_re.match(url) and host_of(url) == options["tavus-host"]:
                return r, related
            if options["tavus-host"] in url or "/conversations" in url:
                related.append(r)
    return None, related


def _reached(f: PyFacts, handler: Any) -> list[Any]:
    """The handler and the module functions it calls (by name), transitively."""
    seen, todo, out = set(), [handler], []
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        out.append(fn)
        for call in _calls(f, fn):
            name = f.code(call.func).split(".")[-1]
            if name in f.functions:
                todo.append(f.functions[name])
    return out


def _calls(f: PyFacts, fn: Any) -> list[Any]:
    import libcst as cst  # typed: the visitor subclasses it
    found: list[Any] = []

    class V(cst.CSTVisitor):
        def visit_Call(self, node: Any) -> None:
            found.append(node)

    fn.body.visit(V())
    return found


def _http(f: PyFacts, call: Any) -> tuple[str | None, Any, dict[str, Any]]:
    """(method, url node, keyword args) for requests/httpx-style calls; (None, …) otherwise."""
    fn = f.code(call.func)
    verb = fn.rsplit(".", 1)[-1]
    kwargs = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    positional = [a.value for a in call.args if a.keyword is None]
    if verb in ("post", "get", "put", "delete", "patch") and "." in fn:
        return verb.upper(), positional[0] if positional else kwargs.get("url"), kwargs
    if verb == "request" and len(positional) >= 2:
        return f.text(positional[0], {}).upper() or "?", positional[1], kwargs
    if verb == "Request" and positional:  # urllib.request.Request(url, data, headers, method="POST")
        method = f.text(kwargs["method"], {}).upper() if "method" in kwargs else ("POST" if "data" in kwargs or
                                                                                  len(positional) > 1 else "GET")
        return method, positional[0], kwargs
    return None, None, {}


def _check_key(f: PyFacts, headers: Any, local: dict[str, Any], options: Mapping[str, Any], line: int,
               out: PyEndCheck) -> None:
    cst = f.cst
    key: dict[str, object] = {"header": options["api-key-header"], "env": options["api-key-env"]}
    if isinstance(headers, cst.Name):
        headers = local.get(headers.value, f.constants.get(headers.value))
    if not isinstance(headers, cst.Dict):
        if headers is None:
            out.findings.append(("no-api-key", line, key))
        else:
            out.unresolved.append(f"line {line}: the request headers are built at run time")
        return
    wanted = options["api-key-header"].lower()
    for el in headers.elements:
        if isinstance(el, cst.DictElement) and f.text(el.key, local).lower() == wanted:
            env = f.env_name(el.value, local)
            text = f.text(el.value, local)
            if env == options["api-key-env"]:
                out.evidence.append((f"{options['api-key-header']} from the environment ({env})", line))
            elif env is not None and HOLE not in env:
                out.findings.append(("key-wrong-env", line, {**key, "name": env}))
            elif HOLE not in text:
                out.findings.append(("hardcoded-key", line, {**key, "length": len(text)}))
            else:
                out.unresolved.append(f"line {line}: the {options['api-key-header']} value could not be resolved")
            return
    keys = [f.text(el.key, local).lower() for el in headers.elements if isinstance(el, cst.DictElement)]
    out.findings.append(("bearer-auth" if "authorization" in keys else "no-api-key", line, key))


def _check_400(f: PyFacts, functions: list[Any], out: PyEndCheck, ids: list[str]) -> None:
    """A 400 reached because the id is missing (as in TypeScript, rules/_missing_id.py): under
    `if not cid`, `if cid is None`, `if "conversation_id" not in data`, `if not isinstance(cid, str)`
    (or in the `else` of the opposite test, or in the `except` of a `try` that raises on such a test);
    a 400 under any other test (`if not r.ok`), or for a body that is not JSON, is not the answer."""
    missing = MissingId(f, ids)
    for fn in functions:
        line = missing.first_400(fn)
        if line is not None:
            out.evidence.append(("400 answer when the id is missing", line))
            return
    out.findings.append(("no-400", f.line(functions[0]), {}))
