"""The sign-in throttle shared by every process and host through Redis (``[server] redis_url``).

``SharedGuard`` keeps ``LoginGuard``'s rules (a delay doubling per failure, a lock-out after
``max_failures`` within ``window``, the attack mode when all addresses together fail
``global_failures`` times, one attempt in flight per address), with the state in Redis so a
failure on one process delays the same address on every other:

- ``<prefix>:throttle:addr:<address>``: a hash (``failures``, ``last``, ``not_before``,
  ``locked_until``, in epoch seconds) that expires once it restricts nothing (window or lock-out);
- ``<prefix>:throttle:busy:<address>``: the attempt in flight (``SET NX``, expiring after
  ``BUSY_SECONDS`` should its process die while checking the passcode);
- ``<prefix>:throttle:recent``: every failure within the window (a sorted set by time), for the
  attack mode; ``<prefix>:throttle:locked``: the addresses locked out, by the end of the lock-out.

A failure is counted by one Lua script, so two processes counting at once never lose one.
While Redis is away (``SharedDown``) the process's own ``LoginGuard`` answers: the address is
still throttled, by this process alone, until Redis is back. An attempt is recorded in the guard
that admitted it, so an attempt in flight never stays "busy" in the other; a delay or lock-out
the local guard gave while Redis was away still holds after Redis is back.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime

from lib.core.auth import LoginGuard, Refusal, throttle_refusal
from lib.core.errors import SourceError
from lib.edge.shared import Shared

BUSY_SECONDS = 30
"""How long an attempt in flight holds its address at most (checking a passcode takes well under a second)."""

_FAIL = """
local now, window, lockout = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local base, cap, most, global = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('del', KEYS[3])
redis.call('zremrangebyscore', KEYS[2], '-inf', now - window)
local attack = global > 0 and redis.call('zcard', KEYS[2]) >= global
local failures = tonumber(redis.call('hget', KEYS[1], 'failures') or '0')
local last = tonumber(redis.call('hget', KEYS[1], 'last') or '-1')
if last >= 0 and now - last > window then failures = 0 end
failures = failures + 1
if failures >= most or (attack and failures > 1) then
  redis.call('hset', KEYS[1], 'failures', 0, 'locked_until', now + lockout, 'last', now)
  redis.call('hdel', KEYS[1], 'not_before')
  redis.call('zadd', KEYS[4], now + lockout, ARGV[8])
  redis.call('zremrangebyscore', KEYS[4], '-inf', now)
  redis.call('pexpire', KEYS[4], math.ceil(lockout * 1000))
else
  redis.call('hset', KEYS[1], 'failures', failures, 'last', now,
             'not_before', now + math.min(base * 2 ^ math.min(failures - 1, 30), cap))
