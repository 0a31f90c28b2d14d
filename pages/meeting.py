"""Màn hình hội nghị trù bị: the province the secretary has open, for the hall; read-only, never blank.

Built once when it loads; from then on its live part follows ``/api/events`` (a ``meeting``
event when the secretary picks a province or types a change, ``standings`` on each new data
version) and is swapped in from ``/api/meeting`` (``lib.present.meeting_screen``).
"""

import html

import streamlit as st

from lib.present.catalogue import t
from lib.present.meeting_screen import meeting_container
from web.data import config_or_stop, snapshot_or_wait
from web.meeting_screen import current, live_part, meeting_style
from web.widgets import language

lang = language()
meeting_style()
config = config_or_stop(lang)
st.html(f'<p class="meet-cluster">{html.escape(config.name)} · {html.escape(t("page.meeting", lang))}</p>')
screen = live_part(snapshot_or_wait(lang, config.screen_seconds), current(), lang)
st.html(meeting_container(screen.html, lang, screen.etag, t("meeting.lost", lang)), unsafe_allow_javascript=True)
