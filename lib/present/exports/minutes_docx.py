"""The draft minutes of the preliminary meeting ("Biên bản hội nghị trù bị"), as .docx.

Laid out the way Vietnamese administrative documents are (Nghị định 30/2020/NĐ-CP):
A4, margins 20/20/30/15 mm, Times New Roman 14 for the text and 13 for the header block
and tables; the national title and motto on the right, the issuing body on the left; the
place-and-date line ``Quảng Ngãi, ngày 12 tháng 3 năm 2020`` (days below 10 and months
below 3 written with a leading zero); signatures of the cluster's leader and deputy.
The blanks a secretary fills in by hand (attendees, closing time) are dotted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from lib.core.config import Award, ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.margins import margins
from lib.core.model import Standing
from lib.core.scoring import VOTE
from lib.present.formatting import rank_label, vn_number
from lib.present.order_text import order_sentences
from lib.present.status import margin_text
from lib.present.wording import (
    BY_VOTE,
    adjustments,
    award_text,
    criterion_text,
    freeze_line,
    freeze_warning,
    log_score_text,
    names,
    vote_outcome,
    vote_tally,
)
from lib.present.working import working_text

FONT = "Times New Roman"
DOTS = "……………………………"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CENTER, _RIGHT, _JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY


def long_date(day: dt.date) -> str:
    """``ngày 12 tháng 3 năm 2020``; a leading zero for days below 10 and months below 3.

    >>> long_date(dt.date(2020, 3, 12)), long_date(dt.date(2020, 2, 5)), long_date(dt.date(2020, 11, 9))
    ('ngày 12 tháng 3 năm 2020', 'ngày 05 tháng 02 năm 2020', 'ngày 09 tháng 11 năm 2020')
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(place: str, fallback: str) -> str:
    """The place name of the date line: the province part of ``place``, without ``tỉnh``/``thành phố``.

    >>> place_name("Thành phố Quảng Ngãi, tỉnh Quảng Ngãi", "X"), place_name("", "Quảng Ngãi")
    ('Quảng Ngãi', 'Quảng Ngãi')
    """
    last = place.split(",")[-1].strip()
    name = re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", last, flags=re.IGNORECASE).strip()
    return name or fallback


def para(where: DocumentObject | _Cell, text: str = "", *, bold: bool = False, italic: bool = False,
         size: int = 14, align: int | None = _JUSTIFY, indent: bool = False, after: int = 6) -> Paragraph:
    """Add a paragraph of one run; text XML cannot hold is dropped."""
    paragraph = where.add_paragraph()
    run = paragraph.add_run(_NOT_XML.sub("", text))
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


def _cell_lines(cell: _Cell, lines: list[tuple[str, bool, bool, int]]) -> None:
    """Fill a cell with centred lines of (text, bold, italic, size)."""
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    for text, bold, italic, size in lines:
        para(cell, text, bold=bold, italic=italic, size=size, align=_CENTER, after=0)


def fix_widths(table: Table, widths_mm: Sequence[int]) -> Table:
    """Give ``table`` fixed column widths that Word and LibreOffice both keep.

    Word reads each cell's width; LibreOffice reads the table grid and lays out an autofit table
    itself (equal columns: a criterion's text wrapped one word a line), so both are set.
    """
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    return table


HEADING_WIDTHS = (64, 101)
"""The heading table's two columns (mm, 165 in all): the national title fits on one line at 12 pt."""


def heading_table(doc: DocumentObject, left: list[tuple[str, bool, bool, int]], place_and_date: str) -> None:
    """The administrative heading (Decree 30/2020): the issuing body's ``left`` lines, the national title
    and motto and ``place_and_date`` on the right, in fixed columns; an empty line after it."""
    head = fix_widths(doc.add_table(rows=1, cols=2), HEADING_WIDTHS)
    _cell_lines(head.cell(0, 0), left)
    _cell_lines(head.cell(0, 1), [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 12),  # 12–13 pt (Decree 30)
                                  ("Độc lập - Tự do - Hạnh phúc", True, False, 14),
                                  (place_and_date, False, True, 14)])
    para(doc, after=0)


