"""`check --fix`: repairs declared by the rules, applied only when a re-check proves them.

- `recipe`: what a rule declares beside its check (`fixes = {kind: FixRecipe(...)}`) and how a
  finding gets its `Fix` (`attach_fixes`, called by the engine after each rule).
- `style` and `edits`: the kit recipes build their edits with (minimal text edits at
  tree-sitter byte ranges, in the file's own indentation, quotes, semicolons and line endings).
- `apply`: edits applied to bytes; overlapping edits of different fixes are a conflict.
- `session`: the loop (choose fixes, apply them in memory, re-parse, re-check the whole app over
  an overlay, keep a fix only if its finding is gone and nothing got worse) and its outcomes.
- `write`: atomic writes inside the app root, never through a symbolic link, mode and encoding kept.
- `diff`: the unified diff `--diff` prints, with secrets and env values masked.

The data every consumer sees (`Fix`, `Edit`, `Applicability`) is `sop_check.fixes`.
"""
