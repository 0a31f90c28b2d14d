"""Tables the pages show, built from ``Evaluation`` (pure: data in, DataFrames out).

Numbers are formatted here, in the table's language (``lib.present.formatting.number``: one format per
language, two decimals for scores), so a page only lays tables out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import pandas as pd

from lib.core.config import Award
from lib.core.evaluation import Evaluation
from lib.core.forms import FormChange
from lib.core.margins import margins
from lib.core.model import Kind, Problem, ReadFailure, Severity, Standing
from lib.core.scoring import VOTE
from lib.core.text import fold
from lib.core.tracker import Progress
from lib.present.catalogue import award_label, describe, t
from lib.present.formatting import clock, number, quantity, rank_label, score, score_cell, signed, vn_date
from lib.present.order_text import reasons_text
from lib.present.status import margin_text
from lib.present.working import method_label, working_text

CENT = Decimal("0.01")
KIND_KEYS = {Kind.STANDARD: "kind.standard", Kind.BONUS: "kind.bonus", Kind.PENALTY: "kind.penalty"}


def status_text(standing: Standing, lang: str = "vi") -> str:
    """Provisional / agreed, with a needs-vote or tie-break note."""
    parts = [t("status.provisional" if standing.provisional else "status.agreed", lang)]
    if standing.needs_vote:
        parts.append(t("status.needs_vote", lang))
    elif standing.decided_by == VOTE:
        parts.append(t("ranking.by_vote", lang))
    elif standing.decided_by:
        parts.append(t("status.decided_by", lang, group=standing.decided_by))
    return " · ".join(parts)


def standings_table(evaluation: Evaluation, lang: str = "vi", awards: Sequence[Award] = ()) -> pd.DataFrame:
    """The ranking table: rank, province, self and agreed totals, status, award, margin to the award line.

    The last column says why a province is above or below one showing the same total.
    """
    names = {p.code: p.name for p in evaluation.sheet.provinces}
    rows = [
        {
            t("col.rank", lang): rank_label(s, t("rank.shared", lang)),
            t("col.province", lang): s.province.name,
            t("col.self", lang): number(s.self_total, lang),
            t("col.agreed", lang): number(s.agreed_total, lang),
            t("col.diff", lang): signed(s.agreed_total - s.self_total, lang),
            t("col.status", lang): status_text(s, lang),
            t("col.award", lang): award_label(s.award, lang, awards),
            t("col.margin", lang): margin_text(m, s.award is not None, lang),
            t("order.col", lang): reasons_text(s, names, lang),
        }
        for s, m in zip(evaluation.standings, margins(evaluation.standings, awards), strict=True)
    ]
    return pd.DataFrame(rows)


def group_matrix(evaluation: Evaluation, lang: str = "vi", covered: Sequence[int] = (),
                 marked: frozenset[str] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Provinces × groups as "agreed (self)" text, and a same-shaped frame of differences.

    During the ceremony's reveal the public's matrix has an empty "not yet revealed" row per
    ``covered`` rank (the evaluation passed holds only the uncovered standings); the secretary's
    has every row, the ``marked`` provinces' names followed by "not yet revealed".
    """
    groups = evaluation.sheet.groups()
    text_rows, diff_rows, index = [], [], []
    for n, rank in enumerate(covered):  # a shared covered rank: zero-width spaces keep the index unique
        index.append(f"{rank}. {t('held.covered', lang)}" + "\u200b" * n)
        text_rows.append(dict.fromkeys([*groups, t("col.total", lang)], ""))
        diff_rows.append(dict.fromkeys([*groups, t("col.total", lang)], 0.0))
    for s in evaluation.standings:
        held = f" ({t('held.covered', lang)})" if s.code in marked else ""
        index.append(f"{s.rank}. {s.province.name}{held}")
        text_row, diff_row = {}, {}
        for group in groups:
            own, agreed = s.group_self[group], s.group_agreed[group]
            text_row[group] = number(agreed, lang) if own == agreed else f"{number(agreed, lang)} ({number(own, lang)})"
            diff_row[group] = float(agreed - own)
        text_row[t("col.total", lang)] = (
            number(s.agreed_total, lang) if s.agreed_total == s.self_total
            else f"{number(s.agreed_total, lang)} ({number(s.self_total, lang)})"
        )
        diff_row[t("col.total", lang)] = float(s.agreed_total - s.self_total)
        text_rows.append(text_row)
        diff_rows.append(diff_row)
    return pd.DataFrame(text_rows, index=index), pd.DataFrame(diff_rows, index=index)


def province_criteria(evaluation: Evaluation, code: str, lang: str = "vi") -> pd.DataFrame:
    """One province's criteria: max, self-score, agreed score, evidence.

    When the workbook has computed criteria, the table also shows each one's target, result,
    computed score and working, and the self-score's difference from the computed one
    (``claim_style`` highlights it).
    """
    sheet = evaluation.sheet
    quantitative = any(c.computed for c in sheet.criteria)
    names = {p.code: p.name for p in sheet.provinces}
    rows = []
    for c in sheet.criteria:
        key = (c.code, code)
        own, agreed = sheet.self_scores.get(key), sheet.agreed.get(key)
        computed, working = sheet.computed.get(key), sheet.workings.get(key)
        if own is None and computed is not None:
            own = computed  # the computed score stands in for a blank self-score
        row = {
            t("col.code", lang): c.code,
            t("col.group", lang): c.group,
            t("col.criterion", lang): c.text,
            t("col.kind", lang): t(KIND_KEYS[c.kind], lang),
            t("col.max", lang): score(c.max_points, lang),
            t("col.self", lang): score(own, lang, t("scores.missing", lang)),
        }
        if quantitative:
            claim = sheet.self_scores.get(key)
            row |= {
                t("col.computed", lang): score(computed, lang) if computed is not None else (
                    t("scores.missing", lang) if c.computed else ""),
                t("col.claim_diff", lang): signed(claim - computed, lang) if claim is not None and computed is not None
                and abs(claim - computed) >= CENT else "",
                t("col.method", lang): method_label(working, lang) if working else (
                    t(f"method.{c.method.name.lower()}", lang) if c.method else ""),
                t("col.target", lang): quantity(sheet.targets.get(key), lang),
                t("col.result", lang): (working.result_text or quantity(sheet.results.get(key), lang)) if working
                else quantity(sheet.results.get(key), lang),
                t("col.working", lang): working_text(working, names, lang) if working else "",
            }
        row |= {
            t("col.agreed", lang): score(agreed, lang, "— " + t("scores.not_agreed", lang)),
            t("col.diff", lang): signed(agreed - own, lang) if agreed is not None and own is not None
            and agreed != own else "",
            t("col.evidence", lang): sheet.evidence.get(key, ""),
        }
        rows.append(row)
    return pd.DataFrame(rows)


