"""Metamorphic testing of sop-check: rewrite compliant projects without changing what they do
(every verdict must stay) and with one deliberate defect (exactly the rules it breaks must flip).

Modules: `source` (projects in memory, tree-sitter trees, byte-range edits), `names` (bindings
and renaming), `catalogue` (the registry), `rewrites_*` (preserving transformations),
`breaking` (defect-introducing ones), `corpus` (the compliant projects), `runner` (verdicts, run
in-process). Importing the package registers every transformation.
"""

from metamorphic import breaking, rewrites_modules, rewrites_names, rewrites_react, rewrites_requests, rewrites_syntax

__all__ = ["breaking", "rewrites_modules", "rewrites_names", "rewrites_react", "rewrites_requests", "rewrites_syntax"]
