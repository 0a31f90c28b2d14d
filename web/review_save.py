"""Saving on the preliminary meeting's page: the save, its outcome in the save panel, conflicts.

A click on "Lưu thay đổi" starts a script run. ``save_on_click`` runs first in that run, before
anything is drawn: it takes the edits the grid sent with the click from the grid's session state
(the same table the page would draw, with the same edits applied), saves them, waits for a read
of the sheet begun after the save, and hands that snapshot to the page, which then draws the
saved values, the note naming them and a fresh grid in the same run. Saving inside the run that
drew the grid, then asking for another run to show the result, cost a whole second run of the
page (about 0.1–0.3 s) on every save.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from lib.core.auth import Grant
from lib.core.errors import ChangeSetConflict, InvalidChangeSet, NotAllowed
from lib.core.evaluation import Evaluation
from lib.core.model import VN_TIME, Adjustment, ChangeSet, Params, Province, Scoresheet
from lib.core.review import ReviewRow, landed, pending_adjustments, review_rows
from lib.edge.reader import Snapshot
from lib.edge.state import StateError
from lib.present.catalogue import conflict_line, explain, t, word
from lib.present.formatting import escape_markdown
from lib.present.review_editor import change_summary, editor_frame, edits_from_frame, with_edits
from web import state
from web.writes import settle, submit


def province_names(sheet: Scoresheet) -> dict[str, str]:
    """Province names by code, as the editor's working column names a leader."""
    return {p.code: p.name for p in sheet.provinces}


def save_on_click(me: Grant, snap: Snapshot[Evaluation], lang: str) -> Snapshot[Evaluation]:
    """In the run the save button's click started: save the grid's edits; the snapshot the page draws.

    Returns a snapshot read after the save when it was saved, else ``snap`` (the outcome, a
    refusal or a conflict is kept in the session for the save panel, drawn later in this run).
    Nothing happens unless the button was clicked, or when the edits the page would show as
    blocking (an unreadable value, no reason) are there: the button was not usable then.
    """
    if not st.session_state.get(state.SAVE_BUTTON):
        return snap
    sheet = snap.value.sheet
    code = st.session_state.get(state.REVIEW_PROVINCE)
    province = province_of(sheet, code)
    if province is None:
        return snap
    version = st.session_state.get(state.editor_version(province.code), 0)
    rows = as_shown(review_rows(sheet, province), st.session_state.get(state.shown(province.code, version)))
    frame = editor_frame(rows, st.session_state.get(state.prefill(province.code), []), lang, province_names(sheet))
    edited = with_edits(frame, st.session_state.get(state.editor(province.code, version)))
    adjustments, problems = pending_adjustments(rows, edits_from_frame(edited), province)
    if problems or not adjustments:
        return snap
    fresh = submit_and_note(ChangeSet(me.user, me.role, tuple(adjustments)), sheet, province.code, lang)
    return fresh or snap


def as_shown(rows: list[ReviewRow], shown: object) -> list[ReviewRow]:
    """``rows`` with the agreed values the grid showed when the secretary clicked (``state.shown``).

    The snapshot read at the start of the click's run may be newer than the one she saw: a value
    another writer saved in between would be the change's "old" and be overwritten unseen. From
    the values she saw, the write finds it changed and the page shows the conflict instead.
    """
    if not isinstance(shown, dict):
        return rows
    return [replace(r, agreed=shown.get(r.criterion.code, r.agreed)) for r in rows]


def save_note(lang: str) -> None:
    """The last save's outcome, kept until the next save: what was saved (or queued, parked, refused) and why."""
    note = st.session_state.get(state.SAVE_NOTE)
    if not note:
        return
    level, text = note
    icons = {"success": ":material/check_circle:", "warning": ":material/cloud_off:", "error": ":material/block:"}
    getattr(st, level)(escape_markdown(text), icon=icons[level])


def save_block(adjustments: list[Adjustment], problems: list[tuple[str, Params]], lang: str) -> None:
    """The problems that block saving, or the save button (there from the start; ``save_on_click`` acts on it)."""
    save_note(lang)
    for code, params in problems:
        st.error(word(code, params, lang), icon=":material/edit_off:")
    st.caption(t("review.pending", lang, count=len(adjustments)) if adjustments
               else t("review.nothing_pending", lang))
    st.button(t("review.save", lang), type="primary", disabled=bool(problems) or not adjustments,
              key=state.SAVE_BUTTON)


