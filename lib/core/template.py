"""The empty workbook a cluster starts from: the contract's tabs with their headers.

Pure: the cluster config in, a ``RawWorkbook`` out; ``python -m lib init-sheet`` writes
it (or the demo data) into an empty Google Sheet or a new local .xlsx.
"""

from __future__ import annotations

from lib.core.config import ClusterConfig
from lib.core.grammar import HEADERS, LOG, TEMPLATE_CRITERIA_HEADERS
from lib.core.model import RawWorkbook

TITLE = "Cụm thi đua: {name} — năm {year}"


def template_workbook(config: ClusterConfig) -> RawWorkbook:
    """Tabs TieuChi, TuCham, MinhChung, ThongNhat, KeHoach, KetQua, NhatKy with headers and the members' columns.

    ``TieuChi`` carries the optional ``Cách tính``/``Chiều``/``Hệ số`` columns (blank: typed
    scores); ``KeHoach``/``KetQua`` hold the targets and results of computed criteria.
    """
    title = [TITLE.format(name=config.name, year=config.year)]
    members = ["Mã", *(p.name for p in config.provinces)]
    criteria_header = [HEADERS[key][0] for key in TEMPLATE_CRITERIA_HEADERS]
    return {
        "TieuChi": [title, [], criteria_header],
        "TuCham": [title, [], members],
        "MinhChung": [title, [], members],
        "ThongNhat": [title, [], members],
        "KeHoach": [title, [], members],
        "KetQua": [title, [], members],
        "NhatKy": [list(LOG.names[:7])],  # the change id column is added by the first save
    }


def is_blank(workbook: RawWorkbook) -> bool:
    """True when no tab holds any value (a new spreadsheet)."""
    return not any(
        cell not in (None, "") for rows in workbook.values() for row in rows for cell in row
    )
