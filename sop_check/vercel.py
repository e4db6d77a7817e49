"""Listing a Vercel project's environment variables (names and targets only).

Endpoint, from Vercel's REST API reference ("Retrieve the environment variables
of a project by id or name"): `GET /v10/projects/{idOrName}/env?teamId=…` with
`Authorization: Bearer <token>`, answering `{"envs": [...], "pagination": {...}}`.
Pages are followed through `pagination.next`, passed back as `until`. We never
ask for decryption: names and targets are all the check needs, and the token
never appears in a message, an exception or a repr.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from sop_check.records import record
from typing import Callable

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


def list_env_vars(project_id: str, *, token: str, team_id: str | None, base_url: str, timeout: float = 10.0,
                  max_retries: int = 3, sleep: Callable[[float], None] = time.sleep) -> list[VercelEnvVar]:
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


def _get(url: str, token: str, project_id: str, timeout: float) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                                                   "User-Agent": "sop-check"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - https by configuration
            body = resp.read(20_000_000)
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, project_id) from None
    except (socket.timeout, TimeoutError):
        raise VercelError("timeout", f"the Vercel API did not answer within {timeout:g} s", transient=True) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise VercelError("timeout", f"the Vercel API did not answer within {timeout:g} s", transient=True) from None
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
