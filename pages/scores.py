"""Bảng điểm: group subtotals self vs agreed, one province's criteria, and every problem.

During the ceremony's reveal the public sees none of a covered province (its row of group sums,
its criteria, the problems naming it: each would give its total away) and no margin to an award
line; the signed-in secretary sees everything, the covered provinces marked "chưa công bố".
"""

from dataclasses import replace

import streamlit as st

from lib.core.margins import margins
from lib.present.catalogue import t
from lib.present.formatting import number, rank_label
from lib.present.status import margin_text
from lib.present.tables import claim_style, difference_style, group_matrix, problems_table, province_criteria
from web.page import data_page
from web.reveal import covered_codes, naming_covered, notice, view_of

page = data_page("page.scores")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation
view, everything = view_of(snap)  # the ceremony's covered places: held back, or marked for the secretary
notice(view, everything, lang)
public = view.holding and not everything
hidden = covered_codes(snap, view)
shown = replace(evaluation, standings=view.standings) if public else evaluation

st.subheader(t("scores.matrix", lang))
st.caption(t("scores.matrix_help", lang))
text, differences = group_matrix(shown, lang, covered=view.covered if public else (),
                                 marked=frozenset() if public else hidden)
st.dataframe(text.style.apply(lambda _: differences.map(difference_style), axis=None),
             height="content")  # every province, and no blank row under the last

held = f" ({t('held.covered', lang)})"
names = {s.code: s.province.name + (held if s.code in hidden else "") for s in shown.standings}
if st.session_state.get("province") not in names:
    st.session_state.pop("province", None)  # a province covered since it was picked
code = st.selectbox(t("scores.pick", lang), list(names), format_func=names.__getitem__, key="province",
                    placeholder=t("widget.choose", lang))
st.subheader(t("scores.detail", lang, name=names[code]))
standing = evaluation.standing(code)
line = f"{rank_label(standing, t('rank.shared', lang))} · {number(standing.agreed_total, lang)}"
if not public:  # a margin to an award line names a covered total
    margin = next(m for m in margins(evaluation.standings, config.awards) if m.code == code)
    line += f" · {margin_text(margin, standing.award is not None, lang)}"
st.caption(line)
detail = province_criteria(evaluation, code, lang)
st.dataframe(detail.style.apply(lambda frame: claim_style(frame, lang), axis=None), hide_index=True,
             column_config={t("col.evidence", lang): st.column_config.TextColumn(width="large"),
                            t("col.working", lang): st.column_config.TextColumn(width="large")})

st.subheader(t("problems.title", lang), anchor="problems")
names_one = naming_covered(snap, view)
problems = [p for p in evaluation.problems if not public or not any(names_one(v) for _, v in p.params)]
st.dataframe(problems_table(problems, lang), hide_index=True)
