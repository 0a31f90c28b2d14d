"""The preliminary meeting's hall screen, pure parts: the shared state (``lib.core.meeting``) and the
HTML it is built as (``lib.present.meeting_screen``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lib.core.meeting import Meeting, decode_pending, encode_pending, under_discussion
from lib.core.model import VN_TIME, Adjustment, LogEntry
from lib.core.review import Move, by_code, what_if
from lib.core.scoring import Rules
from lib.present.meeting_layout import ROTATE_SECONDS
from lib.present.meeting_screen import MOVES_SHOWN, last_saved, meeting_container, meeting_rows, meeting_screen
from tests.sheets import PROVINCES, criterion, sheet

D = Decimal
QN, QNG = PROVINCES[:2]
AT = dt.datetime(2020, 3, 12, 14, 20, tzinfo=VN_TIME)
CRITERIA = [criterion("1.1"), criterion("1.2"), criterion("1.3")]
SHEET = sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}, "51": {"1.1": "8", "1.2": "8", "1.3": "8"}},
              {"49": {"1.1": "9", "1.3": "5"}, "51": {"1.1": "8", "1.2": "8", "1.3": "8"}})


def _lines(html: str) -> list[str]:
    """The what-if's lines as read (the mark is held to its line by a no-break space)."""
    return [line.replace("\u00a0", " ") for line in re.findall(r"<li[^>]*>(.*?)</li>", html)]


# -- the shared state ------------------------------------------------------------------------

decimals = st.none() | st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.text(max_size=6), st.text(max_size=4), decimals, decimals, st.text(max_size=30),
                          st.sampled_from(["ThongNhat", "KeHoach", "KetQua"])), max_size=5))
def test_pending_changes_come_back_exactly_as_written(rows) -> None:  # noqa: ANN001
    pending = tuple(Adjustment(*row) for row in rows)
    back = decode_pending(encode_pending(pending))
    assert back == pending
    assert [str(a.new) for a in back] == [str(a.new) for a in pending]  # 7.50 stays 7.50, not 7.5


def test_unreadable_pending_text_is_nothing_pending_not_an_error() -> None:
    assert decode_pending("") == ()
    assert decode_pending("{not json") == ()
    assert decode_pending('{"a": 1}') == ()
    good = ["1.1", "49", None, "7.5", "x", "ThongNhat"]
    assert decode_pending(f'[{good!r}, ["1.2"], ["1.3", "49", "abc", "7", "y", "Sheet9"]]'.replace("'", '"')
                          .replace("None", "null")) == (Adjustment("1.1", "49", None, D("7.5"), "x"),)


def test_a_criterion_is_under_discussion_without_an_agreed_score_or_with_a_warning() -> None:
    assert under_discussion(SHEET, "1.2", "49", warned=False)  # no agreed score yet
    assert not under_discussion(SHEET, "1.1", "49", warned=False)
    assert under_discussion(SHEET, "1.1", "49", warned=True)


def test_a_claim_that_differs_from_the_computed_score_is_under_discussion() -> None:
    computed = dataclasses.replace(SHEET, computed={("1.1", "49"): D("8.5"), ("1.3", "49"): D("5")})
    assert under_discussion(computed, "1.1", "49", warned=False)  # claims 9, the working gives 8.5
    assert not under_discussion(computed, "1.3", "49", warned=False)  # claims what the working gives


# -- the screen ------------------------------------------------------------------------------


def test_the_open_criteria_come_first_then_the_agreed_ones_in_table_order() -> None:
    rows = meeting_rows(SHEET, QN, Meeting("49"))
    assert [(r.row.criterion.code, r.open) for r in rows] == [("1.2", True), ("1.1", False), ("1.3", False)]


def test_a_pending_change_marks_its_row_and_a_cleared_score_counts_as_a_change() -> None:
    meeting = Meeting("49", (Adjustment("1.1", "49", D("9"), None, "x"), Adjustment("1.3", "51", D("8"), D(1), "y")))
    changed = {r.row.criterion.code: (r.changed, r.pending) for r in meeting_rows(SHEET, QN, meeting)}
    assert changed == {"1.2": (False, None), "1.1": (True, None), "1.3": (False, None)}  # 51's change is not 49's


