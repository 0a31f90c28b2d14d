"""The benchmark's scenario: a scratch workbook and config, and the score change to make.

This module imports the app's ``lib``; ``benchmarks/load.py`` imports it only after
putting the app tree under test (a snapshot of HEAD by default) first on ``sys.path``,
so the load generator writes with the same store code the servers run.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lib.core.auth import Role
from lib.core.config import ClusterConfig, load_config
from lib.core.evaluation import evaluate
from lib.core.model import Adjustment, ChangeSet
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import save
from lib.present.catalogue import t
from lib.present.formatting import two_decimals, vn_number

READS_LABEL = t("source.reads_total", "vi")
"""The label of the read counter on the "Nguồn dữ liệu" page."""


def scratch_config(app: Path, directory: Path, interval: int, screen: float) -> tuple[Path, Path]:
    """A copy of the demo workbook and a cluster config reading it every ``interval`` s.

    Screens refresh every ``screen`` s (``[refresh] screen_seconds``); a local workbook is
    also re-read as soon as its modification time changes, at the next screen refresh.
    """
    workbook = directory / "demo.xlsx"
    shutil.copy(app / "config" / "demo.xlsx", workbook)
    text = (app / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
    text = text.replace('path = "demo.xlsx"', f'path = "{workbook}"')
    text = text.replace("interval_seconds = 15", f"interval_seconds = {interval}")
    text = text.replace("screen_seconds = 2\n", f"screen_seconds = {screen}\n")
    config = directory / "cluster.toml"
    config.write_text(text, encoding="utf-8")
    loaded = load_config(config)
    if loaded.refresh_seconds != interval or loaded.screen_seconds != screen:
        raise RuntimeError("could not set the refresh intervals in the scratch config")
    return config, workbook


@dataclass(frozen=True)
class Change:
    """The score change the viewers wait for, and the texts that show it."""

    config: ClusterConfig
    workbook: Path
    change_set: ChangeSet
    old_total: Decimal
    new_total: Decimal

    @property
    def shown_texts(self) -> tuple[bytes, ...]:
        """The province's total before the change, as the page writes it (``98,75``)."""
        return (vn_number(self.old_total).encode(),)

    @property
    def new_texts(self) -> tuple[bytes, ...]:
        """The total after the change: Vietnamese (``96,25``, as the HTML bars and tables write it)
        or plain (``96.25``, as figure JSON would)."""
        return (vn_number(self.new_total).encode(), two_decimals(self.new_total).encode())

    def apply(self) -> None:
        """Write the change through the store (role secretary), like the review page does."""
        save(XlsxSource(self.workbook), self.change_set, self.config.provinces)


def plan_change(config_path: Path, workbook: Path, province: str, criterion: str, new: Decimal,
                scratch: Path) -> Change:
    """The change set for ``criterion`` of ``province`` → ``new``, and the totals before and after.

    The new total is computed by applying the change to a throw-away copy of the workbook;
    it must differ from every total shown before, so that seeing it proves the update.
    """
    config = load_config(config_path)
    before = evaluate(XlsxSource(workbook).read(), config)
    old_score = before.sheet.agreed.get((criterion, province))
    change_set = ChangeSet("benchmark", Role.SECRETARY, (
        Adjustment(criterion, province, old_score, new, "Đo tải: thay đổi thử"),))
    trial = scratch / "trial.xlsx"
    shutil.copy(workbook, trial)
    save(XlsxSource(trial), change_set, config.provinces)
    after = evaluate(XlsxSource(trial).read(), config)
    trial.unlink()
    change = Change(config, workbook, change_set, before.standing(province).agreed_total,
                    after.standing(province).agreed_total)
    shown_before = {text for s in before.standings
                    for text in (vn_number(s.agreed_total), two_decimals(s.agreed_total))}
    if change.old_total == change.new_total or any(text.decode() in shown_before for text in change.new_texts):
        raise SystemExit(f"the change does not produce a new, unique total ({change.new_total}); pick another")
    return change
