"""Last year's results (``[history]`` in the cluster TOML), read once per process and kept.

A finished year does not change, so the previous workbook (a local .xlsx or a Google Sheet)
is read the first time a screen or command asks and never again: the live refresh's read
budget is untouched. A read that fails is remembered too (the screens say so instead of
retrying at every rerun); ``forget`` drops what was kept (tests, or after fixing the file).
"""

from __future__ import annotations

import dataclasses
import threading

from lib.core.config import ClusterConfig, SourceSettings
from lib.core.errors import ConfigError, SourceError
from lib.core.evaluation import Evaluation, evaluate
from lib.core.history import Comparison, LastYear, compare, last_year
from lib.core.scoring import Rules
from lib.edge.sources.factory import open_source
from lib.edge.sources.xlsx import XlsxSource

_KEPT: dict[tuple[str, str], LastYear | str] = {}
_LOCK = threading.Lock()


def _place(config: ClusterConfig) -> tuple[str, str] | None:
    settings = config.history
    if settings is None:
        return None
    return str(config.file), str(settings.path) if settings.path else f"gsheet:{settings.key}"


def last_year_of(config: ClusterConfig) -> LastYear | str | None:
    """Last year's ranking, or why it could not be read (a sentence), or None without ``[history]``."""
    place = _place(config)
    if place is None or config.history is None:
        return None
    with _LOCK:  # one read even when many sessions start at once
        if place not in _KEPT:
            _KEPT[place] = _read(config)
        return _KEPT[place]


def _read(config: ClusterConfig) -> LastYear | str:
    settings = config.history
    assert settings is not None
    this_year = config.source.path if config.source.kind == "xlsx" else None
    if (settings.path is not None and this_year is not None and settings.path.resolve() == this_year.resolve()) or (
            settings.key and settings.key == config.source.key):
        return "[history] chỉ tới chính bảng tính năm nay, không phải năm trước: sửa đường dẫn hoặc khóa"
    try:
        if settings.path is not None:
            raw, label = XlsxSource(settings.path).read(), settings.path.name
        else:
            remote = dataclasses.replace(config, source=SourceSettings("gsheet", key=settings.key))
            raw, label = open_source(remote).read(), f"Google Sheet {settings.key}"
    except (SourceError, ConfigError, OSError) as exc:
        return " ".join(str(exc).split())
    sheet = evaluate(raw, config).sheet
    return last_year(sheet, Rules.from_config(config), label)


def comparison_for(config: ClusterConfig, evaluation: Evaluation) -> tuple[Comparison | None, str]:
    """This year's standings beside last year's, and the reason when last year could not be read."""
    found = last_year_of(config)
    if found is None:
        return None, ""
    if isinstance(found, str):
        return None, found
    now = {s.code: (s.rank, s.agreed_total) for s in evaluation.standings}
    if found.ranks and {code: (past.rank, past.agreed_total) for code, past in found.ranks.items()} == now:
        # every place and total the same to the hundredth: a copy of this year's workbook, not last year's
        return None, f"[history] ({found.label}) cho đúng thứ hạng và tổng điểm năm nay: không phải kết quả năm trước"
    return compare(found, evaluation.standings, evaluation.sheet.criteria), ""


def forget() -> None:
    """Drop every kept year (the next call reads again)."""
    with _LOCK:
        _KEPT.clear()
