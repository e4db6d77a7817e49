"""TypeScript / TSX / JavaScript through tree-sitter. Imported lazily: start-up stays lean.

The grammar follows the extension (field notes): `.ts/.mts/.cts` use the TypeScript
grammar (where `<T>x` casts are legal), everything else the TSX grammar.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

TS_EXTENSIONS = (".ts", ".mts", ".cts")
TSX_EXTENSIONS = (".tsx", ".jsx", ".js", ".mjs", ".cjs")
CODE_EXTENSIONS = TS_EXTENSIONS + TSX_EXTENSIONS


@lru_cache(maxsize=2)
def _parser(dialect: str) -> Any:
    import tree_sitter
    import tree_sitter_typescript

    raw = tree_sitter_typescript.language_typescript() if dialect == "ts" else tree_sitter_typescript.language_tsx()
    return tree_sitter.Parser(tree_sitter.Language(raw))


def dialect_for(path: str) -> str:
    return "ts" if path.endswith(TS_EXTENSIONS) else "tsx"


def parse(source: bytes, path: str) -> Any:
    """Parse `source` and return the tree. tree-sitter never raises on bad syntax:
    it returns a tree with ERROR nodes, which callers must treat as not evidence."""
    return _parser(dialect_for(path)).parse(source)


_QUERIES: dict[Any, Any] = {}


def collect_query(language: Any) -> Any:
    """The query for `jsmodule._COLLECT`'s node types in this grammar (compiled once; the TS grammar has no JSX)."""
    query = _QUERIES.get(language)
    if query is None:
        import tree_sitter

        source = "[(call_expression) (new_expression)] @call (comment) @comment (assignment_expression) @assignment"
        if language.id_for_node_kind("jsx_element", True):
            source += " [(jsx_element) (jsx_self_closing_element)] @jsx"
        query = _QUERIES[language] = tree_sitter.Query(language, source)
    return query


def types_query(language: Any, types: frozenset[str]) -> Any:
    """A query capturing every node of `types` as `n` (compiled once per grammar and set)."""
    query = _QUERIES.get((language, types))
    if query is None:
        import tree_sitter

        known = sorted(t for t in types if language.id_for_node_kind(t, True))  # the TS grammar has no JSX
        source = "[" + " ".join(f"({t})" for t in known) + "] @n" if known else "(ERROR) @unused"
        query = _QUERIES[(language, types)] = tree_sitter.Query(language, source)
    return query


def preorder(node: Any) -> tuple[int, int]:
    """Sort key giving a walk's pre-order (an enclosing node first) to query captures."""
    return node.start_byte, -node.end_byte
