"""`@record` behaves like the dataclass features the project relies on."""

from __future__ import annotations

from dataclasses import field

import pytest

from sop_check.records import record


@record(frozen=True)
class Point:
    x: int
    y: int = 0


@record
class Bag:
    name: str
    items: list[int] = field(default_factory=list)
    seen: bool = False

    def __post_init__(self) -> None:
        self.seen = True


@record(frozen=True)
class Point3(Point):
    z: int = 5


def test_init_defaults_factories_and_post_init() -> None:
    assert Point(1).y == 0 and Point(1, y=2).y == 2
    a, b = Bag("a"), Bag("b")
    a.items.append(1)
    assert b.items == [] and a.seen
    assert Point3(1, 2).z == 5 and Point3(1, 2, 3).z == 3


def test_eq_hash_repr() -> None:
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert len({Point(1, 2), Point(1, 2)}) == 1
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    with pytest.raises(TypeError):
        hash(Bag("x"))
    assert Point(1, 2) != Point3(1, 2, 5)


def test_bad_arguments_raise() -> None:
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1, 2, 3)
    with pytest.raises(TypeError):
        Point(1, w=3)
