"""Trình chiếu: the live ranking for the hall's big screen; read-only, never blank."""

import html

import streamlit as st

from lib.core.ceremony import covered, last_revealed
from lib.core.freeze import short
from lib.present.catalogue import t
from lib.present.ceremony import agenda_line, nomination_lines, reveal_line
from lib.present.formatting import clock
from lib.present.qr import qr_data_uri
from lib.present.status import ranking_status
from web import ceremony
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
    state = ceremony.current()  # one row of the host's state database per tick: the reveal follows within a tick
    line = agenda_line(config, state, lang)
    posts = nomination_lines(evaluation.sheet.nominations, config, lang)
    news = reveal_line(evaluation.standings, state, lang, config.awards) if state.active else ""
    # the lines above and below the bars take height the rows give up (every place stays on screen)
    reserve = 2.6 * bool(line) + 3.2 * bool(news) + 2.4 * bool(posts) + 4.8 * state.active
    st.html(f"<style>.rk {{ --reserve: {reserve:.1f}rem; }}</style>")
    if line:
        st.html(f'<p class="proj-agenda" data-testid="proj-agenda">▶ {html.escape(line)}</p>')
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
    if state.active:
        badges.insert(0, ("proj-final proj-reveal", t("reveal.official", lang)) if status.frozen is not None
                      else ("proj-rehearsal proj-reveal", t("reveal.rehearsal", lang)))
    st.html("".join(f'<span class="proj-status {cls}">{html.escape(text)}</span>' for cls, text in badges))
    if state.active:
        standings = evaluation.standings
        if news:
            st.html(f'<p class="proj-news" data-testid="proj-news">{html.escape(news)}</p>')
        st.html(projector_bars(snap, lang, covered(standings, state.revealed),
                               frozenset(s.code for s in last_revealed(standings, state.revealed))))
    else:
        st.html(projector_bars(snap, lang))
    if posts:
        st.html('<p class="proj-posts" data-testid="proj-posts">' + " · ".join(html.escape(p) for p in posts) + "</p>")


live()
