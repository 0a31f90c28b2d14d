"""Built screens kept per data version and state: each built once however many ask at once.

The projector's live part and the preliminary meeting's hall screen are HTML fragments that
hundreds of screens fetch within the same second after an edit. A ``ScreenCache`` builds one
per (config, snapshot, state, language) under a per-key lock (single flight), keeps the last
``keep`` of them, and answers ``built`` without building, cheaply enough for the event loop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from lib.core.config import config_path
from lib.core.evaluation import Evaluation
from lib.edge.reader import Snapshot
from lib.present.standings_json import etag

S = TypeVar("S", bound=Hashable)


@dataclass(frozen=True)
class Screen:
    """One build of the live part: its HTML and the entity tag the script sends back."""

    html: str
    etag: str


class ScreenCache(Generic[S]):
    """Screens built by ``build(snapshot, state, lang)``, at most once per key."""

    def __init__(self, build: Callable[[Snapshot[Evaluation], S, str], str], keep: int = 64) -> None:
        self._build = build
        self._keep = keep
        self._built: OrderedDict[tuple, Screen] = OrderedDict()
        self._building: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(snap: Snapshot[Evaluation], state: S, lang: str) -> tuple:
        return (str(config_path()), snap.version, snap.stale, snap.fetched_at, state, lang)

    def built(self, snap: Snapshot[Evaluation], state: S, lang: str) -> Screen | None:
        """The screen if it was built already (no build: cheap enough for the server's event loop)."""
        with self._lock:
            return self._built.get(self._key(snap, state, lang))

    def live_part(self, snap: Snapshot[Evaluation], state: S, lang: str) -> Screen:
        """The screen for this snapshot and state, built at most once however many ask at once."""
        key = self._key(snap, state, lang)
        with self._lock:
            screen = self._built.get(key)
            if screen is not None:
                self._built.move_to_end(key)
                return screen
            gate = self._building.setdefault(key, threading.Lock())
        with gate:  # five hundred screens ask within the same second after an edit: one builds, the rest wait
            with self._lock:
                screen = self._built.get(key)
            if screen is not None:
                return screen
            try:
                html = self._build(snap, state, lang)
                screen = Screen(html, etag(html.encode()))
                with self._lock:
                    self._built[key] = screen
                    while len(self._built) > self._keep:
                        self._built.popitem(last=False)
                return screen
            finally:
                with self._lock:
                    self._building.pop(key, None)
