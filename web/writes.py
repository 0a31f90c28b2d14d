"""Saving from the app: the store behind a durable outbox, drained in the background.

``submit`` writes a change set now, or keeps it in the outbox when the sheet cannot be
written; a daemon thread (one per server process, started with the outbox resource, so
a restarted server drains what an earlier one left with no page open) retries the
outbox with backoff, so an edit made during an outage reaches the sheet once it is
back, even if nobody stays on the page. The outbox lives in the host's SQLite database
(``lib.edge.state``), shared by every server process; an old ``*.outbox.jsonl`` file
is imported once. Every write goes through ``lib.edge.store.save``, which checks the role, the
frozen state and conflicts at the moment of writing.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import streamlit as st

from lib.core.config import config_path
from lib.core.errors import SourceError
from lib.core.evaluation import Evaluation
from lib.core.model import ChangeSet, Nomination, Role, Vote
from lib.edge.outbox import Outbox, Submitted, import_jsonl
from lib.edge.reader import Snapshot
from lib.edge.state import DB_NAME
from lib.edge.store import record_nomination, record_vote, save, set_frozen
from web.data import cache_dir, cluster_config, shared_reader

DRAIN_EVERY = 3.0
log = logging.getLogger(__name__)


def _save(change_set: ChangeSet) -> object:
    reader = shared_reader()
    return save(reader.source, change_set, cluster_config().provinces, on_saved=reader.invalidate)


@st.cache_resource(show_spinner=False)
def _outbox(path: str) -> Outbox:
    stem = Path(path).stem
    box = Outbox(cache_dir() / DB_NAME, queue=stem)
    try:
        import_jsonl(box, cache_dir() / f"{stem}.outbox.jsonl")
    except Exception:  # noqa: BLE001 - the old file stays where it is; the new outbox still works
        log.exception("could not import the old outbox file")
    _start(box)
    return box


def outbox() -> Outbox:
    """The outbox of this server's cluster, on disk beside the last-good cache."""
    return _outbox(str(config_path()))


def _start(box: Outbox) -> threading.Thread:
    def run() -> None:
        while True:
            time.sleep(DRAIN_EVERY)
            try:
                if box.due():
                    box.drain(_save)
            except Exception:  # noqa: BLE001 - keep retrying; the error is in the outbox status
                log.exception("outbox drain failed")

    thread = threading.Thread(target=run, name="outbox-drainer", daemon=True)
    thread.start()
    return thread


def start_drainer() -> Outbox | None:
    """Make sure the outbox (and with it the one background thread that retries it) exists."""
    try:
        return outbox()
    except SourceError:  # the state database cannot be opened: saving says so, the pages still show
        log.exception("outbox unavailable")
        return None


def settle() -> Snapshot[Evaluation] | None:
    """After this session's save: the shared read of a read begun after it (the saving page's rerun shows it).

    Waits for a read in flight (begun before the save, it would show the old value) and reads again.
    """
    return shared_reader().settle()


def submit(change_set: ChangeSet) -> Submitted:
    """Save now or queue; conflicts, refusals and rule errors are raised to the page."""
    return outbox().submit(_save, change_set)


def freeze(user: str, role: Role, frozen: bool, reason: str = "") -> str:
    """Freeze or unfreeze (admin only, checked at write time); returns the fingerprint."""
    reader = shared_reader()
    fingerprint = set_frozen(reader.source, cluster_config().provinces, user, role, frozen, reason)
    reader.invalidate()
    return fingerprint


def record(vote: Vote, user: str, role: Role) -> None:
    """Record a vote (secretary or admin, checked at write time) and refresh everyone's data."""
    reader = shared_reader()
    record_vote(reader.source, vote, cluster_config().provinces, user, role)
    reader.invalidate()


def nominate(nomination: Nomination, user: str, role: Role) -> None:
    """Record a proposal or vote for next year's leader or deputy (checked at write time); refresh everyone."""
    reader = shared_reader()
    record_nomination(reader.source, nomination, cluster_config().provinces, user, role)
    reader.invalidate()
