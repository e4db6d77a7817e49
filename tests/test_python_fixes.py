"""TAV002's unsafe fixes in an end route written as a Vercel Python function (rules/_python_call_fixes.py).

Each case pins the finding (kind, line), the fix (applicability, the exact text `--fix
--unsafe-fixes` writes: the rest of the file byte-identical) and the verdict of a fresh check
of what was written. The negative cases pin where no fix may be offered, and that no diff ever
prints a key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import write
from sop_check.cli import main
from test_python_route import FLASK, HANDLER

PKG = '{"dependencies": {"next": "15.0.0"}}'
KEY = "abcdef0123456789"  # a fake key: never in any output
URL = 'f"{TAVUS}/conversations/{conversation_id}'
CALL = f'requests.post({URL}/end", headers={{"x-api-key": api_key}})'
URLLIB = '''import os
import urllib.request


def handler(request):
    pass


class handler(object):
    def do_POST(self):
        cid = self.body.get('conversation_id')
        if not cid:
            self.send_response(400)
            return
        req = urllib.request.Request(f'https://tavusapi.com/v2/conversations/{cid}/end',
                                     headers={'x-api-key': os.environ['TAVUS_API_KEY']})
        urllib.request.urlopen(req)
'''


def check(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(root), "--select", "TAV002", *args], env={"CI": ""},
                                catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def findings(root: Path) -> list[dict[str, Any]]:
    _, out = check(root, "--format", "json")
    return [f for a in json.loads(out)["apps"] for r in a["results"] for f in r["findings"]]


def project(tmp_path: Path, source: str) -> Path:
    return write(tmp_path, {"package.json": PKG, "api/tavus/end.py": source})


CASES = [
    # (source, kind, finding line, {old: new} edits the fix makes)
    (HANDLER.replace('{"x-api-key": api_key}', '{"Authorization": f"Bearer {api_key}"}'), "bearer-auth", 20,
     {'{"Authorization": f"Bearer {api_key}"}': '{"x-api-key": api_key}'}),
    (FLASK.replace('headers={"x-api-key": os.getenv("TAVUS_API_KEY")}',
                   "headers={'Authorization': 'Bearer ' + os.getenv(\"TAVUS_API_KEY\")}"), "bearer-auth", 13,
     {"{'Authorization': 'Bearer ' + os.getenv(\"TAVUS_API_KEY\")}": "{'x-api-key': os.getenv(\"TAVUS_API_KEY\")}"}),
    (HANDLER.replace('{"x-api-key": api_key}', '{"Authorization": "Bearer {}".format(api_key)}'), "bearer-auth", 20,
     {'{"Authorization": "Bearer {}".format(api_key)}': '{"x-api-key": api_key}'}),
    (HANDLER.replace(f"requests.post({URL}/end\"", f"requests.delete({URL}\""), "wrong-endpoint", 20,
     {f"requests.delete({URL}\"": f"requests.post({URL}/end\""}),
    (HANDLER.replace(f"requests.post({URL}/end\"", f"requests.request(\"DELETE\", {URL}/\""), "wrong-endpoint", 20,
     {f"requests.request(\"DELETE\", {URL}/\"": f"requests.request(\"POST\", {URL}/end\""}),
    (HANDLER.replace(f"requests.post({URL}/end\"", f"requests.get({URL}/end\""), "wrong-method", 20,
     {"requests.get(": "requests.post("}),
    (FLASK.replace('httpx.post("https://tavusapi.com/v2/conversations/" + cid + "/end"',
                   'httpx.delete("https://tavusapi.com/v2/conversations/" + cid'), "wrong-endpoint", 13,
     {'httpx.delete("https://tavusapi.com/v2/conversations/" + cid,':
      'httpx.post("https://tavusapi.com/v2/conversations/" + cid + "/end",'}),
    (URLLIB.replace("{cid}/end',", "{cid}',").replace("'TAVUS_API_KEY']})", "'TAVUS_API_KEY']}, method='DELETE')"),
     "wrong-endpoint", 15, {"{cid}',": "{cid}/end',", "method='DELETE'": "method='POST'"}),
    (URLLIB, "wrong-method", 15, {"os.environ['TAVUS_API_KEY']})": "os.environ['TAVUS_API_KEY']}, method='POST')"}),
    (HANDLER.replace('api_key = os.environ["TAVUS_API_KEY"]', f'api_key = "{KEY}"'), "hardcoded-key", 20,
     {f'api_key = "{KEY}"': 'api_key = os.environ["TAVUS_API_KEY"]'}),
    (FLASK.replace("import os\n", "").replace('os.getenv("TAVUS_API_KEY")', f'"{KEY}"'), "hardcoded-key", 12,
     {"import httpx\n": "import httpx\nimport os\n", f'"{KEY}"': 'os.environ["TAVUS_API_KEY"]'}),
    (HANDLER.replace("import os\n", "").replace('api_key = os.environ["TAVUS_API_KEY"]', f"api_key = '{KEY}'"),
     "hardcoded-key", 19, {"import json\n": "import json\nimport os\n", f"api_key = '{KEY}'":
                           'api_key = os.environ["TAVUS_API_KEY"]'}),
    (HANDLER.replace('api_key = os.environ["TAVUS_API_KEY"]', 'api_key = os.environ.get("OTHER_KEY", "")'),
     "key-wrong-env", 20, {'"OTHER_KEY"': '"TAVUS_API_KEY"'}),
]
IDS = ["bearer-fstring", "bearer-concat-single-quotes", "bearer-format", "delete-requests", "request-DELETE-slash",
       "get-end-url", "delete-httpx-concat", "urllib-method-DELETE", "urllib-get-no-method", "literal-via-name",
       "literal-no-os-import", "literal-import-sorted", "other-env"]


@pytest.mark.parametrize("source, kind, line, edits", CASES, ids=IDS)
def test_a_python_end_route_is_repaired_in_place_by_an_unsafe_fix(source: str, kind: str, line: int,
                                                                   edits: dict[str, str], tmp_path: Path) -> None:
    root = project(tmp_path, source)
    [finding] = findings(root)
    assert (finding["kind"], finding["path"], finding["line"]) == (kind, "api/tavus/end.py", line)
    assert finding["fix"] is not None and finding["fix"]["applicability"] == "unsafe"
    code, _ = check(root, "--fix")  # unsafe: not applied without the flag
    assert code == 1 and (root / "api/tavus/end.py").read_text() == source
    check(root, "--fix", "--unsafe-fixes")
    expected = source
    for old, new in edits.items():
        assert expected.count(old) == 1, old
        expected = expected.replace(old, new)
    assert (root / "api/tavus/end.py").read_text() == expected
    assert findings(root) == [] and check(root)[0] == 0


def test_the_literal_key_is_masked_in_the_diff_and_never_printed(tmp_path: Path) -> None:
    root = project(tmp_path, HANDLER.replace('api_key = os.environ["TAVUS_API_KEY"]', f'api_key = "{KEY}"'))
    code, out = check(root, "--diff", "--unsafe-fixes")
    assert code == 1
    assert f'-        api_key = "<redacted, {len(KEY)} chars>"\n' in out
    assert '+        api_key = os.environ["TAVUS_API_KEY"]\n' in out
    for fmt in ("text", "json", "sarif"):
        assert KEY not in check(root, "--format", fmt, "--unsafe-fixes")[1]


@pytest.mark.parametrize("source", [
    # A Bearer literal: replacing it would print the key as the diff's removed line.
    HANDLER.replace('{"x-api-key": api_key}', f'{{"Authorization": "Bearer {KEY}"}}'),
    # Another variable in the Bearer value: keeping it is not the repair, changing it is another fix.
    HANDLER.replace('{"x-api-key": api_key}', '{"Authorization": f"Bearer {os.environ[\'OTHER\']}"}'),
    # A Bearer value of another shape (a conversion): not the expression alone.
    HANDLER.replace('{"x-api-key": api_key}', '{"Authorization": f"Bearer {api_key!s}"}'),
], ids=["bearer-literal", "bearer-other-env", "bearer-conversion"])
def test_no_key_header_fix_where_the_bearer_value_is_not_the_env_key(source: str, tmp_path: Path) -> None:
    root = project(tmp_path, source)
    [finding] = findings(root)
    assert finding["kind"] == "bearer-auth" and finding["fix"] is None
    code, out = check(root, "--diff", "--unsafe-fixes")
    assert KEY not in out and "no fix to apply" in out


@pytest.mark.parametrize("source, kind", [
    # The URL from a variable: the call holds nothing to append /end to.
    (HANDLER.replace(f"r = requests.post({URL}/end\"", f"url = {URL}\"\n        r = requests.delete(url"),
     "wrong-endpoint"),
    # A key literal concatenated across lines: its parts would not be masked whole.
    (HANDLER.replace('api_key = os.environ["TAVUS_API_KEY"]', 'api_key = ("abcdef01"\n                   "23456789")'),
     "hardcoded-key"),
    # The method in **options: the edit could not tell what it overrides.
    (HANDLER.replace(f"requests.post({URL}/end\"", f"requests.get({URL}/end\", **{{}}"), "wrong-method"),
], ids=["url-in-variable", "literal-across-lines", "star-kwargs"])
def test_no_python_fix_where_the_edit_would_not_be_the_repair(source: str, kind: str, tmp_path: Path) -> None:
    [finding] = findings(project(tmp_path, source))
    assert finding["kind"] == kind and finding["fix"] is None


def test_crlf_and_tabs_are_kept(tmp_path: Path) -> None:
    source = FLASK.replace("    ", "\t").replace('os.getenv("TAVUS_API_KEY")', f'"{KEY}"').replace("\n", "\r\n")
    root = tmp_path
    (root / "api/tavus").mkdir(parents=True)
    (root / "package.json").write_text(PKG)
    (root / "api/tavus/end.py").write_bytes(source.encode())
    check(root, "--fix", "--unsafe-fixes")
    assert (root / "api/tavus/end.py").read_bytes() == source.replace(f'"{KEY}"', 'os.environ["TAVUS_API_KEY"]').encode()
    assert findings(root) == []


MINIMAL = '''HEAD
class handler(BaseHTTPRequestHandler):
    def do_POST(self):
        cid = self.body.get("conversation_id")
        if not cid:
            self.send_response(400)
            return
        requests.post(f"https://tavusapi.com/v2/conversations/{cid}/end", headers={"x-api-key": "KEYVALUE"})
'''


@pytest.mark.parametrize("head, head_after, read", [
    ('"""End route."""\nfrom http.server import BaseHTTPRequestHandler\nimport requests\n',
     '"""End route."""\nimport os\nfrom http.server import BaseHTTPRequestHandler\nimport requests\n',
     'os.environ["TAVUS_API_KEY"]'),
    ('"""End route."""\nfrom __future__ import annotations\n',
     '"""End route."""\nfrom __future__ import annotations\nimport os\n', 'os.environ["TAVUS_API_KEY"]'),
    ("# no imports\n", "# no imports\nimport os\n", 'os.environ["TAVUS_API_KEY"]'),
    ("from os import environ\n", "from os import environ\n", 'environ["TAVUS_API_KEY"]'),
], ids=["before-first-import", "after-future", "no-imports", "environ-imported"])
def test_the_key_is_read_through_the_modules_own_os_or_a_new_import(head: str, head_after: str, read: str,
                                                                      tmp_path: Path) -> None:
    source = MINIMAL.replace("HEAD\n", head).replace("KEYVALUE", KEY)
    root = project(tmp_path, source)
    check(root, "--fix", "--unsafe-fixes")
    assert (root / "api/tavus/end.py").read_text() == \
        MINIMAL.replace("HEAD\n", head_after).replace('"KEYVALUE"', read)
    assert findings(root) == []


def test_an_aliased_os_gets_no_fix_the_rule_could_not_read(tmp_path: Path) -> None:
    source = MINIMAL.replace("HEAD\n", "import os as system\n").replace("KEYVALUE", KEY)
    [finding] = findings(project(tmp_path, source))
    assert finding["kind"] == "hardcoded-key" and finding["fix"] is None
