"""What several rules' fix recipes share: finding the code a finding names again, and editing
the options object of a request (`fetch(url, { ... })`).

A recipe re-derives what it edits from the analyses its rule already made (memoised in the
app index), matched on the finding's location: rule bodies stay as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Iterable, TypeVar

from sop_check.context import CheckContext
from sop_check.evaluate import Request, call_args
from sop_check.fixes import Edit
from sop_check.fixing.edits import CodeFile, find_property
from sop_check.model import Location

T = TypeVar("T")


def same_place(a: Location, b: Location) -> bool:
    return a.path == b.path and a.line == b.line and a.column == b.column


def at(items: Iterable[T], location: Location, where: Callable[[T], Location]) -> T | None:
    """The item whose location is the finding's."""
    return next((item for item in items if same_place(where(item), location)), None)


def request_at(requests: Iterable[Request], location: Location) -> Request | None:
    return at(requests, location, lambda r: r.location)


@lru_cache(maxsize=1)
def fix_data() -> dict[str, Any]:
    """The pack's `[fixes]` table: what fixes write. Never from config (a repository's config must
    not choose the code a fix writes, nor where that code sends a key)."""
    from sop_check.registry import pack_data

    return dict(pack_data().get("fixes", {}))


def pack_option(name: str) -> Any:
    """A shared option's default from the pack (not the config), for code a fix writes."""
    from sop_check.registry import pack_data

    return pack_data()["options"][name]


def set_option(file: CodeFile, call: Any, name: str, value: str,
               keep: Callable[[str], bool] = lambda _text: False) -> tuple[Edit, ...] | None:
    """Make the request options of `call` (its second argument) hold `name: value` (canonical
    code). An options literal gets the property (or its value replaced, unless `keep(old value
    text)`); options from elsewhere are spread into a new literal; no options become one."""
    args = call_args(call)
    if not args:
        return None
    member = file.code(f"{name}: {value}", "properties")
    if len(args) == 1:
        return (file.insert(args[0].end_byte, ", { " + member + " }"),)
    options = args[1]
    if options.type == "object":
        pair = find_property(file, options, name)
        if pair is None:
            return file.add_property(options, f"{name}: {value}")
        if pair.type != "pair":
            return None  # a shorthand `{ keepalive }`: its variable is what to change, not this call
        current = pair.child_by_field_name("value")
        if current is None or keep(file.text(current)):
            return None
        return (file.replace(current, file.code(value, "expression")),)
    if options.type in ("identifier", "member_expression", "call_expression", "parenthesized_expression"):
        return (file.replace(options, "{ ..." + file.text(options) + ", " + member + " }"),)
    return None


def append_lines(ctx: CheckContext, app_path: str, lines: list[str], create: bool = False) -> Edit | None:
    """`lines` added at the end of a plain-text file of the app (an env template, a .gitignore), in
    its line endings; with `create`, a file that does not exist is created with them."""
    from sop_check.fixing.recipe import current_bytes

    index = ctx.app
    exists = index.has_file(app_path) or app_path in index.env_names or index.source.is_file(index.root / app_path)
    data = current_bytes(index, app_path) if exists else None
    if data is None and (exists or not create):
        return None
    data = data or b""
    nl = "\r\n" if b"\r\n" in data else "\n"
    lead = nl if data and not data.endswith(b"\n") else ""
    return Edit(index.repo_path(app_path), len(data), len(data), lead + "".join(line + nl for line in lines))


def stringified_literal(file: CodeFile, call: Any) -> Any:
    """The object literal in `body: JSON.stringify({...})` of the call's own options literal."""
    args = call_args(call)
    pair = find_property(file, args[1], "body") if len(args) > 1 and args[1].type == "object" else None
    value = pair.child_by_field_name("value") if pair is not None and pair.type == "pair" else None
    if value is None or value.type != "call_expression" or \
            not file.text(value.child_by_field_name("function")).endswith("JSON.stringify"):
        return None
    inner = call_args(value)
    return inner[0] if inner and inner[0].type == "object" else None
