"""Which URL Next.js (and Vercel) serves from which file, and why a file is not served.

The model follows Next.js 15.5's build (`lib/find-pages-dir.js`, `build/entries.js`,
`server/lib/find-page-file.js`) and is checked against real `next build` output by
the framework tier (`tests/e2e/test_routes_differential.py`):

- `app/` at the app root shadows `src/app/` entirely, and `pages/` shadows `src/pages/`
  (each is looked up on its own: root `pages/` with `src/app/` is fine);
- App Router: `route.<ext>` for an ext of `pageExtensions` (default tsx, ts, jsx, js:
  `route.mjs` is not served); any folder or file starting with `_` is private;
  `(group)` and `@slot` folders are not URL segments; `%5F` is a literal `_`;
- Pages Router: every file under `pages/api/` with a page extension is an API route
  (no private folders there), `index` names its folder, `.d.ts` is skipped;
- duplicates (two route groups, or `x.ts` and `x/index.js`) build, and the file with
  the greatest path serves the URL (Next.js keeps the last one it maps);
- the same URL from both routers, or from an App page and a route handler, fails
  `next build`: both files are reported as a conflict;
- `basePath` prefixes every URL; `output: 'export'` disables every API route.

Policy (which URL is the end route) stays in the rule pack; this is mechanism.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from sop_check.nextconfig import NextConfig, read_next_config
from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.index import AppIndex

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
ANY_METHOD = "*"  # a Pages Router API route: its default export answers every method
ROUTERS = ("app", "pages", "python")

# Why a file that looks like a route is not served.
SHADOWED = "shadowed"
PRIVATE = "private"
PAGE_EXTENSIONS = "pageExtensions"
CONFLICT = "conflict"
DUPLICATE = "duplicate"
STATIC_EXPORT = "static-export"
REASONS = (SHADOWED, PRIVATE, PAGE_EXTENSIONS, CONFLICT, DUPLICATE, STATIC_EXPORT)

_CODE_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts", ".cjs", ".cts")
_APP_ENTRY_STEMS = ("page", "layout", "template", "route", "loading", "error", "not-found", "default",
                    "global-error")
_ROOT_ENTRY_STEMS = ("middleware", "instrumentation")
_MAX_REEXPORT_DEPTH = 10


@record(frozen=True)
class RouteFile:
    """A file that looks like a route, the URL it serves (without basePath) and, if not served, why."""

    path: str  # app-relative
    kind: str  # "app", "pages" or "python"
    url: str
    reason: str | None = None  # None: served; else one of REASONS
    detail: str = ""

    @property
    def routed(self) -> bool:
        return self.reason is None


@record(frozen=True)
class RouteTable:
    config: NextConfig
    app_dir: str | None  # "app", "src/app" or None
    pages_dir: str | None
    files: tuple[RouteFile, ...]  # every candidate, served or not, sorted by router then path

    def routed(self) -> list[RouteFile]:
        return [r for r in self.files if r.routed]

    def at(self, url: str) -> list[RouteFile]:
        """Served files for `url` (basePath excluded); more than one only across Next.js and Python."""
        want = url.rstrip("/") or "/"
        return [r for r in self.files if r.routed and r.url == want]

    def conflicts_at(self, url: str) -> list[RouteFile]:
        want = url.rstrip("/") or "/"
        return [r for r in self.files if r.reason == CONFLICT and r.url == want]

    def served_url(self, route: RouteFile) -> str:
        """The URL a browser requests: basePath + route (Vercel Python functions have no basePath)."""
        if route.kind == "python" or not self.config.base_path:
            return route.url
        return self.config.base_path + ("" if route.url == "/" else route.url)


@record(frozen=True)
class Methods:
    """The HTTP methods a route file exports (`*` for a Pages API handler)."""

    names: tuple[str, ...]
    complete: bool = True  # False: a re-export could not be followed, there may be more
    unresolved: str = ""


def route_table(index: AppIndex) -> RouteTable:
    """The app's route table (computed once per app; reads no file but next.config.*)."""
    cached = index.memo.get("route-table")
    if isinstance(cached, RouteTable):
        return cached
    table = _build(index)
    index.memo["route-table"] = table
    return table


def router_dirs(files: Iterable[str]) -> tuple[str | None, str | None]:
    """(app dir, pages dir) as Next.js picks them: the root folder wins over `src/`."""
    present = {f.split("/", 1)[0] for f in files} | {"src/" + f.split("/", 2)[1] for f in files
                                                     if f.startswith("src/") and f.count("/") >= 2}
    app = "app" if "app" in present else "src/app" if "src/app" in present else None
    pages = "pages" if "pages" in present else "src/pages" if "src/pages" in present else None
    return app, pages


def _ext_regex(stem: str, exts: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?:^|/){stem}\.(?:{'|'.join(re.escape(e) for e in exts)})$")


