"""The live endpoints served by ``serve.py`` beside the Streamlit pages, without a Streamlit session.

``/live`` (the light page for phones), ``/api/standings`` (JSON with an ETag), ``/api/events``
(Server-Sent Events), ``/api/projector`` (the projector's live part), ``/api/meeting`` (the
preliminary meeting's hall screen), ``/healthz`` and
``/metrics``. ``/api/events`` is gated per address and in all (``web.limits.StreamGate``);
``web.overflow`` sends new read-only visitors to ``/live`` once the process is full.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable

import redis
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from lib.core.ceremony import Ceremony
from lib.core.config import ClusterConfig, config_path
from lib.core.meeting import Meeting
from lib.edge import shared
from lib.edge.ceremony import channel as ceremony_channel
from lib.edge.history import comparison_for
from lib.edge.publisher import Broadcast, Message, Publisher
from lib.edge.reader import Snapshot
from lib.present.ceremony import agenda_line
from lib.present.live_page import live_page
from lib.present.standings_json import encode, etag, live_document
from web import ceremony, heap, limits, meeting_screen, shutdown
from web.data import cluster_config, shared_engine, shared_reader
from web.limits import StreamGate
from web.overflow import admissions, peer_address, redirected, sessions
from web.projector_screen import built, live_part

MAX_AGE = 2  # seconds a cache (nginx, a CDN, a phone) may keep /api/standings
AGENDA_SECONDS = 1.0  # how often the process reads the ceremony's agenda row (one indexed SQLite row)
_lock = threading.Lock()
_publisher: Publisher | None = None
_broadcast: Broadcast | None = None
_agenda_task: asyncio.Task | None = None
_heap_task: asyncio.Task | None = None
_ceremony: Ceremony | None = None  # the watcher's last read of the ceremony state
_meeting_task: asyncio.Task | None = None
_meeting: Meeting | None = None  # the watcher's last read of the preliminary meeting's state
MEETING_SECONDS = 0.2  # how often the process reads the meeting's row: the hall follows within a second
_gate = StreamGate(10_000, 500)  # replaced at start with the configured caps under the open-file limit
_files = limits.OpenFiles(-1, -1, -1)
STREAM_RETRY_SECONDS = 10  # Retry-After of a refused stream (EventSource gives up on a 503; the pages retry)
_log = logging.getLogger(__name__)


def publisher() -> Publisher:
    """The process's one publisher (created on first use, started by ``start``)."""
    global _publisher
    with _lock:
        if _publisher is None:
            config = cluster_config()
            _publisher = Publisher(shared_reader(), lambda snap: render(snap, config))
        return _publisher


def render(snap: Snapshot, config: ClusterConfig, state: Ceremony | None = None) -> Message:
    """The message of one snapshot: the live JSON document, encoded once, and its content id.

    The id hashes the document without ``version``, ``fetched_at`` and ``stale`` (a process's own
    counter and clock), so the same standings carry the same SSE ``id`` on every process. The
    document holds back what the ceremony covers (``state``, else the watcher's last read), so the
    id changes only with what is shown: two states that differ only under the cover share it.
    """
    state = state if state is not None else ceremony_now()
    document = live_document(snap.value, cluster=config.name, year=config.year, version=snap.version,
                             fetched_at=snap.fetched_at, stale=snap.stale, state=state,
                             history=comparison_for(config, snap.value)[0])  # last year: read once, kept
    body = encode(document)
    content = encode({key: value for key, value in document.items() if key not in _PER_PROCESS})
    return Message(snap.version, snap.stale, snap.fetched_at, body, etag(body), etag(content).strip('"'))


_PER_PROCESS = frozenset({"version", "fetched_at", "stale"})
_ids: dict[tuple[int, int, bool, int], str] = {}


