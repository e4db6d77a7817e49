"""Which expressions are the end route's conversation id (`rules/_id_expr.py`) and the source text
of a validation schema (`rules/_schema_source.py`), for TAV002's "the 400 must answer a missing id".

Each case is one check of those readers that a rule-level test did not notice changing (found by
mutation testing): an id the reader lost would turn the SOP's own guard into `no-400`; a name taken
for the id that is not one would let a 400 on another field pass the gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import verdicts, write
from missing_id_probe import Probe, ROUTE, case_ids, value_of
from sop_check.model import Status
from sop_check_rules._id_expr import call_name, string_of, unwrap
from sop_check_rules._schema_source import schema_source
from test_missing_id import PKG, route

COPIES = "".join(f"  const c{i} = {'conversation_id' if i == 1 else f'c{i - 1}'};\n" for i in range(1, 8))

IS_ID = [
    # (statements before the test, the expression, is it the id)
    ("", "conversation_id", True),
    ("", "reason", False),
    ("  const { conversation_id: cid } = body;\n", "cid", True),
    ("  const { reason: cid } = body;\n", "cid", False),
    ("  const cid = body.conversation_id;\n", "cid", True),
    ("  const cid = body.reason;\n", "cid", False),
    ("  let cid;\n", "cid", False),
    ("  const [cid] = body.conversation_id;\n", "cid", False),  # its first character, not the id
    (COPIES, "c6", True),
    (COPIES, "c7", False),  # seven copies deep: past the reader's depth
    (COPIES, "c5.trim()", True),  # the call is one level more
    (COPIES, "c6.trim()", False),
    (COPIES, "reason ?? c5", True),  # so is each side of ??
    (COPIES, "reason ?? c6", False),
    ("", "undeclared", False),
    ("", "body.conversation_id", True),
    ("", "body?.conversationId", True),
    ("", "body.reason", False),
    ("", "body['conversation_id']", True),
    ("", "body[\"conversationId\"]", True),
    ("", "body['reason']", False),
    ("", "body[reason]", False),
    ("", "new URL(request.url).searchParams.get('conversation_id')", True),
    ("", "form.getAll('conversationId')", True),
    ("", "form.get('reason')", False),
    ("", "form.get(reason)", False),
    ("", "form.get()", False),
    ("", "form.has('conversation_id')", False),
    ("", "conversation_id.trim()", True),
    ("", "conversation_id?.toString()", True),
    ("", "body.conversationId.toLowerCase()", True),
    ("", "reason.trim()", False),
    ("", "trim(conversation_id)", False),
    ("", "conversation_id.split(',')", False),
    ("", "String(conversation_id)", True),
    ("", "String(reason)", False),
    ("", "String()", False),
    ("", "Number(conversation_id)", False),
    (COPIES, "String(String(String(String(String(String(conversation_id))))))", True),
    (COPIES, "String(String(String(String(String(String(String(conversation_id)))))))", False),
    ("", "reason ?? conversation_id", True),
    ("", "body.conversation_id || reason", True),
    ("", "reason || ''", False),
    ("", "conversation_id && reason", False),
    ("", "conversation_id + ''", False),
    ("", "42", False),
    # What wraps the id without changing it.
    ("", "(conversation_id)", True),
    ("", "conversation_id!", True),
    ("", "conversation_id as string", True),
    ("", "conversation_id satisfies string", True),
    ("", "await conversation_id", True),
    ("", "<string>conversation_id", True),
    ("", "<string>reason", False),
    ("", "(/* the id */ conversation_id)", True),
]


@pytest.mark.parametrize("before, expr, expected", IS_ID, ids=case_ids(IS_ID))
def test_is_id(tmp_path: Path, before: str, expr: str, expected: bool) -> None:
    probe = Probe(tmp_path, before + f"  if ({expr}) return null;\n")
    assert probe.reader().is_id(probe.condition(), probe.mod) is expected


HELPERS = [
    # (the handler's call, the helper, is the helper's `cid` the id)
    ("  check(conversation_id);\n", "function check(cid: string) { if (cid) return 1; }\n", True),
    ("  check(reason);\n", "function check(cid: string) { if (cid) return 1; }\n", False),
    ("  check(1, conversation_id);\n", "function check(a: number, cid: string) { if (cid) return 1; }\n", True),
    ("  check(conversation_id);\n", "function check(a: string, cid?: string) { if (cid) return 1; }\n", False),
    ("  check(reason);\n  check(conversation_id);\n", "function check(cid: string) { if (cid) return 1; }\n", True),
    ("  check(String(conversation_id));\n", "const check = (cid = '') => { if (cid) return 1; };\n", True),
    ("  check(conversation_id);\n", "const check = cid => { if (cid) return 1; };\n", True),
    ("  check(conversation_id);\n", "function check(/* the id */ cid: string) { if (cid) return 1; }\n", True),
    ("  check(body);\n", "function check({ conversation_id: cid }: any) { if (cid) return 1; }\n", True),
    ("  check(body);\n", "function check({ reason: cid }: any) { if (cid) return 1; }\n", False),
    ("", "function check(cid: string) { if (cid) return 1; }\n", False),  # never called
    ("  const u = new URL(request.url);\n  check(conversation_id);\n",
     "function check(cid: string) { if (cid) return 1; }\n", True),
    ("  check(reason);\n  wrap();\n", "function check(cid: string) { if (cid) return 1; }\n"
     "function wrap() { return check(conversation_id); }\n", True),  # a caller reached after the helper
    ("  const runner = make(check);\n  runner(conversation_id);\n", "function check(cid: string) { if (cid) return 1; }\n"
     "function make(fn: any) { return (v: string) => fn(v); }\n", True),  # called through a closure's `fn`
    (COPIES + "  check(c5);\n", "function check(cid: string) { if (cid) return 1; }\n", True),
    (COPIES + "  check(c6);\n", "function check(cid: string) { if (cid) return 1; }\n", False),  # too deep
    # a call of the helper from itself is not a caller that fills it with the id
    ("  check(reason);\n", "function check(cid: string): any { if (cid) return 1; return check(conversation_id); }\n"
     "const conversation_id = 'x';\n", False),
]


@pytest.mark.parametrize("call, helper, expected", HELPERS, ids=case_ids(HELPERS))
def test_a_helpers_parameter_is_the_id_when_a_caller_passes_the_id(tmp_path: Path, call: str, helper: str,
                                                                   expected: bool) -> None:
    probe = Probe(tmp_path, call, tail=helper)
    assert probe.reader().is_id(probe.condition(), probe.mod) is expected


def test_a_helper_written_as_a_bare_arrow_answers_the_missing_id(tmp_path: Path) -> None:
    """`id => …` has no `parameters` node: its parameter was never matched to the caller's id, so
    the SOP's guard moved into such a helper failed as `no-400` (a false fail)."""
    check = "  const stop = need(conversation_id);\n  if (stop) return stop;\n"
    need = "const need = cid => (!cid ? Response.json({ error: 'Missing ID' }, { status: 400 }) : null);\n"
    write(tmp_path, {"package.json": PKG, ROUTE: route(check, need)})
    got = verdicts(tmp_path, "TAV002")["TAV002"]
    assert got.status is Status.PASS, (got.findings, got.unresolved)
    assert [(e.location.line, e.message) for e in got.evidence if "400" in e.message] == [
        (3, "400 answer when the id is missing")]


