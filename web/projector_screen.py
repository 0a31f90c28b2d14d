"""The projector's live part, built once per data version, ceremony step and language for the process.

Shared by the Streamlit page (``pages/projector.py``, when it loads) and by ``/api/projector``
(``web.live``, whenever a screen's script hears of a change): hundreds of screens asking after
an edit cost one build and one hash each, not a script rerun each.
"""

from __future__ import annotations

from lib.core.ceremony import Ceremony
from lib.core.evaluation import Evaluation
from lib.edge.reader import Snapshot
from lib.present.projector_screen import projector_screen
from web.data import cluster_config
from web.screen_cache import ScreenCache


def _build(snap: Snapshot[Evaluation], state: Ceremony, lang: str) -> str:
    previous = snap.previous.standings if snap.previous is not None else None
    return projector_screen(snap.value, cluster_config(), state, lang, fetched_at=snap.fetched_at,
                            stale=snap.stale, previous=previous)


_screens: ScreenCache[Ceremony] = ScreenCache(_build)
built, live_part = _screens.built, _screens.live_part
"""The live part if built already (for the event loop), and built at most once per version, step and language."""