def event_id(snap: Snapshot) -> str:
    """The SSE ``id`` of the standings ``snap`` shows (what ``/api/events`` calls them)."""
    message = publisher().current
    if message is not None and message.version == snap.version:
        return message.id
    state = ceremony_now()
    key = (id(snap.value), snap.version, state.active, state.revealed)
    if key not in _ids:
        if len(_ids) > 16:
            _ids.clear()
        _ids[key] = render(snap, cluster_config(), state).id
    return _ids[key]


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
    asking after a step cost no database read each. With the shared engine a step made on any
    process or host wakes this watcher at once (Redis pub/sub, ``_ceremony_moved``).
    """
    global _ceremony
    last = None
    moved = _CeremonyMoved()
    while True:
        try:
            before, _ceremony = _ceremony, await asyncio.to_thread(ceremony.current)
            lines = agenda_lines(cluster_config(), _ceremony)
            if before is not None and (before.active, before.revealed) != (_ceremony.active, _ceremony.revealed):
                # a reveal step changes what the public documents may show: publish them again
                await asyncio.to_thread(publisher().rerender)
        except Exception:  # noqa: BLE001 - a bad read must not end the agenda for everyone
            _log.exception("the agenda could not be read")
        else:
            if lines != last:
                broadcast.publish_agenda(agenda_frame(lines), on_connect=lines["index"] is not None)
                last = lines
        await moved.wait(AGENDA_SECONDS)


class _CeremonyMoved:
    """A wait of at most ``seconds`` that ends early when Redis announces a ceremony step (any process, any host).

    Without the shared engine, or while Redis is away, a plain sleep (the SQLite row is read each second).
    """

    def __init__(self) -> None:
        self._pubsub = None

    async def wait(self, seconds: float) -> None:
        engine = shared_engine()
        if engine is None or not engine.healthy and self._pubsub is None:
            await asyncio.sleep(seconds)
            if engine is not None and self._pubsub is None:
                self._pubsub = await self._subscribe(engine)
            return
        try:
            if self._pubsub is None:
                self._pubsub = await self._subscribe(engine)
            if self._pubsub is not None:
                await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=seconds)
                return
        except (redis.RedisError, OSError) as exc:
            engine.failed(exc)
            self._pubsub = None
        await asyncio.sleep(seconds)

    @staticmethod
    async def _subscribe(engine: shared.Shared) -> object | None:
        try:
            pubsub = engine.aio().pubsub()
            await pubsub.subscribe(ceremony_channel(engine, config_path().stem))
        except (redis.RedisError, OSError) as exc:
            engine.failed(exc)
            return None
        return pubsub


def meeting_now() -> Meeting:
    """The meeting state as the watcher last read it (read now when the watcher has not yet)."""
    return _meeting if _meeting is not None else meeting_screen.current()


async def _follow_meeting(broadcast: Broadcast) -> None:
    """Read the preliminary meeting's row five times a second for the process; tell every stream when it moves.

    One indexed SQLite row per read, whoever watches; the frame carries no data (the screens
    fetch ``/api/meeting``), so a stream's ``Last-Event-ID`` stays the data version.
    """
    global _meeting
    last = None
    while True:
        try:
            _meeting = await asyncio.to_thread(meeting_screen.current)
        except Exception:  # noqa: BLE001 - a bad read must not end the watch for everyone
            _log.exception("the meeting state could not be read")
        else:
            if last is not None and _meeting != last:
                broadcast.publish_meeting(b"event: meeting\ndata: {}\n\n")
            last = _meeting
        await asyncio.sleep(MEETING_SECONDS)


def start() -> None:
    """Raise the open-file limit, size the stream gate; start the publisher, the agenda watcher, the heap's tending."""
    global _broadcast, _agenda_task, _heap_task, _gate, _files, _meeting_task
    _files = limits.raise_open_files()
    try:
        config = cluster_config()
        total = limits.stream_limit(config.max_streams, _files.soft, config.max_sessions)
        _gate = StreamGate(total, config.max_streams_per_address)
    except Exception:  # noqa: BLE001 - a bad config is shown by the pages; the default caps stay
        _gate = StreamGate(limits.stream_limit(_gate.total, _files.soft, 200), _gate.per_address)
    live = publisher()
    loop = asyncio.get_running_loop()
    _broadcast = live.attach(loop)
    live.start()
    _agenda_task = loop.create_task(_follow_agenda(_broadcast))
    _meeting_task = loop.create_task(_follow_meeting(_broadcast))
    _heap_task = loop.create_task(heap.tend(lambda: time.time() - (live.published_at or 0.0)))
    shutdown.install(loop, _broadcast.close)  # SIGTERM: every stream is told to reconnect elsewhere


def stop() -> None:
    """Stop the publisher, the agenda watcher and the heap's tending (the server is shutting down)."""
    for task in (_agenda_task, _heap_task, _meeting_task):
        if task is not None:
            task.cancel()
    if _publisher is not None:
        _publisher.stop()


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


