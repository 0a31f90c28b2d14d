"""Where the workbook lives: the ``Source`` protocol and its implementations.

A source reads every tab in one go (``read``) and writes cells and appends rows in one
go (``write``); ``locked(source)`` holds the write locks around a whole re-read, check and
write: the shared engine's fenced lock when ``[server] redis_url`` is set (``lib.edge.shared.lock``:
across processes and hosts), and the source's own (a local file's lock file; none for the Google
Sheet, so without Redis two processes on one Google Sheet are not safe).
Implementations: ``xlsx.XlsxSource`` (a local workbook) and, for the shared Google
Sheet, ``gsheet.GoogleSheetSource``. Tests may pass any object with the same methods.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Protocol

from lib.core.model import RawWorkbook, WriteBatch
from lib.edge import shared
from lib.edge.shared.lock import UNFENCED, Fence, write_lock

__all__ = ["Fence", "Source", "WriteBatch", "lock_name", "locked"]


class Source(Protocol):
    """A workbook that can be read whole and written in batches."""

    @property
    def label(self) -> str:
        """A short human description, e.g. the file path or the sheet's title."""
        ...

    def read(self) -> RawWorkbook:
        """Every tab as rows of cell values; raises ``SourceError`` subclasses."""
        ...

    def write(self, batch: WriteBatch) -> None:
        """Apply ``batch`` atomically; raises ``SourceError`` subclasses."""
        ...


@contextlib.contextmanager
def locked(source: object) -> Iterator[Fence]:
    """Hold the shared write lock (with Redis) and ``source.locked()`` (when it has one); yields the ``Fence``.

    The caller calls ``fence.confirm()`` right before writing (nothing to check without Redis).
    """
    hold = getattr(source, "locked", None)
    engine = shared.engine()
    with contextlib.ExitStack() as stack:
        fence = UNFENCED if engine is None else stack.enter_context(write_lock(engine, lock_name(source)))
        if callable(hold):
            stack.enter_context(hold())
        yield fence


def lock_name(source: object) -> str:
    """What names the workbook in the shared lock: a Google Sheet's key, else the source's label."""
    return str(getattr(source, "key", None) or getattr(source, "label", None) or type(source).__name__)
