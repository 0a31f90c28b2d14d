"""Pieces of the preliminary meeting's review page: picker, agree buttons, what-if, corrections, typing."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib.core.auth import Grant
from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.freeze import short
from lib.core.model import ChangeSet, Province, Scoresheet, Standing
from lib.core.review import (
    Move,
    ReviewRow,
    agree_as_computed,
    agree_as_self,
    computed_moves,
    correctable,
    correction,
)
from lib.core.review import what_if as what_if_of
from lib.core.scoring import Rules
from lib.present.catalogue import t, word
from lib.present.charts import ranking_figure
from lib.present.correction import criterion_label, figure_text, score_move_lines, tab_label
from lib.present.formatting import escape_markdown, number
from lib.present.grid_typing import GRID_TYPING
from lib.present.review_editor import column_widths
from web import state
from web.review_save import submit_and_note
from web.writes import outbox


def province_picker(evaluation: Evaluation, lang: str) -> Province:
    """A select box with previous/next buttons, stepping through provinces in config order."""
    provinces = {p.code: p for p in evaluation.sheet.provinces}
    codes = list(provinces)
    if st.session_state.get(state.REVIEW_PROVINCE) not in provinces:
        st.session_state[state.REVIEW_PROVINCE] = codes[0]

    def step(delta: int) -> None:
        index = codes.index(st.session_state[state.REVIEW_PROVINCE])
        st.session_state[state.REVIEW_PROVINCE] = codes[(index + delta) % len(codes)]

    left, middle, right = st.columns([1, 4, 1], vertical_alignment="bottom")
    left.button(t("review.prev", lang), key="review-prev", on_click=step, args=(-1,))
    middle.selectbox(t("review.province", lang), codes, key=state.REVIEW_PROVINCE,
                     format_func=lambda code: f"{provinces[code].name} ({code})")
    right.button(t("review.next", lang), key="review-next", on_click=step, args=(1,))
    return provinces[st.session_state[state.REVIEW_PROVINCE]]


def agree_buttons(province: Province, rows: list[ReviewRow], version: int, lang: str) -> None:
    """"Agree as self-scored" and, where the province has computed scores, "agree as computed": prefill the editor."""
    choices = [("agree-self", "review.agree_self", agree_as_self)]
    if any(r.computed is not None for r in rows):
        choices.append(("agree-computed", "review.agree_computed", agree_as_computed))
    row = st.container(horizontal=True)  # one line where it fits: the grid starts higher on a 768 px screen
    for key, label, make in choices:
        if row.button(t(label, lang), key=key):
            st.session_state[state.prefill(province.code)] = make(rows)
            st.session_state[state.editor_version(province.code)] = version + 1
            st.rerun()


def editor_columns(rows: list[ReviewRow], lang: str) -> dict:
    """Labels and widths of the review editor's columns (bounds are checked when the edits are read).

    Widths in pixels, each at least its header's (no cut headers at 1920 px); the code and the
    criterion stay pinned when a narrower screen scrolls the grid sideways.
    """
    width = column_widths(lang)
    labels = {"code": "col.code", "criterion": "col.criterion", "max": "col.max", "self": "col.self",
              "evidence": "col.evidence", "agreed": "review.col.agreed", "new": "review.col.new",
              "reason": "col.reason", "flag": "review.col.flag", "computed": "col.computed",
              "working": "col.working"}
    return {key: st.column_config.TextColumn(t(label, lang), width=width[key], pinned=key in ("code", "criterion"))
            for key, label in labels.items()}


def frozen_notice(evaluation: Evaluation, lang: str) -> bool:
    """The read-only notice when the scores are frozen; True then."""
    last = evaluation.freeze.last
    if evaluation.freeze.frozen and last is not None:
        st.info(t("review.frozen", lang, time=escape_markdown(last.time), fingerprint=short(last.fingerprint)),
                icon=":material/lock:")
        return True
    return False


def outbox_status(lang: str) -> None:
    """The "not yet saved to the sheet" banner while change sets wait in the outbox."""
    count, error, _ = outbox().status()
    if count:
        st.warning(t("review.outbox", lang, count=count, error=escape_markdown(error or "")),
                   icon=":material/cloud_upload:")
    for parked in outbox().conflicts():
        with st.expander(t("review.parked", lang) + f" — {parked.at}", expanded=True):
            st.text(word(parked.code, parked.params, lang) if parked.code else parked.message)
            if st.button(t("review.drop_mine", lang), key=f"dismiss-{parked.change_set.id}"):
                outbox().dismiss(parked.change_set.id)
                st.rerun()
            if st.button(t("review.requeue", lang), key=f"requeue-{parked.change_set.id}"):
                outbox().requeue(parked.change_set.id)
                st.rerun()
    for entry in outbox().quarantined():
        with st.expander(t("review.quarantined", lang) + f" — {entry.at}", expanded=True):
            st.text(word("outbox.quarantined", (("error", entry.message),), lang))
            st.code(entry.text[:2000], language=None)
            if st.button(t("review.drop_quarantined", lang), key=f"quarantine-{entry.seq}"):
                outbox().dismiss_quarantined(entry.seq)
                st.rerun()


def show_moves(moves: list[Move], lang: str, pending: bool = True) -> None:
    """How the pending changes move totals and ranks (who passes whom); what this box is for when none are."""
    if not pending:
        st.caption(t("review.whatif_empty", lang))
        return
    st.markdown(f"**{t('review.whatif', lang)}**")
    if not moves:
        st.caption(t("meeting.no_moves", lang))
    for move in moves:
        line = t("review.move", lang, name=move.province.name, old_total=number(move.old_total, lang),
                 new_total=number(move.new_total, lang), old_rank=move.old_rank, new_rank=move.new_rank)
        if move.passes:
            line += " — " + t("review.passes", lang, names=", ".join(move.passes))
        icon = "▲" if move.new_rank < move.old_rank else "▼" if move.new_rank > move.old_rank else "•"
        st.markdown(f"{icon} {line}")


def what_if_chart(standings: tuple[Standing, ...], config: ClusterConfig, lang: str,
                  key: str = "what-if-chart", pending: bool = True) -> None:
    """The ranking the pending changes would give (``pending``), else the ranking as saved, in the ranking
    page's chart style."""
    st.subheader(t("review.whatif" if pending else "review.ranking_now", lang))
    st.plotly_chart(ranking_figure(standings, [a.name for a in config.awards], lang), key=key,
                    config={"displayModeBar": False})


