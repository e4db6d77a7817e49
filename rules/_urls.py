"""Matching evaluated URLs (with unknown parts) against the pack's endpoints and routes."""

from __future__ import annotations

import re

from sop_check.evaluate import HOLE, Str


def template_regex(template: str) -> re.Pattern[str]:
    """`https://tavusapi.com/v2/conversations/{id}/end` -> a regex; `{id}` takes any non-empty segment."""
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("^" + "[^/?#]+".join(re.escape(p) for p in parts) + r"/?(?:[?#].*)?$")


def host_of(url: str) -> str | None:
    if "://" not in url:
        return None
    return url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]


def path_of(url: str) -> str:
    """The path of a URL whose origin may be unknown (`${origin}/api/x?y` -> `/api/x`)."""
    if "://" in url:
        rest = url.split("://", 1)[1]
        url = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    elif url.startswith(HOLE) and "/" in url:
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
        return None if path.endswith(route.rstrip("/")) else False
    # With a basePath, Next.js serves the route under it and fetch does not add it for you.
    wanted = {(base_path + route).rstrip("/")}
    if path in wanted:
        return True
    if HOLE in path:
        # `${BASE}/tavus/end` with BASE unknown could still be the route; a hole in
        # the middle of a known different path is not.
        tail = path.split(HOLE)[-1]
        if any(w.endswith(tail) and tail for w in wanted) and path.split(HOLE)[0] in ("", "/"):
            return None
        return None if not path.replace(HOLE, "") else False
    return False
