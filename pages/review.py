"""Hội nghị trù bị: go through one province's table, agree each score with a reason, save."""

import streamlit as st

from lib.core.model import Role
from lib.core.review import pending_adjustments, review_rows, what_if
from lib.core.scoring import Rules
from lib.present.catalogue import t
from lib.present.review_editor import READ_ONLY, editor_frame, edits_from_frame
from web import state
from web.auth import require
from web.data import config_or_stop, snapshot_or_stop
from web.review_widgets import (
    agree_buttons,
    correction_block,
    editor_columns,
    frozen_notice,
    outbox_status,
    province_picker,
    save_block,
    show_conflicts,
    show_moves,
    what_if_chart,
)
from web.widgets import freshness, language

lang = language()
config = config_or_stop(lang)
st.title(t("page.review", lang))
me = require(Role.SECRETARY, lang, "/tru-bi")
snap = snapshot_or_stop(lang)
evaluation = snap.value
freshness(snap, lang)
outbox_status(lang)
show_conflicts(me, lang)
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
pending_area = st.container()  # filled below, shown above the long table
edited = st.data_editor(
    editor_frame(rows, prefill, lang, {p.code: p.name for p in evaluation.sheet.provinces}),
    key=f"editor-{province.code}-{version}", hide_index=True,
    height=35 * (len(rows) + 1) + 3,
    disabled=frozen or list(READ_ONLY),
    column_config=editor_columns(rows, lang),
)
adjustments, problems = pending_adjustments(rows, edits_from_frame(edited), province)
if adjustments and not frozen:
    standings, moves = what_if(evaluation.sheet, Rules.from_config(config), adjustments)
    with pending_area:
        show_moves(moves, lang)
        save_block(me, province, adjustments, problems, lang)
    what_if_chart(standings, config, lang)
if not frozen:
    correction_block(me, evaluation.sheet, province, config, lang)
