"""Test-only files the framework tier adds to a generated app (never to a fixture users see).

- A recorder that wraps a route file: the original moves to `<name>.e2e-user.<ext>` (never a
  route file itself in the App Router) and the wrapper, in its place, appends each request
  (method, URL, body) as a JSON line to $SOP_CHECK_E2E_RECORD before calling the real handler.
- An `instrumentation` file whose `register()` makes `fetch` refuse every host but loopback
  (599), so a route that would call Tavus never opens a connection out.
"""

from __future__ import annotations

import json
from pathlib import Path

RECORD_ENV = "SOP_CHECK_E2E_RECORD"


def _typed(path: Path) -> bool:
    return path.suffix in (".ts", ".tsx", ".mts")


def wrap_with_recorder(app_dir: Path, rel: str) -> None:
    """Test-only: move the route file aside and put a wrapper in its place that appends each request
    (method, URL, body) as a JSON line to $SOP_CHECK_E2E_RECORD before calling the real handler."""
    original = app_dir / rel
    if not original.exists():
        raise FileNotFoundError(f"cannot record {rel}: no such file in the generated app")
    stem, ext = original.name.split(".", 1)
    moved = original.with_name(f"{stem}.e2e-user.{ext}")  # not route.<ext>: never routed itself
    original.rename(moved)
    user = f"./{moved.name.rsplit('.', 1)[0]}"
    typed = _typed(original)
    wrapper = _pages_wrapper(user, rel, typed) if rel.startswith(("pages/", "src/pages/")) \
        else _app_wrapper(user, rel, typed)
    original.write_text(_recorder_function(rel, typed) + wrapper)


def _recorder_function(rel: str, typed: bool) -> str:
    arg = "entry: Record<string, unknown>" if typed else "entry"
    return (
        "import { appendFileSync } from 'node:fs';\n\n"
        "// Test-only recorder (sop-check e2e): each request to this route, as one JSON line.\n"
        f"const recordRequest = ({arg}) => {{\n"
        f"  const file = process.env.{RECORD_ENV};\n"
        f"  if (file) appendFileSync(file, JSON.stringify({{ route: {json.dumps(rel)}, at: Date.now(), ...entry }}) + '\\n');\n"
        "};\n\n"
    )


def _app_wrapper(user: str, rel: str, typed: bool) -> str:
    sig = "request: Request, context: unknown): Promise<Response>" if typed else "request, context)"
    lookup = "(user as Record<string, unknown>).POST" if typed else "user.POST"
    call = "(handler as (r: Request, c: unknown) => Promise<Response>)" if typed else "handler"
    return (
        f"export * from '{user}';\n"
        f"import * as user from '{user}';\n\n"
        f"export async function POST({sig} {{\n"
        "  const body = await request.clone().text();\n"
        "  recordRequest({ method: request.method, url: request.url, body });\n"
        f"  const handler = {lookup};\n"
        "  if (typeof handler !== 'function') return new Response(null, { status: 405 });\n"
        f"  return {call}(request, context);\n"
        "}\n"
    )


def _pages_wrapper(user: str, rel: str, typed: bool) -> str:
    sig = "req: any, res: any" if typed else "req, res"
    return (
        f"import userHandler from '{user}';\n\n"
        f"export default async function handler({sig}) {{\n"
        "  const body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);\n"
        "  recordRequest({ method: req.method, url: req.url, body });\n"
        "  return userHandler(req, res);\n"
        "}\n"
    )


_GUARD = """// Test-only (sop-check e2e): the generated app may call nothing but loopback. A route that
// would call an outside API (Tavus) gets a 599 answer instead of a connection out.
export async function register(){ret} {{
  const real = globalThis.fetch;
  globalThis.fetch = (async (input{any}, init{any}) => {{
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {{
      return new Response(JSON.stringify({{ blocked: url.hostname }}), {{ status: 599 }});
    }}
    return real(input, init);
  }}){cast};
}}
"""


def write_fetch_guard(app_dir: Path) -> None:
    """Test-only instrumentation: outbound fetch to anything but loopback answers 599."""
    src = (app_dir / "src" / "app").is_dir() or (app_dir / "src" / "pages").is_dir()
    src = src and not (app_dir / "app").is_dir() and not (app_dir / "pages").is_dir()
    typed = (app_dir / "tsconfig.json").exists()
    folder = app_dir / "src" if src else app_dir
    for existing in folder.glob("instrumentation.*"):
        raise FileExistsError(f"{existing} exists: the fetch guard cannot be installed")
    name = "instrumentation.ts" if typed else "instrumentation.js"
    (folder / name).write_text(_GUARD.format(ret=": Promise<void>" if typed else "",
                                             any=": any" if typed else "",
                                             cast=" as typeof fetch" if typed else ""))
