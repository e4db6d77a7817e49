"""The evaluator resolves what a careful reader resolves, and says Unknown for the rest."""

from __future__ import annotations

from pathlib import Path

from sop_check.evaluate import Evaluator, Func, Null, Obj, Str, Unknown, env_name
from sop_check.jsmodule import descendants

from helpers import index_for, write

PKG = '{"dependencies": {"next": "15"}}'


def _export(tmp_path: Path, files: dict[str, str], path: str, name: str):
    write(tmp_path, {"package.json": PKG, **files})
    index = index_for(tmp_path)
    ev = Evaluator(index)
    return ev, ev.module_export(path, name)


def test_template_with_constants_from_another_module_through_alias(tmp_path: Path) -> None:
    ev, value = _export(tmp_path, {
        "tsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}',
        "src/lib/tavus.ts": "export const BASE = 'https://tavusapi.com/v2';\n"
                            "export const buildUrl = (p: string) => `${BASE}${p}`;\n",
        "src/x.ts": "import { buildUrl } from '@/lib/tavus';\nexport const URL = buildUrl('/conversations/' + id + '/end');\n",
    }, "src/x.ts", "URL")
    assert isinstance(value, Str)
    assert value.shown() == "https://tavusapi.com/v2/conversations/{…}/end"


def test_env_reads_in_many_spellings(tmp_path: Path) -> None:
    src = ("export const a = process.env.TAVUS_API_KEY || '';\n"
           "export const b = process.env['TAVUS_API_KEY']!;\n"
           "const { TAVUS_API_KEY } = process.env;\nexport const c = TAVUS_API_KEY;\n"
           "export const d = `${process.env.TAVUS_API_KEY}`;\n")
    write(tmp_path, {"package.json": PKG, "m.ts": src})
    ev = Evaluator(index_for(tmp_path))
    for name in "abcd":
        assert env_name(ev.module_export("m.ts", name)) == "TAVUS_API_KEY", name


def test_object_spread_and_shorthand(tmp_path: Path) -> None:
    src = ("const defaults = { method: 'POST', keepalive: true };\nconst keepalive = false;\n"
           "export const a = { ...defaults, body: 'x' };\nexport const b = { ...defaults, keepalive };\n"
           "export const c = { ...unknownThing };\n")
    write(tmp_path, {"package.json": PKG, "m.ts": src})
    ev = Evaluator(index_for(tmp_path))
    a = ev.module_export("m.ts", "a")
    assert isinstance(a, Obj) and ev.get_prop(a, "keepalive").value is True
    b = ev.module_export("m.ts", "b")
    assert ev.get_prop(b, "keepalive").value is False
    c = ev.module_export("m.ts", "c")
    assert isinstance(ev.get_prop(c, "keepalive"), Unknown)


def test_reexports_and_export_clause(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG,
                     "a.ts": "async function handler() {}\nexport { handler as POST };\n",
                     "b.ts": "export { POST } from './a';\n",
                     "c.ts": "export * from './b';\n"})
    ev = Evaluator(index_for(tmp_path))
    assert isinstance(ev.module_export("c.ts", "POST"), Func)
    assert isinstance(ev.module_export("c.ts", "GET"), Unknown)


def test_unresolvable_local_import_is_unknown_not_external(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "a.ts": "import { x } from './missing';\nexport const y = x;\n"})
    ev = Evaluator(index_for(tmp_path))
    value = ev.module_export("a.ts", "y")
    assert isinstance(value, Unknown) and "does not resolve" in value.reason


def test_reach_follows_hook_return_and_wrapper(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG,
                     "hook.ts": "export function useEnd() {\n  const end = async () => { await fetch('/api/tavus/end', "
                                "{ method: 'POST' }); };\n  return { end };\n}\n",
                     "c.tsx": "import { useEnd } from './hook';\nexport function C() {\n  const { end } = useEnd();\n"
                              "  const onClick = () => end();\n  return <button onClick={onClick}>End</button>;\n}\n"
                              "export const handler = () => { const { end } = useEnd(); end(); };\n"})
    ev = Evaluator(index_for(tmp_path))
    func = ev.module_export("c.tsx", "handler")
    reach = ev.reach(func)
    assert [r.url.text for r in reach.requests] == ["/api/tavus/end"]
    assert reach.requests[0].method == "POST"


def test_fetch_without_method_is_get(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "a.ts": "export const f = () => fetch('/x');\n"})
    ev = Evaluator(index_for(tmp_path))
    reach = ev.reach(ev.module_export("a.ts", "f"))
    assert reach.requests[0].method == "GET"


