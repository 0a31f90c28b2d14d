"""Đại biểu: the standings on a delegate's phone or laptop; one tap on a bar opens its province's breakdown."""

import streamlit as st

from lib.core.evaluation import Evaluation
from lib.present.catalogue import t
from lib.present.ceremony import agenda_line, nomination_lines
from lib.present.charts import PHONE, group_breakdown_figure, province_colour, waterfall_figure
from lib.present.formatting import escape_markdown
from lib.present.tables import province_criteria
from web import ceremony, state
from web.data import config_or_stop, snapshot_or_stop, snapshot_or_wait
from web.follow import follow
from web.last_year import last_year_section
from web.projector_style import hide_chrome
from web.reveal import held_chart, held_table, notice, seen, view_of
from web.shared_figures import margins_table, ranking_chart
from web.touch import tap_selects
from web.turns import turn
from web.widgets import cluster_heading, freshness, language, language_switch, live_url, rank_column, ranking_notices

HELD_SHOWN = "delegate_held_shown"  # the covered ranks the whole page was last drawn with
hide_chrome()
language_switch()
lang = language()
config = config_or_stop(lang)
cluster_heading(config, lang)
st.markdown(t("delegate.live", lang, url=f"[/live]({live_url(config)})"))


@st.fragment
def live_standings() -> None:
    with turn():  # hundreds of phones redraw after an edit: a few at a time
        standings_part()


def standings_part() -> None:
    snap = snapshot_or_stop(lang)
    line = agenda_line(config, ceremony.current(), lang)  # the official session's current item, if any
    follow(snap, lang, config.screen_seconds, agenda=line)  # rerun when an edit or the agenda arrives
    if line:
        st.markdown(f"**▶ {escape_markdown(line)}**")
    for post in nomination_lines(snap.value.sheet.nominations, config, lang):  # next year's leader and deputy
        st.markdown(f"🏛 {escape_markdown(post)}")
    freshness(snap, lang)
    view, everything = view_of(snap)  # the ceremony's covered places: held back, or marked for the secretary
    ranking_notices(seen(snap, view, everything), lang)  # a tie on a covered award line names covered provinces
    notice(view, everything, lang)
    public = view.holding and not everything
    if st.session_state.get(HELD_SHOWN, ()) != (view.covered if public else ()):
        st.rerun(scope="app")  # the breakdown below must follow the step (a covered province's groups give its total)
    taps = st.session_state.get(state.DELEGATE_TAPS, 0)
    with st.container(key="delegate-chart"):  # the tap script and the tests find the chart by this key
        figure = held_chart(snap, view, lang, "phone") if public else ranking_chart(snap, lang, "phone")
        event = st.plotly_chart(figure, key=f"delegate-chart-{taps}", on_select="rerun", selection_mode="points",
                                config={"displayModeBar": False})
    table = held_table(snap, view, lang) if public else margins_table(snap, lang)
    st.dataframe(table[[t(key, lang) for key in ("col.rank", "col.province", "col.agreed", "col.margin",
                                                  "order.col")]], hide_index=True, column_config=rank_column(lang))
    if not public:  # last year's rank change beside a covered place would give the place away
        last_year_section(snap.value, config, lang)  # [history]: last year's rank and the change
    points = event.selection.points if event and event.selection else []
    listed = view.standings if public else snap.value.standings
    if points:
        # The breakdown lives outside this fragment: a tap reruns the whole page, which opens it over the
        # list. The chart comes back under a new key, without a selection, so the next tap (even on the
        # same bar) is a new selection; the choice is kept for the select box under the list.
        st.session_state[state.DELEGATE_PROVINCE] = listed[int(points[0]["y"])].code
        st.session_state[state.DELEGATE_TAPS] = taps + 1
        st.session_state[state.DELEGATE_OPEN] = True
        st.rerun(scope="app")


snapshot_or_wait(lang, config.screen_seconds)  # before the first good read: retry
_view, _everything = view_of(snapshot_or_stop(lang))
st.session_state[HELD_SHOWN] = () if _everything else _view.covered
live_standings()


def province_breakdown(evaluation: Evaluation, code: str, where: str) -> None:
    """One province's group chart, adjustments and criteria."""
    standing = evaluation.standing(code)
    colour = province_colour(code, [p.code for p in config.provinces])
    st.plotly_chart(group_breakdown_figure(standing, lang, PHONE, colour=colour), key=f"delegate-groups-{where}",
                    config={"displayModeBar": False, "staticPlot": True})
    st.subheader(t("delegate.waterfall", lang))
    st.plotly_chart(waterfall_figure(standing, lang, PHONE), key=f"delegate-waterfall-{where}",
                    config={"displayModeBar": False, "staticPlot": True})
    with st.expander(t("delegate.criteria", lang)):
        st.dataframe(province_criteria(evaluation, code, lang), hide_index=True)


def breakdown() -> None:
    snap = snapshot_or_stop(lang)
    evaluation = snap.value
    view, everything = view_of(snap)
    names = {s.code: s.province.name for s in (evaluation.standings if everything else view.standings)}
    if st.session_state.get(state.DELEGATE_PROVINCE) not in names:
        st.session_state.pop(state.DELEGATE_PROVINCE, None)  # a covered province: not even its groups
    if st.session_state.pop(state.DELEGATE_OPEN, False) and st.session_state.get(state.DELEGATE_PROVINCE) in names:
        # a tap: the breakdown opens over the list, where the eye is, not below it off-screen
        code = st.session_state[state.DELEGATE_PROVINCE]
        opened = st.dialog(t("delegate.groups", lang, name=names[code]), width="large")(province_breakdown)
        opened(evaluation, code, "dialog")
    code = st.selectbox(t("delegate.pick", lang), list(names), format_func=names.__getitem__,
                        key=state.DELEGATE_PROVINCE, placeholder=t("widget.choose", lang))
    st.subheader(t("delegate.groups", lang, name=names[code]))
    province_breakdown(evaluation, code, "page")


tap_selects("delegate-chart")
with turn():  # a whole-page run (a visitor arriving, a tap) takes its turn too
    breakdown()
