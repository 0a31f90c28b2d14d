"""The UI text catalogue: Vietnamese first, English as the alternative.

Pages never write UI strings inline; they ask ``t(key)`` so that the language switch
covers everything and the wording lives in one place.
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")

CATALOGUE: dict[str, dict[str, str]] = {
    "app.title": {"vi": "Chấm điểm thi đua cụm", "en": "Cluster emulation scoring"},
    "page.ranking": {"vi": "Bảng xếp hạng", "en": "Ranking"},
    "page.scores": {"vi": "Bảng điểm", "en": "Scores"},
    "illustrative": {
        "vi": "DỮ LIỆU MINH HỌA — không phải số liệu chính thức",
        "en": "ILLUSTRATIVE DATA — not official figures",
    },
    "year": {"vi": "Năm {year}", "en": "Year {year}"},
    "meeting.preliminary": {"vi": "Hội nghị trù bị: {when}", "en": "Preliminary meeting: {when}"},
    "meeting.conference": {"vi": "Hội nghị chính thức: {when}", "en": "Official conference: {when}"},
    "col.rank": {"vi": "Hạng", "en": "Rank"},
    "col.code": {"vi": "Mã", "en": "Code"},
    "col.province": {"vi": "Tỉnh", "en": "Province"},
    "col.self": {"vi": "Tự chấm", "en": "Self-score"},
    "col.agreed": {"vi": "Thống nhất", "en": "Agreed"},
    "col.diff": {"vi": "Chênh lệch", "en": "Difference"},
    "col.status": {"vi": "Trạng thái", "en": "Status"},
    "col.award": {"vi": "Đề nghị khen thưởng", "en": "Proposed award"},
    "col.group": {"vi": "Nhóm", "en": "Group"},
    "col.criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "col.max": {"vi": "Điểm chuẩn", "en": "Max"},
    "col.kind": {"vi": "Loại", "en": "Kind"},
    "col.evidence": {"vi": "Minh chứng", "en": "Evidence"},
    "col.severity": {"vi": "Mức", "en": "Severity"},
    "col.cell": {"vi": "Ô", "en": "Cell"},
    "col.message": {"vi": "Nội dung", "en": "Message"},
    "col.total": {"vi": "Tổng", "en": "Total"},
    "rank.shared": {"vi": "Đồng hạng", "en": "Tied"},
    "status.provisional": {"vi": "Tạm tính", "en": "Provisional"},
    "status.agreed": {"vi": "Đã thống nhất", "en": "Agreed"},
    "status.needs_vote": {"vi": "Cần biểu quyết", "en": "Needs a vote"},
    "status.decided_by": {"vi": "hơn nhờ {group}", "en": "ahead on {group}"},
    "kind.standard": {"vi": "chuẩn", "en": "standard"},
    "kind.bonus": {"vi": "thưởng", "en": "bonus"},
    "kind.penalty": {"vi": "trừ", "en": "penalty"},
    "severity.error": {"vi": "Lỗi", "en": "Error"},
    "severity.warning": {"vi": "Cảnh báo", "en": "Warning"},
    "chart.total": {"vi": "Tổng điểm", "en": "Total score"},
    "chart.no_award": {"vi": "Không đề nghị", "en": "No award"},
    "chart.provisional_note": {"vi": "sọc chéo = tạm tính", "en": "hatched = provisional"},
    "problems.count": {
        "vi": "Bảng tính có {errors} lỗi và {warnings} cảnh báo",
        "en": "The workbook has {errors} errors and {warnings} warnings",
    },
    "problems.none": {"vi": "Bảng tính không có lỗi", "en": "The workbook has no problems"},
    "problems.see": {"vi": "Xem danh sách lỗi ở Bảng điểm", "en": "See the list on the Scores page"},
    "problems.title": {"vi": "Các vấn đề trong bảng tính", "en": "Problems in the workbook"},
    "ranking.provisional": {
        "vi": "Tạm tính: còn {count} tỉnh có điểm chưa thống nhất (lấy điểm tự chấm thay thế)",
        "en": "Provisional: {count} provinces still have scores not agreed (self-scores stand in)",
    },
    "ranking.vote": {
        "vi": "Bằng điểm chưa phân định ở ranh giới khen thưởng: {names} — cần biểu quyết",
        "en": "Unbroken tie on an award line: {names} — needs a vote",
    },
    "ranking.as_of": {"vi": "Dữ liệu lúc {time}", "en": "Data as of {time}"},
    "stale.banner": {
        "vi": "Dữ liệu lúc {time} — đang mất kết nối, đang thử lại",
        "en": "Data as of {time} — connection lost, retrying",
    },
    "scores.matrix": {"vi": "Tổng điểm theo nhóm: tự chấm → thống nhất", "en": "Group subtotals: self → agreed"},
    "scores.matrix_help": {
        "vi": "Mỗi ô: điểm thống nhất (tự chấm). Ô tô màu là nhóm có điều chỉnh.",
        "en": "Each cell: agreed (self-score). Coloured cells were adjusted.",
    },
    "scores.pick": {"vi": "Chọn tỉnh", "en": "Choose a province"},
    "scores.detail": {"vi": "Chi tiết tiêu chí — {name}", "en": "Criteria — {name}"},
    "scores.not_agreed": {"vi": "chưa thống nhất", "en": "not agreed"},
    "scores.missing": {"vi": "chưa có", "en": "missing"},
    "error.config": {"vi": "Cấu hình cụm không hợp lệ", "en": "The cluster configuration is invalid"},
    "error.no_data": {
        "vi": "Chưa đọc được dữ liệu: {message}. Đang thử lại…",
        "en": "No data yet: {message}. Retrying…",
    },
    "page.source": {"vi": "Nguồn dữ liệu", "en": "Data source"},
    "source.live": {"vi": "Nguồn đang dùng", "en": "Live source"},
    "source.kind.xlsx": {"vi": "Tệp Excel trên máy chủ", "en": "Local Excel workbook"},
    "source.kind.gsheet": {"vi": "Google Sheet dùng chung", "en": "Shared Google Sheet"},
    "source.last_read": {"vi": "Lần đọc thành công gần nhất", "en": "Last successful read"},
    "source.age": {"vi": "Tuổi dữ liệu", "en": "Data age"},
    "source.age_value": {"vi": "{seconds} giây", "en": "{seconds} s"},
    "source.reads_minute": {"vi": "Số lần đọc / phút", "en": "Reads per minute"},
    "source.reads_total": {"vi": "Tổng số lần đọc", "en": "Reads in total"},
    "source.interval": {"vi": "Chu kỳ làm mới: {seconds} giây", "en": "Refresh interval: {seconds} s"},
    "source.ok": {"vi": "Đọc được dữ liệu bình thường", "en": "Reading normally"},
    "source.errors": {"vi": "Lịch sử lỗi đọc", "en": "Read error history"},
    "source.no_errors": {"vi": "Chưa có lỗi đọc nào", "en": "No read errors so far"},
    "source.report": {"vi": "Báo cáo kiểm tra bảng tính", "en": "Validation report"},
    "col.time": {"vi": "Thời gian", "en": "Time"},
    "page.login": {"vi": "Đăng nhập", "en": "Sign in"},
    "page.review": {"vi": "Hội nghị trù bị", "en": "Preliminary meeting"},
    "page.freeze": {"vi": "Chốt kết quả", "en": "Freeze results"},
    "page.history": {"vi": "Lịch sử điều chỉnh", "en": "Change history"},
    "login.intro": {
        "vi": "Người xem không cần đăng nhập. Thư ký và quản trị nhập mã được cấp để sửa điểm.",
        "en": "Viewers need no sign-in. The secretary and the admin enter their passcode to edit.",
    },
    "login.name": {"vi": "Họ tên (ghi vào nhật ký)", "en": "Your name (written to the log)"},
    "login.passcode": {"vi": "Mã đăng nhập", "en": "Passcode"},
    "login.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "login.ok": {"vi": "Đã đăng nhập: {user} ({role}), đến {until}", "en": "Signed in: {user} ({role}) until {until}"},
    "login.out": {"vi": "Đăng xuất", "en": "Sign out"},
    "role.viewer": {"vi": "người xem", "en": "viewer"},
    "role.secretary": {"vi": "thư ký", "en": "secretary"},
    "role.admin": {"vi": "quản trị", "en": "admin"},
    "history.filter_province": {"vi": "Lọc theo tỉnh", "en": "Filter by province"},
    "history.filter_criterion": {"vi": "Lọc theo tiêu chí", "en": "Filter by criterion"},
    "history.empty": {"vi": "Chưa có điều chỉnh nào trong nhật ký", "en": "No changes logged yet"},
    "history.chart": {"vi": "Tự chấm → thống nhất theo nhóm — {name}", "en": "Self → agreed by group — {name}"},
    "col.user": {"vi": "Người sửa", "en": "Edited by"},
    "col.old": {"vi": "Điểm cũ", "en": "Old"},
    "col.new": {"vi": "Điểm mới", "en": "New"},
    "col.reason": {"vi": "Lý do", "en": "Reason"},
    "review.province": {"vi": "Tỉnh đang xem xét", "en": "Province under review"},
    "review.prev": {"vi": "◀ Tỉnh trước", "en": "◀ Previous"},
    "review.next": {"vi": "Tỉnh sau ▶", "en": "Next ▶"},
    "review.help": {
        "vi": "Sửa cột “Điểm thống nhất mới” và ghi lý do cho mỗi ô thay đổi. Để trống = chưa thống nhất.",
        "en": "Edit “New agreed score” and give a reason for each changed cell. Blank = not agreed.",
    },
    "review.agree_self": {"vi": "Thống nhất như tự chấm (các tiêu chí chưa thống nhất)",
                          "en": "Agree as self-scored (criteria not yet agreed)"},
    "review.col.new": {"vi": "Điểm thống nhất mới", "en": "New agreed score"},
    "review.col.agreed": {"vi": "Đang thống nhất", "en": "Agreed now"},
    "review.col.flag": {"vi": "Cảnh báo", "en": "Warning"},
    "review.unlogged": {
        "vi": "{count} ô điểm thống nhất có vẻ đã được sửa trực tiếp trên bảng tính (không có trong nhật ký)",
        "en": "{count} agreed cells look edited directly in the sheet (not in the log)",
    },
    "review.pending": {"vi": "{count} thay đổi chưa lưu", "en": "{count} unsaved changes"},
    "review.whatif": {"vi": "Nếu lưu các thay đổi này", "en": "If these changes are saved"},
    "review.move": {
        "vi": "{name}: {old_total} → {new_total}, hạng {old_rank} → {new_rank}",
        "en": "{name}: {old_total} → {new_total}, rank {old_rank} → {new_rank}",
    },
    "review.passes": {"vi": "vượt {names}", "en": "passes {names}"},
    "review.save": {"vi": "Lưu thay đổi", "en": "Save changes"},
    "review.saved": {"vi": "Đã lưu {count} thay đổi lên bảng tính", "en": "Saved {count} changes to the sheet"},
    "review.queued": {
        "vi": "Chưa lưu lên bảng tính (mất kết nối): thay đổi được giữ lại và sẽ tự lưu khi kết nối lại. {error}",
        "en": "Not yet saved to the sheet (connection lost): kept and saved automatically on reconnect. {error}",
    },
    "review.outbox": {
        "vi": "{count} bộ thay đổi chưa lưu lên bảng tính — đang thử lại. {error}",
        "en": "{count} change sets not yet saved to the sheet — retrying. {error}",
    },
    "review.conflict": {
        "vi": "Có người đã sửa các ô này trong lúc bạn chỉnh — chưa lưu gì:",
        "en": "Someone changed these cells while you were editing — nothing was saved:",
    },
    "review.keep_mine": {"vi": "Ghi đè bằng giá trị của tôi", "en": "Overwrite with my values"},
    "review.drop_mine": {"vi": "Bỏ thay đổi của tôi", "en": "Discard my changes"},
    "review.frozen": {
        "vi": "Kết quả đã chốt lúc {time} (mã {fingerprint}): trang này chỉ xem.",
        "en": "Results frozen at {time} (fingerprint {fingerprint}): read-only.",
    },
    "review.parked": {"vi": "Thay đổi bị từ chối khi tự lưu lại", "en": "Changes refused when retried"},
    "freeze.state_frozen": {"vi": "Đã chốt lúc {time} bởi {user} — mã {fingerprint}",
                            "en": "Frozen at {time} by {user} — fingerprint {fingerprint}"},
    "freeze.state_open": {"vi": "Chưa chốt. Mã hiện tại của điểm thống nhất: {fingerprint}",
                          "en": "Not frozen. Current fingerprint of the agreed scores: {fingerprint}"},
    "freeze.do": {"vi": "Chốt kết quả", "en": "Freeze the results"},
    "freeze.undo": {"vi": "Mở chốt", "en": "Unfreeze"},
    "freeze.reason": {"vi": "Lý do mở chốt", "en": "Reason for unfreezing"},
    "freeze.done": {"vi": "Đã chốt — mã {fingerprint}", "en": "Frozen — fingerprint {fingerprint}"},
    "freeze.undone": {"vi": "Đã mở chốt", "en": "Unfrozen"},
    "freeze.differences": {
        "vi": "{count} ô khác với bản đã chốt",
        "en": "{count} cells differ from the frozen copy",
    },
    "freeze.provisional": {
        "vi": "Còn {count} tỉnh có điểm chưa thống nhất: chốt lúc này sẽ chốt cả điểm tự chấm đang thay thế.",
        "en": "{count} provinces still have scores not agreed: freezing now freezes the self-scores standing in.",
    },
    "ranking.frozen": {"vi": "Đã chốt lúc {time} · mã {fingerprint}", "en": "Frozen at {time} · {fingerprint}"},
    "col.frozen": {"vi": "Đã chốt", "en": "Frozen"},
    "col.now": {"vi": "Hiện tại", "en": "Now"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The text for ``key`` in ``lang`` (Vietnamese when missing), with ``values`` filled in.

    >>> t("year", year=2019), t("year", "en", year=2019)
    ('Năm 2019', 'Year 2019')
    """
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["vi"]
    return text.format(**values) if values else text
