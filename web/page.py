"""The opening every data page shares: language, configuration, title, current data."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.edge.reader import Snapshot
from lib.present.catalogue import t
from web.data import config_or_stop, snapshot_or_stop
from web.widgets import freshness, language


@dataclass(frozen=True)
class DataPage:
    """What a page works with: the UI language, the cluster, and the data as of now."""

    lang: str
    config: ClusterConfig
    snap: Snapshot[Evaluation]

    @property
    def evaluation(self) -> Evaluation:
        """The evaluated data of this snapshot."""
        return self.snap.value


def data_page(title_key: str) -> DataPage:
    """Show the page's title and the data's freshness; stop with a clear message when there is no data."""
    lang = language()
    config = config_or_stop(lang)
    st.title(t(title_key, lang))
    snap = snapshot_or_stop(lang)
    freshness(snap, lang)
    return DataPage(lang, config, snap)