class _GatedStream(StreamingResponse):
    """A stream that gives its place at the gate back however it ends (even before its first frame)."""

    def __init__(self, *args: object, release: Callable[[], None], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._release = release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        untrack = shutdown.track(asyncio.current_task())
        try:
            await super().__call__(scope, receive, send)
        finally:
            untrack()
            self._release()


async def events(request: Request) -> Response:
    """``GET /api/events``: Server-Sent Events of every new version (Last-Event-ID honoured).

    Past ``[server] max_streams_per_address`` streams of one address, or ``max_streams`` in all
    (kept under the open-file limit), the stream is refused: 503 with ``Retry-After``.
    """
    if _broadcast is None:
        return PlainTextResponse("the live publisher is not running", status_code=503)
    if shutdown.stopping():  # nginx passes a 503 of /api/events to the next process (proxy_next_upstream)
        return PlainTextResponse("this process is stopping", status_code=503,
                                 headers={"Retry-After": "1", "Cache-Control": "no-store"})
    gate, address = _gate, peer_address(request.scope)
    cap = gate.enter(address)
    if cap is not None:
        text = (f"too many streams from {address} (at most {gate.per_address})" if cap == "address"
                else f"too many streams (at most {gate.total})")
        return PlainTextResponse(text, status_code=503, headers={"Retry-After": str(STREAM_RETRY_SECONDS),
                                                                 "Cache-Control": "no-store"})
    last = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    return _GatedStream(_broadcast.frames(last), media_type="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
                        release=lambda: gate.leave(address))


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


async def meeting(request: Request) -> Response:
    """``GET /api/meeting``: the preliminary meeting's hall screen as HTML (what its script swaps in).

    Built once per data version, meeting state and language for the process; ETag and 304 as ``/api/projector``.
    """
    snap = shared_reader().current
    if snap is None:
        return _no_data()
    lang = "en" if request.query_params.get("lang") == "en" else "vi"
    state = meeting_now()
    screen = (meeting_screen.built(snap, state, lang)
              or await asyncio.to_thread(meeting_screen.live_part, snap, state, lang))
    return _entity(request, screen.html, screen.etag, "text/html; charset=utf-8", "no-cache")


async def live(request: Request) -> Response:
    """``GET /live``: the light live page, with the current document embedded (never blank)."""
    config = cluster_config()
    message = publisher().current
    lang = "en" if request.query_params.get("lang") == "en" else "vi"
    page = live_page(message.body.decode() if message else None, event_id=message.id if message else "",
                     title=config.name, year=config.year,
                     interval=config.refresh_seconds, lang=lang,
                     award_places=[(a.from_rank, a.to_rank) for a in config.awards],
                     award_names={a.name: a.name_en for a in config.awards if a.name_en},
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
    engine = shared_engine()
    feed = reader.feed
    rows = [
        ("thidua_shared_up", "gauge", "Redis: 1 answering, 0 away (degraded: each process on its own), -1 not used",
         -1 if engine is None else int(engine.healthy)),
        ("thidua_shared_failures_total", "counter", "Failed Redis calls", engine.failures if engine else 0),
        ("thidua_reader_holder", "gauge", "1 while this process holds the one reader's lease (Redis)",
         int(bool(getattr(feed, "holder", False)))),
        ("thidua_reader_sheet_reads_total", "counter", "Sheet reads made by this process (the rest via Redis)",
         getattr(feed, "sheet_reads", stats.reads)),
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
        ("thidua_sent_to_live_total", "counter", "Visitors sent to /live over max_sessions", redirected()),
        ("thidua_admissions_pending", "gauge", "Page loads let in whose websocket has not opened yet",
         admissions().pending()),
        ("thidua_websockets_open", "gauge", "Streamlit websockets open now", admissions().sockets),
        ("thidua_streams_open", "gauge", "/api/events streams admitted by the gate", _gate.open),
        ("thidua_streams_max", "gauge", "/api/events streams allowed in all", _gate.total),
        ("thidua_streams_max_per_address", "gauge", "/api/events streams allowed per address", _gate.per_address),
        ("thidua_streams_refused_total", "counter", "Streams refused: the process had max_streams",
         _gate.refused_total),
        ("thidua_streams_refused_per_address_total", "counter", "Streams refused: the address had its cap",
         _gate.refused_address),
        ("thidua_open_files_limit", "gauge", "The soft RLIMIT_NOFILE after start", _files.soft),
        ("thidua_open_files_hard_limit", "gauge", "The hard RLIMIT_NOFILE", _files.hard),
        ("thidua_open_files_at_start", "gauge", "The soft RLIMIT_NOFILE the process was started with",
         _files.raised_from),
        ("thidua_open_files", "gauge", "Descriptors open now", limits.open_files_now()),
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
    Route("/api/meeting", meeting),
    Route("/healthz", healthz),
    Route("/metrics", metrics),
]
