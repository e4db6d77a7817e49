"""Small questions about the syntax tree that the evaluator and the rules both ask."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Iterator

from sop_check.jsmodule import FUNCTION_TYPES, Module

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node


def call_args(call: Node) -> list[Node]:
    """The argument nodes of a call (comments left out)."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def returns(body: Node) -> Iterator[Node]:
    """Return statements of a function body, not of functions or classes nested in it."""
    stack = [body]
    while stack:
        n = stack.pop()
        for c in n.named_children:
            if c.type == "return_statement":
                yield c
            elif c.type not in FUNCTION_TYPES and c.type != "class_declaration":
                stack.append(c)


def main_return(body: Node) -> Node | None:
    """The `return` whose value a call of the function is taken to have: the first one written
    directly in the body (the path through it; code after it never runs), else, when every return
    is nested, the first in source order (a `try`'s before its `catch`'s). Returns nested in an
    `if` before a top-level one are early exits (`if (!id) return null; return url`): taking one
    of them read the guard's value as the function's."""
    for c in body.named_children:  # no `.parent` test: tree-sitter walks from the root for each
        if c.type == "return_statement":
            return c
    return min(returns(body), key=lambda r: r.start_byte, default=None)


def returned_expression(ret: Node) -> Node | None:
    """The expression a `return` statement returns, or None for a bare `return`."""
    inner = [c for c in ret.named_children if c.type != "comment"]
    return inner[0] if inner else None


def ancestors(node: Node, top: Node) -> list[Node]:
    """The nodes from `top` down to `node`'s parent (empty if `node` is `top` or not under it).

    Found by descending from `top`: tree-sitter has no parent pointers, so each `.parent`
    searches from the root, and walking up a deep tree that way is quadratic in its depth.
    """
    chain: list[Node] = []
    cur: Node | None = top
    while cur is not None and cur.id != node.id:
        chain.append(cur)
        cur = cur.child_with_descendant(node)
    return chain if cur is not None else []


def is_process_env(node: Node, mod: Module) -> bool:
    text = mod.text(node).replace(" ", "")
    return text in ("process.env", "import.meta.env", "globalThis.process.env")


class CallIndex:
    """Which calls lie inside a function, found by bisecting each module's calls (kept in source order)."""

    def __init__(self) -> None:
        self._starts: dict[str, list[int]] = {}
        self._within: dict[tuple[str, int], list[Node]] = {}

    def calls_within(self, fn_node: Node, mod: Module) -> list[Node]:
        """Calls that run when the function runs, in source order.

        Callbacks handed to a call (`then(() => ...)`, `setTimeout(() => ...)`) count;
        functions only defined inside it (a hook's returned `end`, a JSX handler) do
        not: calling the hook does not run them.
        """
        key = (mod.path, fn_node.id)
        found = self._within.get(key)
        if found is not None:
            return found
        starts = self._starts.get(mod.path)
        if starts is None or len(starts) != len(mod.calls):
            starts = self._starts[mod.path] = [c.start_byte for c in mod.calls]
        s, e = fn_node.start_byte, fn_node.end_byte
        found = []
        for i in range(bisect.bisect_left(starts, s), bisect.bisect_right(starts, e)):
            c = mod.calls[i]
            if c.end_byte <= e and c.id != fn_node.id and runs_with(c, fn_node):
                found.append(c)
        self._within[key] = found
        return found


def calls_within(fn_node: Node, mod: Module) -> list[Node]:
    """`CallIndex.calls_within` without a shared index (for one-off questions)."""
    return CallIndex().calls_within(fn_node, mod)


def runs_with(call: Node, fn_node: Node) -> bool:
    """Does `call` run when `fn_node` runs (no function boundary between them but callbacks)?"""
    chain = ancestors(call, fn_node)
    for i in range(len(chain) - 1, 0, -1):  # from the call's parent up to, not including, fn_node
        if chain[i].type in FUNCTION_TYPES and chain[i - 1].type not in ("arguments", "parenthesized_expression"):
            return False
    return True


_OWN_THIS = frozenset({"function_declaration", "function_expression", "function", "method_definition",
                       "generator_function_declaration", "generator_function"})  # arrows take the outer `this`


def this_owner(node: Node, mod: Module) -> Node | None:
    """What `this` at `node` refers to the receiver of: the nearest enclosing method or function
    (arrow functions do not have their own), or the class whose field initialiser it is in."""
    for anc in reversed(ancestors(node, mod.root)):
        if anc.type in _OWN_THIS:
            return anc
        if anc.type == "class_body":
            return anc.parent
    return None
