"""The reveal held back on the other public pages (Bảng điểm, Lịch sử, Bình xét, Tiến độ, Kết quả, In).

Under AppTest, with the ceremony's state written as the secretary's control screen writes it
(``lib.edge.ceremony.update`` on the state database the app reads): a visitor who is not signed
in finds no covered province's name or total anywhere on the page (tables, choices, charts, the
printed HTML); the signed-in secretary finds them, marked "chưa công bố".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import web.live
from lib.core.ceremony import Ceremony, covered, reveal_steps
from lib.core.model import Role
from lib.edge import ceremony as shared
from lib.edge.state import DB_NAME
from lib.present.formatting import number
from tests.test_meeting_pages import SECRETARY, app, evaluated, signed_in
from tests.test_meeting_pages import meeting as meeting_fixture

meeting = meeting_fixture  # the meeting pages' demo copy, with the state database the ceremony is kept in
PAGES = ["pages/ranking.py", "pages/scores.py", "pages/history.py", "pages/votes.py", "pages/tracker.py",
         "pages/results.py"]
COVER = Role.SECRETARY  # the role the control screen writes the ceremony's state as


def cover(workbook: Path, revealed: int) -> tuple[set[str], set[str], set[str]]:
    """Start the reveal at ``revealed`` steps; the covered names, their totals, and every shown province's."""
    shared.update(workbook.parent / "cache" / DB_NAME, "cluster", lambda _: Ceremony(True, revealed), "t", COVER)
    standings = evaluated(workbook).standings
    hidden = covered(standings, revealed)
    assert hidden and len(hidden) < len(standings)
    names = {s.province.name for s in standings if s.code in hidden}
    shown = {s.province.name for s in standings if s.code not in hidden}
    others = {number(s.agreed_total) for s in standings if s.code not in hidden}
    totals = {number(s.agreed_total) for s in standings if s.code in hidden} - others
    return names, totals, shown


def everything(at: AppTest) -> str:
    """Every text the page shows: words, tables, choices, charts and HTML."""
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error")
             for e in getattr(at, kind)]
    # An uncovered province's working may name the criterion's leader ("dẫn đầu 20 (Quảng Nam)"): one
    # result, not a place or a total; the delegates' breakdown shows the same working.
    parts += [frame.value.drop(columns=["Cách tính điểm"], errors="ignore").to_string() for frame in at.dataframe]
    parts += [str(frame.value.index.tolist()) for frame in at.dataframe]
    parts += [" ".join(map(str, box.options)) for box in [*at.selectbox, *at.multiselect]]
    parts += [h.proto.body for h in at.get("html")] + [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(str(p) for p in parts)


@pytest.fixture(autouse=True)
def no_watcher(monkeypatch):
    monkeypatch.setattr(web.live, "_ceremony", None)  # the app reads the state database, as with no watcher yet


def opened(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("revealed", [0, 1])
def test_a_visitor_sees_no_covered_province_on_the_page(meeting, page, revealed):
    names, totals, shown = cover(meeting, revealed)
    at = opened(app(), page)
    text = everything(at)
    if page == "pages/tracker.py":  # the progress table: every member, in the config's order, counts only
        assert set(at.dataframe[0].value["Tỉnh"]) == names | shown
        text = text.replace(at.dataframe[0].value.to_string(), "")
        assert not [b for b in at.get("download_button") if b.proto.label.startswith("Tải tất cả")]
    assert not [n for n in names if n in text], page
    assert not [total for total in totals if total in text], page
    assert "đang chờ công bố" in text or "sau khi công bố xong" in text  # the line saying what is held back
    if page not in ("pages/results.py", "pages/votes.py", "pages/ranking.py"):
        assert any(n in text for n in shown)  # the rest is still there
    if page == "pages/votes.py":  # the tie at 4th is an award line: covered at 0 steps, shown once revealed
        assert ("Bình Định" in text) == (revealed == 1)


@pytest.mark.parametrize("page", PAGES)
def test_the_secretary_sees_everything_marked_not_yet_revealed(meeting, page):
    names, _, _ = cover(meeting, 0)
    text = everything(opened(signed_in(SECRETARY), page))
    assert "CHƯA CÔNG BỐ" in text
    if page in ("pages/scores.py", "pages/votes.py"):
        assert all(n in text for n in names) and "(chưa công bố)" in text


def test_the_scores_matrix_keeps_a_placeholder_row_per_covered_place_and_no_margin(meeting):
    names, _, _ = cover(meeting, 1)
    at = opened(app(), "pages/scores.py")
    index = at.dataframe[0].value.index.tolist()
    placeholders = [f"{r}. chưa công bố" + "\u200b" * n for n, r in enumerate(range(1, len(names) + 1))]
    assert [i for i in index if "chưa công bố" in i] == placeholders
    assert "cách" not in at.caption[-1].value.lower() or "giải" not in at.caption[-1].value  # no margin line


def test_off_the_ceremony_every_page_shows_everything(meeting):
    names, _, _ = cover(meeting, 0)
    shared.update(meeting.parent / "cache" / DB_NAME, "cluster", lambda _: Ceremony(False, 0), "t", Role.SECRETARY)
    text = everything(opened(app(), "pages/scores.py"))
    assert all(n in text for n in names) and "chưa công bố" not in text


@pytest.mark.parametrize("revealed", [0, 1])
def test_the_print_view_holds_back_the_covered_places_for_a_visitor(meeting, revealed):
    names, totals, shown = cover(meeting, revealed)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=30)
    at.query_params["view"] = "print"
    at.run()
    assert not at.exception, at.exception
    html = " ".join(h.proto.body for h in at.get("html"))
    html = html.split("<p class='date'>")[0]  # the place of the session ("Quảng Ngãi, ngày …") is not a place won
    assert not [n for n in names if n in html] and not [x for x in totals if x in html]
    assert html.count("chưa công bố") == len(names) and all(n in html for n in shown)
    assert "mã kiểm tra" not in html


def test_reveal_steps_are_what_the_tests_assume(meeting):
    assert len(reveal_steps(evaluated(meeting).standings)) >= 2
