"""In: the final standings laid out for printing (A4 landscape) at the official session.

During the ceremony's reveal the public's page holds back what the projector covers (a "chưa công
bố" row per covered place, no freeze fingerprint); the signed-in secretary's shows everything, under
the line saying it is not yet revealed.
"""

import datetime as dt
from dataclasses import replace

import streamlit as st

from lib.present.formatting import VN_TIME
from lib.present.print_view import print_html
from web.data import config_or_stop, snapshot_or_stop
from web.projector_style import hide_chrome
from web.reveal import notice, view_of
from web.widgets import language

hide_chrome()
lang = language()
config = config_or_stop(lang)
snap = snapshot_or_stop(lang)
evaluation = snap.value
view, everything = view_of(snap)
notice(view, everything, lang)
day = config.conference.date() if config.conference else dt.datetime.now(VN_TIME).date()
if view.holding and not everything:
    st.html(print_html(replace(evaluation, standings=view.standings), config, day, covered=view.covered))
else:
    st.html(print_html(evaluation, config, day))
