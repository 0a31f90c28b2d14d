"""Votes on ties: the majority rule, reading and recording them, and the order they settle."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from lib.core.auth import Role
from lib.core.config import Award, load_config
from lib.core.errors import InvalidChangeSet, NotAllowed
from lib.core.evaluation import evaluate
from lib.core.model import Scoresheet, Vote
from lib.core.parse import parse_workbook
from lib.core.scoring import VOTE, Rules, rank
from lib.core.votes import vote_order
from lib.edge.freeze_memory import source_id
from lib.edge.secret import read_key
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import record_vote
from tests.sheets import criterion, sheet

ROOT = Path(__file__).resolve().parent.parent
FLAG = Award("Cờ thi đua của Chính phủ", 1, 1)
MERIT = Award("Bằng khen của Thủ tướng Chính phủ", 2, 4)
RULES = Rules(awards=(FLAG, MERIT))


@pytest.mark.parametrize(
    "present,votes,majority,expected",
    [
        (20, (("51", 11), ("56", 9)), "more_than_half_present", ("51", "56")),
        (20, (("51", 10), ("56", 10)), "more_than_half_present", None),  # equal votes settle nothing
        (21, (("51", 10), ("56", 9)), "more_than_half_present", None),  # 10 of 21 is not more than half
        (20, (("56", 14), ("51", 6)), "two_thirds_present", ("56", "51")),
        (21, (("56", 14), ("51", 7)), "two_thirds_present", None),  # exactly two thirds is not more
    ],
)
def test_the_majority_rule(present, votes, majority, expected):
    assert vote_order(Vote("v", "", "", present, present, votes), majority) == expected


def first_place_tie(votes=()) -> Scoresheet:
    crits = [criterion("1.1", "I. Kinh tế"), criterion("2.1", "II. Xã hội")]
    base = sheet(crits, {"51": {"1.1": 9, "2.1": 8}, "56": {"1.1": 9, "2.1": 8}, "49": {"1.1": 7, "2.1": 7}})
    return Scoresheet(base.criteria, base.provinces, base.self_scores, base.agreed, votes=tuple(votes))


def test_a_vote_settles_a_tie_for_first_place():
    before = rank(first_place_tie(), RULES)
    assert [(s.code, s.rank, s.needs_vote) for s in before[:2]] == [("56", 1, True), ("51", 1, True)]
    vote = Vote("v1", "13/03/2020 09:00:00", "Thư ký", 22, 22, (("51", 15), ("56", 7)))
    after = {s.code: s for s in rank(first_place_tie([vote]), RULES)}
    assert (after["51"].rank, after["51"].award, after["51"].needs_vote) == (1, FLAG.name, False)
    assert (after["56"].rank, after["56"].award, after["56"].needs_vote) == (2, MERIT.name, False)
    assert after["51"].decided_by == after["56"].decided_by == VOTE
    assert after["49"].rank == 3


def test_a_vote_without_majority_or_about_other_provinces_settles_nothing():
    split = Vote("v1", "", "", 22, 22, (("51", 11), ("56", 11)))
    other = Vote("v2", "", "", 22, 22, (("51", 20), ("49", 2)))
    for votes in ([split], [other]):
        standings = rank(first_place_tie(votes), RULES)
        assert [s.rank for s in standings] == [1, 1, 3] and standings[0].needs_vote


def test_the_latest_vote_about_the_tie_counts():
    first = Vote("v1", "", "", 22, 22, (("51", 12), ("56", 10)))
    again = Vote("v2", "", "", 22, 22, (("56", 13), ("51", 9)))
    assert rank(first_place_tie([first, again]), RULES)[0].code == "56"


@pytest.fixture
def demo(tmp_path) -> Path:
    copy = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", copy)
    return copy


def test_recording_a_vote_settles_the_demo_tie_and_logs_it(demo):
    config = load_config()
    vote = Vote("b1", "", "Thư ký", 20, 20, (("52", 12), ("66", 8)))
    record_vote(XlsxSource(demo), vote, config.provinces, "Thư ký Cụm", Role.SECRETARY)
    evaluation = evaluate(XlsxSource(demo).read(), config)
    assert parse_workbook(XlsxSource(demo).read(), config.provinces).sheet.votes[0].votes == (("52", 12), ("66", 8))
    binh_dinh, dak_lak = evaluation.standing("52"), evaluation.standing("66")
    assert (binh_dinh.rank, binh_dinh.award, dak_lak.rank, dak_lak.award) == (4, MERIT.name, 5, None)
    assert not binh_dinh.needs_vote and binh_dinh.decided_by == VOTE
    entry = evaluation.sheet.log[-1]
    assert entry.criterion == "Biểu quyết" and entry.user == "Thư ký Cụm" and "Bình Định 12" in entry.reason
    assert not [p for p in evaluation.errors]


def test_a_viewer_cannot_record_a_vote_and_a_bad_record_is_refused(demo):
    members = load_config().provinces
    before = XlsxSource(demo).read()
    with pytest.raises(NotAllowed):
        record_vote(XlsxSource(demo), Vote("x", "", "", 20, 20, (("52", 12), ("66", 8))), members, "", Role.VIEWER)
    with pytest.raises(InvalidChangeSet):
        record_vote(XlsxSource(demo), Vote("x", "", "", 10, 20, (("52", 12), ("66", 8))), members, "T",
                    Role.SECRETARY)
    assert XlsxSource(demo).read() == before


def test_votes_round_trip_through_the_sheet_text(demo):
    raw = {"BieuQuyet": [["Mã biểu quyết", "Thời gian", "Người ghi", "Có mặt", "Số phiếu", "Mã tỉnh", "Tỉnh",
                          "Phiếu"], ["a", "t", "u", 20, "20", 52, "Bình Định", "12"],
                         ["a", "t", "u", 20, 20, "66", "Đắk Lắk", 8.0]]}
    (vote,) = parse_workbook(raw, load_config().provinces).sheet.votes
    assert (vote.present, vote.ballots, vote.votes) == (20, 20, (("52", 12), ("66", 8)))
    assert Decimal(vote.votes[0][1]) == 12


# -- signed votes and nominations (issue 19: records that decide places come only through the app) ---------------
KEY = b"tests-votes-records-key-0123456789"
TYPED_VOTE = ["b9", "13/03/2020 09:00:00", "Ai đó", 20, 20]


def _typed_vote_rows(signature: str = "") -> list[list[object]]:
    header = ["Mã biểu quyết", "Thời gian", "Người ghi", "Có mặt", "Số phiếu", "Mã tỉnh", "Tỉnh", "Phiếu", "Chữ ký"]
    return [header, [*TYPED_VOTE, "52", "Bình Định", 12, signature], [*TYPED_VOTE, "66", "Đắk Lắk", 8, signature]]


def test_a_vote_row_typed_into_the_sheet_no_longer_settles_the_demo_tie_and_is_named(demo):
    config = load_config()
    raw = XlsxSource(demo).read()
    for rows in (_typed_vote_rows(), _typed_vote_rows("ab" * 32)):  # no signature, a made-up one
        evaluation = evaluate({**raw, "BieuQuyet": rows}, config, KEY)
        binh_dinh = evaluation.standing("52")
        assert binh_dinh.needs_vote and binh_dinh.decided_by != VOTE and not evaluation.sheet.votes
        named = [(p.cell, p.is_error) for p in evaluation.problems if p.code == "record.unsigned"]
        assert named == [("BieuQuyet!I2", False), ("BieuQuyet!I3", False)]
        assert [(r.cell, r.record_id, r.recorder) for r in evaluation.sheet.ignored_records] == [
            ("BieuQuyet!I2", "b9", "Ai đó"), ("BieuQuyet!I3", "b9", "Ai đó")]


def test_a_recorded_vote_is_signed_and_a_typed_row_below_it_or_a_copied_one_is_not_obeyed(demo):
    config = load_config()
    record_vote(XlsxSource(demo), Vote("b1", "", "Thư ký", 20, 20, (("52", 12), ("66", 8))), config.provinces,
                "Thư ký Cụm", Role.SECRETARY, freeze_key=KEY)
    raw = XlsxSource(demo).read()
    key = read_key(raw, source_id(XlsxSource(demo)), KEY)  # as the server reads: the workbook's own key
    assert raw["BieuQuyet"][0][-1] == "Chữ ký" and all(len(str(r[8])) == 64 for r in raw["BieuQuyet"][1:])
    assert evaluate(raw, config, key).standing("52").decided_by == VOTE
    assert evaluate(raw, config, KEY).standing("52").needs_vote  # the plain records key: signed for no workbook
    other = read_key(raw, source_id(XlsxSource(demo)), b"another-records-key-0123456")
    assert evaluate(raw, config, other).standing("52").needs_vote  # another key: not obeyed
    # a later vote typed by hand, reversing the order with a signature copied from a real row
    copied = raw["BieuQuyet"][1][8]
    typed = [["b2", "t", "x", 20, 20, "66", "Đắk Lắk", 15, copied], ["b2", "t", "x", 20, 20, "52", "Bình Định", 5,
                                                                   copied]]
    evaluation = evaluate({**raw, "BieuQuyet": [*raw["BieuQuyet"], *typed]}, config, key)
    assert evaluation.standing("52").rank == 4 and [v.id for v in evaluation.sheet.votes] == ["b1"]
    assert [p.cell for p in evaluation.problems if p.code == "record.unsigned"] == ["BieuQuyet!I4", "BieuQuyet!I5"]


def test_a_vote_signature_does_not_verify_as_a_nomination_or_a_freeze():
    from lib.core.freeze import NOMINATIONS_SIGNED, SIGNED, VOTES_SIGNED, sign_row, verify_row

    fields = ["b1", "t", "u", "20", "20", "52", "Bình Định", "12"]
    signature = sign_row(KEY, VOTES_SIGNED, fields)
    assert verify_row(KEY, VOTES_SIGNED, fields, signature)
    assert not verify_row(KEY, NOMINATIONS_SIGNED, fields, signature) and not verify_row(KEY, SIGNED, fields, signature)


def test_a_typed_nomination_row_is_ignored_and_a_recorded_one_counts(demo):
    from lib.core.model import ELECTION, LEADER, Nomination
    from lib.edge.store import record_nomination

    config = load_config()
    nomination = Nomination("n1", "", "", LEADER, ELECTION, 20, 20, (("52", 15), ("66", 5)))
    record_nomination(XlsxSource(demo), nomination, config.provinces, "Thư ký Cụm", Role.SECRETARY, freeze_key=KEY)
    raw = XlsxSource(demo).read()
    key = read_key(raw, source_id(XlsxSource(demo)), KEY)
    assert [n.id for n in evaluate(raw, config, key).sheet.nominations] == ["n1"]
    typed = [["n2", "t", "x", "Cụm trưởng", "Chính thức", 20, 20, "66", "Đắk Lắk", 18, ""]]
    evaluation = evaluate({**raw, "DeCu": [*raw["DeCu"], *typed]}, config, key)
    assert [n.id for n in evaluation.sheet.nominations] == ["n1"]
    assert [r.cell for r in evaluation.sheet.ignored_records] == ["DeCu!K4"]
