"""How the Python end route is read (rules/_python.py): string values, env reads, HTTP calls, and
which tests mean "the id is missing". Each case is one way a wrong branch would let TAV002 pass a
Python route that does not end the conversation as the SOP says, or fail one that does (found by
mutation testing). Values are read with the module's own reader; the missing-id cases go through
TAV002, with the finding kind and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from helpers import verdicts, write
from sop_check.evaluate import HOLE
from sop_check.model import Status
from sop_check_rules._python import _http
from sop_check_rules._python_facts import PyFacts

MODULE = '''import os
A = "https://tavusapi.com"
K = "TAVUS_API_KEY"
X = X + "a"
F = f"{F}a"
M = M.format(1)
E = os.getenv(K)
LOOP = LOOP
'''


def facts(source: str = MODULE) -> PyFacts:
    return PyFacts(MetadataWrapper(cst.parse_module(source)))


def expr(source: str) -> Any:
    return cst.parse_expression(source)


@pytest.mark.parametrize("source, text", [
    ('"abc"', "abc"),
    ("b'abc'", HOLE),  # bytes are no URL text
    ('"a" "b"', "ab"),
    ('f"{A}/v2/{cid}/end"', f"https://tavusapi.com/v2/{HOLE}/end"),
    ('A + "/v2"', "https://tavusapi.com/v2"),
    ('"/v2" + A', "/v2https://tavusapi.com"),
    ('A - "/v2"', HOLE),  # only + joins strings
    ('A * 2', HOLE),
    ("A", "https://tavusapi.com"),
    ("L", "local"),
    ("undefined", HOLE),
    ('"{}/v2/{x}/end".format(A, 1)', f"{HOLE}/v2/{HOLE}/end"),
    ('A.format(1)', "https://tavusapi.com"),
    ('"{}".upper()', HOLE),
    ("fmt(A)", HOLE),
    ("42", HOLE),
    ("X", HOLE + "a" * 10),  # a constant defined by itself: 20 steps, then unknown
    ('X + "b"', HOLE * 2 + "a" * 9 + "b"),
    ("F", HOLE + "a" * 10),
    ("M", HOLE),
])
def test_text_of_python_values(source: str, text: str) -> None:
    assert facts().text(expr(source), {"L": expr('"local"')}) == text


def test_a_local_binding_wins_over_a_module_constant() -> None:
    assert facts().text(expr("A"), {"A": expr('"https://evil.example"')}) == "https://evil.example"


@pytest.mark.parametrize("source, name", [
    ('os.environ["TAVUS_API_KEY"]', "TAVUS_API_KEY"),
    ('environ["TAVUS_API_KEY"]', "TAVUS_API_KEY"),
    ("os.environ[K]", "TAVUS_API_KEY"),  # the key from a constant
    ('os.environ.get("TAVUS_API_KEY")', "TAVUS_API_KEY"),
    ('os.environ.get("TAVUS_API_KEY", "")', "TAVUS_API_KEY"),
    ('environ.get("TAVUS_API_KEY")', "TAVUS_API_KEY"),
    ('os.getenv("TAVUS_API_KEY")', "TAVUS_API_KEY"),
    ('getenv("TAVUS_API_KEY")', "TAVUS_API_KEY"),
    ("E", "TAVUS_API_KEY"),  # a constant bound to an env read
    ("V", "OTHER"),  # a local bound to one
    ('os.getenv("TAVUS_API_KEY") or ""', "TAVUS_API_KEY"),
    ('"" or os.getenv("TAVUS_API_KEY")', None),  # the left operand decides
    ("os.environ.get()", None),
    ('os.environ.pop("TAVUS_API_KEY")', None),
    ('config["TAVUS_API_KEY"]', None),
    ('settings.get("TAVUS_API_KEY")', None),
    ("os.environ[1:2]", None),
    ('"TAVUS_API_KEY"', None),
    ("LOOP", None),  # defined by itself: no env read, and no endless lookup
    ("undefined", None),
])
def test_env_name_of_python_values(source: str, name: str | None) -> None:
    assert facts().env_name(expr(source), {"V": expr('os.environ["OTHER"]')}) == name


def test_env_name_follows_ten_steps_of_names_or_defaults_and_no_more() -> None:
    chain = "E0 = os.getenv('TAVUS_API_KEY')\n" + "".join(f"E{i} = E{i - 1}\n" for i in range(1, 11))
    f = facts(chain)
    assert f.env_name(expr("E9"), {}) == "TAVUS_API_KEY"  # ten names to the read
    assert f.env_name(expr("E10"), {}) is None
    assert f.env_name(expr("V or ''"), {"V": expr("os.getenv('K')")}) == "K"
    nested = "os.getenv('K')"
    for _ in range(10):
        nested = f"({nested} or '')"
    assert f.env_name(expr(nested), {}) == "K"
    assert f.env_name(expr(f"({nested} or '')"), {}) is None


@pytest.mark.parametrize("source, method, url, keywords", [
    ("requests.post(U, headers=H)", "POST", "U", ["headers"]),
    ("httpx.get(url=U)", "GET", "U", ["url"]),
    ("session.put(U)", "PUT", "U", []),
    ("client.delete(U)", "DELETE", "U", []),
    ("client.patch(U, json=B)", "PATCH", "U", ["json"]),
    ("requests.post()", "POST", None, []),
    ('requests.request("delete", U)', "DELETE", "U", []),
    ('requests.request("", U)', "?", "U", []),
    ("requests.request(M, U)", HOLE, "U", []),
    ('requests.request("post")', None, None, []),
    ('urllib.request.Request(U, data=B, method="put")', "PUT", "U", ["data", "method"]),
    ("urllib.request.Request(U, data=B)", "POST", "U", ["data"]),
    ("Request(U, B)", "POST", "U", []),
    ("Request(U)", "GET", "U", []),
    ("Request()", None, None, []),
    ("post(U)", None, None, []),  # a bare post() is not an HTTP client's method
    ("requests.head(U)", None, None, []),
    ("requests.send(U)", None, None, []),
])
def test_http_calls(source: str, method: str | None, url: str | None, keywords: list[str]) -> None:
    f = facts(f"x = {source}\n")
    call = f.constants["x"]
    got_method, url_node, kwargs = _http(f, call)
    assert got_method == method
    assert (f.code(url_node) if url_node is not None else None) == url
    assert sorted(kwargs) == keywords


FLASK = '''import os
import httpx
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/api/tavus/end", methods=["POST"])
def end():
    data = request.get_json() or {}
    cid = data.get("conversation_id")
    key = os.getenv("TAVUS_API_KEY")
    CHECK
    httpx.post("https://tavusapi.com/v2/conversations/" + cid + "/end", headers={"x-api-key": key})
    return jsonify(ok=True)
'''
ANSWER = 'return jsonify(error="Missing ID"), 400'


def _tav002(tmp_path: Path, check: str) -> Any:
    source = FLASK.replace("    CHECK\n", "".join(f"    {line}\n" for line in check.splitlines()))
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', "api/tavus/end.py": source})
    return verdicts(tmp_path, "TAV002")["TAV002"]


@pytest.mark.parametrize("check", [
    f"if not cid:\n    {ANSWER}",
    f"if cid is None:\n    {ANSWER}",
    f"if cid == None:\n    {ANSWER}",
    f"if 'conversation_id' not in data:\n    {ANSWER}",
    f"if not isinstance(cid, str):\n    {ANSWER}",
    f"if not cid or not key:\n    {ANSWER}",
    f"if not key or not cid:\n    {ANSWER}",
    f"if not (cid and key):\n    {ANSWER}",
    f"if not data.get('conversation_id'):\n    {ANSWER}",
    f"if not data['conversationId']:\n    {ANSWER}",
    f"if not request.json.conversation_id:\n    {ANSWER}",
    f"if not cid.strip():\n    {ANSWER}",
    f"if not cid.strip().lower():\n    {ANSWER}",
    f"c = cid\nif not c:\n    {ANSWER}",
    f"if cid:\n    pass\nelse:\n    {ANSWER}",
    f"if cid is not None:\n    pass\nelse:\n    {ANSWER}",
    f"if 'conversation_id' in data:\n    pass\nelse:\n    {ANSWER}",
    f"if cid and key:\n    pass\nelse:\n    {ANSWER}",
    f"try:\n    if not cid:\n        raise ValueError('missing')\nexcept ValueError:\n    {ANSWER}",
    f"if not cid:\n    if True:\n        {ANSWER}",
    f"try:\n    if True:\n        if not cid:\n            raise ValueError('missing')\nexcept ValueError:\n    {ANSWER}",
    f"c = data.get('x') or data.get('conversation_id')\nif not c:\n    {ANSWER}",
    # how far an alias chain, `.strip()` chain and `not` chain are followed
    "c0 = data.get('conversation_id')\n" + "".join(f"c{i} = c{i - 1}\n" for i in range(1, 6)) +
    f"if not c5:\n    {ANSWER}",
    f"if not data.get('conversation_id'){'.strip()' * 6}:\n    {ANSWER}",
    f"if {'not ' * 8}cid:\n    pass\nelse:\n    {ANSWER}",
])
def test_a_400_answering_a_missing_id_passes(tmp_path: Path, check: str) -> None:
    got = _tav002(tmp_path, check)
    assert got.status is Status.PASS, (got.message, [f.kind for f in got.findings], got.unresolved)
    assert any(e.message == "400 answer when the id is missing" for e in got.evidence)


@pytest.mark.parametrize("check", [
    f"if not key:\n    {ANSWER}",  # another value missing
    f"if cid:\n    {ANSWER}",  # a 400 when the id is there
    f"if cid is not None:\n    {ANSWER}",
    f"if cid != None:\n    {ANSWER}",
    f"if 'conversation_id' in data:\n    {ANSWER}",
    f"if 'other' not in data:\n    {ANSWER}",
    f"if not cid and not key:\n    {ANSWER}",  # only when both are missing
    f"if isinstance(cid, str):\n    {ANSWER}",
    f"if not cid:\n    pass\nelse:\n    {ANSWER}",
    f"if not cid < 3:\n    {ANSWER}",
    f"if not len(data) > 2:\n    {ANSWER}",
    f"if not data.get('other'):\n    {ANSWER}",
    f"if not data['other']:\n    {ANSWER}",
    f"if not data[0]:\n    {ANSWER}",
    f"if not request.json.other:\n    {ANSWER}",
    f"if not cid.upper():\n    {ANSWER}",
    f"if not other.strip():\n    {ANSWER}",
    f"try:\n    data = request.get_json()\nexcept ValueError:\n    {ANSWER}",  # a body that is not JSON
    f"try:\n    if not cid:\n        pass\nexcept ValueError:\n    {ANSWER}",
    f"try:\n    if not key:\n        raise ValueError('no key')\nexcept ValueError:\n    {ANSWER}",
    f"if not logger.info('conversation_id'):\n    {ANSWER}",  # a call that only names the field
    f"if cid == other:\n    {ANSWER}",
    "c0 = data.get('conversation_id')\n" + "".join(f"c{i} = c{i - 1}\n" for i in range(1, 7)) +
    f"if not c6:\n    {ANSWER}",
    f"if not data.get('conversation_id'){'.strip()' * 7}:\n    {ANSWER}",
    f"if {'not ' * 9}cid:\n    {ANSWER}",
    "if not cid:\n    return jsonify(error='Missing ID'), 401",
    "if not cid:\n    return jsonify(error='Missing ID', code='400')",
])
def test_a_400_for_anything_but_a_missing_id_fails(tmp_path: Path, check: str) -> None:
    got = _tav002(tmp_path, check)
    assert got.status is Status.FAIL
    assert [(f.kind, f.location.line) for f in got.findings] == [("no-400", 9)]  # at the handler


def _route(tmp_path: Path, source: str) -> Any:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', "api/tavus/end.py": source})
    return verdicts(tmp_path, "TAV002")["TAV002"]


CHECKED = FLASK.replace("    CHECK\n", f"    if not cid:\n        {ANSWER}\n")
CALL = 'httpx.post("https://tavusapi.com/v2/conversations/" + cid + "/end", headers={"x-api-key": key})'


@pytest.mark.parametrize("before, call", [
    ("    H = {'x-api-key': key}\n", CALL.replace('headers={"x-api-key": key}', "headers=H")),  # a local dict
    ("    name = 'X-Api-Key'\n", CALL.replace('{"x-api-key": key}', "{name: key}")),  # the header name in a local
    ("    a, b = 1, 2\n    c = d = 3\n", CALL),  # unpacking and chained assignments are not bindings it reads
])
def test_python_headers_read_through_bindings_pass(tmp_path: Path, before: str, call: str) -> None:
    got = _route(tmp_path, CHECKED.replace(f"    {CALL}\n", before + f"    {call}\n"))
    assert got.status is Status.PASS, ([(f.kind, f.message) for f in got.findings], got.unresolved)
    line = 15 + before.count("\n")
    assert ("end request to Tavus", line) in [(e.message, e.location.line) for e in got.evidence if e.location]


def test_python_headers_in_a_module_constant_pass(tmp_path: Path) -> None:
    source = CHECKED.replace("app = Flask(__name__)\n", "app = Flask(__name__)\nHEADERS = {'x-api-key': os.environ['TAVUS_API_KEY']}\n")
    got = _route(tmp_path, source.replace('headers={"x-api-key": key}', "headers=HEADERS"))
    assert got.status is Status.PASS, [(f.kind, f.message) for f in got.findings]


@pytest.mark.parametrize("headers, kind", [
    ('{"content-type": "application/json"}', "no-api-key"),
    ('{"Authorization": "Bearer " + key}', "bearer-auth"),
    ("{AUTH: key}", "bearer-auth"),  # the header name from a local
])
def test_python_headers_without_the_key_fail_at_the_call(tmp_path: Path, headers: str, kind: str) -> None:
    source = CHECKED.replace('headers={"x-api-key": key}', f"headers={headers}")
    got = _route(tmp_path, source.replace("    key = os.getenv", "    AUTH = 'Authorization'\n    key = os.getenv"))
    assert [(f.kind, f.location.line) for f in got.findings] == [(kind, 16)]
    assert got.findings[0].data == {"header": "x-api-key", "env": "TAVUS_API_KEY"}


@pytest.mark.parametrize("headers, text", [
    ("make_headers()", "line 15: the request headers are built at run time"),
    ('{"x-api-key": vault.read()}', "line 15: the x-api-key value could not be resolved"),
])
def test_python_headers_that_cannot_be_read_are_unknown(tmp_path: Path, headers: str, text: str) -> None:
    got = _route(tmp_path, CHECKED.replace('headers={"x-api-key": key}', f"headers={headers}"))
    assert got.status is Status.UNKNOWN and not got.findings
    assert [str(u) for u in got.unresolved] == [text]


def test_a_python_put_to_the_end_endpoint_is_a_wrong_method_at_the_call(tmp_path: Path) -> None:
    got = _route(tmp_path, CHECKED.replace("httpx.post(", "httpx.put("))
    assert [(f.kind, f.location.line, f.data) for f in got.findings] == [("wrong-method", 15, {"method": "PUT"})]


def test_a_python_route_without_a_post_handler_fails_tav002_on_line_1(tmp_path: Path) -> None:
    got = _route(tmp_path, CHECKED.replace('methods=["POST"]', 'methods=["GET"]'))
    assert [(f.kind, f.location.line) for f in got.findings] == [("no-post-handler", 1)]


def test_the_request_may_be_in_a_helper_the_handler_calls(tmp_path: Path) -> None:
    call = CALL.replace('"x-api-key": key', '"x-api-key": os.environ["TAVUS_API_KEY"]')
    helper = f"\n\ndef send(cid, key):\n    {call}\n\n\ndef log(depth=0):\n    log(depth + 1)\n"  # recursive
    source = CHECKED.replace(f"    {CALL}\n", "    send(cid, key)\n    log()\n    log()\n") + helper
    got = _route(tmp_path, source)
    assert got.status is Status.PASS, [(f.kind, f.message) for f in got.findings]
    assert ("end request to Tavus", 22) in [(e.message, e.location.line) for e in got.evidence if e.location]
    got = _route(tmp_path / "direct", source.replace("    send(cid, key)\n", "    pass\n"))
    assert [f.kind for f in got.findings] == ["never-calls-end"]


@pytest.mark.parametrize("path, found", [
    ("/api/tavus/end", True), ("/api/tavus/end/", True), ("/", True), ("", True),
    ("/api/tavus/<path:rest>", True),  # a converter: the route may be this URL
    ("PREFIX + '/end'", True),  # not known
    ("/api/tavus/other", False), ("/api/tavus/end/x", False), ("/end", False),
])
def test_a_framework_route_path_must_be_the_end_route(tmp_path: Path, path: str, found: bool) -> None:
    decorator = f'@app.route({path if "+" in path else repr(path)}, methods=["POST"])'
    got = _route(tmp_path, CHECKED.replace('@app.route("/api/tavus/end", methods=["POST"])', decorator))
    assert ("no-post-handler" not in [f.kind for f in got.findings]) is found
