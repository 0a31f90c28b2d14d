"""One simulated hall projector (``/?view=projector``): its Streamlit session and its page's script.

The projector page is built once by its Streamlit script; its live part (``<div id="proj-live"
data-src=… data-etag=…>``) is then kept current by a small script in the page, not by reruns:
the script opens ``EventSource('/api/events')`` and, on ``open`` and on every ``standings``,
``status`` or ``agenda`` event (and on a safety poll every few seconds), fetches ``data-src``
(``/api/projector``) with ``If-None-Match`` set to the last ETag (first the page's
``data-etag``); a 200 replaces the container's HTML, a 304 leaves it. A fetch asked for while
one is under way runs once more after it (the script's ``busy``/``again``).

``Projector`` does the same: a ``stclient.Viewer`` for the session (the render check stays: the
current total arrives in a ForwardMsg), and once the page's container has arrived, one
``sse.Viewer`` stream and the fetches, over one keep-alive HTTP/1.1 connection (raw asyncio
streams, as ``sse.py``). ``seen`` records when each watched text first stood in a fetched
answer: that is when the screen shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import html
import re
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks import sse
from benchmarks.stclient import Viewer

CONTAINER_ID = "proj-live"
DEFAULT_SRC = "/api/projector?lang=vi"
"""What the script fetches when the page's container does not say (``data-src``)."""

_TAG = re.compile(rb'<div\b[^>]*\bid="' + CONTAINER_ID.encode() + rb'"[^>]*>')
_ATTRIBUTE = re.compile(rb'([\w-]+)="([^"]*)"')


def container_attributes(data: bytes) -> dict[str, str] | None:
    """The attributes of the projector's live container in ``data`` (a raw ForwardMsg), or None.

    >>> container_attributes(b'x<div id="proj-live" data-src="/api/projector" data-etag="&quot;ab&quot;">y')
    {'id': 'proj-live', 'data-src': '/api/projector', 'data-etag': '"ab"'}
    >>> container_attributes(b'<div id="proj-qr">') is None
    True
    """
    match = _TAG.search(data)
    if match is None:
        return None
    return {name.decode(): html.unescape(value.decode("utf-8", "replace"))
            for name, value in _ATTRIBUTE.findall(match.group())}


@dataclass(frozen=True)
class Answer:
    """One HTTP response: status, headers (lower-case names), body (gzip undone)."""

    status: int
    headers: dict[str, str]
    body: bytes


async def read_response(reader: asyncio.StreamReader) -> Answer:
    """Read one HTTP/1.1 response (Content-Length, chunked, or up to the end of the stream).

    Raises ``asyncio.IncompleteReadError`` when the stream ends early, ``ValueError`` on a
    malformed head and ``zlib.error`` or ``gzip.BadGzipFile`` on a broken gzip body.
    """
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP response: {head[0][:80]!r}")
    status = int(parts[1])
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if status in (204, 304) or status < 200:
        body = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
                    pass
                break
            chunks.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(chunks)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()
        headers["connection"] = "close"
    if headers.get("content-encoding", "").lower() == "gzip":
        body = gzip.decompress(body)
    return Answer(status, headers, body)


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1:``port``, as a browser keeps for its fetches.

    A request on a reused connection that the server has closed meanwhile (uvicorn closes idle
    ones after 5 s) is sent once more on a new connection, as browsers do for a GET.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.opened = 0  # TCP connections made
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, target: str, headers: dict[str, str] | None = None) -> Answer:
        """``GET target`` (no redirects followed)."""
        lines = [f"GET {target} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Accept-Encoding: gzip",
                 *(f"{k}: {v}" for k, v in (headers or {}).items())]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        for attempt in range(2):
            fresh = self._streams is None
            if self._streams is None:
                self._streams = await asyncio.open_connection("127.0.0.1", self.port)
                self.opened += 1
            reader, writer = self._streams
            try:
                writer.write(request)
                await writer.drain()
                answer = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt:
                    raise
                continue
            except BaseException:
                self.close()  # a timeout or cancellation mid-answer: the connection is unusable
                raise
            if answer.headers.get("connection", "").lower() == "close":
                self.close()
            return answer
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


class _Page(Viewer):
    """The Streamlit session of the projector page; notes the live container when it arrives."""

    def __init__(self, index: int, url: str, shown_texts: Sequence[bytes], watched: Sequence[bytes]) -> None:
        super().__init__(index, url, "", "view=projector", shown_texts, (), watched=watched)
        self.container: dict[str, str] | None = None
        self.container_seen = asyncio.Event()

    def _handle(self, data: bytes, now: float) -> None:
        super()._handle(data, now)
        if self.container is None and CONTAINER_ID.encode() in data:
            self.container = container_attributes(data)
            if self.container is not None:
                self.container_seen.set()


