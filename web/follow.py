"""A screen that reruns when the data changes, not every tick: the ``/api/events`` listener.

An invisible ``st.components.v2`` component inside a page's live fragment. Its script keeps one
``EventSource('/api/events')`` per page and asks for a rerun (a trigger value, so only the
fragment reruns) when the stream brings a version, a freshness or an agenda line other than
the ones the fragment was drawn with. A delegate's phone that shows an unchanged ranking
therefore costs the server nothing between edits; measured with ``benchmarks/mixed.py``, a tick
per session every two seconds was what made a few hundred phones starve the process.

While the stream is down (a proxy that buffers, the server restarting) the script falls back
to a rerun every ``screen_seconds``, as the screens did before, so a screen never freezes.
"""

from __future__ import annotations

import streamlit as st

from lib.edge.reader import Snapshot

_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const all = window.__thiduaFollow || (window.__thiduaFollow = {});
  let me = all[data.key];
  if (!me) {
    me = all[data.key] = { shown: data, ask: setTriggerValue, asked: 0 };
    const again = (why) => { me.asked += 1; me.ask('changed', why + ':' + me.asked); };
    const connect = () => {
      const source = new EventSource('/api/events');
      me.source = source;
      source.addEventListener('standings', (e) => {
        if (Number(e.lastEventId) !== me.shown.version) again('version');
      });
      source.addEventListener('status', (e) => {
        const s = JSON.parse(e.data);
        if (s.version !== me.shown.version || s.stale !== me.shown.stale) again('status');
      });
      source.addEventListener('agenda', (e) => {
        const lines = JSON.parse(e.data);
        if (me.shown.agenda !== null && (lines[me.shown.lang] || '') !== me.shown.agenda) again('agenda');
      });
      source.onerror = () => { if (source.readyState === 2) setTimeout(connect, 5000); };  // refused: again
    };
    connect();
    // the stream is down: refresh on the old tick until it is back
    setInterval(() => { if (me.source.readyState !== 1) again('tick'); }, data.screen * 1000);
  }
  me.shown = data;
  me.ask = setTriggerValue;
}
"""

_component = st.components.v2.component("thidua.follow", js=_JS)


def follow(snap: Snapshot, lang: str, screen_seconds: float, *, agenda: str | None = None,
           key: str = "follow") -> None:
    """Rerun the enclosing fragment when ``/api/events`` says ``snap`` (or the ``agenda`` line) is old.

    ``agenda``: the line the screen shows now ("" for none), or None when it shows no agenda.
    """
    _component(key=key, height=0, on_changed_change=lambda: None,
               data={"key": key, "version": snap.version, "stale": snap.stale, "lang": lang,
                     "agenda": agenda, "screen": screen_seconds})
