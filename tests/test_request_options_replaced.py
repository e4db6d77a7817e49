"""Options a later, unknown part of a request may replace: `fetch(new Request(url, init), opts)`
(the fetch's options over the Request's) and `{ method: 'POST', ...opts }`. Reading the Request's
`keepalive: true`, or the literal's method, as definite let TAV003/TAV004 pass a request whose
`opts` could switch keepalive off or send another method; both are now the unknown that `opts`
is, and options the fetch sets itself still count."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, kinds, verdicts, write
from sop_check.evaluate import Evaluator, Obj, Unknown, UnknownKind
from sop_check.evaluate.requests import _from_request
from sop_check.evaluate.values import REQUEST_OBJECT, Bool, Thunk
from sop_check.model import RuleResult, Status
from sop_check_rules._examples import UNLOAD_AVATAR, client_project

SENT = """      fetch('/api/tavus/end', {
        method: 'POST',
        body: JSON.stringify({ conversation_id: conversation.conversation_id }),
        keepalive: true,
      });"""
REQ = "new Request('/api/tavus/end', { method: 'POST', keepalive: true })"


def _results(tmp_path: Path, sent: str) -> dict[str, RuleResult]:
    avatar = UNLOAD_AVATAR.replace(SENT, f"      {sent};").replace(
        "{ conversation }: { conversation: { conversation_id: string } }", "{ conversation, opts }: any")
    assert SENT in UNLOAD_AVATAR and "opts }: any" in avatar
    write(tmp_path, client_project(avatar))
    return verdicts(tmp_path, "TAV003,TAV004")


@pytest.mark.parametrize("sent, unknown", [
    (f"fetch({REQ}, opts)", {"TAV003": "'method' of the Request may be replaced by the fetch options",
                            "TAV004": "'keepalive' of the Request may be replaced by the fetch options"}),
    (f"fetch({REQ}, {{ ...opts }})", {"TAV003": "'method' of the Request may be replaced by the fetch options",
                                     "TAV004": "'keepalive' of the Request may be replaced by the fetch options"}),
    ("fetch('/api/tavus/end', { method: 'POST', keepalive: true, ...opts })",
     {"TAV003": "'method' may be replaced by a spread after it", "TAV004": "'keepalive' may be replaced by a spread"}),
], ids=["request-then-unknown-init", "request-then-open-init", "spread-after-method"])
def test_options_unknown_options_may_replace_are_unknown(tmp_path: Path, sent: str, unknown: dict[str, str]) -> None:
    got = _results(tmp_path, sent)
    for code, reason in unknown.items():
        assert got[code].status is Status.UNKNOWN, (code, got[code].status, kinds(got[code]))
        assert any(reason in u and "opts" in u for u in got[code].unresolved), (code, got[code].unresolved)


@pytest.mark.parametrize("sent, status", [
    # the fetch's own options win over the Request's, known or not
    (f"fetch({REQ}, {{ keepalive: false }})", {"TAV003": Status.PASS, "TAV004": Status.FAIL}),
    (f"fetch({REQ}, {{ method: 'POST', keepalive: true, ...opts }})", {"TAV003": Status.UNKNOWN,
                                                                      "TAV004": Status.UNKNOWN}),
    (f"fetch({REQ}, {{ ...opts, method: 'POST', keepalive: true }})", {"TAV003": Status.PASS, "TAV004": Status.PASS}),
    (f"fetch({REQ})", {"TAV003": Status.PASS, "TAV004": Status.PASS}),
    ("fetch('/api/tavus/end', { ...opts, method: 'POST', keepalive: true })",
     {"TAV003": Status.PASS, "TAV004": Status.PASS}),
], ids=["init-sets-keepalive-false", "init-spread-after", "init-spread-before", "no-init", "spread-before-method"])
def test_what_the_fetch_sets_itself_is_read(tmp_path: Path, sent: str, status: dict[str, Status]) -> None:
    got = _results(tmp_path, sent)
    assert {code: got[code].status for code in status} == status, {c: got[c].unresolved for c in status}


def test_the_replacing_unknown_keeps_the_env_variable_and_an_open_init_names_itself(tmp_path: Path) -> None:
    """Read directly: the Request's option replaced by an unknown init keeps that unknown's kind
    and env variable; an init with an unknown spread but no rest to name says so."""
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15"}}'})
    ev = Evaluator(index_for(tmp_path))
    request = Obj({"keepalive": Thunk(None, None, None, value=Bool(True))}, cls=REQUEST_OBJECT)
    init = Unknown(UnknownKind.PARAMETER, "parameter 'opts'", env="TAVUS_OPTS")
    _, merged = _from_request(ev, request, init)
    assert isinstance(merged, Obj) and merged.shadowed is not None
    replaced = merged.shadowed["keepalive"]
    assert (replaced.kind, replaced.env) == (UnknownKind.PARAMETER, "TAVUS_OPTS")
    assert replaced.reason == "'keepalive' of the Request may be replaced by the fetch options (parameter 'opts')"
    _, merged = _from_request(ev, request, Obj({}, open=True))
    assert isinstance(merged, Obj) and merged.shadowed is not None
    assert merged.shadowed["keepalive"].reason == ("'keepalive' of the Request may be replaced by the fetch options "
                                                   "(fetch options with an unknown spread)")
