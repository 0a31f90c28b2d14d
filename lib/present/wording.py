"""How the screens and the exported papers say the same things: awards, votes, freezes.

Pure wording shared by ``lib.present.exports`` (Excel, Word, CSV) and ``lib.present.print_view``, so a
vote, an award that waits for one, or a freeze reads the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal

from lib.core.cells import parse_score
from lib.core.errors import CellParseError
from lib.core.evaluation import Evaluation
from lib.core.freeze import fingerprint, short
from lib.core.model import LogEntry, Standing, Vote
from lib.core.scoring import VOTE
from lib.core.text import fold
from lib.core.votes import vote_order
from lib.present.formatting import vn_score

PENDING = "chờ biểu quyết"
"""Said of an award that depends on a vote not yet held (``Standing.needs_vote``)."""
BY_VOTE = "theo kết quả biểu quyết"
"""Said of a place (and its award) that a recorded vote settled."""
NOT_FROZEN = "Chưa chốt kết quả"
MAJORITY_TEXT = {
    "more_than_half_present": "quá nửa số đại biểu có mặt",
    "two_thirds_present": "trên hai phần ba số đại biểu có mặt",
}
VOTE_CRITERION = "Biểu quyết"
"""The ``Mã`` the store writes in the change log for a recorded vote (not a score adjustment)."""


def award_note(standing: Standing) -> str:
    """``chờ biểu quyết`` when the award waits for a vote, ``theo kết quả biểu quyết`` when one settled it."""
    if standing.needs_vote:
        return PENDING
    return BY_VOTE if standing.decided_by == VOTE else ""


def award_text(standing: Standing) -> str:
    """The proposed award with its note, e.g. ``Bằng khen của Thủ tướng Chính phủ (chờ biểu quyết)``."""
    if standing.award is None:
        return ""
    note = award_note(standing)
    return f"{standing.award} ({note})" if note else standing.award


def status_notes(standing: Standing) -> list[str]:
    """What a reader must know about a place: vote pending or held, tie-break group, provisional."""
    notes = []
    if standing.needs_vote:
        notes.append(f"bằng điểm, {PENDING}")
    elif standing.decided_by == VOTE:
        notes.append(BY_VOTE)
    elif standing.decided_by:
        notes.append(f"phân định theo tổng điểm nhóm {standing.decided_by}")
    if standing.provisional:
        notes.append("tạm tính (còn tiêu chí chưa thống nhất)")
    return notes


def log_score(raw: str) -> Decimal | None:
    """The score written in a log cell (``"3.75"``, ``"9,5"``), or None when it is not one."""
    try:
        return parse_score(raw)
    except CellParseError:
        return None


def log_score_text(raw: str) -> str:
    """A log cell's score Vietnamese style (``3,75``), or the text as written when it is not a score.

    >>> log_score_text("3.75"), log_score_text("4"), log_score_text(""), log_score_text("Quảng Ngãi 12")
    ('3,75', '4,00', '', 'Quảng Ngãi 12')
    """
    value = log_score(raw)
    return raw if value is None else vn_score(value)


def is_vote_entry(entry: LogEntry) -> bool:
    """True for the log row the store writes when a vote is recorded."""
    return fold(entry.criterion) == fold(VOTE_CRITERION)


def adjustments(evaluation: Evaluation) -> list[LogEntry]:
    """The log rows that change a score (every row but the votes' own)."""
    return [e for e in evaluation.sheet.log if not is_vote_entry(e)]


def names(evaluation: Evaluation) -> dict[str, str]:
    """Province code → official name, for the provinces in the sheet."""
    return {p.code: p.name for p in evaluation.sheet.provinces}


def criterion_text(evaluation: Evaluation, code: str) -> str:
    """The criterion's text, or empty when the code is not in the sheet."""
    try:
        return evaluation.sheet.criterion(code).text
    except KeyError:
        return ""


def vote_outcome(vote: Vote, province_names: dict[str, str], majority: str) -> str:
    """What ``vote`` decided under the ``majority`` rule, in words."""
    order = vote_order(vote, majority)
    if order is None:
        return f"không tỉnh nào đạt {MAJORITY_TEXT.get(majority, majority)}; chưa phân định được thứ hạng"
    ranked = [province_names.get(code, code) for code in order]
    return f"{ranked[0]} xếp trên {', '.join(ranked[1:])} ({MAJORITY_TEXT.get(majority, majority)} tán thành)"


def vote_tally(vote: Vote, province_names: dict[str, str]) -> str:
    """``Quảng Ngãi: 15 phiếu; Khánh Hòa: 7 phiếu``."""
    return "; ".join(f"{province_names.get(code, code)}: {n} phiếu" for code, n in vote.votes)


def freeze_line(evaluation: Evaluation) -> str:
    """``Kết quả đã được chốt lúc … bởi …; mã kiểm tra: … (đầy đủ: …)``, or ``Chưa chốt kết quả``."""
    state = evaluation.freeze
    last = state.last
    if state.key_mismatch:
        return ("Không kiểm tra được bản chốt: khóa máy chủ khác với khóa đã ký bản chốt "
                f"({', '.join(state.unverified)}); không coi là đã mở chốt")
    if last is not None and state.broken:
        cells = ", ".join(c for b in state.breaks for c in b.cells)
        return (f"Kết quả đã được chốt lúc {last.time} bởi {last.user} (mã kiểm tra: {short(last.fingerprint)}) "
                f"NHƯNG BẢN CHỐT ĐÃ BỊ SỬA SAU KHI CHỐT, không còn khớp dấu vân tay đã ký: {cells}")
    if last is None or not state.frozen:
        reopened = f" (đã mở chốt lúc {last.time} bởi {last.user}: {last.reason})" if last else ""
        return NOT_FROZEN + reopened
    return (f"Kết quả đã được chốt lúc {last.time} bởi {last.user}; "
            f"mã kiểm tra: {short(last.fingerprint)} (đầy đủ: {last.fingerprint})")


def freeze_warning(evaluation: Evaluation) -> str:
    """A warning when the data differs from what was frozen (empty when it does not, or not frozen)."""
    state = evaluation.freeze
    if not state.frozen or state.last is None:
        return ""
    now = fingerprint(evaluation.sheet)
    if now == state.last.fingerprint:
        return ""
    changed = len(evaluation.frozen_differences)
    scores = f"{changed} điểm thống nhất đã thay đổi; " if changed else ""
    return (f"Lưu ý: sau khi chốt, {scores}dữ liệu hiện tại có mã kiểm tra {short(now)}, "
            "khác mã đã chốt (nhật ký có thêm dòng mới hoặc điểm đã sửa).")