def grid(doc: DocumentObject, headers: list[str], rows: list[list[str]], widths_mm: list[int]) -> Table:
    """A bordered table, 13 pt, header row bold and repeated on each page."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for values, bold in [(headers, True), *((r, False) for r in rows)]:
        cells = table.rows[0].cells if bold else table.add_row().cells
        for cell, value, width in zip(cells, values, widths_mm, strict=True):
            cell.width = Mm(width)
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
            run = cell.paragraphs[0].add_run(_NOT_XML.sub("", value))
            run.bold, run.font.size = bold, Pt(13)
            if bold:
                cell.paragraphs[0].alignment = _CENTER
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    fix_widths(table, widths_mm)
    para(doc, after=0)
    return table


def _setup(doc: DocumentObject, config: ClusterConfig) -> None:
    doc.core_properties.title = f"Biên bản hội nghị trù bị (dự thảo) – {config.name} – năm {config.year}"
    doc.core_properties.author, doc.core_properties.language = config.name, "vi-VN"
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def minutes_docx(evaluation: Evaluation, config: ClusterConfig, today: dt.date) -> bytes:
    """The draft minutes as .docx bytes, dated the preliminary meeting's day (``today`` when unset)."""
    doc = Document()
    _setup(doc, config)
    leader = config.province(config.leader).name
    day = config.preliminary.date() if config.preliminary else today
    cluster = [(config.name.upper(), True, False, 13), ("Số: ……/BB-CTĐ", False, False, 13),
               ("DỰ THẢO", True, False, 13)]
    heading_table(doc, cluster, f"{place_name(config.preliminary_place, leader)}, {long_date(day)}")
    para(doc, "BIÊN BẢN HỘI NGHỊ TRÙ BỊ", bold=True, align=_CENTER, after=0)
    para(doc, f"Thống nhất kết quả chấm điểm, bình xét thi đua năm {config.year} của {config.name}",
         bold=True, align=_CENTER)
    if config.illustrative:
        para(doc, "(Số liệu minh họa, chờ Ban tổ chức xác nhận)", italic=True, align=_CENTER)
    when = config.preliminary
    para(doc, "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN THAM DỰ", bold=True)
    para(doc, "1. Thời gian: " + (f"{when:%H} giờ {when:%M} phút, {long_date(when.date())}." if when else DOTS),
         indent=True)
    para(doc, f"2. Địa điểm: {config.preliminary_place or DOTS}.", indent=True)
    para(doc, "3. Thành phần tham dự: …", indent=True)
    para(doc, f"- Chủ trì: đại diện tỉnh {leader}, Trưởng Cụm thi đua: {DOTS}", indent=True)
    if config.deputy:
        para(doc, f"- Đại diện tỉnh {config.province(config.deputy).name}, Phó Trưởng Cụm: {DOTS}", indent=True)
    para(doc, "- Đại diện Ban Thi đua - Khen thưởng các tỉnh trong Cụm:", indent=True)
    for province in config.provinces:
        para(doc, f"+ Tỉnh {province.name}: {DOTS}", indent=True, after=0)
    para(doc, f"- Đại diện Ban Thi đua - Khen thưởng Trung ương: {DOTS}", indent=True)
    para(doc, f"- Thư ký hội nghị: {DOTS}", indent=True)
    _content(doc, evaluation, config)
    _awards(doc, evaluation, config)
    para(doc, "IV. XÁC NHẬN SỐ LIỆU", bold=True)
    para(doc, freeze_line(evaluation) + ".", indent=True, align=None)  # a 64-digit fingerprint: not justified
    if warning := freeze_warning(evaluation):
        para(doc, warning, italic=True, indent=True)
    para(doc, "Hội nghị kết thúc lúc …… giờ …… phút cùng ngày. Biên bản đã được đọc lại trước hội nghị "
              "và các thành viên dự hội nghị thống nhất thông qua.", indent=True)
    _signatures(doc, config)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _content(doc: DocumentObject, evaluation: Evaluation, config: ClusterConfig) -> None:
    province_names = names(evaluation)
    para(doc, "II. NỘI DUNG", bold=True)
    para(doc, f"Hội nghị đã xem xét bảng tự chấm điểm và tài liệu minh chứng của {len(evaluation.standings)} tỉnh, "
              "thảo luận và thống nhất như sau:", indent=True)
    changes = adjustments(evaluation)
    para(doc, "1. Điều chỉnh điểm tự chấm", bold=True, indent=True)
    if changes:
        para(doc, f"Hội nghị thống nhất điều chỉnh {len(changes)} điểm, cụ thể:", indent=True)
        rows = [[str(i), e.province, " ".join(filter(None, (e.criterion, criterion_text(evaluation, e.criterion)))),
                 log_score_text(e.old), log_score_text(e.new), e.reason] for i, e in enumerate(changes, start=1)]
        grid(doc, ["TT", "Tỉnh", "Tiêu chí", "Điểm cũ", "Điểm mới", "Lý do"], rows, [10, 26, 50, 16, 16, 47])
    else:
        para(doc, "Hội nghị thống nhất giữ nguyên điểm tự chấm của các tỉnh.", indent=True)
    _computed(doc, evaluation, province_names)
    para(doc, "2. Kết quả chấm điểm, xếp hạng đã thống nhất", bold=True, indent=True)
    rows = [[rank_label(s), s.province.name, vn_number(s.self_total),
             vn_number(s.agreed_total) + (" (tạm tính)" if s.provisional else ""), award_text(s),
             margin_text(m, s.award is not None)]
            for s, m in zip(evaluation.standings, margins(evaluation.standings, config.awards), strict=True)]
    grid(doc, ["Hạng", "Tỉnh", "Tự chấm", "Thống nhất", "Đề nghị khen thưởng", "Khoảng cách tới vạch giải"], rows,
         [20, 28, 18, 22, 45, 32])
    order_paragraphs(doc, evaluation)
    vote_section(doc, evaluation, config, "3. Kết quả biểu quyết",
                 "Các tỉnh {names} đồng hạng {rank}, bằng điểm ở ranh giới xét khen thưởng, "
                 "chưa phân định được theo các tiêu chí phụ: chờ biểu quyết.")


