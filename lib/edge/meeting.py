"""The preliminary meeting's shared state on the host: one row per cluster config in the state database.

The secretary's review page writes it (``share``: secretary or admin, checked at the moment
of writing) when she picks a province or her unsaved changes change; the hall's screen reads
it (``load``: one indexed row). Like the ceremony's step it lives in ``lib.edge.state``'s
SQLite database, so every server process on the host follows the same secretary.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lib.core.errors import NotAllowed
from lib.core.meeting import Meeting, decode_pending, encode_pending
from lib.core.model import VN_TIME, WRITERS, Role
from lib.edge.state import reading, transaction


def load(db: Path, queue: str) -> Meeting:
    """The meeting state of ``queue`` (the cluster config's stem); nothing open when never set."""
    with reading(db) as conn:
        row = conn.execute("SELECT province, pending FROM meeting WHERE queue = ?", (queue,)).fetchone()
    if row is None:
        return Meeting()
    return Meeting(row[0] or None, decode_pending(row[1]))


def share(db: Path, queue: str, meeting: Meeting, user: str, role: Role | None) -> None:
    """Make ``meeting`` what the hall's screen shows (secretary or admin only)."""
    if role not in WRITERS:
        raise NotAllowed("role.cannot_edit", user=user)
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO meeting (queue, province, pending, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (queue) DO UPDATE SET province = excluded.province, pending = excluded.pending,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (queue, meeting.province, encode_pending(meeting.pending), user, dt.datetime.now(VN_TIME).isoformat()))
