"""Next year's emulation covenant ("Giao ước thi đua năm …"), as .docx, for the members to sign.

The criteria table (code, group, text, maximum, kind, method) is next year's as
``lib.core.next_year.next_criteria`` found it (the ``TieuChiNamSau`` draft, else this year's);
below it a signature block for the chairman of each member's People's Committee, two to a row.
Same administrative layout as the other papers (``admin_layout``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from docx.document import Document as DocumentObject

from lib.core.config import ClusterConfig
from lib.core.model import Criterion, Kind
from lib.present.exports.admin_layout import cluster_name, finish, heading, new_paper, title
from lib.present.exports.minutes_docx import _CENTER, DOTS, _cell_lines, grid, para
from lib.present.formatting import vn_number, vn_score

TYPED = "chấm trực tiếp"
"""The method column's words for a criterion scored by hand."""


def covenant_docx(criteria: Sequence[Criterion], config: ClusterConfig, today: dt.date, *,
                  draft: bool = False) -> bytes:
    """The covenant of ``config.year + 1`` over ``criteria`` as .docx bytes ("DỰ THẢO" on every page if ``draft``)."""
    year = config.year + 1
    cluster = cluster_name(config)
    doc = new_paper(config, f"Giao ước thi đua năm {year} – {config.name}")
    day = config.conference.date() if config.conference else today
    heading(doc, config, "GU-CTĐ", day, config.conference_place, draft, body=[cluster.upper()])
    title(doc, "GIAO ƯỚC THI ĐUA", f"Năm {year} giữa các tỉnh thuộc {cluster}")
    para(doc, f"Căn cứ Luật Thi đua, khen thưởng và kết quả Hội nghị tổng kết công tác thi đua, khen thưởng năm "
              f"{config.year} của Cụm, Ủy ban nhân dân {len(config.provinces)} tỉnh thành viên thống nhất ký kết "
              f"giao ước thi đua năm {year} với các tiêu chí chấm điểm sau:", indent=True)
    rows = [[c.code, c.group, c.text, vn_score(c.max_points), c.kind.value,
             c.method.value if c.method else TYPED] for c in criteria]
    grid(doc, ["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Cách tính"], rows, [14, 34, 60, 17, 17, 23])
    standard = sum((c.max_points for c in criteria if c.kind is Kind.STANDARD), start=Decimal(0))
    para(doc, f"Tổng điểm chuẩn: {vn_number(standard)} điểm ({len(criteria)} tiêu chí). Kết quả chấm điểm là căn "
              f"cứ bình xét, đề nghị khen thưởng năm {year}.", indent=True)
    para(doc, f"Giao ước được lập thành {len(config.provinces)} bản, mỗi tỉnh giữ một bản có giá trị như nhau.",
         indent=True)
    _signatures(doc, config)
    return finish(doc, draft)


def _signatures(doc: DocumentObject, config: ClusterConfig) -> None:
    """Two chairmen to a row, in the config's order of the members."""
    para(doc, "ĐẠI DIỆN ỦY BAN NHÂN DÂN CÁC TỈNH KÝ KẾT", bold=True, align=_CENTER, after=0)
    members = list(config.provinces)
    table = doc.add_table(rows=(len(members) + 1) // 2, cols=2)
    for i, province in enumerate(members):
        _cell_lines(table.cell(i // 2, i % 2), [
            (f"TM. ỦY BAN NHÂN DÂN TỈNH {province.name.upper()}", True, False, 13), ("CHỦ TỊCH", True, False, 13),
            ("(Ký, ghi rõ họ tên, đóng dấu)", False, True, 13), *[("", False, False, 13)] * 3,
            (DOTS, False, False, 13), ("", False, False, 13)])
