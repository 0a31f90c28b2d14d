"""Trình chiếu: the live ranking for the hall's big screen; read-only, never blank."""

import html

import streamlit as st

from lib.core.freeze import short
from lib.present.catalogue import t
from lib.present.formatting import clock
from lib.present.qr import qr_data_uri
from lib.present.status import ranking_status
from web.data import config_or_stop, snapshot_or_stop
from web.projector_style import projector_style
from web.shared_figures import projector_bars
from web.widgets import language, live_url

lang = language()
projector_style()
config = config_or_stop(lang)
url = live_url(config)
st.html(f'<div class="proj-qr" data-testid="live-qr" title="{html.escape(url)}">'
        f'<img alt="QR /live" src="{qr_data_uri(url)}">'
        f'<span>{html.escape(t("projector.qr", lang))}<br>{html.escape(url)}</span></div>'
        f'<p class="proj-title">{html.escape(config.name)}</p>'
        f'<p class="proj-sub">{html.escape(t("year", lang, year=config.year))}</p>')


@st.fragment(run_every=config.screen_seconds)
def live() -> None:
    snap = snapshot_or_stop(lang)
    evaluation = snap.value
    badges = [("proj-provisional", t("illustrative", lang))] if config.illustrative else []
    status = ranking_status(evaluation)
    if status.frozen is not None:
        badges.append(("proj-final", t("ranking.frozen", lang, time=status.frozen.time,
                                       fingerprint=short(status.frozen.fingerprint))))
    elif status.provisional:
        badges.append(("proj-provisional", t("projector.provisional", lang)))
    else:
        badges.append(("proj-final", t("projector.final", lang)))
    if status.needs_vote:
        badges.append(("proj-vote", "⚖ " + t("status.needs_vote", lang) + ": " + ", ".join(status.needs_vote)))
    badges.append(("proj-stale", t("stale.banner", lang, time=clock(snap.fetched_at))) if snap.stale
                  else ("", t("ranking.as_of", lang, time=clock(snap.fetched_at))))
    st.html("".join(f'<span class="proj-status {cls}">{html.escape(text)}</span>' for cls, text in badges))
    st.html(projector_bars(snap, lang))


live()
