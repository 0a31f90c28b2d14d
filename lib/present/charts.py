"""Plotly figures of the standings (pure: standings in, figure out).

The ranking chart is a horizontal bar per province in rank order, best at the top,
with its total (and the gap to the place above) written on the bar, a background band
per award, hatching for provisional totals, ⚖ for ties that need a vote, and ▲▼ with
an outline for what moved since the previous data version. A ``Theme`` sizes it for a
laptop or a phone (the projector uses ``lib.present.projector_html``); each province keeps one colour across charts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go

from lib.core.model import Standing
from lib.present.catalogue import t
from lib.present.formatting import MINUS, number
from lib.present.order_text import reasons_text
from lib.present.palette import AWARD_COLOURS, NO_AWARD_COLOUR, text_colour

"""Bar colour per award, in the order awards are configured (Flag red, Certificate blue)."""
PROVINCE_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173")
SELF_COLOUR = "#9aa5b1"


@dataclass(frozen=True)
class Theme:
    """Sizes and colours of a chart for one kind of screen."""

    font_size: int = 14
    bar_height: int = 38
    background: str = "white"
    text: str = "#262730"
    grid: str = "#e5e7eb"
    band_opacity: float = 0.10
    highlight: str = "#f5b700"


SCREEN = Theme()
PHONE = Theme(font_size=12, bar_height=30)


def award_colours(awards: Sequence[str]) -> dict[str | None, str]:
    """A colour for each award name and for no award."""
    colours: dict[str | None, str] = {a: AWARD_COLOURS[i % len(AWARD_COLOURS)] for i, a in enumerate(awards)}
    colours[None] = NO_AWARD_COLOUR
    return colours


def province_colour(code: str, codes: Sequence[str]) -> str:
    """The colour of one province, the same in every chart (by its place in the member list)."""
    index = list(codes).index(code) if code in codes else 0
    return PROVINCE_PALETTE[index % len(PROVINCE_PALETTE)]


def ranking_figure(
    standings: Sequence[Standing],
    awards: Sequence[str],
    lang: str = "vi",
    theme: Theme = SCREEN,
    previous: Sequence[Standing] | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """The ranking as horizontal bars, best at the top, totals and gaps written on the bars.

    ``labels`` names each award in the legend in ``lang`` (the Vietnamese name when missing).

    The axis starts well above 0 to show the differences, so each bar is drawn from the axis's start
    (``base``), not from 0: a bar's text is then fitted into the part of the bar that is on screen
    (shrunk when it must be), never started left of the plot (on a 390 px phone the last bar's
    "80,00 (−3,25) · tạm tính" read "30,00 (−3,25)"). The start leaves the shortest bar at least
    about 60 % of the axis (``axis_start``), so the texts rarely need shrinking.
    """
    colours = award_colours(awards)
    before = {s.code: s for s in previous or ()}
    totals = [float(s.agreed_total) for s in standings] or [0.0, 1.0]
    low, high = min(totals), max(totals)
    start = axis_start(low, high)
    fig = go.Figure()
    for award in [*awards, None]:
        rows = [i for i, s in enumerate(standings) if s.award == award]
        if not rows:
            continue
        moved = [_changed(standings[i], before) for i in rows]
        fig.add_trace(go.Bar(
            orientation="h",
            y=rows,
            x=[float(standings[i].agreed_total) - start for i in rows],
            base=start,
            text=[bar_text(standings, i, lang) for i in rows],
            textposition="inside",
            insidetextanchor="end",
            constraintext="inside",
            textfont={"size": theme.font_size},
            insidetextfont={"color": text_colour(colours[award]), "size": theme.font_size},
            cliponaxis=False,
            marker={
                "color": colours[award],
                "line": {"color": [theme.highlight if m else colours[award] for m in moved],
                         "width": [max(3, theme.font_size // 5) if m else 0 for m in moved]},
                "pattern": {"shape": ["/" if standings[i].provisional else "" for i in rows],
                            "fgcolor": "rgba(128,128,128,0.55)", "fillmode": "overlay"},
            },
            name=(labels or {}).get(award, award) if award else t("chart.no_award", lang),
            customdata=[[standings[i].province.name, number(standings[i].agreed_total, lang)] for i in rows],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
        ))
        fig.add_hrect(y0=min(rows) - 0.5, y1=max(rows) + 0.5, fillcolor=colours[award],
                      opacity=theme.band_opacity, line_width=0, layer="below")
    fig.update_layout(
        barmode="overlay",
        height=max(240, theme.bar_height * len(standings) + 130),
        margin={"l": 10, "r": 20, "t": 50, "b": 40},
        font={"size": theme.font_size, "color": theme.text},
        # Above the bars: below them the legend sat on the axis title.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
        plot_bgcolor=theme.background,
        paper_bgcolor=theme.background,
        xaxis={"title": t("chart.total", lang),
               "range": [start, high + 1], "gridcolor": theme.grid},
        yaxis={"tickmode": "array", "tickvals": list(range(len(standings))),
               "ticktext": [bar_label(s, before.get(s.code)) for s in standings],
               "autorange": "reversed", "automargin": True},
        separators=_separators(lang),
        uirevision="ranking",
    )
    return fig


def axis_start(low: float, high: float) -> float:
    """Where the ranking's axis starts: the shortest bar keeps at least ~60 % of the axis, and never below 0.

    >>> axis_start(80.0, 98.75)
    43.875
    >>> axis_start(0.5, 3.0)
    0.0
    """
    return max(0.0, low - 1.5 * (high - low) - 8)


def _separators(lang: str) -> str:
    """Plotly's axis separators (decimal, thousands) in ``lang``'s format, like ``number``."""
    return ".," if lang == "en" else ",."


def _changed(standing: Standing, before: dict[str, Standing]) -> bool:
    old = before.get(standing.code)
    return old is not None and (old.rank != standing.rank or old.agreed_total != standing.agreed_total)


def bar_label(standing: Standing, old: Standing | None) -> str:
    """``4. Bình Định ⚖ ▲1``: rank, name, a vote mark, and the move since ``old``."""
    mark = " ⚖" if standing.needs_vote else ""
    if old is not None and old.rank != standing.rank:
        step = old.rank - standing.rank
        mark += f" ▲{step}" if step > 0 else f" ▼{-step}"
    return f"{standing.rank}. {standing.province.name}{mark}"


def bar_text(standings: Sequence[Standing], index: int, lang: str) -> str:
    """``96,25 (−1,75) · tạm tính``: the total, the gap to the place above, and its status.

    A province showing the same total as a neighbour on another place says why, shortly:
    ``91,25 · kém 0,0001 (ThongNhat!D4)`` or ``91,25 · ⚖ nhóm I: 30,25 > 30,00``.
    """
    standing = standings[index]
    text = number(standing.agreed_total, lang)
    if index > 0:
        gap = standings[index - 1].agreed_total - standing.agreed_total
        if number(gap, lang) != number(0, lang):  # a gap below 0,01 is the order reason's to say, exactly
            text += f" ({MINUS}{number(gap, lang)})"
    if standing.order_reasons:
        text += " · " + reasons_text(standing, lang=lang, short=True)
    if standing.provisional:
        text += f" · {t('status.provisional', lang).lower()}"
    if standing.needs_vote:
        text += f" · {t('status.needs_vote', lang).lower()}"
    return text


def group_breakdown_figure(standing: Standing, lang: str = "vi", theme: Theme = SCREEN,
                           colour: str = "#1f5fae") -> go.Figure:
    """Self-score vs agreed subtotal per group for one province (grouped horizontal bars)."""
    groups = list(standing.group_agreed)
    fig = go.Figure()
    for name, values, bar_colour in (
        (t("col.self", lang), standing.group_self, SELF_COLOUR),
        (t("col.agreed", lang), standing.group_agreed, colour),
    ):
        fig.add_trace(go.Bar(
            orientation="h", y=groups, x=[float(values[g]) for g in groups], name=name, marker_color=bar_colour,
            text=[number(values[g], lang) for g in groups], textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra>" + name + "</extra>",
        ))
    # Room on the right for the longest value written beside its bar (labels were cut at the right edge).
    top = max([float(v) for v in [*standing.group_self.values(), *standing.group_agreed.values()]] or [1.0])
    fig.update_layout(
        barmode="group", height=max(260, 60 * len(groups) + 80), font={"size": theme.font_size, "color": theme.text},
        margin={"l": 10, "r": 10, "t": 10, "b": 30}, plot_bgcolor=theme.background, paper_bgcolor=theme.background,
        separators=_separators(lang), yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"gridcolor": theme.grid, "range": [0, max(top, 1.0) * 1.3]},
        legend={"orientation": "h", "y": -0.12},
    )
    return fig


def waterfall_figure(standing: Standing, lang: str = "vi", theme: Theme = SCREEN) -> go.Figure:
    """Self-score total → each group's adjustment → agreed total."""
    groups = [g for g in standing.group_agreed if standing.group_agreed[g] != standing.group_self[g]]
    differences = [standing.group_agreed[g] - standing.group_self[g] for g in groups]
    residual = standing.agreed_total - standing.self_total - sum(differences, Decimal(0))
    if residual:  # the bonus cap cut a different amount from the two totals
        groups.append(t("chart.bonus_cap", lang))
        differences.append(residual)
    steps = [float(d) for d in differences]
    x = [t("col.self", lang), *groups, t("col.agreed", lang)]
    y = [float(standing.self_total), *steps, float(standing.agreed_total)]
    measure = ["absolute", *["relative"] * len(groups), "total"]
    steps_text = [("+" if d > 0 else MINUS) + number(abs(d), lang) for d in differences]
    texts = [number(standing.self_total, lang), *steps_text, number(standing.agreed_total, lang)]
    fig = go.Figure(go.Waterfall(
        x=x, y=y, measure=measure, text=texts, textposition="outside",
        increasing={"marker": {"color": "#2a9d8f"}}, decreasing={"marker": {"color": "#c8102e"}},
        totals={"marker": {"color": "#1f5fae"}}, connector={"line": {"color": theme.grid}},
    ))
    low = min(float(standing.self_total), float(standing.agreed_total))
    fig.update_layout(
        height=320, font={"size": theme.font_size, "color": theme.text}, showlegend=False,
        margin={"l": 10, "r": 10, "t": 20, "b": 40}, plot_bgcolor=theme.background, paper_bgcolor=theme.background,
        yaxis={"range": [max(0.0, low - 5), max(float(standing.self_total), float(standing.agreed_total)) + 3],
               "gridcolor": theme.grid},
        separators=_separators(lang),
    )
    return fig
