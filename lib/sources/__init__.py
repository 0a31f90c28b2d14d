"""Where the workbook lives: the ``Source`` protocol and its implementations.

A source reads every tab in one go (``read``) and writes cells and appends rows in one
go (``write``). Implementations: ``xlsx.XlsxSource`` (a local workbook) and, for the
shared Google Sheet, ``gsheet.GoogleSheetSource``. Tests may pass any object with the
same methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from lib.model import RawWorkbook


@dataclass(frozen=True)
class WriteBatch:
    """Cells to set and rows to append, applied together.

    ``cells`` maps (tab title, 1-based row, 1-based column) to the raw value to store;
    values are stored as given (text stays text, even ``=1+1``). ``appends`` maps a tab
    title to rows appended after its last non-empty row. ``new_tabs`` are created first
    when the workbook has no tab of that title (e.g. the freeze record on first use).
    """

    cells: Mapping[tuple[str, int, int], object] = field(default_factory=dict)
    appends: Mapping[str, Sequence[Sequence[object]]] = field(default_factory=dict)
    new_tabs: Sequence[str] = ()


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
