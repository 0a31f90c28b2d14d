"""Where the workbook lives: the ``Source`` protocol and its implementations.

A source reads every tab in one go (``read``) and writes cells and appends rows in one
go (``write``); ``locked()`` holds the source's cross-process write lock around a whole
re-read, check and write (a local file), or does nothing where the remote has none.
Implementations: ``xlsx.XlsxSource`` (a local workbook) and, for the shared Google
Sheet, ``gsheet.GoogleSheetSource``. Tests may pass any object with the same methods.
"""

from __future__ import annotations

import contextlib
from typing import Protocol

from lib.core.model import RawWorkbook, WriteBatch

__all__ = ["Source", "WriteBatch", "locked"]


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


def locked(source: object) -> contextlib.AbstractContextManager[object]:
    """``source.locked()`` when the source has one, else nothing to hold."""
    hold = getattr(source, "locked", None)
    return hold() if callable(hold) else contextlib.nullcontext()
