"""One background reader per process, and the broadcast of each new data version.

``Publisher`` owns a daemon thread that keeps a ``SharedReader`` fresh: it reads the source
once per interval, at once after a save (``reader.invalidate`` sets ``reader.wake``) and as
soon as the source's cheap change probe (a file's mtime, a Drive file's ``modifiedTime``)
says something changed. Viewers no longer drive reads: Streamlit screens keep reading the
reader's current snapshot, and the live subscribers (Server-Sent Events) are woken through
a ``Broadcast`` on the server's event loop, one wake-up per new message for all of them.

Each message is rendered once per version (``render``) and its bytes are shared by every
subscriber, so ten thousand phones cost ten thousand socket writes and nothing more.

A frame's SSE ``id`` is the message's ``id``: a hash of what the standings say (not of the
process's version counter nor of when it was read), so a ``Last-Event-ID`` means the same on
every process behind a proxy. A client that names the current id gets no standings again (only
their freshness); any other id, or none, gets the current standings at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from lib.edge.reader import SharedReader, Snapshot

KEEPALIVE_SECONDS = 15.0
BYE = b'retry: 250\nevent: bye\ndata: {"reason":"restart"}\n\n'
"""The last frame of a stream whose process stops: the pages reconnect at once (through a proxy: to another
process); a client that ignores the event reconnects after the ``retry`` of 250 ms by itself."""
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One published state: the live JSON document of one data version, and its freshness."""

    version: int
    stale: bool
    fetched_at: dt.datetime
    body: bytes  # the JSON document (also what /api/standings answers)
    etag: str  # the entity tag of ``body`` (it changes with every read, as ``fetched_at`` does)
    id: str = ""  # the content's tag: the same standings give the same id on every process

    @property
    def event_id(self) -> bytes:
        """The SSE ``id`` of this message (its version number only where no content id was given)."""
        return (self.id or str(self.version)).encode()

    def has(self, last_event_id: str | None) -> bool:
        """Whether a client whose ``Last-Event-ID`` is ``last_event_id`` already shows this content."""
        return last_event_id is not None and same_id(last_event_id, self.event_id.decode())

    @property
    def event(self) -> bytes:
        """The SSE frame of this version: ``event: standings``, ``id``, ``data``."""
        return b"event: standings\nid: %s\ndata: %s\n\n" % (self.event_id, self.body)

    @property
    def status(self) -> bytes:
        """A small SSE frame saying only whether the data is stale (no new version)."""
        stale = b"true" if self.stale else b"false"
        return b'event: status\nid: %s\ndata: {"id":"%s","version":%d,"stale":%s,"fetched_at":"%s"}\n\n' % (
            self.event_id, self.event_id, self.version, stale, self.fetched_at.isoformat(timespec="seconds").encode())


def same_id(given: str, ours: str) -> bool:
    """``given`` (a ``Last-Event-ID``, perhaps quoted like an ETag, or weak) names ``ours``."""
    return given.strip().removeprefix("W/").strip('"') == ours.strip('"')


