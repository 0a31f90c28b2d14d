"""Bảng xếp hạng: the live ranking, redrawn when the data changes."""

import streamlit as st

from web.data import config_or_stop, snapshot_or_stop, snapshot_or_wait
from web.follow import follow
from web.last_year import last_year_section
from web.reveal import held_chart, held_table, notice, seen, view_of
from web.shared_figures import ranking_chart, ranking_table
from web.turns import turn
from web.widgets import cluster_heading, freshness, language, problem_summary, rank_column, ranking_notices

lang = language()
config = config_or_stop(lang)
cluster_heading(config, lang)


@st.fragment
def live_ranking() -> None:
    with turn():  # many viewers redraw after an edit: a few at a time
        ranking_part()


def ranking_part() -> None:
    snap = snapshot_or_stop(lang)
    evaluation = snap.value
    follow(snap, lang, config.screen_seconds)  # rerun when an edit arrives, not every tick
    freshness(snap, lang)
    view, everything = view_of(snap)  # the ceremony's covered places: held back, or marked for the secretary
    ranking_notices(seen(snap, view, everything), lang)  # a tie on a covered award line names covered provinces
    notice(view, everything, lang)
    public = view.holding and not everything
    st.plotly_chart(held_chart(snap, view, lang) if public else ranking_chart(snap, lang), key="ranking-chart",
                    config={"displayModeBar": False})
    st.dataframe(held_table(snap, view, lang) if public else ranking_table(snap, lang), hide_index=True,
                 column_config=rank_column(lang))
    if not public:  # last year's rank change beside a covered place would give the place away
        last_year_section(evaluation, config, lang)  # [history]: last year's rank and the change
    problem_summary(evaluation, lang)


snapshot_or_wait(lang, config.screen_seconds)  # before the first good read: retry
live_ranking()
