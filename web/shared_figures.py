"""Figures and tables built once per data version and shared by every session.

With hundreds of viewers, building the same Plotly figure per viewer per refresh is
the main cost; here it is built once for each (config, data version, language, screen)
and handed to every session (``st.cache_resource``: shared, never mutated).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.core.config import config_path
from lib.core.evaluation import Evaluation
from lib.edge.reader import Snapshot
from lib.present.catalogue import award_label, t
from lib.present.charts import PHONE, SCREEN, ranking_figure
from lib.present.tables import standings_table
from web.data import cluster_config

THEMES = {"screen": SCREEN, "phone": PHONE}


# The snapshot is passed as ``_snap`` (not hashed): (config, version) identify its content.
@st.cache_resource(max_entries=32, show_spinner=False)
def _ranking(config: str, version: int, lang: str, theme: str, _snap: Snapshot[Evaluation]) -> go.Figure:
    previous = _snap.previous.standings if _snap.previous is not None else None
    awards = cluster_config().awards
    labels = {a.name: award_label(a.name, lang, awards) for a in awards}
    return ranking_figure(_snap.value.standings, [a.name for a in awards], lang, THEMES[theme], previous, labels)


def ranking_chart(snap: Snapshot[Evaluation], lang: str, theme: str = "screen") -> go.Figure:
    """The ranking figure of this data version (built once for all sessions)."""
    return _ranking(str(config_path()), snap.version, lang, theme, snap)


@st.cache_resource(max_entries=32, show_spinner=False)
def _table(config: str, version: int, lang: str, _snap: Snapshot[Evaluation]) -> pd.DataFrame:
    return standings_table(_snap.value, lang, cluster_config().awards)


def ranking_table(snap: Snapshot[Evaluation], lang: str) -> pd.DataFrame:
    """The standings table of this data version (built once for all sessions)."""
    return _table(str(config_path()), snap.version, lang, snap)


def margins_table(snap: Snapshot[Evaluation], lang: str) -> pd.DataFrame:
    """Rank, province, total, the margin to the award line and why an equal-looking order is so: the phone's table."""
    table = ranking_table(snap, lang)
    return table[[t(key, lang) for key in ("col.rank", "col.province", "col.agreed", "col.margin", "order.col")]]
