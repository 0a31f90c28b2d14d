"""The official session: the reveal, the agenda, next year's leader and deputy, the session's minutes."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import docx
import pytest

from lib.core.auth import Role
from lib.core.ceremony import Ceremony, advance_agenda, covered, last_revealed, reveal_steps, step
from lib.core.config import load_config
from lib.core.errors import ConfigError, InvalidChangeSet, NotAllowed
from lib.core.evaluation import evaluate
from lib.core.model import DEPUTY, ELECTION, LEADER, PROPOSAL, Nomination
from lib.core.nominations import elected, nomination_problems, outcome
from lib.edge import ceremony as shared
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import record_nomination, set_frozen
from lib.present.ceremony import agenda_line, nomination_lines
from lib.present.exports import conference_minutes_docx
from lib.present.projector_html import ranking_html
from tests.test_meeting_pages import SECRETARY, app, signed_in, use_cookie_jar
from tests.test_pages import ROOT, make_config

DEMO = ROOT / "config" / "demo.xlsx"


@pytest.fixture
def demo(tmp_path) -> Path:
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, workbook)
    return workbook


@pytest.fixture
def meeting(tmp_path, monkeypatch) -> Path:
    """The demo for the pages, with its own state database (the ceremony's row starts fully covered)."""
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, workbook)
    monkeypatch.setenv("THIDUA_CONFIG", str(make_config(tmp_path, workbook)))
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    use_cookie_jar(monkeypatch)
    return workbook


def evaluated(workbook: Path):
    return evaluate(XlsxSource(workbook).read(), load_config(make_config(workbook.parent, workbook)))


# --- the reveal ---------------------------------------------------------------------------------

def test_the_reveal_goes_from_the_last_award_rank_up_to_first_a_tie_uncovered_together(demo):
    standings = evaluated(demo).standings
    steps = reveal_steps(standings)
    assert steps == (4, 3, 2, 1)  # the demo's tie at 4 (Bình Định, Đắk Lắk) is one step
    award_codes = {s.code for s in standings if s.award is not None}
    assert covered(standings, 0) == award_codes
    assert {s.province.name for s in last_revealed(standings, 1)} == {"Bình Định", "Đắk Lắk"}
    assert covered(standings, 1) == {s.code for s in standings if s.award is not None and s.rank < 4}
    assert [s.province.name for s in last_revealed(standings, 4)] == ["Quảng Ngãi"]
    assert covered(standings, 4) == frozenset() and last_revealed(standings, 0) == ()


def test_reveal_stepping_stays_within_bounds():
    state = Ceremony(active=True)
    assert step(state, -1, 4).revealed == 0
    for _ in range(6):
        state = step(state, +1, 4)
    assert state.revealed == 4 and step(state, -1, 4).revealed == 3
    assert step(Ceremony(revealed=3), +1, 0).revealed == 0  # no awards: nothing to uncover


def test_agenda_advances_within_the_programme():
    state = Ceremony()
    assert advance_agenda(state, -1, 9).agenda is None
    state = advance_agenda(state, +1, 9)
    assert state.agenda == 0
    for _ in range(12):
        state = advance_agenda(state, +1, 9)
    assert state.agenda == 8
    assert advance_agenda(Ceremony(agenda=0), -1, 9).agenda is None
    assert advance_agenda(Ceremony(agenda=3), +1, 0).agenda is None


def test_covered_places_keep_their_row_as_a_placeholder(demo):
    standings = evaluated(demo).standings
    page = ranking_html(standings, ["Cờ thi đua của Chính phủ", "Bằng khen của Thủ tướng Chính phủ"],
                        covered=covered(standings, 1))
    assert page.count('class="rk-row rk-hidden"') == 3  # ranks 3, 2, 1 still covered
    assert page.count('class="rk-row') == len(standings)  # every place has its row
    assert "Quảng Ngãi" not in page and "Bình Định" in page and "Hạng 1" in page


def test_the_shared_state_is_durable_and_only_a_writer_changes_it(tmp_path):
    db = tmp_path / "state.sqlite3"
    assert shared.load(db, "c") == Ceremony()
    shared.update(db, "c", lambda c: Ceremony(True, 2, 3), "Thư ký", Role.SECRETARY)
    assert shared.load(db, "c") == Ceremony(True, 2, 3)
    assert shared.load(db, "other") == Ceremony()
    with pytest.raises(NotAllowed):
        shared.update(db, "c", lambda c: Ceremony(), "", Role.VIEWER)
    assert shared.load(db, "c").revealed == 2


# --- the agenda in the config -------------------------------------------------------------------

def test_the_shipped_programme_is_the_official_sessions():
    config = load_config()
    titles = [item.title for item in config.agenda]
    assert len(titles) == 9 and titles[0].startswith("Khai mạc") and titles[-1].startswith("Bế mạc")
    assert any("Cụm trưởng" in title for title in titles) and any("giao ước" in title for title in titles)
    assert f"{config.agenda[0].time:%H:%M}" == "08:00"
    assert agenda_line(config, Ceremony(agenda=6), "en").startswith("Now: 10:40 · Nominating next year's")
    assert agenda_line(config, Ceremony(), "vi") == ""


