"""Bảng điểm: group subtotals self vs agreed, one province's criteria, and every problem."""

import streamlit as st

from lib.core.margins import margins
from lib.present.catalogue import t
from lib.present.formatting import number, rank_label
from lib.present.status import margin_text
from lib.present.tables import claim_style, difference_style, group_matrix, problems_table, province_criteria
from web.page import data_page

page = data_page("page.scores")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation

st.subheader(t("scores.matrix", lang))
st.caption(t("scores.matrix_help", lang))
text, differences = group_matrix(evaluation, lang)
st.dataframe(text.style.apply(lambda _: differences.map(difference_style), axis=None),
             height="content")  # every province, and no blank row under the last

names = {s.code: s.province.name for s in evaluation.standings}
code = st.selectbox(t("scores.pick", lang), list(names), format_func=names.__getitem__, key="province",
                    placeholder=t("widget.choose", lang))
st.subheader(t("scores.detail", lang, name=names[code]))
margin = next(m for m in margins(evaluation.standings, config.awards) if m.code == code)
standing = evaluation.standing(code)
st.caption(f"{rank_label(standing, t('rank.shared', lang))} · {number(standing.agreed_total, lang)} · "
           f"{margin_text(margin, standing.award is not None, lang)}")
detail = province_criteria(evaluation, code, lang)
st.dataframe(detail.style.apply(lambda frame: claim_style(frame, lang), axis=None), hide_index=True,
             column_config={t("col.evidence", lang): st.column_config.TextColumn(width="large"),
                            t("col.working", lang): st.column_config.TextColumn(width="large")})

st.subheader(t("problems.title", lang), anchor="problems")
st.dataframe(problems_table(evaluation, lang), hide_index=True)
