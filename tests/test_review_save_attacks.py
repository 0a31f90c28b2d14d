"""Trying to break the review page's save-at-the-start-of-the-click's-run (``web/review_save.py``).

AppTest seeds the grid's edits as the browser would send them (``edited_rows`` under the editor's
key, see ``state.editor``); another writer is a save straight to the workbook, as another server
process would make it, followed by the shared reader's invalidation (as ``web.writes`` does).
"""

from __future__ import annotations

from decimal import Decimal

from lib.core.config import load_config
from lib.core.model import Adjustment, ChangeSet, Role
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import save
from tests.test_meeting_pages import SECRETARY, evaluated, signed_in
from tests.test_meeting_pages import meeting as _meeting
from tests.test_pages import make_config
from web import data, state

meeting = _meeting  # the fixture, under its name
PROVINCE = "64"  # Gia Lai: nothing agreed yet in the demo


def review(at, province: str = PROVINCE):
    at.switch_page("pages/review.py").run()
    at.selectbox(key="review-province").set_value(province).run()
    assert not at.exception, at.exception
    return at


def type_into_grid(at, rows: dict[int, dict[str, object]], province: str = PROVINCE):
    """The edits the grid sends with the next run, as the browser would."""
    version = at.session_state[state.editor_version(province)]
    at.session_state[state.editor(province, version)] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at


def other_writer(workbook, criterion: str, new: str, province: str = PROVINCE) -> None:
    """Another secretary's save on another server, then this server's reader learns of it."""
    config = load_config(make_config(workbook.parent, workbook))
    sheet = evaluated(workbook).sheet
    old = sheet.agreed.get((criterion, province))
    change = ChangeSet("Thư ký khác", Role.SECRETARY, (Adjustment(criterion, province, old, Decimal(new), "khác"),))
    save(XlsxSource(workbook), change, config.provinces)
    data.shared_reader().invalidate()


def force_click(at, key: str):
    """A click the browser would not send (the button is disabled): a forged request, or one in flight."""
    button = at.button(key=key)
    button.proto.disabled = False
    return button.click().run()


def log_for(workbook, criterion: str, province: str = PROVINCE):
    log = evaluated(workbook).sheet.log
    return [e for e in log if e.criterion == criterion and e.province in (province, "Gia Lai")]


def test_the_save_saves_what_the_grid_showed_as_pending(meeting):
    at = type_into_grid(review(signed_in(SECRETARY)), {0: {"new": "5", "reason": "Theo báo cáo"}})
    at.run()
    code = evaluated(meeting).sheet.criteria[0].code
    assert any("1" in c.value for c in at.caption)
    at.button(key=state.SAVE_BUTTON).click().run()
    assert not at.exception, at.exception
    assert evaluated(meeting).sheet.agreed[(code, PROVINCE)] == Decimal(5)


def test_a_value_another_writer_saved_after_her_render_is_a_conflict_not_overwritten(meeting):
    """She saw the cell blank and typed 5; meanwhile another secretary saved 3 there. Her save must
    not silently replace the 3 she never saw: the conflict is shown, and nothing is written."""
    at = type_into_grid(review(signed_in(SECRETARY)), {0: {"new": "5", "reason": "Theo báo cáo"}})
    at.run()
    code = evaluated(meeting).sheet.criteria[0].code
    other_writer(meeting, code, "3")
    assert evaluated(meeting).sheet.agreed[(code, PROVINCE)] == Decimal(3)
    at.button(key=state.SAVE_BUTTON).click().run()
    assert not at.exception, at.exception
    assert evaluated(meeting).sheet.agreed[(code, PROVINCE)] == Decimal(3), [
        (e.user, e.old, e.new) for e in log_for(meeting, code)]
    assert at.session_state[state.CONFLICT]
    assert any("3" in m.value for m in at.markdown if "5" in m.value)  # the conflict names both values
    at.button(key="conflict-keep").click().run()  # "keep mine": now over the 3 she has seen
    assert not at.exception, at.exception
    assert evaluated(meeting).sheet.agreed[(code, PROVINCE)] == Decimal(5)
    assert [(e.old, e.new) for e in log_for(meeting, code)][-1] == ("3", "5")