def order_paragraphs(doc: DocumentObject, evaluation: Evaluation) -> None:
    """One sentence under the standings for each pair of places that show the same total: what parted them."""
    for sentence in order_sentences(evaluation.standings, names(evaluation)):
        para(doc, sentence, indent=True)


def vote_section(doc: DocumentObject, evaluation: Evaluation, config: ClusterConfig, heading: str,
                 pending_tie: str) -> None:
    """The votes recorded, then each tie still awaiting one (``pending_tie`` with ``{names}``, ``{rank}``)."""
    province_names = names(evaluation)
    para(doc, heading, bold=True, indent=True)
    for vote in evaluation.sheet.votes:
        para(doc, f"Biểu quyết {vote.id} ({vote.time}): có mặt {vote.present}, số phiếu phát ra {vote.ballots}; "
                  f"{vote_tally(vote, province_names)}. Kết quả: "
                  f"{vote_outcome(vote, province_names, config.vote_majority)}.", indent=True)
    pending = _ties(evaluation.standings)
    for tie in pending:
        para(doc, pending_tie.format(names=_names(tie), rank=tie[0].rank), indent=True)
    if not evaluation.sheet.votes and not pending:
        para(doc, "Không có trường hợp phải biểu quyết.", indent=True)


def _computed(doc: DocumentObject, evaluation: Evaluation, province_names: dict[str, str]) -> None:
    """The criteria computed from targets and results, and each self-score that differs, with the working."""
    sheet = evaluation.sheet
    computed = [c for c in sheet.criteria if c.computed]
    if not computed:
        return
    para(doc, "Các tiêu chí tính điểm theo chỉ tiêu kế hoạch và kết quả thực hiện: "
              + ", ".join(f"{c.code} ({c.text})" for c in computed) + ".", indent=True)
    differing = [(key, own) for key, own in sheet.self_scores.items()
                 if key in sheet.computed and abs(own - sheet.computed[key]) >= Decimal("0.01")]
    if differing:
        para(doc, "Điểm tự chấm khác điểm tính theo chỉ tiêu:", indent=True)
        rows = [[str(i), province_names.get(p, p), code, vn_number(own), vn_number(sheet.computed[(code, p)]),
                 working_text(sheet.workings[(code, p)], province_names)]
                for i, ((code, p), own) in enumerate(sorted(differing), start=1)]
        grid(doc, ["TT", "Tỉnh", "Tiêu chí", "Tự chấm", "Tính theo chỉ tiêu", "Cách tính"], rows,
             [10, 26, 16, 18, 20, 75])


