"""Choosing the source a cluster's configuration names (or a workbook given by hand)."""

from __future__ import annotations

from pathlib import Path

from lib.config import ClusterConfig
from lib.errors import Unavailable
from lib.sources import Source
from lib.sources.xlsx import XlsxSource


def open_source(config: ClusterConfig, workbook: str | Path | None = None) -> Source:
    """The local workbook at ``workbook`` if given, else the source in ``config``."""
    if workbook is not None:
        return XlsxSource(Path(workbook))
    if config.source.kind == "xlsx" and config.source.path is not None:
        return XlsxSource(config.source.path)
    raise Unavailable(f"nguồn dữ liệu {config.source.kind!r} chưa được hỗ trợ trong bản này")
