"""TAV002's unsafe fixes of the upstream call in a Python end route (rules/_python_call_fixes.py),
pinned byte for byte on the shapes tests/test_python_fixes.py does not reach: each verb turned
into `post` with its continuation lines realigned, each way a URL is written, each Bearer
spelling, headers bound to a name, env reads after `or`, string prefixes, `os` imported under
another name; and the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from fix_support import applied, findings
from helpers import write
from sop_check.fixes import Applicability

PKG = '{"dependencies": {"next": "15.0.0"}}'
PY = "api/tavus/end.py"
HEAD = "import os\nimport requests\n"
ROUTE = '''HEAD

class handler:
    def do_POST(self):
        cid = self.body.get("conversation_id")
        if not cid:
            self.send_response(400)
            return
        CALL
'''
KEY = 'headers={"x-api-key": os.environ["TAVUS_API_KEY"]}'
END = 'f"https://tavusapi.com/v2/conversations/{cid}/end"'


def route(call: str, head: str = HEAD) -> str:
    return ROUTE.replace("HEAD\n", head).replace("CALL", call)


def fix_for(tmp_path: Path, source: str, kind: str) -> str | None:
    """The route's text after the one `kind` finding's fix (None: no fix offered)."""
    root = write(tmp_path, {"package.json": PKG, PY: source})
    [finding] = findings(root, "TAV002", kind)
    if finding.fix is None:
        return None
    assert finding.fix.applicability is Applicability.UNSAFE
    return applied(root, finding.fix)[PY]


# -- the end call -------------------------------------------------------------------------------------
CONCAT = '"https://tavusapi.com/v2/conversations/" + cid'


@pytest.mark.parametrize("verb, kind, url, url_after", [
    ("delete", "wrong-endpoint", CONCAT, CONCAT + ' + "/end"'),
    ("put", "wrong-endpoint", CONCAT + ' + "/"', CONCAT + ' + "/end"'),
    ("patch", "wrong-endpoint", '"https://tavusapi.com/v2/conversations/{}".format(cid)',
     '"https://tavusapi.com/v2/conversations/{}/end".format(cid)'),
    ("get", "wrong-method", '"https://tavusapi.com/v2/conversations/{}/end".format(cid)',
     '"https://tavusapi.com/v2/conversations/{}/end".format(cid)'),
    ("delete", "wrong-endpoint", 'f"https://tavusapi.com/v2/conversations/" f"{cid}"',
     'f"https://tavusapi.com/v2/conversations/" f"{cid}/end"'),
    ("delete", "wrong-endpoint", '"https://tavusapi.com/v2/conversations/%s" % cid', None),
], ids=["delete-concat-expr", "put-concat-slash", "patch-format", "get-format", "delete-implicit-concat",
        "percent-format"])
def test_the_verb_becomes_post_the_url_gets_end_and_aligned_lines_follow(verb: str, kind: str, url: str,
                                                                        url_after: str | None, tmp_path: Path) -> None:
    pad = " " * len(f"        requests.{verb}(")
    call = f"requests.{verb}({url},\n{pad}{KEY},\n\n{pad}timeout=5)"
    source = route(call)
    text = fix_for(tmp_path, source, kind) if url_after is not None or kind in {
        f.kind for f in findings(write(tmp_path, {"package.json": PKG, PY: source}), "TAV002")} else None
    if url_after is None:
        assert text is None
        return
    pad = " " * len("        requests.post(")
    assert text == route(f"requests.post({url_after},\n{pad}{KEY},\n\n{pad}timeout=5)")


def test_lines_not_aligned_under_the_first_argument_stay_where_they_are(tmp_path: Path) -> None:
    call = f'requests.delete(\n            {END[:-5]}",\n            {KEY})'
    assert fix_for(tmp_path, route(call), "wrong-endpoint") == route(
        f'requests.post(\n            {END},\n            {KEY})')


@pytest.mark.parametrize("call", [
    f'requests.delete(f"https://tavusapi.com/v2/conversations/{{cid}}?force=1", {KEY})',  # a query: no /end to add
    f'requests.request(method, f"https://tavusapi.com/v2/conversations/{{cid}}/end", {KEY})',
    f'requests.delete(url, {KEY})',
], ids=["query", "method-variable", "url-variable"])
def test_no_end_call_fix_where_the_edit_cannot_be_made_in_the_call(call: str, tmp_path: Path) -> None:
    head = HEAD + "from requests import delete\n"
    source = route(call, head).replace("        CALL", "        CALL").replace(
        "        if not cid:", '        method = "DELETE"\n        url = "https://tavusapi.com/v2/conversations/" + cid\n'
        "        if not cid:")
    root = write(tmp_path, {"package.json": PKG, PY: source})
    fixable = [f for f in findings(root, "TAV002") if f.kind in ("wrong-endpoint", "wrong-method")]
    assert fixable and all(f.fix is None for f in fixable)


def test_urllib_request_keeps_the_method_literals_quotes(tmp_path: Path) -> None:
    call = (f"urllib.request.urlopen(urllib.request.Request({END}, {KEY}, method='GET'))")
    head = "import os\nimport urllib.request\n"
    assert fix_for(tmp_path, route(call, head), "wrong-method") == route(call.replace("'GET'", "'POST'"), head)


# -- Authorization: Bearer -> x-api-key ---------------------------------------------------------------
@pytest.mark.parametrize("auth, value", [
    ('"authorization"', '"bearer %s" % os.environ["TAVUS_API_KEY"]'),
    ('"Authorization"', '"Bearer " + os.environ["TAVUS_API_KEY"]'),
    ("'AUTHORIZATION'", 'f"Bearer {os.environ[\'TAVUS_API_KEY\']}"'),
], ids=["percent-lowercase", "concat", "fstring-single-quoted-key"])
def test_the_bearer_entry_becomes_the_key_header_keeping_its_key_quotes(auth: str, value: str,
                                                                       tmp_path: Path) -> None:
    call = f"requests.post({END}, headers=h)"
    source = route(call).replace("        requests", f"        h = {{{auth}: {value}}}\n        requests")
    quote = auth[0]
    expected_value = value.split(" + ")[-1].split(" % ")[-1].replace('f"Bearer {', "").replace('}"', "")
    assert fix_for(tmp_path, source, "bearer-auth") == source.replace(
        f"{auth}: {value}", f"{quote}x-api-key{quote}: {expected_value}")


def test_a_module_constant_holds_the_headers(tmp_path: Path) -> None:
    head = HEAD + 'HEADERS = {"Authorization": "Bearer {}".format(os.environ["TAVUS_API_KEY"])}\n'
    source = route(f"requests.post({END}, headers=HEADERS)", head)
    assert fix_for(tmp_path, source, "bearer-auth") == source.replace(
        '{"Authorization": "Bearer {}".format(os.environ["TAVUS_API_KEY"])}', '{"x-api-key": os.environ["TAVUS_API_KEY"]}')


@pytest.mark.parametrize("value", [
    'f"Bearer {os.environ[\'TAVUS_API_KEY\']:>10}"',  # a format spec
    '"Bearer {}".format(key=os.environ["TAVUS_API_KEY"])',  # a keyword argument
    '"Token " + os.environ["TAVUS_API_KEY"]',  # not a Bearer value
    '"Bearer " - os.environ["TAVUS_API_KEY"]',
], ids=["format-spec", "format-keyword", "token", "not-add"])
def test_no_key_header_fix_for_a_value_that_is_not_bearer_and_the_key_alone(value: str, tmp_path: Path) -> None:
    source = route(f'requests.post({END}, headers={{"Authorization": {value}}})')
    root = write(tmp_path, {"package.json": PKG, PY: source})
    bearer = [f for f in findings(root, "TAV002") if f.kind == "bearer-auth"]
    assert all(f.fix is None for f in bearer)


# -- the key from the environment ---------------------------------------------------------------------
@pytest.mark.parametrize("value, after", [
    ('os.environ.get("OTHER") or ""', 'os.environ.get("TAVUS_API_KEY") or ""'),
    ("os.getenv('OTHER')", "os.getenv('TAVUS_API_KEY')"),
    ("key", "key"),  # through the name the dict uses
], ids=["get-or", "getenv-single", "through-name"])
def test_another_env_variable_is_renamed_in_its_own_quotes(value: str, after: str, tmp_path: Path) -> None:
    source = route(f'requests.post({END}, headers={{"X-Api-Key": {value}}})').replace(
        "        if not cid:", '        key = os.environ["OTHER"]\n        if not cid:')
    expected = source.replace(f'{{"X-Api-Key": {value}}}', f'{{"X-Api-Key": {after}}}')
    if value == "key":
        expected = expected.replace('key = os.environ["OTHER"]', 'key = os.environ["TAVUS_API_KEY"]')
    assert fix_for(tmp_path, source, "key-wrong-env") == expected


@pytest.mark.parametrize("literal, fixed", [
    ('r"abcdef0123456789"', True), ('u"abcdef0123456789"', True), ('b"abcdef0123456789"', False),
], ids=["raw", "unicode", "bytes"])
def test_a_key_literals_prefix_decides_whether_it_is_replaced(literal: str, fixed: bool, tmp_path: Path) -> None:
    source = route(f'requests.post({END}, headers={{"x-api-key": {literal}}})')
    root = write(tmp_path, {"package.json": PKG, PY: source})
    found = [f for f in findings(root, "TAV002") if f.kind == "hardcoded-key"]
    if not fixed:
        assert all(f.fix is None for f in found)
        return
    [finding] = found
    assert finding.fix is not None
    assert applied(root, finding.fix)[PY] == source.replace(literal, 'os.environ["TAVUS_API_KEY"]')


@pytest.mark.parametrize("head, old, new, read", [
    ("from os import environ as env\nimport requests\n", "", "", "env['TAVUS_API_KEY']"),
    ("import json\nimport requests\n", "import json\n", "import json\nimport os\n", "os.environ['TAVUS_API_KEY']"),
    ('"""End route."""\n', '"""End route."""\n', '"""End route."""\nimport os\n', "os.environ['TAVUS_API_KEY']"),
    ("# end route\n", "\nclass", "\nimport os\nclass", "os.environ['TAVUS_API_KEY']"),  # no import, no docstring
], ids=["environ-aliased", "after-sorted-import", "after-docstring", "nothing-before"])
def test_the_literal_key_is_read_through_os_in_the_files_quotes(head: str, old: str, new: str, read: str,
                                                               tmp_path: Path) -> None:
    call = "requests.post(f'https://tavusapi.com/v2/conversations/{cid}/end', headers={'x-api-key': 'abcdef0123456789'})"
    source = route(call, head).replace('"conversation_id"', "'conversation_id'")
    assert fix_for(tmp_path, source, "hardcoded-key") == source.replace(old, new, 1).replace("'abcdef0123456789'", read)
