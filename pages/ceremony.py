"""Điều hành hội nghị: the secretary's control screen for the official session's big screen.

Starts and ends the reveal, uncovers the award places one rank at a time (buttons, or the
keys ← and →), and moves the current agenda item (PageUp / PageDown, what a presenter's
clicker sends). Every change goes to the host's shared ceremony state (``web.ceremony``),
which each projector reads on its next tick. On unfrozen data it is a rehearsal, said here and
on the projector.
"""

from dataclasses import replace

import streamlit as st

from lib.core.ceremony import advance_agenda, covered, reveal_steps, step
from lib.core.errors import NotAllowed
from lib.core.model import Role
from lib.present.catalogue import award_label, explain, t
from lib.present.ceremony import agenda_line, reveal_line
from web import ceremony
from web.auth import require
from web.page import data_page

page = data_page("page.ceremony")
lang, config, evaluation = page.lang, page.config, page.evaluation
require(Role.SECRETARY, lang, "/dieu-hanh")
standings = evaluation.standings
steps = reveal_steps(standings)
frozen = evaluation.freeze.frozen


def act(change) -> None:
    try:
        ceremony.change(change)
    except NotAllowed as exc:
        st.error(explain(exc, lang), icon=":material/block:")


st.subheader(t("reveal.heading", lang))
if not frozen:
    st.warning(t("reveal.rehearsal", lang), icon=":material/theater_comedy:")
n = len(steps)
# Callbacks run before the script, so the buttons below are drawn from the state they just changed.
state = ceremony.current()
start_col, stop_col = st.columns(2)
start_col.button(t("reveal.start", lang), icon=":material/visibility_off:", disabled=state.active or not steps,
                 key="reveal-start", type="primary", on_click=act,
                 args=(lambda c: replace(c, active=True, revealed=0),))
stop_col.button(t("reveal.stop", lang), icon=":material/visibility:", disabled=not state.active, key="reveal-stop",
                on_click=act, args=(lambda c: replace(c, active=False, revealed=0),))
back, forward, restart = st.columns(3)
back.button(t("reveal.back", lang), key="reveal-back", shortcut="left", width="stretch",
            disabled=not state.active or state.revealed == 0, on_click=act, args=(lambda c: step(c, -1, n),))
forward.button(t("reveal.next", lang), key="reveal-next", shortcut="right", type="primary", width="stretch",
               disabled=not state.active or state.revealed >= n, on_click=act, args=(lambda c: step(c, +1, n),))
restart.button(t("reveal.restart", lang), key="reveal-restart", icon=":material/restart_alt:", width="stretch",
               disabled=not state.active, on_click=act, args=(lambda c: replace(c, revealed=0),))
st.caption(t("reveal.keys", lang))

if not steps:
    st.info(t("reveal.no_awards", lang))
elif not state.active:
    st.info(t("reveal.off", lang), icon=":material/visibility:")
else:
    st.markdown(f"**{t('reveal.progress', lang, done=state.revealed, total=n)}**")
    news = reveal_line(standings, state, lang, config.awards)
    if news:
        st.success(news, icon=":material/emoji_events:")
    st.caption(t("reveal.next_up", lang, rank=steps[state.revealed]) if state.revealed < len(steps)
               else t("reveal.all_done", lang))
hidden = covered(standings, state.revealed) if state.active else frozenset()
st.dataframe(
    [{t("col.rank", lang): s.rank, t("col.province", lang): s.province.name,
      t("col.award", lang): award_label(s.award, lang, config.awards),
      t("reveal.col.shown", lang): t("reveal.hidden" if s.code in hidden else "reveal.shown", lang)}
     for s in standings if s.award is not None],
    hide_index=True, key="reveal-preview")

st.subheader(t("agenda.heading", lang))
if not config.agenda:
    st.info(t("agenda.empty", lang))
else:
    items = len(config.agenda)
    prev_col, next_col = st.columns(2)
    prev_col.button(t("agenda.prev", lang), key="agenda-prev", shortcut="pageup", width="stretch",
                    disabled=state.agenda is None, on_click=act, args=(lambda c: advance_agenda(c, -1, items),))
    next_col.button(t("agenda.next", lang), key="agenda-next", shortcut="pagedown", width="stretch",
                    disabled=state.agenda == items - 1, on_click=act, args=(lambda c: advance_agenda(c, +1, items),))
    st.markdown(f"**{agenda_line(config, state, lang) or t('agenda.none', lang)}**")
    st.markdown("\n".join(
        f"- {'▶ **' if i == state.agenda else ''}{item.time:%H:%M} · {item.heading(lang)}"
        f"{'**' if i == state.agenda else ''}" for i, item in enumerate(config.agenda)))
