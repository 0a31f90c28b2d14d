"""The UI text catalogue: Vietnamese first, English as the alternative.

Pages never write UI strings inline; they ask ``t(key)`` so that the language switch
covers everything and the wording lives in one place. The core reports problems and
refusals as codes with parameters (``Problem``, ``CodedError``); ``describe`` and
``explain`` word them here, in either language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from lib.core.cells import score_text
from lib.core.config import Award
from lib.core.errors import ChangeSetConflict, CodedError, InvalidChangeSet, ScoreboardError
from lib.core.model import Conflict, Params, Problem

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
    "col.margin": {"vi": "Khoảng cách tới vạch giải", "en": "Margin to the award line"},
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
    "col.target": {"vi": "Chỉ tiêu", "en": "Target"},
    "col.result": {"vi": "Kết quả", "en": "Result"},
    "col.computed": {"vi": "Tính theo chỉ tiêu", "en": "Computed"},
    "col.claim_diff": {"vi": "Tự chấm − tính", "en": "Self − computed"},
    "col.method": {"vi": "Cách tính", "en": "Method"},
    "col.working": {"vi": "Cách tính điểm", "en": "Working"},
    "method.target": {"vi": "kế hoạch", "en": "target"},
    "method.relative": {"vi": "so với dẫn đầu", "en": "relative"},
    "method.pass_fail": {"vi": "đạt/không", "en": "pass/fail"},
    "method.per_count": {"vi": "theo lần", "en": "per count"},
    "direction.lower": {"vi": "giảm", "en": "lower"},
    "working.exceeded": {
        "vi": "vượt {excess} % · dẫn đầu {leader} % ({who}) · {base} + {spread} × {excess}/{leader} = {score}",
        "en": "exceeded by {excess} % · leader {leader} % ({who}) · {base} + {spread} × {excess}/{leader} = {score}"},
    "working.met": {"vi": "đạt đúng kế hoạch · {base} = {score}", "en": "exactly on target · {base} = {score}"},
    "working.not_met": {"vi": "đạt {ratio} % kế hoạch · {base} × {ratio} % = {score}{clamp}",
                        "en": "{ratio} % of target · {base} × {ratio} % = {score}{clamp}"},
    "working.relative": {"vi": "dẫn đầu {best} ({who}) · {max} × {top}/{bottom} = {score}",
                         "en": "best {best} ({who}) · {max} × {top}/{bottom} = {score}"},
    "working.relative_zero": {"vi": "kết quả 0, tốt nhất · {score}", "en": "result 0, the best · {score}"},
    "working.relative_none": {"vi": "tốt nhất cụm là {best} (không lớn hơn 0) · {score}",
                              "en": "the cluster's best is {best} (not above 0) · {score}"},
    "working.pass": {"vi": "đạt · {score}", "en": "pass · {score}"},
    "working.fail": {"vi": "không đạt · {score}", "en": "fail · {score}"},
    "working.count": {"vi": "{count} lần × {factor} = {raw}{capped}", "en": "{count} × {factor} = {raw}{capped}"},
    "kind.standard": {"vi": "chuẩn", "en": "standard"},
    "kind.bonus": {"vi": "thưởng", "en": "bonus"},
    "kind.penalty": {"vi": "trừ", "en": "penalty"},
    "severity.error": {"vi": "Lỗi", "en": "Error"},
    "severity.warning": {"vi": "Cảnh báo", "en": "Warning"},
    "chart.total": {"vi": "Tổng điểm", "en": "Total score"},
    "chart.bonus_cap": {"vi": "Trần điểm thưởng", "en": "Bonus cap"},
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
    # -- the shared engine (Redis, [server] redis_url) ---------------------------------------------
    "shared.degraded": {
        "vi": "Máy chủ chung (Redis) không trả lời từ {time}: tiến trình này tự đọc bảng tính và tạm giữ các lần "
              "lưu, sẽ ghi khi Redis trở lại",
        "en": "The shared server (Redis) has not answered since {time}: this process reads the sheet itself and "
              "holds saves until Redis is back",
    },
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
    "login.first": {"vi": "Trang này cần đăng nhập trước (thư ký hoặc quản trị).",
                    "en": "Sign in first: this page is for the secretary and the admin."},
    "login.first_admin": {"vi": "Trang này cần đăng nhập trước bằng mã của quản trị.",
                          "en": "Sign in first with the admin's passcode: this page is for the admin."},
    "login.go": {"vi": "Đến trang đăng nhập", "en": "Go to the sign-in page"},
    "login.back": {"vi": "Về trang chính", "en": "Back to the dashboard"},
    "login.lasts": {"vi": "Đăng nhập được giữ trên trình duyệt này đến khi hết hạn hoặc khi đăng xuất.",
                    "en": "This browser stays signed in until the sign-in expires or you sign out."},
    "login.lockouts": {"vi": "Địa chỉ đang bị tạm khóa đăng nhập ({count}): {addresses}",
                       "en": "Addresses locked out of sign-in ({count}): {addresses}"},
    "login.clear_lockouts": {"vi": "Mở khóa đăng nhập cho mọi địa chỉ", "en": "Clear all sign-in lock-outs"},
    "login.cleared": {"vi": "Đã xóa lượt sai của {count} địa chỉ", "en": "Cleared the failures of {count} addresses"},
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
    # issue 21 (meet): the secretary's save notes and the preliminary meeting's hall screen
    "review.saved_note": {"vi": "Đã lưu lúc {time} — {name}: {changes}. Bảng dưới đây đã cập nhật.",
                          "en": "Saved at {time} — {name}: {changes}. The table below is up to date."},
    "review.saved_later": {"vi": "Đã lưu lúc {time} — {name}: {changes}. "
                                 "Bảng sẽ cập nhật khi đọc lại được bảng tính.",
                           "en": "Saved at {time} — {name}: {changes}. The table updates once the sheet is read "
                                 "again."},
    "review.queued_note": {"vi": "Chưa lưu lên bảng tính, đã giữ trong hàng đợi ({time}) — {name}: {changes}. {why}",
                           "en": "Not yet saved to the sheet, kept in the queue ({time}) — {name}: {changes}. {why}"},
    "review.refused_note": {"vi": "Không lưu ({time}) — {name}: {changes}. Lý do: {why}",
                            "en": "Not saved ({time}) — {name}: {changes}. Reason: {why}"},
    "review.nothing_pending": {"vi": "Chưa có thay đổi nào. Bấm một ô cột “Điểm thống nhất mới”, gõ điểm, "
                                     "Enter hoặc Tab; rồi ghi lý do.",
                               "en": "No changes yet. Click a cell of “New agreed score”, type the score, "
                                     "Enter or Tab; then give a reason."},
    "page.meeting": {"vi": "Màn hình hội nghị trù bị", "en": "Preliminary meeting screen"},
    "meeting.none": {"vi": "Thư ký chưa mở tỉnh nào", "en": "The secretary has not opened a province yet"},
    "meeting.unsaved": {"vi": "chưa lưu", "en": "not saved"},
    "meeting.no_moves": {"vi": "Không đổi tổng điểm hay thứ hạng nào", "en": "No total or rank changes"},
    "meeting.open": {"vi": "Đang thảo luận ({count})", "en": "Under discussion ({count})"},
    "meeting.last": {"vi": "Thay đổi đã lưu gần nhất", "en": "Last saved change"},
    "meeting.last_line": {"vi": "{time} · {criterion}: {old} → {new} · {reason} ({user})",
                          "en": "{time} · {criterion}: {old} → {new} · {reason} ({user})"},
    "meeting.lost": {"vi": "Mất kết nối máy chủ — đang kết nối lại; số liệu có thể đã cũ",
                     "en": "Lost the server — reconnecting; the figures may be out of date"},
    # the hall screen at every size (issue 21, point 9): settled criteria folded, discussed ones paged
    "meeting.settled_count": {"vi": "Đã thống nhất ({count})", "en": "Agreed ({count})"},
    "meeting.none_open": {"vi": "Không còn tiêu chí nào đang thảo luận", "en": "Nothing left under discussion"},
    "meeting.page": {"vi": "· trang {page}/{pages}", "en": "· page {page}/{pages}"},
    "meeting.more_moves": {"vi": "… và {count} thay đổi khác", "en": "… and {count} more"},
    "meeting.move_same": {"vi": "{name}: {total}, hạng {rank} — không đổi",
                          "en": "{name}: {total}, rank {rank} — unchanged"},
    "review.province": {"vi": "Tỉnh đang xem xét", "en": "Province under review"},
    "review.prev": {"vi": "◀ Tỉnh trước", "en": "◀ Previous"},
    "review.next": {"vi": "Tỉnh sau ▶", "en": "Next ▶"},
    "review.help": {
        "vi": "Sửa cột “Điểm thống nhất mới” và ghi lý do cho mỗi ô thay đổi. Để trống = chưa thống nhất.",
        "en": "Edit “New agreed score” and give a reason for each changed cell. Blank = not agreed.",
    },
    "review.agree_self": {"vi": "Thống nhất như tự chấm (các tiêu chí chưa thống nhất)",
                          "en": "Agree as self-scored (criteria not yet agreed)"},
    "review.agree_computed": {"vi": "Thống nhất như tính theo chỉ tiêu (các tiêu chí tính điểm chưa thống nhất)",
                              "en": "Agree as computed (computed criteria not yet agreed)"},
    "review.col.new": {"vi": "Điểm thống nhất mới", "en": "New agreed score"},
    "review.col.agreed": {"vi": "Đang thống nhất", "en": "Agreed now"},
    "review.col.flag": {"vi": "Cảnh báo", "en": "Warning"},
    "review.unlogged": {
        "vi": "{count} ô điểm thống nhất có vẻ đã được sửa trực tiếp trên bảng tính (không có trong nhật ký)",
        "en": "{count} agreed cells look edited directly in the sheet (not in the log)",
    },
    "review.pending": {"vi": "{count} thay đổi chưa lưu", "en": "{count} unsaved changes"},
    "review.whatif": {"vi": "Nếu lưu các thay đổi này", "en": "If these changes are saved"},
    # the review page with nothing pending (issue 21)
    "review.ranking_now": {"vi": "Xếp hạng theo số liệu đã lưu", "en": "Ranking as saved"},
    "review.whatif_empty": {"vi": "Khi có thay đổi chưa lưu, ô này cho biết tổng điểm và thứ hạng nào sẽ đổi.",
                            "en": "With unsaved changes, this box shows which totals and ranks they would move."},
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
        "en": "Evaluation frozen at {time} (fingerprint {fingerprint}): read-only.",
    },
    "review.parked": {"vi": "Thay đổi bị từ chối khi tự lưu lại", "en": "Changes refused when retried"},
    "review.requeue": {"vi": "Thử lưu lại", "en": "Try saving again"},
    "review.quarantined": {"vi": "Mục hỏng trong hàng đợi (đã cách ly, không bị xóa)",
                           "en": "Unreadable outbox entry (quarantined, not deleted)"},
    "review.drop_quarantined": {"vi": "Đã xem, bỏ mục này", "en": "Seen, remove this entry"},
    "fix.title": {"vi": "Sửa chỉ tiêu hoặc kết quả (tiêu chí tính theo chỉ tiêu)",
                  "en": "Correct a target or a result (computed criteria)"},
    "fix.help": {
        "vi": "Hội nghị sửa số liệu giao (KeHoach) hoặc kết quả (KetQua) của tỉnh đang xem xét; mọi tỉnh có "
              "điểm thay đổi theo (kể cả khi đổi tỉnh dẫn đầu) được liệt kê trước khi lưu.",
        "en": "The meeting corrects the province's assigned target (KeHoach) or its result (KetQua); every "
              "province whose score follows (a new leader included) is listed before saving.",
    },
    "fix.criterion": {"vi": "Tiêu chí cần sửa", "en": "Criterion to correct"},
    "fix.tab": {"vi": "Sửa", "en": "Correct"},
    "fix.tab.KeHoach": {"vi": "Chỉ tiêu giao (KeHoach)", "en": "Target (KeHoach)"},
    "fix.tab.KetQua": {"vi": "Kết quả (KetQua)", "en": "Result (KetQua)"},
    "fix.now": {"vi": "Đang ghi: {value}", "en": "Now: {value}"},
    "fix.value": {"vi": "Giá trị mới (như ô bảng tính, ví dụ 7,5)", "en": "New value (like a cell, e.g. 7,5)"},
    "fix.reason": {"vi": "Lý do sửa", "en": "Reason"},
    "fix.scores": {"vi": "Điểm tính theo chỉ tiêu thay đổi", "en": "Computed scores that move"},
    "fix.score_move": {"vi": "{criterion} – {name}: {old} → {new}", "en": "{criterion} – {name}: {old} → {new}"},
    "fix.hidden": {"vi": "đã thống nhất {agreed}: tổng không đổi", "en": "agreed {agreed}: total unchanged"},
    "fix.no_move": {"vi": "Không điểm nào thay đổi.", "en": "No score moves."},
    "fix.save": {"vi": "Lưu sửa số liệu", "en": "Save the correction"},
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
    "freeze.ignored": {
        "vi": "{count} dòng trong trang Chot không có chữ ký hợp lệ của máy chủ nên bị bỏ qua "
              "(có người gõ tay hoặc chép dòng vào bảng tính?):",
        "en": "{count} rows of the Chot tab carry no valid server signature and are ignored "
              "(typed or copied into the sheet?):"},
    "freeze.col.time": {"vi": "Thời gian", "en": "Time"},
    "freeze.col.user": {"vi": "Người thực hiện", "en": "By"},
    "freeze.col.action": {"vi": "Hành động", "en": "Action"},
    "freeze.col.reason": {"vi": "Lý do", "en": "Reason"},
    "col.now": {"vi": "Hiện tại", "en": "Now"},
    "page.projector": {"vi": "Trình chiếu", "en": "Projector"},
    "page.delegate": {"vi": "Đại biểu", "en": "Delegates"},
    "projector.provisional": {"vi": "TẠM TÍNH — còn điểm chưa thống nhất", "en": "PROVISIONAL — scores not all agreed"},
    "projector.final": {"vi": "Đã thống nhất toàn bộ điểm", "en": "All scores agreed"},
    "source.probes": {"vi": "Lượt kiểm tra thay đổi", "en": "Change probes"},
    "delegate.live": {"vi": "Bảng xếp hạng trực tiếp, nhẹ cho điện thoại: {url}",
                      "en": "Light live ranking for phones: {url}"},
    "projector.qr": {"vi": "Xem trực tiếp trên điện thoại", "en": "Follow live on your phone"},
    "projector.lost": {"vi": "Mất kết nối máy chủ — đang kết nối lại; số liệu có thể đã cũ",
                       "en": "Lost the connection to the server — reconnecting; the figures may be out of date"},
    "live.title": {"vi": "Xếp hạng trực tiếp", "en": "Live ranking"},
    "live.total": {"vi": "Điểm", "en": "Total"},
    "live.gap": {"vi": "Kém hạng trên", "en": "Behind"},
    "live.moved": {"vi": "Thay đổi", "en": "Moved"},
    "live.provisional": {"vi": "tạm tính", "en": "provisional"},
    "live.needs_vote": {"vi": "cần biểu quyết", "en": "needs a vote"},
    "live.frozen": {"vi": "Đã chốt điểm", "en": "Scores frozen"},
    "live.as_of": {"vi": "Dữ liệu lúc", "en": "Data as of"},
    "live.stale": {"vi": "Dữ liệu có thể đã cũ — đang kết nối lại…", "en": "Data may be out of date — reconnecting…"},
    "live.no_data": {"vi": "Chưa có dữ liệu, đang chờ…", "en": "No data yet, waiting…"},
    "live.switch": {"vi": "English", "en": "Tiếng Việt"},
    "live.new": {"vi": "mới", "en": "new"},
    "live.needs": {"vi": "cần thêm {points} điểm để vào hạng {place}",
                   "en": "needs {points} more to reach place {place}"},
    "live.leads": {"vi": "hơn hạng {place}: {points}", "en": "ahead of place {place} by {points}"},
    "live.level": {"vi": "bằng điểm hạng {place}", "en": "level with place {place}"},
    "delegate.pick": {"vi": "Chạm vào một tỉnh trên biểu đồ, hoặc chọn ở đây",
                      "en": "Tap a province on the chart, or choose it here"},
    "delegate.groups": {"vi": "Điểm theo nhóm — {name}", "en": "Points by group — {name}"},
    "delegate.waterfall": {"vi": "Từ tự chấm đến thống nhất", "en": "From self-score to agreed"},
    "delegate.criteria": {"vi": "Các tiêu chí", "en": "Criteria"},
    "page.tracker": {"vi": "Tiến độ nộp", "en": "Submissions"},
    "page.votes": {"vi": "Bình xét", "en": "Votes"},
    "page.results": {"vi": "Kết quả", "en": "Results"},
    "results.xlsx": {"vi": "Bảng tổng hợp (Excel)", "en": "Summary table (Excel)"},
    "results.docx": {"vi": "Dự thảo biên bản (Word)", "en": "Minutes draft (Word)"},
    "results.csv": {"vi": "Bảng xếp hạng (CSV)", "en": "Standings (CSV)"},
    "results.print": {"vi": "Bản in kết quả", "en": "Printable results"},
    "page.print": {"vi": "Bản in kết quả", "en": "Printable results"},
    "tracker.deadlines": {
        "vi": "Hạn gửi bảng tự chấm: {table}. Bổ sung tiêu chí chưa có kết quả đến hết: {last}.",
        "en": "Self-score tables due: {table}. Missing criteria may be supplemented until: {last}.",
    },
    "tracker.col.scored": {"vi": "Đã tự chấm", "en": "Self-scored"},
    "tracker.col.missing": {"vi": "Còn thiếu", "en": "Missing"},
    "tracker.col.evidence": {"vi": "Có minh chứng", "en": "With evidence"},
    "tracker.col.status": {"vi": "Tình trạng", "en": "Status"},
    "tracker.col.days": {"vi": "Số ngày còn lại", "en": "Days left"},
    "tracker.status.complete": {"vi": "Đủ", "en": "Complete"},
    "tracker.overdue_since": {"vi": "quá hạn từ {date}", "en": "overdue since {date}"},
    "tracker.days": {"vi": "còn {days} ngày", "en": "{days} days left"},
    "tracker.status.pending": {"vi": "Đang chờ", "en": "Pending"},
    "tracker.status.supplementing": {"vi": "Đang bổ sung", "en": "Supplementing"},
    "tracker.status.overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "tracker.col.imported": {"vi": "Nhập biểu mẫu gần nhất", "en": "Last form imported"},
    "forms.title": {"vi": "Biểu mẫu tự chấm", "en": "Self-scoring forms"},
    # forms: an unsigned form imported on the secretary's confirmation (issue 19)
    "forms.unsigned_confirm": {"vi": "Tôi đã kiểm tra: nhập biểu mẫu không có chữ ký này cho tỉnh đã chọn "
                                     "(ghi nhật ký là không có chữ ký)",
                               "en": "I checked it: import this unsigned form for the chosen province "
                                     "(logged as unsigned)"},
    "forms.unsigned_province": {"vi": "Biểu mẫu không có chữ ký này là của tỉnh",
                                "en": "This unsigned form belongs to"},
    "forms.download_all": {"vi": "Tải tất cả biểu mẫu (.zip)", "en": "Download all forms (.zip)"},
    "forms.download_one": {"vi": "Tải biểu mẫu của một tỉnh", "en": "Download one province's form"},
    "forms.download": {"vi": "Tải biểu mẫu {name}", "en": "Download the form of {name}"},
    "forms.upload": {"vi": "Nhập biểu mẫu đã điền (.xlsx)", "en": "Import a filled-in form (.xlsx)"},
    "forms.upload_help": {"vi": "Chỉ thư ký đã đăng nhập mới nhập được biểu mẫu",
                          "en": "Only a signed-in secretary can import forms"},
    "forms.of": {"vi": "Biểu mẫu của {name}, tạo lúc {when}", "en": "Form of {name}, made {when}"},
    "forms.refused": {"vi": "Biểu mẫu bị từ chối, chưa nhập gì", "en": "The form is refused; nothing imported"},
    "forms.unreadable": {"vi": "Không đọc được tệp: {error}", "en": "The file cannot be read: {error}"},
    "forms.summary": {"vi": "{new} ô mới, {changed} ô thay đổi, {unchanged} ô không đổi, "
                            "{sheet_changed} ô bảng tính đã sửa sau khi tạo biểu mẫu (không nhập)",
                      "en": "{new} new, {changed} changed, {unchanged} unchanged, {sheet_changed} changed in the "
                            "sheet since the form was made (not imported)"},
    "forms.import": {"vi": "Nhập {count} ô vào bảng tính", "en": "Import {count} cells into the sheet"},
    "forms.imported": {"vi": "Đã nhập {count} ô của {name}", "en": "Imported {count} cells of {name}"},
    "forms.nothing": {"vi": "Không có ô nào để nhập", "en": "Nothing to import"},
    "forms.not_written": {"vi": "Chưa nhập gì: không ghi được vào bảng tính ({error}). Biểu mẫu không bị mất: "
                                "hãy nhập lại tệp này khi kết nối trở lại",
                          "en": "Nothing imported: the sheet cannot be written ({error}). The form is not lost: "
                                "import this file again once the connection is back"},
    "forms.col.tab": {"vi": "Trang", "en": "Tab"},
    "forms.col.sheet": {"vi": "Bảng tính hiện tại", "en": "Sheet now"},
    "forms.col.form": {"vi": "Biểu mẫu", "en": "Form"},
    "forms.status.new": {"vi": "mới", "en": "new"},
    "forms.status.changed": {"vi": "thay đổi", "en": "changed"},
    "forms.status.unchanged": {"vi": "không đổi", "en": "unchanged"},
    "forms.status.sheet_changed": {"vi": "bảng tính đã sửa sau khi tạo biểu mẫu",
                                   "en": "changed in the sheet since the form was made"},
    "tracker.overdue": {"vi": "{count} tỉnh quá hạn: {names}", "en": "{count} provinces overdue: {names}"},
    "votes.none": {"vi": "Không có trường hợp bằng điểm nào cần biểu quyết.",
                   "en": "No tie needs a vote."},
    "votes.tie": {"vi": "Bằng điểm ở hạng {rank}: {names}", "en": "Tied at rank {rank}: {names}"},
    "votes.present": {"vi": "Số đại biểu có mặt", "en": "Delegates present"},
    "votes.ballots": {"vi": "Số phiếu phát ra", "en": "Ballots cast"},
    "votes.for": {"vi": "Số phiếu cho {name}", "en": "Votes for {name}"},
    "votes.rule": {"vi": "Quy tắc: đơn vị dẫn đầu cần {rule} số đại biểu có mặt.",
                   "en": "Rule: the leader needs {rule} of those present."},
    "votes.rule.more_than_half_present": {"vi": "quá nửa", "en": "more than half"},
    "votes.rule.two_thirds_present": {"vi": "trên hai phần ba", "en": "more than two thirds"},
    "votes.record": {"vi": "Ghi kết quả biểu quyết", "en": "Record the vote"},
    "votes.recorded": {"vi": "Đã ghi kết quả biểu quyết", "en": "Vote recorded"},
    "votes.not_settled": {"vi": "Chưa đạt đa số theo quy tắc: bằng điểm vẫn chờ biểu quyết lại.",
                          "en": "No majority under the rule: the tie still awaits a vote."},
    "votes.history": {"vi": "Các lần biểu quyết đã ghi", "en": "Votes recorded"},
    "votes.sign_in": {"vi": "Thư ký đăng nhập để ghi kết quả biểu quyết.",
                      "en": "The secretary signs in to record a vote."},
    "ranking.by_vote": {"vi": "theo kết quả biểu quyết", "en": "by vote"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "fault.banner": {"vi": "Dữ liệu lúc {time} — lỗi chương trình khi tính điểm từ lần đọc mới nhất ({message}); "
                           "đã ghi vào nhật ký máy chủ, hãy báo cho người quản trị",
                     "en": "Data as of {time} — a program error while scoring the latest read ({message}); "
                           "logged on the server, please tell the administrator"},
    # the official session: the ceremony's reveal, the agenda, next year's leader and deputy
    "page.ceremony": {"vi": "Điều hành hội nghị", "en": "Running the session"},
    "reveal.covered_label": {"vi": "Hạng {rank}", "en": "Rank {rank}"},
    "reveal.heading": {"vi": "Công bố kết quả", "en": "The reveal"},
    "reveal.rehearsal": {"vi": "DIỄN TẬP — kết quả chưa chốt, chưa phải công bố chính thức",
                         "en": "REHEARSAL — results not frozen, not the official announcement"},
    "reveal.official": {"vi": "CÔNG BỐ KẾT QUẢ", "en": "ANNOUNCING THE RESULTS"},
    "reveal.start": {"vi": "Bật chế độ công bố", "en": "Start the reveal"},
    "reveal.stop": {"vi": "Tắt chế độ công bố (hiện toàn bộ)", "en": "End the reveal (show everything)"},
    "reveal.back": {"vi": "Lùi", "en": "Back"},
    "reveal.next": {"vi": "Công bố tiếp", "en": "Reveal next"},
    "reveal.restart": {"vi": "Bắt đầu lại (che hết)", "en": "Restart (cover all)"},
    "reveal.keys": {"vi": "Phím ← và → trên trang này lùi và công bố tiếp; PageUp/PageDown chuyển mục chương trình.",
                    "en": "Keys ← and → on this page step back and reveal; PageUp/PageDown move the agenda."},
    "reveal.off": {"vi": "Chế độ công bố đang tắt: màn hình chiếu hiện toàn bộ bảng xếp hạng.",
                   "en": "The reveal is off: the projector shows the whole ranking."},
    "reveal.progress": {"vi": "Đã công bố {done}/{total} hạng có giải.",
                        "en": "{done} of {total} award places revealed."},
    "reveal.next_up": {"vi": "Tiếp theo: hạng {rank}", "en": "Next: rank {rank}"},
    "reveal.all_done": {"vi": "Đã công bố tất cả các hạng có giải.", "en": "Every award place is revealed."},
    "reveal.line": {"vi": "Hạng {rank}: {names} — {award}", "en": "Rank {rank}: {names} — {award}"},
    "reveal.col.shown": {"vi": "Trên màn hình", "en": "On screen"},
    "reveal.shown": {"vi": "đã công bố", "en": "revealed"},
    "reveal.hidden": {"vi": "đang che", "en": "covered"},
    "reveal.no_awards": {"vi": "Cấu hình không có giải nào để công bố.", "en": "The config has no award to reveal."},
    "agenda.heading": {"vi": "Chương trình hội nghị", "en": "The session's programme"},
    "agenda.now": {"vi": "Đang diễn ra: {time} · {title} ({index}/{count})",
                   "en": "Now: {time} · {title} ({index}/{count})"},
    "agenda.none": {"vi": "Chưa bắt đầu chương trình.", "en": "The programme has not started."},
    "agenda.empty": {"vi": "Cấu hình chưa có [[agenda]].", "en": "The config has no [[agenda]]."},
    "agenda.prev": {"vi": "Mục trước", "en": "Previous item"},
    "agenda.next": {"vi": "Mục tiếp", "en": "Next item"},
    "nomination.heading": {"vi": "Bầu Cụm trưởng, Cụm phó năm {year}", "en": "Next year's leader and deputy ({year})"},
    "nomination.post.leader": {"vi": "Cụm trưởng", "en": "Cluster leader"},
    "nomination.post.deputy": {"vi": "Cụm phó", "en": "Deputy leader"},
    "nomination.proposal": {"vi": "Dự kiến (Hội nghị trù bị)", "en": "Proposal (preliminary meeting)"},
    "nomination.propose": {"vi": "Ghi dự kiến", "en": "Record the proposal"},
    "nomination.candidates": {"vi": "Ứng cử viên — {post}", "en": "Candidates — {post}"},
    "nomination.record": {"vi": "Ghi kết quả bầu {post}", "en": "Record the vote for {post}"},
    "nomination.recorded": {"vi": "Đã ghi", "en": "Recorded"},
    "nomination.proposed": {"vi": "{post} năm {year} (dự kiến): {name}", "en": "{post} {year} (proposed): {name}"},
    "nomination.elected": {"vi": "{post} năm {year}: {name} — {votes}/{present} phiếu",
                           "en": "{post} {year}: {name} — {votes} of {present} votes"},
    "nomination.no_majority": {"vi": "{post} năm {year}: chưa ai đạt đa số, cần bầu lại",
                               "en": "{post} {year}: no majority yet, vote again"},
    "nomination.none": {"vi": "Chưa ghi đề cử nào.", "en": "No nomination recorded yet."},
    "nomination.same": {"vi": "Cụm trưởng và Cụm phó không được là cùng một tỉnh.",
                        "en": "The leader and the deputy cannot be the same province."},
    "results.conference_docx": {"vi": "Dự thảo biên bản Hội nghị chính thức (.docx)",
                                "en": "Draft minutes of the official session (.docx)"},
    # -- order at equal shown totals (issue 19: no place decided by what the screens do not show) --
    "order.col": {"vi": "Lý do thứ tự khi bằng điểm hiển thị", "en": "Why this order at equal shown totals"},
    "order.tie_break.ahead": {"vi": "xếp trên {name} nhờ tổng điểm nhóm {group}: {own} > {other}{cells}",
                              "en": "above {name} on group {group}: {own} > {other}{cells}"},
    "order.tie_break.behind": {"vi": "xếp dưới {name} do tổng điểm nhóm {group}: {own} < {other}{cells}",
                               "en": "below {name} on group {group}: {own} < {other}{cells}"},
    "order.below.ahead": {"vi": "hơn {name} {points} điểm (phần lẻ dưới 0,01 không hiển thị){cells}",
                          "en": "ahead of {name} by {points} (below the 0.01 shown){cells}"},
    "order.below.behind": {"vi": "kém {name} {points} điểm (phần lẻ dưới 0,01 không hiển thị){cells}",
                           "en": "behind {name} by {points} (below the 0.01 shown){cells}"},
    "order.vote.ahead": {"vi": "xếp trên {name} theo biểu quyết {vote}", "en": "above {name} by vote {vote}"},
    "order.vote.behind": {"vi": "xếp dưới {name} theo biểu quyết {vote}", "en": "below {name} by vote {vote}"},
    "order.cells": {"vi": "; ô có số lẻ: {cells}", "en": "; cells with extra decimals: {cells}"},
    "order.no_cell": {"vi": "{criterion} của {name} = {value}", "en": "{criterion} of {name} = {value}"},
    "order.short.tie_break": {"vi": "⚖ nhóm {group}: {own} {sign} {other}",
                              "en": "⚖ group {group}: {own} {sign} {other}"},
    "order.short.ahead": {"vi": "hơn {points}{cells}", "en": "ahead by {points}{cells}"},
    "order.short.behind": {"vi": "kém {points}{cells}", "en": "behind by {points}{cells}"},
    "order.short.vote": {"vi": "⚖ biểu quyết {vote}", "en": "⚖ vote {vote}"},
    "order.sentence": {"vi": "{upper} và {lower} cùng hiển thị {total} điểm; {upper} {reason}.",
                       "en": "{upper} and {lower} both show {total}; {upper} is {reason}."},
    # The year's loop (issue 22): the papers, next year, last year beside this year.
    "year.report": {"vi": "Báo cáo kết quả gửi Trung ương (.docx)",
                    "en": "Results report to the Central Board (.docx)"},
    "year.proposal": {"vi": "Tờ trình đề nghị khen thưởng (.docx)", "en": "Award proposal (.docx)"},
    "year.covenant": {"vi": "Giao ước thi đua năm {year} (.docx)", "en": "Emulation covenant {year} (.docx)"},
    "year.draft_only": {"vi": "Kết quả chưa chốt: báo cáo, tờ trình và giao ước chỉ là bản DỰ THẢO.",
                        "en": "The results are not frozen: the report, proposal and covenant are DRAFTS (DỰ THẢO)."},
    "year.covenant_bad": {"vi": "Trang {tab} (tiêu chí năm sau) có lỗi: chưa tạo được giao ước.",
                          "en": "The {tab} tab (next year's criteria) has errors: no covenant yet."},
    "year.new_year": {"vi": "Tạo cấu hình và bảng tính năm {year}", "en": "Create the {year} config and workbook"},
    "year.new_year_dir": {"vi": "Thư mục ghi", "en": "Folder to write into"},
    "year.new_year_done": {"vi": "Đã tạo {files}. Cần điền trong tệp cấu hình: {blanks}.",
                           "en": "Created {files}. Still to fill in the config: {blanks}."},
    "year.new_year_failed": {"vi": "Không tạo được năm mới: {reason}", "en": "Could not create next year: {reason}"},
    "history.title": {"vi": "So với năm trước", "en": "Compared with last year"},
    "history.last_rank": {"vi": "Hạng năm trước", "en": "Last year's rank"},
    "history.last_total": {"vi": "Điểm năm trước", "en": "Last year's total"},
    "history.change": {"vi": "Thay đổi hạng", "en": "Change in rank"},
    "history.up": {"vi": "tăng {n} bậc", "en": "up {n}"},
    "history.down": {"vi": "giảm {n} bậc", "en": "down {n}"},
    "history.same": {"vi": "giữ hạng", "en": "same rank"},
    "history.new": {"vi": "mới vào Cụm, không so sánh", "en": "new to the cluster, not compared"},
    "history.top": {"vi": "vươn lên mạnh nhất", "en": "vươn lên mạnh nhất (rose the most)"},
    "history.criteria": {"vi": "Bộ tiêu chí khác năm trước ({what}): tổng điểm không so sánh trực tiếp, "
                               "chỉ so thứ hạng.",
                         "en": "The criteria differ from last year's ({what}): totals are not compared, only ranks."},
    "history.unreadable": {"vi": "Không đọc được kết quả năm trước ([history]): {reason}",
                           "en": "Last year's results ([history]) could not be read: {reason}"},
    # signed records and the freeze's binding (issue 19: records that decide places come only through the app)
    "freeze.state_broken": {
        "vi": "Đã chốt lúc {time} bởi {user} — mã {fingerprint} — NHƯNG BẢN CHỐT ĐÃ BỊ SỬA: {cells}",
        "en": "Frozen at {time} by {user} — fingerprint {fingerprint} — BUT THE FROZEN RECORD WAS CHANGED: {cells}"},
    "freeze.broken_help": {
        "vi": "Điểm thống nhất hoặc bản chốt (ChotDiem) không còn khớp dấu vân tay đã ký. Vẫn là bản chốt: không "
              "ghi được điểm; quản trị có thể mở chốt (ghi lý do) rồi chốt lại.",
        "en": "The agreed scores or the frozen copy (ChotDiem) no longer give the signed fingerprint. Still a "
              "freeze: no score can be written; the admin may unfreeze (with a reason) and freeze again."},
    "freeze.state_key_mismatch": {
        "vi": "Không kiểm tra được bản chốt: khóa máy chủ khác với khóa đã ký bản chốt ({cells}). Không ghi được "
              "gì cho đến khi đưa lại khóa đã ký. Khóa đang dùng: {origin}.",
        "en": "The freeze cannot be checked: this server's key is not the key that signed it ({cells}). Nothing "
              "can be written until the signing key is back. Key in use: {origin}."},
    "ranking.broken": {"vi": "Đã chốt lúc {time} · mã {fingerprint} · BẢN CHỐT ĐÃ BỊ SỬA: {cells}",
                       "en": "Frozen at {time} · {fingerprint} · FROZEN RECORD CHANGED: {cells}"},
    "ranking.key_mismatch": {"vi": "Không kiểm tra được bản chốt (khóa máy chủ khác khóa đã ký)",
                             "en": "The freeze cannot be checked (this server's key did not sign it)"},
    "votes.ignored": {
        "vi": "{count} dòng biểu quyết/đề cử không có chữ ký hợp lệ của máy chủ nên bị bỏ qua "
              "(gõ tay vào bảng tính, không qua ứng dụng):",
        "en": "{count} vote/nomination rows carry no valid server signature and are ignored "
              "(typed into the sheet, not through the app):"},
    "live.broken": {"vi": "Đã chốt — NHƯNG BẢN CHỐT ĐÃ BỊ SỬA:", "en": "Frozen — BUT THE FROZEN RECORD WAS CHANGED:"},
    "live.unverified": {"vi": "Không kiểm tra được bản chốt (khóa máy chủ khác khóa đã ký)",
                        "en": "The freeze cannot be checked (this server's key did not sign it)"},
    "votes.col.cell": {"vi": "Ô", "en": "Cell"},
    "votes.col.id": {"vi": "Mã", "en": "Id"},
    "votes.col.time": {"vi": "Thời gian", "en": "Time"},
    "votes.col.recorder": {"vi": "Người ghi", "en": "Recorder"},
    # --- the reveal held back on every public screen (issue 21, point 2) ---
    "held.covered": {"vi": "chưa công bố", "en": "not yet revealed"},
    "held.public": {"vi": "Hạng {ranks}: đang chờ công bố trên màn hình chính — điểm, khoảng cách và "
                          "cách biệt với các hạng này sẽ hiện sau khi công bố.",
                    "en": "Rank {ranks}: waiting to be revealed on the main screen — totals, gaps and "
                          "margins to these places appear once they are revealed."},
    "held.secretary": {"vi": "Chỉ bạn thấy: hạng {ranks} CHƯA CÔNG BỐ trên màn hình chính; người xem "
                             "công khai đang không thấy các dòng này.",
                       "en": "Only you see this: rank {ranks} NOT YET REVEALED on the main screen; the "
                             "public does not see these rows yet."},
    "held.downloads": {"vi": "Tệp kết quả có sau khi công bố xong (đang công bố hạng có giải).",
                       "en": "The result files are available once the reveal is over (award places are "
                             "being revealed)."},
    # --- the reveal held back on the other public pages (issue 21 leftovers: left helper) ---
    "held.forms": {"vi": "Biểu mẫu của các tỉnh đang chờ công bố có sau khi công bố xong; tệp nén tất cả "
                         "cũng vậy.",
                   "en": "The forms of the provinces waiting to be revealed, and the zip of all, are available "
                         "once the reveal is over."},
    # Streamlit's own widget texts, in the screen's language (issue 21, point 7: phone helper)
    "widget.choose": {"vi": "Chọn…", "en": "Choose an option"},
    "widget.choose_many": {"vi": "Chọn một hoặc nhiều…", "en": "Choose options"},
    "upload.drop": {"vi": "Kéo và thả tệp vào đây", "en": "Drag and drop file here"},
    "upload.browse": {"vi": "Chọn tệp", "en": "Browse files"},
    "upload.limit": {"vi": "Tối đa {size} MB mỗi tệp", "en": "Limit {size} MB per file"},
    "upload.button": {"vi": "Tải lên", "en": "Upload"},
}


MESSAGES: dict[str, dict[str, str]] = {
    # cells
    "cell.not_a_number": {"vi": "{value!r} không phải là điểm số", "en": "{value!r} is not a number"},
    "cell.spreadsheet_error": {"vi": "{value!r} là lỗi công thức của bảng tính, chưa có điểm",
                               "en": "{value!r} is a spreadsheet formula error, no score yet"},
    "cell.formula": {"vi": "{value!r} là công thức chưa tính được, không phải điểm số",
                     "en": "{value!r} is an uncalculated formula, not a score"},
    "cell.spaced_digits": {"vi": "{value!r} có khoảng trắng giữa các chữ số; hãy ghi rõ một số",
                           "en": "{value!r} has spaces between digits; write one number"},
    "cell.ambiguous_grouping": {
        "vi": "{value!r} có thể là {decimal} hoặc {whole} (dấu chấm/phẩy hàng nghìn?); hãy ghi rõ",
        "en": "{value!r} could be {decimal} or {whole} (a thousands separator?); write it unambiguously"},
    # cells read as they show (issue 19: number formats, dates, checkboxes, hidden decimals)
    "cell.boolean": {"vi": "{value!r} là ô đánh dấu (TRUE/FALSE), không phải một số",
                     "en": "{value!r} is a checkbox (TRUE/FALSE), not a number"},
    "cell.date_format": {"vi": "{value!r} là ngày/giờ (ô định dạng ngày giờ), không phải một số; "
                               "hãy đổi định dạng ô thành Số và ghi lại",
                         "en": "{value!r} is a date/time (the cell has a date format), not a number; "
                               "format the cell as Number and type it again"},
    # -- formulas without a cached result (issue 19 review, fmt) --
    "cell.formula_no_value": {"vi": "ô có công thức {value!r} chưa được tính (mở và lưu lại tệp trong "
                                    "Excel/LibreOffice)",
                              "en": "the cell's formula {value!r} has not been calculated (open and save the "
                                    "file again in Excel/LibreOffice)"},
    "cell.format_unreadable": {"vi": "ô hiển thị {value!r}, không đọc lại được thành con số đã lưu; "
                                     "hãy đổi định dạng ô thành Số",
                               "en": "the cell shows {value!r}, which does not read back as its stored number; "
                                     "format the cell as Number"},
    "cell.hidden_precision": {"vi": "ô hiển thị {shown} nhưng giữ {value}; điểm tính theo {value}: "
                                    "hãy ghi đúng số muốn dùng",
                              "en": "the cell shows {shown} but holds {value}, which is what counts: "
                                    "type the number you mean"},
    "cell.too_many_decimals": {"vi": "điểm {value} có hơn hai chữ số thập phân; hãy làm tròn tới 0,01",
                               "en": "the score {value} has more than two decimals; round it to 0.01"},
    # tabs and headers
    "tab.missing": {"vi": "thiếu trang tính {tab}", "en": "the {tab} tab is missing"},
    "tab.missing_criteria": {"vi": "thiếu trang tính TieuChi (Criteria) — danh sách tiêu chí",
                             "en": "the TieuChi (Criteria) tab — the list of criteria — is missing"},
    "tab.no_agreed": {"vi": "chưa có trang tính ThongNhat (điểm thống nhất)",
                      "en": "no ThongNhat (agreed scores) tab yet"},
    "tab.duplicate": {"vi": "có nhiều trang tính cùng là {tab}: {titles}; đổi tên hoặc xóa bớt, "
                            "không trang nào được đọc",
                      "en": "several tabs mean {tab}: {titles}; rename or delete all but one (none is read)"},
    "header.no_code_column": {"vi": "không tìm thấy dòng tiêu đề có cột 'Mã'",
                              "en": "no header row with a 'Mã' (Code) column"},
    "header.unknown_province": {"vi": "tiêu đề cột {header!r} không khớp tỉnh nào trong cụm",
                                "en": "column header {header!r} matches no province of the cluster"},
    "header.province_twice": {"vi": "{name} có hai cột ({first} và {second})",
                              "en": "{name} has two columns ({first} and {second})"},
    # criteria
    "criteria.no_max_column": {"vi": "thiếu cột 'Điểm chuẩn' (Max)", "en": "the 'Điểm chuẩn' (Max) column is missing"},
    "criteria.row_without_code": {"vi": "dòng có điểm chuẩn nhưng không có mã tiêu chí; bỏ qua",
                                  "en": "a row with max points but no criterion code; skipped"},
    "criteria.duplicate_code": {"vi": "mã tiêu chí {code!r} bị lặp (đã có ở {first})",
                                "en": "criterion code {code!r} repeated (already at {first})"},
    "criteria.bad_kind": {"vi": "loại {value!r} không hợp lệ (chuẩn, thưởng hoặc trừ)",
                          "en": "kind {value!r} is not valid (chuẩn/standard, thưởng/bonus or trừ/penalty)"},
    "criteria.none": {"vi": "chưa có tiêu chí nào trong TieuChi", "en": "no criteria in TieuChi yet"},
    "criteria.bad_max": {"vi": "điểm chuẩn của tiêu chí {code}: {cause}",
                         "en": "max points of criterion {code}: {cause}"},
    "criteria.max_not_positive": {"vi": "tiêu chí {code} thiếu điểm chuẩn hoặc điểm chuẩn không lớn hơn 0",
                                  "en": "criterion {code} has no max points, or they are not above 0"},
    # score tabs
    "scores.no_column": {"vi": "không có cột của {name}; coi như chưa tự chấm",
                         "en": "no column for {name}; taken as not self-scored yet"},
    "scores.row_without_code": {"vi": "dòng có điểm nhưng không có mã tiêu chí; bỏ qua",
                                "en": "a row with scores but no criterion code; skipped"},
    "scores.unknown_code": {"vi": "mã {code!r} không có trong TieuChi", "en": "code {code!r} is not in TieuChi"},
    "scores.duplicate_code": {"vi": "mã {code!r} bị lặp (đã có ở dòng {row})",
                              "en": "code {code!r} repeated (already on row {row})"},
    "scores.missing_self": {"vi": "{name} chưa tự chấm tiêu chí {code} (thiếu, không tính là 0)",
                            "en": "{name} has not self-scored criterion {code} (missing, not counted as 0)"},
    "scores.no_row": {"vi": "tiêu chí {code} chưa có dòng trong {tab} (thiếu điểm tự chấm)",
                      "en": "criterion {code} has no row in {tab} (self-scores missing)"},
    "score.unreadable": {"vi": "tiêu chí {criterion}: {cause}", "en": "criterion {criterion}: {cause}"},
    "score.out_of_range": {"vi": "tiêu chí {criterion}: điểm {value!r} ngoài khoảng 0–{max}",
                           "en": "criterion {criterion}: score {value!r} outside 0–{max}"},
    "rules.unknown_tie_break_group": {"vi": "nhóm {name!r} không có trong TieuChi; bỏ qua",
                                      "en": "group {name!r} is not in TieuChi; ignored"},
    # quantitative criteria (computed from KeHoach / KetQua)
    "quant.bad_method": {
        "vi": "tiêu chí {code}: cách tính {value!r} không hợp lệ (kế hoạch, so với dẫn đầu, đạt/không, theo lần)",
        "en": "criterion {code}: method {value!r} is not valid (target, relative, pass_fail or per_count)"},
    "quant.bad_direction": {"vi": "tiêu chí {code}: chiều {value!r} không hợp lệ (tăng hoặc giảm)",
                            "en": "criterion {code}: direction {value!r} is not valid (higher or lower)"},
    "quant.factor_unreadable": {"vi": "tiêu chí {code}: hệ số: {cause}", "en": "criterion {code}: factor: {cause}"},
    "quant.method_not_for_kind": {
        "vi": "tiêu chí {code} loại {kind}: cách tính {method!r} chỉ dùng cho tiêu chí chuẩn "
              "(tiêu chí thưởng/trừ chỉ tính theo lần); điểm được lấy như nhập tay",
        "en": "criterion {code} of kind {kind}: method {method!r} is for standard criteria only "
              "(bonus and penalty criteria may only be per count); scores are taken as typed"},
    "quant.bad_share": {
        "vi": "tiêu chí {code}: hệ số {value:score} phải lớn hơn 0 và không quá 1 (phần điểm khi đạt kế hoạch)",
        "en": "criterion {code}: factor {value:score} must be above 0 and at most 1 (the target share)"},
    "quant.bad_points_per_count": {
        "vi": "tiêu chí {code} tính theo lần cần hệ số (điểm mỗi lần) lớn hơn 0",
        "en": "criterion {code} is per count and needs a factor (points per count) above 0"},
    "quant.target_missing": {"vi": "{name} chưa có chỉ tiêu kế hoạch tiêu chí {code} ({tab}); chưa tính được điểm",
                             "en": "{name} has no target for criterion {code} ({tab}); no computed score yet"},
    "quant.result_missing": {"vi": "{name} chưa có kết quả tiêu chí {code} ({tab}); chưa tính được điểm",
                             "en": "{name} has no result for criterion {code} ({tab}); no computed score yet"},
    "quant.target_unreadable": {"vi": "chỉ tiêu của {name}, tiêu chí {code}: {cause}",
                                "en": "target of {name}, criterion {code}: {cause}"},
    "quant.result_unreadable": {"vi": "kết quả của {name}, tiêu chí {code}: {cause}",
                                "en": "result of {name}, criterion {code}: {cause}"},
    "quant.target_not_positive": {"vi": "chỉ tiêu của {name}, tiêu chí {code}: {value!r} phải lớn hơn 0",
                                  "en": "target of {name}, criterion {code}: {value!r} must be above 0"},
    "quant.bad_count": {"vi": "kết quả của {name}, tiêu chí {code}: {value!r} không phải số lần (số nguyên không âm)",
                        "en": "result of {name}, criterion {code}: {value!r} is not a count (a whole number ≥ 0)"},
    "quant.result_negative": {
        "vi": "kết quả của {name}, tiêu chí {code}: {value!r} âm, không dùng được khi chiều là giảm",
        "en": "result of {name}, criterion {code}: {value!r} is negative (not allowed when lower is better)"},
    "quant.unknown_word": {"vi": "{value!r} không phải đạt/không đạt (đạt, có, x, 1 / không đạt, chưa đạt, không, 0)",
                           "en": "{value!r} is not pass/fail (đạt, có, x, 1, yes, pass / không đạt, chưa đạt, "
                                 "không, 0, no, fail)"},
    "quant.self_differs": {"vi": "{name}, tiêu chí {code}: tự chấm {self:points}; tính theo chỉ tiêu {computed:points}",
                           "en": "{name}, criterion {code}: self-scored {self:points}; computed {computed:points}"},
    # votes
    "vote.bad_count": {"vi": "biểu quyết {vote}: {value!r} không phải là một số đếm (số nguyên không âm)",
                       "en": "vote {vote}: {value!r} is not a count (a whole number, not negative)"},
    "vote.too_few": {"vi": "Biểu quyết cần ít nhất hai tỉnh", "en": "A vote needs at least two provinces"},
    "vote.ballots_over_present": {"vi": "biểu quyết {vote}: số phiếu {ballots} nhiều hơn số có mặt {present}",
                                  "en": "vote {vote}: {ballots} ballots but only {present} present"},
    "vote.votes_over_ballots": {"vi": "biểu quyết {vote}: tổng phiếu bầu nhiều hơn số phiếu phát ra",
                                "en": "vote {vote}: more votes than ballots cast"},
    # change sets
    "change.invalid": {"vi": "Chưa lưu: thay đổi có {count} lỗi", "en": "Not saved: {count} problems in the change"},
    "change.conflict": {"vi": "Có người đã sửa ô trong lúc bạn chỉnh, chưa lưu gì ({count} ô)",
                        "en": "Someone changed cells while you were editing; nothing was saved ({count} cells)"},
    "change.no_user": {"vi": "Thiếu tên người sửa", "en": "The editor's name is missing"},
    "change.empty": {"vi": "Không có thay đổi nào để lưu", "en": "Nothing to save"},
    "change.unknown_criterion": {"vi": "Tiêu chí {criterion!r} không có trong bảng tiêu chí (TieuChi)",
                                 "en": "Criterion {criterion!r} is not in the criteria table (TieuChi)"},
    "change.unknown_province": {"vi": "Tiêu chí {criterion}: đơn vị mã {province!r} không thuộc cụm",
                                "en": "Criterion {criterion}: province code {province!r} is not a member"},
    "change.twice": {"vi": "Tiêu chí {criterion} – {name}: có hai điều chỉnh cho cùng một ô",
                     "en": "Criterion {criterion} – {name}: two adjustments of the same cell"},
    "change.no_reason": {"vi": "Tiêu chí {criterion} – {name}: cần ghi lý do điều chỉnh",
                         "en": "Criterion {criterion} – {name}: a reason is required"},
    "change.out_of_range": {"vi": "Tiêu chí {criterion} – {name}: điểm {value:score} ngoài khoảng 0–{max:score}",
                            "en": "Criterion {criterion} – {name}: score {value:score} outside 0–{max:score}"},
    "change.not_computed": {"vi": "Tiêu chí {criterion} – {name}: tiêu chí này không lấy số liệu từ trang {tab}",
                            "en": "Criterion {criterion} – {name}: this criterion takes no figures from the {tab} tab"},
    "change.bad_target": {"vi": "Tiêu chí {criterion} – {name}: chỉ tiêu {value:score} phải lớn hơn 0",
                          "en": "Criterion {criterion} – {name}: the target {value:score} must be above 0"},
    "change.bad_count": {"vi": "Tiêu chí {criterion} – {name}: {value:score} không phải số lần (số nguyên không âm)",
                         "en": "Criterion {criterion} – {name}: {value:score} is not a count (a whole number ≥ 0)"},
    "change.bad_pass_fail": {"vi": "Tiêu chí {criterion} – {name}: kết quả đạt/không ghi 1 (đạt) hoặc 0 (không đạt)",
                             "en": "Criterion {criterion} – {name}: a pass/fail result is 1 (pass) or 0 (fail)"},
    "change.unchanged": {"vi": "Tiêu chí {criterion} – {name}: điểm mới trùng điểm cũ, không có gì để lưu",
                         "en": "Criterion {criterion} – {name}: the new score equals the old one, nothing to save"},
    "edit.unreadable": {"vi": "Tiêu chí {criterion}: {cause}", "en": "Criterion {criterion}: {cause}"},
    "edit.out_of_range": {"vi": "Tiêu chí {criterion}: điểm {value:score} ngoài khoảng 0–{max:score}",
                          "en": "Criterion {criterion}: score {value:score} outside 0–{max:score}"},
    "edit.no_reason": {"vi": "Tiêu chí {criterion}: cần ghi lý do điều chỉnh",
                       "en": "Criterion {criterion}: a reason is required"},
    "review.unlogged_no_log": {"vi": "khác điểm tự chấm nhưng không có trong nhật ký (sửa trực tiếp trên bảng tính?)",
                               "en": "differs from the self-score but is not in the log (typed in the sheet?)"},
    "review.unlogged_differs": {
        "vi": "khác giá trị ghi trong nhật ký ({logged}) — có người sửa trực tiếp trên bảng tính",
        "en": "differs from the value in the log ({logged}) — someone typed in the sheet"},
    # refusals
    "role.cannot_edit": {"vi": "{user} không có quyền sửa điểm (chỉ thư ký hoặc quản trị)",
                         "en": "{user} may not change scores (secretary or admin only)"},
    "role.cannot_vote": {"vi": "{user} không có quyền ghi kết quả biểu quyết",
                         "en": "{user} may not record votes"},
    "role.cannot_freeze": {"vi": "Chỉ quản trị được chốt hoặc mở chốt kết quả",
                           "en": "Only the admin may freeze or unfreeze the results"},
    "frozen.cannot_edit": {"vi": "Kết quả đã được chốt: không sửa được điểm thống nhất (quản trị cần mở chốt trước)",
                           "en": "The results are frozen: agreed scores cannot change (the admin must unfreeze first)"},
    "freeze.reason_needed": {"vi": "Mở chốt cần ghi lý do", "en": "Unfreezing needs a reason"},
    "freeze.already": {"vi": "Kết quả đã được chốt", "en": "The results are already frozen"},
    "freeze.not_frozen": {"vi": "Kết quả chưa được chốt", "en": "The results are not frozen"},
    "freeze.unsigned": {
        "vi": "dòng '{action}' lúc {time} của {user!r} không có chữ ký hợp lệ của máy chủ "
              "(gõ tay vào bảng tính, chép từ dòng khác, hoặc ghi trước khi có chữ ký): bỏ qua",
        "en": "the '{action}' row at {time} by {user!r} has no valid server signature "
              "(typed into the sheet, copied from another row, or written before signatures): ignored"},
    # signed records and the freeze's binding (issue 19)
    "record.unsigned": {
        "vi": "dòng {id!r} ({tab}) lúc {time} của {user!r} không có chữ ký hợp lệ của máy chủ "
              "(gõ tay vào bảng tính hoặc chép từ dòng khác): bỏ qua, không tính",
        "en": "row {id!r} ({tab}) at {time} by {user!r} has no valid server signature "
              "(typed into the sheet or copied from another row): ignored"},
    # -- signed votes and nominations deleted by hand (issue 19: lib.edge.freeze_memory) --
    "record.rows_removed": {
        "vi": "{count} dòng có chữ ký mà máy chủ này đã thấy đã bị xóa khỏi trang {tab}: không tính biểu quyết "
              "nào ở trang này cho tới khi thư ký ghi một dòng mới qua ứng dụng (bỏ phiếu lại)",
        "en": "{count} signed rows this server saw have been deleted from the {tab} tab: no vote there counts "
              "until the secretary records a new one through the app (vote again)"},
    "freeze.key_mismatch": {
        "vi": "Khóa máy chủ khác với khóa đã ký bản chốt, hoặc bản chốt được ký cho một bảng tính khác (một bản "
              "sao, một tệp đã đổi chỗ; chữ ký ở {cells} không khớp): không ghi gì, không coi là đã mở chốt",
        "en": "This server's records key is not the key that signed the freeze, or the freeze was signed for "
              "another workbook (a copy, a moved file; signatures at {cells}): nothing is written, and the scores "
              "are not taken as unfrozen"},
    "freeze.key_refused": {
        "vi": "Không ghi: khóa máy chủ khác với khóa đã ký bản chốt (chữ ký ở {cells} không khớp khóa đang dùng: "
              "{origin}; hoặc các dòng được ký cho một bảng tính khác: một bản sao, một tệp đã đổi chỗ). "
              "Đưa lại khóa đã ký (hoặc đặt lại tệp vào chỗ cũ): đặt [auth] records_secret "
              "(hoặc freeze_secret cũ) trong "
              ".streamlit/secrets.toml như ở máy đã chốt, hoặc chép lại tệp .cache/freeze.secret của máy đó; "
              "không bao giờ coi là đã mở chốt.",
        "en": "Not written: this server's key is not the key that signed the freeze (the signatures at {cells} do "
              "not match the key in use: {origin}; or the rows were signed for another workbook: a copy, a moved "
              "file). Bring the signing key back (or the file back to its place): set [auth] records_secret (or the "
              "old freeze_secret) in .streamlit/secrets.toml as on the host that froze, or copy back that host's "
              ".cache/freeze.secret; the scores are never taken as unfrozen."},
    "freeze.rows_removed": {
        "vi": "{count} dòng chốt có chữ ký đã bị xóa khỏi trang Chot (đầu tiên: “{action}” lúc {time} "
              "của {user}); coi như vẫn theo các dòng đã thấy, không ghi điểm cho tới khi quản trị "
              "chốt hoặc mở chốt lại qua ứng dụng",
        "en": "{count} signed freeze row(s) were deleted from the Chot tab (first: “{action}” at {time} by {user}); "
              "read as the rows seen before, and no score is written until an admin freezes or unfreezes "
              "again through the app",
    },
    "freeze.broken": {
        "vi": "Bản chốt đã bị sửa sau khi chốt ({kind}): {cells} {criterion} {province} "
              "không còn khớp dấu vân tay đã ký",
        "en": "The frozen record was changed after the freeze ({kind}): {cells} {criterion} {province} "
              "no longer give the signed fingerprint"},
    "init.not_blank": {"vi": "{label} không trống; không ghi đè. Hãy dùng một bảng tính mới.",
                       "en": "{label} is not empty; nothing is overwritten. Use a new spreadsheet."},
    "layout.no_records_header": {"vi": "Trang {tab} không có dòng tiêu đề; không ghi được",
                                 "en": "Tab {tab} has no header row; the record cannot be written"},
    "layout.no_freeze_header": {"vi": "Trang {tab} không có dòng tiêu đề; không ghi được bản chốt",
                                "en": "Tab {tab} has no header row; the freeze record cannot be written"},
    "conflict.line": {
        "vi": "Tiêu chí {criterion} – {name}: bạn sửa từ {started} thành {yours}, nhưng ô hiện là {now}{who}",
        "en": "Criterion {criterion} – {name}: you changed {started} to {yours}, but the cell now holds {now}{who}"},
    "conflict.by": {"vi": " (do {by} sửa lúc {at})", "en": " (changed by {by} at {at})"},
    "conflict.unlogged": {"vi": " (sửa trực tiếp trên bảng tính, không có nhật ký)",
                          "en": " (typed in the sheet, not in the log)"},
    "cell.too_large": {"vi": "{value!r} quá lớn để là một điểm số", "en": "{value!r} is far too large for a score"},
    "xlsx.formulas": {
        "vi": "Tệp có {count} ô công thức ({cells}); lưu bằng ứng dụng sẽ làm mất giá trị của chúng, nên chưa ghi gì. "
              "Hãy thay công thức bằng giá trị (sao chép, dán giá trị) rồi lưu lại",
        "en": "The file has {count} formula cells ({cells}); saving here would lose their values, so nothing was "
              "written. Replace the formulas by their values (copy, paste values), then save again"},
    "form.no_identity": {"vi": "Không phải biểu mẫu tự chấm của ứng dụng: thiếu trang ẩn {tab} (không có chữ ký); "
                               "chưa nhập gì",
                         "en": "Not a form made by the app: the hidden tab {tab} is missing (no signature); "
                               "nothing imported"},
    "form.other_cluster": {"vi": "Biểu mẫu của cụm khác ({found!r}, cần {expected!r}); chưa nhập gì",
                           "en": "A form of another cluster ({found!r}, expected {expected!r}); nothing imported"},
    "form.other_year": {"vi": "Biểu mẫu của năm khác ({found}, cần {expected}); chưa nhập gì",
                        "en": "A form of another year ({found}, expected {expected}); nothing imported"},
    "form.not_member": {"vi": "Biểu mẫu của đơn vị mã {code!r} ({name}) không thuộc cụm; chưa nhập gì",
                        "en": "A form of unit {code!r} ({name}), not a member of the cluster; nothing imported"},
    "form.no_table": {"vi": "Không tìm thấy bảng có cột «Mã» và «Tự chấm» (trang {tab}); chưa nhập gì",
                      "en": "No table with «Mã» and «Tự chấm» columns (tab {tab}); nothing imported"},
    "form.two_tables": {"vi": "Có nhiều bảng tự chấm ({titles}); không biết lấy bảng nào, chưa nhập gì",
                        "en": "Several self-score tables ({titles}); which one is meant is unclear, nothing imported"},
    "form.refused": {"vi": "Biểu mẫu bị từ chối; chưa nhập gì", "en": "The form was refused; nothing imported"},
    "form.extra_column": {"vi": "cột thêm {header!r} không thuộc biểu mẫu; bỏ qua",
                          "en": "added column {header!r} is not part of the form; ignored"},
    "form.unheaded_column": {"vi": "cột không có tiêu đề nhưng có giá trị; bỏ qua",
                             "en": "a column without a header holds values; ignored"},
    "form.row_without_code": {"vi": "dòng có điểm hoặc minh chứng nhưng không có mã tiêu chí; bỏ qua",
                              "en": "a row with a score or evidence but no criterion code; ignored"},
    "form.unknown_criterion": {"vi": "mã {code!r} không có trong bộ tiêu chí; dòng này không được nhập",
                               "en": "code {code!r} is not a criterion; this row is not imported"},
    "form.duplicate_row": {"vi": "mã {code!r} lặp lại (đã có ở {first}); dòng này không được nhập",
                           "en": "code {code!r} repeated (first at {first}); this row is not imported"},
    "form.empty_row": {"vi": "tiêu chí {code} chưa tự chấm (ô trống không xóa điểm đang có)",
                       "en": "criterion {code} has no self-score (a blank cell never clears the sheet)"},
    "form.cleared": {"vi": "tiêu chí {code}: ô tự chấm đã bị xóa; bảng tính giữ điểm {value:score} "
                           "(nhập không xóa điểm)",
                     "en": "criterion {code}: the self-score was cleared; the sheet keeps {value:score} (an import "
                           "never clears)"},
    "form.missing_row": {"vi": "biểu mẫu không có dòng cho tiêu chí {code}",
                         "en": "the form has no row for criterion {code}"},
    # forms: signed identity and bounded reading (issues 19, 20)
    "form.unsigned": {"vi": "Biểu mẫu không có chữ ký (trang {tab} không có dòng «signature»): không biết chắc là "
                            "của tỉnh nào; chưa nhập gì",
                      "en": "The form carries no signature (tab {tab} has no «signature» row): whose it is cannot "
                            "be told; nothing imported"},
    "form.bad_signature": {"vi": "Chữ ký của biểu mẫu không khớp: thông tin nhận dạng (trang {tab}) đã bị sửa, hoặc "
                                 "biểu mẫu do máy chủ có khóa khác tạo; chưa nhập gì",
                           "en": "The form's signature does not match: its identity (tab {tab}) was edited, or another "
                                 "server (another key) made it; nothing imported"},
    "form.unsigned_confirmed": {"vi": "biểu mẫu không có chữ ký; thư ký xác nhận là của {name} (ghi nhật ký như vậy)",
                                "en": "the form has no signature; the secretary confirmed it is {name}'s (logged so)"},
    "form.unsigned_other_province": {"vi": "Biểu mẫu ghi mã tỉnh {code!r}, khác tỉnh được xác nhận ({name}); "
                                           "chưa nhập gì",
                                     "en": "The form says province {code!r}, not the confirmed one ({name}); "
                                           "nothing imported"},
    "form.name_other_province": {"vi": "Tên tệp {file!r} nêu tỉnh {named}, nhưng biểu mẫu là của {name}; hãy kiểm tra",
                                 "en": "The file name {file!r} names {named}, but the form is {name}'s; check it"},
    # -- a form's heading against its identity (issue 19 review, fmt) --
    "form.heading_other_province": {
        "vi": "Tệp {file!r}: tiêu đề bảng ghi đơn vị {heading}, nhưng thông tin nhận dạng (trang ẩn) là của {name}; "
              "không nhập biểu mẫu này — hãy dùng đúng biểu mẫu của tỉnh",
        "en": "File {file!r}: the table's heading names {heading}, but the identity (hidden tab) is {name}'s; "
              "the form is not imported — use the province's own form"},
    "form.same_province": {"vi": "Nhiều biểu mẫu cùng của {name} trong một lần nhập ({files}); không nhập tệp nào "
                                 "trong số đó, hãy chọn một",
                           "en": "Several forms of {name} in one import ({files}); none of them imported, choose one"},
    "role.cannot_import": {"vi": "{user} không có quyền nhập bảng tự chấm (chỉ thư ký hoặc quản trị)",
                           "en": "{user} may not import self-scoring forms (secretary or admin only)"},
    "import.conflict": {"vi": "Bảng tính đã thay đổi sau khi xem trước ({count} ô: {cells}); chưa nhập gì, "
                              "hãy xem lại rồi nhập",
                        "en": "The sheet changed after the preview ({count} cells: {cells}); nothing imported, "
                              "review again, then import"},
    "layout.no_code_header": {"vi": "Trang {tab} không có dòng tiêu đề với cột «Mã»; không ghi được",
                              "en": "Tab {tab} has no header row with a «Mã» column; nothing can be written"},
    "layout.no_log_header": {"vi": "Trang {tab} không có dòng tiêu đề; không ghi nhật ký được",
                             "en": "Tab {tab} has no header row; the log cannot be written"},
    "layout.no_figure_cell": {
        "vi": "Trang {tab} chưa có dòng hoặc cột cho tiêu chí {criterion} – {name}: thêm dòng/cột đó rồi lưu lại",
        "en": "Tab {tab} has no row or column for criterion {criterion} – {name}: add it, then save again"},
    "layout.no_agreed_cell": {
        "vi": "Trang ThongNhat chưa có dòng hoặc cột cho tiêu chí {criterion} – {name}: thêm dòng/cột đó rồi lưu lại",
        "en": "Tab ThongNhat has no row or column for criterion {criterion} – {name}: add it, then save again"},
    "outbox.unexpected": {"vi": "Lỗi không lường trước khi tự lưu lại ({error}); thay đổi được giữ để xem xét",
                          "en": "Unexpected error when retrying ({error}); the change is kept for review"},
    "outbox.quarantined": {"vi": "Mục hỏng trong hàng đợi, không đọc được: {error}",
                           "en": "Unreadable outbox entry: {error}"},
    # nominations and the ceremony
    "nomination.unknown": {"vi": "đề cử: chức danh {post!r} hoặc bước {stage!r} không hợp lệ",
                           "en": "nomination: unknown post {post!r} or stage {stage!r}"},
    "nomination.no_candidate": {"vi": "Đề cử cần ít nhất một tỉnh", "en": "A nomination needs a candidate"},
    "nomination.twice": {"vi": "Một tỉnh được ghi hai lần trong cùng đề cử",
                         "en": "A province is listed twice in one nomination"},
    "nomination.no_present": {"vi": "Cần ghi số đại biểu có mặt", "en": "The number of delegates present is needed"},
    "nomination.not_member": {"vi": "Tỉnh mã {province} không thuộc cụm", "en": "Province {province} is not a member"},
    "nomination.bad_word": {"vi": "đề cử {nomination}: {value!r} không phải chức danh/bước đã biết "
                                  "(Cụm trưởng/Cụm phó, Dự kiến/Chính thức)",
                            "en": "nomination {nomination}: {value!r} is not a known post or stage "
                                  "(Cụm trưởng/Cụm phó, Dự kiến/Chính thức)"},
    "role.cannot_run_ceremony": {"vi": "{user}: chỉ thư ký hoặc quản trị điều khiển màn hình hội nghị",
                                 "en": "{user}: only the secretary or the admin runs the session's screen"},
    "blank": {"vi": "(trống)", "en": "(blank)"},
    # sign-in
    "login.busy": {"vi": "Đang kiểm tra lần đăng nhập trước, vui lòng đợi",
                   "en": "The previous sign-in is still being checked, please wait"},
    "login.locked": {"vi": "Sai mã nhiều lần. Tạm khóa đăng nhập đến {until:%H:%M}",
                     "en": "Too many wrong passcodes. Sign-in from this address is locked until {until:%H:%M}"},
    "login.delay": {"vi": "Thử lại sau {seconds} giây", "en": "Try again in {seconds} s"},
    "login.wrong": {"vi": "Mã đăng nhập không đúng. {then}", "en": "Wrong passcode. {then}"},
    "login.try_again": {"vi": "", "en": ""},
    "login.unset": {"vi": "Chưa cấu hình mã đăng nhập (mục [auth] trong {file})",
                    "en": "No passcodes are configured (the [auth] table of {file})"},
    "login.empty": {"vi": "Hãy nhập mã đăng nhập", "en": "Enter the passcode"},
    "login.config_error": {"vi": "Cấu hình đăng nhập sai: {error}", "en": "The sign-in settings are wrong: {error}"},
    # --- the durable state (issue 20: web/writes.py, lib/edge/state.py, lib/edge/outbox.py) ---
    "state.locked": {"vi": "Cơ sở dữ liệu trạng thái {file} đang bị tiến trình khác khóa quá lâu ({error})",
                     "en": "The state database {file} was locked by another process for too long ({error})"},
    "state.full": {"vi": "Đĩa đầy: không ghi được cơ sở dữ liệu trạng thái {file} ({error})",
                   "en": "The disk is full: the state database {file} cannot be written ({error})"},
    "state.io": {"vi": "Lỗi đọc/ghi cơ sở dữ liệu trạng thái {file} ({error})",
                 "en": "Reading or writing the state database {file} failed ({error})"},
    "state.failed": {"vi": "Cơ sở dữ liệu trạng thái {file} báo lỗi ({error})",
                     "en": "The state database {file} failed ({error})"},
    "state.not_saved": {"vi": "Chưa lưu lên bảng tính và chưa được giữ lại: {problem}. Hãy lưu lại sau ít phút.",
                        "en": "Not saved to the sheet and not kept: {problem}. Save again in a few minutes."},
    "state.saved_still_queued": {
        "vi": "Đã lưu lên bảng tính. Hàng đợi chưa xóa được mục này ({error}); lần tự lưu lại sẽ thấy nó đã có, "
              "không ghi hai lần.",
        "en": "Saved to the sheet. The queue could not drop it ({error}); the retry will find it there and "
              "write nothing twice."},
    "state.queued_unnoted": {
        "vi": "Chưa lưu lên bảng tính: thay đổi đã được giữ trong hàng đợi và sẽ tự lưu lại ({error})",
        "en": "Not yet saved to the sheet: the change is kept in the queue and will be retried ({error})"},
    "review.parked_now": {
        "vi": "Không lưu: thay đổi bị gác lại để thư ký quyết định, không tự lưu lại. Lý do: {reason}",
        "en": "Not saved: the change is set aside for the secretary to decide and will not be retried. "
              "Reason: {reason}"},
}


class _Value:
    """A template value: ``{value:score}`` writes a score the Vietnamese way (``9,5``); ``!r`` shows it as typed."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        if spec == "score":
            return score_text(self.value) if isinstance(self.value, Decimal) else str(self.value)
        if spec == "points":  # two decimals, decimal comma: 6,40
            return format(self.value, ".2f").replace(".", ",") if isinstance(self.value, Decimal) else str(self.value)
        return format(self.value, spec)

    def __repr__(self) -> str:
        return repr(self.value)

    def __str__(self) -> str:
        return str(self.value)


