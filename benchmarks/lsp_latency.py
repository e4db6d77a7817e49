"""Time from a save to the diagnostics `sop-check server` publishes, on the benchmark corpora.

    python benchmarks/lsp_latency.py                 # typical app and the scale-1 monorepo
    python benchmarks/lsp_latency.py --saves 30 --json out.json

A real client (pygls) starts the server over stdio, opens the Tavus app's component, and
then saves it again and again, each time flipping `keepalive: true` <-> `false` (written to
disk, then didChange + didSave, as an editor does). The time counted is from sending
didSave to receiving the component's diagnostics with the new verdict (TAV004 there or
gone): the whole re-check of the app and its publication. Also reported: the first
diagnostics after opening (a cold start: imports, the first parse of every file).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import CORPORA, ensure_corpus, machine  # noqa: E402

COMPONENT = "components/InteractiveAvatar.tsx"
GOOD, BAD = "keepalive: true,", "keepalive: false,"
WAIT = 120.0


class Probe:
    """A client that records when each file's diagnostics arrive."""

    def __init__(self) -> None:
        self.client = LanguageClient("sop-check-latency", "1")
        self.arrivals: asyncio.Queue[tuple[float, types.PublishDiagnosticsParams]] = asyncio.Queue()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.arrivals.put_nowait((time.perf_counter(), params))

    async def until(self, uri: str, has_tav004: bool) -> float:
        while True:
            at, params = await asyncio.wait_for(self.arrivals.get(), WAIT)
            if params.uri == uri and any(d.code == "TAV004" for d in params.diagnostics) == has_tav004:
                return at


async def measure(root: Path, app: Path, saves: int) -> dict[str, object]:
    probe = Probe()
    await probe.client.start_io(sys.executable, "-m", "sop_check", "server")
    try:
        await probe.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=root.as_uri()))
        probe.client.initialized(types.InitializedParams())
        path = app / COMPONENT
        original = path.read_text(encoding="utf-8")
        assert GOOD in original, f"{path} has no {GOOD!r} to flip"
        uri = path.as_uri()
        start = time.perf_counter()
        probe.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=uri, language_id="typescriptreact", version=1, text=original)))
        cold = await probe.until(uri, False) - start
        samples = []
        try:
            for version in range(2, saves + 2):
                broken = version % 2 == 0
                text = original.replace(GOOD, BAD) if broken else original
                path.write_text(text, encoding="utf-8")
                probe.client.text_document_did_change(types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    [types.TextDocumentContentChangeWholeDocument(text=text)]))
                sent = time.perf_counter()
                probe.client.text_document_did_save(types.DidSaveTextDocumentParams(
                    types.TextDocumentIdentifier(uri=uri)))
                samples.append(await probe.until(uri, broken) - sent)
        finally:
            path.write_text(original, encoding="utf-8")
        await probe.client.shutdown_async(None)
        probe.client.exit(None)
    finally:
        await probe.client.stop()
    return {"cold_open_s": round(cold, 4), "save_median_s": round(statistics.median(samples), 4),
            "save_min_s": round(min(samples), 4), "save_max_s": round(max(samples), 4), "saves": len(samples)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--saves", type=int, default=20)
    ap.add_argument("--corpora-dir", type=Path, default=CORPORA)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    args.corpora_dir.mkdir(parents=True, exist_ok=True)
    typical = ensure_corpus(args.corpora_dir, "typical", None)
    mono = ensure_corpus(args.corpora_dir, "scale-1", 1.0)
    results = {
        "typical app": asyncio.run(measure(typical, typical, args.saves)),
        "monorepo, scale 1 (edit in apps/tavus-app)": asyncio.run(measure(mono, mono / "apps" / "tavus-app",
                                                                           args.saves)),
    }
    print("| corpus | first diagnostics after open | save -> diagnostics, median | min | max |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['cold_open_s']:.3f} s | {r['save_median_s']:.3f} s | {r['save_min_s']:.3f} s "
              f"| {r['save_max_s']:.3f} s |")
    print(f"\n{machine()}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "machine": machine()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
