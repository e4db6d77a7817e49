"""`@record`: the part of `@dataclass` this project uses, without generating code at import time.

`dataclasses` compiles an `__init__`, `__repr__`, `__eq__` (and more) for every class with
`exec`; for the ~45 small classes here that was a fifth of a pre-commit run (profiled:
29 ms of 120 ms). These generic methods cost a microsecond more per object and nothing
at import. Fields are read from annotations in MRO order; defaults are class attributes
or `dataclasses.field(default=..., default_factory=...)`.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, field
from typing import Any, Callable, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = False, eq: bool = True, repr: bool = True) -> Callable[[type[T]], type[T]]: ...


# Type checkers read records as dataclasses (fields, keyword arguments, defaults): without this,
# every record constructor was `Any` to mypy.
@dataclass_transform(eq_default=True, field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = False, eq: bool = True,
           repr: bool = True) -> type[T] | Callable[[type[T]], type[T]]:  # noqa: A002 - mirrors dataclass
    def wrap(klass: type[T]) -> type[T]:
        return _build(klass, frozen=frozen, eq=eq, want_repr=repr)

    return wrap if cls is None else wrap(cls)


def _fields(klass: type) -> tuple[list[str], dict[str, Any], dict[str, Callable[[], Any]]]:
    names: list[str] = []
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for base in reversed(klass.__mro__):
        for name, ann in base.__dict__.get("__annotations__", {}).items():
            if isinstance(ann, str) and ann.startswith(("ClassVar", "typing.ClassVar")):
                continue
            if name not in names:
                names.append(name)
            value = base.__dict__.get(name, MISSING)
            if isinstance(value, Field):
                if value.default_factory is not MISSING:
                    factories[name] = value.default_factory
                    defaults.pop(name, None)
                elif value.default is not MISSING:
                    defaults[name] = value.default
                    factories.pop(name, None)
            elif value is not MISSING:
                defaults[name] = value
                factories.pop(name, None)
    return names, defaults, factories


def _build(klass: type[T], *, frozen: bool, eq: bool, want_repr: bool) -> type[T]:
    names, defaults, factories = _fields(klass)
    count = len(names)
    setter = object.__setattr__
    post_init = getattr(klass, "__post_init__", None)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > count:
            raise TypeError(f"{klass.__name__}() takes {count} arguments, got {len(args)}")
        for name, value in zip(names, args):
            setter(self, name, value)
        for name in names[len(args):]:
            if name in kwargs:
                setter(self, name, kwargs.pop(name))
            elif name in defaults:
                setter(self, name, defaults[name])
            elif name in factories:
                setter(self, name, factories[name]())
            else:
                raise TypeError(f"{klass.__name__}() missing argument '{name}'")
        if kwargs:
            raise TypeError(f"{klass.__name__}() got unexpected argument '{next(iter(kwargs))}'")
        if post_init is not None:
            post_init(self)

    def _values(self: Any) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in names)

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{type(self).__name__}({inner})"

    def __eq__(self: Any, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _values(self) == _values(other)

    def __hash__(self: Any) -> int:
        return hash((self.__class__, _values(self)))

    own = klass.__dict__
    for name in names:  # class attributes that were defaults must not shadow instance values' lookup
        if name in own and isinstance(own[name], Field):
            delattr(klass, name)
    if "__init__" not in own:
        klass.__init__ = __init__  # type: ignore[method-assign]  # generated, like dataclass's
    if want_repr and "__repr__" not in own:
        klass.__repr__ = __repr__  # type: ignore[method-assign]  # generated, like dataclass's
    if eq and "__eq__" not in own:
        klass.__eq__ = __eq__  # type: ignore[method-assign]  # generated, like dataclass's
        klass.__hash__ = __hash__ if frozen else None  # type: ignore[assignment]  # None: unhashable, as dataclass
    return klass