LENGTHS = [
    ("conversation_id.length", True),
    ("(conversation_id!).length", True),
    ("body.conversationId?.length", True),
    ("reason.length", False),
    ("conversation_id.size", False),
    ("conversation_id", False),
    ("length", False),
]


@pytest.mark.parametrize("expr, expected", LENGTHS, ids=case_ids(LENGTHS))
def test_length_of_id(tmp_path: Path, expr: str, expected: bool) -> None:
    probe = Probe(tmp_path, f"  if ({expr}) return null;\n")
    assert probe.reader().length_of_id(probe.condition(), probe.mod) is expected


def test_the_small_readers(tmp_path: Path) -> None:
    probe = Probe(tmp_path, "  const s = 'conversation_id';\n  const t = `x`;\n  const f = a?.b.get(1);\n"
                            "  const g = (((x)));\n")
    assert string_of(value_of(probe, "s"), probe.mod) == "conversation_id"
    assert string_of(value_of(probe, "t"), probe.mod) == ""
    assert call_name(value_of(probe, "f"), probe.mod) == "get"
    assert probe.mod.text(unwrap(value_of(probe, "g"))) == "x"


SCHEMAS = "\n".join([
    "import { z } from 'zod';",
    "import * as S from '../../../../lib/schemas';",
    "import { Remote } from '../../../../lib/schemas';",
    "import { Missing } from 'some-package';",
    "const Shape = { conversation_id: Id };",
    "const Id = z.string();",
    "const EndBody = z.object(Shape);",
    "const Lazy = z.lazy(() => Lazy);",
    "const A = z.object({ a: B });",
    "const B = z.object({ b: C });",
    "const C = z.object({ c: D });",
    "const D = z.object({ d: E });",
    "const E = z.string();",
    "const Holder = { Inner: z.object({}) };",
    "",
])
LIB = ("import { z } from 'zod';\nconst RemoteId = z.string();\n"
       "export const Remote = z.object({ conversationId: RemoteId });\nexport const Other = z.object({});\n")


