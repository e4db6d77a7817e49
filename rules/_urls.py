"""Matching evaluated URLs (with unknown parts) against the pack's endpoints and routes."""

from __future__ import annotations

import re

from typing import Any, Mapping

from sop_check.evaluate import Str, has_hole, hole_parts, shown, starts_with_hole


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
        # Any prefix could be the basePath: a path ending in a hole, or whose known tail is a tail
        # of the route, could still be it (a path that is all hole ends in one).
        tail = hole_parts(path)[-1]
        return None if has_hole(path) and (not tail or route.rstrip("/").endswith(tail)) else False
    # With a basePath, Next.js serves the route under it and fetch does not add it for you.
    wanted = (base_path + route).rstrip("/")
    if path == wanted:
        return True
    if not has_hole(path):
        return False
    # `/api/tavus/${action}` or `/${base}/tavus/end` with the hole unknown could still be the
    # route (a hole may stand for a slash it sits beside, `/${x}/api/tavus/end`); a hole in a
    # known different path (`/api/${x}/other`) is not.
    parts = hole_parts(path)
    tail_fits = parts[-1] and wanted.endswith(parts[-1]) and parts[0] in ("", "/")
    return None if tail_fits or fits(parts, wanted) else False


def fits(parts: list[str], text: str) -> bool:
    """Could holes (any run of characters, empty too) between the known `parts` make `text`? The
    first part starts it, the last ends it, the others come in order between: taking each
    leftmost is exact for such wildcards, and linear (no regex built from scanned code)."""
    first, last = parts[0], parts[-1]
    if len(parts) == 1:
        return first == text
    if len(first) + len(last) > len(text) or not text.startswith(first) or not text.endswith(last):
        return False
    pos, end = len(first), len(text) - len(last)
    for part in parts[1:-1]:
        found = text.find(part, pos, end)
        if found < 0:
            return False
        pos = found + len(part)
    return True


def wrong_upstream(url: str, method: str, options: Mapping[str, Any]) -> tuple[str, dict[str, object]]:
    """Why a Tavus-looking request of the end route is not the end call, as TAV002's finding
    kind and data (one answer for the TypeScript and the Python paths)."""
    host = host_of(url)
    if host and host != options["tavus-host"] and not has_hole(host):
        return "wrong-host", {"host": host, "tavus_host": options["tavus-host"], "endpoint": options["end-endpoint"]}
    return "wrong-endpoint", {"request": f"{method} {shown(url)}".strip(), "endpoint": options["end-endpoint"]}