@pytest.mark.parametrize("item,key,words", [
    ('time = "8:30"\ntitle = "Khai mạc"', "agenda[1].time", "HH:MM"),
    ('time = "25:00"\ntitle = "Khai mạc"', "agenda[1].time", "HH:MM"),
    ('time = 830\ntitle = "Khai mạc"', "agenda[1].time", "kiểu không đúng"),
    ('time = "07:30"\ntitle = "Khai mạc"', "agenda[1].time", "sớm hơn mục trước"),
    ('time = "09:00"\ntitle = "  "', "agenda[1].title", "không được để trống"),
    ('time = "09:00"', "agenda[1].title", "thiếu giá trị"),
    ('time = "09:00"\ntitle = "X"\nspeaker = "Y"', "agenda[1].speaker", "không được hỗ trợ"),
])
def test_agenda_mistakes_name_the_file_and_key(tmp_path, item, key, words):
    text = (ROOT / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
    start = text.index("[[agenda]]")
    end = text.index("[[provinces]]")
    text = text[:start] + '[[agenda]]\ntime = "08:00"\ntitle = "Khai mạc"\n\n[[agenda]]\n' + item + "\n\n" + text[end:]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value) and key in str(caught.value) and words in str(caught.value)


# --- next year's leader and deputy ---------------------------------------------------------------

@pytest.mark.parametrize("present,votes,majority,expected", [
    (20, (("64", 11), ("62", 9)), "more_than_half_present", "64"),
    (20, (("64", 10), ("62", 10)), "more_than_half_present", None),  # equal at the top: nobody
    (21, (("64", 10), ("62", 9)), "more_than_half_present", None),  # 10 of 21 present is not more than half
    (20, (("64", 20),), "more_than_half_present", "64"),  # one candidate, every vote
    (20, (("64", 10),), "more_than_half_present", None),  # one candidate, exactly half
    (30, (("64", 20), ("62", 10)), "two_thirds_present", None),  # 20 of 30 is not more than two thirds
    (30, (("64", 21), ("62", 9)), "two_thirds_present", "64"),
])
def test_the_nomination_majority(present, votes, majority, expected):
    assert elected(Nomination("n", "", "", LEADER, ELECTION, present, present, votes), majority) == expected


def test_a_bad_nomination_record_is_refused():
    assert nomination_problems(Nomination("n", "", "", LEADER, PROPOSAL, 0, 0, (("64", 0),))) == []
    codes = [c for c, _ in nomination_problems(Nomination("n", "", "", LEADER, ELECTION, 10, 12,
                                                          (("64", 8), ("64", 5))))]
    assert codes == ["nomination.twice", "vote.ballots_over_present", "vote.votes_over_ballots"]
    assert [c for c, _ in nomination_problems(Nomination("n", "", "", "chair", ELECTION, 0, 0, ()))] == [
        "nomination.unknown", "nomination.no_candidate", "nomination.no_present"]


def test_recording_the_proposal_and_the_vote_is_logged_and_read_back(demo):
    config = load_config(make_config(demo.parent, demo))
    source = XlsxSource(demo)
    record_nomination(source, Nomination("p1", "", "", LEADER, PROPOSAL, 0, 0, (("64", 0),)), config.provinces,
                      "Thư ký", Role.SECRETARY)
    record_nomination(source, Nomination("p2", "", "", DEPUTY, PROPOSAL, 0, 0, (("62", 0),)), config.provinces,
                      "Thư ký", Role.SECRETARY)
    record_nomination(source, Nomination("v1", "", "", LEADER, ELECTION, 20, 20, (("64", 18), ("52", 2))),
                      config.provinces, "Thư ký", Role.SECRETARY)
    evaluation = evaluated(demo)
    assert not evaluation.errors
    leader = outcome(evaluation.sheet.nominations, LEADER)
    assert (leader.proposed, leader.elected, leader.election.votes) == ("64", "64", (("64", 18), ("52", 2)))
    assert outcome(evaluation.sheet.nominations, DEPUTY).proposed == "62"
    assert evaluation.sheet.log[-1].criterion == "Đề cử Cụm trưởng" and "Gia Lai 18" in evaluation.sheet.log[-1].reason
    assert evaluation.sheet.votes == ()  # a nomination never settles a tie
    assert nomination_lines(evaluation.sheet.nominations, config) == [
        "Cụm trưởng năm 2020: Gia Lai — 18/20 phiếu", "Cụm phó năm 2020 (dự kiến): Kon Tum"]
    before = source.read()
    with pytest.raises(NotAllowed):
        record_nomination(source, Nomination("x", "", "", LEADER, PROPOSAL, 0, 0, (("64", 0),)), config.provinces,
                          "", Role.VIEWER)
    with pytest.raises(InvalidChangeSet):
        record_nomination(source, Nomination("x", "", "", LEADER, PROPOSAL, 0, 0, (("99", 0),)), config.provinces,
                          "T", Role.SECRETARY)
    assert source.read() == before


