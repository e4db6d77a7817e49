"""A loopback TCP proxy that delays what the browser sends and drops it if the browser hangs up.

On a direct loopback connection a plain `fetch` sent from `beforeunload` reaches the
server before the page is gone, so it cannot be told from a `keepalive` one. Real
networks are slower: this proxy holds every chunk the client sends for 100-400 ms
(seeded, so runs repeat) and forwards it only if the client connection is still open
by then. A request the browser abandons at unload is dropped, as it would be over a
real network; a keepalive request (or a beacon), which the browser keeps sending
after the page is gone, arrives. Server responses pass through at once.

Only 127.0.0.1 is ever bound or dialled.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

LOOPBACK = "127.0.0.1"
T = TypeVar("T")


class DelayProxy:
    """`with DelayProxy(upstream_port) as proxy:` then send the browser to `proxy.origin`."""

    def __init__(self, upstream_port: int, delay: tuple[float, float] = (0.1, 0.4), seed: int = 14) -> None:
        self.upstream_port = upstream_port
        self.delay = delay
        self._rng = random.Random(seed)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="delay-proxy", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._pending = 0  # client chunks held back, not yet forwarded or dropped
        self._lock = threading.Lock()
        self.port = 0
        self.dropped = 0  # chunks dropped because the client left first
        self._last_activity = time.monotonic()

    # -- lifecycle -------------------------------------------------------------
    def __enter__(self) -> DelayProxy:
        self._thread.start()
        server = self._call(asyncio.start_server(self._handle, LOOPBACK, 0))
        self._server = server
        self.port = int(server.sockets[0].getsockname()[1])
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        if self._server is not None:
            server = self._server
            self._call(self._shutdown(server))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def wait_settled(self, quiet: float = 0.8, timeout: float = 15.0) -> bool:
        """Wait until every held-back chunk was forwarded or dropped and the client sent nothing for
        `quiet` seconds (a request the browser starts just after the page is gone still counts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._pending == 0 and time.monotonic() - self._last_activity >= quiet:
                    return True
            time.sleep(0.05)
        return False

    # -- internals -------------------------------------------------------------
    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _shutdown(self, server: asyncio.AbstractServer) -> None:
        server.close()
        for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
            task.cancel()

    def _count(self, n: int) -> None:
        with self._lock:
            self._pending += n
            self._last_activity = time.monotonic()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection(LOOPBACK, self.upstream_port)
        except OSError:
            client_w.close()
            return
        gone = asyncio.Event()
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

        async def read_client() -> None:
            try:
                while chunk := await client_r.read(65536):
                    self._count(1)
                    await queue.put((time.monotonic() + self._rng.uniform(*self.delay), chunk))
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                gone.set()
                await queue.put(None)

        async def forward() -> None:
            while (item := await queue.get()) is not None:
                due, chunk = item
                try:
                    await asyncio.wait_for(gone.wait(), timeout=max(0.0, due - time.monotonic()))
                except asyncio.TimeoutError:
                    up_w.write(chunk)
                    await up_w.drain()
                    self._count(-1)
                    continue
                # The client hung up before this chunk was due: drop it and everything after.
                self._count(-1)
                self.dropped += 1
                while not queue.empty() and queue.get_nowait() is not None:
                    self._count(-1)
                    self.dropped += 1
                break
            up_w.close()

        async def pipe_back() -> None:
            try:
                while data := await up_r.read(65536):
                    client_w.write(data)
                    await client_w.drain()
            except ConnectionError:
                pass
            finally:
                client_w.close()

        tasks = [asyncio.ensure_future(t()) for t in (read_client, forward, pipe_back)]
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            for t in tasks:
                t.cancel()


def free_port() -> int:
    """A port the OS says is free on 127.0.0.1 (for `next start`)."""
    import socket

    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])