def route_shape(path: str) -> RouteFile | None:
    """The route a lone file is shaped like under the default config (served or not)."""
    table = table_of_files([path], NextConfig())
    return table.files[0] if table.files else None


def _build(index: AppIndex) -> RouteTable:
    return table_of_files(index.files, read_next_config(index))


def table_of_files(files: list[str], config: NextConfig) -> RouteTable:
    """The route table of an app made of `files` (app-relative) under `config`."""
    exts = config.page_extensions
    app_dir, pages_dir = router_dirs(files)
    route_re = _ext_regex("route", exts)
    page_re = _ext_regex("page", exts)
    # From the first dot of a run only, and possessive: `\.+` retried from every dot of a long run
    # of dots in a hostile path (quadratic: 5 ms for one 4 KB path).
    page_ext_re = re.compile(rf"(?<!\.)\.++(?:{'|'.join(re.escape(e) for e in exts)})$")
    rows: list[RouteFile] = []
    app_page_urls: dict[str, str] = {}
    pages_urls: dict[str, str] = {}  # every served pages/ file (API or not), for conflicts
    for f in files:
        top = "src/" + f.split("/", 2)[1] if f.startswith("src/") and f.count("/") >= 2 else f.split("/", 1)[0]
        if top in ("app", "src/app"):
            rel = f[len(top) + 1:]
            name = rel.rsplit("/", 1)[-1]
            if page_re.search(name) and top == app_dir and not _private_part(rel):
                app_page_urls.setdefault(_app_url(rel), f)
            if name.startswith("route.") and f.endswith(_CODE_EXTS):
                rows.append(_app_row(f, top, rel, app_dir, route_re, exts))
        elif top in ("pages", "src/pages"):
            rel = f[len(top) + 1:]
            if rel.endswith(".d.ts") and "ts" in exts:
                continue  # Next.js skips declaration files
            served_name = page_ext_re.search(rel) is not None
            url = "/" + page_ext_re.sub("", rel) if served_name else "/" + rel.rsplit(".", 1)[0]
            url = re.sub(r"/index$", "", url) or "/"
            if served_name and top == pages_dir:
                pages_urls.setdefault(url, f)
            if rel.startswith("api/") and f.endswith(_CODE_EXTS):
                rows.append(_pages_row(f, top, url, pages_dir, served_name, exts))
        elif f.startswith("api/") and f.endswith(".py"):
            rows.append(_python_row(f))
    rows = _mark_duplicates(rows)
    rows = _mark_conflicts(rows, app_page_urls, pages_urls)
    if config.output == "export":
        rows = [RouteFile(r.path, r.kind, r.url, STATIC_EXPORT, "output: 'export' builds static files: Next.js "
                          "disables API routes, no server answers them") if r.routed and r.kind != "python" else r
                for r in rows]
    order = {k: i for i, k in enumerate(ROUTERS)}
    rows.sort(key=lambda r: (order[r.kind], r.path))
    return RouteTable(config, app_dir, pages_dir, tuple(rows))


def _private_part(rel: str) -> str | None:
    return next((p for p in rel.split("/") if p.startswith("_")), None)


def _app_url(rel: str) -> str:
    segs = []
    for seg in rel.split("/")[:-1]:
        if (seg.startswith("(") and seg.endswith(")")) or seg.startswith("@"):
            continue  # route groups and parallel-route slots are not URL segments
        segs.append(seg.replace("%5F", "_"))
    return "/" + "/".join(segs)


def _app_row(f: str, top: str, rel: str, app_dir: str | None, route_re: re.Pattern[str],
             exts: tuple[str, ...]) -> RouteFile:
    url = _app_url(rel)
    if top != app_dir:
        return RouteFile(f, "app", url, SHADOWED, f"{app_dir}/ exists, so Next.js routes only {app_dir}/, never {top}/")
    private = _private_part(rel)
    if private is not None:
        return RouteFile(f, "app", url, PRIVATE,
                         f"'{private}' starts with _: private, never routed (%5F{private[1:]} would be)")
    name = rel.rsplit("/", 1)[-1]
    if not route_re.search(name):
        return RouteFile(f, "app", url, PAGE_EXTENSIONS,
                         f"{name} is not route.<{'|'.join(exts)}> (pageExtensions)")
    return RouteFile(f, "app", url)


def _pages_row(f: str, top: str, url: str, pages_dir: str | None, served_name: bool,
               exts: tuple[str, ...]) -> RouteFile:
    if top != pages_dir:
        return RouteFile(f, "pages", url, SHADOWED,
                         f"{pages_dir}/ exists, so Next.js routes only {pages_dir}/, never {top}/")
    if not served_name:
        return RouteFile(f, "pages", url, PAGE_EXTENSIONS,
                         f"{f.rsplit('/', 1)[-1]} does not end in .<{'|'.join(exts)}> (pageExtensions)")
    return RouteFile(f, "pages", url)


