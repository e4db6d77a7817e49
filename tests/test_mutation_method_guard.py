"""Which methods a Pages Router handler serves, read from its method guard (`rules/_method_guard.py`).

Each case is one check of that reader that the rule-level tests did not notice changing (found by
mutation testing). The guard decides TAV001/TAV002's POST handler and the client rules'
`method-not-served`: a method read as served that the guard refuses lets a route that answers
only GET pass as the end route; one read as refused fails a correct route; a guard that cannot be
read must stay `unknown`, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import index_for, write
from missing_id_probe import case_ids
from sop_check.context import app_evaluator
from sop_check.evaluate import Func
from sop_check_rules._method_guard import ALL, Guard, describe, pages_guard

PATH = "pages/api/tavus/end.ts"
REFUSE = "return res.status(405).end();"


def _guard(tmp_path: Path, body: str, params: str = "req: any, res: any", head: str = "",
           handler: str | None = None) -> Guard:
    source = head + (handler if handler is not None else
                     f"export default async function handler({params}) {{\n{body}\n  res.status(200).json({{}});\n}}\n")
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}', PATH: source})
    ev = app_evaluator(index_for(tmp_path))
    func = ev.module_export(PATH, "default")
    assert isinstance(func, Func), func
    return pages_guard(ev, func)


def _only(*methods: str, line: int = 2) -> Guard:
    return Guard(frozenset(methods), line=line)


def _but(*methods: str, line: int = 2) -> Guard:
    return Guard(ALL - frozenset(methods), line=line)


GUARDS = [
    # (the handler's first statements, the methods it serves)
    (f"  if (req.method !== 'POST') {REFUSE}", _only("POST")),
    (f"  if (req.method != 'POST') {REFUSE}", _only("POST")),
    (f"  if ('POST' !== req.method) {REFUSE}", _only("POST")),
    (f"  if (req.method === 'post') {{ res.json({{}}); return; }}\n  {REFUSE}", _only("POST")),
    (f"  if (req.method == 'POST') {{ }} else {REFUSE}", _only("POST")),
    (f"  if (req.method == 'POST') {{ }} else {{ {REFUSE} }}", _only("POST")),
    (f"  if (!(req.method === 'POST')) {REFUSE}", _only("POST")),
    (f"  if (req.method !== 'GET' && req.method !== 'POST') {REFUSE}", _only("GET", "POST")),
    (f"  if (req.method === 'GET' || req.method === 'POST') {{ }} else {REFUSE}", _only("GET", "POST")),
    (f"  if (req.method === 'GET') return res.json({{}});\n  if (req.method === 'POST') return res.json({{}});\n"
     f"  {REFUSE}", _only("GET", "POST")),
    ("  if (req.method !== 'POST') { res.status(405).end(); return; }", _only("POST")),
    (f"  if (req.method !== 'POST') {{ // only POST\n    {REFUSE}\n  }}", _only("POST")),
    ("  if (req.method !== 'POST') res.status(405).end();", _only("POST")),
    ("  if (req.method !== 'POST') throw new Error('no');", _only("POST")),
    ("  if (req.method !== 'POST') { throw new Error('no'); }", _only("POST")),
    ("  if (req.method === 'POST') return handle(req, res);", Guard(ALL, line=2)),
    ("  if (req.method === 'GET') return res.status(404).end();", _but("GET")),
    # a 4xx refuses, any other status serves
    ("  if (req.method !== 'POST') return res.status(399).end();", Guard(ALL, line=2)),
    ("  if (req.method !== 'POST') return res.status(400).end();", _only("POST")),
    ("  if (req.method !== 'POST') return res.status(499).end();", _only("POST")),
    ("  if (req.method !== 'POST') return res.status(500).end();", Guard(ALL, line=2)),
    ("  if (req.method !== 'POST') return res.status(4.05e2).end();", Guard(ALL, line=2)),
    # the method kept in a name
    (f"  const m = req.method;\n  if (m !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  const m = req?.method.toUpperCase();\n  if (m !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  const m = (req.method).toUpperCase();\n  if (m !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  const m = req!.method;\n  if (m !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  if (req.method.toUpperCase() !== 'POST') {REFUSE}", _only("POST")),
    (f"  const {{ method }} = req;\n  if (method !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  const {{ method: verb }} = req;\n  if (verb !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  let a = 1, m = req.method;\n  if (m !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  var m = req.method;\n  if (m !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  let x;\n  const m = req.method;\n  if (m !== 'POST') {REFUSE}", _only("POST", line=4)),
    (f"  const {{ method }} = other;\n  if (method !== 'POST') {REFUSE}", Guard(None)),
    (f"  const {{ body }} = req;\n  if (req.method !== 'POST') {REFUSE}", _only("POST", line=3)),
    (f"  if (req .method !== 'POST') {REFUSE}", _only("POST")),
    (f"  const {{ body }} = req;\n  if (body !== 'POST') {REFUSE}", Guard(None)),
    (f"  const m = req.body;\n  if (m !== 'POST') {REFUSE}", Guard(None)),
    (f"  let m;\n  if (m !== 'POST') {REFUSE}", Guard(None)),
    # allow-lists
    (f"  if (!['POST', 'PUT'].includes(req.method)) {REFUSE}", _only("POST", "PUT")),
    (f"  const ALLOWED = ['POST'] as const;\n  if (!ALLOWED.includes(req.method)) {REFUSE}", _only("POST", line=3)),
    (f"  const ALLOWED = ['PUT'] satisfies string[];\n  if (!ALLOWED.includes(req.method)) {REFUSE}", _only("PUT", line=3)),
    # switch
    ("  switch (req.method) {\n    case 'POST': break;\n    case 'GET': return res.status(405).end();\n  }",
     _but("GET", line=2)),
    ("  switch (req.method) {\n    case 'POST': break;\n    default: return res.status(405).end();\n  }",
     _only("POST")),
    ("  switch (req.method) {\n    case 'GET':\n    case 'POST': return res.json({});\n"
     "    default: return res.status(405).end();\n  }", _only("GET", "POST")),
    ("  switch (req.method) {\n    case 'GET': log();\n    case 'POST': break;\n"
     "    default: return res.status(405).end();\n  }", _only("GET", "POST")),
    ("  switch (req.method) {\n    case 'GET': log();\n    case 'PUT': return res.status(405).end();\n"
     "    default: break;\n  }", _but("GET", "PUT")),  # GET falls through into PUT's refusal
    ("  switch (req.method) {\n    case 'PUT': return res.status(405).end();\n    case 'GET': break;\n"
     "    default: break;\n  }", _but("PUT")),
    ("  switch (req.method) {\n    default: return res.status(405).end();\n    case 'POST': break;\n  }",
     _only("POST")),
    ("  switch (req.method) {\n    case 'POST': // the end\n      break;\n"
     "    default: return res.status(405).end();\n  }", _only("POST")),
    ("  switch (req.method) {\n    case 'GET': return res.status(405).end();\n    case 'POST':\n  }",
     _but("GET")),
    # nested blocks
    (f"  try {{ if (req.method !== 'POST') {{ {REFUSE} }} }} catch (e) {{ return; }}", _only("POST")),
    (f"  {{ if (req.method !== 'POST') {REFUSE} }}", _only("POST")),
    (f"  switch (reason) {{\n    case 'x': break;\n  }}\n  if (req.method !== 'POST') {REFUSE}", _only("POST", line=5)),
    (f"  if (req.method === 'GET') return res.json({{}});\n  try {{ if (req.method !== 'POST') {REFUSE} }} catch {{ }}",
     _only("GET", "POST")),
    (f"  if (req.method === 'GET') return res.json({{}});\n  {{ if (req.method !== 'POST') {REFUSE} }}",
     _only("GET", "POST")),
    (f"  log('start');\n  if (req.method !== 'POST') {REFUSE}", _only("POST", line=3)),
    # once no method is left, nothing after is read
    (f"  if (req.method !== 'POST') {REFUSE}\n  if (req.method !== 'GET') {REFUSE}\n  log(req.method);",
     Guard(frozenset(), line=2)),
    (f"  if (req.method !== 'POST') {REFUSE}\n  log(req.method);", Guard(None, f"{PATH}:2: the method guard "
                                                                           "`log(req.method);` could not be read", 2)),
    # the method read inside a callback is not a guard of the handler
    ("  const later = () => req.method;", Guard(None)),
    ("  log(req.body);", Guard(None)),
    ("", Guard(None)),
]


@pytest.mark.parametrize("body, expected", GUARDS, ids=case_ids(GUARDS))
def test_the_methods_a_guard_serves(tmp_path: Path, body: str, expected: Guard) -> None:
    assert _guard(tmp_path, body) == expected


UNDECIDED = [
    # (the handler's first statements, the text named as the guard that could not be read)
    (f"  if (isAllowed(req.method)) {REFUSE}", "isAllowed(req.method)"),
    (f"  if (req.method.startsWith('P')) {REFUSE}", "req.method.startsWith('P')"),
    (f"  if (req.method !== other) {REFUSE}", "other"),
    (f"  if (req.method !== `P${{x}}`) {REFUSE}", "`P${x}`"),
    (f"  if (req.method > 'POST') {REFUSE}", "req.method > 'POST'"),
    (f"  if (req.method !== 'POST' && !isAdmin(req)) {REFUSE}", "isAdmin(req)"),
    (f"  if (['POST'].indexOf(req.method) < 0) {REFUSE}", "['POST'].indexOf(req.method) < 0"),
    (f"  if (!['POST'].indexOf(req.method)) {REFUSE}", "['POST'].indexOf(req.method)"),
    (f"  if (!['POST'].includes(req.method, 1)) {REFUSE}", "['POST'].includes(req.method, 1)"),
    (f"  if (!list().includes(req.method)) {REFUSE}", "list()"),
    (f"  if (!LIST.includes(req.method)) {REFUSE}", "LIST"),
    (f"  if (!includes(req.method)) {REFUSE}", "includes(req.method)"),
    (f"  if (!x.includes(req.method)) {REFUSE}", "x"),
    ("  switch (req.method) {\n    case other: break;\n    default: return res.status(405).end();\n  }", "other"),
    ("  log(req.method);", "log(req.method);"),
    ("  const verb = req.method + '';", "const verb = req.method + '';"),
    ("  const verb = req.method + ' and a suffix long enough to be cut at sixty';",
     "const verb = req.method + ' and a suffix long enough to be cut at sixty';"[:60]),
]


@pytest.mark.parametrize("body, named", UNDECIDED, ids=case_ids(UNDECIDED))
def test_a_guard_that_cannot_be_read_is_named(tmp_path: Path, body: str, named: str) -> None:
    assert _guard(tmp_path, body, head="let x: any;\n") == \
        Guard(None, f"{PATH}:3: the method guard `{named}` could not be read", 3)


REQUEST_PARAMS = [
    ("req?: any, res?: any", _only("POST")),
    ("{ method }: any, res: any", _only("POST")),
    ("{ method: verb }: any, res: any", _only("POST")),
    ("{ body }: any, res: any", Guard(None)),
    ("[req]: any, res: any", Guard(None)),
    ("", Guard(None)),
]


@pytest.mark.parametrize("params, expected", REQUEST_PARAMS, ids=case_ids(REQUEST_PARAMS))
def test_the_request_parameter_names_the_method(tmp_path: Path, params: str, expected: Guard) -> None:
    verb = "verb" if "verb" in params else "method" if "method" in params else "req.method"
    assert _guard(tmp_path, f"  if ({verb} !== 'POST') {REFUSE}", params) == expected


def test_only_the_first_parameter_is_the_request(tmp_path: Path) -> None:
    assert _guard(tmp_path, f"  if (res.method !== 'POST') {REFUSE}", "req: any, res: any") == Guard(None)


BARE_HANDLERS = [
    "export default (req: any, res: any) => req.method === 'POST' ? res.json({}) : res.status(405).end();\n",
    "export default function handler(req: any, res: any);\nexport default function handler(req: any, res: any) {}\n",
]


@pytest.mark.parametrize("handler", BARE_HANDLERS, ids=case_ids(BARE_HANDLERS))
def test_a_handler_without_a_block_body_has_no_guard(tmp_path: Path, handler: str) -> None:
    assert _guard(tmp_path, "", handler=handler) == Guard(None)


def test_a_bare_arrow_handler_names_the_request_without_parentheses(tmp_path: Path) -> None:
    handler = "export default async req => {\n  if (req.method !== 'POST') throw new Error('no');\n};\n"
    assert _guard(tmp_path, "", handler=handler) == _only("POST")


def test_each_handler_has_its_own_guard(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}',
                     "pages/api/a.ts": f"export default function a(req: any, res: any) {{\n  if (req.method !== 'GET') {REFUSE}\n}}\n",
                     "pages/api/b.ts": f"export default function b(req: any, res: any) {{\n  if (req.method !== 'PUT') {REFUSE}\n}}\n"})
    ev = app_evaluator(index_for(tmp_path))
    a, b = ev.module_export("pages/api/a.ts", "default"), ev.module_export("pages/api/b.ts", "default")
    assert isinstance(a, Func) and isinstance(b, Func)
    assert (pages_guard(ev, a), pages_guard(ev, b)) == (_only("GET"), _only("PUT"))


def test_a_guard_in_a_javascript_handler(tmp_path: Path) -> None:
    handler = f"export default function handler(req, res) {{\n  if (req.method !== 'POST') {REFUSE}\n}}\n"
    assert _guard(tmp_path, "", handler=handler) == _only("POST")


def test_the_guard_is_read_once_per_handler(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"next": "15.0.0"}}',
                     PATH: f"export default function handler(req: any, res: any) {{\n  if (req.method !== 'POST') {REFUSE}\n}}\n"})
    ev = app_evaluator(index_for(tmp_path))
    func = ev.module_export(PATH, "default")
    assert isinstance(func, Func)
    first = pages_guard(ev, func)
    assert first == _only("POST") and pages_guard(ev, func) is first


DESCRIBE_CASES = [
    (_only("POST", "GET", line=4), None, "its method guard (line 4) answers only GET, POST"),
    (_only("GET", line=7), "pages/api/x.ts", "the method guard of pages/api/x.ts (line 7) answers only GET"),
    (Guard(frozenset(), line=2), None, "its method guard (line 2) answers no method"),
    (Guard(None, line=3), None, "its method guard (line 3) answers no method"),
]


@pytest.mark.parametrize("guard, path, text", DESCRIBE_CASES, ids=case_ids(DESCRIBE_CASES))
def test_describe(guard: Guard, path: str | None, text: str) -> None:
    assert describe(guard, path) == text
