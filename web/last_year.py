"""Last year beside this year on the ranking and the delegates' screens (``[history]`` in the cluster TOML)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.edge.history import comparison_for
from lib.present.catalogue import t
from lib.present.formatting import escape_markdown, rank_label
from lib.present.history_view import change_text, last_text, notes


def last_year_section(evaluation: Evaluation, config: ClusterConfig, lang: str) -> None:
    """Each province's rank and total last year and its change; nothing without ``[history]``."""
    comparison, error = comparison_for(config, evaluation)  # last year is read once per process
    if error:
        st.warning(t("history.unreadable", lang, reason=error))
    if comparison is None:
        return
    st.subheader(t("history.title", lang))
    rows = [{t("col.rank", lang): rank_label(s), t("col.province", lang): s.province.name,
             t("history.last_rank", lang): last_text(comparison.rows[s.code]),
             t("history.change", lang): change_text(comparison.rows[s.code], lang)} for s in evaluation.standings]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="last-year-table")
    for note in notes(comparison, lang):
        st.caption(escape_markdown(note))
