"""In: the final standings laid out for printing (A4 landscape) at the official session."""

import datetime as dt

import streamlit as st

from lib.present.formatting import VN_TIME
from lib.present.print_view import print_html
from web.data import config_or_stop, snapshot_or_stop
from web.projector_style import hide_chrome
from web.widgets import language

hide_chrome()
lang = language()
config = config_or_stop(lang)
evaluation = snapshot_or_stop(lang).value
day = config.conference.date() if config.conference else dt.datetime.now(VN_TIME).date()
st.html(print_html(evaluation, config, day))
