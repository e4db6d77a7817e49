"""The framework tier's reusable parts: a real Next.js build, `next start`, headless Chromium.

    toolchain = require_toolchain(browser=True)          # or a skip (one line) naming what is missing
    app = generate_app(AppSpec("demo", source=fixture_dir, files={...test-only files...},
                               recorded=("app/api/tavus/end/route.ts",)), workdir, toolchain)
    built = build_app(app, toolchain)                    # `next build`: built.ok, built.log, built.seconds
    table = framework_routes(built, toolchain)           # what Next.js routes: URL, file, exported methods
    with serve(built, toolchain) as running, chromium(toolchain) as browser:   # 127.0.0.1, behind DelayProxy
        running.request("POST", "/api/tavus/end", b"{}")  # direct HTTP: (status, headers, body)
        leave_page(browser, running.origin + "/", prepare, "close", settle=running.proxy.wait_settled)
        running.recorded()                               # what the recorded end route received

Nothing here touches a user's project: apps are generated into a temporary folder from a
fixture, with test-only files (the recorder that wraps a route, an outbound-fetch guard)
added there. Every process is started in its own group and stopped by that PID; only
127.0.0.1 is used. Versions are pinned by `tests/e2e/node/package-lock.json`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from delay_proxy import LOOPBACK, DelayProxy, free_port
from generated_files import RECORD_ENV, wrap_with_recorder, write_fetch_guard

if TYPE_CHECKING:  # pragma: no cover
    from playwright.sync_api import Browser, Page

NODE_DIR = Path(__file__).resolve().parent / "node"
LOCKFILE = NODE_DIR / "package-lock.json"
CHROMIUM = Path(os.environ.get("SOP_CHECK_E2E_CHROMIUM", "/usr/bin/chromium"))
# As root on this kind of machine Chromium needs no sandbox, no GPU, and no background
# traffic (its connections out are refused here); every host but loopback resolves to nothing.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
BUILD_TIMEOUT = 300


class ToolchainMissing(Exception):
    """What is missing, in one line. `unreachable`: a registry did not answer (never a failure)."""

    def __init__(self, message: str, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(frozen=True)
class Toolchain:
    node: str
    node_modules: Path  # the cached `npm ci` of tests/e2e/node
    chromium: Path

    @property
    def next_cli(self) -> Path:
        return self.node_modules / "next" / "dist" / "bin" / "next"


def _skip_or_fail(message: str, unreachable: bool = False) -> None:
    line = f"framework tier skipped: {message}"
    if os.environ.get("SOP_CHECK_E2E") == "require" and not unreachable:
        pytest.fail(line.replace("skipped", "required but cannot run"), pytrace=False)
    pytest.skip(line)


def require_toolchain(browser: bool = False) -> Toolchain:
    """Node and the pinned Next.js install (and with `browser`, Chromium + Playwright), or a skip
    naming what is missing."""
    try:
        return find_toolchain(browser)
    except ToolchainMissing as exc:
        _skip_or_fail(str(exc), exc.unreachable)
        raise AssertionError("unreachable") from exc


def find_toolchain(browser: bool = False) -> Toolchain:
    node = shutil.which("node")
    if node is None:
        raise ToolchainMissing("Node.js is not installed (Node 20 with npm; see .ci/run)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0)
    if major < 20:
        raise ToolchainMissing(f"Node.js {version} is too old (Next.js 15.5 here is tested on Node 20)")
    if browser:
        if not CHROMIUM.exists():
            raise ToolchainMissing(f"Chromium is not at {CHROMIUM} (`apt-get install -y chromium`)")
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            raise ToolchainMissing("the Python package playwright is not installed (`pip install playwright`; "
                                   "no browser download: the system Chromium is used)") from exc
    return Toolchain(node, install_node_modules(), CHROMIUM)


def cache_root() -> Path:
    explicit = os.environ.get("SOP_CHECK_E2E_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sop-check-e2e"


def install_node_modules() -> Path:
    """`npm ci` of the committed lockfile into a cache folder keyed on its hash (reused across runs)."""
    digest = hashlib.sha256(LOCKFILE.read_bytes() + (NODE_DIR / "package.json").read_bytes()).hexdigest()[:16]
    target = cache_root() / f"node-{digest}"
    if (target / ".complete").exists():
        return target / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise ToolchainMissing("npm is not installed (it comes with Node.js)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="node-", dir=target.parent))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(NODE_DIR / name, staging / name)
        try:
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                                  cwd=staging, capture_output=True, text=True, timeout=600,
                                  env={**_base_env(), "npm_config_update_notifier": "false"})
        except subprocess.TimeoutExpired as exc:
            raise ToolchainMissing("`npm ci` did not finish in 10 minutes (is the npm registry reachable?)",
                                   unreachable=True) from exc
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            offline = any(code in done.stderr for code in ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT",
                                                           "ECONNRESET", "network"))
            raise ToolchainMissing(f"`npm ci` of tests/e2e/node failed{' (npm registry unreachable)' if offline else ''}"
                                   f": {last}", unreachable=offline)
        (staging / ".complete").write_text("npm ci done\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target / "node_modules"


def _base_env() -> dict[str, str]:
    """What the framework processes get: no secrets of ours, no telemetry."""
    keep = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["NEXT_TELEMETRY_DISABLED"] = "1"
    return env


# ------------------------------------------------------------------------------- generated apps
@dataclass(frozen=True)
class AppSpec:
    """A Next.js app to build: a fixture folder, plus test-only files, plus route files to record."""

    name: str
    source: Path | None = None
    files: Mapping[str, str] = field(default_factory=dict)  # path in the generated tree -> text (added/replaced)
    recorded: Sequence[str] = ()  # app-relative route files whose requests the recorder writes down
    next_config: str | None = None  # text of the app's next.config.mjs (None: keep the source's)
    app_dir: str = ""  # where in the generated tree the Next.js app is ("" = its root)


@dataclass
class GeneratedApp:
    spec: AppSpec
    tree: Path  # the generated folder
    dir: Path  # the Next.js app inside it (where `next build` runs)


def generate_app(spec: AppSpec, workdir: Path, toolchain: Toolchain) -> GeneratedApp:
    """Copy the fixture, add the test-only files, link the cached node_modules."""
    target = workdir / spec.name
    if target.exists():
        shutil.rmtree(target)
    if spec.source is not None:
        shutil.copytree(spec.source, target, ignore=shutil.ignore_patterns("node_modules", ".next", "expected.toml"))
    target.mkdir(parents=True, exist_ok=True)
    # Dependencies come from the pinned install, whatever the fixture's package.json says.
    pinned = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    app_dir = target / spec.app_dir
    app_dir.mkdir(parents=True, exist_ok=True)
    (app_dir / "package.json").write_text(json.dumps({"name": spec.name, "private": True, "dependencies": pinned},
                                                    indent=2) + "\n")
    if spec.next_config is not None:
        for old in app_dir.glob("next.config.*"):
            old.unlink()
        (app_dir / "next.config.mjs").write_text(spec.next_config)
    for rel, text in spec.files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel in spec.recorded:
        wrap_with_recorder(app_dir, rel)
    write_fetch_guard(app_dir)
    (target / "node_modules").symlink_to(toolchain.node_modules, target_is_directory=True)
    return GeneratedApp(spec, target, app_dir)


# ------------------------------------------------------------------------------- build
@dataclass
class BuiltApp:
    app: GeneratedApp
    ok: bool
    log: str
    seconds: float

    @property
    def dir(self) -> Path:
        return self.app.dir


def build_app(app: GeneratedApp, toolchain: Toolchain) -> BuiltApp:
    """`next build` (production, telemetry off). A failed build is a result, not an exception."""
    start = time.monotonic()
    try:
        done = subprocess.run([toolchain.node, str(toolchain.next_cli), "build"], cwd=app.dir, capture_output=True,
                              text=True, timeout=BUILD_TIMEOUT, env=_base_env())
        ok, log = done.returncode == 0, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        ok, log = False, f"next build timed out after {BUILD_TIMEOUT} s\n{partial}"
    return BuiltApp(app, ok, log, time.monotonic() - start)


@dataclass(frozen=True)
class FrameworkRoute:
    url: str  # basePath included
    router: str  # "app" or "pages"
    file: str  # source file, relative to the generated tree (as sop-check reports it)
    methods: tuple[str, ...]  # exported handlers; ("*",) for a Pages API default export
    entry: str


def framework_routes(built: BuiltApp, toolchain: Toolchain) -> list[FrameworkRoute]:
    """Every API route Next.js built (duplicates included: see `serving_route`)."""
    assert built.ok, f"{built.app.spec.name}: next build failed:\n{built.log[-3000:]}"
    done = subprocess.run([toolchain.node, str(NODE_DIR / "route_table.cjs"), str(built.dir)], capture_output=True,
                          text=True, timeout=120, env={**_base_env(), "NODE_ENV": "production"}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout)
    prefix = built.app.spec.app_dir.strip("/") + "/" if built.app.spec.app_dir.strip("/") else ""
    return [FrameworkRoute(r["url"], r["router"], prefix + r["file"], tuple(r["methods"]), r["entry"])
            for r in data["routes"]]


# ------------------------------------------------------------------------------- serve
@dataclass
class RunningApp:
    built: BuiltApp
    proxy: DelayProxy
    direct_origin: str
    record_file: Path

    @property
    def origin(self) -> str:
        """Through the delaying proxy: what the browser must use."""
        return self.proxy.origin

    def recorded(self) -> list[dict[str, Any]]:
        if not self.record_file.exists():
            return []
        return [json.loads(line) for line in self.record_file.read_text().splitlines() if line.strip()]

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """A direct request to the server (not through the proxy)."""
        req = urllib.request.Request(self.direct_origin + path, data=body, method=method, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers.items()), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers.items()), err.read()


@contextmanager
def serve(built: BuiltApp, toolchain: Toolchain, delay: tuple[float, float] = (0.1, 0.4)) -> Iterator[RunningApp]:
    """`next start` on 127.0.0.1 behind a DelayProxy; both stopped on exit (by PID)."""
    assert built.ok, f"{built.app.spec.name}: next build failed:\n{built.log[-3000:]}"
    port = free_port()
    record_file = built.dir / "e2e-recorded.jsonl"
    record_file.unlink(missing_ok=True)
    log = (built.dir / "e2e-next-start.log").open("w")
    proc = subprocess.Popen([toolchain.node, str(toolchain.next_cli), "start", "-H", LOOPBACK, "-p", str(port)],
                            cwd=built.dir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**_base_env(), RECORD_ENV: str(record_file)})
    try:
        _wait_until_up(f"http://{LOOPBACK}:{port}/", proc, built.dir / "e2e-next-start.log")
        with DelayProxy(port, delay=delay) as proxy:
            yield RunningApp(built, proxy, f"http://{LOOPBACK}:{port}", record_file)
    finally:
        stop_process(proc)
        log.close()


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"next start exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers (a 404 is an answer)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"next start did not answer on {url} within {timeout} s")


def stop_process(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM the process group we started (by its leader's PID), SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


# ------------------------------------------------------------------------------- browser
@contextmanager
def chromium(toolchain: Toolchain) -> Iterator[Browser]:
    """Headless system Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(toolchain.chromium), headless=True,
                                     args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


LeaveHow = Literal["close", "navigate"]


def leave_page(browser: Browser, url: str, prepare: Callable[[Page], None], how: LeaveHow,
               settle: Callable[[], None]) -> None:
    """Open `url`, let `prepare` bring the page to the state under test, then leave it: close the
    tab running `beforeunload` handlers, or navigate to about:blank. `settle` runs after that,
    while the browser is still open (it carries keepalive requests and beacons after the page)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        prepare(page)
        if how == "close":
            page.close(run_before_unload=True)
        else:
            page.goto("about:blank")
        settle()
    finally:
        context.close()
