"""Hội nghị trù bị: go through one province's table, agree each score with a reason, save.

The layout holds still: the save panel and the what-if sit in fixed boxes above the grid from
the first run, and the what-if chart below it, so an edit or a save never moves the grid. The
province open and the unsaved changes are shared with the hall's screen (``/?view=meeting``).
"""

import streamlit as st

from lib.core.meeting import Meeting
from lib.core.model import Role
from lib.core.review import pending_adjustments, review_rows, what_if
from lib.core.scoring import Rules
from lib.present.catalogue import t
from lib.present.review_editor import READ_ONLY, editor_frame, edits_from_frame
from web import state
from web.auth import require
from web.data import config_or_stop, snapshot_or_stop
from web.meeting_screen import share
from web.review_save import province_names, save_block, save_note, save_on_click, show_conflicts
from web.review_widgets import (
    agree_buttons,
    correction_block,
    editor_columns,
    frozen_notice,
    outbox_status,
    province_picker,
    show_moves,
    steady_typing,
    what_if_chart,
)
from web.widgets import freshness, language

ROW_HEIGHT = 68  # over the grid's 4rem: its cells wrap (criterion names, evidence, working read whole)
BOX_HEIGHT = 210  # the save panel and the what-if: fixed, so that neither moves the grid

lang = language()
config = config_or_stop(lang)
st.html("<style>[data-testid='stMainBlockContainer'] { padding-left: 1.5rem; padding-right: 1.5rem; }</style>")
st.title(t("page.review", lang))
me = require(Role.SECRETARY, lang, "/tru-bi")
snap = save_on_click(me, snapshot_or_stop(lang), lang)  # before anything is drawn: this run shows the save
evaluation = snap.value
freshness(snap, lang)
outbox_status(lang)
show_conflicts(me, evaluation.sheet, lang)
frozen = frozen_notice(evaluation, lang)

province = province_picker(evaluation, lang)
rows = review_rows(evaluation.sheet, province)
unlogged = sum(1 for r in rows if r.unlogged)
if unlogged:
    st.warning(t("review.unlogged", lang, count=unlogged), icon=":material/report:")
st.caption(t("review.help", lang))

version = st.session_state.setdefault(state.editor_version(province.code), 0)
prefill = st.session_state.get(state.prefill(province.code), [])
if not frozen:
    agree_buttons(province, rows, version, lang)
steady_typing()
save_box, moves_box = st.columns([3, 2])
save_area = save_box.container(height=BOX_HEIGHT, border=True)
moves_area = moves_box.container(height=BOX_HEIGHT, border=True)
edited = st.data_editor(
    editor_frame(rows, prefill, lang, province_names(evaluation.sheet)),
    key=state.editor(province.code, version), hide_index=True,
    height=ROW_HEIGHT * len(rows) + 38, row_height=ROW_HEIGHT,
    disabled=frozen or list(READ_ONLY),
    column_config=editor_columns(rows, lang),
)
# what she saw: the save starts from these, so a value another writer saved since is a conflict, not overwritten
st.session_state[state.shown(province.code, version)] = {r.criterion.code: r.agreed for r in rows}
adjustments, problems = pending_adjustments(rows, edits_from_frame(edited), province)
standings = evaluation.standings
share(Meeting(province.code, () if frozen else tuple(adjustments)), me.user, me.role)
if frozen:
    with save_area:
        save_note(lang)
else:
    moves = []
    if adjustments:
        standings, moves = what_if(evaluation.sheet, Rules.from_config(config), adjustments)
    with moves_area:
        show_moves(moves, lang, pending=bool(adjustments))
    with save_area:
        save_block(adjustments, problems, lang)
what_if_chart(standings, config, lang, pending=bool(adjustments) and not frozen)
if not frozen:
    correction_block(me, evaluation.sheet, province, config, lang)
