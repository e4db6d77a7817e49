"""A small abstract interpreter over the index: what a careful reader of the code resolves.

It answers two questions the rules keep asking:
- what value does this expression have (a URL built from constants and helpers in
  other modules, an options object with spreads and shorthands, `process.env.X`)?
- which functions can this call reach (named handlers, const arrows, functions
  returned by custom hooks, wrappers, functions passed as arguments)?

Values are plain data. Whatever cannot be resolved becomes `Unknown` with the
reason, so rules can say `unknown` instead of guessing a pass.
"""

from __future__ import annotations

from dataclasses import field
from sop_check.records import record
from typing import Any, Iterator

from sop_check.index import FUNCTION_TYPES, AppIndex, Module, pattern_names, string_value

HOLE = "\x00"  # stands for an unknown part inside a string (`${id}`)
MAX_DEPTH = 60
MAX_CALL_DEPTH = 10
# Library functions that hand back the function they are given (React hooks and friends).
PASS_THROUGH = frozenset({"useCallback", "useEvent", "useEffectEvent", "useStableCallback", "useMemoizedFn",
                          "useLatestCallback", "memo", "forwardRef", "debounce", "throttle"})


# ---------------------------------------------------------------------------- values
@record(frozen=True)
class Unknown:
    reason: str

    def __bool__(self) -> bool:
        return False


@record(frozen=True)
class Str:
    text: str  # HOLE marks parts whose value is not known

    @property
    def exact(self) -> bool:
        return HOLE not in self.text

    def shown(self) -> str:
        return self.text.replace(HOLE, "{…}")


@record(frozen=True)
class EnvDefault(Str):
    """`process.env.NAME || 'default'`: the default text, read from the environment first."""
    env: str = ""


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


@record
class Thunk:
    """An expression not yet evaluated, with where to evaluate it."""
    node: Any
    module: Module
    scope: "Scope | None"
    prop: str | None = None  # take this property of the node's value (destructuring)
    value: Any = None  # or a value known already

    def __repr__(self) -> str:  # keep reprs small
        return f"Thunk({self.node.type if self.node is not None else self.value!r})"


@record
class Obj:
    props: dict[str, Thunk]
    open: bool = False  # spread of something unknown: a missing prop may still be there
    node: Any = None
    module: Module | None = None


@record
class Func:
    node: Any
    module: Module
    scope: "Scope | None"

    @property
    def key(self) -> tuple[str, int]:
        return (self.module.path, self.node.id)


@record
class External:
    """Something from a package or a global we do not model (`react`, `axios`, `window`)."""
    name: str


HTTP_CLIENTS = ("axios", "ky", "ofetch", "got", "http", "api", "client")


class HttpClient:
    """An HTTP client made by `axios.create(config)` / `ky.create(config)`: base URL and default headers."""

    def __init__(self, config: "Obj | None", ev: "Evaluator") -> None:
        self.config = config
        self.ev = ev

    def _get(self, *names: str) -> Value:
        if self.config is None:
            return Unknown("client options built at run time")
        for n in names:
            if n in self.config.props:
                return self.ev.force(self.config.props[n])
        return Null()

    def apply(self, url: Value, opts: Value) -> tuple[Value, Value]:
        """The request as the client sends it: base URL prepended, default headers merged under its own."""
        base = self._get("baseURL", "prefixUrl", "baseUrl")
        if isinstance(url, Str) and "://" not in url.text:
            if isinstance(base, Str):
                url = Str(base.text.rstrip("/") + "/" + url.text.lstrip("/"))
            elif not isinstance(base, Null):
                url = Str(HOLE + url.text)
        headers = self._get("headers")
        if isinstance(headers, Obj):
            merged = dict(headers.props)
            own = self.ev.get_prop(opts, "headers") if isinstance(opts, Obj) else None
            if isinstance(own, Obj):
                merged.update(own.props)
            new_opts = dict(opts.props) if isinstance(opts, Obj) else {}
            new_opts["headers"] = Thunk(None, headers.module, None,
                                        value=Obj(merged, headers.open, headers.node, headers.module))
            opts = Obj(new_opts, isinstance(opts, Obj) and opts.open)
        return url, opts


@record
class Namespace:
    path: str  # app-relative module path of `import * as ns`


@record
class Scope:
    """Argument bindings of one call: function node id -> {param name -> thunk}."""
    fn_id: int
    bindings: dict[str, Thunk]
    parent: "Scope | None"

    def lookup(self, fn_id: int, name: str) -> Thunk | None:
        s: Scope | None = self
        while s is not None:
            if s.fn_id == fn_id:
                return s.bindings.get(name)
            s = s.parent
        return None


Value = Any