def test_commented_code_is_not_a_call(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": PKG, "a.ts": "export const f = () => {\n  // fetch('/api/tavus/end', {method:'POST'})\n};\n"})
    ev = Evaluator(index_for(tmp_path))
    assert ev.reach(ev.module_export("a.ts", "f")).requests == []


def test_workspace_package_paths_are_repo_relative(tmp_path: Path) -> None:
    from test_fixtures import copy_fixture
    from click.testing import CliRunner
    import json
    from sop_check.cli import main

    project = copy_fixture("monorepo", tmp_path)
    ui = project / "packages" / "ui" / "src" / "index.tsx"
    ui.write_text(ui.read_text().replace("onClick={props.onClick}", "onClick={() => null}") +
                  "export function Hidden() { return <button hidden onClick={() => null}>End Session</button>; }\n")
    data = json.loads(CliRunner().invoke(main, ["check", str(project), "--format", "json"], env={"CI": ""}).stdout)
    paths = [f["path"] for a in data["apps"] for r in a["results"] for f in r["findings"] + r["evidence"]]
    assert paths and not any(".." in p for p in paths), paths


def test_use_context_reads_the_provided_value(tmp_path: Path) -> None:
    from helpers import verdicts
    from sop_check_rules._examples import client_project

    files = client_project("""'use client';
import { useTavus } from './TavusProvider';
export default function Avatar() {
  const { endSession } = useTavus();
  return <button onClick={() => endSession()}>End Session</button>;
}
""")
    files["components/TavusProvider.tsx"] = """'use client';
import { createContext, useContext } from 'react';
const TavusContext = createContext({ endSession: async () => {} });
export function TavusProvider({ children }: { children: React.ReactNode }) {
  const endSession = async () => { await fetch('/api/tavus/end', { method: 'POST', body: '{}' }); };
  return <TavusContext.Provider value={{ endSession }}>{children}</TavusContext.Provider>;
}
export const useTavus = () => useContext(TavusContext);
"""
    files["app/page.tsx"] = ("import Avatar from '../components/Avatar';\nimport { TavusProvider } from '../components/TavusProvider';\n"
                             "export default function Page() { return <TavusProvider><Avatar /></TavusProvider>; }\n")
    write(tmp_path, files)
    assert verdicts(tmp_path, "TAV005")["TAV005"].status.value == "pass"
    provider = tmp_path / "components" / "TavusProvider.tsx"
    provider.write_text(provider.read_text().replace("await fetch('/api/tavus/end', { method: 'POST', body: '{}' });", ""))
    assert verdicts(tmp_path, "TAV005")["TAV005"].status.value == "fail"


def test_axios_instance_with_base_url_and_headers(tmp_path: Path) -> None:
    from helpers import verdicts

    write(tmp_path, {"package.json": PKG,
                     "lib/tavus.ts": "import axios from 'axios';\nexport const tavus = axios.create({\n"
                                     "  baseURL: 'https://tavusapi.com/v2',\n"
                                     "  headers: { 'x-api-key': process.env.TAVUS_API_KEY as string },\n});\n",
                     "app/api/tavus/end/route.ts": "import { tavus } from '../../../../lib/tavus';\n"
                     "export async function POST(req: Request) {\n  const { conversation_id } = await req.json();\n"
                     "  if (!conversation_id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"
                     "  await tavus.post(`/conversations/${conversation_id}/end`);\n  return Response.json({ ok: true });\n}\n"})
    r = verdicts(tmp_path, "TAV002")["TAV002"]
    assert r.status.value == "pass", (r.message, [f.message for f in r.findings], r.unresolved)
    lib = tmp_path / "lib" / "tavus.ts"
    lib.write_text(lib.read_text().replace("'x-api-key'", "Authorization"))
    assert verdicts(tmp_path, "TAV002")["TAV002"].status.value == "fail"


def test_a_function_only_defined_in_the_handler_is_not_a_call(tmp_path: Path) -> None:
    from helpers import verdicts

    write(tmp_path, {"package.json": PKG, "app/api/tavus/end/route.ts": """export async function POST(req: Request) {
  const { conversation_id } = await req.json();
  if (!conversation_id) return Response.json({ error: 'Missing ID' }, { status: 400 });
  const end = () => fetch(`https://tavusapi.com/v2/conversations/${conversation_id}/end`, {
    method: 'POST', headers: { 'x-api-key': process.env.TAVUS_API_KEY! } });
  return Response.json({ ok: true });
}
"""})
    r = verdicts(tmp_path, "TAV002")["TAV002"]
    assert r.status.value == "fail"
    route = tmp_path / "app" / "api" / "tavus" / "end" / "route.ts"
    route.write_text(route.read_text().replace("  return Response.json({ ok: true });", "  await end();\n  return Response.json({ ok: true });"))
    assert verdicts(tmp_path, "TAV002")["TAV002"].status.value == "pass"


def test_loop_variables_are_matched_by_whole_name_not_substring(tmp_path: Path) -> None:
    """Issue 13: `url` inside `for (const urlList of …)` was taken for the loop variable (unknown)."""
    from helpers import verdicts
    from sop_check.evaluate import OpaqueBinding, VarBinding
    from sop_check_rules._examples import client_project

    avatar = """'use client';
const url = '/api/tavus/end';
export default function Avatar({ lists }: { lists: string[][] }) {
  const endSession = async () => {
    for (const urlList of lists) {
      await fetch(url, { method: 'POST', body: JSON.stringify(urlList) });
    }
  };
  return <button onClick={endSession}>End Session</button>;
}
"""
    write(tmp_path, client_project(avatar))
    result = verdicts(tmp_path, "TAV005")["TAV005"]
    assert result.status.value == "pass", (result.message, result.unresolved)
    ev = Evaluator(index_for(tmp_path))
    mod = ev.index.module("components/Avatar.tsx")
    fetch = next(c for c in mod.calls if mod.text(c).startswith("fetch("))
    url_arg, body = fetch.child_by_field_name("arguments").named_children[:2]
    assert isinstance(ev.find_decl("url", url_arg, mod), VarBinding)
    assert isinstance(ev.find_decl("urlList", body, mod), OpaqueBinding)
    assert ev.find_decl("url", mod.root, mod) is not None and ev.find_decl("ur", url_arg, mod) is None


def test_bindings_are_typed(tmp_path: Path) -> None:
    from sop_check.evaluate import (ClassBinding, FunctionBinding, ImportedBinding, OpaqueBinding, ParamBinding,
                                    VarBinding)

    src = ("import { helper } from './h';\nclass Client {}\nfunction end(id: string, { force }: { force: boolean }) {\n"
           "  const local = id;\n  try { run(); } catch ({ message }) { log(message, local, force, helper, Client); }\n"
           "  for (let i = 0, j = 1; i < 2; i++) { use(i, j); }\n}\n")
    write(tmp_path, {"package.json": PKG, "m.ts": src, "h.ts": "export const helper = 1;\n"})
    ev = Evaluator(index_for(tmp_path))
    mod = ev.index.module("m.ts")
    log = next(c for c in mod.calls if mod.text(c).startswith("log("))
    use = next(c for c in mod.calls if mod.text(c).startswith("use("))
    kinds = {name: type(ev.find_decl(name, log, mod)) for name in ("message", "local", "force", "helper", "Client", "end")}
    assert kinds == {"message": OpaqueBinding, "local": VarBinding, "force": ParamBinding, "helper": ImportedBinding,
                     "Client": ClassBinding, "end": FunctionBinding}
    assert isinstance(ev.find_decl("j", use, mod), OpaqueBinding) and ev.find_decl("k", use, mod) is None


def test_unknowns_carry_a_kind_that_decides_and_a_reason_for_people(tmp_path: Path) -> None:
    from sop_check.evaluate import UnknownKind

    src = ("export const p = (x: string) => x;\nexport const s = [1][0];\nexport function f(a: string) { return a; }\n"
           "export const n = f;\n")
    write(tmp_path, {"package.json": PKG, "m.ts": src, "broken.ts": "import { y } from './gone';\nexport const z = y;\n"})
    ev = Evaluator(index_for(tmp_path))
    missing = ev.module_export("m.ts", "nope")
    assert isinstance(missing, Unknown) and missing.kind is UnknownKind.NO_EXPORT
    assert missing.reason == "no export 'nope' in m.ts"  # wording is for people; the kind decides
    gone = ev.module_export("broken.ts", "z")
    assert isinstance(gone, Unknown) and gone.kind is UnknownKind.UNRESOLVED_IMPORT and gone.kind.reportable
    func = ev.module_export("m.ts", "f")
    param = ev.return_value(func, [])
    assert isinstance(param, Null)  # an argument not passed is undefined
    body = func.node.child_by_field_name("body")
    a_ref = next(n for n in descendants(body, frozenset({"identifier"})) if func.module.text(n) == "a")
    unbound = ev.eval(a_ref, func.module, None)
    assert isinstance(unbound, Unknown) and unbound.kind is UnknownKind.PARAMETER and unbound.kind.reportable
    assert not UnknownKind.STATE.reportable and not UnknownKind.CALL_RESULT.reportable


def test_hole_helpers_are_the_one_marker() -> None:
    from sop_check.evaluate import HOLE, has_hole, hole_parts, shown, starts_with_hole, without_holes

    text = HOLE + "/v2/conversations/" + HOLE + "/end"
    assert has_hole(text) and starts_with_hole(text) and not starts_with_hole("/x" + HOLE)
    assert shown(text) == "{…}/v2/conversations/{…}/end" and shown(text, " ") == " /v2/conversations/ /end"
    assert without_holes(text) == "/v2/conversations//end" and hole_parts(text) == ["", "/v2/conversations/", "/end"]
    assert Str(text).shown() == shown(text) and not Str(text).exact and Str("/x").exact


def test_nested_calls_of_one_helper_are_not_recursion(tmp_path: Path) -> None:
    """`join(join(BASE, '/v2'), '/end')` calls join twice, one inside the other's argument: not a cycle."""
    src = ("const BASE = 'https://tavusapi.com';\nconst join = (a: string, b: string) => `${a}${b}`;\n"
           "export const url = join(join(BASE, '/v2'), '/end');\n"
           "function loop(n: number): string { return loop(n - 1); }\nexport const never = loop(3);\n")
    write(tmp_path, {"package.json": PKG, "m.ts": src})
    ev = Evaluator(index_for(tmp_path))
    assert ev.module_export("m.ts", "url") == Str("https://tavusapi.com/v2/end")
    never = ev.module_export("m.ts", "never")
    assert isinstance(never, Unknown) and never.reason == "a recursive call"


def test_library_tables_decide_what_a_call_returns(tmp_path: Path) -> None:
    """Data-computing globals never hand back the function they are given; unknown wrappers do."""
    src = ("const end = () => fetch('/api/tavus/end', { method: 'POST' });\n"
           "export const wrapped = withSentry(end);\nexport const mathed = Math.max(end);\n"
           "export const kept = useCallback(end, []);\nexport const ref = useRef(end).current;\n"
           "export const text = encodeURIComponent('a b');\n")
    write(tmp_path, {"package.json": PKG, "m.ts": src})
    ev = Evaluator(index_for(tmp_path))
    for name in ("wrapped", "kept", "ref"):
        assert isinstance(ev.module_export("m.ts", name), Func), name
    mathed = ev.module_export("m.ts", "mathed")
    assert isinstance(mathed, Unknown) and mathed.reason == "the result of Math.max()"
    assert ev.module_export("m.ts", "text") == Str("a b")  # the argument's text (holes for the unknown)


def test_a_request_url_that_is_not_a_string_is_unknown_not_a_crash(tmp_path: Path) -> None:
    """`fetch(endpoints)` with an object: the rules took every non-unknown URL for a string and crashed."""
    from helpers import verdicts
    from sop_check_rules._examples import client_project

    avatar = """'use client';
const endpoints = { end: '/api/tavus/end' };
export default function Avatar() {
  const endSession = async () => { await fetch(endpoints, { method: 'POST' }); };
  return <button onClick={endSession}>End Session</button>;
}
"""
    write(tmp_path, client_project(avatar))
    result = verdicts(tmp_path, "TAV005")["TAV005"]
    assert result.status.value == "unknown", result.message
    assert result.unresolved == ["components/Avatar.tsx:4:42: request URL (the URL is an object, not a string)"]
    route = ("export async function POST(req: Request) {\n  const { conversation_id } = await req.json();\n"
             "  if (!conversation_id) return Response.json({ error: 'Missing ID' }, { status: 400 });\n"
             "  const target = { href: 'https://tavusapi.com/v2/conversations/x/end' };\n"
             "  await fetch(target, { method: 'POST' });\n  return Response.json({ ok: true });\n}\n")
    write(tmp_path, {"app/api/tavus/end/route.ts": route})
    tav002 = verdicts(tmp_path, "TAV002")["TAV002"]
    assert tav002.status.value == "unknown", tav002.message
    assert "app/api/tavus/end/route.ts:5:9: request URL (the URL is an object, not a string)" in tav002.unresolved
