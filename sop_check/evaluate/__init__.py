"""A small abstract interpreter over the index: what a careful reader of the code resolves.

It answers two questions the rules keep asking:
- what value does this expression have (a URL built from constants and helpers in
  other modules, an options object with spreads and shorthands, `process.env.X`)?
- which functions can this call reach (named handlers, const arrows, functions
  returned by custom hooks, wrappers, functions passed as arguments)?

Values are plain data. Whatever cannot be resolved becomes `Unknown` with a kind
(what rules decide on) and a reason (what people read), so rules can say `unknown`
instead of guessing a pass.

Modules, each one job:
- `values`: the values, `Unknown` and its kinds, the string hole marker;
- `scopes`: which declaration a name refers to (typed bindings), parameter binding;
- `interpreter`: the `Evaluator` (names, properties, calls), one per app;
- `expressions`: one function per expression form;
- `state`: memo, cycle and depth cuts, the step budget;
- `libraries`: what library calls do, as tables (and the built-ins that cannot make a request);
- `requests`: the network requests a call makes (fetch, sendBeacon, HTTP clients);
- `modules`: exports and imports across modules;
- `jsx`: component props and context values from where they are rendered;
- `reach`: what a function can reach (requests, unresolved calls);
- `classes`: `new Client(…)`, methods and `this`;
- `callers`: a request read at each place its function is called from (the app's API client);
- `syntax`: small questions about the tree.
"""

from sop_check.evaluate.callers import InContext, in_callers
from sop_check.evaluate.expressions import chosen_branch
from sop_check.evaluate.interpreter import Evaluator
from sop_check.evaluate.libraries import HTTP_CLIENTS, PASS_THROUGH
from sop_check.evaluate.requests import CallHop, Request
from sop_check.evaluate.reach import MAX_CALL_DEPTH, Reach
from sop_check.evaluate.scopes import (Binding, ClassBinding, FunctionBinding, ImportedBinding, OpaqueBinding,
                                       ParamBinding, VarBinding)
from sop_check.evaluate.state import DEFAULT_STEPS, MAX_DEPTH
from sop_check.evaluate.syntax import call_args, calls_within, returned_expression, returns
from sop_check.evaluate.values import (HOLE, Bool, EnvDefault, EnvRef, External, Func, HttpClient, Namespace, Null,
                                       Num, Obj, Scope, Str, Thunk, Unknown, UnknownKind, Value, as_text,
                                       describe, env_name, has_hole, hole_parts, shown, starts_with_hole, without_holes)

__all__ = [
    "DEFAULT_STEPS", "HOLE", "HTTP_CLIENTS", "MAX_CALL_DEPTH", "MAX_DEPTH", "PASS_THROUGH",
    "Binding", "Bool", "CallHop", "InContext", "chosen_branch", "in_callers", "ClassBinding", "EnvDefault", "EnvRef", "Evaluator", "External", "Func",
    "FunctionBinding", "HttpClient", "ImportedBinding", "Namespace", "Null", "Num", "Obj", "OpaqueBinding",
    "ParamBinding", "Reach", "Request", "Scope", "Str", "Thunk", "Unknown", "UnknownKind", "Value", "VarBinding",
    "as_text", "call_args", "describe", "calls_within", "env_name", "has_hole", "hole_parts", "returned_expression", "returns",
    "shown", "starts_with_hole", "without_holes",
]
