"""Lịch sử điều chỉnh: the change log, filterable, and one province's self → agreed by group."""

import streamlit as st

from lib.present.catalogue import t
from lib.present.charts import group_breakdown_figure
from lib.present.tables import log_table
from web.page import data_page

page = data_page("page.history")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation

names = [s.province.name for s in evaluation.standings]
left, right = st.columns(2)
provinces = left.multiselect(t("history.filter_province", lang), names, key="history-provinces",
                             placeholder=t("widget.choose_many", lang))
criteria = right.multiselect(t("history.filter_criterion", lang), [c.code for c in evaluation.sheet.criteria],
                             key="history-criteria", placeholder=t("widget.choose_many", lang))
log = log_table(evaluation, provinces, criteria, lang)
if log.empty:
    st.caption(t("history.empty", lang))
else:
    st.dataframe(log, hide_index=True, height="content" if len(log) <= 20 else "auto")

for standing in [s for s in evaluation.standings if s.province.name in provinces] or evaluation.standings[:1]:
    st.subheader(t("history.chart", lang, name=standing.province.name))
    st.plotly_chart(group_breakdown_figure(standing, lang), key=f"breakdown-{standing.code}",
                    config={"displayModeBar": False})
