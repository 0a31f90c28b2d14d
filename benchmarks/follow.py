"""A simulated tab of a page that follows ``/api/events``: the delegates' view, the ranking page.

Their live fragment holds an invisible ``st.components.v2`` component, ``thidua.follow``
(``web/follow.py``). Its script keeps one ``EventSource('/api/events')`` per page (per
``data.key``) and asks for a rerun of the fragment, by setting a trigger value, when

- a ``standings`` frame's id is not the content id the fragment was drawn with (``data.id``),
- a ``status`` frame's ``id`` or ``stale`` differ from ``data.id`` / ``data.stale``,
- an ``agenda`` frame's line for ``data.lang`` differs from ``data.agenda`` (unless that is null),

and, while the stream is not open, every ``data.screen`` seconds (its fallback tick). Each
render of the component hands the script new ``data`` (``me.shown``) and a new ``setTriggerValue``.

``Follower`` does the same on top of ``stclient.Viewer``: it finds the component in the
ForwardMsgs (``delta.new_element.bidi_component``, the delta's ``fragment_id``, the data in
``json`` or ``mixed.json``), opens the stream with ``sse.Viewer`` once per key (reconnecting
after the server's ``retry`` with ``Last-Event-ID`` like ``EventSource``, unless the answer was
not 200), applies the rules above, and on a trigger sends what Streamlit's frontend sends: a
``BackMsg.rerun_script`` with the fragment's id (not an auto-rerun) and the component's trigger
aggregator, ``$$STREAMLIT_INTERNAL_KEY_{id}__events``, whose ``json_trigger_value`` is the JSON
list of ``{"event": "changed", "value": "<why>:<n>"}`` set since the last flush (the frontend's
widget manager batches triggers until a ``setTimeout(0)``; here until the event loop's next turn).

Checked against Chromium on the delegates' view (Streamlit 1.67): after an edit the page sent one
BackMsg, ``rerun_script`` with ``fragment_id`` = the listener's delta's, ``is_auto_rerun`` false, the
page script hash, the query string, the cached hashes, and three widget states: the trigger,
``[{"event":"changed","value":"version:1"}]``, and the two widgets outside the fragment that hold a
value (the language switch, the province select box). This client sends only the trigger: the
server keeps a widget's state when a rerun does not carry it, so the rerun it runs is the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import ConnectionClosed

from benchmarks import sse
from benchmarks.stclient import Viewer

COMPONENT = "thidua.follow"
"""The listener's component name (``st.components.v2.component`` in ``web/follow.py``)."""
INTERNAL_PREFIX = "$$STREAMLIT_INTERNAL_KEY"
"""``streamlit.runtime.state.session_state.STREAMLIT_INTERNAL_KEY_PREFIX``."""
EVENT = "changed"
"""The trigger the listener sets (``setTriggerValue('changed', …)``; ``on_changed_change``)."""
RETRY_SECONDS = 2.0
"""What ``EventSource`` waits before reconnecting: the server's ``retry: 2000``."""


@dataclass(frozen=True)
class Drawn:
    """One render of the listener: the element id (the base of its widget ids), its fragment, its data."""

    base: str
    fragment_id: str
    data: dict[str, Any]

    @property
    def key(self) -> str:
        """The page's listener (``window.__thiduaFollow[data.key]``)."""
        return str(self.data.get("key", ""))


def drawn(msg: ForwardMsg) -> Drawn | None:
    """The listener this ForwardMsg draws, or None (another element, or not a delta).

    >>> from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    >>> msg = ForwardMsg()
    >>> msg.delta.fragment_id = "f1"
    >>> msg.delta.new_element.bidi_component.component_name = COMPONENT
    >>> msg.delta.new_element.bidi_component.id = "$$ID-abc-follow"
    >>> msg.delta.new_element.bidi_component.json = '{"key": "follow", "version": 3}'
    >>> drawn(msg)
    Drawn(base='$$ID-abc-follow', fragment_id='f1', data={'key': 'follow', 'version': 3})
    """
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    if element.WhichOneof("type") != "bidi_component":
        return None
    component = element.bidi_component
    if component.component_name != COMPONENT:
        return None
    kind = component.WhichOneof("data")
    text = component.json if kind == "json" else component.mixed.json if kind == "mixed" else ""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {}
    return Drawn(component.id, msg.delta.fragment_id, data if isinstance(data, dict) else {})


