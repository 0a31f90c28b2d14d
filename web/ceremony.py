"""The ceremony's shared state for the Streamlit screens: read on every tick, changed by the secretary.

The state is kept on the host (``lib.edge.ceremony``, in the SQLite state database beside the
outbox; with ``[server] redis_url`` in Redis, for every host), so the projector — another browser,
maybe another server process or host — sees a step within one ``screen_seconds`` tick.
Reading it is one indexed row; a failure to open the database shows
the plain ranking (ceremony off) rather than an error on the hall's screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from lib.core.ceremony import Ceremony
from lib.core.config import config_path
from lib.core.errors import SourceError
from lib.edge import ceremony as shared
from lib.edge.state import DB_NAME
from web.auth import grant
from web.data import cache_dir, shared_engine

log = logging.getLogger(__name__)


def _queue() -> str:
    return config_path().stem


def current() -> Ceremony:
    """The ceremony state now (off and fully covered when it cannot be read)."""
    try:
        return shared.load(cache_dir() / DB_NAME, _queue(), shared_engine())
    except SourceError:
        log.exception("ceremony state unavailable")
        return Ceremony()


def change(step: Callable[[Ceremony], Ceremony]) -> Ceremony:
    """Apply ``step`` as this session's signed-in user (refused for a viewer at the moment of writing)."""
    me = grant()
    return shared.update(cache_dir() / DB_NAME, _queue(), step, me.user if me else "", me.role if me else None,
                         shared_engine())
