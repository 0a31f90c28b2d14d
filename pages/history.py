"""Lịch sử điều chỉnh: the change log, filterable, and one province's self → agreed by group.

During the ceremony's reveal the public sees no change of a covered province (its old and new
scores would give its total away) and no chart of one; the signed-in secretary sees everything.
"""

import streamlit as st

from lib.present.catalogue import t
from lib.present.charts import group_breakdown_figure
from lib.present.tables import log_table
from web.page import data_page
from web.reveal import covered_codes, naming_covered, notice, view_of

page = data_page("page.history")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation
view, everything = view_of(snap)  # the ceremony's covered places: held back, or marked for the secretary
notice(view, everything, lang)
public = view.holding and not everything
hidden = covered_codes(snap, view)
standings = view.standings if public else evaluation.standings

names = [s.province.name for s in standings]
left, right = st.columns(2)
kept = [n for n in st.session_state.get("history-provinces", []) if n in names]
if kept != st.session_state.get("history-provinces", kept):
    st.session_state["history-provinces"] = kept  # a province covered since it was picked
provinces = left.multiselect(t("history.filter_province", lang), names, key="history-provinces",
                             placeholder=t("widget.choose_many", lang))
criteria = right.multiselect(t("history.filter_criterion", lang), [c.code for c in evaluation.sheet.criteria],
                             key="history-criteria", placeholder=t("widget.choose_many", lang))
log = log_table(evaluation, provinces, criteria, lang)
if public:
    log = log[~log[t("col.province", lang)].map(naming_covered(snap, view))].reset_index(drop=True)
if log.empty:
    st.caption(t("history.empty", lang))
else:
    st.dataframe(log, hide_index=True, height="content" if len(log) <= 20 else "auto")

for standing in [s for s in standings if s.province.name in provinces] or standings[:1]:
    held = f" ({t('held.covered', lang)})" if standing.code in hidden else ""
    st.subheader(t("history.chart", lang, name=standing.province.name) + held)
    st.plotly_chart(group_breakdown_figure(standing, lang), key=f"breakdown-{standing.code}",
                    config={"displayModeBar": False})
