"""The live endpoints served by ``serve.py`` beside the Streamlit pages, without a Streamlit session.

``/live`` (the light page for phones), ``/api/standings`` (JSON with an ETag), ``/api/events``
(Server-Sent Events), ``/api/projector`` (the projector's live part), ``/healthz`` and
``/metrics``; and ``Overflow``, the middleware that sends a new read-only visitor to ``/live``
once the process has ``[server] max_sessions`` sessions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from lib.core.ceremony import Ceremony
from lib.core.config import ClusterConfig
from lib.edge.history import comparison_for
from lib.edge.publisher import Broadcast, Message, Publisher
from lib.edge.reader import Snapshot
from lib.present.ceremony import agenda_line
from lib.present.live_page import live_page
from lib.present.standings_json import encode, etag, live_document
from web import ceremony, heap
from web.data import cluster_config, shared_reader
from web.projector_screen import built, live_part

MAX_AGE = 2  # seconds a cache (nginx, a CDN, a phone) may keep /api/standings
AGENDA_SECONDS = 1.0  # how often the process reads the ceremony's agenda row (one indexed SQLite row)
_lock = threading.Lock()
_publisher: Publisher | None = None
_broadcast: Broadcast | None = None
_agenda_task: asyncio.Task | None = None
_heap_task: asyncio.Task | None = None
_ceremony: Ceremony | None = None  # the watcher's last read of the ceremony state
_redirected = 0
_log = logging.getLogger(__name__)


def publisher() -> Publisher:
    """The process's one publisher (created on first use, started by ``start``)."""
    global _publisher
    with _lock:
        if _publisher is None:
            config = cluster_config()
            _publisher = Publisher(shared_reader(), lambda snap: render(snap, config))
        return _publisher


def render(snap: Snapshot, config: ClusterConfig) -> Message:
    """The message of one snapshot: the live JSON document, encoded once."""
    body = encode(live_document(snap.value, cluster=config.name, year=config.year, version=snap.version,
                                fetched_at=snap.fetched_at, stale=snap.stale,
                                history=comparison_for(config, snap.value)[0]))  # last year: read once, kept
    return Message(snap.version, snap.stale, snap.fetched_at, body, etag(body))


def ceremony_now() -> Ceremony:
    """The ceremony state as the watcher last read it (read now when the watcher has not yet)."""
    return _ceremony if _ceremony is not None else ceremony.current()


def agenda_lines(config: ClusterConfig, state: Ceremony | None = None) -> dict[str, object]:
    """The agenda's current item in both languages: ``{"index": 4, "vi": "Đang diễn ra: …", "en": "Now: …"}``.

    ``index`` is None (and the lines "") before the first item; the secretary moves it on the
    ceremony control page (``lib.edge.ceremony``).
    """
    state = state if state is not None else ceremony_now()
    lines = {lang: agenda_line(config, state, lang) for lang in ("vi", "en")}
    # the reveal step rides along: a projector refetches its screen on every agenda frame
    return {"index": state.agenda if lines["vi"] else None, **lines,
            "reveal": [state.active, state.revealed]}


def agenda_frame(lines: dict[str, object]) -> bytes:
    """The SSE frame of the agenda: ``event: agenda`` and its JSON, no ``id`` (the data version stays the id)."""
    return b"event: agenda\ndata: %s\n\n" % json.dumps(lines, ensure_ascii=False).encode()


async def _follow_agenda(broadcast: Broadcast) -> None:
    """Read the ceremony once a second for the whole process; publish it to every stream when it moves.

    The state read here is also what ``/api/projector`` builds with, so five hundred screens
    asking after a step cost no database read each.
    """
    global _ceremony
    last = None
    while True:
        try:
            _ceremony = await asyncio.to_thread(ceremony.current)
            lines = agenda_lines(cluster_config(), _ceremony)
        except Exception:  # noqa: BLE001 - a bad read must not end the agenda for everyone
            _log.exception("the agenda could not be read")
        else:
            if lines != last:
                broadcast.publish_agenda(agenda_frame(lines), on_connect=lines["index"] is not None)
                last = lines
        await asyncio.sleep(AGENDA_SECONDS)


