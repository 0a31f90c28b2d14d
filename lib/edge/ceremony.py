"""The ceremony's shared state: one row per cluster config in the host's state database, or in Redis.

The secretary's control screen changes it (``update``: secretary or admin, checked at the
moment of writing, one ``BEGIN IMMEDIATE`` transaction, so two control screens never lose a
step); every projector, delegate screen and ``/live`` reads it on each tick (``load``: one
indexed row, no lock). It lives in ``lib.edge.state``'s SQLite database, so every server
process on the host sees the same reveal; it is not the workbook's business (nothing here is
part of the record), which is why it does not go through ``lib.edge.store``.

With the shared engine (``[server] redis_url``) Redis is the truth, so processes on several hosts
show the same step: ``update`` changes one hash in an optimistic transaction (``WATCH``/``MULTI``:
two control screens on two hosts never lose a step) and publishes on ``channel``, which wakes
every process's watcher at once (``web.live``); the host's row is kept as a copy. Redis away:
the host's row is read and written (degraded, per host), and Redis is the truth again when it
answers (an empty Redis, restarted without its data, starts from the host's row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import redis

from lib.core.ceremony import Ceremony
from lib.core.errors import NotAllowed
from lib.core.model import VN_TIME, WRITERS, Role
from lib.edge.shared import Shared, SharedDown
from lib.edge.state import reading, transaction


def channel(engine: Shared, queue: str) -> str:
    """The pub/sub channel on which every change of ``queue``'s ceremony is announced."""
    return engine.key("ceremony", queue, "changed")


def _from_hash(fields: dict[bytes, bytes]) -> Ceremony | None:
    if not fields:
        return None
    agenda = fields.get(b"agenda", b"")
    return Ceremony(fields.get(b"active") == b"1", int(fields.get(b"revealed", b"0")), int(agenda) if agenda else None)


def _hash(state: Ceremony, user: str) -> dict[str, str]:
    return {"active": "1" if state.active else "0", "revealed": str(state.revealed),
            "agenda": "" if state.agenda is None else str(state.agenda), "updated_by": user}


def _load_host(db: Path, queue: str) -> Ceremony:
    with reading(db) as conn:
        row = conn.execute("SELECT active, revealed, agenda FROM ceremony WHERE queue = ?", (queue,)).fetchone()
    if row is None:
        return Ceremony()
    return Ceremony(bool(row[0]), int(row[1]), None if row[2] is None else int(row[2]))


def load(db: Path, queue: str, engine: Shared | None = None) -> Ceremony:
    """The ceremony state of ``queue`` (the cluster config's stem); fully covered and off when never set."""
    if engine is not None:
        try:
            state = _from_hash(engine.call(lambda r: r.hgetall(engine.key("ceremony", queue))))
        except SharedDown:
            state = None  # degraded: the host's copy
        if state is not None:
            return state
    return _load_host(db, queue)


def update(db: Path, queue: str, change: Callable[[Ceremony], Ceremony], user: str, role: Role | None,
           engine: Shared | None = None) -> Ceremony:
    """Apply ``change`` to the current state in one transaction (secretary or admin only); returns the new state."""
    if role not in WRITERS:
        raise NotAllowed("role.cannot_run_ceremony", user=user)
    new: Ceremony | None = None
    if engine is not None:
        key = engine.key("ceremony", queue)

        def step(pipe: redis.client.Pipeline) -> None:
            nonlocal new
            new = change(_from_hash(pipe.hgetall(key)) or _load_host(db, queue))
            pipe.multi()
            pipe.hset(key, mapping=_hash(new, user))
            pipe.publish(channel(engine, queue), "1")

        try:
            engine.call(lambda r: r.transaction(step, key))
        except SharedDown:
            new = None  # degraded: the host's row alone, as without Redis
    with transaction(db) as conn:
        if new is None:
            row = conn.execute("SELECT active, revealed, agenda FROM ceremony WHERE queue = ?", (queue,)).fetchone()
            current = Ceremony() if row is None else Ceremony(bool(row[0]), int(row[1]),
                                                              None if row[2] is None else int(row[2]))
            new = change(current)
        conn.execute(
            "INSERT INTO ceremony (queue, active, revealed, agenda, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (queue) DO UPDATE SET active = excluded.active, revealed = excluded.revealed,"
            " agenda = excluded.agenda, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (queue, int(new.active), new.revealed, new.agenda, user, dt.datetime.now(VN_TIME).isoformat()))
    return new