def _note(level: str, key: str, sheet: Scoresheet, change_set: ChangeSet, lang: str, **values: object) -> None:
    """Keep the outcome for the save panel (a toast alone goes by unseen)."""
    name, changes = change_summary(sheet, change_set.adjustments, lang)
    time = dt.datetime.now(VN_TIME).strftime("%H:%M:%S")
    st.session_state[state.SAVE_NOTE] = (level, t(key, lang, time=time, name=name, changes=changes, **values))


def submit_and_note(change_set: ChangeSet, sheet: Scoresheet, province: str, lang: str) -> Snapshot[Evaluation] | None:
    """Save now or queue; the outcome kept for the save panel; the snapshot read after a save, if saved.

    A conflict is kept for ``show_conflicts``; a refusal, a parked or queued change set is said as it is.
    """
    st.session_state.pop(state.CONFLICT, None)  # a new save answers the last conflict: its "keep mine" would be stale
    try:
        outcome = submit(change_set)
    except ChangeSetConflict as exc:
        st.session_state[state.CONFLICT] = (change_set, exc.conflicts)
        st.session_state.pop(state.SAVE_NOTE, None)
        return None
    except (InvalidChangeSet, NotAllowed) as exc:
        _note("error", "review.refused_note", sheet, change_set, lang, why=explain(exc, lang))
        return None
    except StateError as exc:  # nothing saved, nothing queued: said as it is
        why = word("state.not_saved", {"problem": explain(exc, lang)}, lang)
        _note("error", "review.refused_note", sheet, change_set, lang, why=why)
        return None
    if outcome.status == "parked":
        reason = word(outcome.code, outcome.params, lang) if outcome.code else (outcome.error or "")
        _note("error", "review.refused_note", sheet, change_set, lang,
              why=word("review.parked_now", {"reason": reason}, lang))
        return None
    if outcome.status != "saved":
        why = (word("state.queued_unnoted", {"error": word(outcome.code, outcome.params, lang)}, lang)
               if outcome.code else t("review.queued", lang, error=outcome.error or ""))
        _note("warning", "review.queued_note", sheet, change_set, lang, why=why)
        return None
    st.session_state.pop(state.prefill(province), None)
    st.session_state[state.FIX_SAVED] = True  # the correction form starts empty
    version = st.session_state.get(state.editor_version(province), 0)
    st.session_state.pop(state.shown(province, version), None)
    st.session_state[state.editor_version(province)] = version + 1
    fresh = settle()  # a read begun after the save, not the one in flight before it
    done = fresh is not None and landed(fresh.value.sheet, change_set.adjustments)
    _note("success", "review.saved_note" if done else "review.saved_later", sheet, change_set, lang)
    if outcome.code:  # saved, though the state database could not note it
        level, text = st.session_state[state.SAVE_NOTE]
        st.session_state[state.SAVE_NOTE] = ("warning", text + " " + word(outcome.code, outcome.params, lang))
    st.toast(t("review.saved", lang, count=len(change_set.adjustments)), icon=":material/check_circle:")
    return fresh


def show_conflicts(me: Grant, sheet: Scoresheet, lang: str) -> None:
    """The last save's conflicts, with the secretary's two choices."""
    pending = st.session_state.get(state.CONFLICT)
    if not pending:
        return
    change_set, conflicts = pending
    st.error(t("review.conflict", lang), icon=":material/sync_problem:")
    for conflict in conflicts:
        st.markdown(f"- {escape_markdown(conflict_line(conflict, lang))}")
    keep, drop = st.columns(2)
    if keep.button(t("review.keep_mine", lang), key="conflict-keep"):
        now = {(c.criterion, c.province): c.now for c in conflicts}
        retried = tuple(replace(a, old=now.get((a.criterion, a.province), a.old)) for a in change_set.adjustments)
        del st.session_state[state.CONFLICT]
        submit_and_note(ChangeSet(me.user, me.role, retried), sheet, retried[0].province, lang)
        st.rerun()
    if drop.button(t("review.drop_mine", lang), key="conflict-drop"):
        del st.session_state[state.CONFLICT]
        st.rerun()


def province_of(sheet: Scoresheet, code: object) -> Province | None:
    """The province ``code`` of the sheet, if it is one."""
    return next((p for p in sheet.provinces if p.code == code), None)
