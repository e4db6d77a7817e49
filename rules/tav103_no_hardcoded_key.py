"""TAV103 no-hardcoded-key: no literal Tavus API key in source files."""

from __future__ import annotations

from sop_check.context import CheckContext
from sop_check.model import Message, RuleResult, Severity, Status
from sop_check.rule import Example, Rule

from sop_check_rules._python_facts import string_assignments
from sop_check_rules._security import all_modules, key_like_name, looks_like_key, python_modules, string_literal

PKG = '{"dependencies": {"next": "15.0.0"}}'
FAKE = "tvs_" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0"  # built at run time: this repo must not trip TAV103 itself


class NoHardcodedKey(Rule):
    code = "TAV103"
    name = "no-hardcoded-key"
    summary = "No literal Tavus API key in source files"
    severity = Severity.ERROR
    preview = True
    needles = ("tavus", "api-key", "apikey", "api_key")
    tags = ("tavus", "security")
    messages = {
        "hardcoded-key": Message("{name} is a hard-coded key (<redacted, {length} chars>)",
                                 "rotate the key and read it from process.env"),
    }
    docs = """
## What it does
Looks through every source file of the app, TypeScript, JavaScript and Python
(tests and scripts included: a key leaks from any committed file) for a string
literal passed as the `x-api-key` header, or assigned to a variable, property,
dict entry or keyword argument (`api_key=`) named like the key
(`TAVUS_API_KEY`, `tavusApiKey`, `apiKey`). Placeholders (`''`,
`'your-api-key'`, `'<key>'`, short strings) are not keys. Findings show only
`<redacted, N chars>`, never the value.

## Why
A key in source is in every clone, fork, CI log and bundle: it must be treated
as leaked.

## Example
```ts
headers: { 'x-api-key': process.env.TAVUS_API_KEY! }
```

## How to fix
Rotate the key in the Tavus platform, then read it from the environment.
"""
    examples = (
        Example({"package.json": PKG, "lib/tavus.ts": "export const h = { 'x-api-key': process.env.TAVUS_API_KEY };\n"},
                Status.PASS, "from the environment"),
        Example({"package.json": PKG, "lib/tavus.ts": "// https://tavusapi.com\nexport const h = { 'x-api-key': 'your-api-key-here-xxxx' };\n"},
                Status.PASS, "placeholder"),
        Example({"package.json": PKG, "lib/tavus.ts": f"// https://tavusapi.com\nexport const h = {{ 'x-api-key': '{FAKE}' }};\n"},
                Status.FAIL, "literal header", kinds=("hardcoded-key",)),
        Example({"package.json": PKG, "lib/tavus.ts": f"const TAVUS_API_KEY = \"{FAKE}\";\nexport default TAVUS_API_KEY;\n"},
                Status.FAIL, "literal constant", kinds=("hardcoded-key",)),
        Example({"package.json": PKG, "api/tavus/end.py": f"import os\nTAVUS_API_KEY = \"{FAKE}\"\n"},
                Status.FAIL, "literal constant in a Python function", kinds=("hardcoded-key",)),
        Example({"package.json": PKG, "api/tavus/end.py": "import os\nTAVUS_API_KEY = os.environ['TAVUS_API_KEY']\n"
                 "headers = {'x-api-key': os.environ['TAVUS_API_KEY']}\n"},
                Status.PASS, "Python reading the environment"),
    )

    def check(self, ctx: CheckContext) -> RuleResult:
        verdict = self.verdict()
        for mod in all_modules(ctx.app, ("tavus", "api-key", "apikey", "api_key")):
            for node in mod.nodes_of(frozenset({"pair", "variable_declarator", "assignment_expression"})):
                if mod.in_error(node):
                    continue
                if node.type == "pair":
                    key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
                elif node.type == "variable_declarator":
                    key, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                else:
                    key, value = node.child_by_field_name("left"), node.child_by_field_name("right")
                if key is None or value is None:
                    continue
                name = mod.text(key).strip("'\"`").split(".")[-1]
                literal = string_literal(mod, value)
                if literal is None or not key_like_name(name) or not looks_like_key(literal):
                    continue
                verdict.report("hardcoded-key", mod.location(value), name=name, length=len(literal))
        for path, f in python_modules(ctx.app, self.needles):
            for name, literal, node in string_assignments(f):
                if key_like_name(name) and looks_like_key(literal):
                    where = f.positions[node].start
                    verdict.report("hardcoded-key", ctx.app.location(path, where.line, where.column + 1),
                                   name=name, length=len(literal))
        verdict.saw("source files with Tavus or API-key code checked", ctx.app.location("package.json"))
        return verdict.result(passed="no literal API key in the source",
                              failed="a Tavus API key is written in the source",
                              unknown="could not verify the source for literal keys")
