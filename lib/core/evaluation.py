"""One data version, evaluated: the scoresheet, its problems and the standings.

Built once per read of the workbook and shared by every screen and export, so that a
hundred viewers cost one parse and one ranking, not a hundred. The data flows one way:
raw workbook → ``parse_workbook`` → ``rank`` → this value → presentation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lib.core.config import ClusterConfig
from lib.core.freeze import differences
from lib.core.model import (
    Difference,
    FreezeState,
    Problem,
    RawWorkbook,
    Scoresheet,
    SeenFreezeRow,
    SeenRecordRow,
    Standing,
)
from lib.core.parse import parse_workbook
from lib.core.scoring import Rules, rank, rule_problems


@dataclass(frozen=True)
class Evaluation:
    """Everything the screens show for one read of the workbook."""

    sheet: Scoresheet
    problems: tuple[Problem, ...]
    standings: tuple[Standing, ...]
    frozen_differences: tuple[Difference, ...] = ()

    @property
    def freeze(self) -> FreezeState:
        """The freeze record as parsed from the workbook."""
        return self.sheet.freeze

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems of severity error."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems of severity warning."""
        return tuple(p for p in self.problems if not p.is_error)

    def standing(self, code: str) -> Standing:
        """The standing of the province with this code (KeyError when absent)."""
        for standing in self.standings:
            if standing.code == code:
                return standing
        raise KeyError(code)


def evaluate(workbook: RawWorkbook, config: ClusterConfig, freeze_key: bytes | None = None,
             seen_freeze: Sequence[SeenFreezeRow] = (),
             seen_records: Mapping[str, Sequence[SeenRecordRow]] | None = None) -> Evaluation:
    """Parse ``workbook`` for ``config``'s members and rank them by its rules (``freeze_key``, ``seen_freeze``:
    see parse)."""
    parsed = parse_workbook(workbook, config.provinces, freeze_key, target_share=config.target_share,
                            seen_freeze=seen_freeze, seen_records=seen_records)
    rules = Rules.from_config(config)
    problems = parsed.problems + tuple(rule_problems(parsed.sheet, rules))
    return Evaluation(parsed.sheet, problems, rank(parsed.sheet, rules), tuple(differences(parsed.sheet)))
