"""The papers the leader's People's Committee sends after the session: the results report and the award proposal.

``results_report_docx``: "Báo cáo kết quả chấm điểm, xếp hạng thi đua" to the Central Emulation
Council and Board — the standings with self and agreed totals, the freeze fingerprint and when,
the votes that settled ties, who rose the most since last year (with ``[history]``), next year's
leader and deputy as elected. ``award_proposal_docx``: "Tờ trình đề nghị tặng Cờ thi đua …" —
for each award rule of the config, exactly the provinces whose place earns it, with total and rank.

Both refuse data that is not frozen (or differs from what was frozen) with ``NotFinal``, unless
``draft`` is asked for: a draft carries "DỰ THẢO" in the header of every page.
"""

from __future__ import annotations

import datetime as dt

from docx.document import Document as DocumentObject

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.history import Comparison, CriteriaChange
from lib.core.next_year import final_results, next_posts
from lib.core.scoring import VOTE
from lib.present.exports.admin_layout import (
    chairman_block,
    closing,
    cluster_name,
    finish,
    heading,
    new_paper,
    title,
)
from lib.present.exports.minutes_docx import grid, para, vote_section
from lib.present.formatting import rank_label, vn_number
from lib.present.history_view import criteria_words
from lib.present.wording import BY_VOTE, award_text, freeze_line

CENTRAL = ("Hội đồng Thi đua - Khen thưởng Trung ương", "Ban Thi đua - Khen thưởng Trung ương")


class NotFinal(Exception):
    """The results are not frozen (or differ from what was frozen): only a draft may be made."""


def _check(evaluation: Evaluation, draft: bool) -> None:
    if not draft and not final_results(evaluation):
        raise NotFinal(freeze_line(evaluation))


def _day(config: ClusterConfig, today: dt.date) -> dt.date:
    return config.conference.date() if config.conference else today


def results_report_docx(evaluation: Evaluation, config: ClusterConfig, today: dt.date, *, draft: bool = False,
                        history: Comparison | None = None, history_error: str = "") -> bytes:
    """The results report as .docx bytes (``NotFinal`` on unfrozen data unless ``draft``).

    ``history_error`` says why a configured ``[history]`` could not be read: the report then says so,
    never that no history was configured."""
    _check(evaluation, draft)
    cluster = cluster_name(config)
    doc = new_paper(config, f"Báo cáo kết quả thi đua năm {config.year} – {config.name}")
    heading(doc, config, "BC-UBND", _day(config, today), config.conference_place, draft)
    title(doc, "BÁO CÁO", f"Kết quả chấm điểm, xếp hạng thi đua năm {config.year} của {cluster}")
    para(doc, "Kính gửi: " + "; ".join(CENTRAL) + ".", align=None)
    para(doc, f"Thực hiện nhiệm vụ Trưởng {cluster[0].lower() + cluster[1:]} năm {config.year}, Ủy ban nhân dân "
              f"tỉnh {config.province(config.leader).name} báo cáo kết quả chấm điểm, xếp hạng thi đua của "
              f"{len(evaluation.standings)} tỉnh trong Cụm như sau:", indent=True)
    para(doc, "I. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG", bold=True)
    rows = [[rank_label(s), s.province.name, vn_number(s.self_total),
             vn_number(s.agreed_total) + (" (tạm tính)" if s.provisional else ""), award_text(s)]
            for s in evaluation.standings]
    grid(doc, ["Hạng", "Tỉnh", "Tự chấm", "Thống nhất", "Đề nghị khen thưởng"], rows, [22, 34, 22, 28, 59])
    para(doc, freeze_line(evaluation) + ".", indent=True, align=None)  # a 64-digit fingerprint: not justified
    vote_section(doc, evaluation, config, "II. KẾT QUẢ BIỂU QUYẾT CÁC TRƯỜNG HỢP BẰNG ĐIỂM",
                 "Các tỉnh {names} đồng hạng {rank} ở ranh giới xét khen thưởng: chưa có kết quả biểu quyết.")
    para(doc, "III. NHỮNG ĐỊA PHƯƠNG VƯƠN LÊN", bold=True)
    _rises(doc, evaluation, history, history_error)
    _posts(doc, evaluation, config)
    para(doc, "V. ĐỀ NGHỊ", bold=True)
    para(doc, f"Ủy ban nhân dân tỉnh {config.province(config.leader).name} đề nghị Hội đồng Thi đua - Khen "
              "thưởng Trung ương xem xét, trình Thủ tướng Chính phủ khen thưởng các tỉnh theo Tờ trình kèm theo.",
         indent=True)
    closing(doc, [*CENTRAL, "Ủy ban nhân dân các tỉnh trong Cụm", "Ban Thi đua - Khen thưởng các tỉnh trong Cụm",
                  "Lưu: VT"], chairman_block(config))
    return finish(doc, draft)


