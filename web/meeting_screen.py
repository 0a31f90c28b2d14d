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
from lib.core.review import what_if
from lib.core.scoring import Rules
from lib.edge import meeting as shared
from lib.edge.reader import Snapshot
from lib.edge.state import DB_NAME
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
    moves = what_if(sheet, Rules.from_config(cluster_config()), pending)[1] if pending else None
    return meeting_screen(sheet, meeting, moves, lang, fetched_at=snap.fetched_at, stale=snap.stale)


_screens: ScreenCache[Meeting] = ScreenCache(_build)
built, live_part = _screens.built, _screens.live_part
"""The hall screen if built already (for the event loop), and built at most once per version, meeting and language."""


_MEETING = """
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #0b1320 !important; }
.stApp, .stApp p, .stApp span, .stApp div, .stApp td, .stApp th { color: #ffffff; }
.meet-cluster { font-size: clamp(16px, 1.6vh, 30px); opacity: 0.8; margin: 0; }
.meet-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
.meet-title { font-size: clamp(26px, 4.2vh, 80px); font-weight: 800; margin: 0; line-height: 1.1; }
.meet-code-big { opacity: 0.7; font-weight: 600; }
.meet-badge { font-size: clamp(14px, 1.8vh, 34px); padding: 0.2rem 0.7rem; border-radius: 0.4rem;
              background: #1e3a5f; }
.meet-stale { background: #a4262c; }
.meet-body { display: flex; gap: 1.2rem; align-items: flex-start; margin-top: 0.4rem; }
.meet-main { flex: 7 1 0; min-width: 0; }
.meet-side { flex: 3 1 0; min-width: 0; display: flex; flex-direction: column; gap: 0.8rem; }
.meet-table { width: 100%; border-collapse: collapse; font-size: clamp(15px, 2.0vh, 38px); line-height: 1.2; }
.meet-table th { text-align: left; font-weight: 700; opacity: 0.8; border-bottom: 2px solid #5a6b85;
                 padding: 0.15em 0.4em; white-space: nowrap; }
.meet-table td { padding: 0.12em 0.4em; border-bottom: 1px solid #23324a; vertical-align: top; }
.meet-table .meet-num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.meet-code { white-space: nowrap; font-weight: 700; }
.meet-open td { background: #1a2740; }
.meet-open .meet-code { border-left: 0.3rem solid #ffd400; }
.meet-done td { opacity: 0.72; font-size: 0.85em; }
.meet-section td { color: #ffd400 !important; font-weight: 800; padding-top: 0.5em; border-bottom: none; }
.meet-working { font-size: 0.8em; color: #b8c7e0 !important; }
.meet-warn { font-size: 0.85em; color: #ffb74d !important; font-weight: 700; }
.meet-differs { color: #ffb74d !important; font-weight: 800; }
.meet-pending { color: #ffd400 !important; }
.meet-unsaved { display: inline-block; margin-left: 0.4em; font-size: 0.7em; font-weight: 800; padding: 0 0.35em;
                border: 2px dashed #ffd400; border-radius: 0.3rem; color: #ffd400 !important;
                text-transform: uppercase; }
.meet-box { border: 1px solid #34496b; border-radius: 0.5rem; padding: 0.5rem 0.8rem;
            font-size: clamp(15px, 2.0vh, 38px); }
.meet-whatif { border: 3px dashed #ffd400; }
.meet-box-title { font-weight: 800; margin: 0 0 0.3rem 0; }
.meet-box p { margin: 0; }
.meet-moves { margin: 0; padding-left: 0.2rem; list-style: none; }
.meet-quiet { opacity: 0.8; }
"""


def meeting_style() -> None:
    """Dark, high-contrast, large type for the preliminary meeting's hall screen."""
    hide_chrome()
    st.html(f"<style>{_MEETING}</style>")
