"""Which HTTP methods a Pages Router API handler answers, read from its method guard.

Next.js calls a Pages Router handler (`pages/api/**`) for every method; the handler decides.
`if (req.method !== 'POST') return res.status(405).end()` answers only POST, as an App Router
file that exports only `POST` does. A module of its own because it is a small flow analysis over
the handler's body (which methods still reach each statement), shared by the route model
(`_routes.route_serves`, for the client rules' `method-not-served`) and the POST handler of
TAV001/TAV002 (`_routes.post_handler`).

Read: `!==`/`===`/`!=`/`==` against a string (or a constant), `!`, `&&`, `||`, an allow-list
(`['POST'].includes(req.method)`, a constant array), `switch (req.method)`, `req.method` kept in a
variable or destructured from the request, and `toUpperCase()`. A branch that answers with a 4xx
status refuses its methods; a branch that returns anything else serves them. A guard written some
other way is undecided (`unknown`, naming it), never a guess; no guard at all serves every method.
"""

from __future__ import annotations

from typing import Any

from sop_check.evaluate import Evaluator, Func, Str, VarBinding
from sop_check.evaluate.scopes import destructured_prop, parameters
from sop_check.jsmodule import FUNCTION_TYPES, Module, descendants, string_value
from sop_check.records import record
from sop_check.routes import HTTP_METHODS

ALL = frozenset(HTTP_METHODS)
_TERMINAL = frozenset({"return_statement", "throw_statement"})


@record(frozen=True)
class Guard:
    """The methods a handler serves: None when it has no method guard (it serves every method)."""

    methods: frozenset[str] | None
    undecided: str = ""  # a guard that could not be read, and where
    line: int = 0  # the first statement that reads the method


class _Undecided(Exception):
    pass


def pages_guard(ev: Evaluator, func: Func) -> Guard:
    """The methods the handler `func` serves (memoised per handler)."""
    key = ("pages-guard", func.module.path, func.node.id)
    found = ev.cache.get(key)
    if not isinstance(found, Guard):
        found = ev.cache[key] = _read(ev, func)
    return found


def describe(guard: Guard, path: str | None = None) -> str:
    """`its method guard (line 4) answers only GET` (or `the method guard of pages/api/x.ts …`): why a
    method is refused, for a finding's detail."""
    served = sorted(guard.methods or ())
    what = f"answers only {', '.join(served)}" if served else "answers no method"
    return f"{'its method guard' if path is None else f'the method guard of {path}'} (line {guard.line}) {what}"


def _read(ev: Evaluator, func: Func) -> Guard:
    mod, fn = func.module, func.node
    body = fn.child_by_field_name("body")
    names = _method_names(mod, fn, body)
    if body is None or body.type != "statement_block" or not names:
        return Guard(None)
    reader = _Reader(ev, mod, names)
    try:
        served, rest = reader.flow(_statements(body), ALL)
    except _Undecided as why:
        return Guard(None, f"{mod.repo_path}:{reader.line}: the method guard `{why}` could not be read", reader.line)
    if not reader.line:
        return Guard(None)  # the method is never read: every method gets the same answer
    return Guard(frozenset(served | rest), line=reader.line)


def _method_names(mod: Module, fn: Any, body: Any) -> set[str]:
    """Texts that stand for the request's method: `req.method`, and a name it is kept in
    (`const { method } = req`, `const method = req.method.toUpperCase()`, `({ method }, res) =>`)."""
    params = parameters(fn)
    if not params:
        return set()
    first = params[0]
    pattern = first.child_by_field_name("pattern") if first.type in ("required_parameter", "optional_parameter") \
        else first
    if pattern is None:
        return set()
    if pattern.type == "object_pattern":
        return {n for n in _pattern_names(pattern, mod) if destructured_prop(pattern, n, mod) == "method"}
    if pattern.type != "identifier":
        return set()
    req = mod.text(pattern)
    names = {f"{req}.method"}
    for decl in descendants(body, frozenset({"variable_declarator"})) if body is not None else ():
        name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
        if name is None or value is None:
            continue
        if name.type == "identifier" and _normal(mod.text(value)) in _spellings(names):
            names.add(mod.text(name))
        elif name.type == "object_pattern" and _normal(mod.text(value)) == req:
            names |= {n for n in _pattern_names(name, mod) if destructured_prop(name, n, mod) == "method"}
    return names


