"""`sop-check server` is an optional extra: the core commands never import it, and without pygls
the command says which extra to install instead of crashing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tavus-avatar-app"
LSP_MODULES = ("pygls", "lsprotocol", "cattrs", "sop_check.lsp")

_RUN_AND_LIST = """
import json, sys
from sop_check.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))), file=sys.stderr)
"""


def _modules_after(*args: str) -> list[str]:
    code = _RUN_AND_LIST.format(prefixes=LSP_MODULES)
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "CI": ""}, timeout=120)
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--version",), ("check", str(EXAMPLE), "-q"), ("server", "--help")],
                         ids=["version", "check", "server-help"])
def test_core_commands_do_not_import_the_language_server(args: tuple[str, ...]) -> None:
    assert _modules_after(*args) == []


def test_the_probe_sees_an_import_when_there_is_one() -> None:
    """The check above can fail: a command that imports the server shows up in the list."""
    code = _RUN_AND_LIST.format(prefixes=LSP_MODULES).replace("from sop_check.cli import main",
                                                             "import sop_check.lsp.server\nfrom sop_check.cli import main")
    done = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert "pygls" in json.loads(done.stderr.strip().splitlines()[-1])


def test_without_the_extra_the_server_command_names_it() -> None:
    code = "import sys\nsys.modules['pygls'] = None\nfrom sop_check.cli import main\nmain(['server'])\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "pip install 'sop-check[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr
