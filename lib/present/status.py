"""What the ranking's status line says, decided once for every screen.

The ranking page, the projector and the delegates' view all show the same decisions:
frozen or provisional, how many provinces are still provisional, which ties need a vote,
which places a vote settled, whether the frozen copy was changed since. They are made
here, from the evaluation, so no two screens can disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lib.core.evaluation import Evaluation
from lib.core.freeze import short
from lib.core.margins import Margin
from lib.core.model import FreezeEvent
from lib.core.scoring import VOTE
from lib.present.catalogue import t
from lib.present.formatting import number, vn_exact

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RankingStatus:
    """The facts a status line shows about one data version."""

    frozen: FreezeEvent | None  # the freeze in force, if any
    changed_since_freeze: int  # agreed values that differ from the frozen copy
    provisional: int  # provinces with a not-yet-agreed score
    needs_vote: tuple[str, ...]  # names of provinces in an unbroken tie on an award line
    by_vote: tuple[str, ...]  # "rank. name" of places a recorded vote settled
    broken_cells: tuple[str, ...] = ()  # a standing freeze the sheet no longer matches: where (lib.core.freeze.bind)
    unverified: bool = False  # signed freeze rows this server's records key cannot check

    @property
    def final(self) -> bool:
        """True when every score is agreed, nothing awaits a vote, and nothing changed since a freeze."""
        return not self.provisional and not self.needs_vote and not self.changed_since_freeze and not self.broken_cells


def frozen_text(status: RankingStatus, lang: str = "vi") -> str:
    """The freeze badge every screen shows: "Đã chốt lúc …", or that it is broken (naming the cells), or unverifiable.

    Empty when not frozen and nothing to say.
    """
    if status.unverified:
        return t("ranking.key_mismatch", lang)
    if status.frozen is None:
        return ""
    key = "ranking.broken" if status.broken_cells else "ranking.frozen"
    return t(key, lang, time=status.frozen.time, fingerprint=short(status.frozen.fingerprint),
             cells=", ".join(status.broken_cells))


def ranking_status(evaluation: Evaluation) -> RankingStatus:
    """The status of ``evaluation``'s ranking."""
    last = evaluation.freeze.last
    return RankingStatus(
        frozen=last if evaluation.freeze.frozen else None,
        changed_since_freeze=len(evaluation.frozen_differences),
        provisional=sum(s.provisional for s in evaluation.standings),
        needs_vote=tuple(s.province.name for s in evaluation.standings if s.needs_vote),
        by_vote=tuple(f"{s.rank}. {s.province.name}" for s in evaluation.standings if s.decided_by == VOTE),
        broken_cells=evaluation.freeze.broken_cells,
        unverified=evaluation.freeze.key_mismatch,
    )


def margin_text(margin: Margin, has_award: bool, lang: str = "vi") -> str:
    """The margin in words: a holder's lead over the line below, anyone else's distance to the line above.

    >>> from decimal import Decimal
    >>> from lib.core.margins import Gap
    >>> margin_text(Margin("52", Gap(4, Decimal("1.25")), None), False)
    'cần thêm 1,25 điểm để vào hạng 4'
    >>> margin_text(Margin("56", Gap(1, Decimal(3)), Gap(5, Decimal("0.5"))), True, "en")
    'ahead of place 5 by 0.50'
    >>> margin_text(Margin("52", Gap(1, Decimal(7)), Gap(5, Decimal("0.0001"))), True)
    'hơn hạng 5: 0,0001'
    """
    gap = margin.leads if has_award else margin.needs
    if gap is None:
        return ""
    key = "live.level" if gap.points == 0 else "live.leads" if has_award else "live.needs"
    # a gap below 0,01 is written exactly: "0,00" would read as level with a different place
    points = vn_exact(gap.points, lang) if 0 < abs(gap.points) < CENT else number(gap.points, lang)
    return t(key, lang, place=gap.place, points=points)
