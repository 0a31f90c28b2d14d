"""Redis as the optional shared engine of several server processes or hosts (``[server] redis_url``).

Without ``redis_url`` nothing here is used and every process keeps its state as before (SQLite
on the host, memory in the process). With it, one ``Shared`` per process and config holds two
redis-py clients on the same URL: the synchronous one for Streamlit's script threads, the
publisher's thread and the store; the asyncio one (``redis.asyncio``) for the event loop's
watchers. Every call has a short socket timeout.

A Redis failure is a degraded state, never a crash: ``call`` turns it into ``SharedDown`` (a
``SourceError``, so a save refused for it is queued in the outbox and retried), records it
(``healthy``, ``down_since``, ``last_error``: the screens' banner and ``/metrics``), and for
``RETRY_SECONDS`` after a failure answers ``SharedDown`` at once instead of waiting on the
socket again, so a Redis that is away costs the pages nothing. The next call after that tries
again; the first that succeeds makes the engine healthy.

The parts: ``lock`` (the fenced write lock of ``lib.edge.store``), ``feed`` (one reader of the
sheet for the deployment), ``throttle`` (the sign-in throttle); the ceremony's state is in
``lib.edge.ceremony``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
import redis.asyncio as aioredis

from lib.core.config import ClusterConfig
from lib.core.errors import SourceError

SOCKET_SECONDS = 1.0
"""Connect and read timeout of every Redis call (one round trip on a LAN takes under a millisecond)."""
RETRY_SECONDS = 1.0
"""After a failure, calls answer ``SharedDown`` at once for this long before one tries Redis again."""
PREFIX = "thidua"
"""The first part of every key this app sets in Redis."""
T = TypeVar("T")
_log = logging.getLogger(__name__)


class SharedDown(SourceError):
    """Redis cannot be reached (or answered an error): the process works on its own for now."""


class Shared:
    """The shared engine of one config: both clients, the key prefix and the health state."""

    def __init__(self, url: str, prefix: str, socket_seconds: float = SOCKET_SECONDS) -> None:
        self.url = url
        self.prefix = prefix
        self._seconds = socket_seconds
        self.client = redis.Redis.from_url(url, socket_timeout=socket_seconds, socket_connect_timeout=socket_seconds,
                                           retry_on_timeout=False)
        self._aio: dict[int, aioredis.Redis] = {}  # one asyncio client per event loop
        self._guard = threading.Lock()
        self.down_since: dt.datetime | None = None
        self.last_error = ""
        self.failures = 0
        self._skip_until = 0.0

    def key(self, *parts: str) -> str:
        """The Redis key of ``parts`` under this config's prefix, e.g. ``thidua:tn-dhmt-2019:reader:lease``."""
        return ":".join((self.prefix, *parts))

    @staticmethod
    def global_key(*parts: str) -> str:
        """A key shared by every config and tool of the deployment (the workbook's write lock, by sheet)."""
        return ":".join((PREFIX, *parts))

    @property
    def healthy(self) -> bool:
        """False from a failed call until the next call that succeeds."""
        return self.down_since is None

    def call(self, action: Callable[[redis.Redis], T]) -> T:
        """``action(client)``; a Redis failure is recorded and raised as ``SharedDown``."""
        if self.down_since is not None and time.monotonic() < self._skip_until:
            raise SharedDown(f"Redis ({self.url}) không trả lời: {self.last_error}")
        try:
            result = action(self.client)
        except (redis.RedisError, OSError) as exc:
            self.failed(exc)
            raise SharedDown(f"Redis ({self.url}) không trả lời: {exc}") from exc
        self.succeeded()
        return result

    def failed(self, exc: BaseException) -> None:
        """Record a failed call: degraded until one succeeds."""
        with self._guard:
            if self.down_since is None:
                self.down_since = dt.datetime.now(dt.UTC)
                _log.warning("the shared engine (Redis %s) is away: each process works on its own: %s", self.url, exc)
            self.failures += 1
            self.last_error = str(exc) or type(exc).__name__
            self._skip_until = time.monotonic() + RETRY_SECONDS

    def succeeded(self) -> None:
        """Record a call that worked: shared again."""
        if self.down_since is not None:
            with self._guard:
                if self.down_since is not None:
                    _log.warning("the shared engine (Redis %s) is back", self.url)
                self.down_since = None

    def aio(self) -> aioredis.Redis:
        """The asyncio client of the running event loop (made on first use there)."""
        loop = asyncio.get_running_loop()
        with self._guard:
            client = self._aio.get(id(loop))
            if client is None:
                client = self._aio[id(loop)] = aioredis.Redis.from_url(
                    self.url, socket_timeout=self._seconds, socket_connect_timeout=self._seconds)
            return client

    def close(self) -> None:
        """Close the synchronous client's connections (the asyncio ones close with their loop)."""
        self.client.close()


_engines: dict[tuple[str, str], Shared] = {}
_default: Shared | None = None
_registry = threading.Lock()


def configure(url: str, prefix: str) -> Shared | None:
    """The process's engine for ``url`` and ``prefix`` (made once), now the default; None when ``url`` is ""."""
    global _default
    if not url:
        return None
    with _registry:
        engine = _engines.get((url, prefix))
        if engine is None:
            engine = _engines[(url, prefix)] = Shared(url, prefix)
        _default = engine
        return engine


def configure_for(config: ClusterConfig) -> Shared | None:
    """The engine of ``config``'s ``[server] redis_url`` (keys under ``thidua:<config file's stem>``), or None."""
    return configure(config.redis_url, f"{PREFIX}:{config.file.stem}")


def engine() -> Shared | None:
    """The process's shared engine (None: no ``redis_url``, everything stays in the process and on the host)."""
    return _default


def reset() -> None:
    """Forget the default engine (tests, and a process that stops using Redis)."""
    global _default
    with _registry:
        _default = None
