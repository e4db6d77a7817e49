"""Deterministic benchmark corpora: a Next.js monorepo with exactly one Tavus app, committed in git.

    python benchmarks/corpus.py --scale 1 --out benchmarks/.corpus/scale-1

Same seed, same bytes, every run (checked by `tree_digest`). At scale 1: about 10,000
TS/TSX/JS files and 30 MB across many apps, a few large generated files, and one app of
about 200 files (`apps/tavus-app`) that follows the SOP.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES_PER_APP = 200
WORDS = ("account", "billing", "cart", "dashboard", "editor", "feed", "gallery", "inbox", "invoice", "map",
         "order", "profile", "report", "search", "settings", "team", "timeline", "upload", "wallet", "widget")


def _name(rng: random.Random) -> str:
    return rng.choice(WORDS).capitalize() + rng.choice(WORDS).capitalize() + str(rng.randrange(1000))


def component(rng: random.Random, name: str, size: int) -> str:
    items = "\n".join(f"      <li key=\"{i}\" className=\"item-{i}\">{{props.label}} {i}</li>" for i in range(size))
    return f"""'use client';
import {{ useEffect, useState }} from 'react';

export default function {name}(props: {{ label: string; onSelect?: (id: number) => void }}) {{
  const [width, setWidth] = useState(0);
  const [items, setItems] = useState<number[]>([]);

  useEffect(() => {{
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }}, []);

  useEffect(() => {{
    fetch('/api/{name.lower()}', {{ method: 'GET' }})
      .then((r) => r.json())
      .then((data) => setItems(data.items ?? []));
  }}, []);

  return (
    <section data-width={{width}}>
      <button onClick={{() => props.onSelect?.(items.length)}}>Select</button>
      <ul>
{items}
      </ul>
    </section>
  );
}}
"""


def route(rng: random.Random, name: str) -> str:
    return f"""import {{ NextResponse }} from 'next/server';

const store = new Map<string, unknown>();

export async function GET() {{
  return NextResponse.json({{ items: Array.from(store.keys()), name: '{name}' }});
}}

export async function POST(request: Request) {{
  const body = await request.json();
  if (!body?.id) return NextResponse.json({{ error: 'missing id' }}, {{ status: 400 }});
  store.set(String(body.id), body);
  const upstream = await fetch('https://api.example.com/{name.lower()}', {{ method: 'POST', body: JSON.stringify(body) }});
  return NextResponse.json({{ ok: upstream.ok }});
}}
"""


def hook(rng: random.Random, name: str) -> str:
    return f"""import {{ useCallback, useEffect, useRef }} from 'react';