def _pattern_names(pattern: Any, mod: Module) -> set[str]:
    return {mod.text(n) for n in descendants(pattern, frozenset({"shorthand_property_identifier_pattern",
                                                                  "identifier"}))}


def _normal(text: str) -> str:
    return "".join(text.split()).replace("?.", ".").replace("!.", ".")


def _spellings(names: set[str]) -> set[str]:
    return names | {f"{n}.toUpperCase()" for n in names} | {f"({n}).toUpperCase()" for n in names}


def _statements(block: Any) -> list[Any]:
    """The statements of a block, an `else` clause or a single-statement branch (an `else { … }`
    gives its block, which `flow` reads as the statements in it)."""
    if block.type in ("statement_block", "else_clause"):
        return [c for c in block.named_children if c.type != "comment"]
    return [block]


class _Reader:
    """Follows which methods reach each statement of the handler's body."""

    def __init__(self, ev: Evaluator, mod: Module, names: set[str]) -> None:
        self.ev, self.mod = ev, mod
        self.names = {n for n in names if "." not in n}
        self.spellings = _spellings(names)
        self.line = 0

    def flow(self, stmts: list[Any], reaching: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        """(methods answered by a statement here, methods that run past the end of `stmts`)."""
        served: frozenset[str] = frozenset()
        for stmt in stmts:
            if not reaching:
                break
            if stmt.type == "if_statement" and self._reads_method(stmt.child_by_field_name("condition")):
                served_here, reaching = self._if(stmt, reaching)
                served |= served_here
            elif stmt.type == "switch_statement" and self._reads_method(stmt.child_by_field_name("value")):
                served_here, reaching = self._switch(stmt, reaching)
                served |= served_here
            elif stmt.type == "try_statement":
                block = stmt.child_by_field_name("body")
                served_here, reaching = self.flow(_statements(block), reaching) if block is not None else \
                    (frozenset(), reaching)
                served |= served_here
            elif stmt.type == "statement_block":
                served_here, reaching = self.flow(_statements(stmt), reaching)
                served |= served_here
            elif self._reads_method(stmt) and not self._keeps_method(stmt):
                self._mark(stmt)
                raise _Undecided(self.mod.text(stmt)[:60])
            elif stmt.type in _TERMINAL or (stmt.type == "expression_statement" and self._refuses(stmt)):
                return (served if self._refuses(stmt) else served | reaching), frozenset()
        return served, reaching

    def _if(self, stmt: Any, reaching: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        cond = stmt.child_by_field_name("condition")
        self._mark(stmt)
        chosen = self._condition(cond)
        then = stmt.child_by_field_name("consequence")
        other = stmt.child_by_field_name("alternative")
        s1, r1 = self.flow(_statements(then), reaching & chosen) if then is not None else (frozenset(), reaching & chosen)
        s2, r2 = self.flow(_statements(other), reaching - chosen) if other is not None else (frozenset(), reaching - chosen)
        return s1 | s2, r1 | r2

    def _switch(self, stmt: Any, reaching: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        self._mark(stmt)
        body = stmt.child_by_field_name("body")
        cases = [c for c in body.named_children if c.type in ("switch_case", "switch_default")] if body else []
        listed: frozenset[str] = frozenset()
        for case in cases:
            if case.type == "switch_case":
                listed |= self._literal_methods(case.child_by_field_name("value"))
        served: frozenset[str] = frozenset()
        after: frozenset[str] = frozenset() if any(c.type == "switch_default" for c in cases) else reaching - listed
        carried: frozenset[str] = frozenset()  # methods falling through from the case above
        for case in cases:
            value = case.child_by_field_name("value")
            entering = carried | (reaching & self._literal_methods(value) if case.type == "switch_case"
                                  else reaching - listed)
            stmts = [c for c in case.named_children if c.type != "comment" and (value is None or c.id != value.id)]
            until_break = []
            broke = False
            for c in stmts:
                if c.type == "break_statement":
                    broke = True
                    break
                until_break.append(c)
            s, r = self.flow(until_break, entering)
            served |= s
            if broke:
                after |= r
                carried = frozenset()
            else:
                carried = r
        return served, after | carried

    def _condition(self, node: Any) -> frozenset[str]:
        """The methods for which `node` is true; raises _Undecided for a condition it cannot read."""
        while node.type == "parenthesized_expression" and node.named_children:
            node = node.named_children[0]
        if node.type == "unary_expression" and self.mod.text(node).startswith("!"):
            return ALL - self._condition(node.named_children[0])
        if node.type == "binary_expression":
            op = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            operator = self.mod.text(op) if op is not None else ""
            if left is not None and right is not None:
                if operator in ("||", "&&"):
                    a, b = self._condition(left), self._condition(right)
                    return a | b if operator == "||" else a & b
                if operator in ("===", "==", "!==", "!="):
                    if self._is_method(right):
                        left, right = right, left
                    if self._is_method(left):
                        value = self._literal_methods(right)
                        return value if operator in ("===", "==") else ALL - value
        if node.type == "call_expression":  # `['POST'].includes(req.method)`
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            arg = args.named_children[0] if args is not None and len(args.named_children) == 1 else None
            if fn is not None and fn.type == "member_expression" and arg is not None and self._is_method(arg):
                prop, obj = fn.child_by_field_name("property"), fn.child_by_field_name("object")
                if prop is not None and obj is not None and self.mod.text(prop) == "includes":
                    return self._literal_methods(self._array(obj))
        raise _Undecided(self.mod.text(node)[:60])

    def _literal_methods(self, node: Any) -> frozenset[str]:
        """`'POST'`, a constant holding it, or an array of them, as upper-case method names."""
        if node is None:
            raise _Undecided("a case without a value")
        if node.type == "array":
            return frozenset().union(*(self._literal_methods(e) for e in node.named_children))
        text = string_value(self.mod, node) if node.type == "string" else None
        if text is None:
            value = self.ev.eval(node, self.mod, None)
            text = value.text if isinstance(value, Str) and value.exact else None
        if text is None:
            raise _Undecided(self.mod.text(node)[:60])
        return frozenset({text.upper()})

    def _array(self, node: Any) -> Any:
        """An array literal, or the constant array a name is declared with (`ALLOWED.includes(…)`)."""
        if node.type == "identifier":
            decl = self.ev.find_decl(self.mod.text(node), node, self.mod)
            value = decl.node.child_by_field_name("value") if isinstance(decl, VarBinding) else None
            while value is not None and value.type in ("as_expression", "satisfies_expression") and value.named_children:
                value = value.named_children[0]
            if value is not None:
                return value
        return node

    def _keeps_method(self, stmt: Any) -> bool:
        """`const { method } = req` / `const m = req.method`: only names the method (read above)."""
        if stmt.type not in ("lexical_declaration", "variable_declaration"):
            return False
        for decl in (d for d in stmt.named_children if d.type == "variable_declarator"):
            name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
            if value is not None and self._reads_method(value) and \
                    (name is None or name.type != "identifier" or self.mod.text(name) not in self.names):
                return False
        return True

    def _is_method(self, node: Any) -> bool:
        return _normal(self.mod.text(node)) in self.spellings

    def _reads_method(self, node: Any) -> bool:
        if node is None:
            return False
        text = _normal(self.mod.text(node))
        if not any(s.split(".")[0] in text for s in self.spellings):
            return False
        return any(_normal(self.mod.text(n)) in self.spellings
                   for n in descendants(node, frozenset({"member_expression", "identifier"}))
                   if not any(a.type in FUNCTION_TYPES for a in _between(n, node)))

    def _refuses(self, stmt: Any) -> bool:
        """A statement that answers with a 4xx status (`res.status(405).end()`, `statusCode = 405`) or
        throws (the method is not handled: a 500 at best)."""
        return stmt.type == "throw_statement" or any(n.type == "number" and self.mod.text(n).isdigit() and 400 <= int(self.mod.text(n)) < 500
                   for n in descendants(stmt, frozenset({"number"})))

    def _mark(self, stmt: Any) -> None:
        if not self.line:
            self.line = self.mod.location(stmt).line


def _between(node: Any, top: Any) -> list[Any]:
    out = []
    n = node.parent
    while n is not None and n.id != top.id:
        out.append(n)
        n = n.parent
    return out
