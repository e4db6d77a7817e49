"""When to check: edits are debounced per app, and a newer request supersedes an older run.

Each key (an app) has at most one run waiting and one running. A new request for the key
cancels the waiting one (the debounce) and tells the running one to stop: its snapshot of
the buffers is already out of date. Stopping is cooperative (the run stops at its next file
read, see `sop_check.overlay`); whatever it produced is dropped, never published.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Awaitable, Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)


class Token:
    """A run's stop flag, set from the event loop and read from the worker thread."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def stop(self) -> None:
        self._event.set()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()


class RunScheduler(Generic[K]):
    """`start(key, token)` runs one check; the scheduler decides when, and which result counts."""

    def __init__(self, start: Callable[[K, Token], Awaitable[None]]) -> None:
        self._start = start
        self._waiting: dict[K, asyncio.Task[None]] = {}
        self._running: dict[K, Token] = {}
        self._closed = False

    def request(self, key: K, delay: float) -> None:
        """Check `key` after `delay` seconds of quiet (0: as soon as the loop turns)."""
        if self._closed:
            return
        waiting = self._waiting.pop(key, None)
        if waiting is not None:
            waiting.cancel()
        running = self._running.get(key)
        if running is not None:
            running.stop()
        self._waiting[key] = asyncio.get_running_loop().create_task(self._after(key, delay))

    async def _after(self, key: K, delay: float) -> None:
        await asyncio.sleep(delay)
        if self._waiting.get(key) is asyncio.current_task():
            del self._waiting[key]
        token = Token()
        self._running[key] = token
        try:
            await self._start(key, token)
        finally:
            if self._running.get(key) is token:
                del self._running[key]

    def busy(self) -> bool:
        return bool(self._waiting or self._running)

    def close(self) -> None:
        """Stop everything: no new run starts, running ones stop at their next read."""
        self._closed = True
        for task in self._waiting.values():
            task.cancel()
        for token in self._running.values():
            token.stop()
        self._waiting.clear()