@dataclass(frozen=True)
class Fetch:
    """One fetch of the live part: when it was sent, how long the answer took, its status or error."""

    at: float
    seconds: float
    status: int | None
    error: str | None = None


class Projector:
    """One hall screen: the Streamlit session, then the page script's SSE stream and fetches."""

    def __init__(self, index: int, port: int, shown_texts: Sequence[bytes], watched: Sequence[bytes], *,
                 poll: float, fetch_timeout: float = 30.0, start_timeout: float = 120.0) -> None:
        self.port = port
        self.session = _Page(index, f"ws://127.0.0.1:{port}", shown_texts, watched)
        self.stream = sse.Viewer(on_event=self._on_event)
        self.watched = tuple(watched)
        self.poll = poll
        self.fetch_timeout = fetch_timeout
        self.start_timeout = start_timeout
        self.seen: dict[bytes, float] = {}  # each watched text: when a fetched answer first held it
        self.fetches: list[Fetch] = []
        self.script_at: float | None = None  # when the page's script started (the container arrived)
        self.ready_at: float | None = None  # the first fetch answered 200 or 304
        self.src = DEFAULT_SRC
        self.tag = ""
        self._http = Connection(port)
        self._wake = asyncio.Event()
        self._closed = asyncio.Event()

    @property
    def connections(self) -> int:
        """TCP connections the fetches opened (one, unless the server closed idle ones)."""
        return self._http.opened

    @property
    def dropped(self) -> bool:
        """The session or the event stream was lost (or never opened)."""
        return self.session.record.dropped or self.stream.error is not None

    def _on_event(self, name: str) -> None:
        if name in ("open", "standings", "status", "agenda"):
            self._wake.set()

    async def run(self) -> None:
        """Open the page; once its container is there, run the script until ``close``."""
        session = asyncio.create_task(self.session.run())
        parts: list[asyncio.Task[None]] = []
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._started(session), self.start_timeout)
            if self.session.container is not None or self.session.record.rendered_at is not None:
                attributes = self.session.container or {}
                self.src = attributes.get("data-src") or DEFAULT_SRC
                self.tag = attributes.get("data-etag", "")
                self.script_at = time.monotonic()
                done = asyncio.Event()  # the stream ends by cancellation below
                parts = [asyncio.create_task(self.stream.run(self.port, done)),
                         asyncio.create_task(self._fetcher()), asyncio.create_task(self._ticker())]
            await self._closed.wait()
        finally:
            for task in parts:
                task.cancel()
            await asyncio.gather(*parts, return_exceptions=True)
            self._http.close()
            await self.session.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session, 10)
            if not session.done():
                session.cancel()

    async def _started(self, session: asyncio.Task[None]) -> None:
        """Until the container has arrived, or the page rendered without one, or the session ended."""
        while not (self.session.container_seen.is_set() or self.session.record.rendered_at is not None
                   or session.done()):
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        """Close the page (not counted as a drop); ``run`` returns."""
        self._closed.set()

    async def _ticker(self) -> None:
        """The script's ``setInterval``: a refresh every ``poll`` s, without drift."""
        start = time.monotonic()
        ticks = 0
        while True:
            ticks += 1
            await asyncio.sleep(max(0.0, start + ticks * self.poll - time.monotonic()))
            self._wake.set()

    async def _fetcher(self) -> None:
        """One fetch at a time; a refresh asked for meanwhile makes one more after it."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._fetch()

    async def _fetch(self) -> None:
        at = time.monotonic()
        try:
            answer = await asyncio.wait_for(
                self._http.get(self.src, {"If-None-Match": self.tag} if self.tag else None), self.fetch_timeout)
        except (OSError, TimeoutError, ValueError, EOFError, asyncio.LimitOverrunError, zlib.error) as exc:
            self.fetches.append(Fetch(at, time.monotonic() - at, None, f"{type(exc).__name__}: {exc}"[:200]))
            return
        now = time.monotonic()
        self.fetches.append(Fetch(at, now - at, answer.status))
        if answer.status not in (200, 304):
            return
        if self.ready_at is None:
            self.ready_at = now
        if answer.status == 200:
            self.tag = answer.headers.get("etag", "")
            for text in self.watched:
                if text in answer.body:
                    self.seen.setdefault(text, now)
