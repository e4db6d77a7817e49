"""Listing a Vercel project's environment variables (names and targets only).

Endpoint, from Vercel's REST API reference ("Retrieve the environment variables
of a project by id or name"): `GET /v10/projects/{idOrName}/env?teamId=…` with
`Authorization: Bearer <token>`, answering `{"envs": [...], "pagination": {...}}`.
Pages are followed through `pagination.next`, passed back as `until`. We never
ask for decryption: names and targets are all the check needs, and the token
never appears in a message, an exception or a repr.

Where the token goes is decided by us, never by the scanned tree (SECURITY.md): the
endpoint is `https://api.vercel.com`, fixed in code; only the test suite moves it, through
`SOP_CHECK_TEST_VERCEL_API`, and only to a loopback address. Plain http is refused anywhere
else, and a redirect is never followed (urllib would carry `Authorization` to any host).
Project and team ids are checked for shape before they go into a URL.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sop_check.records import record
from typing import Any, Callable, Mapping, NoReturn

DEFAULT_API = "https://api.vercel.com"
# For the test suite's fake API only: a loopback URL (the name says so; SECURITY.md).
TEST_API_ENV = "SOP_CHECK_TEST_VERCEL_API"
# Trusted ids from the workflow's environment (the names the Vercel CLI uses in CI).
PROJECT_ENV, TEAM_ENV = "VERCEL_PROJECT_ID", "VERCEL_ORG_ID"
# A project id (`prj_…`) or name (lowercase letters, digits, `.`, `_`, `-`; at most 100), a team or
# user id. Nothing that could add a path segment, a query or a host to the URL.
_PROJECT_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_TEAM_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

MAX_PAGES = 50
MAX_RETRY_AFTER = 30.0


@record(frozen=True)
class VercelEnvVar:
    key: str
    targets: tuple[str, ...]
    type: str = ""


class VercelError(Exception):
    def __init__(self, kind: str, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.transient = transient


def valid_project(ref: str) -> bool:
    return _PROJECT_REF.fullmatch(ref) is not None and ".." not in ref


def valid_team(ref: str) -> bool:
    return _TEAM_REF.fullmatch(ref) is not None


def api_base(environ: Mapping[str, str]) -> str:
    """The API endpoint: Vercel's, or the test suite's loopback fake. Raises VercelError otherwise."""
    override = environ.get(TEST_API_ENV, "").strip()
    if not override:
        return DEFAULT_API
    if not _is_loopback(urllib.parse.urlsplit(override).hostname or ""):
        raise VercelError("endpoint", f"{TEST_API_ENV} is for the test suite's fake API and must name a loopback "
                                      "address (127.0.0.1, ::1, localhost)")
    check_endpoint(override, allow_loopback=True)
    return override


def check_endpoint(base_url: str, *, allow_loopback: bool = False) -> None:
    """https only; http only to a loopback host and only when the caller allows it (tests)."""
    parts = urllib.parse.urlsplit(base_url)
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None or not host:
        raise VercelError("endpoint", "the Vercel API endpoint must be a plain https URL")
    if _is_loopback(host) and not allow_loopback:
        raise VercelError("endpoint", "the Vercel API endpoint may not be a loopback address")
    if parts.scheme == "https" or (parts.scheme == "http" and allow_loopback and _is_loopback(host)):
        return
    raise VercelError("endpoint", "the Vercel API endpoint must use https (the token never travels in clear text)")


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def list_env_vars(project_id: str, *, token: str, team_id: str | None, base_url: str, timeout: float = 10.0,
                  max_retries: int = 3, sleep: Callable[[float], None] = time.sleep,
                  allow_loopback: bool = False) -> list[VercelEnvVar]:
    check_endpoint(base_url, allow_loopback=allow_loopback)
    if not valid_project(project_id):
        raise VercelError("project", "the project id or name is not one Vercel could have issued; not used")
    if team_id is not None and not valid_team(team_id):
        raise VercelError("team", "the team id is not one Vercel could have issued; not used")
    out: list[VercelEnvVar] = []
    until: str | None = None
    for _ in range(MAX_PAGES):
        query = {"teamId": team_id} if team_id else {}
        if until is not None:
            query["until"] = until
        url = f"{base_url.rstrip('/')}/v10/projects/{urllib.parse.quote(project_id, safe='')}/env"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = _get_with_retries(url, token, project_id, timeout, max_retries, sleep)
        envs, until = _page(data)
        out.extend(envs)
        if until is None:
            return out
    raise VercelError("paging", f"more than {MAX_PAGES} pages of environment variables; stopped")


def _page(data: object) -> tuple[list[VercelEnvVar], str | None]:
    if isinstance(data, list):
        items, nxt = data, None
    elif isinstance(data, dict) and isinstance(data.get("envs"), list):
        items = data["envs"]
        pagination = data.get("pagination")
        nxt = pagination.get("next") if isinstance(pagination, dict) else None
    else:
        raise VercelError("shape", "unexpected answer from the Vercel API (no 'envs' list)")
    envs = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise VercelError("shape", "unexpected answer from the Vercel API (an entry without 'key')")
        target = item.get("target", [])
        targets = (target,) if isinstance(target, str) else tuple(t for t in target if isinstance(t, str))
        envs.append(VercelEnvVar(item["key"], targets, str(item.get("type", ""))))
    return envs, (str(nxt) if nxt not in (None, "", 0) else None)


def _get_with_retries(url: str, token: str, project_id: str, timeout: float, max_retries: int,
                      sleep: Callable[[float], None]) -> object:
    attempt = 0
    while True:
        try:
            return _get(url, token, project_id, timeout)
        except VercelError as exc:
            if not exc.transient or attempt >= max_retries:
                raise
            delay = getattr(exc, "retry_after", None)
            sleep(min(delay if delay is not None else 0.5 * 2 ** attempt, MAX_RETRY_AFTER))
            attempt += 1


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib copies `Authorization` onto a redirect to any host: follow none."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> NoReturn:
        raise VercelError("redirect", f"the Vercel API answered with a redirect ({code}); not followed, so the "
                                      "token goes nowhere else")


_OPENER = urllib.request.build_opener(_NoRedirects())


def _get(url: str, token: str, project_id: str, timeout: float) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                                                   "User-Agent": "sop-check"})
    try:
        with _OPENER.open(request, timeout=timeout) as resp:  # https, checked by check_endpoint
            body = resp.read(20_000_000)
    except VercelError:
        raise
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, project_id) from None
    except (socket.timeout, TimeoutError):
        raise VercelError("timeout", f"the Vercel API did not answer within {timeout:g} s", transient=True) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise VercelError("timeout", f"the Vercel API did not answer within {timeout:g} s",
                              transient=True) from None
        raise VercelError("network", f"cannot reach the Vercel API ({type(reason).__name__})", transient=True) from None
    except OSError as exc:
        raise VercelError("network", f"cannot reach the Vercel API ({type(exc).__name__})", transient=True) from None
    try:
        return json.loads(body)
    except ValueError:
        raise VercelError("json", "the Vercel API answered with malformed JSON") from None


def _http_error(exc: urllib.error.HTTPError, project_id: str) -> VercelError:
    code = exc.code
    if code == 401:
        return VercelError("auth", "VERCEL_TOKEN was rejected (401): create a new token in Vercel's account settings")
    if code == 403:
        return VercelError("forbidden", "VERCEL_TOKEN has no access to this project or team (403): "
                                        "check the team id (orgId) and the token's scope")
    if code == 404:
        return VercelError("not-found", f"Vercel project '{project_id}' was not found (404): check "
                                        ".vercel/project.json or the config's vercel.project")
    if code == 429:
        err = VercelError("rate-limit", "the Vercel API rate limit was hit (429)", transient=True)
        retry = exc.headers.get("Retry-After") if exc.headers else None
        try:
            err.retry_after = float(retry) if retry is not None else None  # type: ignore[attr-defined]
        except ValueError:
            err.retry_after = None  # type: ignore[attr-defined]
        return err
    if code >= 500:
        return VercelError("server", f"the Vercel API failed ({code})", transient=True)
    return VercelError("http", f"the Vercel API answered {code}")


def read_project_file(app_root: Path) -> tuple[dict[str, str], str | None]:
    """`projectId` and `orgId` from the app's `.vercel/project.json`, checked for shape.

    ({}, None) when there is no such file; ({}, problem) when it is a symbolic link (not
    followed: its target could be any file), unreadable, too deep, or holds ids of the wrong shape.
    """
    from sop_check.files import read_source
    from sop_check.parse.limits import loads_json

    path = app_root / ".vercel" / "project.json"
    if not os.path.lexists(path):
        return {}, None
    raw, problem = read_source(path, 64_000)
    if raw is None:
        return {}, problem
    try:
        data = loads_json(raw.decode("utf-8", "replace"))
    except ValueError as exc:
        return {}, f"not valid JSON ({str(exc).splitlines()[0][:80]}); not used"
    if not isinstance(data, dict):
        return {}, "not a JSON object; not used"
    out: dict[str, str] = {}
    for key, valid in (("projectId", valid_project), ("orgId", valid_team)):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not valid(value):
            return {}, f"'{key}' is not an id Vercel could have issued; the file is not used"
        out[key] = value
    return out, None