# --- the official session's minutes --------------------------------------------------------------

def test_the_sessions_minutes_hold_the_scores_fingerprint_votes_awards_and_next_years_posts(demo):
    config = load_config(make_config(demo.parent, demo))
    record_nomination(XlsxSource(demo), Nomination("v1", "", "", LEADER, ELECTION, 20, 20, (("64", 18),)),
                      config.provinces, "Thư ký", Role.SECRETARY)
    fingerprint = set_frozen(XlsxSource(demo), config.provinces, "Quản trị", Role.ADMIN, True)
    evaluation = evaluated(demo)
    document = docx.Document(io.BytesIO(conference_minutes_docx(evaluation, config, dt.date(2020, 3, 13))))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for table in document.tables for row in table.rows for c in row.cells)
    assert "Quảng Ngãi, ngày 13 tháng 3 năm 2020" in cells and "BIÊN BẢN HỘI NGHỊ" in text
    assert "08 giờ 00: Khai mạc hội nghị" in text and "Bế mạc" in text
    assert fingerprint[:8] in text or fingerprint in text
    assert "Quảng Ngãi" in cells and "98,75" in cells
    assert "Cờ thi đua của Chính phủ" in text and "Bằng khen của Thủ tướng Chính phủ" in text
    assert "tỉnh Gia Lai được bầu làm Cụm trưởng năm 2020 (18/20 đại biểu có mặt)" in text
    assert "Cụm phó năm 2020: ……" in text


# --- the control page under AppTest ---------------------------------------------------------------

def _projector(monkeypatch):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["view"] = "projector"
    at.run()
    assert not at.exception, at.exception
    return at


def _html(at) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def test_the_control_page_steps_the_reveal_and_the_agenda_and_the_projector_follows(meeting, monkeypatch):
    at = signed_in(SECRETARY)
    at.switch_page("pages/ceremony.py").run()
    assert not at.exception, at.exception
    assert "Điều hành hội nghị" in [t.value for t in at.title]
    assert any("DIỄN TẬP" in w.value for w in at.warning)  # the demo is not frozen
    assert "rk-hidden" not in _html(_projector(monkeypatch))  # off: the whole ranking, nothing covered
    at.button(key="reveal-start").click().run()
    projector = _html(_projector(monkeypatch))
    assert projector.count("rk-hidden") == 5 and "DIỄN TẬP" in projector
    at.button(key="reveal-next").click().run()
    assert any("Hạng 4: Bình Định, Đắk Lắk" in s.value for s in at.success)
    projector = _html(_projector(monkeypatch))
    assert projector.count("rk-hidden") == 3 and "Hạng 4: Bình Định, Đắk Lắk — Bằng khen" in projector
    for _ in range(3):
        at.button(key="reveal-next").click().run()
    assert at.button(key="reveal-next").disabled
    assert "rk-hidden" not in _html(_projector(monkeypatch))
    at.button(key="reveal-back").click().run()
    assert _html(_projector(monkeypatch)).count("rk-hidden") == 1
    at.button(key="reveal-restart").click().run()
    assert _html(_projector(monkeypatch)).count("rk-hidden") == 5
    at.button(key="agenda-next").click().run()
    at.button(key="agenda-next").click().run()
    assert "08:15 · Báo cáo tổng kết" in _html(_projector(monkeypatch))
    at.button(key="reveal-stop").click().run()
    assert "rk-hidden" not in _html(_projector(monkeypatch))
    assert not at.exception, at.exception


def test_the_delegates_view_shows_next_years_posts(meeting):
    from streamlit.testing.v1 import AppTest

    config = load_config(make_config(meeting.parent, meeting))
    record_nomination(XlsxSource(meeting), Nomination("v1", "", "", LEADER, ELECTION, 20, 20, (("64", 18), ("52", 2))),
                      config.provinces, "Thư ký", Role.SECRETARY)
    record_nomination(XlsxSource(meeting), Nomination("p2", "", "", DEPUTY, PROPOSAL, 0, 0, (("62", 0),)),
                      config.provinces, "Thư ký", Role.SECRETARY)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["view"] = "delegate"
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # the markdown escapes, unescaped
    assert "Cụm trưởng năm 2020: Gia Lai — 18/20 phiếu" in shown and "Cụm phó năm 2020 (dự kiến): Kon Tum" in shown


def test_the_control_page_tells_a_viewer_to_sign_in_first(meeting):
    at = app()
    at.switch_page("pages/ceremony.py").run()  # registered for every session
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == ["Trang này cần đăng nhập trước (thư ký hoặc quản trị)."]
    assert not [b for b in at.button if b.key == "reveal-start"]
