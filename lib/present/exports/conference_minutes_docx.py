"""The draft minutes of the official session ("Biên bản Hội nghị chính thức"), as .docx.

The same administrative layout as the preliminary meeting's minutes (``minutes_docx``:
Nghị định 30/2020/NĐ-CP, A4, Times New Roman, the national title on the right), dated the
conference's day: the programme, the approved scores with the freeze fingerprint, the vote
results, the award proposals, next year's leader and deputy (proposal and vote), the covenant.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.document import Document as DocumentObject

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.model import DEPUTY, LEADER
from lib.core.nominations import outcome
from lib.present.exports.minutes_docx import (
    _CENTER,
    DOTS,
    _award_sentence,
    _setup,
    _signatures,
    grid,
    heading_table,
    long_date,
    order_paragraphs,
    para,
    place_name,
    vote_section,
)
from lib.present.formatting import rank_label, vn_number
from lib.present.wording import award_text, freeze_line, freeze_warning

POST_WORDS = {LEADER: "Cụm trưởng", DEPUTY: "Cụm phó"}


def conference_minutes_docx(evaluation: Evaluation, config: ClusterConfig, today: dt.date) -> bytes:
    """The official session's draft minutes as .docx bytes, dated the conference's day (``today`` when unset)."""
    doc = Document()
    _setup(doc, config)
    doc.core_properties.title = f"Biên bản Hội nghị chính thức (dự thảo) – {config.name} – năm {config.year}"
    leader = config.province(config.leader).name
    when = config.conference
    day = when.date() if when else today
    cluster = [(config.name.upper(), True, False, 13), ("Số: ……/BB-CTĐ", False, False, 13),
               ("DỰ THẢO", True, False, 13)]
    heading_table(doc, cluster, f"{place_name(config.conference_place, leader)}, {long_date(day)}")
    para(doc, "BIÊN BẢN HỘI NGHỊ", bold=True, align=_CENTER, after=0)
    para(doc, f"Tổng kết công tác thi đua, khen thưởng năm {config.year} và ký kết giao ước thi đua năm "
              f"{config.year + 1} của {config.name}", bold=True, align=_CENTER)
    if config.illustrative:
        para(doc, "(Số liệu minh họa, chờ Ban tổ chức xác nhận)", italic=True, align=_CENTER)
    para(doc, "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN THAM DỰ", bold=True)
    para(doc, "1. Thời gian: " + (f"{when:%H} giờ {when:%M} phút, {long_date(when.date())}." if when else DOTS),
         indent=True)
    para(doc, f"2. Địa điểm: {config.conference_place or DOTS}.", indent=True)
    para(doc, f"3. Thành phần tham dự: đại diện lãnh đạo Ban Thi đua - Khen thưởng Trung ương: {DOTS}; "
              f"lãnh đạo Ủy ban nhân dân và Ban Thi đua - Khen thưởng {len(config.provinces)} tỉnh trong Cụm: {DOTS}.",
         indent=True)
    para(doc, f"- Chủ trì: đại diện tỉnh {leader}, Trưởng Cụm thi đua năm {config.year}: {DOTS}", indent=True)
    para(doc, f"- Thư ký hội nghị: {DOTS}", indent=True)
    if config.agenda:
        para(doc, "II. CHƯƠNG TRÌNH HỘI NGHỊ", bold=True)
        for item in config.agenda:
            para(doc, f"- {item.time:%H} giờ {item.time:%M}: {item.title}.", indent=True, after=0)
        para(doc, after=0)
    para(doc, "III. NỘI DUNG, KẾT QUẢ HỘI NGHỊ", bold=True)
    _scores(doc, evaluation)
    _votes(doc, evaluation, config)
    para(doc, "3. Đề nghị khen thưởng", bold=True, indent=True)
    cluster = config.name if config.name.lower().startswith("cụm thi đua") else f"Cụm thi đua {config.name}"
    for award in config.awards:
        para(doc, _award_sentence(award, evaluation.standings, cluster, config.year), indent=True)
    _posts(doc, evaluation, config)
    para(doc, f"5. Ký kết giao ước thi đua năm {config.year + 1}", bold=True, indent=True)
    para(doc, f"Đại diện lãnh đạo {len(config.provinces)} tỉnh trong Cụm đã ký kết giao ước thi đua năm "
              f"{config.year + 1}: {DOTS}", indent=True)
    para(doc, "IV. XÁC NHẬN SỐ LIỆU", bold=True)
    para(doc, freeze_line(evaluation) + ".", indent=True, align=None)  # a 64-digit fingerprint: not justified
    if warning := freeze_warning(evaluation):
        para(doc, warning, italic=True, indent=True)
    para(doc, "Hội nghị kết thúc lúc …… giờ …… phút cùng ngày. Biên bản đã được đọc lại trước hội nghị "
              "và các đại biểu dự hội nghị thống nhất thông qua.", indent=True)
    _signatures(doc, config)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _scores(doc: DocumentObject, evaluation: Evaluation) -> None:
    para(doc, "1. Thông qua kết quả chấm điểm đã thống nhất tại Hội nghị trù bị", bold=True, indent=True)
    para(doc, f"Hội nghị thông qua kết quả chấm điểm, xếp hạng của {len(evaluation.standings)} tỉnh như sau:",
         indent=True)
    rows = [[rank_label(s), s.province.name, vn_number(s.agreed_total) + (" (tạm tính)" if s.provisional else ""),
             award_text(s)] for s in evaluation.standings]
    grid(doc, ["Hạng", "Tỉnh", "Điểm thống nhất", "Đề nghị khen thưởng"], rows, [22, 40, 35, 68])
    order_paragraphs(doc, evaluation)


def _votes(doc: DocumentObject, evaluation: Evaluation, config: ClusterConfig) -> None:
    vote_section(doc, evaluation, config, "2. Kết quả biểu quyết",
                 "Các tỉnh {names} đồng hạng {rank} ở ranh giới xét khen thưởng: "
                 "chưa có kết quả biểu quyết đạt đa số.")


def _posts(doc: DocumentObject, evaluation: Evaluation, config: ClusterConfig) -> None:
    year = config.year + 1
    province_names = {p.code: p.name for p in config.provinces}
    para(doc, f"4. Bầu Cụm trưởng, Cụm phó Cụm thi đua năm {year}", bold=True, indent=True)
    for post in (LEADER, DEPUTY):
        result = outcome(evaluation.sheet.nominations, post, config.vote_majority)
        word = POST_WORDS[post]
        if result.proposed is not None:
            para(doc, f"Hội nghị trù bị dự kiến {word} năm {year}: tỉnh {province_names[result.proposed]}.",
                 indent=True)
        election = result.election
        if election is None:
            para(doc, f"{word} năm {year}: {DOTS}", indent=True)
            continue
        tally = ", ".join(f"{province_names.get(c, c)} {n} phiếu" for c, n in election.votes)
        verdict = (f"tỉnh {province_names[result.elected]} được bầu làm {word} năm {year} "
                   f"({dict(election.votes)[result.elected]}/{election.present} đại biểu có mặt)"
                   if result.elected else "chưa ứng cử viên nào đạt đa số theo quy định, cần bầu lại")
        para(doc, f"Bầu {word}: có mặt {election.present}, số phiếu phát ra {election.ballots}; {tally}. "
                  f"Kết quả: {verdict}.", indent=True)