def test_the_screen_shows_the_province_the_pending_what_if_marked_unsaved_and_nothing_to_edit() -> None:
    pending = (Adjustment("1.2", "49", None, D("4.5"), "GRDP"),)
    moves = what_if(SHEET, Rules(), pending)[1]
    html = meeting_screen(SHEET, Meeting("49", pending), moves, "vi", fetched_at=AT, stale=False)
    assert "Quảng Nam" in html and 'data-testid="meet-whatif"' in html and "chưa lưu" in html
    assert "→ 4,50" in html  # the pending value beside the agreed one, two decimals
    assert "Đang thảo luận (1)" in html and "Đã thống nhất" in html
    for tag in ("<input", "<button", "<textarea", "<select", "<a ", "<form"):
        assert tag not in html


def test_with_nothing_pending_there_is_no_what_if() -> None:
    html = meeting_screen(SHEET, Meeting("49"), None, "vi", fetched_at=AT, stale=False)
    assert "meet-whatif" not in html


def test_before_the_secretary_opens_a_province_the_screen_says_so() -> None:
    for meeting in (Meeting(), Meeting("99")):
        html = meeting_screen(SHEET, meeting, None, "vi", fetched_at=AT, stale=True)
        assert "Thư ký chưa mở tỉnh nào" in html and "meet-stale" in html


def test_english_screen_writes_numbers_the_english_way_and_the_log_s_values_too() -> None:
    logged = dataclasses.replace(SHEET, log=(LogEntry("12/03/2020 14:20", "Thư ký", "Quảng Nam", "1.1", "3.75", "9",
                                                      "GRDP"),))
    pending = (Adjustment("1.2", "49", None, D("4.5"), "GRDP"),)
    moves = what_if(logged, Rules(), pending)[1]
    english = meeting_screen(logged, Meeting("49", pending), moves, "en", fetched_at=AT, stale=False)
    assert "→ 4.50" in english and "3.75 → 9.00" in english and "4,50" not in english
    vietnamese = meeting_screen(logged, Meeting("49"), None, "vi", fetched_at=AT, stale=False)
    assert "3,75 → 9,00" in vietnamese  # the log wrote "3.75": one format per language


def test_the_last_saved_change_is_the_province_s_latest_log_row_by_code_or_name() -> None:
    log = (LogEntry("t1", "u", "Quảng Nam", "1.1", "", "9", "a"), LogEntry("t2", "u", "51", "1.1", "", "8", "b"),
           LogEntry("t3", "u", "quang nam", "1.2", "", "7", "c"))
    assert last_saved(log, QN).reason == "c"  # the name written any way the sheet folds it
    assert last_saved(log, QNG).reason == "b"
    assert last_saved((), QN) is None


# -- fitting the hall (issue 21, point 9): what is open, what is folded, what the page's script pages --------


def test_a_pending_change_opens_an_agreed_criterion_and_brings_it_to_the_front() -> None:
    agreed_plain = Meeting("49", (Adjustment("1.3", "49", D("5"), D("4"), "x"),))  # 1.3 is agreed, as claimed
    rows = meeting_rows(SHEET, QN, agreed_plain)
    assert [(r.row.criterion.code, r.open, r.changed) for r in rows] == [
        ("1.2", True, False), ("1.3", True, True), ("1.1", False, False)]  # open ones in table order
    other_tab = Meeting("49", (Adjustment("1.3", "49", D("5"), D("4"), "x", "KeHoach"),))
    assert not {r.row.criterion.code: r.open for r in meeting_rows(SHEET, QN, other_tab)}["1.3"]
    other_province = Meeting("49", (Adjustment("1.3", "51", D("8"), D("4"), "x"),))
    assert not {r.row.criterion.code: r.open for r in meeting_rows(SHEET, QN, other_province)}["1.3"]


def test_every_reason_to_discuss_opens_a_row_and_only_those() -> None:
    computed = dataclasses.replace(SHEET, computed={("1.1", "49"): D("8.5")})
    assert [r.row.criterion.code for r in meeting_rows(computed, QN, Meeting("49")) if r.open] == ["1.1", "1.2"]
    settled = sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}},
                    {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}})
    assert [r.open for r in meeting_rows(settled, QN, Meeting("49"))] == [False, False, False]


def _rows_in(html: str) -> list[str]:
    return re.findall(r'<tr class="meet-open[^"]*" data-code="([^"]+)"', html)