def start() -> None:
    """Start the publisher, the agenda watcher and the heap's tending; attach this loop's broadcast (lifespan)."""
    global _broadcast, _agenda_task, _heap_task
    live = publisher()
    loop = asyncio.get_running_loop()
    _broadcast = live.attach(loop)
    live.start()
    _agenda_task = loop.create_task(_follow_agenda(_broadcast))
    _heap_task = loop.create_task(heap.tend(lambda: time.time() - (live.published_at or 0.0)))


def stop() -> None:
    """Stop the publisher, the agenda watcher and the heap's tending (the server is shutting down)."""
    for task in (_agenda_task, _heap_task):
        if task is not None:
            task.cancel()
    if _publisher is not None:
        _publisher.stop()


def sessions() -> int | None:
    """Streamlit sessions of this process (None when the runtime is not there)."""
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()._session_mgr.num_active_sessions()  # noqa: SLF001 - no public count
    except Exception:  # noqa: BLE001 - no runtime (tests, a plain ASGI mount)
        return None


async def standings(request: Request) -> Response:
    """``GET /api/standings``: the current document, an ETag, 304 when the client has it."""
    message = publisher().current
    if message is None:
        return _no_data()
    return _entity(request, message.body, message.etag, "application/json; charset=utf-8",
                   f"public, max-age={MAX_AGE}")


def _no_data() -> Response:
    return PlainTextResponse("no data yet", status_code=503, headers={"Retry-After": "2"})


def _entity(request: Request, body: bytes | str, tag: str, media_type: str, cache_control: str) -> Response:
    """``body`` with its ETag, or an empty 304 when the client already holds that tag."""
    headers = {"ETag": tag, "Cache-Control": cache_control}
    if tag in _tags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


async def events(request: Request) -> Response:
    """``GET /api/events``: Server-Sent Events of every new version (Last-Event-ID honoured)."""
    if _broadcast is None:
        return PlainTextResponse("the live publisher is not running", status_code=503)
    last = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    return StreamingResponse(_broadcast.frames(last), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def projector(request: Request) -> Response:
    """``GET /api/projector``: the projector's live part as HTML (what the page's script swaps in).

    Built once per data version, ceremony step and language for the whole process; an ETag and
    304 so that a screen asking again without a change costs a hash comparison.
    """
    snap = shared_reader().current
    if snap is None:
        return _no_data()
    lang = "en" if request.query_params.get("lang") == "en" else "vi"
    state = ceremony_now()
    screen = built(snap, state, lang) or await asyncio.to_thread(live_part, snap, state, lang)
    return _entity(request, screen.html, screen.etag, "text/html; charset=utf-8", "no-cache")


async def live(request: Request) -> Response:
    """``GET /live``: the light live page, with the current document embedded (never blank)."""
    config = cluster_config()
    message = publisher().current
    lang = "en" if request.query_params.get("lang") == "en" else "vi"
    page = live_page(message.body.decode() if message else None, title=config.name, year=config.year,
                     interval=config.refresh_seconds, lang=lang,
                     award_places=[(a.from_rank, a.to_rank) for a in config.awards],
                     agenda=agenda_lines(config))
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})


def _age(config: ClusterConfig) -> float | None:
    snap = shared_reader().current
    if snap is None:
        return None
    return (dt.datetime.now(dt.UTC) - snap.fetched_at).total_seconds()


async def healthz(request: Request) -> Response:
    """``GET /healthz``: 200 while the data is no older than three intervals, else 503."""
    config = cluster_config()
    age = _age(config)
    if age is None or age > 3 * config.refresh_seconds:
        return PlainTextResponse(f"stale: data age {age if age is None else round(age)} s", status_code=503)
    return PlainTextResponse(f"ok: data age {round(age)} s")


