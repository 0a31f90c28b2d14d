"""The reveal held back on the Streamlit screens: the ranking page, the delegates' view, the CSV.

Every public screen shows what ``lib.core.ceremony.held_back`` leaves of the standings for the
ceremony's step the live watcher last read (``web.live.ceremony_now``, the same read the content
id of ``/api/events`` is made with, so a screen's ``follow`` reruns on each step). A signed-in
secretary or admin sees everything, with a line saying what the public does not see yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.core.ceremony import HeldBack, held_back
from lib.core.config import config_path
from lib.core.evaluation import Evaluation
from lib.core.text import fold
from lib.edge.reader import Snapshot
from lib.present.catalogue import t
from lib.present.charts import ranking_figure
from lib.present.tables import standings_table
from web import auth
from web.data import cluster_config
from web.live import ceremony_now
from web.shared_figures import THEMES


def view_of(snap: Snapshot[Evaluation]) -> tuple[HeldBack, bool]:
    """What this session may see of ``snap`` now, and whether it sees everything as a signed-in writer."""
    view = held_back(snap.value.standings, ceremony_now())
    if view.holding and auth.can_edit():
        return view, True
    return view, False


def covered_codes(snap: Snapshot[Evaluation], view: HeldBack) -> frozenset[str]:
    """The codes of the provinces the projector covers now (empty when nothing is covered)."""
    shown = {s.code for s in view.standings}
    return frozenset(s.code for s in snap.value.standings if s.code not in shown)


def naming_covered(snap: Snapshot[Evaluation], view: HeldBack) -> Callable[[object], bool]:
    """A test of a value (a problem's parameter, a log row's province): does it name a covered province?

    A code counts when it is the whole value, a name when the value contains it (folded: case and
    accents aside), so "Quảng Ngãi, Khánh Hòa" names both.
    """
    hidden = covered_codes(snap, view)
    codes = {fold(s.code) for s in snap.value.standings if s.code in hidden}
    names = [fold(s.province.name) for s in snap.value.standings if s.code in hidden]

    def names_one(value: object) -> bool:
        text = fold(value)
        return text in codes or any(name in text for name in names)
    return names_one


def seen(snap: Snapshot[Evaluation], view: HeldBack, everything: bool) -> Evaluation:
    """The evaluation as this session may see it: only the uncovered standings for the public while holding."""
    return replace(snap.value, standings=view.standings) if view.holding and not everything else snap.value


def ranks_text(view: HeldBack) -> str:
    """The covered ranks as "1–3" (or "1" for one)."""
    low, high = min(view.covered), max(view.covered)
    return str(low) if low == high else f"{low}–{high}"


def notice(view: HeldBack, everything: bool, lang: str) -> None:
    """The line that says what is held back (to the public) or not yet revealed (to the secretary)."""
    if not view.holding:
        return
    if everything:
        st.warning(t("held.secretary", lang, ranks=ranks_text(view)), icon=":material/visibility_off:")
    else:
        st.info(t("held.public", lang, ranks=ranks_text(view)), icon=":material/hourglass_top:")


@st.cache_resource(max_entries=32, show_spinner=False)
def _chart(config: str, version: int, lang: str, theme: str, covered: tuple[int, ...],
           _snap: Snapshot[Evaluation], _view: HeldBack) -> go.Figure:
    awards = [a.name for a in cluster_config().awards]
    return ranking_figure(_view.standings, awards, lang, THEMES[theme], None)


def held_chart(snap: Snapshot[Evaluation], view: HeldBack, lang: str, theme: str = "screen") -> go.Figure:
    """The ranking figure of the uncovered places only (the first has no gap: the place above is covered)."""
    return _chart(str(config_path()), snap.version, lang, theme, view.covered, snap, view)


@st.cache_resource(max_entries=32, show_spinner=False)
def _table(config: str, version: int, lang: str, covered: tuple[int, ...], _snap: Snapshot[Evaluation],
           _view: HeldBack) -> pd.DataFrame:
    shown = standings_table(replace(_snap.value, standings=_view.standings), lang, cluster_config().awards)
    shown[t("col.margin", lang)] = ""  # a margin to an award line names a covered total
    rank, province = t("col.rank", lang), t("col.province", lang)
    placeholders = pd.DataFrame([{**{column: "" for column in shown.columns}, rank: str(r),
                                  province: t("held.covered", lang)} for r in _view.covered])
    return pd.concat([placeholders, shown.astype({rank: str})], ignore_index=True)


def held_table(snap: Snapshot[Evaluation], view: HeldBack, lang: str) -> pd.DataFrame:
    """The standings table with a "not yet revealed" row per covered place, no margins, no covered reasons."""
    return _table(str(config_path()), snap.version, lang, view.covered, snap, view)