def correction_block(me: Grant, sheet: Scoresheet, province: Province, config: ClusterConfig, lang: str) -> None:
    """Correct the province's target or result on a computed criterion: every score that moves, then save."""
    options = {c.code: (c, tabs) for c, tabs in correctable(sheet)}
    if not options:
        return
    st.subheader(t("fix.title", lang))
    st.caption(t("fix.help", lang))
    if st.session_state.pop(state.FIX_SAVED, False):  # set before the inputs exist: the browser's values give way
        st.session_state[state.FIX_VALUE] = st.session_state[state.FIX_REASON] = ""
    code = st.selectbox(t("fix.criterion", lang), list(options), key=state.FIX_CRITERION,
                        format_func=lambda c: criterion_label(options[c][0]))
    criterion, tabs = options[code]
    if st.session_state.get(state.FIX_TAB) not in tabs:
        st.session_state[state.FIX_TAB] = tabs[-1]  # the result, unless a target is asked for
    tab = st.radio(t("fix.tab", lang), tabs, key=state.FIX_TAB, horizontal=True,
                   format_func=lambda tab: tab_label(tab, lang))
    now = (sheet.targets if tab == "KeHoach" else sheet.results).get((code, province.code))
    st.caption(t("fix.now", lang, value=figure_text(now)))
    seen, st.session_state[state.FIX_SHOWN] = st.session_state.get(state.FIX_SHOWN), (code, province.code, tab, now)
    value = st.text_input(t("fix.value", lang), key=state.FIX_VALUE)
    reason = st.text_input(t("fix.reason", lang), key=state.FIX_REASON)
    if not value.strip():
        return
    adjustment, problems = correction(sheet, code, province.code, tab, value, reason)
    if adjustment is None:
        for problem, params in problems:
            st.error(word(problem, params, lang), icon=":material/edit_off:")
        if not problems:
            st.info(t("fix.no_move", lang))
        return
    standings, moves = what_if_of(sheet, Rules.from_config(config), [adjustment])
    st.markdown(f"**{t('fix.scores', lang)}**")
    lines = score_move_lines(computed_moves(sheet, [adjustment]), lang)
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in lines) or t("fix.no_move", lang))
    show_moves(moves, lang)
    for problem, params in problems:
        st.error(word(problem, params, lang), icon=":material/edit_off:")
    if st.button(t("fix.save", lang), type="primary", disabled=bool(problems), key="fix-save"):
        # from the value she saw before this click: one another writer saved since is a conflict, not overwritten
        if isinstance(seen, tuple) and seen[:3] == (code, province.code, tab):
            adjustment = replace(adjustment, old=seen[3])
        submit_and_note(ChangeSet(me.user, me.role, (adjustment,)), sheet, province.code, lang)
        st.rerun()
    what_if_chart(standings, config, lang, key="fix-what-if-chart")


def steady_typing() -> None:
    """Make a click, typing and Enter or Tab record a value in the review grid, however fast the typing."""
    st.html(f"<script>{GRID_TYPING}</script>", unsafe_allow_javascript=True)
