"""Matching evaluated URLs (with unknown parts) against the pack's endpoints and routes."""

from __future__ import annotations

import re

from typing import Any, Mapping

from sop_check.evaluate import Str, has_hole, hole_parts, shown, starts_with_hole, without_holes


def template_regex(template: str) -> "UrlTemplate":
    """`https://tavusapi.com/v2/conversations/{id}/end` -> a matcher; `{id}` takes any non-empty run of
    characters other than `/`, `?` and `#`; a trailing `/`, a query or a fragment may follow."""
    return UrlTemplate(template)


class UrlTemplate:
    """The template matched segment by segment in linear time. The template can come from config and
    the URL from scanned code: as one regex (`[^/?#]+` per hole) it backtracked polynomially in the
    number of holes (`{a}x{b}x{c}x{d}` against a long run of `x`)."""

    def __init__(self, template: str) -> None:
        self.template = template
        literal = re.sub(r"\{[^{}]*\}", "", template)
        self.cut_query = "?" not in literal and "#" not in literal
        self.segments = [_SegmentTemplate(seg) for seg in template.split("/")]

    def match(self, url: str) -> bool:
        path = url
        if self.cut_query:
            cuts = [i for i in (url.find("?"), url.find("#")) if i >= 0]
            path = url[:min(cuts)] if cuts else url
        # One `/` may follow the template (`.../end/`), whether or not the template ends with one.
        return self._segments_match(path) or (path.endswith("/") and self._segments_match(path[:-1]))

    def _segments_match(self, path: str) -> bool:
        segs = path.split("/")
        return len(segs) == len(self.segments) and all(t.match(s) for t, s in zip(self.segments, segs))


class _SegmentTemplate:
    def __init__(self, segment: str) -> None:
        self.literals = re.split(r"\{[^{}]*\}", segment)  # the text between holes; holes are the splits

    def match(self, text: str) -> bool:
        lits = self.literals
        if len(lits) == 1:
            return text == lits[0]
        first, last = lits[0], lits[-1]
        if not text.startswith(first) or not text.endswith(last):
            return False
        pos, end = len(first), len(text) - len(last)
        for lit in lits[1:-1]:
            found = text.find(lit, pos + 1, end)  # the hole before it takes at least one character
            if found < 0:
                return False
            pos = found + len(lit)
        return end - pos >= 1


def host_of(url: str) -> str | None:
    if "://" not in url:
        return None
    return url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]


def path_of(url: str) -> str:
    """The path of a URL whose origin may be unknown (`${origin}/api/x?y` -> `/api/x`)."""
    if "://" in url:
        rest = url.split("://", 1)[1]
        url = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    elif starts_with_hole(url) and "/" in url:
        url = url[url.index("/"):]  # `${origin}/api/...` or `${base}/api/...`
    return re.split(r"[?#]", url, maxsplit=1)[0]


def calls_route(value: object, route: str, base_path: str | None = "") -> bool | None:
    """True if the URL value is the route, False if it is some other path, None if unknowable.

    `base_path` None: next.config sets a basePath that could not be read, so a path that
    ends with the route may or may not be it."""
    if not isinstance(value, Str):
        return None
    path = path_of(value.text).rstrip("/")
    if base_path is None:
        if path.endswith(route.rstrip("/")):
            return None
        # Any prefix could be the basePath; a hole whose known tail is a tail of the route (or a
        # path that is all hole) could still be it, as with a known basePath below.
        tail = hole_parts(path)[-1] if has_hole(path) else ""
        if has_hole(path) and ((tail and route.rstrip("/").endswith(tail)) or not without_holes(path)):
            return None
        return False
    # With a basePath, Next.js serves the route under it and fetch does not add it for you.
    wanted = {(base_path + route).rstrip("/")}
    if path in wanted:
        return True
    if has_hole(path):
        # `${BASE}/tavus/end` with BASE unknown could still be the route; a hole in
        # the middle of a known different path is not.
        parts = hole_parts(path)
        tail = parts[-1]
        if any(w.endswith(tail) and tail for w in wanted) and parts[0] in ("", "/"):
            return None
        return None if not without_holes(path) else False
    return False


def wrong_upstream(url: str, method: str, options: Mapping[str, Any]) -> tuple[str, dict[str, object]]:
    """Why a Tavus-looking request of the end route is not the end call, as TAV002's finding
    kind and data (one answer for the TypeScript and the Python paths)."""
    host = host_of(url)
    if host and host != options["tavus-host"] and not has_hole(host):
        return "wrong-host", {"host": host, "tavus_host": options["tavus-host"], "endpoint": options["end-endpoint"]}
    return "wrong-endpoint", {"request": f"{method} {shown(url)}".strip(), "endpoint": options["end-endpoint"]}
