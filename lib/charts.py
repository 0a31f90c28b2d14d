"""Plotly figures of the standings (pure: standings in, figure out).

The ranking chart is a horizontal bar per province in rank order, best at the top,
with its total written on the bar, a background band per award, hatching for
provisional totals and a marker for ties that need a vote.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from lib.formatting import vn_number
from lib.i18n import t
from lib.model import Standing

AWARD_COLOURS = ("#c8102e", "#1f5fae", "#2a9d8f", "#7b5ea7")
"""Bar colour per award, in the order awards are configured (Flag red, Certificate blue)."""
NO_AWARD_COLOUR = "#8a8f98"
BAND_OPACITY = 0.10


def award_colours(awards: Sequence[str]) -> dict[str | None, str]:
    """A colour for each award name and for no award."""
    colours: dict[str | None, str] = {a: AWARD_COLOURS[i % len(AWARD_COLOURS)] for i, a in enumerate(awards)}
    colours[None] = NO_AWARD_COLOUR
    return colours


def ranking_figure(
    standings: Sequence[Standing],
    awards: Sequence[str],
    lang: str = "vi",
    height_per_bar: int = 38,
    font_size: int = 14,
) -> go.Figure:
    """The ranking as horizontal bars, best at the top, totals written on the bars."""
    colours = award_colours(awards)
    positions = list(range(len(standings)))
    labels = [_label(s, lang) for s in standings]
    fig = go.Figure()
    for award in [*awards, None]:
        rows = [i for i, s in enumerate(standings) if s.award == award]
        if not rows:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=rows,
                x=[float(standings[i].agreed_total) for i in rows],
                text=[_bar_text(standings[i], lang) for i in rows],
                textposition="inside",
                insidetextanchor="end",
                textfont={"color": "white", "size": font_size},
                marker={
                    "color": colours[award],
                    "pattern": {
                        "shape": ["/" if standings[i].provisional else "" for i in rows],
                        "fgcolor": "rgba(255,255,255,0.45)",
                        "fillmode": "overlay",
                    },
                },
                name=award or t("chart.no_award", lang),
                customdata=[[standings[i].province.name, vn_number(standings[i].agreed_total)] for i in rows],
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
            )
        )
        fig.add_hrect(y0=min(rows) - 0.5, y1=max(rows) + 0.5, fillcolor=colours[award],
                      opacity=BAND_OPACITY, line_width=0, layer="below")
    lowest = min((float(s.agreed_total) for s in standings), default=0.0)
    highest = max((float(s.agreed_total) for s in standings), default=1.0)
    fig.update_layout(
        barmode="overlay",
        height=max(240, height_per_bar * len(standings) + 110),
        margin={"l": 10, "r": 20, "t": 10, "b": 40},
        font={"size": font_size},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
        plot_bgcolor="white",
        xaxis={"title": t("chart.total", lang), "range": [max(0.0, lowest - (highest - lowest) - 5), highest + 1],
               "gridcolor": "#e5e7eb", "separatethousands": False},
        yaxis={"tickmode": "array", "tickvals": positions, "ticktext": labels,
               "autorange": "reversed", "automargin": True},
        separators=",.",
        uirevision="ranking",
    )
    return fig


def _label(standing: Standing, lang: str) -> str:
    mark = " ⚖" if standing.needs_vote else ""
    return f"{standing.rank}. {standing.province.name}{mark}"


def _bar_text(standing: Standing, lang: str) -> str:
    text = vn_number(standing.agreed_total)
    if standing.provisional:
        text += f" ({t('status.provisional', lang).lower()})"
    if standing.needs_vote:
        text += f" · {t('status.needs_vote', lang).lower()}"
    return text


SELF_COLOUR, AGREED_COLOUR = "#9aa5b1", "#1f5fae"


def group_breakdown_figure(standing: Standing, lang: str = "vi", font_size: int = 13) -> go.Figure:
    """Self-score vs agreed subtotal per group for one province (grouped horizontal bars)."""
    groups = list(standing.group_agreed)
    fig = go.Figure()
    for name, values, colour in (
        (t("col.self", lang), standing.group_self, SELF_COLOUR),
        (t("col.agreed", lang), standing.group_agreed, AGREED_COLOUR),
    ):
        fig.add_trace(go.Bar(
            orientation="h", y=groups, x=[float(values[g]) for g in groups], name=name, marker_color=colour,
            text=[vn_number(values[g]) for g in groups], textposition="outside",
            hovertemplate="%{y}: %{text}<extra>" + name + "</extra>",
        ))
    fig.update_layout(
        barmode="group", height=max(260, 60 * len(groups) + 80), font={"size": font_size},
        margin={"l": 10, "r": 40, "t": 10, "b": 30}, plot_bgcolor="white", separators=",.",
        yaxis={"autorange": "reversed", "automargin": True}, xaxis={"gridcolor": "#e5e7eb"},
        legend={"orientation": "h", "y": -0.12},
    )
    return fig