def _rises(doc: DocumentObject, evaluation: Evaluation, history: Comparison | None, error: str = "") -> None:
    if history is None:
        para(doc, f"Chưa so sánh được với năm trước: {error}." if error else
             "Không có số liệu năm trước trong cấu hình ([history]) để so sánh.", indent=True)
        return
    names = {s.code: s.province.name for s in evaluation.standings}
    risers = history.risers()
    if risers:
        para(doc, "Các tỉnh vươn lên mạnh nhất so với năm trước: " + "; ".join(
            f"tỉnh {names[b.code]} từ hạng {b.last_rank} lên hạng {b.last_rank - (b.change or 0)} "
            f"(tăng {b.change} bậc)" for b in risers) + ".", indent=True)
    else:
        para(doc, "Không có tỉnh nào tăng hạng so với năm trước.", indent=True)
    new = [names[code] for code in history.new()]
    if new:
        para(doc, "Tỉnh mới tham gia Cụm, không so sánh với năm trước: " + ", ".join(new) + ".", indent=True)
    if history.criteria.changed:
        para(doc, criteria_note(history.criteria) + "; tổng điểm hai năm không so sánh trực tiếp, chỉ so thứ hạng.",
             indent=True)


def criteria_note(change: CriteriaChange) -> str:
    """``Bộ tiêu chí khác năm trước: thêm …; bỏ …; đổi tên …; đổi điểm chuẩn …``."""
    return "Bộ tiêu chí khác năm trước: " + criteria_words(change)


def _posts(doc: DocumentObject, evaluation: Evaluation, config: ClusterConfig) -> None:
    year = config.year + 1
    para(doc, f"IV. CỤM TRƯỞNG, CỤM PHÓ NĂM {year}", bold=True)
    posts = next_posts(evaluation.sheet, config.vote_majority)
    for word, elected, proposed in (("Cụm trưởng", posts.leader, posts.leader_proposed),
                                    ("Cụm phó", posts.deputy, posts.deputy_proposed)):
        if elected:
            para(doc, f"{word} năm {year}: tỉnh {config.province(elected).name} (Hội nghị bầu).", indent=True)
        elif proposed:
            para(doc, f"{word} năm {year}: chưa có kết quả bầu; Hội nghị trù bị dự kiến tỉnh "
                      f"{config.province(proposed).name}.", indent=True)
        else:
            para(doc, f"{word} năm {year}: chưa có kết quả bầu.", indent=True)


def award_proposal_docx(evaluation: Evaluation, config: ClusterConfig, today: dt.date, *,
                        draft: bool = False) -> bytes:
    """The award proposal as .docx bytes: per award rule, the provinces whose place earns it."""
    _check(evaluation, draft)
    cluster = cluster_name(config)
    awards = " và ".join(a.name for a in config.awards) or "khen thưởng"
    doc = new_paper(config, f"Tờ trình đề nghị khen thưởng năm {config.year} – {config.name}")
    heading(doc, config, "TTr-UBND", _day(config, today), config.conference_place, draft)
    title(doc, "TỜ TRÌNH", f"Về việc đề nghị tặng {awards} năm {config.year} cho các tỉnh thuộc {cluster}")
    para(doc, f"Kính gửi: {CENTRAL[0]} (qua {CENTRAL[1]}).", align=None)
    para(doc, f"Căn cứ kết quả chấm điểm, bình xét thi đua năm {config.year} đã được Hội nghị {cluster} thống nhất, "
              f"Ủy ban nhân dân tỉnh {config.province(config.leader).name} (Trưởng Cụm) kính đề nghị:", indent=True)
    for number, award in enumerate(config.awards, start=1):
        para(doc, f"{number}. {award.name} (hạng {award.from_rank}"
                  f"{'' if award.from_rank == award.to_rank else f'–{award.to_rank}'})", bold=True, indent=True)
        holders = [s for s in evaluation.standings if s.award == award.name and s.award_final]
        if holders:
            grid(doc, ["TT", "Tỉnh", "Hạng", "Tổng điểm thống nhất"],
                 [[str(i), s.province.name + (f" ({BY_VOTE})" if s.decided_by == VOTE else ""), rank_label(s),
                   vn_number(s.agreed_total)] for i, s in enumerate(holders, start=1)], [12, 70, 30, 50])
        waiting = [s.province.name for s in evaluation.standings if s.award == award.name and s.needs_vote]
        if waiting:
            para(doc, f"Chờ biểu quyết (đồng hạng ở ranh giới xét khen thưởng): {', '.join(waiting)}.", indent=True)
        if not holders and not waiting:
            para(doc, "Không có tỉnh đủ điều kiện đề nghị.", indent=True)
    para(doc, freeze_line(evaluation) + ".", indent=True, align=None)  # a 64-digit fingerprint: not justified
    para(doc, "Kính trình Hội đồng Thi đua - Khen thưởng Trung ương xem xét, trình Thủ tướng Chính phủ quyết định.",
         indent=True)
    closing(doc, [*CENTRAL, "Các tỉnh trong Cụm", "Lưu: VT"], chairman_block(config))
    return finish(doc, draft)