def _word(code: str, params: Params | Mapping[str, object], lang: str) -> str:
    entry = MESSAGES.get(code)
    values = dict(params)
    for key, value in values.items():
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            values[key] = _word(value[0], value[1], lang)  # a nested cause, e.g. the cell's own problem
    if entry is None:  # a code without words yet: still say what it is, never a blank
        return f"{code} {values}" if values else code
    template = entry.get(lang) or entry["vi"]
    return _format(template, values)


def _format(template: str, values: Mapping[str, object]) -> str:
    return template.format(**{k: _Value(v) for k, v in values.items()})


def award_label(name: str | None, lang: str = "vi", awards: Sequence[Award] = ()) -> str:
    """An award's name for the screen: Vietnamese, and on English screens its English name when it has one.

    >>> flag = Award("Cờ thi đua của Chính phủ", 1, 1, "Government Emulation Flag")
    >>> award_label(flag.name, "en", [flag]), award_label(flag.name, "vi", [flag]), award_label(None, "en")
    ('Government Emulation Flag', 'Cờ thi đua của Chính phủ', '')
    """
    if not name:
        return ""
    english = next((a.name_en for a in awards if a.name == name and a.name_en), "")
    return english if lang == "en" and english else name


def describe(problem: Problem, lang: str = "vi") -> str:
    """A workbook problem in words.

    >>> from lib.core.model import Problem
    >>> describe(Problem.error("TuCham!C5", "score.out_of_range", criterion="1.1", value=12, max=10), "en")
    'criterion 1.1: score 12 outside 0–10'
    """
    return _word(problem.code, problem.params, lang)