def _ties(standings: tuple[Standing, ...]) -> list[list[Standing]]:
    """The ties that still need a vote, each a list of the tied provinces."""
    groups: dict[int, list[Standing]] = {}
    for s in standings:
        if s.needs_vote:
            groups.setdefault(s.rank, []).append(s)
    return list(groups.values())


def _names(standings: list[Standing]) -> str:
    """``A``, ``A và B``, ``A, B và C``."""
    found = [s.province.name for s in standings]
    return found[0] if len(found) == 1 else ", ".join(found[:-1]) + " và " + found[-1]


def _awards(doc: DocumentObject, evaluation: Evaluation, config: ClusterConfig) -> None:
    para(doc, "III. ĐỀ NGHỊ KHEN THƯỞNG", bold=True)
    cluster = config.name if config.name.lower().startswith("cụm thi đua") else f"Cụm thi đua {config.name}"
    for award in config.awards:
        para(doc, _award_sentence(award, evaluation.standings, cluster, config.year), indent=True)


def _award_sentence(award: Award, standings: tuple[Standing, ...], cluster: str, year: int) -> str:
    """One award: who is proposed, and which places still wait for a vote."""
    authority = "Thủ tướng Chính phủ" if "chính phủ" in award.name.lower() else "cấp có thẩm quyền"
    final = [s for s in standings if s.award == award.name and not s.needs_vote]
    waiting = []
    for tie in _ties(standings):
        places = set(range(tie[0].rank, tie[0].rank + len(tie))) & set(range(award.from_rank, award.to_rank + 1))
        if places:
            waiting.append(f"{len(places)} trong số các tỉnh {_names(tie)} (đồng hạng {tie[0].rank}, chờ biểu quyết)")
    voted = " (" + BY_VOTE + ")"
    if award.from_rank == award.to_rank == 1 and final:
        leader = final[0]
        return (f"Đề nghị {authority} tặng {award.name} cho tỉnh {leader.province.name}, đơn vị dẫn đầu {cluster} "
                f"năm {year}{voted if leader.decided_by == VOTE else ''}.")
    if not final and not waiting:
        return f"{award.name}: không có tỉnh đủ điều kiện đề nghị."
    named = [f"{s.province.name}{voted if s.decided_by == VOTE else ''}" for s in final]
    parts = ([f"{len(final)} tỉnh: {', '.join(named)}"] if final else []) + waiting
    return f"Đề nghị {authority} tặng {award.name} cho " + "; và ".join(parts) + "."


def _signatures(doc: DocumentObject, config: ClusterConfig) -> None:
    para(doc, after=0)
    table = doc.add_table(rows=1, cols=2)
    signers = [("TM. PHÓ TRƯỞNG CỤM", config.deputy), ("TM. TRƯỞNG CỤM", config.leader)]
    for cell, (title, code) in zip(table.rows[0].cells, signers, strict=True):
        if code is None:
            continue
        _cell_lines(cell, [(title, True, False, 13), (f"Đại diện tỉnh {config.province(code).name}", False, True, 13),
                           ("(Ký, ghi rõ họ tên, chức vụ)", False, True, 13), *[("", False, False, 13)] * 3,
                           (DOTS, False, False, 13)])