def trigger_id(base: str) -> str:
    """The component's trigger aggregator widget (``bidi_component.main._make_trigger_id(base, "events")``)."""
    return f"{INTERNAL_PREFIX}_{base}__events"


def trigger_state(base: str, values: Sequence[str]) -> WidgetState:
    """The widget state of ``values`` set on the ``changed`` trigger, as the frontend batches them."""
    state = WidgetState(id=trigger_id(base))
    # as the frontend's JSON.stringify writes it (captured from Chromium)
    state.json_trigger_value = json.dumps([{"event": EVENT, "value": v} for v in values], separators=(",", ":"),
                                          ensure_ascii=False)
    return state


def js_number(text: str) -> float:
    """JavaScript's ``Number(text)`` for an event id: ``""`` is 0, a non-number NaN.

    >>> js_number("12"), js_number(""), math.isnan(js_number("x"))
    (12.0, 0.0, True)
    """
    text = text.strip()
    if not text:
        return 0.0
    try:
        return float(text)
    except ValueError:
        return math.nan


def reason(shown: dict[str, Any], event: sse.Event, last_event_id: str) -> str | None:
    """Why the listener asks for a rerun on ``event`` (``version``, ``status``, ``agenda``), or None.

    ``last_event_id``: ``EventSource``'s last event id after ``event`` (it keeps the previous one
    across a frame without an ``id``). A frame whose data is not JSON is ignored (the script's
    ``JSON.parse`` would throw in the listener and do nothing).
    """
    if event.name == "standings":
        return "version" if last_event_id != shown.get("id") else None
    if event.name not in ("status", "agenda"):
        return None
    try:
        value = json.loads(event.data)
    except ValueError:
        return None
    if event.name == "status":
        if not isinstance(value, dict):
            return None
        same = value.get("id") == shown.get("id") and value.get("stale") == shown.get("stale")
        return None if same else "status"
    if shown.get("agenda") is None:
        return None
    line = (value.get(str(shown.get("lang"))) if isinstance(value, dict) else None) or ""
    return "agenda" if line != shown.get("agenda") else None


