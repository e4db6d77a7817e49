"""What the evaluator computes: plain values, and `Unknown` with a typed kind and a human reason.

Rules decide on the *kind* of an unknown (`UnknownKind`), never on its wording: the
reason is for people. Strings may hold holes, parts whose value is not known
(`${id}` in a template): the single marker `HOLE` and the helpers below are the only
way code should create, find or show them.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Union

from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from sop_check.jsmodule import Module

REQUEST_OBJECT = "request"  # `Obj.cls` of a `new Request(…)`
HOLE = "\x00"  # stands for an unknown part inside a string (`${id}`)
MAX_TEXT = 65_536  # longer strings are not URLs or header values anyone writes: unknown, not memory


# ---------------------------------------------------------------------------- holes
def has_hole(text: str) -> bool:
    return HOLE in text


def starts_with_hole(text: str) -> bool:
    """`${base}/v2/...`: a string whose beginning (origin, base URL) is not known."""
    return text.startswith(HOLE)


def shown(text: str, mark: str = "{…}") -> str:
    """The text as people read it, each hole shown as `mark`."""
    return text.replace(HOLE, mark)


def without_holes(text: str) -> str:
    return text.replace(HOLE, "")


def hole_parts(text: str) -> list[str]:
    """The known pieces between holes (`a{…}b` -> ['a', 'b'])."""
    return text.split(HOLE)


# ---------------------------------------------------------------------------- unknowns
class UnknownKind(enum.Enum):
    """Why a value is not known. `reportable` kinds name something that could change a verdict."""

    PARAMETER = "parameter"  # a parameter whose value comes from a caller we do not see
    UNRESOLVED_IMPORT = "unresolved-import"  # a local import that does not resolve to a file
    NO_EXPORT = "no-export"  # the module has no export of that name
    UNREADABLE = "unreadable"  # a module that cannot be read or parsed
    SYNTAX_ERROR = "syntax-error"  # the code sits in a region the parser could not read
    RUNTIME_BINDING = "runtime-binding"  # a loop variable or catch parameter
    NO_INITIALISER = "no-initialiser"  # declared without a value, or taken by a rest pattern
    STATE = "state"  # destructured from an array: a React state value or setter
    RUNTIME_VALUE = "runtime-value"  # an operator, a condition, a computed key or run-time options
    CALL_RESULT = "call-result"  # what a call we do not model returns
    OPEN_OBJECT = "open-object"  # a property of an object with an unknown spread
    UNMODELLED = "unmodelled"  # syntax or an object the evaluator does not model
    MISSING = "missing"  # a needed part is absent (a fetch without a URL, a function without a body)
    INDIRECT = "indirect"  # a name defined too indirectly (nesting past the limit)
    TOO_DEEP = "too-deep"  # an expression or call chain nests past the limit
    TOO_LARGE = "too-large"  # a value too large to be meant (a string over MAX_TEXT)
    CYCLE = "cycle"  # defined in terms of itself
    BUDGET = "budget"  # the analysis step budget ran out
    CLIENT_INPUT = "client-input"  # data the client sends: a route handler's `request.json()`, `req.body`

    @property
    def reportable(self) -> bool:
        """Could a value of this kind hide a request or change a verdict, so the rule must say so?"""
        return self in _REPORTABLE


_REPORTABLE = frozenset({
    UnknownKind.PARAMETER, UnknownKind.UNRESOLVED_IMPORT, UnknownKind.SYNTAX_ERROR, UnknownKind.RUNTIME_BINDING,
    UnknownKind.NO_INITIALISER, UnknownKind.INDIRECT, UnknownKind.TOO_DEEP, UnknownKind.TOO_LARGE,
    UnknownKind.CYCLE, UnknownKind.BUDGET,
})


@record(frozen=True)
class Unknown:
    """A value the analysis could not determine: its kind (what decides) and why (what people read)."""

    kind: UnknownKind
    reason: str
    env: str | None = None  # `env.TAVUS_API_KEY` on an object we cannot see into: the variable it names

    def __bool__(self) -> bool:
        return False


def budget_exceeded() -> Unknown:
    return Unknown(UnknownKind.BUDGET, "analysis budget exceeded")


# ---------------------------------------------------------------------------- known values
@record(frozen=True)
class Str:
    text: str  # HOLE marks parts whose value is not known
    # Environment variables whose run-time value fills holes of this text (`${process.env.BASE}/x`):
    # what a rule names when the unknown part decides its verdict.
    holes_from: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return HOLE not in self.text

    def shown(self) -> str:
        return shown(self.text)


@record(frozen=True)
class EnvDefault(Str):
    """`process.env.NAME || 'default'`: the default text, read from the environment first."""

    env: str = ""
    template: str = ""  # the committed env template the text was read from (`.env.example`), if any


@record(frozen=True)
class Num:
    value: float


@record(frozen=True)
class Bool:
    value: bool


@record(frozen=True)
class Null:
    pass


@record(frozen=True)
class EnvRef:
    """A read of the process environment: `process.env.NAME`, `os.environ["NAME"]`."""

    name: str


@record(frozen=True)
class External:
    """Something from a package or a global we do not model (`react`, `axios`, `window`)."""

    name: str


@record(frozen=True)
class Namespace:
    path: str  # app-relative module path of `import * as ns`


class Scope:
    """Argument bindings of one call of `function` (and, through `parent`, of the calls around it).

    Compared and hashed by identity: the evaluator memoises per (node, scope), and the
    same call site bound in the same scope yields the same Scope object.
    """

    __slots__ = ("function", "module_path", "fn_id", "bindings", "parent")

    def __init__(self, function: Node, module_path: str, bindings: dict[str, Thunk], parent: Scope | None) -> None:
        self.function = function
        self.module_path = module_path
        self.fn_id = function.id
        self.bindings = bindings
        self.parent = parent

    def lookup(self, fn_id: int, name: str) -> Thunk | None:
        frame = self.frame(fn_id)
        return frame.bindings.get(name) if frame is not None else None

    def frame(self, fn_id: int) -> Scope | None:
        """The innermost call of function `fn_id` in this chain."""
        s: Scope | None = self
        while s is not None:
            if s.fn_id == fn_id:
                return s
            s = s.parent
        return None

    def derives_from(self, other: Scope) -> bool:
        """Is `other` this frame, an enclosing call, or where one of its arguments came from?"""
        stack: list[Scope] = [self]
        seen: set[int] = set()
        while stack:
            s = stack.pop()
            if s is other:
                return True
            if id(s) in seen:
                continue
            seen.add(id(s))
            if s.parent is not None:
                stack.append(s.parent)
            stack.extend(t.scope for t in s.bindings.values() if t.scope is not None)
        return False

    def __repr__(self) -> str:
        return f"Scope({self.fn_id}, {sorted(self.bindings)})"


@record
class Thunk:
    """An expression not yet evaluated, with where to evaluate it (or a value known already)."""

    node: Node | None
    module: Module
    scope: Scope | None
    prop: str | None = None  # take this property of the node's value (destructuring)
    value: Value | None = None  # used when node is None

    def __init__(self, node: Node | None, module: Module, scope: Scope | None, prop: str | None = None,
                 value: Value | None = None) -> None:  # written out: thunks are made by the thousand
        self.node = node
        self.module = module
        self.scope = scope
        self.prop = prop
        self.value = value

    def __repr__(self) -> str:  # keep reprs small
        return f"Thunk({self.node.type if self.node is not None else self.value!r})"


@record
class Obj:
    props: dict[str, Thunk]
    open: bool = False  # spread of something unknown: a missing prop may still be there
    node: Node | None = None
    module: Module | None = None
    # Props an unknown spread written *after* them may replace (`{ limit: 60, ...body }`): the
    # spread's unknown, read instead of the prop's value (see `Evaluator.get_prop`).
    shadowed: dict[str, Unknown] | None = None
    rest: Unknown | None = None  # the last unknown spread: what an absent property may come from
    cls: str = ""  # what built it: "request" for `new Request(…)`, a class name for `new Client(…)`


@record
class Func:
    node: Node
    module: Module
    scope: Scope | None
    this: Value | None = None  # the object a method was read from (`client.create` -> client)

    def __init__(self, node: Node, module: Module, scope: Scope | None, this: Value | None = None) -> None:
        self.node = node
        self.module = module
        self.scope = scope
        self.this = this

    def __eq__(self, other: object) -> bool:
        # By identity of what it closes over: a method's `this` holds the method again (no deep compare).
        return isinstance(other, Func) and self.node.id == other.node.id and self.module is other.module \
            and self.scope is other.scope and self.this is other.this

    __hash__ = None  # type: ignore[assignment]  # mutable record, as the others

    def __repr__(self) -> str:
        return f"Func({self.module.path}:{self.node.start_point.row + 1})"

    @property
    def key(self) -> tuple[str, int]:
        return (self.module.path, self.node.id)


@record
class HttpClient:
    """A client made by `axios.create(config)` / `ky.create(config)`; its requests carry the config."""

    config: Obj | None  # None: options built at run time


Value = Union[Unknown, Str, Num, Bool, Null, EnvRef, External, Namespace, Obj, Func, HttpClient]


def env_name(value: Value | None) -> str | None:
    """The environment variable a value reads, if it is one (`process.env.X`, `X || 'd'`, `env.X`)."""
    if isinstance(value, EnvRef):
        return value.name
    if isinstance(value, EnvDefault):
        return value.env
    if isinstance(value, Unknown):
        return value.env
    return None


def describe(value: Value) -> str:
    """What kind of value this is, for people (`an object`, `a number`)."""
    if isinstance(value, Unknown):
        return value.reason
    return _DESCRIPTIONS.get(type(value), "a value")


_DESCRIPTIONS: dict[type, str] = {
    Str: "a string", EnvDefault: "a string", Num: "a number", Bool: "a boolean", Null: "null or undefined",
    EnvRef: "an environment variable", External: "a library value", Namespace: "a module namespace",
    Obj: "an object", Func: "a function", HttpClient: "an HTTP client",
}


def as_text(value: Value) -> str:
    """The value inside a string (template substitution, `+`): a hole when not known."""
    if isinstance(value, Str):
        return value.text
    if isinstance(value, Num):
        v = value.value
        return str(int(v)) if v.is_integer() else str(v)  # inf and nan are not integers
    if isinstance(value, Bool):
        return "true" if value.value else "false"
    return HOLE


def text_value(text: str) -> Str | Unknown:
    """A string value, unless it grew past MAX_TEXT (nested templates can double it at each level)."""
    if len(text) > MAX_TEXT:
        return Unknown(UnknownKind.TOO_LARGE, f"a string longer than {MAX_TEXT} characters")
    return Str(text)


def known_falsy(value: Value) -> bool:
    """Known to be falsy: `false`, `null`/`undefined`, `0`, an empty string (the evaluator makes no NaN)."""
    if isinstance(value, Bool):
        return not value.value
    if isinstance(value, Num):
        return value.value == 0
    if isinstance(value, Str):
        return value.exact and value.text == ""
    return isinstance(value, Null)
