"""The projector's live part as one HTML fragment (pure), and the script that keeps it current.

Everything the hall's screen shows under its title: the agenda line, the status badges, the
reveal's news line, the bars and the leadership posts. It is built once per data version,
freshness, ceremony step and language (``web.projector``) and served twice: inside the
Streamlit page when it loads, and by ``/api/projector`` whenever the page's script hears on
``/api/events`` that something changed. The screen therefore costs the server no script rerun
per tick; an edit reaches it through the same stream as the phones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from lib.core.ceremony import Ceremony, covered, last_revealed
from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.model import Standing
from lib.present.catalogue import award_label, t
from lib.present.ceremony import agenda_line, nomination_lines, reveal_line
from lib.present.follow_script import SHOW_KEEPING_BARS, follow_script
from lib.present.formatting import clock
from lib.present.projector_html import ranking_html
from lib.present.status import frozen_text, ranking_status

CONTAINER_ID = "proj-live"
SAFETY_POLL_SECONDS = 15  # the script also asks every so often, in case a stream proxy holds events back
FETCH_TIMEOUT_SECONDS = 10  # a fetch not answered by then is given up (and the line says so)


def projector_screen(evaluation: Evaluation, config: ClusterConfig, state: Ceremony, lang: str, *,
                     fetched_at: dt.datetime, stale: bool, previous: Sequence[Standing] | None = None) -> str:
    """The live part of the projector for this data and ceremony step (``previous``: the last version's standings)."""
    standings = evaluation.standings
    line = agenda_line(config, state, lang)
    posts = nomination_lines(evaluation.sheet.nominations, config, lang)
    news = reveal_line(standings, state, lang, config.awards) if state.active else ""
    # the lines above and below the bars take height the rows give up (every place stays on screen)
    reserve = 2.6 * bool(line) + 3.2 * bool(news) + 2.4 * bool(posts) + 4.8 * state.active
    parts = [f"<style>.rk {{ --reserve: {reserve:.1f}rem; }}</style>", '<div class="proj-head">']
    if line:
        parts.append(f'<p class="proj-agenda" data-testid="proj-agenda">▶ {escape(line)}</p>')
    parts.append('<div class="proj-badges">' + "".join(
        f'<span class="proj-status {cls}">{escape(text)}</span>'
        for cls, text in _badges(evaluation, config, state, lang, fetched_at, stale)) + "</div>")
    hidden: frozenset[str] = frozenset()
    latest: frozenset[str] = frozenset()
    if state.active:
        if news:
            parts.append(f'<p class="proj-news" data-testid="proj-news">{escape(news)}</p>')
        hidden = covered(standings, state.revealed)
        latest = frozenset(s.code for s in last_revealed(standings, state.revealed))
        previous = None  # the ceremony: no "moved" flashes, only the step just revealed is outlined
    if posts:
        parts.append('<p class="proj-posts" data-testid="proj-posts">'
                     + " · ".join(escape(p) for p in posts) + "</p>")
    parts.append("</div>")  # the header lines: in the hall they shrink and fold before the rows do
    labels = {a.name: award_label(a.name, lang, config.awards) for a in config.awards}
    parts.append(ranking_html(standings, [a.name for a in config.awards], lang, previous, labels, hidden, latest))
    return "".join(parts)


def _badges(evaluation: Evaluation, config: ClusterConfig, state: Ceremony, lang: str,
            fetched_at: dt.datetime, stale: bool) -> list[tuple[str, str]]:
    badges = [("proj-provisional", t("illustrative", lang))] if config.illustrative else []
    status = ranking_status(evaluation)
    if status.unverified or status.broken_cells:
        badges.append(("proj-vote", frozen_text(status, lang)))
    elif status.frozen is not None:
        badges.append(("proj-final", frozen_text(status, lang)))
    elif status.provisional:
        badges.append(("proj-provisional", t("projector.provisional", lang)))
    else:
        badges.append(("proj-final", t("projector.final", lang)))
    if status.needs_vote:
        badges.append(("proj-vote", "⚖ " + t("status.needs_vote", lang) + ": " + ", ".join(status.needs_vote)))
    badges.append(("proj-stale", t("stale.banner", lang, time=clock(fetched_at))) if stale
                  else ("", t("ranking.as_of", lang, time=clock(fetched_at))))
    if state.active:
        badges.insert(0, ("proj-final proj-reveal", t("reveal.official", lang)) if status.frozen is not None
                      else ("proj-rehearsal proj-reveal", t("reveal.rehearsal", lang)))
    return badges




def projector_container(screen: str, lang: str, etag: str, lost: str) -> str:
    """The page's live part: ``screen`` in a container the script refreshes from ``/api/projector``."""
    src = "/api/projector" + ("?lang=en" if lang == "en" else "")
    script = follow_script(container_id=CONTAINER_ID, store="__thiduaProjector",
                           events=("standings", "status", "agenda"),
                           badge="proj-lost", badge_class="proj-status proj-stale", show=SHOW_KEEPING_BARS,
                           poll_seconds=SAFETY_POLL_SECONDS, timeout_seconds=FETCH_TIMEOUT_SECONDS)
    return (f'<div id="{CONTAINER_ID}" data-src="{escape(src)}" data-etag="{escape(etag)}" '
            f'data-lost="{escape(lost)}">{screen}</div><script>{script}</script>')
