"""Tiến độ nộp: who has sent which self-scores and evidence, against the deadlines."""

import datetime as dt

import streamlit as st

from lib.core.tracker import progress, supplement_due
from lib.present.catalogue import t
from lib.present.formatting import VN_TIME, vn_date
from lib.present.tables import overdue_style, tracker_table
from web.page import data_page

page = data_page("page.tracker")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation
st.caption(t("tracker.deadlines", lang, table=vn_date(config.self_scores_due) or "—",
             last=vn_date(supplement_due(config)) or "—"))

rows = progress(snap.value, config, dt.datetime.now(VN_TIME).date())
late = [r.province.name for r in rows if r.overdue]
if late:
    st.error(t("tracker.overdue", lang, count=len(late), names=", ".join(late)), icon=":material/schedule:")
table = tracker_table(rows, lang)
status = t("tracker.col.status", lang)
st.dataframe(table.style.map(lambda v: overdue_style(v, lang), subset=[status]), hide_index=True)