export function use{name}(onKey: (key: string) => void) {{
  const last = useRef<string | null>(null);
  const handler = useCallback((event: KeyboardEvent) => {{
    last.current = event.key;
    onKey(event.key);
  }}, [onKey]);
  useEffect(() => {{
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }}, [handler]);
  return last;
}}
"""


def util(rng: random.Random, name: str, size: int) -> str:
    body = "\n".join(f"export const {name.lower()}{i} = (x: number) => x * {rng.randrange(1, 99)} + {i};"
                     for i in range(size))
    return f"// utilities for {name}\n{body}\n"


def generated_data(rng: random.Random, size_bytes: int) -> str:
    rows = []
    total = 0
    i = 0
    while total < size_bytes:
        row = f'  {{ id: {i}, code: "{rng.getrandbits(64):016x}", weight: {rng.random():.6f} }},\n'
        rows.append(row)
        total += len(row)
        i += 1
    return "export const DATA = [\n" + "".join(rows) + "];\n"


def write_app(root: Path, rng: random.Random, name: str, files: int, big: bool) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps(
        {"name": name, "private": True, "dependencies": {"next": "15.0.3", "react": "19.0.0"}}, indent=2) + "\n")
    (root / "tsconfig.json").write_text('{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n')
    (root / "app").mkdir(parents=True, exist_ok=True)
    comps = []
    for _ in range(files - 4):
        kind = rng.random()
        n = _name(rng)
        if kind < 0.55:
            comps.append(n)
            path = root / "components" / f"{n}.tsx"
            text = component(rng, n, rng.randrange(5, 60))
        elif kind < 0.7:
            path = root / "app" / "api" / n.lower() / "route.ts"
            text = route(rng, n)
        elif kind < 0.85:
            path = root / "hooks" / f"use{n}.ts"
            text = hook(rng, n)
        else:
            path = root / "lib" / f"{n.lower()}.{'js' if rng.random() < 0.3 else 'ts'}"
            text = util(rng, n, rng.randrange(10, 120))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    imports = "\n".join(f"import {c} from '@/components/{c}';" for c in comps[:20])
    uses = "\n".join(f"      <{c} label=\"{c}\" />" for c in comps[:20])
    (root / "app" / "page.tsx").write_text(f"{imports}\n\nexport default function Page() {{\n  return (\n    <main>\n{uses}\n    </main>\n  );\n}}\n")
    (root / "app" / "layout.tsx").write_text("export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n")
    if big:
        (root / "lib").mkdir(exist_ok=True)
        (root / "lib" / "generated-data.ts").write_text(generated_data(rng, 1_500_000))
        (root / "public").mkdir(exist_ok=True)
        (root / "public" / "vendor.min.js").write_text("".join(f"var a{i}=function(b){{return b*{i}}};" for i in range(40_000)))


def write_tavus_app(root: Path, rng: random.Random) -> None:
    example = ROOT / "examples" / "tavus-avatar-app"
    write_app(root, rng, "tavus-app", FILES_PER_APP - 6, big=False)
    for src in example.rglob("*"):
        if src.is_file():
            dest = root / src.relative_to(example)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    (root / ".env.local").write_text("TAVUS_API_KEY=bench-not-a-key\nTAVUS_PERSONA_ID=bench-persona\n")


# --------------------------------------------------------------------------- a page with many handlers
# Shaped like the slowest public integration seen (issue 13): one ~1,800-line client page with
# dozens of state hooks and handlers that call each other, template URL constants nested in
# modules, effects with cleanups that leave the video call, and a few hundred other files.
HANDLERS = 90
STATES = 40


def handlers_config() -> str:
    # Nested template constants: each level built from the one before (issue 11's DoS shape, benign size).
    lines = ["export const ORIGIN = '';", "export const API = `${ORIGIN}/api`;", "export const TAVUS = `${API}/tavus`;"]
    prev = "TAVUS"
    for i in range(12):
        lines.append(f"export const SEG{i} = `${{{prev}}}`;")
        prev = f"SEG{i}"
    lines += [f"export const ROUTES = {{\n  end: `${{{prev}}}/end`,\n  start: `${{{prev}}}/conversation`,\n"
              f"  log: `${{API}}/log`,\n}};",
              "export const JSON_HEADERS = { 'Content-Type': 'application/json' };",
              "export const POST = { method: 'POST', headers: JSON_HEADERS };"]
    return "\n".join(lines) + "\n"


def handlers_page(rng: random.Random, comps: list[str]) -> str:
    out = ["'use client';",
           "import { useCallback, useEffect, useRef, useState } from 'react';",
           "import DailyIframe, { DailyCall } from '@daily-co/daily-js';",
           "import { API, POST, ROUTES } from '@/lib/config';",
           "import { formatDuration, clamp } from '@/lib/format';"]
    out += [f"import {c} from '@/components/{c}';" for c in comps]
    out += ["", "type Conversation = { conversation_id: string; conversation_url: string };", "",
            "export default function SessionPage() {",
            "  const [conversation, setConversation] = useState<Conversation | null>(null);",
            "  const callRef = useRef<DailyCall | null>(null);",
            "  const timerRef = useRef<number | null>(null);"]
    out += [f"  const [value{i}, setValue{i}] = useState<number>({i});" for i in range(STATES)]
    out += ["",
            "  const endConversation = useCallback(async () => {",
            "    if (!conversation) return;",
            "    await fetch(ROUTES.end, { ...POST, body: JSON.stringify({ conversation_id: conversation.conversation_id }) });",
            "  }, [conversation]);", "",
            "  const leaveCall = useCallback(async () => {",
            "    await endConversation();",
            "    await callRef.current?.leave();",
            "    callRef.current?.destroy();",
            "    setConversation(null);",
            "  }, [endConversation]);", ""]
    for i in range(HANDLERS):
        s = i % STATES
        calls = [f"    handler{j}(x + {k});" for k, j in enumerate(sorted(rng.sample(range(i), min(i, 4))))]
        extra = []
        if i % 9 == 4:
            extra.append(f"    void fetch(`${{API}}/metrics/{i}`, {{ method: 'POST', body: JSON.stringify({{ v: value{s} }}) }});")
        if i % 23 == 7:
            extra.append("    void leaveCall();")
        out += [f"  const handler{i} = useCallback((x: number) => {{",
                f"    const next = clamp(value{s} + x, 0, {100 + i});",
                f"    setValue{s}(next);",
                *calls, *extra,
                "    if (timerRef.current) window.clearTimeout(timerRef.current);",
                f"    console.debug('handler{i}', formatDuration(next));",
                f"  }}, [value{s}]);", ""]
    out += ["  useEffect(() => {",
            "    const onUnload = () => {",
            "      if (!conversation) return;",
            "      fetch(ROUTES.end, { ...POST, keepalive: true,",
            "        body: JSON.stringify({ conversation_id: conversation.conversation_id }) });",
            "    };",
            "    window.addEventListener('beforeunload', onUnload);",
            "    return () => window.removeEventListener('beforeunload', onUnload);",
            "  }, [conversation]);", ""]
    for i in range(20):
        out += ["  useEffect(() => {",
                f"    const onKey{i} = (e: KeyboardEvent) => handler{(i * 5) % HANDLERS}(e.key.length);",
                f"    window.addEventListener('keydown', onKey{i});",
                f"    const t{i} = window.setInterval(() => handler{(i * 7) % HANDLERS}({i}), 1000);",
                "    return () => {",
                f"      window.removeEventListener('keydown', onKey{i});",
                f"      window.clearInterval(t{i});",
                *(["      void leaveCall();"] if i % 10 == 3 else []),
                "    };",
                f"  }}, [handler{(i * 5) % HANDLERS}]);", ""]
    out += ["  useEffect(() => {",
            "    const call = DailyIframe.createCallObject();",
            "    callRef.current = call;",
            "    call.on('left-meeting', () => { void endConversation(); });",
            "    return () => { void leaveCall(); };",
            "  }, [endConversation, leaveCall]);", "",
            "  const start = async () => {",
            "    const res = await fetch(ROUTES.start, POST);",
            "    setConversation(await res.json());",
            "  };", "",
            "  if (!conversation) return <button onClick={start}>Start Session</button>;",
            "  return (",
            "    <div className=\"session\">",
            "      <iframe src={conversation.conversation_url} allow=\"camera; microphone\" title=\"Tavus\" />"]
    for i in range(HANDLERS):
        s = i % STATES
        out += ["      <section className=\"row\">",
                f"        <span>{{value{s}}}</span>",
                f"        <button className=\"btn\" onClick={{() => handler{i}({i})}}>Step {i}</button>",
                f"        <input type=\"range\" value={{value{s}}} onChange={{(e) => handler{i}(Number(e.target.value))}} />",
                "      </section>"]
    out += [f"      <{c} label=\"{c}\" />" for c in comps]
    out += ["      <button onClick={leaveCall}>End Session</button>",
            "      <button aria-label=\"Leave\" onClick={() => leaveCall()}><svg /></button>",
            "    </div>", "  );", "}"]
    return "\n".join(out) + "\n"


def write_handlers_app(root: Path, rng: random.Random) -> None:
    """The slow public app's shape: a few hundred files around one page with many handlers."""
    write_app(root, rng, "handlers-app", 700, big=False)
    example = ROOT / "examples" / "tavus-avatar-app"
    for src in (example / "app" / "api").rglob("*"):
        if src.is_file():
            dest = root / src.relative_to(example)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    pkg = json.loads((root / "package.json").read_text())
    pkg["dependencies"]["@daily-co/daily-js"] = "0.72.0"
    (root / "package.json").write_text(json.dumps(pkg, indent=2) + "\n")
    (root / "lib").mkdir(exist_ok=True)
    (root / "lib" / "config.ts").write_text(handlers_config())
    (root / "lib" / "format.ts").write_text(
        "export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));\n"
        "export function formatDuration(s: number) { return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`; }\n")
    comps = sorted(p.stem for p in (root / "components").glob("*.tsx"))[:25]
    (root / "app" / "page.tsx").write_text(handlers_page(rng, comps))
    shutil.copyfile(example / ".gitignore", root / ".gitignore")
    (root / ".env.local").write_text("TAVUS_API_KEY=bench-not-a-key\nTAVUS_PERSONA_ID=bench-persona\n")


