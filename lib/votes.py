"""Votes that settle ties the rules cannot break ("bình xét, biểu quyết").

A vote is recorded in the workbook's ``BieuQuyet`` [``Votes``] tab, one row per province:
``Mã biểu quyết · Thời gian · Người ghi · Có mặt · Số phiếu · Mã tỉnh · Tỉnh · Phiếu``.
It settles the order of exactly the provinces it names when they are still tied, and
only if the winner reaches the majority the cluster's config asks for (by default more
than half of those present). Pure: raw rows in, votes out; standings in, order out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from lib.layout import cell_at, code_text, header_columns
from lib.model import RawWorkbook
from lib.text import fold

VOTE_TAB = "BieuQuyet"
VOTE_HEADERS = ("Mã biểu quyết", "Thời gian", "Người ghi", "Có mặt", "Số phiếu", "Mã tỉnh", "Tỉnh", "Phiếu")
VOTE_ALIASES = ("Vote id", "Time", "Recorder", "Present", "Ballots", "Province code", "Province", "Votes")
MAJORITIES = {
    "more_than_half_present": Fraction(1, 2),
    "two_thirds_present": Fraction(2, 3),
}


@dataclass(frozen=True)
class Vote:
    """One vote among tied provinces: who was present, the ballots, and votes per province."""

    id: str
    time: str
    recorder: str
    present: int
    ballots: int
    votes: tuple[tuple[str, int], ...]  # (province code, votes), in the order recorded

    @property
    def provinces(self) -> frozenset[str]:
        """The provinces the vote was about."""
        return frozenset(code for code, _ in self.votes)

    def order(self, majority: str = "more_than_half_present") -> tuple[str, ...] | None:
        """The provinces best first, when the leader has the majority and no two have equal votes."""
        ranked = sorted(self.votes, key=lambda cv: -cv[1])
        counts = [n for _, n in ranked]
        if len(set(counts)) != len(counts) or self.present <= 0:
            return None
        if Fraction(ranked[0][1], self.present) <= MAJORITIES[majority]:
            return None
        return tuple(code for code, _ in ranked)

    def problems(self) -> list[str]:
        """What is inconsistent in the record (more votes than ballots, ballots than present)."""
        found = []
        if self.ballots > self.present:
            found.append(f"biểu quyết {self.id}: số phiếu {self.ballots} nhiều hơn số có mặt {self.present}")
        if sum(n for _, n in self.votes) > self.ballots:
            found.append(f"biểu quyết {self.id}: tổng phiếu bầu nhiều hơn số phiếu phát ra")
        return found


def parse_votes(workbook: RawWorkbook) -> tuple[Vote, ...]:
    """Every vote in the ``BieuQuyet`` tab, in the order first recorded (empty when there is none)."""
    rows = next((r for title, r in workbook.items() if fold(title) in (fold(VOTE_TAB), fold("Votes"))), None)
    if not rows:
        return ()
    spellings = {str(i): pair for i, pair in enumerate(zip(VOTE_HEADERS, VOTE_ALIASES, strict=True))}
    header = next((i for i, r in enumerate(rows[:10]) if len(header_columns(r, spellings)) >= 6), None)
    if header is None:
        return ()
    cols = header_columns(rows[header], spellings)
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for row in rows[header + 1:]:
        cells = tuple(code_text(cell_at(row, cols[str(i)])) if str(i) in cols else "" for i in range(8))
        if cells[0] and cells[5]:
            grouped.setdefault(cells[0], []).append(cells)
    votes = []
    for vote_id, lines in grouped.items():
        first = lines[0]
        try:
            votes.append(Vote(vote_id, first[1], first[2], _int(first[3]), _int(first[4]),
                              tuple((line[5], _int(line[7])) for line in lines)))
        except ValueError:
            continue
    return tuple(votes)


def _int(text: str) -> int:
    return int(float(text.replace(",", "."))) if text else 0


def vote_rows(vote: Vote, names: dict[str, str]) -> list[list[object]]:
    """The rows that record ``vote`` in the ``BieuQuyet`` tab."""
    return [[vote.id, vote.time, vote.recorder, vote.present, vote.ballots, code, names.get(code, code), n]
            for code, n in vote.votes]


def settling_vote(votes: Sequence[Vote], tied: frozenset[str]) -> Vote | None:
    """The latest vote about exactly the ``tied`` provinces."""
    return next((v for v in reversed(votes) if v.provinces == tied), None)
