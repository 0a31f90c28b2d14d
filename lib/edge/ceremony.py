"""The ceremony's shared state on the host: one row per cluster config in the state database.

The secretary's control screen changes it (``update``: secretary or admin, checked at the
moment of writing, one ``BEGIN IMMEDIATE`` transaction, so two control screens never lose a
step); every projector, delegate screen and ``/live`` reads it on each tick (``load``: one
indexed row, no lock). It lives in ``lib.edge.state``'s SQLite database, so every server
process on the host sees the same reveal; it is not the workbook's business (nothing here is
part of the record), which is why it does not go through ``lib.edge.store``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from lib.core.ceremony import Ceremony
from lib.core.errors import NotAllowed
from lib.core.model import VN_TIME, WRITERS, Role
from lib.edge.state import reading, transaction


def load(db: Path, queue: str) -> Ceremony:
    """The ceremony state of ``queue`` (the cluster config's stem); fully covered and off when never set."""
    with reading(db) as conn:
        row = conn.execute("SELECT active, revealed, agenda FROM ceremony WHERE queue = ?", (queue,)).fetchone()
    if row is None:
        return Ceremony()
    return Ceremony(bool(row[0]), int(row[1]), None if row[2] is None else int(row[2]))


def update(db: Path, queue: str, change: Callable[[Ceremony], Ceremony], user: str, role: Role | None) -> Ceremony:
    """Apply ``change`` to the current state in one transaction (secretary or admin only); returns the new state."""
    if role not in WRITERS:
        raise NotAllowed("role.cannot_run_ceremony", user=user)
    with transaction(db) as conn:
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
