"""A screen that reruns when the data changes, not every tick: the ``/api/events`` listener.

An invisible ``st.components.v2`` component inside a page's live fragment. Its script keeps one
``EventSource('/api/events')`` per page and asks for a rerun (a trigger value, so only the
fragment reruns) when the stream brings a version, a freshness or an agenda line other than
the ones the fragment was drawn with. A delegate's phone that shows an unchanged ranking
therefore costs the server nothing between edits; measured with ``benchmarks/mixed.py``, a tick
per session every two seconds was what made a few hundred phones starve the process.

While the stream is down (the server restarting, a refused stream) the script falls back to a
rerun every ``screen_seconds``, as the screens did before. Behind a proxy the stream may come
from another process: the frames' ids are content ids (the same standings, the same id on every
process), and after a frame whose id is not the drawn one the script asks again, up to ``CHASES``
times, until the drawn id moves (the session's own process may not have read the edit yet). A hidden tab closes
its stream (browsers allow six HTTP/1.1 connections per host) and reopens it when shown.
A proxy that *buffers* the stream would hold the frames back: `benchmarks/nginx.conf.template`
turns buffering off for ``/api/events``.
"""

from __future__ import annotations

import streamlit as st

from lib.edge.reader import Snapshot
from web.live import event_id

_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const all = window.__thiduaFollow || (window.__thiduaFollow = {});
  let me = all[data.key];
  if (!me) {
    me = all[data.key] = { shown: data, ask: setTriggerValue, asked: 0, source: null, chase: 0, from: null };
    const again = (why) => { me.asked += 1; me.ask('changed', why + ':' + me.asked); };
    const connect = () => {
      const source = new EventSource('/api/events');
      me.source = source;
      source.addEventListener('standings', (e) => {
        if (e.lastEventId !== me.shown.id) {
          // behind a proxy the stream may come from another process, which may have read the edit
          // before this session's process: ask again a few times until the drawn version moves
          me.chase = %(chases)d; me.from = me.shown.id;
          again('version');
        }
      });
      source.addEventListener('status', (e) => {
        const s = JSON.parse(e.data);
        if (s.id !== me.shown.id || s.stale !== me.shown.stale) again('status');
      });
      source.addEventListener('agenda', (e) => {
        const lines = JSON.parse(e.data);
        if (me.shown.agenda !== null && (lines[me.shown.lang] || '') !== me.shown.agenda) again('agenda');
      });
      // the process stops (a restart): reconnect at once, through the proxy to another process
      source.addEventListener('bye', () => { if (me.source === source) { source.close(); connect(); } });
      source.onerror = () => {  // refused for good (a 5xx): start again
        const again = () => { if (me.source === source) connect(); };
        if (source.readyState === 2 && me.source === source) setTimeout(again, 5000);
      };
    };
    me.close = () => { if (me.source) { me.source.close(); me.source = null; } };
    // a hidden tab (a locked phone) gives its stream back; on return the stream's first frame says what changed
    me.visibility = () => { if (document.hidden) me.close(); else if (!me.source) connect(); };
    document.addEventListener('visibilitychange', me.visibility);
    if (!document.hidden) connect();
    me.timer = setInterval(() => {
      if (document.hidden) return;
      if (!me.source || me.source.readyState !== 1) { again('tick'); return; }  // the stream is down: the old tick
      if (me.chase > 0) {
        if (me.shown.id === me.from) { me.chase -= 1; again('catch-up'); } else { me.chase = 0; }
      }
    }, data.screen * 1000);
    me.cleanup = () => {  // the page was left: stop listening
      me.close(); clearInterval(me.timer);
      document.removeEventListener('visibilitychange', me.visibility);
      delete all[data.key];
    };
  }
  me.shown = data;
  me.ask = setTriggerValue;
  return me.cleanup;
}
"""
CHASES = 5  # catch-up reruns (one per ``screen_seconds``) while another process's frame is ahead of ours

_component = st.components.v2.component("thidua.follow", js=_JS % {"chases": CHASES})


def follow(snap: Snapshot, lang: str, screen_seconds: float, *, agenda: str | None = None,
           key: str = "follow") -> None:
    """Rerun the enclosing fragment when ``/api/events`` says ``snap`` (or the ``agenda`` line) is old.

    ``agenda``: the line the screen shows now ("" for none), or None when it shows no agenda.
    """
    _component(key=key, height=0, on_changed_change=lambda: None,
               data={"key": key, "version": snap.version, "id": event_id(snap), "stale": snap.stale, "lang": lang,
                     "agenda": agenda, "screen": screen_seconds})