def claim_style(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """CSS per cell of ``province_criteria``: the self-score and its difference from the computed one, amber."""
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    column = t("col.claim_diff", lang)
    if column in frame:
        differs = frame[column] != ""
        for name in (column, t("col.self", lang)):
            styles.loc[differs, name] = "background-color: #fff4ce; color: #7a4f01; font-weight: 600"
    return styles


def problems_table(evaluation: Evaluation | Iterable[Problem], lang: str = "vi") -> pd.DataFrame:
    """Every problem (of an evaluation, or a returned form's): severity, cell, message; errors first."""
    problems = evaluation.problems if isinstance(evaluation, Evaluation) else evaluation
    ordered = sorted(problems, key=lambda p: p.severity is not Severity.ERROR)
    return pd.DataFrame(
        [
            {
                t("col.severity", lang): t(f"severity.{p.severity.value}", lang),
                t("col.cell", lang): p.cell,
                t("col.message", lang): describe(p, lang),
            }
            for p in ordered
        ],
        columns=[t("col.severity", lang), t("col.cell", lang), t("col.message", lang)],
    )


def failures_table(failures: Iterable[ReadFailure], lang: str = "vi") -> pd.DataFrame:
    """The read errors, newest first."""
    rows = [{t("col.time", lang): clock(f.at), t("col.message", lang): f.message} for f in failures]
    return pd.DataFrame(rows[::-1], columns=[t("col.time", lang), t("col.message", lang)])


def log_table(
    evaluation: Evaluation, provinces: Iterable[str] = (), criteria: Iterable[str] = (), lang: str = "vi"
) -> pd.DataFrame:
    """The change log, newest first, optionally only for some provinces (names) and criteria."""
    wanted_provinces = {fold(p) for p in provinces}
    wanted_criteria = set(criteria)
    columns = [t(k, lang) for k in ("col.time", "col.user", "col.province", "col.code", "col.old", "col.new",
                                    "col.reason")]
    rows = [
        dict(zip(columns, (e.time, e.user, e.province, e.criterion, score_cell(e.old, lang), score_cell(e.new, lang),
                           e.reason), strict=True))
        for e in reversed(evaluation.sheet.log)
        if (not wanted_provinces or fold(e.province) in wanted_provinces)
        and (not wanted_criteria or e.criterion in wanted_criteria)
    ]
    return pd.DataFrame(rows, columns=columns)


def differences_table(evaluation: Evaluation, lang: str = "vi") -> pd.DataFrame:
    """Agreed values that differ from the frozen copy."""
    names = {p.code: p.name for p in evaluation.sheet.provinces}
    columns = [t("col.code", lang), t("col.province", lang), t("col.frozen", lang), t("col.now", lang)]
    rows = [
        dict(zip(columns, (d.criterion, names.get(d.province, d.province), score(d.frozen, lang, "—"),
                           score(d.now, lang, "—")), strict=True))
        for d in evaluation.frozen_differences
    ]
    return pd.DataFrame(rows, columns=columns)


def ignored_freeze_table(evaluation: Evaluation, lang: str = "vi") -> pd.DataFrame:
    """``Chot`` rows without a valid signature: where they are and what they claim (not obeyed)."""
    columns = [t("col.cell", lang), t("freeze.col.time", lang), t("freeze.col.user", lang),
               t("freeze.col.action", lang), t("freeze.col.reason", lang)]
    rows = [dict(zip(columns, (r.cell, r.event.time, r.event.user, r.event.action, r.event.reason), strict=True))
            for r in evaluation.freeze.ignored]
    return pd.DataFrame(rows, columns=columns)


def tracker_table(rows: Iterable[Progress], lang: str = "vi") -> pd.DataFrame:
    """Submission progress per province: counts, missing criteria, status, days left."""
    return pd.DataFrame([
        {
            t("col.province", lang): r.province.name,
            t("tracker.col.scored", lang): f"{r.scored}/{r.total}",
            t("tracker.col.missing", lang): ", ".join(r.missing),
            t("tracker.col.evidence", lang): f"{r.with_evidence}/{r.total}",
            t("tracker.col.status", lang): t(f"tracker.status.{r.status.value}", lang),
            t("tracker.col.days", lang): days_left_text(r, lang),
            t("tracker.col.imported", lang): r.last_import or "—",
        }
        for r in rows
    ])


def days_left_text(row: Progress, lang: str = "vi") -> str:
    """Days left to the deadline that applies, or "quá hạn từ 05/02/2020" once it has passed.

    >>> import datetime as dt
    >>> from lib.core.model import Province
    >>> from lib.core.tracker import Status
    >>> late = Progress(Province("49", "Quảng Nam"), 3, 5, ("1.1",), 0, Status.OVERDUE, dt.date(2020, 2, 5), -2458)
    >>> days_left_text(late), days_left_text(late, "en")
    ('quá hạn từ 05/02/2020', 'overdue since 05/02/2020')
    """
    if row.days_left is None:
        return ""
    if row.days_left < 0:
        return t("tracker.overdue_since", lang, date=vn_date(row.due))
    return t("tracker.days", lang, days=row.days_left)


def overdue_style(status_text: str, lang: str = "vi") -> str:
    """CSS for the status cell: red when overdue."""
    return "background-color: #fdecea; color: #a4262c; font-weight: 600" if status_text == t(
        "tracker.status.overdue", lang) else ""


def difference_style(value: float) -> str:
    """CSS for a difference cell: green when raised, red when lowered."""
    if value > 0:
        return "background-color: #e6f4ea; color: #1e6b34"
    if value < 0:
        return "background-color: #fdecea; color: #a4262c"
    return ""



FORM_STATUS_KEYS = {"new": "forms.status.new", "changed": "forms.status.changed",
                    "unchanged": "forms.status.unchanged", "sheet_changed": "forms.status.sheet_changed"}


def form_changes_table(changes: Iterable[FormChange], lang: str = "vi") -> pd.DataFrame:
    """A returned form against the sheet: cell in the form, criterion, tab, sheet now, form, status."""
    def show(value: object) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else score(value, lang)  # type: ignore[arg-type]

    return pd.DataFrame([
        {
            t("col.cell", lang): c.cell,
            t("col.criterion", lang): c.criterion,
            t("forms.col.tab", lang): c.tab,
            t("forms.col.sheet", lang): show(c.old),
            t("forms.col.form", lang): show(c.new),
            t("col.status", lang): t(FORM_STATUS_KEYS[c.status.value], lang),
        }
        for c in changes
    ])
