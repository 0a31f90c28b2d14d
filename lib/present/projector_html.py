"""The projector's ranking as plain HTML bars (pure: standings in, HTML out).

Measured with the load benchmark, a Plotly figure costs every viewer's refresh a hash of
the whole figure; the projector redraws often for hundreds of screens, so it shows the
same chart as HTML and CSS built once per data version: bars in rank order with the total
and the gap to the place above, award bands, hatching for provisional totals, ⚖ for
ties that need a vote, ▲▼ and an outline for what moved since the previous version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from lib.core.ceremony import withhold
from lib.core.model import Standing
from lib.present.catalogue import t
from lib.present.charts import award_colours, bar_label, bar_text
from lib.present.palette import text_colour

# The minimum type of a row on the hall's screen, as a share of the screen's height (so the same at
# every 16:9 resolution): 3.4 vh font ≈ 2.4 % of the image height for capitals and digits (about
# 0.7 em), legible by the 1/200-of-the-distance rule of thumb (≈ 17 arc minutes, above ISO 9241-3's
# 16′ minimum) from 4.8 image heights: the back row at 8 m from a 3 m wide screen.
ROW_MIN_VH = 3.4
ROW_MAX_VH = 5.6  # a short header or list: the rows grow to use the screen, up to this

STYLE = """
.rk { font-family: 'Source Sans Pro', 'Segoe UI', sans-serif; color: #fff; }
.rk { --row: min(3.3rem, calc((100vh - 16rem - var(--reserve, 0rem)) / var(--rows))); }
.rk-row { display: flex; align-items: center; height: calc(var(--row) - 0.3rem); margin: 0.15rem 0;
          padding: 0 0.4rem; border-radius: 0.3rem; }
.rk-label { width: 17rem; flex: none; font-size: calc(var(--row) * 0.52); text-align: right; padding-right: 0.8rem;
            white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.rk-track { flex: 1; height: 100%; position: relative; }
.rk-bar { height: 100%; border-radius: 0.2rem; display: flex; align-items: center; justify-content: flex-end;
          box-sizing: border-box; padding-right: 0.6rem; font-size: calc(var(--row) * 0.48); font-weight: 600;
          white-space: nowrap;
          transition: width 1.2s ease; }
.rk-prov { background-image: repeating-linear-gradient(45deg, rgba(255,255,255,0.28) 0 6px, transparent 6px 14px); }
.rk-moved { outline: 0.3rem solid #ffd400; animation: rk-flash 1.2s ease 3; }
@keyframes rk-flash { 50% { outline-color: transparent; } }
.rk-covered { background: repeating-linear-gradient(90deg, #2b3444 0 1.2rem, #323d50 1.2rem 2.4rem);
              color: #d6dbe3; justify-content: center; border: 0.12rem dashed #8b97a8; }
.rk-revealed { outline: 0.3rem solid #ffd400; }
.rk-legend { margin-top: 0.6rem; font-size: 1.3rem; opacity: 0.9; }
.rk-legend span { margin-right: 1.6rem; }
.rk-legend i { display: inline-block; width: 1rem; height: 1rem; margin-right: 0.4rem; border-radius: 0.15rem; }
@media (max-width: 640px) {  /* the projector opened on a phone: names and totals both stay readable */
  .rk { --row: 2.4rem; }
  .rk-label { width: 8.5rem; font-size: 0.95rem; padding-right: 0.4rem; }
  .rk-bar { font-size: 0.85rem; padding-right: 0.3rem; }
}
@media (min-width: 900px) {  /* the hall: the rows take what the header lines leave, never under the minimum */
  .rk { flex: 1 0 auto; display: flex; flex-direction: column; }
  .rk-list { flex: 1 1 auto; display: grid; grid-template-rows: repeat(var(--rows), minmax(0, 1fr));
             row-gap: 0.5vh; container-type: size;
             min-height: calc(var(--rows) * ({min}vh / 0.66 + 0.5vh)); }
  .rk-row { height: auto; margin: 0; min-height: 0;
            font-size: clamp({min}vh, calc((100cqh - (var(--rows) - 1) * 0.5vh) / var(--rows) * 0.66), {max}vh); }
  .rk-label { width: 27vw; font-size: 1em; padding-right: 1vw; }
  .rk-bar { font-size: 1em; padding-right: 0.8vw; }
  .rk-legend { flex: none; margin-top: 0.8vh; font-size: 2.8vh; white-space: nowrap; }
  .rk-legend span { margin-right: 2.4vw; }
  .rk-legend i { width: 2.2vh; height: 2.2vh; margin-right: 0.6vw; vertical-align: -0.2vh; }
}
""".replace("{min}", str(ROW_MIN_VH)).replace("{max}", str(ROW_MAX_VH))


def ranking_html(standings: Sequence[Standing], awards: Sequence[str], lang: str = "vi",
                 previous: Sequence[Standing] | None = None, labels: Mapping[str, str] | None = None,
                 covered: frozenset[str] = frozenset(), revealed: frozenset[str] = frozenset()) -> str:
    """The ranking as HTML bars (with its style), best at the top.

    ``covered`` provinces (the ceremony's places not yet revealed) keep their row, with the rank
    only and a placeholder bar "—": covered, not missing. ``revealed`` ones (the latest step) are
    outlined.
    """
    colours = award_colours(awards)
    before = {s.code: s for s in previous or ()}
    # what the hall may see: a covered province's row keeps only its rank, and nothing on the
    # others (the first one's gap, an order reason, the bars' scale) lets its total be worked out
    view = withhold(standings, covered)
    totals = [s.agreed_total for s in view.standings]
    low = min(totals, default=0)
    high = max(totals, default=1)
    floor = max(low - (high - low) - 5, 0)
    rows = [
        f'<div class="rk-row rk-hidden" data-covered="{rank}">'
        f'<div class="rk-label">{escape(t("reveal.covered_label", lang, rank=rank))}</div>'
        '<div class="rk-track"><div class="rk-bar rk-covered" style="width:100%">—</div></div></div>'
        for rank in view.covered
    ]
    for index, s in enumerate(view.standings):
        width = 100 * float((s.agreed_total - floor) / (high - floor + 1)) if high > floor else 100.0
        old = before.get(s.code)
        moved = old is not None and (old.rank != s.rank or old.agreed_total != s.agreed_total)
        classes = ("rk-bar" + (" rk-prov" if s.provisional else "") + (" rk-moved" if moved else "")
                   + (" rk-revealed" if s.code in revealed else ""))
        band = colours[s.award] + "38"  # the award's colour, faint, behind the whole row
        rows.append(
            f'<div class="rk-row" style="background:{band}">'
            f'<div class="rk-label">{escape(bar_label(s, old))}</div>'
            f'<div class="rk-track"><div class="{classes}" style="width:{width:.2f}%;background-color:'
            f'{colours[s.award]};color:{text_colour(colours[s.award])}">'
            f'{escape(bar_text(view.standings, index, lang))}</div></div></div>'
        )
    shown = labels or {}
    legend = "".join(f'<span><i style="background:{colours[a]}"></i>{escape(shown.get(a, a))}</span>' for a in awards)
    legend += f'<span><i style="background:{colours[None]}"></i>{escape(t("chart.no_award", lang))}</span>'
    return (f'<style>{STYLE}</style><div class="rk" style="--rows:{max(len(standings), 1)}">'
            f'<div class="rk-list">{"".join(rows)}</div>'
            f'<div class="rk-legend" data-testid="proj-legend">{legend}</div></div>')

