"""Trình chiếu: the live ranking for the hall's big screen; read-only, never blank.

The page is built once when it loads; from then on its live part follows ``/api/events`` and is
swapped in from ``/api/projector`` (``lib.present.projector_screen``), so the hall's screen is
not one more script rerun every tick beside hundreds of phones.
"""

import html

import streamlit as st

from lib.present.catalogue import t
from lib.present.projector_screen import projector_container
from lib.present.qr import qr_data_uri
from web import ceremony
from web.data import config_or_stop, snapshot_or_wait
from web.projector_screen import live_part
from web.projector_style import projector_style
from web.widgets import language, live_url

lang = language()
projector_style()
config = config_or_stop(lang)
url = live_url(config)
st.html(f'<div class="proj-qr" data-testid="live-qr" title="{html.escape(url)}">'
        f'<img alt="QR /live" src="{qr_data_uri(url)}">'
        f'<span>{html.escape(t("projector.qr", lang))}<br>{html.escape(url)}</span></div>'
        f'<p class="proj-title" data-testid="proj-title">{html.escape(config.name)}'
        f'<span class="proj-year">{html.escape(t("year", lang, year=config.year))}</span></p>')

screen = live_part(snapshot_or_wait(lang, config.screen_seconds), ceremony.current(), lang)
st.html(projector_container(screen.html, lang, screen.etag, t("projector.lost", lang)), unsafe_allow_javascript=True)
