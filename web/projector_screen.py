"""The projector's live part, built once per data version, ceremony step and language for the process.

Shared by the Streamlit page (``pages/projector.py``, when it loads) and by ``/api/projector``
(``web.live``, whenever a screen's script hears of a change): hundreds of screens asking after
an edit cost one build and one hash each, not a script rerun each.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from lib.core.ceremony import Ceremony
from lib.core.config import config_path
from lib.core.evaluation import Evaluation
from lib.edge.reader import Snapshot
from lib.present.projector_screen import projector_screen
from lib.present.standings_json import etag
from web.data import cluster_config


@dataclass(frozen=True)
class Screen:
    """One build of the live part: its HTML and the entity tag the script sends back."""

    html: str
    etag: str


_KEEP = 64
_built: OrderedDict[tuple, Screen] = OrderedDict()
_building: dict[tuple, threading.Lock] = {}
_lock = threading.Lock()


def _key(snap: Snapshot[Evaluation], state: Ceremony, lang: str) -> tuple:
    return (str(config_path()), snap.version, snap.stale, snap.fetched_at, state, lang)


def built(snap: Snapshot[Evaluation], state: Ceremony, lang: str) -> Screen | None:
    """The live part if it was built already (no build: cheap enough for the server's event loop)."""
    with _lock:
        return _built.get(_key(snap, state, lang))


def live_part(snap: Snapshot[Evaluation], state: Ceremony, lang: str) -> Screen:
    """The live part for this snapshot and ceremony state, built at most once however many ask at once."""
    key = _key(snap, state, lang)
    with _lock:
        screen = _built.get(key)
        if screen is not None:
            _built.move_to_end(key)
            return screen
        gate = _building.setdefault(key, threading.Lock())
    with gate:  # five hundred screens ask within the same second after an edit: one builds, the rest wait
        with _lock:
            screen = _built.get(key)
        if screen is not None:
            return screen
        try:
            previous = snap.previous.standings if snap.previous is not None else None
            html = projector_screen(snap.value, cluster_config(), state, lang, fetched_at=snap.fetched_at,
                                    stale=snap.stale, previous=previous)
            screen = Screen(html, etag(html.encode()))
            with _lock:
                _built[key] = screen
                while len(_built) > _KEEP:
                    _built.popitem(last=False)
            return screen
        finally:
            with _lock:
                _building.pop(key, None)
