"""Is the end route's 400 the answer to a missing conversation id? (TAV002, TypeScript / JavaScript)

A 400 counts when it is reached *because* the id is missing or empty:
- under a test that holds then: `!id`, `!id?.trim()`, `!id?.length`, `id == null`, `id === undefined`,
  `typeof id !== 'string'`,
  `!('conversation_id' in body)`, `!isValidId(id)`, a failed `safeParse` / `validate` of a schema that
  names the id as required (zod, valibot, yup, joi); `||` of such tests, `&&` of such tests only;
- in the `else` of a test that fails then (`if (id) {…} else return 400`), or after an `if` that
  returns when the id is present;
- in the `catch` of a `try` that throws then: a missing-id test before a `throw`, a schema's `.parse()`;
- in a helper (`badRequest()`), where some call of it is under such a test.

An id is a name or property in the pack's `id-fields` (`conversation_id`, `conversationId`), a
variable read from one (`const { conversation_id: cid } = body`, `searchParams.get('conversation_id')`),
or a helper's parameter that its callers fill with one. A 400 reached only when the body is not
JSON (the `catch` of `await request.json()`), when Tavus fails, or on any error is not the answer.
A test that calls the project's own validator on the whole body (`if (!isValid(body))`) cannot be
decided here: it is reported as unresolved, never taken as a pass.

Which expressions are the id is `_id_expr.py`; reading a schema's source across modules is
`_schema_source.py`.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any, Iterator

from sop_check.evaluate import Evaluator, Func, VarBinding, call_args
from sop_check.jsmodule import FUNCTION_TYPES, Module, descendants
from sop_check.records import record

from sop_check_rules._id_expr import IdReader, call_name, string_of, unwrap
from sop_check_rules._schema_source import schema_source

MISSING, PRESENT = True, False  # what a test must say when the id is missing for the branch to be reached
# Predicates true for a missing value (lodash's isEmpty/isNil, validator's isEmpty, `isBlank(id)`):
# read as validators, `if (!isEmpty(id)) return 400` answered a present id and passed the gate.
# The word ends the name or a camelCase/snake_case part (`isNullOrEmpty`), not a longer word
# (`invalidateCache`, `nullify`).
_TRUE_WHEN_MISSING = re.compile(r"(?:is|check)?_?(?:empty|nil|null|undefined|blank|missing|absent|invalid|falsy)"
                                r"(?-i:(?![a-z]))", re.IGNORECASE)
_SCHEMA_CALLS = frozenset({"safeParse", "safeParseAsync", "validate", "validateSync", "spa"})
_THROWING_PARSE = frozenset({"parse", "parseAsync", "validateSync", "assert"})
_OPTIONAL = re.compile(r"\.(?:optional|nullish|nullable|default)\(|\.notRequired\(|\.allow\(\s*['\"]{2}")
_MAX_DEPTH = 4
_EXITS = ("return_statement", "throw_statement")


@record
class IdAnswer:
    """Where the 400 for a missing id is (None: not found) and the tests that could not be decided."""

    where: Any = None  # (module, status node)
    unresolved: list[str] = field(default_factory=list)


def find_missing_id_400(ev: Evaluator, functions: list[Func], ids: list[str]) -> IdAnswer:
    """The first 400 of the handler (functions[0]) and the functions it reaches that is the answer
    to a missing id; else the undecided tests that could make one so."""
    check = _Check(ev, functions, ids)
    undecided: list[str] = []
    for func in functions:
        for num in status_400(func):
            reached = check.reached_when_missing(num, func, 0)
            if reached is True:
                return IdAnswer((func.module, num), [])
            if reached is None:
                undecided.append(f"{func.module.location(num)}: whether this 400 answers a missing id "
                                 f"({'; '.join(check.why[-1:]) or 'a test that could not be decided'})")
    return IdAnswer(None, undecided)


def status_400(func: Func) -> Iterator[Any]:
    """`{ status: 400 }`, `res.status(400)`, `statusCode = 400`, `new HttpError(400)` inside the function
    (nested functions included: a callback's 400 is still this handler's)."""
    mod = func.module
    for num in descendants(func.node, frozenset({"number"})):
        if mod.text(num) == "400" and not mod.in_error(num) and is_status(num, mod):
            yield num


def is_status(num: Any, mod: Module) -> bool:
    parent = num.parent
    if parent is None:
        return False
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return key is not None and mod.text(key).strip("'\"") in ("status", "statusCode")
    if parent.type == "arguments" and parent.parent is not None:
        call = parent.parent
        fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
        return fn is not None and re.search(r"(status|sendStatus|writeHead|error|json|Error|Exception)$",
                                            mod.text(fn)) is not None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return left is not None and mod.text(left).endswith("statusCode")
    return False


class _Check:
    def __init__(self, ev: Evaluator, functions: list[Func], ids: list[str]) -> None:
        self.ev = ev
        self.functions = functions
        self.ids = list(ids)
        self.id_words = re.compile(r"(?<![\w$])(?:" + "|".join(re.escape(i) for i in ids) + r")(?![\w$])") \
            if ids else re.compile(r"(?!)")
        self.why: list[str] = []
        self.idr = IdReader(ev, functions, ids)

    # -- where the 400 sits ----------------------------------------------------
    def reached_when_missing(self, node: Any, func: Func, depth: int) -> bool | None:
        mod = func.module
        undecided = False
        n = node
        while n.parent is not None and n.id != func.node.id:
            p = n.parent
            found = self._branch(n, p, mod)
            if found is True:
                return True
            undecided = undecided or found is None
            if p.type in FUNCTION_TYPES and p.id != func.node.id:
                break  # a callback inside the handler: its own call decides, followed below only for helpers
            n = p
        if depth < _MAX_DEPTH and func is not self.functions[0]:
            for call, caller in self.idr.calls_of(func):
                found = self.reached_when_missing(call, caller, depth + 1)
                if found is True:
                    return True
                undecided = undecided or found is None
        return None if undecided else False

    def _branch(self, n: Any, p: Any, mod: Module) -> bool | None:
        t = p.type
        if t in ("if_statement", "ternary_expression"):
            cond = p.child_by_field_name("condition")
            if cond is None or n.id == cond.id:
                return False
            alternative = p.child_by_field_name("alternative")
            return self.test(cond, mod, MISSING if alternative is None or n.id != alternative.id else PRESENT)
        if t == "binary_expression":
            op = p.child_by_field_name("operator")
            left, right = p.child_by_field_name("left"), p.child_by_field_name("right")
            if op is None or left is None or right is None or n.id != right.id:
                return False
            if op.type == "&&":
                return self.test(left, mod, MISSING)
            if op.type in ("||", "??"):
                return self.test(left, mod, PRESENT)
            return False
        if t == "catch_clause" and p.parent is not None:
            return self._try_throws_when_missing(p.parent, mod)
        if t in ("statement_block", "switch_case", "switch_default"):  # a case's statements have no block
            return self._after_present_exit(n, p, mod)
        return False

    def _after_present_exit(self, n: Any, block: Any, mod: Module) -> bool:
        """`if (id) { …; return ok } return bad(400)`: an earlier `if` leaves whenever the id is there."""
        for sib in block.named_children:
            if sib.id == n.id:
                return False
            if sib.type != "if_statement" or sib.child_by_field_name("alternative") is not None:
                continue
            cond, body = sib.child_by_field_name("condition"), sib.child_by_field_name("consequence")
            if cond is not None and body is not None and _always_exits(body) and \
                    self.test(cond, mod, PRESENT) is True:
                return True
        return False

    def _try_throws_when_missing(self, try_node: Any, mod: Module) -> bool | None:
        body = try_node.child_by_field_name("body")
        if body is None:
            return False
        undecided = False
        for throw in descendants(body, frozenset({"throw_statement"})):
            n = throw
            while n.parent is not None and n.id != body.id and n.type not in FUNCTION_TYPES:
                found = self._branch(n, n.parent, mod)
                if found is True:
                    return True
                undecided = undecided or found is None
                n = n.parent
        for call in descendants(body, frozenset({"call_expression"})):
            fn = call.child_by_field_name("function")
            if fn is None or fn.type != "member_expression":
                continue
            prop = fn.child_by_field_name("property")
            obj = fn.child_by_field_name("object")
            if prop is not None and obj is not None and mod.text(prop) in _THROWING_PARSE and \
                    mod.text(obj) != "JSON":
                found = self._schema_requires_id(obj, mod)
                if found is True:
                    return True
                undecided = undecided or found is None
        return None if undecided else False

    # -- tests ---------------------------------------------------------------
    def test(self, cond: Any, mod: Module, missing: bool, depth: int = 0) -> bool | None:
        """Does `cond` come out `missing` (True: the id is missing) whenever the id is missing?"""
        node = unwrap(cond)
        if depth > 8:
            return None
        t = node.type
        if t == "unary_expression":
            op = node.child_by_field_name("operator")
            arg = node.child_by_field_name("argument")
            if op is not None and op.type == "!" and arg is not None:
                return self.test(arg, mod, not missing, depth + 1)
            return False
        if t == "binary_expression":
            return self._binary(node, mod, missing, depth)
        if missing is PRESENT and (self.idr.is_id(node, mod) or self.idr.length_of_id(node, mod)):
            return True  # `if (id)`, `if (id?.length)`: false when the id is missing
        if t == "call_expression":
            return self._call_test(node, mod, missing)
        if t in ("member_expression", "identifier"):
            found = self._result_test(node, mod, missing)
            if found is not False or t != "identifier":
                return found
            # `const missing = !body.conversation_id; if (missing) …`
            decl = self.ev.find_decl(mod.text(node), node, mod)
            pattern = decl.node.child_by_field_name("name") if isinstance(decl, VarBinding) else None
            value = decl.node.child_by_field_name("value") if isinstance(decl, VarBinding) else None
            if pattern is not None and pattern.type == "identifier" and value is not None:
                return self.test(value, mod, missing, depth + 1)
        return False

    def _binary(self, node: Any, mod: Module, missing: bool, depth: int) -> bool | None:
        op = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op is None or left is None or right is None:
            return False
        o = op.type
        if o in ("||", "&&"):
            a, b = self.test(left, mod, missing, depth + 1), self.test(right, mod, missing, depth + 1)
            # `a || b` is true when either is; `a && b` is false when either is.
            either = (o == "||") == (missing is MISSING)
            if either:
                return True if True in (a, b) else None if None in (a, b) else False
            return True if a is True and b is True else None if None in (a, b) and False not in (a, b) else False
        if o == "in":
            return missing is PRESENT and left.type == "string" and string_of(left, mod) in self.ids
        if o in ("==", "===", "!=", "!=="):
            equal = o in ("==", "===")
            for side, other in ((left, right), (right, left)):
                if side.type == "unary_expression" and mod.text(side).startswith("typeof"):
                    arg = side.child_by_field_name("argument")
                    kind = string_of(other, mod) if other.type == "string" else None
                    if arg is None or kind is None or not self.idr.is_id(arg, mod):
                        continue
                    # typeof id !== 'string' holds for a missing id; typeof id === 'undefined' too.
                    return (equal == (kind == "undefined")) == (missing is MISSING)
                # A missing key is undefined: `== null`, `== undefined`, `=== undefined` see it;
                # `=== null` and `=== ''` do not (alone).
                literal = mod.text(other).strip()
                nullish = literal == "undefined" or (literal == "null" and o in ("==", "!="))
                if nullish and self.idr.is_id(side, mod):
                    return equal == (missing is MISSING)
            return False
        return False

    def _call_test(self, call: Any, mod: Module, missing: bool) -> bool | None:
        """`isValidId(id)`, `body.hasOwnProperty('conversation_id')`: true for a present, valid id."""
        fn = call.child_by_field_name("function")
        args = call_args(call)
        name = mod.text(fn).rsplit(".", 1)[-1] if fn is not None else ""
        if name in ("hasOwnProperty", "hasOwn", "has") and any(
                a.type == "string" and string_of(a, mod) in self.ids for a in args):
            return missing is PRESENT
        if any(self.idr.is_id(a, mod) for a in args):
            if _TRUE_WHEN_MISSING.match(name):
                return missing is MISSING  # `isEmpty(id)`: true for a missing id, unlike a validator
            return missing is PRESENT  # a validator of the id is false for a missing one
        if any(self._request_data(a, mod) for a in args):
            self.why.append(f"`{mod.text(call)[:60]}` checks the request with code not followed here")
            return None
        return False

    def _request_data(self, node: Any, mod: Module) -> bool:
        """The request's body or query (`body` from `await req.json()`, `req.body`): a check of it may
        check the id too."""
        node = unwrap(node)
        text = mod.text(node)
        if node.type == "identifier":
            decl = self.ev.find_decl(text, node, mod)
            value = decl.node.child_by_field_name("value") if isinstance(decl, VarBinding) else None
            text = mod.text(value) if value is not None else ""
        return re.search(r"\.json\(\)|\.body\b|searchParams|formData\(\)|\.query\b", text) is not None

    def _result_test(self, node: Any, mod: Module, missing: bool) -> bool | None:
        """`!parsed.success` (safeParse), `if (error)` / `result.error` (validate): a schema's verdict."""
        prop = node.child_by_field_name("property") if node.type == "member_expression" else None
        base = node.child_by_field_name("object") if prop is not None else node
        want = mod.text(prop) if prop is not None else mod.text(node)
        if want not in ("success", "error", "errors", "issues") or base is None:
            return False
        call = self._schema_call(base, mod)
        if call is None:
            return False
        if (want == "success") != (missing is PRESENT):
            return False  # `if (parsed.success) return 400` is not the failure branch
        fn = call.child_by_field_name("function")
        schema = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
        if schema is None or mod.text(schema) in ("v", "valibot"):  # valibot: safeParse(Schema, input)
            args = call_args(call)
            schema = args[0] if args else None
        return self._schema_requires_id(schema, mod) if schema is not None else None

    def _schema_call(self, base: Any, mod: Module) -> Any:
        """The `X.safeParse(...)` / `X.validate(...)` call a result variable holds, or None."""
        node = unwrap(base)
        if node.type == "call_expression":
            return node if call_name(node, mod) in _SCHEMA_CALLS else None
        if node.type != "identifier":
            return None
        decl = self.ev.find_decl(mod.text(node), node, mod)
        if not isinstance(decl, VarBinding):
            return None
        value = decl.node.child_by_field_name("value")
        if value is None:
            return None
        value = unwrap(value)
        if value.type == "call_expression" and call_name(value, mod) in _SCHEMA_CALLS:
            return value
        return None

    def _schema_requires_id(self, schema: Any, mod: Module) -> bool | None:
        """Does the schema's source name the id as a required key? None when its source is not found."""
        text = schema_source(self.ev, schema, mod)
        if text is None:
            self.why.append(f"the schema `{mod.text(schema)[:40]}` could not be read")
            return None
        for m in self.id_words.finditer(text):
            tail = text[m.end():m.end() + 200].split("\n", 1)[0]
            if re.match(r"\s*['\"]?\s*:", tail) and not _OPTIONAL.search(tail.split(",", 1)[0]):
                return True
        return False









def _always_exits(body: Any) -> bool:
    if body.type in _EXITS:
        return True
    if body.type == "statement_block":
        stmts = [c for c in body.named_children if c.type != "comment"]
        return bool(stmts) and stmts[-1].type in _EXITS
    return False
