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
