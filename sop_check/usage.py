"""Does an app use Tavus, and does it use Tavus's Conversational Video Interface (CVI)?

The SOP is "for any project using the Tavus Conversational Video Interface". Two questions
decide which rules apply to an app, both answered from bytes (no parse, no evaluation):

- **Uses Tavus**: a dependency named like Tavus, a `TAVUS*` key in an env file, or code that
  talks to Tavus: the API host (`tavusapi`), a `TAVUS_…_KEY/ID/URL`-style variable (read from
  the environment or named so), a Tavus package import (`@tavus/`), a Tavus conversation URL
  (`tavus.daily.co`), the SOP's own routes (`/api/tavus/…`, also as a route file's path). The
  bare word "tavus" (a dashboard *about* Tavus, a prompt, a title) is not use.
- **Uses CVI** (only asked of an app that uses Tavus): a Daily or Tavus package, a Daily call
  (`@daily-co/`, `tavus.daily.co`), a `TAVUS_PERSONA…` env key, the end route (served, or a
  file naming it), or a file that mentions Tavus (in its text or name) *and* conversations (`conversations`,
  `conversation_url`, `conversation_id`, `persona_id`, in any case and camelCase). An app that
  talks to Tavus but shows none of these uses only its other APIs (video generation
  `/v2/videos`, replicas): the conversation-session rules (the pack's `[cvi-only]` list) do
  not apply to it. When the code names no Tavus API host (the signs are variables, a
  dependency or an env file), or its requests to the host name none of those other APIs (a
  helper called with a path decided elsewhere), the app is taken as a CVI app: a skip needs
  positive evidence.

Every signal contains "tavus" except the Daily ones, so the files git already found
mentioning Tavus are the only ones read for the Tavus signals.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping

from sop_check.records import record

if TYPE_CHECKING:  # pragma: no cover
    from sop_check.index import AppIndex

TAVUS_NEEDLE = "tavus"
CODE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".py")

# Code that talks to Tavus (lowercased bytes).
_TAVUS_SIGNALS = (b"tavusapi", b"tavus.daily.co", b"@tavus/", b"/api/tavus")
# `TAVUS_API_KEY`, `NEXT_PUBLIC_TAVUS_PERSONA_ID`, `tavusApiKey`, `tavus_video_id`; not `TAVUS_FACTS`,
# `TavusPulse` or `tavus-pulse`. Possessive, so a long run of identifier characters is scanned once.
_TAVUS_NAME = re.compile(rb"tavus[a-z0-9_]*+")
_NAME_WORDS = (b"key", b"url", b"base", b"secret", b"token", b"host", b"endpoint", b"api")
# A conversation in a file that mentions Tavus.
_CVI_WORDS = (b"conversations", b"conversation_url", b"conversationurl", b"conversation_id", b"conversationid",
              b"persona_id", b"personaid")
# Anywhere in the app: the CVI's video call.
_CVI_ANYWHERE = (b"@daily-co/", b"tavus.daily.co", b"@tavus/")
_CVI_PACKAGES = ("daily-co", "tavus")
# Tavus APIs that are not conversations: a skip of the session rules needs one of them named.
_OTHER_APIS = (b"/videos", b"lipsync", b"/speech")


@record(frozen=True)
class TavusUsage:
    """What an app uses: Tavus at all, its CVI, and the evidence for the answer (for people)."""

    tavus: bool
    cvi: bool
    why: str = ""


def talks_to_tavus(data: bytes) -> bool:
    """Do these bytes (a code file) talk to Tavus, beyond naming it?"""
    low = data.lower()
    if TAVUS_NEEDLE.encode() not in low:
        return False
    if any(s in low for s in _TAVUS_SIGNALS):
        return True
    return any(_names_a_setting(m.group(0)[len(TAVUS_NEEDLE):]) for m in _TAVUS_NAME.finditer(low))


def _names_a_setting(tail: bytes) -> bool:
    """`_api_key`, `_persona_id`, `apikey`: a Tavus setting, not `_facts` or `pulse`."""
    return tail.endswith(b"id") or any(w in tail for w in _NAME_WORDS)


def mentions_conversation(data: bytes, path: str = "") -> bool:
    """A file about Tavus (its text or its name) that speaks of conversations or personas."""
    low = data.lower()
    about_tavus = TAVUS_NEEDLE.encode() in low or TAVUS_NEEDLE in path.lower()
    return about_tavus and any(w in low for w in _CVI_WORDS)


def tavus_usage(index: AppIndex, package: Mapping[str, Any], known: set[str] | None = None, prefix: str = "",
                end_route: str = "") -> TavusUsage:
    """Whether the app uses Tavus and its CVI (see the module's docstring).

    `known` is the set of files that mention Tavus when git already answered (paths relative
    to the scanned folder; `prefix` is the app's folder there); `end_route` the pack's end route.
    """
    low = _Lowered(index)
    deps = _dependencies(package)
    tavus_deps = [d for d in deps if TAVUS_NEEDLE in d.lower()]
    env_keys = [e.key.upper() for env in index.env_files() for e in env.entries]
    code = [f for f in index.files if f.endswith(CODE_SUFFIXES)]
    candidates = [f for f in code if (prefix + f) in known] if known is not None else \
        [f for f in code if _has_needle(index, f)]
    talking = [f for f in candidates if talks_to_tavus(low(f))]
    talking += [f for f in code if "/api/tavus/" in "/" + f and f not in talking]
    tavus = bool(tavus_deps or any("TAVUS" in k for k in env_keys) or talking)
    if not tavus:
        return TavusUsage(False, False, "no Tavus API, TAVUS_* variable or Tavus package found")
    calling = [f for f in talking if b"tavusapi" in low(f)]
    if not calling:
        # A skip needs positive evidence: a request to Tavus's API that is not a conversation.
        return TavusUsage(True, True, "no request to the Tavus API host in code: taken as a CVI app")
    if any(p in d.lower() for d in deps for p in _CVI_PACKAGES) or any("TAVUS_PERSONA" in k for k in env_keys):
        return TavusUsage(True, True, "a Daily or Tavus package, or a Tavus persona variable")
    named = [f for f in code if TAVUS_NEEDLE in f.lower() and f not in candidates]
    if any(mentions_conversation(low(f), f) for f in candidates + named):
        return TavusUsage(True, True, "code that mentions Tavus and conversations")
    if not any(w in low(f) for f in calling for w in _OTHER_APIS):
        # A request whose path is decided elsewhere (a helper called with the caller's path) may be
        # a conversation: without a non-conversation API named, the app is a CVI app.
        return TavusUsage(True, True, "requests to the Tavus API name no other API (videos, lipsync, speech): "
                                      "taken as a CVI app")
    route = end_route.strip("/").encode()
    for f in code:
        text = low(f)
        if b"daily" not in text and not (route and route in text):
            continue
        if any(s in text for s in _CVI_ANYWHERE) or (route and route in text):
            return TavusUsage(True, True, "a Daily video call or the end route")
    if route and any(f.rsplit("/route.", 1)[0].endswith(route.decode()) or
                     f.rsplit(".", 1)[0].endswith(route.decode()) for f in code):
        return TavusUsage(True, True, "the end route")
    return TavusUsage(True, False, f"the app calls the Tavus API ({', '.join(sorted(calling)[:3])}) but never "
                                   "creates or joins a CVI conversation (no conversations request, conversation_url "
                                   "or conversation_id, persona, Daily call or end route)")


def _dependencies(package: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ("dependencies", "devDependencies"):
        deps = package.get(key)
        if isinstance(deps, dict):
            out += [str(name) for name in deps]
    return out


def _has_needle(index: AppIndex, f: str) -> bool:
    facts = index.facts(f)
    return facts is not None and TAVUS_NEEDLE in facts.needles


class _Lowered:
    """Each file's bytes, lowercased, read once: the questions above ask of the same files
    several times (the index does not keep bytes)."""

    def __init__(self, index: AppIndex) -> None:
        self.index = index
        self.seen: dict[str, bytes] = {}

    def __call__(self, path: str) -> bytes:
        if path not in self.seen:
            self.seen[path] = (self.index.read_bytes(path) or b"").lower()
        return self.seen[path]
