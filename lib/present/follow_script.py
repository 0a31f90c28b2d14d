"""The script that keeps a pushed screen current: the projector's live part and the meeting's hall screen.

Both screens are one HTML fragment the server builds once per version (``web.screen_cache``). The
page's script follows ``/api/events``; on an event it fetches the fragment again with its entity
tag (304 when nothing changed), and a safety poll asks now and then in case a proxy holds events
back. After new standings, a 304 (a process that has not read them yet, behind a proxy) is asked
again a few times. A lost connection shows a badge and keeps the last screen; a stopping process's
``bye`` reconnects at once; a hidden tab gives its stream back. Only how a fragment is put on the
page (``show``), which events matter and the badge differ between the screens.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

_SCRIPT = """
(function () {
  var box = document.getElementById(%(id)s);
  if (!box) return;
  var live = window[%(store)s] || (window[%(store)s] = {tag: "", busy: false, again: false});
  function container() { return document.getElementById(%(id)s); }
  function lost(on) {
    var el = container(); if (!el) return;
    var badge = el.querySelector('[data-testid=' + %(badge)s + ']');
    if (on && !badge) {
      badge = document.createElement('p');
      badge.className = %(badge_class)s; badge.setAttribute('data-testid', %(badge)s);
      badge.textContent = el.getAttribute('data-lost');
      el.insertBefore(badge, el.firstChild);
    } else if (!on && badge) { badge.remove(); }
  }
%(show)s  function refresh() {
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
        if (html !== null && now) { show(now, html); }  // (not an answer in the language switched away from)
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
    %(events)s.forEach(function (kind) {
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

SHOW_REPLACING = """  function show(el, html) {
    el.innerHTML = html; el.setAttribute('data-shown', String(Date.now()));
  }
"""
"""Put a new fragment in place whole, and say when (the hall screen's tests time it)."""

SHOW_KEEPING_BARS = """  // The bars stay the same node when only the badges changed (the "as of" time every read), so
  // a "moved" flash does not start again on each safety poll.
  function show(el, html) {
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
"""
"""Put a new fragment in place but keep the bars' node when only the badges changed (the projector)."""


def follow_script(*, container_id: str, store: str, events: Sequence[str], badge: str, badge_class: str,
                  show: str, poll_seconds: int, timeout_seconds: int) -> str:
    """The script for the container ``container_id``: its state in ``window[store]``, refreshed on ``events``."""
    return _SCRIPT % {"id": json.dumps(container_id), "store": json.dumps(store),
                      "events": json.dumps(list(events)), "badge": json.dumps(badge),
                      "badge_class": json.dumps(badge_class), "show": show, "poll": poll_seconds,
                      "timeout": timeout_seconds}