def build(out: Path, scale: float, *, typical_only: bool = False, git: bool = True,
          handlers: bool = False) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(20261124)
    if handlers:
        write_handlers_app(out, rng)
    elif typical_only:
        write_tavus_app(out, rng)
    else:
        (out / "package.json").write_text(json.dumps({"name": "bench-monorepo", "private": True,
                                                      "workspaces": ["apps/*"]}, indent=2) + "\n")
        (out / ".gitignore").write_text("node_modules/\n.next/\n.env*.local\n")
        apps = max(2, round(50 * scale))
        tavus_at = apps // 2
        for i in range(apps):
            if i == tavus_at:
                write_tavus_app(out / "apps" / "tavus-app", rng)
            else:
                write_app(out / "apps" / f"app-{i:03d}", rng, f"app-{i:03d}", FILES_PER_APP, big=(i % 17 == 3))
    if git:
        env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
               "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
               "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=out, check=True, env=env)
        subprocess.run(["git", "add", "-A"], cwd=out, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", "corpus"], cwd=out, check=True, env=env)
    return out


def recipe_digest(scale: float | None) -> str:
    """What a corpus is made of: this generator, the Tavus example app it copies, and the scale.

    A corpus cached under benchmarks/.corpus is rebuilt when this changes, so an edited
    generator or example never benchmarks yesterday's files.
    """
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(tree_digest(ROOT / "examples" / "tavus-avatar-app").encode())
    h.update(repr(scale).encode())
    return h.hexdigest()


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if ".git" in p.parts or not p.is_file():
            continue
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def stats(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts
             and p.suffix in (".ts", ".tsx", ".js", ".jsx")]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--typical", action="store_true", help="only the Tavus app, as its own repository")
    parser.add_argument("--handlers", action="store_true", help="the many-handlers app (one ~1,800-line page)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    name = "handlers" if args.handlers else "typical" if args.typical else f"scale-{args.scale:g}"
    out = args.out or ROOT / "benchmarks" / ".corpus" / name
    build(out, args.scale, typical_only=args.typical, handlers=args.handlers)
    n, size = stats(out)
    print(f"{out}: {n} files, {size / 1e6:.1f} MB, digest {tree_digest(out)[:16]}")


if __name__ == "__main__":
    main()