def word(code: str, params: Params | Mapping[str, object] = (), lang: str = "vi") -> str:
    """Any message code with its parameters in words."""
    return _word(code, params, lang)


def explain(error: BaseException, lang: str = "vi") -> str:
    """An error in words: coded errors through the catalogue (each rule of a change set on its own line)."""
    if isinstance(error, InvalidChangeSet):
        return "; ".join(_word(code, params, lang) for code, params in error.problems)
    if isinstance(error, ChangeSetConflict):
        return _word(error.code, error.params, lang) + ": " + "; ".join(conflict_line(c, lang) for c in error.conflicts)
    if isinstance(error, CodedError):
        return _word(error.code, error.params, lang)
    if isinstance(error, ScoreboardError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def conflict_line(conflict: Conflict, lang: str = "vi") -> str:
    """One line for the secretary about one conflicting cell."""
    blank = _word("blank", (), lang)

    def show(value: Decimal | None) -> str:
        return blank if value is None else score_text(value)

    who = (_word("conflict.by", {"by": conflict.by, "at": conflict.at}, lang) if conflict.by
           else _word("conflict.unlogged", (), lang))
    return _word("conflict.line", {"criterion": conflict.criterion, "name": conflict.province_name,
                                   "started": show(conflict.started_from), "yours": show(conflict.yours),
                                   "now": show(conflict.now), "who": who}, lang)


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The text for ``key`` in ``lang`` (Vietnamese when missing), with ``values`` filled in.

    >>> t("year", year=2019), t("year", "en", year=2019)
    ('Năm 2019', 'Year 2019')
    """
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["vi"]
    return text.format(**values) if values else text
