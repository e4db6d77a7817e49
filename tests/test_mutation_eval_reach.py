"""What a function reaches (`sop_check/evaluate/reach.py`) pinned one by one: which calls are
followed and with what arguments, the call chain a request is reached through, what could not be
followed (text, kind, location), the depth limit, the budget entry, the shared summaries, and
which variables handed to a call may hold a function (found by mutation testing)."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import Evaluator, Func, Str
from sop_check.evaluate.reach import _may_be_function, callee_functions, reach, summary
from sop_check.jsmodule import Module, descendants

from helpers import evaluated


def _ev(tmp_path: Path, source: str, **more: str) -> tuple[Evaluator, Module]:
    return evaluated(tmp_path, source, **more)


def _func(ev: Evaluator, name: str) -> Func:
    f = ev.module_export("m.ts", name)
    assert isinstance(f, Func), f
    return f


def _call(mod: Module, text: str):  # type: ignore[no-untyped-def]
    return next(c for c in mod.calls if mod.text(c) == text)


def test_the_functions_a_call_runs_and_what_could_not_be_followed(tmp_path: Path) -> None:
    src = ("function helper() {}\nexport function f(cb) {\n  helper();\n  cb();\n  rows.map(x);\n"
           "  setState(1);\n  new Thing();\n}\nconst [, setState] = useState();\n")
    ev, mod = _ev(tmp_path, src)
    targets, problem = callee_functions(ev, _call(mod, "helper()"), mod, None)
    assert [t.node.type for t in targets] == ["function_declaration"] and problem is None
    targets, problem = callee_functions(ev, _call(mod, "cb()"), mod, None)
    assert targets == [] and problem == "cb() (parameter 'cb' (its value comes from the caller))"
    assert problem is not None and problem.kind == "parameter"
    assert problem.location is not None and (problem.location.path, problem.location.line) == ("m.ts", 4)
    assert callee_functions(ev, _call(mod, "rows.map(x)"), mod, None) == ([], None)  # a data method
    assert callee_functions(ev, _call(mod, "setState(1)"), mod, None) == ([], None)  # state: not reportable
    new = next(descendants(mod.root, frozenset({"new_expression"})))
    assert callee_functions(ev, new, mod, None) == ([], None)


def test_reach_follows_calls_with_their_arguments_and_keeps_the_chain(tmp_path: Path) -> None:
    src = ("function send(url) { return fetch(url, { method: 'POST' }); }\n"
           "function end(id) { send('/api/tavus/end/' + id); }\n"
           "export function onClick() {\n  end('42');\n  later(cb);\n}\nfunction cb() { fetch('/cb'); }\n")
    ev, mod = _ev(tmp_path, src)
    out = ev.reach(_func(ev, "onClick"))
    assert [(r.url, r.method) for r in out.requests] == [(Str("/api/tavus/end/42"), "POST"), (Str("/cb"), "GET")]
    assert [str(h) for h in out.requests[0].via] == ["end() at m.ts:4:3", "send() at m.ts:2:20"]
    assert out.requests[1].via == ()  # a handed callback is walked without a hop
    assert [f.node.child_by_field_name("name").text for f in out.functions] == [b"onClick", b"end", b"send", b"cb"]
    assert [mod.text(c) for c, _ in out.calls][:2] == ["end('42')", "send('/api/tavus/end/' + id)"]
    assert out.unresolved == []


def test_what_could_not_be_followed_is_said_once_with_its_place(tmp_path: Path) -> None:
    src = "import { gone } from './gone';\nexport function onClick() {\n  gone();\n  gone();\n}\n"
    ev, mod = _ev(tmp_path, src)
    out = ev.reach(_func(ev, "onClick"))
    assert out.unresolved == ["m.ts:3: gone() (import 'gone' from './gone' does not resolve to a file)",
                              "m.ts:4: gone() (import 'gone' from './gone' does not resolve to a file)"]
    assert out.unresolved[0].kind == "unresolved-import"  # type: ignore[attr-defined]
    assert out.unresolved[0].location.line == 3  # type: ignore[attr-defined]


def test_reach_stops_at_its_depth(tmp_path: Path) -> None:
    src = ("function a() { b(); }\nfunction b() { c(); }\nfunction c() { fetch('/deep'); }\n"
           "export function top() { a(); fetch('/top'); }\n")
    ev, _ = _ev(tmp_path, src)
    top = _func(ev, "top")
    assert [r.url for r in ev.reach(top, max_depth=4).requests] == [Str("/deep"), Str("/top")]
    assert [r.url for r in ev.reach(top, max_depth=3).requests] == [Str("/top")]
    assert ev.reach(top, max_depth=0).requests == []
    assert [r.url for r in reach(ev, top, []).requests] == [Str("/deep"), Str("/top")]


def test_a_function_is_walked_once_even_if_called_twice(tmp_path: Path) -> None:
    src = "function h() { fetch('/h'); }\nexport function top() { h(); h(); }\n"
    ev, _ = _ev(tmp_path, src)
    out = ev.reach(_func(ev, "top"))
    assert [r.url for r in out.requests] == [Str("/h")] and len(out.functions) == 2


def test_an_exhausted_budget_is_an_unresolved_entry_naming_the_function(tmp_path: Path) -> None:
    src = "\nexport function top() { a(); b(); fetch('/x'); }\nfunction a() {}\nfunction b() {}\n"
    ev, _ = _ev(tmp_path, src)
    top = _func(ev, "top")
    ev.start_rule(3)
    out = ev.reach(top)
    assert out.unresolved[-1] == "m.ts:2: analysis budget exceeded"
    assert out.unresolved[-1].kind == "budget"  # type: ignore[attr-defined]
    assert out.unresolved[-1].location.line == 2  # type: ignore[attr-defined]


def test_a_summary_read_without_the_call_s_arguments_is_shared(tmp_path: Path) -> None:
    src = ("function pure() { fetch('/p'); }\nfunction uses(u) { fetch(u); }\n"
           "export function top() { pure(); uses('/a'); uses('/b'); }\n")
    ev, _ = _ev(tmp_path, src)
    out = ev.reach(_func(ev, "top"))
    assert [r.url for r in out.requests] == [Str("/p"), Str("/a")]  # `uses` is walked once (seen)
    pure, uses = (f for f in out.functions[1:])
    own = [k for k in ev.cache if isinstance(k, tuple) and k[0] == "summary"]
    by_func = {k[1]: k[2] for k in own}
    assert by_func[pure.key] is None  # shared: stored under the enclosing frame (none)
    assert by_func[uses.key] is not None  # own: it read its argument
    scope = ev.bind(uses, [])
    assert summary(ev, uses, scope) is not summary(ev, pure, ev.bind(pure, []))


def test_no_summary_is_kept_when_the_budget_ran_out(tmp_path: Path) -> None:
    src = "export function top() { a(); }\nfunction a() {}\n"
    ev, _ = _ev(tmp_path, src)
    top = _func(ev, "top")
    ev.start_rule(1)
    summary(ev, top, ev.bind(top, []))
    assert not [k for k in ev.cache if isinstance(k, tuple) and k[0] == "summary"]


def test_which_handed_variables_may_hold_a_function(tmp_path: Path) -> None:
    src = ("import { imported } from './x';\nlet later;\nlet changed = 1;\nchanged = go;\n"
           "const text = 'a';\nconst parsed = (await JSON.parse(s));\nconst rows = lines.split(',');\n"
           "const made = makeHandler();\nconst arrow = () => 1;\nconst num = (1 as number);\nconst big = a + b;\n"
           "const awaited = await lines.split(',');\nconst sure = lines.split(',')!;\n"
           "use(imported, later, changed, text, parsed, rows, made, arrow, num, big, nowhere, awaited, sure);\n")
    ev, mod = _ev(tmp_path, src)
    args = _call(mod, "use(imported, later, changed, text, parsed, rows, made, arrow, num, big, nowhere, awaited, sure)") \
        .child_by_field_name("arguments").named_children
    may = {mod.text(a): _may_be_function(ev, a, mod) for a in args}
    assert may == {"imported": True, "later": True, "changed": True, "text": False, "parsed": True, "rows": False,
                   "made": True, "arrow": True, "num": False, "big": False, "nowhere": True, "awaited": False,
                   "sure": False}


def test_named_functions_handed_to_an_unknown_call_are_walked(tmp_path: Path) -> None:
    src = ("const end = () => fetch('/end');\nconst label = 'x';\nexport function top() {\n"
           "  startTransition(end);\n  log(label);\n  known(end);\n}\nfunction known(f) {}\n")
    ev, mod = _ev(tmp_path, src)
    out = ev.reach(_func(ev, "top"))
    assert [r.url for r in out.requests] == [Str("/end")]  # handed to startTransition, not to known()
    facts = summary(ev, _func(ev, "top"), ev.bind(_func(ev, "top"), []))
    assert [(mod.text(f.call), len(f.handed)) for f in facts] == [("startTransition(end)", 1), ("log(label)", 0),
                                                                 ("known(end)", 0)]
    known = next(f for f in facts if mod.text(f.call) == "known(end)")
    assert known.handed == [] and len(known.targets) == 1 and [mod.text(a) for a in known.args] == ["end"]
    assert [str(h) for h in known.hop] == ["known() at m.ts:6:3"]


def test_a_callback_passed_in_is_followed_in_the_scope_of_the_call(tmp_path: Path) -> None:
    src = ("const end = () => fetch('/end');\nfunction run(cb) { cb(); }\nfunction later(cb) { schedule(cb); }\n"
           "export function top() { run(end); }\nexport function deferred() { later(end); }\n")
    ev, _ = _ev(tmp_path, src)
    for name in ("top", "deferred"):
        out = ev.reach(_func(ev, name))
        assert [r.url for r in out.requests] == [Str("/end")] and out.unresolved == [], name


def test_every_request_of_a_function_is_reached_in_its_call_scope(tmp_path: Path) -> None:
    src = "function send(url) { fetch(url); fetch('/b'); new Thing(); }\nexport function top() { send('/a'); }\n"
    ev, mod = _ev(tmp_path, src)
    out = ev.reach(_func(ev, "top"))
    assert [r.url for r in out.requests] == [Str("/a"), Str("/b")]
    scope = out.requests[0].scope
    assert scope is not None and list(scope.bindings) == ["url"] and out.requests[1].scope is scope
    assert [mod.text(c) for c, _ in out.calls] == ["send('/a')", "fetch(url)", "fetch('/b')", "new Thing()"]
    first = out.requests[0]
    assert first.module is mod and mod.text(first.call) == "fetch(url)" and first.location.line == 1


def test_a_long_callee_is_named_by_its_first_characters(tmp_path: Path) -> None:
    long = "a" * 30 + "." + "b" * 40
    src = (f"import {{ gone }} from './gone';\nconst {'a' * 30} = {{ {'b' * 40}: () => 1 }};\n"
           f"export function top() {{\n  gone.{'c' * 70}();\n  {long}();\n}}\n")
    ev, _ = _ev(tmp_path, src)
    out = ev.reach(_func(ev, "top"))
    assert out.unresolved == [f"m.ts:4: gone.{'c' * 55}() (import 'gone' from './gone' does not resolve to a file)"]
    assert [h.callee for h in summary(ev, _func(ev, "top"), ev.bind(_func(ev, "top"), []))[1].hop] == [long[:40]]


def test_a_handed_function_counts_against_the_depth(tmp_path: Path) -> None:
    src = ("function helper() { fetch('/deep'); }\nconst end = () => helper();\n"
           "export function top() { startTransition(end); }\n")
    ev, _ = _ev(tmp_path, src)
    top = _func(ev, "top")
    assert [r.url for r in ev.reach(top, max_depth=3).requests] == [Str("/deep")]
    assert ev.reach(top, max_depth=2).requests == []


def test_an_inline_callback_is_walked_once_as_part_of_its_function(tmp_path: Path) -> None:
    src = "export function top() { startTransition(() => fetch('/x')); }\n"
    ev, _ = _ev(tmp_path, src)
    assert [r.url for r in ev.reach(_func(ev, "top")).requests] == [Str("/x")]


def test_a_summary_is_read_once_and_then_reused(tmp_path: Path) -> None:
    src = "function pure() { fetch('/p'); }\nfunction uses(u) { fetch(u); }\n"
    ev, mod = _ev(tmp_path, src)
    pure, uses = (Func(n, mod, None) for n in descendants(mod.root, frozenset({"function_declaration"})))
    pure_scope, uses_scope = ev.bind(pure, []), ev.bind(uses, [])
    first = summary(ev, pure, pure_scope)
    assert summary(ev, pure, pure_scope) is first  # stored for every call from the same frame
    own = summary(ev, uses, uses_scope)
    assert summary(ev, uses, uses_scope) is own  # stored for this call


def test_a_summary_is_charged_a_step_for_itself_and_one_per_call(tmp_path: Path) -> None:
    calls = "".join(f"f{i}(); " for i in range(20))
    ev, mod = _ev(tmp_path, f"function none() {{}}\nfunction many() {{ {calls}}}\n")
    none, many = (Func(n, mod, None) for n in descendants(mod.root, frozenset({"function_declaration"})))
    ev.start_rule(1)
    summary(ev, none, ev.bind(none, []))
    assert not ev.exhausted  # one step, and one was left
    ev.start_rule(20)
    summary(ev, many, ev.bind(many, []))
    assert ev.exhausted  # 21 steps before any call is read