# ---------------------------------------------------------------------------- requests
@record
class Request:
    """A network request found in code: `fetch(url, opts)`, `navigator.sendBeacon(url, body)`, axios."""
    kind: str  # "fetch", "beacon", "axios"
    call: Any
    module: Module
    scope: Scope | None
    url: Value
    options: Value  # Obj, Unknown or None
    method: str | Unknown  # upper-case
    via: tuple[str, ...] = ()  # the call chain that reached it, for evidence

    @property
    def location(self):
        return self.module.location(self.call)


@record
class Reach:
    """What a function can reach: requests, plus calls that could not be followed."""
    requests: list[Request] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    calls: list[tuple[Any, Module]] = field(default_factory=list)  # every call seen (for other queries)
    functions: list[Func] = field(default_factory=list)  # every function entered


class Evaluator:
    def __init__(self, index: AppIndex) -> None:
        self.index = index
        self._decl_cache: dict[tuple[str, int], dict[str, tuple[str, Any]]] = {}

    # ------------------------------------------------------------------ modules
    def module_export(self, path: str, name: str, depth: int = 0) -> Value:
        """The value a module exports under `name` (follows re-exports and `export *`)."""
        mod = self.index.module(path)
        if mod is None:
            return Unknown(f"cannot read {path}")
        if depth > 10:
            return Unknown(f"re-export chain too long at {path}")
        entry = mod.exports.get(name)
        if entry is not None:
            if entry.source is not None:
                target = self.index.resolve_import(path, entry.source)
                if target is None:
                    return self._unresolved_import(entry.source, entry.imported or name)
                if entry.imported == "*":
                    return Namespace(target)
                return self.module_export(target, entry.imported or name, depth + 1)
            if entry.local is not None:
                return self.lookup_top(mod, entry.local, depth + 1)
            if entry.node is not None:
                return self.eval(entry.node, mod, None, depth + 1)
        for star in mod.star_exports:
            target = self.index.resolve_import(path, star)
            if target is not None:
                value = self.module_export(target, name, depth + 1)
                if not (isinstance(value, Unknown) and value.reason.startswith("no export")):
                    return value
        return Unknown(f"no export '{name}' in {path}")

    def _unresolved_import(self, spec: str, name: str) -> Value:
        if self.index.is_local_specifier(spec):
            return Unknown(f"import '{name}' from '{spec}' does not resolve to a file")
        return External(f"{spec}:{name}")

    def lookup_top(self, mod: Module, name: str, depth: int = 0) -> Value:
        if name in mod.decls:
            return self._decl_value(mod.decls[name], name, mod, None, depth + 1)
        if name in mod.imports:
            return self._import_value(mod, mod.imports[name], depth + 1)
        return _global(name)

    def _import_value(self, mod: Module, binding: Any, depth: int) -> Value:
        target = self.index.resolve_import(mod.path, binding.source)
        if target is None:
            return self._unresolved_import(binding.source, binding.name)
        if binding.name == "*":
            return Namespace(target)
        return self.module_export(target, binding.name, depth)

    # ------------------------------------------------------------------ scopes
    def find_decl(self, name: str, at: Any, mod: Module) -> tuple[str, Any, Any] | None:
        """The syntactic declaration of `name` visible at node `at`: (kind, node, owner)."""
        node = at
        while node is not None:
            t = node.type
            if t in FUNCTION_TYPES:
                params = node.child_by_field_name("parameters")
                if params is None:
                    param = node.child_by_field_name("parameter")  # `x => ...`
                    if param is not None and mod.text(param) == name:
                        return ("param", param, node)
                else:
                    for p in params.named_children:
                        for ident in pattern_names(p):
                            if mod.text(ident) == name:
                                return ("param", p, node)
                if t in ("function_expression", "function") and node.child_by_field_name("name") is not None:
                    if mod.text(node.child_by_field_name("name")) == name:
                        return ("function", node, None)
            elif t in ("statement_block", "program", "switch_body", "class_body"):
                hit = self._block_decls(node, mod).get(name)
                if hit is not None:
                    return (hit[0], hit[1], None)
            elif t == "catch_clause":
                param = node.child_by_field_name("parameter")
                if param is not None and mod.text(param) == name:
                    return ("opaque", param, None)
            elif t in ("for_in_statement", "for_statement"):
                return_hit = None
                left = node.child_by_field_name("left") or node.child_by_field_name("initializer")
                if left is not None and name in mod.text(left):
                    return_hit = ("opaque", left, None)
                if return_hit:
                    return return_hit
            node = node.parent
        if name in mod.imports:
            return ("import", mod.imports[name], None)
        return None

    def _block_decls(self, block: Any, mod: Module) -> dict[str, tuple[str, Any]]:
        key = (mod.path, block.id)
        cached = self._decl_cache.get(key)
        if cached is not None:
            return cached
        out: dict[str, tuple[str, Any]] = {}
        for stmt in block.named_children:
            if stmt.type == "export_statement":
                stmt = stmt.child_by_field_name("declaration") or stmt
            t = stmt.type
            if t in ("function_declaration", "generator_function_declaration", "class_declaration"):
                n = stmt.child_by_field_name("name")
                if n is not None:
                    out[mod.text(n)] = ("function" if "function" in t else "class", stmt)
            elif t in ("lexical_declaration", "variable_declaration"):
                for d in stmt.named_children:
                    if d.type == "variable_declarator":
                        n = d.child_by_field_name("name")
                        if n is not None:
                            for ident in pattern_names(n):
                                out[mod.text(ident)] = ("var", d)
        self._decl_cache[key] = out
        return out

    # ------------------------------------------------------------------ identifiers
    def lookup(self, name: str, at: Any, mod: Module, scope: Scope | None, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return Unknown(f"'{name}' is defined too indirectly to follow")
        decl = self.find_decl(name, at, mod)
        if decl is None:
            return _global(name)
        kind, node, owner = decl
        if kind == "param":
            thunk = scope.lookup(owner.id, name) if scope is not None else None
            if thunk is None:
                from_jsx = self.prop_from_jsx(owner, node, name, mod, depth + 1)
                if from_jsx is not None:
                    return from_jsx
                return Unknown(f"parameter '{name}' (its value comes from the caller)")
            return self.force(thunk, depth + 1)
        if kind == "import":
            return self._import_value(mod, node, depth + 1)
        if kind == "function":
            return Func(node, mod, scope)
        if kind == "class":
            return External(name)
        if kind == "var":
            return self._decl_value(node, name, mod, scope, depth + 1)
        return Unknown(f"'{name}' is bound at run time")

    def prop_from_jsx(self, fn: Any, param: Any, name: str, mod: Module, depth: int) -> Value | None:
        """A component's prop, from the places that render it: `<EndButton onEnd={end} />`.

        Returns the first usage's value that is a function, or None when the
        function is not a component or no usage says.
        """
        if depth > MAX_DEPTH // 2:
            return None
        comp = _component_name(fn, mod)
        if comp is None:
            return None
        params = fn.child_by_field_name("parameters")
        first = params.named_children[0] if params is not None and params.named_children else None
        if first is None or first.id != param.id:
            return None  # only the props object (first parameter) comes from JSX
        pat = first.child_by_field_name("pattern") if first.type in ("required_parameter", "optional_parameter") \
            else first
        prop = name
        if pat is not None and pat.type == "object_pattern":
            prop = _destructured_prop(pat, name, mod) or name
        elif pat is not None and pat.type == "identifier":
            # `props` itself: the attributes of the first place that renders the component.
            for user, el, attrs in self._jsx_usages(comp):
                return Obj({k: Thunk(v, user, None) for k, v in attrs.items()}, open=True, node=el, module=user)
            return None
        for user, el, attrs in self._jsx_usages(comp):
            value_node = attrs.get(prop)
            if value_node is None:
                continue
            value = self.eval(value_node, user, None, depth + 1)
            if isinstance(value, Func):
                return value
        return None

    def context_value(self, ctx_node: Any, mod: Module, depth: int) -> Value | None:
        """What `useContext(Ctx)` returns: the `value` of a rendered `<Ctx.Provider value={…}>`
        (or React 19's `<Ctx value={…}>`), evaluated where the provider renders it."""
        if ctx_node.type != "identifier" or depth > MAX_DEPTH // 2:
            return None
        name = mod.text(ctx_node)
        for user, el, attrs in self._jsx_usages(name, provider=True):
            value_node = attrs.get("value")
            if value_node is not None:
                value = self.eval(value_node, user, None, depth + 1)
                if not isinstance(value, Unknown):
                    return value
        return None

    def _jsx_usages(self, comp: str, provider: bool = False):
        from sop_check.index import jsx_tag

        for user in self.index.evidence_modules(words=(comp,)):
            for el in user.jsx:
                tag = jsx_tag(user, el)
                if tag is None:
                    continue
                if provider:
                    hit = tag in (comp, f"{comp}.Provider")
                else:
                    hit = tag.split(".")[-1] == comp
                if hit:
                    yield user, el, _jsx_attr_nodes(user, el)

    def _decl_value(self, decl: Any, name: str, mod: Module, scope: Scope | None, depth: int) -> Value:
        t = decl.type
        if t in ("function_declaration", "generator_function_declaration"):
            return Func(decl, mod, scope)
        if t != "variable_declarator":
            return External(name)
        pattern = decl.child_by_field_name("name")
        value = decl.child_by_field_name("value")
        if value is None:
            return Unknown(f"'{name}' is declared without a value")
        if pattern is not None and pattern.type == "identifier":
            return self.eval(value, mod, scope, depth + 1)
        if pattern is not None and pattern.type == "object_pattern":
            prop = _destructured_prop(pattern, name, mod)
            if prop is None:
                return Unknown(f"'{name}' comes from a rest pattern")
            return self.get_prop(self.eval(value, mod, scope, depth + 1), prop, depth + 1)
        return Unknown(f"'{name}' is destructured from an array (a state value or setter)")

    # ------------------------------------------------------------------ expressions
    def force(self, thunk: Thunk, depth: int = 0) -> Value:
        if thunk.node is None:
            base = thunk.value
        else:
            base = self.eval(thunk.node, thunk.module, thunk.scope, depth + 1)
        if thunk.prop is not None:
            return self.get_prop(base, thunk.prop, depth + 1)
        return base

    def eval(self, node: Any, mod: Module, scope: Scope | None, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return Unknown("expression nests too deeply to follow")
        if mod.in_error(node):
            return Unknown(f"syntax error in {mod.path} at line {mod.location(node).line}")
        t = node.type
        handler = _EVAL.get(t)
        if handler is not None:
            return handler(self, node, mod, scope, depth)
        if t in FUNCTION_TYPES or t == "class":
            return Func(node, mod, scope)
        return Unknown(f"cannot evaluate a {t.replace('_', ' ')}")

    def _ev_string(self, node, mod, scope, depth):
        return Str(string_value(mod, node))

    def _ev_template(self, node, mod, scope, depth):
        kids = node.named_children
        if len(kids) == 1 and kids[0].type == "template_substitution" and kids[0].named_children:
            return self.eval(kids[0].named_children[0], mod, scope, depth + 1)  # `${x}` is x
        out = []
        for child in node.named_children:
            if child.type in ("string_fragment", "escape_sequence"):
                out.append(mod.text(child))
            elif child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                v = self.eval(inner, mod, scope, depth + 1) if inner is not None else Unknown("empty")
                out.append(_as_text(v))
        return Str("".join(out))

    def _ev_number(self, node, mod, scope, depth):
        try:
            return Num(float(mod.text(node).replace("_", "")))
        except ValueError:
            return Unknown("a number literal")

    def _ev_true(self, node, mod, scope, depth):
        return Bool(True)

    def _ev_false(self, node, mod, scope, depth):
        return Bool(False)

    def _ev_null(self, node, mod, scope, depth):
        return Null()

    def _ev_identifier(self, node, mod, scope, depth):
        name = mod.text(node)
        if name == "undefined":
            return Null()
        return self.lookup(name, node, mod, scope, depth + 1)

    def _ev_paren(self, node, mod, scope, depth):
        inner = [c for c in node.named_children if c.type != "comment"]
        return self.eval(inner[-1], mod, scope, depth + 1) if inner else Unknown("empty parentheses")

    def _ev_wrapped(self, node, mod, scope, depth):
        # `x!`, `x as T`, `x satisfies T`, `<T>x`, `await x`: the value of x.
        inner = [c for c in node.named_children if c.type not in ("type_annotation", "type_identifier",
                                                                      "predefined_type", "generic_type",
                                                                      "object_type", "union_type",
                                                                      "literal_type", "type_arguments",
                                                                      "array_type", "comment")]
        if not inner:
            return Unknown("empty expression")
        return self.eval(inner[0], mod, scope, depth + 1)

    def _ev_binary(self, node, mod, scope, depth):
        op_node = node.child_by_field_name("operator")
        op = mod.text(op_node) if op_node is not None else ""
        left = self.eval(node.child_by_field_name("left"), mod, scope, depth + 1)
        if op in ("||", "??"):
            # `process.env.KEY || ''` is the env read; `process.env.BASE || 'https://…'` is that
            # default unless configured: keep both facts.
            if isinstance(left, EnvRef):
                right = self.eval(node.child_by_field_name("right"), mod, scope, depth + 1)
                if isinstance(right, Str) and right.text:
                    return EnvDefault(right.text, left.name)
                return left
            if isinstance(left, (Func, Obj)) or (isinstance(left, Str) and left.text):
                return left
            return self.eval(node.child_by_field_name("right"), mod, scope, depth + 1)
        right = self.eval(node.child_by_field_name("right"), mod, scope, depth + 1)
        if op == "+" and (isinstance(left, Str) or isinstance(right, Str)):
            return Str(_as_text(left) + _as_text(right))
        if op == "&&":
            return right
        return Unknown(f"the result of '{op}'")

    def _ev_ternary(self, node, mod, scope, depth):
        cons = self.eval(node.child_by_field_name("consequence"), mod, scope, depth + 1)
        alt = self.eval(node.child_by_field_name("alternative"), mod, scope, depth + 1)
        if cons == alt:
            return cons
        if isinstance(cons, Str) and isinstance(alt, Str):
            return Str(HOLE)
        return Unknown("a value chosen at run time (conditional expression)")

    def _ev_member(self, node, mod, scope, depth):
        obj_node = node.child_by_field_name("object")
        prop_node = node.child_by_field_name("property")
        if obj_node is None or prop_node is None:
            return Unknown("member access")
        prop = mod.text(prop_node)
        if _is_process_env(obj_node, mod):
            return EnvRef(prop)
        obj = self.eval(obj_node, mod, scope, depth + 1)
        return self.get_prop(obj, prop, depth + 1)

    def _ev_subscript(self, node, mod, scope, depth):
        obj_node = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        if obj_node is None or index is None:
            return Unknown("subscript")
        key = self.eval(index, mod, scope, depth + 1)
        if not (isinstance(key, Str) and key.exact):
            return Unknown("a property chosen at run time")
        if _is_process_env(obj_node, mod):
            return EnvRef(key.text)
        return self.get_prop(self.eval(obj_node, mod, scope, depth + 1), key.text, depth + 1)

    def _ev_object(self, node, mod, scope, depth):
        props: dict[str, Thunk] = {}
        open_ = False
        for child in node.named_children:
            t = child.type
            if t == "pair":
                key_node = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                key = self._prop_key(key_node, mod, scope, depth)
                if key is None:
                    open_ = True
                elif value is not None:
                    props[key] = Thunk(value, mod, scope)
            elif t == "shorthand_property_identifier":
                props[mod.text(child)] = Thunk(child, mod, scope)
            elif t == "method_definition":
                name = child.child_by_field_name("name")
                if name is not None:
                    props[mod.text(name).strip("'\"")] = Thunk(None, mod, scope, value=Func(child, mod, scope))
            elif t == "spread_element":
                inner = child.named_children[0] if child.named_children else None
                spread = self.eval(inner, mod, scope, depth + 1) if inner is not None else Unknown("spread")
                if isinstance(spread, Obj):
                    props.update(spread.props)
                    open_ = open_ or spread.open
                elif not isinstance(spread, Null):
                    open_ = True
        return Obj(props, open_, node, mod)

    def _prop_key(self, key_node, mod, scope, depth) -> str | None:
        if key_node is None:
            return None
        if key_node.type in ("property_identifier", "identifier", "number"):
            return mod.text(key_node)
        if key_node.type == "string":
            return string_value(mod, key_node)
        if key_node.type == "computed_property_name" and key_node.named_children:
            v = self.eval(key_node.named_children[0], mod, scope, depth + 1)
            if isinstance(v, Str) and v.exact:
                return v.text
        return None

    def _ev_call(self, node, mod, scope, depth):
        return self.call_value(node, mod, scope, depth + 1)

    def _ev_new(self, node, mod, scope, depth):
        ctor = node.child_by_field_name("constructor")
        args = call_args(node)
        name = mod.text(ctor) if ctor is not None else ""
        if name in ("Headers", "Map") and args:
            return self.eval(args[0], mod, scope, depth + 1)
        if name == "URL" and args:
            path = self.eval(args[0], mod, scope, depth + 1)
            if len(args) > 1 and isinstance(path, Str) and path.text.startswith("/"):
                base = self.eval(args[1], mod, scope, depth + 1)
                return Str(_origin(_as_text(base)) + path.text)
            return path
        return Unknown(f"a new {name or 'object'}")

    def _ev_array(self, node, mod, scope, depth):
        return Unknown("an array")

    # ------------------------------------------------------------------ properties
    def get_prop(self, obj: Value, prop: str, depth: int = 0) -> Value:
        if isinstance(obj, Obj):
            thunk = obj.props.get(prop)
            if thunk is None:
                return Unknown(f"property '{prop}' of an object with unknown spread") if obj.open else Null()
            return self.force(thunk, depth + 1)
        if isinstance(obj, Namespace):
            return self.module_export(obj.path, prop)
        if isinstance(obj, External):
            if obj.name in ("process.env", "import.meta.env"):
                return EnvRef(prop)  # `const { KEY } = process.env`
            return External(f"{obj.name}.{prop}")
        if isinstance(obj, EnvRef):
            return Unknown(f"a property of env var {obj.name}")
        if isinstance(obj, Unknown):
            # `env.TAVUS_API_KEY` from a validated env module (t3-env, zod): the name is the env var.
            return Unknown(obj.reason) if not prop.isupper() else _EnvLike(prop, obj.reason)
        if isinstance(obj, Null):
            return Unknown(f"property '{prop}' of null")
        return Unknown(f"property '{prop}'")

    # ------------------------------------------------------------------ calls
    def call_value(self, node: Any, mod: Module, scope: Scope | None, depth: int = 0) -> Value:
        """The value a call returns, as far as it can be known."""
        fn_node = node.child_by_field_name("function")
        if fn_node is None:
            return Unknown("a call")
        callee = self.eval(fn_node, mod, scope, depth + 1)
        args = call_args(node)
        if isinstance(callee, External):
            short = callee.name.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
            if short in PASS_THROUGH and args:
                return self.eval(args[0], mod, scope, depth + 1)
            if short == "useMemo" and args:
                inner = self.eval(args[0], mod, scope, depth + 1)
                return self.return_value(inner, [], depth + 1) if isinstance(inner, Func) else inner
            if short in ("String", "encodeURIComponent", "encodeURI") and args:
                v = self.eval(args[0], mod, scope, depth + 1)
                return v if isinstance(v, Str) else Str(HOLE)
            if short == "stringify":
                return Str(HOLE)
            if short in ("create", "extend") and callee.name.split(":")[0] in HTTP_CLIENTS:
                # `axios.create({ baseURL, headers })`: a client whose requests carry both.
                config = self.eval(args[0], mod, scope, depth + 1) if args else Null()
                return HttpClient(config if isinstance(config, Obj) else None, self)
            if short in ("useContext", "use") and args:
                provided = self.context_value(args[0], mod, depth + 1)
                if provided is not None:
                    return provided
            if short in ("useRef", "createRef") and args:
                # `ref.current` reads back what the ref was created with (the usual handler-ref idiom).
                return Obj({"current": Thunk(args[0], mod, scope)}, open=False, node=node, module=mod)
            # An unknown wrapper around a function (`withSentry(handler)`) is taken to call it.
            for a in args:
                inner = self.eval(a, mod, scope, depth + 1)
                if isinstance(inner, Func):
                    return inner
            return Unknown(f"the result of {callee.name.replace(':', ' ')}()")
        if isinstance(callee, Func):
            return self.return_value(callee, [Thunk(a, mod, scope) for a in args], depth + 1)
        if isinstance(callee, Str) or isinstance(callee, Unknown):
            return Unknown(f"the result of calling {mod.text(fn_node)[:60]}")
        return Unknown("the result of a call")

    def bind(self, func: Func, args: list[Thunk]) -> Scope:
        params_node = func.node.child_by_field_name("parameters")
        bindings: dict[str, Thunk] = {}
        params = list(params_node.named_children) if params_node is not None else []
        if params_node is None:
            single = func.node.child_by_field_name("parameter")
            params = [single] if single is not None else []
        params = [p for p in params if p.type != "comment"]
        for i, p in enumerate(params):
            arg = args[i] if i < len(args) else None
            pat = p.child_by_field_name("pattern") if p.type in ("required_parameter", "optional_parameter") else p
            if pat is None:
                continue
            default = None
            if pat.type == "assignment_pattern":
                default = pat.child_by_field_name("right")
                pat = pat.child_by_field_name("left")
            elif p.type in ("required_parameter", "optional_parameter") and p.child_by_field_name("value"):
                default = p.child_by_field_name("value")
            if arg is None and default is not None:
                arg = Thunk(default, func.module, func.scope)
            if arg is None:
                arg = Thunk(None, func.module, None, value=Null())
            if pat.type == "identifier":
                bindings[func.module.text(pat)] = arg
            elif pat.type == "object_pattern":
                for ident in pattern_names(pat):
                    name = func.module.text(ident)
                    prop = _destructured_prop(pat, name, func.module)
                    if prop is not None:
                        bindings[name] = Thunk(arg.node, arg.module, arg.scope, prop=prop,
                                               value=arg.value) if arg.prop is None else \
                            Thunk(None, func.module, None, value=Unknown("nested destructuring"))
        return Scope(func.node.id, bindings, func.scope)

    def return_value(self, func: Func, args: list[Thunk], depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return Unknown("calls nest too deeply to follow")
        scope = self.bind(func, args)
        body = func.node.child_by_field_name("body")
        if body is None:
            return Unknown("a function without a body")
        if body.type != "statement_block":
            return self.eval(body, func.module, scope, depth + 1)
        returns = list(_returns(body))
        if not returns:
            return Null()
        last = returns[-1]
        inner = [c for c in last.named_children if c.type != "comment"]
        if not inner:
            return Null()
        return self.eval(inner[0], func.module, scope, depth + 1)

    def callee_functions(self, call: Any, mod: Module, scope: Scope | None) -> tuple[list[Func], str | None]:
        """Functions a call may run, and what could not be followed (None if nothing)."""
        fn_node = call.child_by_field_name("function") if call.type == "call_expression" else None
        if fn_node is None:
            return [], None
        callee = self.eval(fn_node, mod, scope)
        text = mod.text(fn_node)[:60]
        if isinstance(callee, Func):
            return [callee], None
        if isinstance(callee, Unknown) and _worth_reporting(callee):
            return [], f"{text}() ({callee.reason})"
        return [], None

    # ------------------------------------------------------------------ reachability
    def reach(self, func: Func, args: list[Thunk] | None = None, *, max_depth: int = MAX_CALL_DEPTH) -> Reach:
        """Every request `func` can make, following calls into other functions and modules."""
        out = Reach()
        seen: set[tuple[str, int]] = set()
        self._reach(func, args or [], out, seen, (), max_depth)
        return out

    def _reach(self, func: Func, args: list[Thunk], out: Reach, seen: set, via: tuple[str, ...], budget: int) -> None:
        if func.key in seen or budget <= 0:
            return
        seen.add(func.key)
        out.functions.append(func)
        scope = self.bind(func, args)
        mod = func.module
        for call in calls_within(func.node, mod):
            out.calls.append((call, mod))
            req = self.as_request(call, mod, scope, via)
            if req is not None:
                out.requests.append(req)
                continue
            if call.type != "call_expression":
                continue
            targets, problem = self.callee_functions(call, mod, scope)
            if problem:
                out.unresolved.append(f"{mod.repo_path}:{mod.location(call).line}: {problem}")
            arg_thunks = [Thunk(a, mod, scope) for a in call_args(call)]
            name = mod.text(call.child_by_field_name("function"))[:40]
            for target in targets:
                self._reach(target, arg_thunks, out, seen, via + (f"{name}() at {mod.location(call)}",), budget - 1)
            # Functions handed to a call (`then(() => ...)`, `startTransition(() => ...)`) run too.
            for a in call_args(call):
                if a.type in FUNCTION_TYPES:
                    continue  # lexically inside: already walked by calls_within
                if a.type == "identifier" and not targets:
                    v = self.eval(a, mod, scope)
                    if isinstance(v, Func):
                        self._reach(v, [], out, seen, via, budget - 1)

    def as_request(self, call: Any, mod: Module, scope: Scope | None, via: tuple[str, ...] = ()) -> Request | None:
        if call.type != "call_expression":
            return None
        fn_node = call.child_by_field_name("function")
        if fn_node is None:
            return None
        name = mod.text(fn_node).replace("?.", ".").replace(" ", "")
        args = call_args(call)
        if name in ("fetch", "window.fetch", "globalThis.fetch", "self.fetch") and \
                self.find_decl("fetch", call, mod) is None:
            url = self.eval(args[0], mod, scope) if args else Unknown("fetch without a URL")
            opts = self.eval(args[1], mod, scope) if len(args) > 1 else None
            method = self._method(opts, "GET")
            return Request("fetch", call, mod, scope, url, opts, method, via)
        if name.endswith("navigator.sendBeacon") or name == "sendBeacon":
            url = self.eval(args[0], mod, scope) if args else Unknown("sendBeacon without a URL")
            return Request("beacon", call, mod, scope, url, None, "POST", via)
        head, _, verb = name.rpartition(".")
        if verb in ("get", "post", "put", "patch", "delete") and fn_node.type == "member_expression":
            base = self.eval(fn_node.child_by_field_name("object"), mod, scope)
            library = isinstance(base, External) and head.split(".")[-1] in HTTP_CLIENTS
            if library or isinstance(base, HttpClient):
                url = self.eval(args[0], mod, scope) if args else Unknown("no URL")
                opts_i = 2 if verb in ("post", "put", "patch") else 1
                opts = self.eval(args[opts_i], mod, scope) if len(args) > opts_i else None
                if isinstance(base, HttpClient):
                    url, opts = base.apply(url, opts)
                return Request("axios", call, mod, scope, url, opts, verb.upper(), via)
        return None

    def _method(self, opts: Value, default: str) -> str | Unknown:
        if opts is None or isinstance(opts, Null):
            return default
        if not isinstance(opts, Obj):
            return Unknown("request options built at run time")
        if "method" not in opts.props:
            return Unknown("method from an unknown spread") if opts.open else default
        m = self.force(opts.props["method"])
        if isinstance(m, Str) and m.exact:
            return m.text.upper()
        return Unknown("method chosen at run time")


# ---------------------------------------------------------------------------- helpers
class _EnvLike(Unknown):
    """`x.TAVUS_API_KEY` on an object we cannot see into (a validated env module)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason)
        object.__setattr__(self, "env_name", name)


def env_name(value: Value) -> str | None:
    if isinstance(value, EnvRef):
        return value.name
    if isinstance(value, EnvDefault):
        return value.env
    if isinstance(value, _EnvLike):
        return value.env_name  # type: ignore[attr-defined]
    return None


def _component_name(fn: Any, mod: Module) -> str | None:
    """The name a function is rendered under, if it looks like a React component."""
    name_node = fn.child_by_field_name("name")
    if name_node is None and fn.parent is not None and fn.parent.type == "variable_declarator":
        name_node = fn.parent.child_by_field_name("name")
    if name_node is None and fn.parent is not None and fn.parent.type == "arguments":
        call = fn.parent.parent  # forwardRef(function ...) / memo(...)
        decl = call.parent if call is not None else None
        if decl is not None and decl.type == "variable_declarator":
            name_node = decl.child_by_field_name("name")
    if name_node is None:
        return None
    name = mod.text(name_node)
    return name if name[:1].isupper() else None


def _jsx_attr_nodes(mod: Module, el: Any) -> dict[str, Any]:
    opening = el if el.type == "jsx_self_closing_element" else el.child_by_field_name("open_tag")
    out: dict[str, Any] = {}
    if opening is None:
        return out
    for attr in opening.named_children:
        if attr.type == "jsx_attribute" and len(attr.named_children) > 1:
            value = attr.named_children[1]
            if value.type == "jsx_expression":
                inner = [c for c in value.named_children if c.type != "comment"]
                if not inner:
                    continue
                value = inner[0]
            out[mod.text(attr.named_children[0])] = value
    return out


def _global(name: str) -> Value:
    return External(name)


def _worth_reporting(value: Unknown) -> bool:
    r = value.reason
    return r.startswith(("parameter", "import", "syntax error", "'")) and "destructured from an array" not in r


def _as_text(value: Value) -> str:
    if isinstance(value, Str):
        return value.text
    if isinstance(value, Num):
        v = value.value
        return str(int(v)) if v == int(v) else str(v)
    if isinstance(value, Bool):
        return "true" if value.value else "false"
    return HOLE


def _origin(url: str) -> str:
    if "://" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return url.rstrip("/") if url else HOLE


def _is_process_env(node: Any, mod: Module) -> bool:
    text = mod.text(node).replace(" ", "")
    return text in ("process.env", "import.meta.env", "globalThis.process.env")


def call_args(call: Any) -> list[Any]:
    """The argument nodes of a call (comments left out)."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def _destructured_prop(pattern: Any, name: str, mod: Module) -> str | None:
    for child in pattern.named_children:
        t = child.type
        if t == "shorthand_property_identifier_pattern" and mod.text(child) == name:
            return name
        if t == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None and mod.text(left) == name:
                return name
        if t == "pair_pattern":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if value is not None and any(mod.text(i) == name for i in pattern_names(value)) and key is not None:
                return string_value(mod, key) if key.type == "string" else mod.text(key)
    return None


def _returns(body: Any) -> Iterator[Any]:
    """Return statements of a function body, not of functions nested in it."""
    stack = [body]
    while stack:
        n = stack.pop()
        for c in n.named_children:
            if c.type == "return_statement":
                yield c
            elif c.type not in FUNCTION_TYPES and c.type != "class_declaration":
                stack.append(c)


def calls_within(fn_node: Any, mod: Module) -> list[Any]:
    """Calls that run when the function runs, in source order.

    Callbacks handed to a call (`then(() => ...)`, `setTimeout(() => ...)`) count;
    functions only defined inside it (a hook's returned `end`, a JSX handler) do
    not: calling the hook does not run them.
    """
    s, e = fn_node.start_byte, fn_node.end_byte
    out = []
    for c in mod.calls:
        if s <= c.start_byte and c.end_byte <= e and c.id != fn_node.id and _runs_with(c, fn_node):
            out.append(c)
    return out


def _runs_with(call: Any, fn_node: Any) -> bool:
    node = call.parent
    while node is not None and node.id != fn_node.id:
        if node.type in FUNCTION_TYPES:
            parent = node.parent
            if parent is None or parent.type not in ("arguments", "parenthesized_expression"):
                return False
        node = node.parent
    return True


_EVAL = {
    "string": Evaluator._ev_string,
    "template_string": Evaluator._ev_template,
    "number": Evaluator._ev_number,
    "true": Evaluator._ev_true,
    "false": Evaluator._ev_false,
    "null": Evaluator._ev_null,
    "undefined": Evaluator._ev_null,
    "identifier": Evaluator._ev_identifier,
    "shorthand_property_identifier": Evaluator._ev_identifier,
    "parenthesized_expression": Evaluator._ev_paren,
    "non_null_expression": Evaluator._ev_wrapped,
    "as_expression": Evaluator._ev_wrapped,
    "satisfies_expression": Evaluator._ev_wrapped,
    "type_assertion": Evaluator._ev_wrapped,
    "await_expression": Evaluator._ev_wrapped,
    "binary_expression": Evaluator._ev_binary,
    "ternary_expression": Evaluator._ev_ternary,
    "member_expression": Evaluator._ev_member,
    "subscript_expression": Evaluator._ev_subscript,
    "object": Evaluator._ev_object,
    "call_expression": Evaluator._ev_call,
    "new_expression": Evaluator._ev_new,
    "array": Evaluator._ev_array,
}
