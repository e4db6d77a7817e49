"""`sop-check server`: the findings in the editor, as you type (installed with `sop-check[lsp]`).

`checker` runs the engine over the open buffers (no LSP in it); `diagnostics` and `actions`
turn its reports into LSP data; `scheduler` debounces edits and supersedes stale runs;
`server` wires them to pygls. Only `server` imports pygls, and only `sop-check server` imports it.
"""
