"""The preliminary meeting's hall screen: its shared state for Streamlit, and its live part built once per version.

``current``/``share`` read and write the province the secretary has open and her unsaved
changes (``lib.edge.meeting``, in the host's state database, like the ceremony's step). The
live part is built once per data version, meeting state and language for the process and
served both to the page when it loads (``pages/meeting.py``) and by ``/api/meeting``
(``web.live``) whenever a screen's script hears of a change: no script rerun per screen.
"""

from __future__ import annotations

import logging

import streamlit as st

from lib.core.config import config_path
from lib.core.errors import SourceError
from lib.core.evaluation import Evaluation
from lib.core.meeting import Meeting
from lib.core.review import by_code, what_if
from lib.core.scoring import Rules
from lib.edge import meeting as shared
from lib.edge.reader import Snapshot
from lib.edge.state import DB_NAME
from lib.present.meeting_layout import HALL_STYLE
from lib.present.meeting_screen import meeting_screen
from web.data import cache_dir, cluster_config
from web.projector_style import hide_chrome
from web.screen_cache import ScreenCache

log = logging.getLogger(__name__)
_SHARED = "meeting-shared"  # the session's last written state: a rerun that changes nothing writes nothing


def current() -> Meeting:
    """The meeting state now (nothing open when it cannot be read: the hall screen says so, never an error)."""
    try:
        return shared.load(cache_dir() / DB_NAME, config_path().stem)
    except SourceError:
        log.exception("meeting state unavailable")
        return Meeting()


def share(meeting: Meeting, user: str, role: object) -> None:
    """Write ``meeting`` for the hall's screen when it differs from what this session wrote last."""
    if st.session_state.get(_SHARED) == meeting:
        return
    try:
        shared.share(cache_dir() / DB_NAME, config_path().stem, meeting, user, role)  # type: ignore[arg-type]
    except SourceError:  # the hall screen lags; the secretary's own page and her saving do not depend on it
        log.exception("meeting state not shared")
        return
    st.session_state[_SHARED] = meeting


def _build(snap: Snapshot[Evaluation], meeting: Meeting, lang: str) -> str:
    sheet = snap.value.sheet
    pending = tuple(a for a in meeting.pending if any(p.code == a.province for p in sheet.provinces))
    if not pending:
        return meeting_screen(sheet, meeting, None, lang, fetched_at=snap.fetched_at, stale=snap.stale)
    after, moves = what_if(sheet, Rules.from_config(cluster_config()), pending)
    return meeting_screen(sheet, meeting, moves, lang, fetched_at=snap.fetched_at, stale=snap.stale,
                          open_after=by_code(after).get(meeting.province))


_screens: ScreenCache[Meeting] = ScreenCache(_build)
built, live_part = _screens.built, _screens.live_part
"""The hall screen if built already (for the event loop), and built at most once per version, meeting and language."""


def meeting_style() -> None:
    """Dark, high-contrast, large type for the meeting's hall screen, fitted to it (``meeting_layout``)."""
    hide_chrome()
    st.html(f"<style>{HALL_STYLE}</style>")
