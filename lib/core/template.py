"""The empty workbook a cluster starts from: the contract's tabs with their headers.

Pure: the cluster config in, a ``RawWorkbook`` out; ``python -m lib init-sheet`` writes
it (or the demo data) into an empty Google Sheet or a new local .xlsx.
"""

from __future__ import annotations

from lib.core.config import ClusterConfig
from lib.core.grammar import HEADERS, LOG
from lib.core.model import RawWorkbook

TITLE = "Cụm thi đua: {name} — năm {year}"


def template_workbook(config: ClusterConfig) -> RawWorkbook:
    """Tabs TieuChi, TuCham, MinhChung, ThongNhat, NhatKy with headers and the members' columns."""
    title = [TITLE.format(name=config.name, year=config.year)]
    members = ["Mã", *(p.name for p in config.provinces)]
    criteria_header = [HEADERS[key][0] for key in ("code", "group", "criterion", "max", "kind", "note")]
    return {
        "TieuChi": [title, [], criteria_header],
        "TuCham": [title, [], members],
        "MinhChung": [title, [], members],
        "ThongNhat": [title, [], members],
        "NhatKy": [list(LOG.names[:7])],  # the change id column is added by the first save
    }


def is_blank(workbook: RawWorkbook) -> bool:
    """True when no tab holds any value (a new spreadsheet)."""
    return not any(
        cell not in (None, "") for rows in workbook.values() for row in rows for cell in row
    )
