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
import json
from collections.abc import Sequence
from html import escape

from lib.core.ceremony import Ceremony, covered, last_revealed
from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.model import Standing
from lib.present.catalogue import award_label, t
from lib.present.ceremony import agenda_line, nomination_lines, reveal_line
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


_SCRIPT = """
(function () {
  var box = document.getElementById(%(id)s);
  if (!box) return;
  var live = window.__thiduaProjector || (window.__thiduaProjector = {tag: "", busy: false, again: false});
  function container() { return document.getElementById(%(id)s); }
  function lost(on) {
    var el = container(); if (!el) return;
    var badge = el.querySelector('[data-testid="proj-lost"]');
    if (on && !badge) {
      badge = document.createElement('p');
      badge.className = 'proj-status proj-stale'; badge.setAttribute('data-testid', 'proj-lost');
      badge.textContent = el.getAttribute('data-lost');
      el.insertBefore(badge, el.firstChild);
    } else if (!on && badge) { badge.remove(); }
  }
  // The bars stay the same node when only the badges changed (the "as of" time every read), so
  // a "moved" flash does not start again on each safety poll.
  function swap(el, html) {
    var next = document.createElement('div'); next.innerHTML = html;
    var bars = el.querySelector('.rk'), fresh = next.querySelector('.rk');
    if (!bars || !fresh || !bars.isEqualNode(fresh)) { el.innerHTML = html; return; }
    Array.prototype.slice.call(el.childNodes).forEach(function (n) { if (n !== bars) el.removeChild(n); });
    var before = true;
    Array.prototype.slice.call(next.childNodes).forEach(function (n) {
      if (n === fresh) { before = false; return; }
      if (before) el.insertBefore(n, bars); else el.appendChild(n);
    });
  }
  function refresh() {
    if (live.busy) { live.again = true; return; }
    var el = container(); if (!el) return;
    live.busy = true;
    // a request that never answers (a connection dropped without a reset) must not hold every later one
    var stop = window.AbortController ? new AbortController() : null;
    var timer = stop && setTimeout(function () { stop.abort(); }, %(timeout)d * 1000);
    var src = el.getAttribute('data-src');
    fetch(src, {cache: 'no-store', headers: live.tag ? {'If-None-Match': live.tag} : {},
                signal: stop ? stop.signal : undefined})
      .then(function (r) {
        if (r.status === 304) {
          // the stream said "new standings" but this answer came from a process that has not read them
          // yet (behind a proxy the stream and the fetch may reach two processes): ask again shortly
          if (live.chase > 0) { live.chase -= 1; setTimeout(function () { live.refresh(); }, 1000); }
          return null;
        }
        if (!r.ok) throw new Error('HTTP ' + r.status);
        live.chase = 0;
        live.tag = r.headers.get('ETag') || '';
        return r.text();
      })
      .then(function (html) {
        var now = container();
        if (html !== null && now && now.getAttribute('data-src') !== src) { live.again = true; return; }
        if (html !== null && now) { swap(now, html); }  // (not an answer in the language switched away from)
        lost(live.source && live.source.readyState !== 1);
      })
      .catch(function () { lost(true); })
      .then(function () { clearTimeout(timer); live.busy = false; if (live.again) { live.again = false; refresh(); } });
  }
  live.tag = box.getAttribute('data-etag') || live.tag;
  live.refresh = refresh;
  function connect() {
    var source = new EventSource('/api/events');
    live.source = source;
    ['standings', 'status', 'agenda'].forEach(function (kind) {
      source.addEventListener(kind, function () { if (kind === 'standings') live.chase = 5; live.refresh(); });
    });
    // the process stops (a restart): reconnect at once, through the proxy to another process
    source.addEventListener('bye', function () { if (live.source === source) { source.close(); connect(); } });
    source.onopen = function () { lost(false); live.refresh(); };
    source.onerror = function () {
      if (source.readyState === 2 && live.source === source) {  // refused for good (a 5xx): start again
        setTimeout(function () { if (live.source === source) connect(); }, 5000);
      }
      setTimeout(function () { lost(!live.source || live.source.readyState !== 1); }, 3000);
    };
  }
  function close() { if (live.source) { live.source.close(); live.source = null; } }
  live.connect = connect; live.close = close;
  if (!live.source && !document.hidden) connect();
  if (!live.ticking) {
    live.ticking = true;
    // a hidden tab gives its stream back (a browser keeps six connections per host over HTTP/1.1)
    document.addEventListener('visibilitychange', function () {
      if (document.hidden) { live.close(); } else if (container() && !live.source) { live.connect(); }
    });
    setInterval(function () {
      if (!container()) { live.close(); return; }  // the page was left (another page of the app)
      if (!document.hidden) live.refresh();
    }, %(poll)d * 1000);
  }
})();
"""


def projector_container(screen: str, lang: str, etag: str, lost: str) -> str:
    """The page's live part: ``screen`` in a container the script refreshes from ``/api/projector``."""
    src = "/api/projector" + ("?lang=en" if lang == "en" else "")
    script = _SCRIPT % {"id": json.dumps(CONTAINER_ID), "poll": SAFETY_POLL_SECONDS,
                       "timeout": FETCH_TIMEOUT_SECONDS}
    return (f'<div id="{CONTAINER_ID}" data-src="{escape(src)}" data-etag="{escape(etag)}" '
            f'data-lost="{escape(lost)}">{screen}</div><script>{script}</script>')