SOURCES = [
    ("EndBody", "EndBody = z.object(Shape)\nShape = { conversation_id: Id }\nId = z.string()"),
    ("(EndBody)", "EndBody = z.object(Shape)\nShape = { conversation_id: Id }\nId = z.string()"),
    ("Lazy", "Lazy = z.lazy(() => Lazy)"),  # its own name is not followed again
    ("A", "A = z.object({ a: B })\nB = z.object({ b: C })\nC = z.object({ c: D })\nD = z.object({ d: E })"),
    ("z.object({ conversation_id: Id })", "z.object({ conversation_id: Id })\nId = z.string()"),
    ("Remote", "Remote = z.object({ conversationId: RemoteId })\nRemoteId = z.string()"),
    ("S.Remote", "Remote = z.object({ conversationId: RemoteId })\nRemoteId = z.string()"),
    ("S.Other", "Other = z.object({})"),
    ("Missing", None),  # from a package: not read
    ("Undeclared", None),
    ("Holder.Inner", None),  # a property of a local object: only a namespace import is followed
    ("S.Remote.shape", None),
    ("request", None),  # a parameter
]


@pytest.mark.parametrize("expr, expected", SOURCES, ids=case_ids(SOURCES))
def test_schema_source(tmp_path: Path, expr: str, expected: str | None) -> None:
    probe = Probe(tmp_path, f"  const probe = {expr};\n", SCHEMAS, files={"lib/schemas.ts": LIB})
    assert schema_source(probe.ev, value_of(probe, "probe"), probe.mod) == expected


def test_a_schema_names_at_most_forty_names_to_follow(tmp_path: Path) -> None:
    fields = ", ".join(f"f{i}: z.string()" for i in range(37))  # `Big`, `z`, 37 times `z`, then `Id`: 40
    head = f"import {{ z }} from 'zod';\nconst Id = z.string();\nconst Big = z.object({{ {fields}, id: Id }});\n"
    short = f"import {{ z }} from 'zod';\nconst Id = z.string();\nconst Big = z.object({{ {fields}, f: z, id: Id }});\n"
    probe = Probe(tmp_path / "40", "  const probe = Big;\n", head)
    assert schema_source(probe.ev, value_of(probe, "probe"), probe.mod).endswith("\nId = z.string()")
    probe = Probe(tmp_path / "41", "  const probe = Big;\n", short)
    assert "\nId =" not in schema_source(probe.ev, value_of(probe, "probe"), probe.mod)