class Broadcast:
    """The latest message and a wake-up for everyone waiting on it; lives on one event loop."""

    def __init__(self) -> None:
        self.current: Message | None = None
        self._changed = asyncio.Event()
        self.subscribers = 0
        self.sent = 0
        self.agenda: bytes | None = None  # the ``event: agenda`` frame of the ceremony's current item
        self._agenda_on_connect = False
        self.meeting: bytes | None = None  # the ``event: meeting`` frame: the preliminary meeting's screen moved
        self.farewell: bytes | None = None  # set by ``close``: every stream sends it and ends
        self._meetings = 0  # counted: the frame is the same bytes each time, so its identity cannot tell a new one

    def close(self, frame: bytes = BYE) -> None:
        """The process is stopping: every stream sends ``frame`` (reconnect elsewhere) and ends; new ones too.

        Call on the loop's thread. The streams end at their next wake-up, which this is.
        """
        self.farewell = frame
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def publish_meeting(self, frame: bytes) -> None:
        """Make ``frame`` (an ``event: meeting`` frame, no id) current and wake every subscriber.

        Each call is sent once to every subscriber, even with the same bytes as the last (the frame
        carries no data: it says "fetch again"). Not sent on connecting: a screen fetches its state when it loads.
        """
        self.meeting = frame
        self._meetings += 1
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def publish_agenda(self, frame: bytes, *, on_connect: bool = True) -> None:
        """Make ``frame`` (an ``event: agenda`` frame, no id) the agenda and wake every subscriber.

        ``on_connect=False`` (no current item): sent to those connected now, not to newcomers.
        """
        self.agenda = frame
        self._agenda_on_connect = on_connect
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def publish(self, message: Message) -> None:
        """Make ``message`` current and wake every subscriber (call on the loop's thread)."""
        self.current = message
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def frames(self, last_event_id: str | None = None,
                     keepalive: float = KEEPALIVE_SECONDS) -> AsyncIterator[bytes]:
        """The SSE byte frames for one subscriber, until it goes away.

        The current standings first (unless ``last_event_id`` names their content id: then only their
        freshness), then each new content once, a status frame when only the staleness changed, and a comment line
        every ``keepalive`` seconds of silence. The agenda frame goes out whenever it changes
        (and on connecting, when one is set); it carries no ``id``, so a reconnecting client's
        ``Last-Event-ID`` stays the data version. Once ``close`` is called, the farewell frame and
        the end.
        """
        self.subscribers += 1
        try:
            if self.farewell is not None:
                yield self.farewell
                return
            sent = self.current
            agenda, greet = self.agenda, self._agenda_on_connect  # both now: the yields below may wait
            meetings = self._meetings
            yield b"retry: 2000\n\n"
            if sent is not None:
                # A client that has this version gets only its freshness (it may have shown "stale").
                yield sent.status if sent.has(last_event_id) else sent.event
            if agenda is not None and greet:
                yield agenda
            while True:
                changed = self._changed
                message = self.current
                if self.farewell is not None:
                    yield self.farewell
                    return
                if self.agenda is not agenda:
                    agenda = self.agenda
                    if agenda is not None:
                        yield agenda
                    continue
                if self._meetings != meetings:
                    meetings = self._meetings
                    if self.meeting is not None:
                        yield self.meeting
                    continue
                if message is sent or message is None:
                    try:
                        await asyncio.wait_for(changed.wait(), keepalive)
                    except TimeoutError:
                        yield b": keepalive\n\n"
                    continue
                if sent is None or message.event_id != sent.event_id:
                    yield message.event
                    self.sent += 1
                elif message.stale != sent.stale:
                    yield message.status
                sent = message
        finally:
            self.subscribers -= 1


class Publisher:
    """The one thread per process that reads the source and publishes each new version."""

    def __init__(self, reader: SharedReader, render: Callable[[Snapshot], Message],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.reader = reader
        self._render = render
        self._clock = clock
        self._loops: list[tuple[asyncio.AbstractEventLoop, Broadcast]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current: Message | None = None
        self._shown: Snapshot | None = None  # the snapshot ``current`` was rendered from
        self._rendering = threading.Lock()  # the thread's read and ``rerender`` never publish at once
        self.published = 0
        self.published_at: float | None = None  # wall-clock time of the last new message (for /metrics)
        self.errors = 0

    def attach(self, loop: asyncio.AbstractEventLoop) -> Broadcast:
        """A broadcast on ``loop`` that receives every message from now on (and the current one)."""
        broadcast = Broadcast()
        if self.current is not None:
            broadcast.current = self.current
        self._loops.append((loop, broadcast))
        return broadcast

    def start(self) -> None:
        """Start the thread (once); from then on viewers never read the source themselves."""
        if self._thread is not None:
            return
        self.reader.background = True
        self._thread = threading.Thread(target=self._run, name="live-publisher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and let viewers read on their own again."""
        self._stop.set()
        self.reader.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.reader.background = False
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                snapshot = self.reader.poll()
                if snapshot is not None:
                    self._offer(snapshot)
            except Exception:  # noqa: BLE001 - a bug must not stop the screens' data
                self.errors += 1
                _log.exception("the live publisher failed to read or publish")
            wait = min(self.reader.probe_every, self.reader.seconds_to_next_read())
            self.reader.wake.wait(timeout=max(0.05, wait))
            self.reader.wake.clear()

    def rerender(self) -> None:
        """Render the current snapshot again (what ``render`` shows changed: the ceremony's step).

        Published only when the content id moved, so a step that changes nothing shown sends nothing.
        """
        with self._rendering:
            snapshot, current = self._shown, self.current
            if snapshot is None or current is None:
                return
            message = self._render(snapshot)
            if message.id == current.id and message.body == current.body:
                return
            self._publish(message)

    def _offer(self, snapshot: Snapshot) -> None:
        with self._rendering:
            current = self.current
            self._shown = snapshot
            if current is not None and current.version == snapshot.version and current.stale == snapshot.stale:
                if current.fetched_at != snapshot.fetched_at:  # the same data read again: fresher, not new
                    self.current = self._render(snapshot)
                return
            self._publish(self._render(snapshot))

    def _publish(self, message: Message) -> None:
        self.current = message
        self.published += 1
        self.published_at = time.time()
        for loop, broadcast in list(self._loops):
            try:
                loop.call_soon_threadsafe(broadcast.publish, message)
            except RuntimeError:  # the loop is closed (the server stopped)
                self._loops.remove((loop, broadcast))