end
redis.call('pexpire', KEYS[1], math.ceil(math.max(window, lockout, cap) * 1000))
redis.call('zadd', KEYS[2], now, ARGV[9])
if global > 0 then redis.call('zremrangebyrank', KEYS[2], 0, -global - 1) end
redis.call('pexpire', KEYS[2], math.ceil(window * 1000))
return failures
"""


def _time(value: bytes | None) -> datetime | None:
    return None if value in (None, b"") else datetime.fromtimestamp(float(value or 0), UTC)


class SharedGuard:
    """A sign-in throttle in Redis with ``local``'s rules, falling back to ``local`` while Redis is away."""

    def __init__(self, engine: Shared, local: LoginGuard | None = None) -> None:
        self.engine = engine
        self.local = local or LoginGuard()
        self._admitted_locally: set[str] = set()
        self._lock = threading.Lock()
        self._counter = 0

    def _key(self, *parts: str) -> str:
        return self.engine.key("throttle", *parts)

    def check(self, key: str, now: datetime) -> Refusal | None:
        """Why an attempt from ``key`` must be refused now (by any process's failures); else None."""
        return self.admit(key, now, reserve=False)

    def admit(self, key: str, now: datetime, reserve: bool = True) -> Refusal | None:
        """Like ``check``; if admitted, no process admits another attempt from ``key`` until this one is recorded."""
        earlier = self.local.check(key, now)  # a delay or lock-out given while Redis was away still holds
        if earlier is not None:
            return earlier
        try:
            return self._admit_shared(key, now, reserve)
        except SourceError:  # Redis away: this process throttles on its own
            refusal = self.local.admit(key, now, reserve)
            if refusal is None and reserve:
                with self._lock:
                    self._admitted_locally.add(key)
            return refusal

    def _admit_shared(self, key: str, now: datetime, reserve: bool) -> Refusal | None:
        busy = self._key("busy", key)
        if reserve and not self.engine.call(lambda r: r.set(busy, "1", nx=True, ex=BUSY_SECONDS)):
            return throttle_refusal(True, None, None, now)
        try:  # read after reserving: a failure recorded meanwhile elsewhere is seen
            state = self.engine.call(lambda r: r.pipeline().hmget(self._key("addr", key), "not_before", "locked_until")
                                     .exists(busy).execute())
        except SourceError:
            if reserve:
                self._release(busy)
            raise
        (not_before, locked_until), in_flight = state
        refusal = throttle_refusal(bool(in_flight) and not reserve, _time(not_before), _time(locked_until), now)
        if refusal is not None and reserve:
            self._release(busy)
        return refusal

    def _release(self, busy: str) -> None:
        with contextlib.suppress(SourceError):  # else it expires after BUSY_SECONDS
            self.engine.call(lambda r: r.delete(busy))

    def _local_attempt(self, key: str) -> bool:
        with self._lock:
            if key in self._admitted_locally:
                self._admitted_locally.discard(key)
                return True
            return False

    def record_failure(self, key: str, now: datetime) -> None:
        """Count a wrong passcode from ``key`` for every process (this process's alone while Redis is away)."""
        if self._local_attempt(key):
            self.local.record_failure(key, now)
            return
        g = self.local
        with self._lock:
            self._counter += 1
            member = f"{now.timestamp()}:{id(self)}:{self._counter}"
        keys = [self._key("addr", key), self._key("recent"), self._key("busy", key), self._key("locked")]
        args = [now.timestamp(), g.window.total_seconds(), g.lockout.total_seconds(), g.base_delay.total_seconds(),
                g.max_delay.total_seconds(), g.max_failures, g.global_failures or 0, key, member]
        try:
            self.engine.call(lambda r: r.eval(_FAIL, len(keys), *keys, *args))
        except SourceError:
            self.local.record_failure(key, now)

    def record_success(self, key: str, now: datetime) -> None:
        """Forget the key's failures, on every process."""
        if self._local_attempt(key):
            self.local.record_success(key, now)
            return
        with contextlib.suppress(SourceError):
            self.engine.call(lambda r: r.pipeline().delete(self._key("addr", key), self._key("busy", key))
                             .zrem(self._key("locked"), key).execute())
        self.local.record_success(key, now)

    def under_attack(self, now: datetime) -> bool:
        """True while the failures of all addresses within the window reach ``global_failures``."""
        g = self.local
        if not g.global_failures:
            return False
        since = (now - g.window).timestamp()
        try:
            return int(self.engine.call(lambda r: r.zcount(self._key("recent"), since, "+inf"))) >= g.global_failures
        except SourceError:
            return g.under_attack(now)

    def locked(self, now: datetime) -> dict[str, datetime]:
        """Every address locked out now on any process (and on this one while Redis was away)."""
        found = self.local.locked(now)
        try:
            rows = self.engine.call(lambda r: r.zrangebyscore(self._key("locked"), f"({now.timestamp()}", "+inf",
                                                              withscores=True))
        except SourceError:
            return found
        for member, until in rows:
            found[member.decode()] = datetime.fromtimestamp(until, UTC)
        return found

    def clear(self) -> int:
        """Forget every delay, lock-out and failure of every process; how many addresses."""
        count = self.local.clear()
        with contextlib.suppress(SourceError):
            count += self.engine.call(self._clear_shared)
        return count

    def _clear_shared(self, r) -> int:  # noqa: ANN001 - a redis.Redis
        addresses = list(r.scan_iter(match=self._key("addr", "*"), count=500))
        others = list(r.scan_iter(match=self._key("busy", "*"), count=500))
        r.delete(self._key("recent"), self._key("locked"), *addresses, *others)
        return len(addresses)
