"""A small stand-in for the Vercel REST API on 127.0.0.1: same request and response shapes, plus faults."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "fake-vercel-token-5d1e"


class FakeVercel:
    def __init__(self, envs: list[dict], *, project: str = "prj_123", team: str | None = "team_9",
                 page_size: int = 2) -> None:
        self.envs = envs
        self.project = project
        self.team = team
        self.page_size = page_size
        self.faults: list[tuple[int, dict[str, str], bytes]] = []  # served first, one per request
        self.hang = 0.0
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeVercel":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                fake.requests.append(self.path)
                if fake.hang:
                    time.sleep(fake.hang)
                if fake.faults:
                    code, headers, body = fake.faults.pop(0)
                    return self._send(code, body, headers)
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._send(401, b'{"error": {"code": "forbidden"}}')
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if query.get("decrypt") == ["true"]:
                    return self._send(400, b'{"error": "decrypt must not be asked for"}')
                if url.path != f"/v10/projects/{fake.project}/env":
                    return self._send(404, b'{"error": {"code": "not_found"}}')
                if fake.team and query.get("teamId") != [fake.team]:
                    return self._send(403, b'{"error": {"code": "forbidden"}}')
                start = int(query.get("until", ["0"])[0])
                page = fake.envs[start:start + fake.page_size]
                nxt = start + fake.page_size if start + fake.page_size < len(fake.envs) else None
                body = {"envs": [{**e, "value": "encrypted:xyz"} for e in page],
                        "pagination": {"count": len(page), "next": nxt, "prev": None}}
                self._send(200, json.dumps(body).encode())

        return Handler