def _python_row(f: str) -> RouteFile:
    parts = f[:-3].split("/")
    url = "/" + "/".join(parts[:-1] + ([] if parts[-1] == "index" else [parts[-1]]))
    private = _private_part(f)
    if private is not None:
        return RouteFile(f, "python", url, PRIVATE, f"'{private}' starts with _: Vercel does not serve it")
    return RouteFile(f, "python", url)


def _duplicate_key(r: RouteFile) -> str:
    # Next.js maps entries in path order and the last one wins: App Router entries
    # are compared without the extension ("/(g1)/api/x/route" < "/api/x/route").
    return r.path.rsplit(".", 1)[0] if r.kind == "app" else r.path


def _mark_duplicates(rows: list[RouteFile]) -> list[RouteFile]:
    groups: dict[tuple[str, str], list[RouteFile]] = {}
    for r in rows:
        if r.routed and r.kind != "python":
            groups.setdefault((r.kind, r.url), []).append(r)
    losers: dict[str, str] = {}
    for dups in groups.values():
        if len(dups) > 1:
            winner = max(dups, key=_duplicate_key)
            for r in dups:
                if r is not winner:
                    losers[r.path] = winner.path
    return [RouteFile(r.path, r.kind, r.url, DUPLICATE,
                      f"{losers[r.path]} serves the same URL (Next.js keeps the last of duplicate routes)")
            if r.path in losers else r for r in rows]


def _mark_conflicts(rows: list[RouteFile], app_page_urls: dict[str, str],
                    pages_urls: dict[str, str]) -> list[RouteFile]:
    app_route_urls = {r.url: r.path for r in rows if r.routed and r.kind == "app"}
    out = []
    for r in rows:
        other = None
        if r.routed and r.kind == "app":
            other = pages_urls.get(r.url) or app_page_urls.get(r.url)
        elif r.routed and r.kind == "pages":
            other = app_route_urls.get(r.url) or app_page_urls.get(r.url)
        if other is None:
            out.append(r)
        else:
            out.append(RouteFile(r.path, r.kind, r.url, CONFLICT,
                                 f"{other} also defines {r.url}: `next build` fails "
                                 "(conflicting app and page file)"))
    return out


def route_methods(index: AppIndex, route: RouteFile) -> Methods:
    """HTTP methods the file exports, as Next.js sees them (`*` for a Pages API default export)."""
    if route.kind == "python":
        return Methods((), complete=False, unresolved="Vercel Python functions are not read here")
    names = ("default",) if route.kind == "pages" else HTTP_METHODS
    found: list[str] = []
    unresolved: list[str] = []
    for name in names:
        has = exports_name(index, route.path, name)
        if has:
            found.append(ANY_METHOD if name == "default" else name)
        elif has is None:
            unresolved.append(name)
    why = f"cannot tell whether {route.path} exports {', '.join(unresolved)}" if unresolved else ""
    return Methods(tuple(found), complete=not unresolved, unresolved=why)


def exports_name(index: AppIndex, path: str, name: str, depth: int = 0) -> bool | None:
    """Does the module export `name` (through re-exports and `export *`)? None: cannot tell."""
    mod = index.module(path)
    if mod is None or depth > _MAX_REEXPORT_DEPTH:
        return None
    if name in mod.exports:
        return True
    unknown = mod.has_errors  # the export may sit in the broken part
    for star in mod.star_exports:
        target = index.resolve_import(path, star)
        if target is None:
            unknown = True  # a package's `export *`: not read
            continue
        has = exports_name(index, target, name, depth + 1)
        if has:
            return True
        unknown = unknown or has is None
    return None if unknown else False


def entry_files(index: AppIndex) -> list[str]:
    """Files Next.js loads on its own: App Router special files, pages/ files, middleware,
    Vercel Python functions. Shadowed `src/` folders and private folders are not entries."""
    config = read_next_config(index)
    app_dir, pages_dir = router_dirs(index.files)
    app_re = re.compile(rf"(?:^|/)(?:{'|'.join(_APP_ENTRY_STEMS)})\.(?:"
                        rf"{'|'.join(re.escape(e) for e in config.page_extensions)})$")
    page_ext_re = re.compile(rf"\.(?:{'|'.join(re.escape(e) for e in config.page_extensions)})$")
    root = "src/" if app_dir == "src/app" or pages_dir == "src/pages" else ""
    out = []
    for f in index.files:
        if app_dir and f.startswith(app_dir + "/"):
            rel = f[len(app_dir) + 1:]
            if app_re.search(rel) and not _private_part(rel):
                out.append(f)
        elif pages_dir and f.startswith(pages_dir + "/"):
            if page_ext_re.search(f) and not f.endswith(".d.ts"):
                out.append(f)
        elif f.rsplit(".", 1)[0] in (root + s for s in _ROOT_ENTRY_STEMS) and f.endswith(_CODE_EXTS):
            out.append(f)
        elif f.startswith("api/") and f.endswith(".py"):
            out.append(f)
    return out
