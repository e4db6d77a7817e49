"""The language server with a fake fixer, until `check --fix` (issue 15) attaches real fixes.

The server maps `Finding.fix` to code actions; no rule fills it yet. This script runs the
real server with a checker that, after the real check, attaches:

- to TAV004's finding, a safe fix that turns `keepalive: false` back into `keepalive: true`
  (found in the bytes the run checked, so the offsets are the run's);
- to TAV006's findings, a display-only fix (a template line to add), shown on hover.

    python tests/lsp_fake_fix_server.py [DEBOUNCE_SECONDS]
"""

from __future__ import annotations

import sys

from sop_check.fixes import Applicability, Edit, Fix
from sop_check.lsp.checker import AppCheck, AppChecker, AppTarget, Snapshot
from sop_check.lsp.server import SopCheckServer
from sop_check.lsp.diagnostics import Texts

BROKEN = b"keepalive: false"  # followed by a comma: the flag in code, not the comment above it


class FakeFixChecker(AppChecker):
    def check(self, target: AppTarget, snapshot: Snapshot, should_stop=lambda: False) -> AppCheck:  # type: ignore[no-untyped-def]
        result = super().check(target, snapshot, should_stop)
        texts = Texts(result)
        app = result.app_report()
        for rule in app.results if app is not None else []:
            for finding in rule.findings:
                if finding.rule == "TAV004":
                    data = texts.data(result.repo_root / finding.location.path) or b""
                    at = data.find(BROKEN + b",")
                    if at >= 0:
                        finding.fix = Fix("set keepalive: true on the unload request", Applicability.SAFE,
                                          (Edit(finding.location.path, at, at + len(BROKEN), "keepalive: true"),))
                elif finding.rule == "TAV006":
                    finding.fix = Fix("declare the variable", Applicability.DISPLAY_ONLY,
                                      (Edit(finding.location.path, 0, 0, "TAVUS_API_KEY=your-key\n"),))
        return result


if __name__ == "__main__":
    import os

    SopCheckServer(checker=FakeFixChecker(os.environ), debounce=float(sys.argv[1]) if len(sys.argv) > 1 else 0.05).start_io()
