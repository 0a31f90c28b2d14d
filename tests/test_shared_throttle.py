"""The sign-in throttle shared through Redis (``lib.edge.shared.throttle``), with a real ``redis-server``.

Failures counted by one process delay, lock and mark busy the same address on another (another
process started for the test, or another engine with its own connection); the shared guard
follows ``LoginGuard``'s rules exactly (a property test against the process's guard); with Redis
away each process throttles on its own, and a lock-out given then still holds once Redis is back.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.core.auth import LoginGuard, Refusal
from lib.edge.shared import Shared
from lib.edge.shared.throttle import SharedGuard
from tests.redis_server import RedisServer, running
from tests.servers import ROOT

T0 = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
ADDRESS, OTHER = "203.0.113.9", "198.51.100.7"
PREFIX = "thidua:throttle-test"
DEADLINE = 60


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with running() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.client().flushall()
    return redis_server.url


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


FAIL_ELSEWHERE = """
import sys
from datetime import UTC, datetime, timedelta
from lib.edge.shared import Shared
from lib.edge.shared.throttle import SharedGuard
guard = SharedGuard(Shared(sys.argv[1], sys.argv[2]))
t0 = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
for i in range(int(sys.argv[4])):
    now = t0 + timedelta(seconds=100 * i)
    assert guard.admit(sys.argv[3], now) is None
    guard.record_failure(sys.argv[3], now)
print(guard.engine.healthy, flush=True)
"""


def test_failures_on_another_process_lock_the_address_here_and_only_that_one(redis_url: str) -> None:
    here = SharedGuard(Shared(redis_url, PREFIX))
    done = subprocess.run([sys.executable, "-c", FAIL_ELSEWHERE, redis_url, PREFIX, ADDRESS, "5"], cwd=ROOT,
                          capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr
    now = at(401)  # the fifth failure was at 400 s: locked for 15 minutes from there
    refusal = here.admit(ADDRESS, now)
    assert refusal is not None and refusal.reason == "locked" and refusal.until == at(400 + 15 * 60)
    assert here.admit(OTHER, now) is None  # another address is never held back by it
    assert here.locked(now) == {ADDRESS: at(400 + 15 * 60)}
    assert LoginGuard().admit(ADDRESS, now) is None  # the control: a guard of this process alone knows nothing
    assert here.clear() == 1  # the admin's "clear lock-outs" clears it for every process
    assert here.check(ADDRESS, now) is None and here.locked(now) == {}


def test_one_failure_delays_the_address_on_the_other_engine_and_one_attempt_is_in_flight_at_a_time(
        redis_url: str) -> None:
    a, b = SharedGuard(Shared(redis_url, PREFIX)), SharedGuard(Shared(redis_url, PREFIX))
    assert a.admit(ADDRESS, at(0)) is None
    busy = b.admit(ADDRESS, at(0))
    assert busy is not None and busy.reason == "busy"  # A is checking a passcode from it
    a.record_failure(ADDRESS, at(0))
    delay = b.admit(ADDRESS, at(0.5))
    assert delay == Refusal("delay", "login.delay", (("seconds", 1),), at(1))
    assert b.admit(ADDRESS, at(1)) is None  # the delay is over: B admits, and A sees B's attempt in flight
    assert a.check(ADDRESS, at(1)) == Refusal("busy", "login.busy")
    b.record_failure(ADDRESS, at(1))
    assert a.check(ADDRESS, at(2)) == Refusal("delay", "login.delay", (("seconds", 1),), at(3))  # 2 s after the 2nd
    assert a.admit(ADDRESS, at(3)) is None
    a.record_success(ADDRESS, at(3))
    assert b.check(ADDRESS, at(3)) is None and b.admit(ADDRESS, at(3)) is None  # a success forgets for all


def test_many_addresses_failing_on_one_process_turn_on_the_attack_mode_on_the_other(redis_url: str) -> None:
    a = SharedGuard(Shared(redis_url, PREFIX), LoginGuard(global_failures=3))
    b = SharedGuard(Shared(redis_url, PREFIX), LoginGuard(global_failures=3))
    for i, address in enumerate(["10.1.0.1", "10.1.0.2", "10.1.0.3"]):
        a.admit(address, at(i))
        a.record_failure(address, at(i))
    assert b.under_attack(at(3)) and not LoginGuard(global_failures=3).under_attack(at(3))
    for second in (10, 20):  # an address's second failure locks it while the attack lasts
        assert b.admit(OTHER, at(second)) is None
        b.record_failure(OTHER, at(second))
    refusal = a.check(OTHER, at(21))
    assert refusal is not None and refusal.reason == "locked"


EVENTS = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["fail", "ok"]),
                            st.integers(0, 400)), max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=EVENTS)
def test_the_shared_guard_follows_the_process_guard_s_rules(redis_server: RedisServer,
                                                            events: list[tuple[str, str, int]]) -> None:
    """Any run of failures and successes (seconds apart) is refused alike by both, for every address."""
    redis_server.client().flushall()
    rules = {"max_failures": 3, "window": timedelta(seconds=600), "lockout": timedelta(seconds=300),
             "max_delay": timedelta(seconds=8), "global_failures": 3}
    local, shared = LoginGuard(**rules), SharedGuard(Shared(redis_server.url, PREFIX), LoginGuard(**rules))
    elapsed = 0
    for address, outcome, wait in events:
        elapsed += wait
        now = at(elapsed)
        admitted = local.admit(address, now)
        assert shared.admit(address, now) == admitted, (address, elapsed)
        if admitted is None:
            for guard in (local, shared):
                (guard.record_failure if outcome == "fail" else guard.record_success)(address, now)
        for other in "abc":
            assert shared.check(other, now) == local.check(other, now), (other, elapsed)
        assert shared.locked(now) == local.locked(now)
        assert shared.under_attack(now) == local.under_attack(now)


def test_with_redis_away_each_process_throttles_on_its_own_and_the_lock_out_holds_when_it_returns(
        redis_server: RedisServer) -> None:
    redis_server.client().flushall()
    engine = Shared(redis_server.url, PREFIX)
    guard, other = SharedGuard(engine), SharedGuard(Shared(redis_server.url, PREFIX))
    redis_server.stop()
    try:
        for i in range(5):  # never a crash: the process's own guard counts
            assert guard.admit(ADDRESS, at(100 * i)) is None, i
            guard.record_failure(ADDRESS, at(100 * i))
        assert not engine.healthy
        refusal = guard.check(ADDRESS, at(401))
        assert refusal is not None and refusal.reason == "locked"
        assert ADDRESS in guard.locked(at(401))
    finally:
        redis_server.start()  # empty: Redis knows nothing of those failures
    deadline = time.monotonic() + DEADLINE
    while not engine.healthy:
        assert time.monotonic() < deadline, "Redis did not come back"
        engine._skip_until = 0.0  # noqa: SLF001 - look again now rather than after RETRY_SECONDS
        guard.check(OTHER, at(401))
    refusal = guard.admit(ADDRESS, at(402))
    assert refusal is not None and refusal.reason == "locked"  # the lock-out given while away still holds
    assert other.admit(ADDRESS, at(402)) is None  # the other process never saw it: each was on its own
    other.record_failure(ADDRESS, at(402))
    assert redis_server.client().exists(f"{PREFIX}:throttle:addr:{ADDRESS}")
    assert other.admit(OTHER, at(402)) is None  # shared again: a failure on the other delays an address here
    other.record_failure(OTHER, at(402))
    assert guard.check(OTHER, at(402.5)) == Refusal("delay", "login.delay", (("seconds", 1),), at(403))
