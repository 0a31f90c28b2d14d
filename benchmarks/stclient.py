"""A Streamlit websocket client that behaves like one browser tab (for load tests).

It speaks the protocol of Streamlit's JavaScript frontend (checked against
``streamlit/web/server/starlette/starlette_websocket.py`` and the bundled frontend of
Streamlit 1.67):

- opens ``ws://host:port/_stcore/stream`` with the subprotocols ``["streamlit",
  "PLACEHOLDER_AUTH_TOKEN"]`` (the frontend sends the XSRF cookie's value, or that
  placeholder when it has none; the server only uses it to trust an auth cookie) and an
  ``Origin`` header like a browser;
- sends a ``BackMsg.rerun_script`` (``ClientState``: query string, ``page_name`` = the URL
  path, the context info, the hashes of the messages it has cached) to run the page;
- parses every ``ForwardMsg``: keeps the page script hash (from ``new_session`` and
  ``navigation``), caches the hashes of cacheable messages and resolves ``ref_hash``
  messages against them, and on ``auto_rerun`` starts a timer that, like the
  frontend's ``setInterval``, sends a rerun with ``fragment_id`` and ``is_auto_rerun``
  every ``interval`` seconds (``stop_auto_rerun`` cancels it). A subclass sees every parsed
  message (``_received``) and can send a fragment rerun with widget states, not as an
  auto-rerun: ``benchmarks/follow.py`` does, for a component's trigger.

Each ``Viewer`` records what a benchmark needs: when the first full run finished with
the standings shown, when a given text first arrived, the round trip of every
fragment rerun, errors shown in the page, and whether the server closed the socket.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidHandshake
from websockets.typing import Origin, Subprotocol

SUBPROTOCOLS = (Subprotocol("streamlit"), Subprotocol("PLACEHOLDER_AUTH_TOKEN"))
"""What the frontend offers: the protocol, then the XSRF token (a placeholder without one)."""

FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


@dataclass
class ViewerRecord:
    """What one simulated viewer saw; times are ``time.monotonic()`` seconds."""

    index: int
    connected_at: float | None = None
    rendered_at: float | None = None  # the first full run finished and the old value was shown
    arrived_at: float | None = None  # the first message holding one of the new texts
    arrival_request_at: float | None = None  # when the rerun that brought the new texts was asked for
    connect_error: str | None = None
    closed_by_server: str | None = None  # close code and reason when the server (or network) ended it
    errors: list[str] = field(default_factory=list)  # exceptions shown in the page, unknown ref_hash
    round_trips: list[tuple[float, float]] = field(default_factory=list)  # (asked at, seconds to finish)
    seen: dict[bytes, float] = field(default_factory=dict)  # each watched text: when it first arrived
    reruns_sent: int = 0
    messages: int = 0
    bytes: int = 0

    @property
    def dropped(self) -> bool:
        """True when the viewer could not connect or lost its connection."""
        return self.connect_error is not None or self.closed_by_server is not None


class Viewer:
    """One browser tab showing ``page`` (URL path) with ``query`` (without ``?``)."""

    def __init__(
        self,
        index: int,
        url: str,
        page: str = "",
        query: str = "",
        shown_texts: Sequence[bytes] = (),
        new_texts: Sequence[bytes] = (),
        timezone: str = "Asia/Ho_Chi_Minh",
        locale: str = "vi-VN",
        watched: Sequence[bytes] = (),
    ) -> None:
        self.record = ViewerRecord(index)
        self.url = url  # ws://host:port (no path)
        self.page = page.strip("/")
        self.query = query.lstrip("?")
        self.shown_texts = tuple(shown_texts)
        self.new_texts = tuple(new_texts)
        self.timezone = timezone
        self.locale = locale
        self.watched = tuple(watched)  # more texts to time (``record.seen``), e.g. one per edit of a series
        self._watched_hashes: dict[str, tuple[bytes, ...]] = {}
        self._page_script_hash = ""
        self._cached: set[str] = set()
        self._new_hashes: set[str] = set()  # cached messages that held a new text
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._pending_since: float | None = None  # the oldest rerun not answered yet
        self._full_run_done = False
        self._saw_shown = False
        self._ws: ClientConnection | None = None
        self._closing = False

    # -- the BackMsgs the frontend sends ------------------------------------------------

    def _rerun(self, fragment_id: str = "", *, auto: bool = True, widgets: Sequence[WidgetState] = ()) -> bytes:
        """The rerun BackMsg: of the page, or of ``fragment_id`` (its timer's when ``auto``).

        ``widgets``: the widget states to send (a component's trigger); none otherwise.
        """
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        if self._page_script_hash:
            state.page_script_hash = self._page_script_hash
        else:
            state.page_name = self.page
        state.widget_states.SetInParent()
        state.widget_states.widgets.extend(widgets)
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = auto
        state.cached_message_hashes.extend(sorted(self._cached))
        info = state.context_info
        info.timezone = self.timezone
        info.timezone_offset = -420 if self.timezone == "Asia/Ho_Chi_Minh" else 0
        info.locale = self.locale
        info.url = f"{self.url.replace('ws', 'http', 1)}/{self.page}{'?' + self.query if self.query else ''}"
        info.is_embedded = False
        info.color_scheme = "light"
        return msg.SerializeToString()

    async def _send_rerun(self, fragment_id: str = "", *, auto: bool = True,
                          widgets: Sequence[WidgetState] = ()) -> None:
        if self._ws is None:
            return
        now = time.monotonic()
        if self._pending_since is None:
            self._pending_since = now
        self.record.reruns_sent += 1
        await self._ws.send(self._rerun(fragment_id, auto=auto, widgets=widgets))

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """Like the frontend's ``setInterval``: a rerun every ``interval`` s, without drift."""
        start = time.monotonic()
        ticks = 0
        while True:
            ticks += 1
            await asyncio.sleep(max(0.0, start + ticks * interval - time.monotonic()))
            try:
                await self._send_rerun(fragment_id)
            except ConnectionClosed:
                return

    # -- the ForwardMsgs the server sends ----------------------------------------------

    def _handle(self, data: bytes, now: float) -> None:
        record = self.record
        record.messages += 1
        record.bytes += len(data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        holds_new = any(text in data for text in self.new_texts)
        if kind == "ref_hash":
            if msg.ref_hash not in self._cached:
                record.errors.append(f"unknown ref_hash {msg.ref_hash}")
            holds_new = msg.ref_hash in self._new_hashes
        elif msg.metadata.cacheable and msg.hash:
            self._cached.add(msg.hash)
            if holds_new:
                self._new_hashes.add(msg.hash)
        if self.watched:
            self._see_watched(msg, kind, data, now)
        if not self._saw_shown and any(text in data for text in self.shown_texts):
            self._saw_shown = True
        if holds_new and record.arrived_at is None:
            record.arrived_at = now
            record.arrival_request_at = self._pending_since
        if kind == "new_session":
            self._page_script_hash = msg.new_session.page_script_hash or self._page_script_hash
        elif kind == "navigation":
            self._page_script_hash = msg.navigation.page_script_hash or self._page_script_hash
        elif kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element" and delta.new_element.WhichOneof("type") == "exception":
                record.errors.append(f"exception in page: {delta.new_element.exception.message[:200]}")
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                timer = self._timers.pop(fragment_id, None)
                if timer is not None:
                    timer.cancel()
        elif kind == "script_finished":
            if self._pending_since is not None:
                record.round_trips.append((self._pending_since, now - self._pending_since))
                self._pending_since = None
            if msg.script_finished != FRAGMENT_DONE and not self._full_run_done:
                self._full_run_done = True
            if self._full_run_done and self._saw_shown and record.rendered_at is None:
                record.rendered_at = now
        self._received(msg, kind, data, now)

    def _received(self, msg: ForwardMsg, kind: str | None, data: bytes, now: float) -> None:
        """A hook for subclasses: each parsed ForwardMsg, after the viewer's own bookkeeping."""

    def _see_watched(self, msg: ForwardMsg, kind: str | None, data: bytes, now: float) -> None:
        """Note the first arrival of each watched text (in this message or the cached one it refers to)."""
        if kind == "ref_hash":
            found = self._watched_hashes.get(msg.ref_hash, ())
        else:
            found = tuple(text for text in self.watched if text in data)
            if msg.metadata.cacheable and msg.hash:
                self._watched_hashes[msg.hash] = found
        for text in found:
            self.record.seen.setdefault(text, now)

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if not fragment_id:
            return  # the frontend ignores an auto-rerun without a fragment id
        if fragment_id in self._timers:
            return  # the frontend keeps an existing timer with the same interval
        self._timers[fragment_id] = asyncio.create_task(self._auto_rerun(fragment_id, interval))

    # -- the life of a tab ------------------------------------------------------------

    async def run(self, open_timeout: float = 60.0) -> None:
        """Open the page and keep it live until ``close`` is called or the socket ends."""
        origin = Origin(self.url.replace("ws", "http", 1))
        try:
            async with connect(
                f"{self.url}/_stcore/stream",
                subprotocols=list(SUBPROTOCOLS),
                origin=origin,
                max_size=None,
                open_timeout=open_timeout,
                ping_interval=None,  # browsers do not ping; they answer the server's pings
                close_timeout=5,
            ) as ws:
                self._ws = ws
                self.record.connected_at = time.monotonic()
                await self._send_rerun()
                async for data in ws:
                    if isinstance(data, bytes):
                        self._handle(data, time.monotonic())
        except ConnectionClosedOK as exc:
            if not self._closing:
                self.record.closed_by_server = f"closed {exc.rcvd.code if exc.rcvd else ''} {exc}"
        except ConnectionClosed as exc:
            if not self._closing:
                self.record.closed_by_server = f"lost: {exc}"
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            if self.record.connected_at is None:
                self.record.connect_error = f"{type(exc).__name__}: {exc}"
            elif not self._closing:
                self.record.closed_by_server = f"{type(exc).__name__}: {exc}"
        else:
            if not self._closing:
                self.record.closed_by_server = "closed by the server"
        finally:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()

    async def close(self) -> None:
        """Close the tab (a normal close, not counted as a drop)."""
        self._closing = True
        if self._ws is not None:
            await self._ws.close()


async def read_metric(url: str, page: str, label: str, timeout: float = 30.0) -> str | None:
    """Open ``page`` once and return the body of the ``st.metric`` labelled ``label``."""
    async with connect(
        f"{url}/_stcore/stream",
        subprotocols=list(SUBPROTOCOLS),
        origin=Origin(url.replace("ws", "http", 1)),
        max_size=None,
        ping_interval=None,
    ) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = page.strip("/")
        await ws.send(msg.SerializeToString())
        value: str | None = None
        async with asyncio.timeout(timeout):
            async for data in ws:
                if not isinstance(data, bytes):
                    continue
                fwd = ForwardMsg()
                fwd.ParseFromString(data)
                kind = fwd.WhichOneof("type")
                if kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "metric":
                    metric = fwd.delta.new_element.metric
                    if metric.label == label:
                        value = metric.body
                elif kind == "script_finished" and fwd.script_finished != FRAGMENT_DONE:
                    break
        return value
