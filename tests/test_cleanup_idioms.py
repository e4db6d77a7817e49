"""TAV003 cleanup idioms (issue 13): aborting the listener's signal removes it; removing another
function instance or another event does not; a layout effect is an effect."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import kinds, verdicts, write
from sop_check.model import Status
from sop_check_rules._examples import UNLOAD_AVATAR, client_project

ADD = "    window.addEventListener('beforeunload', handleBeforeUnload);\n"
REMOVE = "    return () => window.removeEventListener('beforeunload', handleBeforeUnload);\n"


def _tav003(tmp_path: Path, add: str, remove: str) -> object:
    avatar = UNLOAD_AVATAR.replace(ADD, add).replace(REMOVE, remove)
    assert avatar != UNLOAD_AVATAR
    write(tmp_path, client_project(avatar))
    return verdicts(tmp_path, "TAV003")["TAV003"]


@pytest.mark.parametrize("add, remove", [
    ("    const c = new AbortController();\n    window.addEventListener('beforeunload', handleBeforeUnload, "
     "{ signal: c.signal });\n", "    return () => c.abort();\n"),
    ("    const c = new AbortController();\n    const { signal } = c;\n"
     "    window.addEventListener('beforeunload', handleBeforeUnload, { signal });\n",
     "    return () => { c.abort(); };\n"),
    ("    const c = new AbortController();\n    const opts = { signal: c.signal };\n"
     "    window.addEventListener('beforeunload', handleBeforeUnload, opts);\n", "    return () => c.abort();\n"),
], ids=["signal property", "destructured signal", "options in a variable"])
def test_aborting_the_signal_removes_the_listener(tmp_path: Path, add: str, remove: str) -> None:
    got = _tav003(tmp_path, add, remove)
    assert got.status is Status.PASS, (got.message, [f.message for f in got.findings])


@pytest.mark.parametrize("add, remove", [
    ("    const c = new AbortController();\n    const other = new AbortController();\n"
     "    window.addEventListener('beforeunload', handleBeforeUnload, { signal: c.signal });\n",
     "    return () => other.abort();\n"),
    ("    const c = new AbortController();\n"
     "    window.addEventListener('beforeunload', handleBeforeUnload, { signal: c.signal });\n", ""),
    (ADD, "    return () => window.removeEventListener('beforeunload', () => handleBeforeUnload());\n"),
    (ADD, "    return () => window.removeEventListener('pagehide', handleBeforeUnload);\n"),
    ("    window.addEventListener('beforeunload', handleBeforeUnload, { once: true });\n", ""),
], ids=["another controller aborted", "never aborted", "another function instance", "another event",
        "once is not a cleanup"])
def test_what_does_not_remove_the_listener(tmp_path: Path, add: str, remove: str) -> None:
    got = _tav003(tmp_path, add, remove)
    assert got.status is Status.FAIL and kinds(got) == ["never-removed"], got.message


def test_a_layout_effect_is_an_effect(tmp_path: Path) -> None:
    avatar = UNLOAD_AVATAR.replace("import { useEffect }", "import { useLayoutEffect }").replace(
        "  useEffect(() => {", "  useLayoutEffect(() => {")
    write(tmp_path, client_project(avatar))
    assert verdicts(tmp_path, "TAV003")["TAV003"].status is Status.PASS


CAPTURED = "    window.addEventListener('beforeunload', handleBeforeUnload, true);\n"


@pytest.mark.parametrize("add, remove", [
    (CAPTURED, "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, true);\n"),
    (CAPTURED, "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, { capture: true });\n"),
    ("    window.addEventListener('beforeunload', handleBeforeUnload, { capture: false, passive: true });\n", REMOVE),
    (ADD, "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, false);\n"),
    ("    const opts = { capture: true };\n    window.addEventListener('beforeunload', handleBeforeUnload, opts);\n",
     "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, opts);\n"),
], ids=["true and true", "true and capture: true", "capture: false and none", "none and false",
        "the same options variable"])
def test_a_removal_with_the_same_capture_flag_removes_the_listener(tmp_path: Path, add: str, remove: str) -> None:
    got = _tav003(tmp_path, add, remove)
    assert got.status is Status.PASS, (got.message, [f.message for f in got.findings])


@pytest.mark.parametrize("add, remove", [
    (CAPTURED, REMOVE),
    (CAPTURED, "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, { passive: true });\n"),
    (ADD, "    return () => window.removeEventListener('beforeunload', handleBeforeUnload, true);\n"),
    ("    window.addEventListener('beforeunload', handleBeforeUnload, { capture: true });\n", REMOVE),
], ids=["true, then none", "true, then passive only", "none, then true", "capture: true, then none"])
def test_a_removal_with_another_capture_flag_does_not_remove_it(tmp_path: Path, add: str, remove: str) -> None:
    """The browser removes only the listener added with the same capture flag: the other one
    stays registered (a false pass before; found by mutation testing)."""
    got = _tav003(tmp_path, add, remove)
    assert got.status is Status.FAIL and kinds(got) == ["never-removed"], got.message
    [finding] = got.findings
    assert "capture flag" in finding.hint
