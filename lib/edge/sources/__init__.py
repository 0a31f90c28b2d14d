"""Where the workbook lives: the ``Source`` protocol and its implementations.

A source reads every tab in one go (``read``) and writes cells and appends rows in one
go (``write``). Implementations: ``xlsx.XlsxSource`` (a local workbook) and, for the
shared Google Sheet, ``gsheet.GoogleSheetSource``. Tests may pass any object with the
same methods.
"""

from __future__ import annotations

from typing import Protocol

from lib.core.model import RawWorkbook, WriteBatch

__all__ = ["Source", "WriteBatch"]


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
