"""The graceful stop: on SIGTERM every live stream is told to reconnect elsewhere, and the process exits.

``streamlit run serve.py`` serves ``st.App`` with uvicorn. On SIGTERM (or SIGINT) uvicorn closes its
listening socket, asks each connection to close once its response is done, and waits for all of them
before the lifespan's shutdown. An ``/api/events`` response is never done by itself, so one open
stream kept the process alive until the kill (30 s and more), and the phones were never told.

``install`` (called by the lifespan's start: on the main thread, after uvicorn set its handlers)
puts a handler in front of uvicorn's. It marks the process as stopping (``/api/events`` refuses new
streams with a 503, which nginx's ``proxy_next_upstream http_503`` passes to the next process),
closes the broadcast (every stream sends ``event: bye`` with a short ``retry`` and ends; the pages
reconnect at once), and after ``GRACE_SECONDS`` cancels the streams still open (a client that
stopped reading), so the process exits within a few seconds however many streams were open.

The outbox needs nothing here: a change set is queued in the host's SQLite database before the
sheet is touched (``lib.edge.outbox``), so whatever is pending at the stop stays there and the next
process's drainer (another process on the host, or this one restarted) writes it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

GRACE_SECONDS = 3.0  # after the farewell, streams still open are cancelled
_stopping = False
_streams: set[asyncio.Task] = set()
_log = logging.getLogger(__name__)


def stopping() -> bool:
    """Whether the process received its stop signal (new streams are refused from then on)."""
    return _stopping


def track(task: asyncio.Task) -> Callable[[], None]:
    """Count ``task`` (one stream's response) among those to cancel after the grace; returns its release."""
    _streams.add(task)
    return lambda: _streams.discard(task)


def install(loop: asyncio.AbstractEventLoop, farewell: Callable[[], None]) -> bool:
    """Chain the stop handler before the server's own SIGTERM and SIGINT handlers.

    ``farewell`` runs on ``loop`` when the signal comes (it closes the broadcast). Nothing is
    installed off the main thread or where no server handler is set (the server then owns the
    signals, or nobody does): returns whether it was installed.
    """
    if threading.current_thread() is not threading.main_thread():
        return False
    installed = False
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue
        signal.signal(sig, _handler(loop, farewell, previous))
        installed = True
    return installed


def _handler(loop: asyncio.AbstractEventLoop, farewell: Callable[[], None],
             previous: Callable[[int, FrameType | None], object]) -> Callable[[int, FrameType | None], None]:
    def handle(sig: int, frame: FrameType | None) -> None:
        global _stopping
        if not _stopping:
            _stopping = True
            # a signal handler runs between two bytecodes of the loop's own thread: only schedule
            loop.call_soon_threadsafe(_begin, loop, farewell)
        previous(sig, frame)

    return handle


def _begin(loop: asyncio.AbstractEventLoop, farewell: Callable[[], None]) -> None:
    _log.warning("stopping: telling %d stream(s) to reconnect elsewhere", len(_streams))
    try:
        farewell()
    finally:
        loop.call_later(GRACE_SECONDS, _cancel_the_rest)


def _cancel_the_rest() -> None:
    if _streams:
        _log.warning("stopping: %d stream(s) still open after %.0f s are cancelled", len(_streams), GRACE_SECONDS)
    for task in list(_streams):
        task.cancel()