@dataclass
class Listener:
    """One page's listener (the script's ``me``): what it was last drawn with, its stream and asks."""

    shown: Drawn
    asked: int = 0
    last_event_id: str = ""
    open: bool = False  # the stream's readyState is OPEN
    streams: list[sse.Viewer] = field(default_factory=list)  # one per connection made
    triggers: list[tuple[float, str]] = field(default_factory=list)  # (when, "why:n") of each ask
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class Follower(Viewer):
    """A ``stclient.Viewer`` that also runs the ``thidua.follow`` listeners its page draws."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.port = urlsplit(self.url).port or 80
        self.listeners: dict[str, Listener] = {}
        self.draws = 0  # renders of a listener seen
        self._by_hash: dict[str, Drawn] = {}  # cached messages that drew a listener
        self._pending: dict[str, tuple[Drawn, list[str]]] = {}  # trigger values not flushed yet, per base id
        self._flush_scheduled = False
        self._stopped = False
        self._done = asyncio.Event()
        self._sends: set[asyncio.Task[None]] = set()

    # -- what the page draws -----------------------------------------------------------

    def _received(self, msg: ForwardMsg, kind: str | None, data: bytes, now: float) -> None:
        if kind == "ref_hash":
            found = self._by_hash.get(msg.ref_hash)
        elif COMPONENT.encode() not in data:
            return
        else:
            found = drawn(msg)
            if found is not None and msg.metadata.cacheable and msg.hash:
                self._by_hash[msg.hash] = found
        if found is not None:
            self._draw(found)

    def _draw(self, shown: Drawn) -> None:
        """The component rendered with ``shown.data``: the script's ``me.shown = data; me.ask = …``."""
        self.draws += 1
        listener = self.listeners.get(shown.key)
        if listener is not None:
            listener.shown = shown
            return
        if self._stopped:
            return
        listener = self.listeners[shown.key] = Listener(shown)
        listener.tasks = [asyncio.create_task(self._stream(listener)), asyncio.create_task(self._tick(listener))]

    # -- the script -----------------------------------------------------------------------

    async def _stream(self, listener: Listener) -> None:
        """``new EventSource('/api/events')``: reconnects after ``RETRY_SECONDS`` unless refused."""
        while not self._done.is_set():
            stream = sse.Viewer(on_event=lambda name: self._opened(listener, name),
                                on_frame=lambda event: self._frame(listener, event),
                                last_event_id=listener.last_event_id or None)
            listener.streams.append(stream)
            try:
                await stream.run(self.port, self._done)
            finally:
                listener.open = False
            if self._done.is_set() or (stream.error or "").startswith("status"):
                return  # a stream refused (not 200) is CLOSED for good: the tick goes on
            await asyncio.sleep(RETRY_SECONDS)

    def _opened(self, listener: Listener, name: str) -> None:
        if name == "open":
            listener.open = True

    def _frame(self, listener: Listener, event: sse.Event) -> None:
        if event.id is not None:
            listener.last_event_id = event.id
        why = reason(listener.shown.data, event, listener.last_event_id)
        if why is not None:
            self._again(listener, why)

    async def _tick(self, listener: Listener) -> None:
        """``setInterval(…, data.screen * 1000)``: a rerun each time while the stream is not open."""
        try:
            interval = float(listener.shown.data.get("screen") or 0)
        except (TypeError, ValueError):
            interval = 0.0
        if not interval > 0:
            return
        start = time.monotonic()
        ticks = 0
        while True:
            ticks += 1
            await asyncio.sleep(max(0.0, start + ticks * interval - time.monotonic()))
            if not listener.open:
                self._again(listener, "tick")

    def _again(self, listener: Listener, why: str) -> None:
        """``me.asked += 1; me.ask('changed', why + ':' + me.asked)``."""
        listener.asked += 1
        value = f"{why}:{listener.asked}"
        listener.triggers.append((time.monotonic(), value))
        shown = listener.shown
        _, values = self._pending.setdefault(shown.base, (shown, []))
        values.append(value)
        self._pending[shown.base] = (shown, values)  # the latest render's fragment
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        """The widget manager's ``setTimeout(0)``: one rerun for the triggers set meanwhile."""
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        if self._stopped:
            return
        for shown, values in pending.values():
            task = asyncio.create_task(self._send_trigger(shown, values))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)

    async def _send_trigger(self, shown: Drawn, values: list[str]) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._send_rerun(shown.fragment_id, auto=False, widgets=[trigger_state(shown.base, values)])

    # -- the life of the tab ------------------------------------------------------------

    @property
    def streams(self) -> list[sse.Viewer]:
        """Every ``/api/events`` connection the listeners made."""
        return [s for listener in self.listeners.values() for s in listener.streams]

    @property
    def triggers(self) -> list[tuple[float, str]]:
        """Every rerun asked for: (when, ``why:n``)."""
        return sorted(t for listener in self.listeners.values() for t in listener.triggers)

    async def run(self, open_timeout: float = 60.0) -> None:
        """Open the page and keep it (and its listeners) live until ``close`` or the socket ends."""
        try:
            await super().run(open_timeout)
        finally:
            self._stopped = True
            self._done.set()
            tasks = [t for listener in self.listeners.values() for t in listener.tasks] + list(self._sends)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