async def metrics(request: Request) -> Response:
    """``GET /metrics``: Prometheus text of reads, probes, failures, data age, subscribers, sessions."""
    from web.writes import outbox

    config = cluster_config()
    reader = shared_reader()
    stats = reader.stats
    live_pub = publisher()
    age = _age(config)
    try:
        depth = outbox().status()[0]
    except Exception:  # noqa: BLE001 - an unreadable outbox file must not hide the other figures
        depth = -1
    rows = [
        ("thidua_source_reads_total", "counter", "Full reads of the workbook", stats.reads),
        ("thidua_source_probes_total", "counter", "Cheap change probes (mtime, Drive modifiedTime)",
         stats.probes),
        ("thidua_source_failures_total", "counter", "Failed reads (last 50 kept)", len(stats.failures)),
        ("thidua_source_reads_last_minute", "gauge", "Full reads in the last 60 s",
         stats.reads_last_minute(time.monotonic())),
        ("thidua_data_age_seconds", "gauge", "Seconds since the last good read", -1 if age is None else age),
        ("thidua_data_version", "gauge", "The current data version",
         live_pub.current.version if live_pub.current else 0),
        ("thidua_data_stale", "gauge", "1 while the latest read failed", int(bool(
            live_pub.current and live_pub.current.stale))),
        ("thidua_live_published_total", "counter", "Messages published to live subscribers", live_pub.published),
        ("thidua_live_published_at_seconds", "gauge", "Unix time of the last new message (0: none yet)",
         live_pub.published_at or 0),
        ("thidua_live_subscribers", "gauge", "Open /api/events streams", _broadcast.subscribers if _broadcast else 0),
        ("thidua_streamlit_sessions", "gauge", "Streamlit sessions of this process", sessions() or 0),
        ("thidua_sent_to_live_total", "counter", "Visitors sent to /live over max_sessions", _redirected),
        ("thidua_outbox_depth", "gauge", "Change sets waiting in the outbox", depth),
        ("thidua_gc_frozen_objects", "gauge", "Objects the collector skips (web/heap.py)", heap.stats.frozen),
        ("thidua_gc_sweeps_total", "counter", "Full collections made while quiet", heap.stats.sweeps),
        ("thidua_gc_last_sweep_seconds", "gauge", "How long the last full collection took",
         heap.stats.last_sweep_seconds),
    ]
    lines = []
    for name, kind, text, value in rows:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", f"{name} {value:.15g}"]
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")


ROUTES = [
    Route("/live", live),
    Route("/api/standings", standings),
    Route("/api/events", events),
    Route("/api/projector", projector),
    Route("/healthz", healthz),
    Route("/metrics", metrics),
]

_READ_ONLY_PATHS = {"/", "/xep-hang"}


ADMIT_WINDOW = 30.0  # seconds an admitted page load counts before its session must have appeared


class Admissions:
    """Page loads let in recently, whose Streamlit session may not exist yet.

    A browser loads the page and only then opens the websocket that makes a session; under load that
    gap grows to seconds. Counting sessions alone let 873 of 1,500 arriving visitors in under
    ``max_sessions = 500`` (``benchmarks/mixed.py overload``). So each admission also counts for
    ``window`` seconds, on top of the sessions there were when the oldest of them was let in.
    """

    def __init__(self, window: float = ADMIT_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._recent: deque[tuple[float, int]] = deque()  # (when, sessions at that time)

    def occupied(self, sessions: int) -> int:
        """Sessions, or sessions plus admissions still on their way when that is more."""
        now = self.clock()
        while self._recent and now - self._recent[0][0] > self.window:
            self._recent.popleft()
        if not self._recent:
            return sessions
        return max(sessions, self._recent[0][1] + len(self._recent))

    def admit(self, sessions: int) -> None:
        """Note one page load let in while ``sessions`` sessions existed."""
        self._recent.append((self.clock(), sessions))


_admissions = Admissions()


class Overflow:
    """Sends a new read-only visitor of the ranking or delegates' view to ``/live`` when full.

    Only the page load itself is turned away (before any Streamlit session exists); the projector
    (``?view=projector``), the sign-in page and every other page are always admitted.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect (307) or pass the request on."""
        global _redirected
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in _READ_ONLY_PATHS:
            view = parse_qs(scope.get("query_string", b"").decode()).get("view", [""])[0]
            if view in ("", "delegate") and _full():
                _redirected += 1
                lang = "?lang=en" if "lang=en" in scope.get("query_string", b"").decode() else ""
                response = Response(status_code=307, headers={"Location": "/live" + lang, "Cache-Control": "no-store"})
                await response(scope, receive, send)
                return
            _admissions.admit(sessions() or 0)
        await self.app(scope, receive, send)


def _full() -> bool:
    count = sessions()
    try:
        limit = cluster_config().max_sessions
    except Exception:  # noqa: BLE001 - a bad config is shown by the pages themselves
        return False
    return count is not None and _admissions.occupied(count) >= limit