def test_a_second_click_carrying_the_old_grid_s_edits_saves_nothing_more(meeting):
    """A double click: the second click's run comes with the edits of the grid the first save replaced."""
    at = type_into_grid(review(signed_in(SECRETARY)), {0: {"new": "5", "reason": "Theo báo cáo"}})
    at.run()
    code = evaluated(meeting).sheet.criteria[0].code
    at.button(key=state.SAVE_BUTTON).click().run()
    before = len(evaluated(meeting).sheet.log)
    at.session_state[state.editor(PROVINCE, 0)] = {"edited_rows": {0: {"new": "6", "reason": "lần hai"}},
                                                   "added_rows": [], "deleted_rows": []}
    force_click(at, state.SAVE_BUTTON)
    assert not at.exception, at.exception
    assert len(evaluated(meeting).sheet.log) == before
    assert evaluated(meeting).sheet.agreed[(code, PROVINCE)] == Decimal(5)
    assert state.CONFLICT not in at.session_state


def test_a_click_with_a_blocking_problem_saves_nothing(meeting):
    """No reason given: the button is disabled, but a click may still come (a forged one, or a race)."""
    at = type_into_grid(review(signed_in(SECRETARY)), {0: {"new": "5", "reason": "  "},
                                                        1: {"new": "2", "reason": "x"}})
    at.run()
    assert at.button(key=state.SAVE_BUTTON).disabled
    before = len(evaluated(meeting).sheet.log)
    force_click(at, state.SAVE_BUTTON)
    assert not at.exception, at.exception
    assert len(evaluated(meeting).sheet.log) == before


def test_edits_seen_on_one_province_are_not_saved_on_another(meeting):
    """Her edits on Gia Lai; she switches to another province and saves there: only that grid counts."""
    at = type_into_grid(review(signed_in(SECRETARY)), {0: {"new": "5", "reason": "Theo báo cáo"}})
    at.run()
    other = next(p.code for p in evaluated(meeting).sheet.provinces if p.code != PROVINCE)
    at.selectbox(key="review-province").set_value(other).run()
    before = evaluated(meeting)
    assert at.button(key=state.SAVE_BUTTON).disabled  # nothing pending on this one
    force_click(at, state.SAVE_BUTTON)
    assert not at.exception, at.exception
    assert evaluated(meeting).sheet.agreed == before.sheet.agreed


def test_a_result_another_writer_corrected_after_her_render_is_a_conflict_not_overwritten(meeting):
    """The correction form showed "Đang ghi: 18" and the what-if from it; another secretary then corrected
    the result to 19. Her click must not replace the 19 she never saw (the click's run reads it first)."""
    at = signed_in(SECRETARY)
    at.switch_page("pages/review.py").run()
    at.selectbox(key="review-province").set_value("68").run()  # Lâm Đồng
    at.selectbox(key="fix-criterion").set_value("1.5").run()
    at.text_input(key="fix-value").input("22,5").run()
    at.text_input(key="fix-reason").input("Theo quyết định công nhận").run()
    assert "Đang ghi: 18" in [c.value for c in at.caption]
    config = load_config(make_config(meeting.parent, meeting))
    change = ChangeSet("Thư ký khác", Role.SECRETARY,
                       (Adjustment("1.5", "68", Decimal(18), Decimal(19), "khác", "KetQua"),))
    save(XlsxSource(meeting), change, config.provinces)
    data.shared_reader().invalidate()
    at.button(key="fix-save").click().run()
    assert not at.exception, at.exception
    assert evaluated(meeting).sheet.results[("1.5", "68")] == Decimal(19)
    assert at.session_state[state.CONFLICT]
    at.button(key="conflict-keep").click().run()  # "keep mine" over the 19 she has now seen
    assert not at.exception, at.exception
    assert evaluated(meeting).sheet.results[("1.5", "68")] == Decimal("22.5")


def test_a_conflict_answered_by_saving_again_is_no_longer_shown(meeting):
    """After the conflict she saves again from the grid (now showing the other value): the old conflict
    and its "keep mine" must go, or a click on it would send the stale change set once more."""
    at = type_into_grid(review(signed_in(SECRETARY)), {0: {"new": "5", "reason": "Theo báo cáo"}})
    at.run()
    code = evaluated(meeting).sheet.criteria[0].code
    other_writer(meeting, code, "3")
    at.button(key=state.SAVE_BUTTON).click().run()
    assert at.session_state[state.CONFLICT]
    at.button(key=state.SAVE_BUTTON).click().run()  # her edits are still in the grid; she saves over the 3
    assert not at.exception, at.exception
    assert evaluated(meeting).sheet.agreed[(code, PROVINCE)] == Decimal(5)
    assert not [b for b in at.button if b.key == "conflict-keep"]
