"""Where Next.js (and Vercel) serve a URL, and which function handles POST there.

Shared by TAV001 (the route exists), TAV002 (it ends the conversation) and the
client rules (a request must go to a path that is served).
"""

from __future__ import annotations

import re
from sop_check.records import record
from pathlib import PurePosixPath
from typing import Any

from sop_check.evaluate import Evaluator, Func, Unknown
from sop_check.index import AppIndex

APP_ROUTE_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs")
PAGES_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs")


@record(frozen=True)
class RouteFile:
    path: str  # app-relative
    kind: str  # "app", "pages" or "python"
    url: str


def _app_url(parts: tuple[str, ...]) -> str | None:
    """URL of an App Router folder path (segments after `app/`), None if not routable."""
    segs: list[str] = []
    for seg in parts:
        if seg.startswith("_"):
            return None  # private folder: not routable
        if (seg.startswith("(") and seg.endswith(")")) or seg.startswith("@"):
            continue  # route groups and parallel-route slots are not URL segments
        segs.append(seg)
    return "/" + "/".join(segs)


def route_url(path: str, exts: tuple[str, ...] | None = None) -> RouteFile | None:
    p = PurePosixPath(path)
    if exts:
        # With pageExtensions ["page.ts"], `route.page.ts` is the route file: strip the whole extension.
        ext = next((e for e in sorted(exts, key=len, reverse=True) if path.endswith(e)), None)
        if ext is None:
            return None
        stem = p.name[: -len(ext)]
        p = p.with_name(stem + (".ts" if ext.endswith(("ts", "tsx")) else ".js"))
    parts = p.parts
    base = parts[1:] if parts and parts[0] == "src" else parts
    if not base:
        return None
    if base[0] == "app" and p.stem == "route" and p.suffix in APP_ROUTE_EXTS:
        url = _app_url(base[1:-1])
        return RouteFile(path, "app", url) if url is not None else None
    if base[0] == "pages" and p.suffix in PAGES_EXTS and len(base) > 1 and base[1] == "api":
        segs = list(base[1:-1]) + ([] if p.stem == "index" else [p.stem])
        return RouteFile(path, "pages", "/" + "/".join(segs))
    if parts[0] == "api" and p.suffix == ".py" and not p.stem.startswith("_"):
        segs = list(parts[:-1]) + ([] if p.stem == "index" else [p.stem])
        return RouteFile(path, "python", "/" + "/".join(segs))
    return None


def page_extensions(index: AppIndex) -> tuple[str, ...] | None:
    """`pageExtensions` from next.config.* when declared as a literal list; None otherwise.

    Next.js only treats `route.<ext>` (and pages/ files) as routes for these
    extensions, so `route.ts` is not a route when the list is `["page.tsx"]`.
    """
    for name in ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts"):
        if not index.has_file(name):
            continue
        data = index.read_bytes(name) or b""
        m = re.search(rb"pageExtensions\s*:\s*\[([^\]]*)\]", data)
        if m:
            exts = re.findall(rb"""['"]([\w.]+)['"]""", m.group(1))
            return tuple("." + e.decode() for e in exts)
    return None


def all_routes(index: AppIndex) -> list[RouteFile]:
    """Every route file of the app with the URL it serves (computed once per app)."""
    if "routes" not in index.memo:
        exts = page_extensions(index)
        found = []
        for f in index.files:
            if not f.endswith((".py",) + APP_ROUTE_EXTS) or "api" not in f and "route" not in f:
                continue
            r = route_url(f, exts if exts is not None and not f.endswith(".py") else None)
            if r is not None and not index.not_evidence(f):
                found.append(r)
        index.memo["routes"] = sorted(found, key=lambda r: ({"app": 0, "pages": 1, "python": 2}[r.kind], r.path))
    return index.memo["routes"]


def routes_at(index: AppIndex, url: str) -> list[RouteFile]:
    """Every file that would serve `url` (there should be one)."""
    url = url.rstrip("/") or "/"
    return [r for r in all_routes(index) if r.url == url]


@record
class Handler:
    func: Func | None
    problem: str | None  # why there is no handler (a finding), or what could not be resolved
    unresolved: bool = False  # True: could not see; False: seen and absent


def post_handler(ev: Evaluator, route: RouteFile) -> Handler:
    """The function that answers POST at this route file (App Router) or the default export (Pages)."""
    name = "POST" if route.kind == "app" else "default"
    mod = ev.index.module(route.path)
    if mod is None:
        return Handler(None, f"cannot read {route.path}", unresolved=True)
    value = ev.module_export(route.path, name)
    if isinstance(value, Func):
        return Handler(value, None)
    if isinstance(value, Unknown):
        if value.reason.startswith("no export") and mod.has_errors:
            return Handler(None, f"{route.path} has a syntax error; the {name} export may be in the broken part",
                           unresolved=True)
        if value.reason.startswith("no export"):
            others = sorted(k for k in mod.exports if k.isupper())
            which = f"; it exports only {', '.join(others)}" if others else ""
            what = "no POST handler is exported" if route.kind == "app" else "no default-export handler"
            return Handler(None, what + which)
        return Handler(None, f"the {name} export could not be resolved: {value.reason}", unresolved=True)
    return Handler(None, f"the {name} export is not a function", unresolved=True)


def exports_summary(mod: Any) -> str:
    return ", ".join(sorted(mod.exports)) or "nothing"


def expected_route_file(index: AppIndex, url: str) -> str:
    """Where the end route belongs in this app's layout (for a 'missing' finding)."""
    tail = url.strip("/")
    if any(f.startswith("pages/") for f in index.files) and not any(f.startswith("app/") for f in index.files):
        return f"pages/{tail}.ts"
    prefix = "src/" if any(f.startswith("src/app/") for f in index.files) else ""
    return f"{prefix}app/{tail}/route.ts"
