"""Where Next.js (and Vercel) serve a URL, and which function handles POST there.

Shared by TAV001 (the route exists), TAV002 (it ends the conversation) and the
client rules (a request must go to a path that is served).
"""

from __future__ import annotations

from sop_check.context import app_evaluator
from sop_check.evaluate import Evaluator, Func, Unknown, UnknownKind
from sop_check.index import AppIndex
from sop_check.records import record
from sop_check.routes import ANY_METHOD, RouteFile, route_methods, route_shape, route_table

from sop_check_rules._method_guard import Guard, pages_guard
from sop_check_rules._method_guard import describe as describe_guard

# The route model (which file serves which URL, and why not) is the engine's.
__all__ = ["RouteFile", "Service", "conflicts_at", "route_serves", "routes_at", "route_url"]


def route_url(path: str) -> RouteFile | None:
    """The route a file is shaped like (served or not): server code whatever imports it."""
    return route_shape(path)


def routes_at(index: AppIndex, url: str) -> list[RouteFile]:
    """Every file that serves `url` (basePath excluded; there should be one)."""
    return [r for r in route_table(index).at(url) if not index.not_evidence(r.path)]


def conflicts_at(index: AppIndex, url: str) -> list[RouteFile]:
    """Files that define `url` in both routers (or as page and route): `next build` fails."""
    return route_table(index).conflicts_at(url)


@record(frozen=True)
class Service:
    """Whether the app answers `method` at a URL: True, False (why not), or None (what could not be told)."""

    served: bool | None
    detail: str = ""  # why not ("app/api/tavus/end/route.ts exports only GET"), or what is unknown
    routed: bool = True  # False: no route file serves the URL for any method


def route_serves(index: AppIndex, url: str, method: str) -> Service:
    """Is `url` served for `method`? App Router: the exported method functions (HEAD and OPTIONS
    come with GET and any handler); Pages Router: the methods its handler's method guard lets
    through (every method without a guard: rules/_method_guard.py); Python: only POST is read."""
    key = f"route-serves:{url}:{method}"
    cached = index.memo.get(key)
    if isinstance(cached, Service):
        return cached
    index.memo[key] = found = _serves(index, url, method.upper())
    return found


def _serves(index: AppIndex, url: str, method: str) -> Service:
    routes = routes_at(index, url)
    if not routes:
        return Service(False, f"no route serves {url}", routed=False)
    unsure: list[str] = []
    refused: list[str] = []
    for route in routes:
        if route.kind == "python":
            from sop_check_rules._python import python_serves_post

            ok, message, _ = python_serves_post(index, route.path, url)
            if ok and method == "POST":
                return Service(True)
            if ok is None or method != "POST":
                unsure.append(f"{route.path}: {message}" if ok is None else
                              f"whether {route.path} answers {method} (only POST is read in Python functions)")
            else:
                refused.append(f"{route.path}: {message}")
            continue
        methods = route_methods(index, route)
        names = set(methods.names)
        if route.kind == "pages" and ANY_METHOD in names:
            guard = _pages_guard(index, route)
            if guard is not None and guard.undecided:
                unsure.append(guard.undecided)
                continue
            if guard is not None and guard.methods is not None:
                names = set(guard.methods)
                if method in names or (method == "HEAD" and "GET" in names):
                    return Service(True)
                refused.append(describe_guard(guard, route.path))
                continue
        if ANY_METHOD in names or method in names or (method == "HEAD" and "GET" in names) or \
                (method == "OPTIONS" and names):
            return Service(True)
        if not methods.complete:
            unsure.append(methods.unresolved)
            continue
        refused.append(f"{route.path} exports only {', '.join(methods.names)}" if methods.names else
                       f"{route.path} exports no request handler")
    if unsure:
        return Service(None, "; ".join(unsure))
    return Service(False, "; ".join(refused))


def _pages_guard(index: AppIndex, route: RouteFile) -> Guard | None:
    """The method guard of a Pages Router handler (None: the default export is not a function read here)."""
    ev = app_evaluator(index)
    handler = ev.module_export(route.path, "default")
    return pages_guard(ev, handler) if isinstance(handler, Func) else None


@record
class Handler:
    func: Func | None
    problem: str | None  # why there is no handler ("it exports only GET"), or what could not be resolved
    unresolved: bool = False  # True: could not see; False: seen and absent
    kind: str = ""  # when unresolved: the UnknownKind value saying why


def post_handler(ev: Evaluator, route: RouteFile) -> Handler:
    """The function that answers POST at this route file (App Router) or the default export (Pages)."""
    name = "POST" if route.kind == "app" else "default"
    mod = ev.index.module(route.path)
    if mod is None:
        return Handler(None, f"cannot read {route.path}", unresolved=True, kind=UnknownKind.UNREADABLE.value)
    value = ev.module_export(route.path, name)
    if isinstance(value, Func) and route.kind == "pages":
        guard = pages_guard(ev, value)  # Next.js calls it for every method: its guard decides
        if guard.undecided:
            return Handler(None, guard.undecided, unresolved=True, kind=UnknownKind.UNMODELLED.value)
        if guard.methods is not None and "POST" not in guard.methods:
            return Handler(None, describe_guard(guard))
    if isinstance(value, Func):
        return Handler(value, None)
    if isinstance(value, Unknown):
        if value.kind is UnknownKind.NO_EXPORT and mod.has_errors:
            return Handler(None, f"{route.path} has a syntax error; the {name} export may be in the broken part",
                           unresolved=True, kind=UnknownKind.SYNTAX_ERROR.value)
        if value.kind is UnknownKind.NO_EXPORT:
            if route.kind != "app":
                return Handler(None, "it has no default export")
            others = sorted(k for k in mod.exports if k.isupper())
            return Handler(None, f"it exports only {', '.join(others)}" if others else "it exports no POST function")
        return Handler(None, f"the {name} export could not be resolved: {value.reason}", unresolved=True,
                       kind=value.kind.value)
    return Handler(None, f"the {name} export is not a function", unresolved=True, kind=UnknownKind.UNMODELLED.value)


def expected_route_file(index: AppIndex, url: str) -> str:
    """Where the end route belongs in this app's layout (for a 'missing' finding)."""
    table = route_table(index)
    tail = url.strip("/")
    exts = table.config.page_extensions
    # A JavaScript app gets a .js route (what its own files are, and what `--fix` creates there).
    lang = "ts" if uses_typescript(index) else "js"
    ext = next((e for e in exts if e.endswith(lang) and not e.endswith(lang + "x")), exts[0] if exts else lang)
    if table.pages_dir and not table.app_dir:
        return f"{table.pages_dir}/{tail}.{ext}"
    return f"{table.app_dir or 'app'}/{tail}/route.{ext}"


def uses_typescript(index: AppIndex) -> bool:
    """Is the app written in TypeScript (a tsconfig.json, or any .ts/.tsx file)?"""
    return index.has_file("tsconfig.json") or any(f.endswith((".ts", ".tsx", ".mts", ".cts")) for f in index.files)
