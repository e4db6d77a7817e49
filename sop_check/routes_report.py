"""`sop-check routes`: the route table sop-check believes in, per app, as text or JSON.

Users debugging a TAV001 verdict read it; the framework tier compares it with what
`next build` really routes. Paths are repository-relative, URLs include `basePath`.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from sop_check import __version__
from sop_check.records import record
from sop_check.routes import ANY_METHOD, RouteTable, entry_files, route_methods, route_table

ROUTES_SCHEMA_VERSION = 1


@record
class RouteRow:
    url: str  # as requested by a browser (basePath included)
    route: str  # the route path, basePath excluded (what rules match)
    methods: list[str]
    methods_complete: bool
    file: str  # repository-relative
    router: str
    served: bool
    reason: str | None
    detail: str
    evidence: bool  # False: a test/script file the rules never count


@record
class AppRoutes:
    root: str
    table: RouteTable
    rows: list[RouteRow]
    config_file: str | None  # repository-relative


def app_routes(index: Any) -> AppRoutes:
    """The rows of one app's table (methods read from each served file's exports)."""
    table = route_table(index)
    rows = []
    for r in table.files:
        methods = route_methods(index, r) if r.routed else None
        rows.append(RouteRow(
            url=table.served_url(r), route=r.url,
            methods=list(methods.names) if methods else [],
            methods_complete=bool(methods and methods.complete),
            file=index.repo_path(r.path), router=r.kind, served=r.routed, reason=r.reason, detail=r.detail,
            evidence=not index.not_evidence(r.path),
        ))
    config_file = index.repo_path(table.config.file) if table.config.file else None
    return AppRoutes(index.rel_root, table, rows, config_file)


def render_json(apps: list[AppRoutes]) -> str:
    out: dict[str, Any] = {"schema_version": ROUTES_SCHEMA_VERSION, "tool_version": __version__, "apps": []}
    for app in apps:
        cfg = app.table.config
        out["apps"].append({
            "root": app.root,
            "config": {"file": app.config_file, "basePath": cfg.base_path, "pageExtensions": list(cfg.page_extensions),
                       "unresolved": list(cfg.unresolved), "error": cfg.error},
            "appDir": app.table.app_dir, "pagesDir": app.table.pages_dir,
            "routes": [{"url": r.url, "route": r.route, "methods": r.methods, "methodsComplete": r.methods_complete,
                        "file": r.file, "router": r.router, "served": r.served, "reason": r.reason,
                        "detail": r.detail, "evidence": r.evidence} for r in app.rows],
        })
    return json.dumps(out, indent=2) + "\n"


def _methods_text(row: RouteRow) -> str:
    if row.router == "python":
        return "?"
    names = ["ANY" if m == ANY_METHOD else m for m in row.methods]
    text = ", ".join(names) or "(none)"
    return text if row.methods_complete else text + " + ?"


def _inert(text: str) -> str:
    """File names come from the scanned tree: control and bidi characters are shown escaped,
    so a name cannot move the cursor, clear the screen or fake a line of the report."""
    return "".join(c if c.isprintable() and not unicodedata.category(c).startswith("C")
                   else f"\\u{{{ord(c):04x}}}" for c in text)


def render_text(apps: list[AppRoutes]) -> str:
    lines: list[str] = []
    for app in apps:
        cfg = app.table.config
        dirs = ", ".join(f"{d}/" for d in (app.table.app_dir, app.table.pages_dir) if d) or "no app/ or pages/"
        conf = app.config_file or "no next.config"
        base = f'basePath "{cfg.base_path}"' if cfg.base_path else "no basePath"
        lines.append(_inert(f"app {app.root}: {dirs}; {conf}: {base}, pageExtensions {', '.join(cfg.page_extensions)}"))
        for problem in ([cfg.error] if cfg.error else []) + list(cfg.unresolved):
            lines.append(f"  ! {_inert(problem)}")
        served = [r for r in app.rows if r.served]
        if served:
            width_url = max(len(r.url) for r in served)
            width_m = max(len(_methods_text(r)) for r in served)
            for r in served:
                note = "" if r.evidence else "  (not evidence: test/script file)"
                lines.append(f"  {_inert(r.url):<{width_url}}  {_methods_text(r):<{width_m}}  {r.router:<6}  "
                             f"{_inert(r.file)}{note}")
        else:
            lines.append("  (no route is served)")
        skipped = [r for r in app.rows if not r.served]
        if skipped:
            lines.append("  not served:")
            for r in skipped:
                lines.append(f"    {_inert(r.file)}  [{r.reason}]  {_inert(r.detail)}")
        lines.append("")
    return "\n".join(lines)


def list_routes(path: Path, fmt: str, apps: list[Path], config_file: Path | None) -> tuple[str, list[str]]:
    """The report text and the diagnostics to print on stderr. Raises ConfigError / DiscoveryError."""
    from sop_check.config import find_config, load_config, load_pack
    from sop_check.discover import discover
    from sop_check.index import AppIndex
    from sop_check.registry import all_rules
    from sop_check.resolve import ModuleResolver

    rules = all_rules()
    pack = load_pack()
    config_path = find_config(path if path.is_dir() else path.parent, config_file)
    config = load_config(config_path, known_rules={c: r.info() for c, r in rules.items()})
    shared = config.options_for("", pack)
    base = config.path.parent if config.path else Path.cwd()
    project = discover(path, explicit_apps=list(apps) or [base / a for a in config.apps] or None,
                       exclude=list(config.exclude) or None)
    results: list[AppRoutes] = []
    diagnostics = [str(d) for d in project.diagnostics]
    for app in project.apps:
        index = AppIndex(
            root=app.root, rel_root=app.rel_root, repo_root=project.repo_root, files=app.files,
            env_names=app.env_files, find_entries=entry_files,
            make_resolver=lambda app=app: ModuleResolver(app.root, project.repo_root, set(app.files),
                                                         project.workspace_packages),
            non_evidence_patterns=list(shared.get("non-evidence", [])), needles=(), prefilter=False,
            git_root=project.repo_root if project.in_git else None,
        )
        results.append(app_routes(index))
        diagnostics.extend(str(d) for d in index.diagnostics)
    text = render_json(results) if fmt == "json" else render_text(results)
    return text, diagnostics
