"""The ceremony's words for every screen: the agenda line, the reveal's latest step, next year's posts."""

from __future__ import annotations

from collections.abc import Sequence

from lib.core.ceremony import Ceremony, last_revealed
from lib.core.config import Award, ClusterConfig
from lib.core.model import DEPUTY, LEADER, Nomination, Standing
from lib.core.nominations import outcome
from lib.present.catalogue import award_label, t


def agenda_line(config: ClusterConfig, ceremony: Ceremony, lang: str = "vi") -> str:
    """"Đang diễn ra: 09:50 · … (5/9)", or "" before the first item or without an agenda."""
    index = ceremony.agenda
    if index is None or not 0 <= index < len(config.agenda):
        return ""
    item = config.agenda[index]
    return t("agenda.now", lang, time=f"{item.time:%H:%M}", title=item.heading(lang), index=index + 1,
             count=len(config.agenda))


def reveal_line(standings: Sequence[Standing], ceremony: Ceremony, lang: str = "vi",
                awards: Sequence[Award] = ()) -> str:
    """The step just revealed: "Hạng 3: Khánh Hòa — Bằng khen …", or "" before the first."""
    shown = last_revealed(standings, ceremony.revealed)
    if not shown:
        return ""
    return t("reveal.line", lang, rank=shown[0].rank, names=", ".join(s.province.name for s in shown),
             award=award_label(shown[0].award, lang, awards))


def nomination_lines(nominations: Sequence[Nomination], config: ClusterConfig, lang: str = "vi") -> list[str]:
    """One line per post that has a proposal or a vote: the vote's result when there is one, else the proposal."""
    names = {p.code: p.name for p in config.provinces}
    lines = []
    for post in (LEADER, DEPUTY):
        result = outcome(nominations, post, config.vote_majority)
        label = t(f"nomination.post.{post}", lang)
        year = config.year + 1
        if result.election is not None:
            if result.elected is None:
                lines.append(t("nomination.no_majority", lang, post=label, year=year))
            else:
                votes = dict(result.election.votes)[result.elected]
                lines.append(t("nomination.elected", lang, post=label, year=year, name=names.get(result.elected),
                               votes=votes, present=result.election.present))
        elif result.proposed is not None:
            lines.append(t("nomination.proposed", lang, post=label, year=year, name=names.get(result.proposed)))
    return lines
