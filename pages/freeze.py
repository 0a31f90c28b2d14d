"""Chốt kết quả: the admin freezes the agreed scores (or unfreezes them, with a reason)."""

import streamlit as st

from lib.core.errors import NotAllowed, SourceError
from lib.core.freeze import fingerprint, short
from lib.core.model import Role
from lib.edge.secret import records_key_origin
from lib.present.catalogue import explain, t
from lib.present.formatting import escape_markdown
from lib.present.tables import differences_table, ignored_freeze_table
from web.auth import require
from web.page import data_page
from web.writes import freeze

page = data_page("page.freeze")
lang, config, evaluation = page.lang, page.config, page.evaluation
me = require(Role.ADMIN, lang, "/chot")
state = evaluation.freeze

if state.ignored:
    st.warning(t("freeze.ignored", lang, count=len(state.ignored)), icon=":material/gpp_bad:")
    st.dataframe(ignored_freeze_table(evaluation, lang), hide_index=True)

if state.key_mismatch:  # signed rows this server's key cannot check: nothing can be written, never "open"
    st.error(t("freeze.state_key_mismatch", lang, cells=", ".join(state.unverified),
               origin=escape_markdown(records_key_origin())), icon=":material/key_off:")
    st.stop()
if state.frozen and state.last is not None and state.broken:
    st.error(t("freeze.state_broken", lang, time=escape_markdown(state.last.time),
               user=escape_markdown(state.last.user), fingerprint=short(state.last.fingerprint),
               cells=", ".join(c for b in state.breaks for c in b.cells)), icon=":material/gpp_bad:")
    st.caption(t("freeze.broken_help", lang))
elif state.frozen and state.last is not None:
    st.success(t("freeze.state_frozen", lang, time=escape_markdown(state.last.time),
                 user=escape_markdown(state.last.user), fingerprint=short(state.last.fingerprint)),
               icon=":material/lock:")
if state.frozen and state.last is not None:
    if evaluation.frozen_differences:
        st.error(t("freeze.differences", lang, count=len(evaluation.frozen_differences)), icon=":material/difference:")
        st.dataframe(differences_table(evaluation, lang), hide_index=True)
    reason = st.text_input(t("freeze.reason", lang), key="unfreeze-reason")
    wanted, frozen = st.button(t("freeze.undo", lang), key="unfreeze", disabled=not reason.strip()), False
else:
    st.info(t("freeze.state_open", lang, fingerprint=short(fingerprint(evaluation.sheet))), icon=":material/lock_open:")
    provisional = sum(s.provisional for s in evaluation.standings)
    if provisional:
        st.warning(t("freeze.provisional", lang, count=provisional), icon=":material/hourglass_top:")
    reason, frozen = "", True
    wanted = st.button(t("freeze.do", lang), type="primary", key="freeze")

if wanted:
    try:
        done = freeze(me.user, me.role, frozen, reason)
    except (NotAllowed, SourceError) as exc:
        st.error(explain(exc, lang), icon=":material/block:")
    else:
        st.toast(t("freeze.done", lang, fingerprint=short(done)) if frozen else t("freeze.undone", lang))
        st.rerun()