def test_open_criteria_are_rows_and_agreed_ones_are_folded_into_codes_and_scores() -> None:
    pending = (Adjustment("1.3", "49", D("5"), D("4"), "x"),)
    html = meeting_screen(SHEET, Meeting("49", pending), [], "vi", fetched_at=AT, stale=False)
    assert _rows_in(html) == ["1.2", "1.3"]
    assert 'class="meet-open meet-changed" data-code="1.3"' in html  # the pager shows its page first
    folded = html[html.index('data-testid="meet-settled"'):]
    assert "Đã thống nhất (1)" in folded and '<b>1.1</b> 9,00' in folded
    assert "Đang thảo luận (2)" in html and 'data-testid="meet-page"' in html


def test_with_nothing_open_the_screen_says_so_and_has_no_table() -> None:
    settled = sheet(CRITERIA, {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}},
                    {"49": {"1.1": "9", "1.2": "7.5", "1.3": "5"}})
    html = meeting_screen(settled, Meeting("49"), None, "en", fetched_at=AT, stale=False)
    assert "Nothing left under discussion" in html and "meet-table" not in html and "Agreed (3)" in html


def test_the_what_if_shows_the_open_province_first_and_counts_what_it_leaves_out() -> None:
    moves = [Move(p, i + 2, i + 1, D(80), D(81), (), ()) for i, p in enumerate(PROVINCES[2:9])]
    moves.append(Move(QN, 1, 9, D(90), D(70), (), ()))
    html = meeting_screen(SHEET, Meeting("49"), moves, "vi", fetched_at=AT, stale=False)
    lines = _lines(html)
    assert len(lines) == MOVES_SHOWN + 1 and lines[0].startswith("▼ Quảng Nam")
    assert lines[-1] == f"… và {len(moves) - MOVES_SHOWN} thay đổi khác"


def test_the_open_province_leads_the_what_if_also_when_the_changes_do_not_move_it() -> None:
    """Her pending change is on another province's criterion (the meeting went back to it): the open
    province's line comes first, said unchanged, so the hall never takes another's line for its own."""
    pending = (Adjustment("1.2", "51", D("8"), D("7"), "x"),)
    after, moves = what_if(SHEET, Rules(), pending)
    assert [m.province.code for m in moves] == ["51"]
    html = meeting_screen(SHEET, Meeting("49", pending), moves, "vi", fetched_at=AT, stale=False,
                          open_after=by_code(after)["49"])
    lines = _lines(html)
    assert lines[0] == "• Quảng Nam: 21,50, hạng 2 — không đổi"
    assert lines[1] == "• Quảng Ngãi: 24,00 → 23,00, hạng 1 → 1" and len(lines) == 2


def test_the_province_whose_score_changes_is_never_left_out_for_ones_that_only_shift_rank() -> None:
    """Her change lowers another province's score (open: Quảng Nam, change on Quảng Ngãi's 1.2): the changed
    province is the line the hall needs; provinces that only move up a place because it fell come after it,
    and it is never counted away in "… và N thay đổi khác" behind them (it was, being last in rank order)."""
    passive = [Move(p, i + 3, i + 2, D(80), D(80), (), ()) for i, p in enumerate(PROVINCES[2:7])]
    touched = Move(QNG, 2, 9, D(90), D(60), (), ())
    html = meeting_screen(SHEET, Meeting("49"), [*passive, touched], "vi", fetched_at=AT, stale=False)
    lines = _lines(html)
    assert lines[0].startswith("▼ Quảng Ngãi: 90,00 → 60,00"), lines
    assert "<li>▼\u00a0Quảng Ngãi" in html  # a name with no space breaks after the mark, not the mark alone
    assert [line.split(":")[0][2:] for line in lines[1:MOVES_SHOWN]] == [p.name for p in PROVINCES[2:5]]
    assert lines[-1] == f"… và {len(passive) + 1 - MOVES_SHOWN} thay đổi khác"


def test_the_container_carries_the_pager_with_its_words_and_the_follow_script() -> None:
    page = meeting_container("<p>x</p>", "en", '"v1"', "lost")
    assert 'data-page-words="· page {page}/{pages}"' in page and "__thiduaHall" in page
    assert f"{ROTATE_SECONDS} * 1000" in page and "layout(true)" in page  # a new fragment is paged again
    assert "%(" not in page and "%%" not in page  # every placeholder of the script templates was filled
