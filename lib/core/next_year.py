"""The year's loop, pure: next year's criteria, leader and deputy, cluster TOML and empty workbook.

The criteria of next year's covenant come from the optional ``TieuChiNamSau``
[``NextCriteria``] tab of this year's workbook (the draft the members approve at the
official session), in the ``TieuChi`` shape; without it, this year's criteria are carried.
Next year's leader and deputy are the ones the session elected (``DeCu``, stage
"Chính thức"). The TOML leaves the meeting dates and deadlines blank: ``config_blanks``
names them so that ``python -m lib check`` can say they are still to fill.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.grammar import HEADERS, TEMPLATE_CRITERIA_HEADERS, find_tab, matching_titles
from lib.core.model import DEPUTY, LEADER, Criterion, Problem, RawWorkbook, Scoresheet
from lib.core.nominations import outcome
from lib.core.parse import parse_workbook
from lib.core.template import TITLE, template_workbook

NEXT_CRITERIA = "TieuChiNamSau"
"""The canonical name of next year's draft criteria tab (``lib.core.grammar.TABS``)."""


def final_results(evaluation: Evaluation) -> bool:
    """True when the results are frozen and still what was frozen: the papers may be signed."""
    return evaluation.freeze.frozen and not evaluation.freeze.broken and not evaluation.frozen_differences


@dataclass(frozen=True)
class NextCriteria:
    """The criteria of next year's covenant and where they came from."""

    criteria: tuple[Criterion, ...]
    tab: str  # the tab's title as written: TieuChiNamSau when the draft exists, else TieuChi
    drafted: bool  # True when read from the draft tab
    problems: tuple[Problem, ...] = ()  # what is wrong in the draft tab, cells named under its own title


def next_criteria(workbook: RawWorkbook, this_year: Sequence[Criterion]) -> NextCriteria:
    """Next year's criteria: the ``TieuChiNamSau`` tab's when the workbook has one, else ``this_year``'s.

    The draft tab is read by the same rules as ``TieuChi`` (parse reads it under that name, and
    each problem of its rows is renamed back to the draft tab's cells).
    """
    found = find_tab(workbook, NEXT_CRITERIA)
    if found is None:
        return NextCriteria(tuple(this_year), "TieuChi", False)
    title, rows = found
    parsed = parse_workbook({"TieuChi": rows}, ())
    problems = tuple(Problem(p.severity, title + p.cell[len("TieuChi"):], p.code, p.params)
                     for p in parsed.problems if p.cell.startswith("TieuChi"))
    return NextCriteria(parsed.sheet.criteria, title, True, problems)


def has_draft_criteria(workbook: RawWorkbook) -> bool:
    """True when the workbook has a tab for next year's criteria."""
    return bool(matching_titles(workbook, NEXT_CRITERIA))


@dataclass(frozen=True)
class NextPosts:
    """Next year's leader and deputy as the session elected them (None: no majority, or no vote yet)."""

    leader: str | None
    deputy: str | None
    leader_proposed: str | None = None  # the preliminary meeting's proposal, when the vote is missing
    deputy_proposed: str | None = None


def next_posts(sheet: Scoresheet, majority: str) -> NextPosts:
    """Who the recorded election made next year's leader and deputy."""
    lead, dep = outcome(sheet.nominations, LEADER, majority), outcome(sheet.nominations, DEPUTY, majority)
    return NextPosts(lead.elected, dep.elected, lead.proposed, dep.proposed)


def criteria_rows(criteria: Sequence[Criterion]) -> list[list[object]]:
    """The ``TieuChi`` rows (in the template's column order) that read back as ``criteria``."""
    rows: list[list[object]] = []
    for c in criteria:
        method = c.method.value if c.method else ""
        rows.append([c.code, c.group, c.text, c.max_points, c.kind.value, c.note or None, method or None,
                     c.direction.value if method else None, c.factor if method else None])
    return rows


def next_workbook(config: ClusterConfig, criteria: Sequence[Criterion]) -> RawWorkbook:
    """The template of ``config`` (next year's) with ``criteria`` filled in and every score blank.

    Each score tab gets one row per criterion it holds (``KeHoach``/``KetQua``: the computed ones),
    its ``Mã`` filled and its province cells empty, so that the secretary only types numbers.
    """
    workbook = template_workbook(config)
    workbook["TieuChi"] = [[TITLE.format(name=config.name, year=config.year)], [],
                           [HEADERS[key][0] for key in TEMPLATE_CRITERIA_HEADERS], *criteria_rows(criteria)]
    for tab in ("TuCham", "MinhChung", "ThongNhat", "KeHoach", "KetQua"):
        wanted = [c for c in criteria if c.computed or tab not in ("KeHoach", "KetQua")]
        workbook[tab] = [*workbook[tab], *([c.code] for c in wanted)]
    return workbook


BLANK_KEYS = ("meetings.preliminary", "meetings.conference", "deadlines.self_scores")


def config_blanks(config: ClusterConfig) -> tuple[str, ...]:
    """The dates a new year's config leaves to fill, by TOML key (empty once all are set)."""
    values = (config.preliminary, config.conference, config.self_scores_due)
    return tuple(key for key, value in zip(BLANK_KEYS, values, strict=True) if value is None)


def _s(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def next_config_toml(config: ClusterConfig, posts: NextPosts, workbook: str, history: str,
                     history_field: str = "workbook") -> str:
    """Next year's cluster TOML: year + 1, the elected leader and deputy, the members and rules carried.

    ``workbook`` is the new workbook's path and ``history`` this year's (relative to the new TOML),
    or this year's Google Sheet key with ``history_field`` ``"key"``. The meetings and deadlines are
    left commented out, to fill. A post nobody was elected to keeps this year's province, said in a
    comment.
    """
    year = config.year + 1
    leader = posts.leader or config.leader
    deputy = posts.deputy or config.deputy
    lines = [f"# {config.name}, năm {year}: tạo bằng `python -m lib new-year` từ cấu hình năm {config.year}.",
             "# CẦN ĐIỀN: ngày họp ([meetings]) và hạn nộp ([deadlines]); `python -m lib check` nhắc khi còn trống.",
             "", "[cluster]", f"name = {_s(config.name)}", f"year = {year}"]
    if posts.leader is None:
        lines.append(f"# CHƯA CÓ KẾT QUẢ BẦU Cụm trưởng năm {year}: tạm giữ tỉnh Cụm trưởng năm {config.year}.")
    lines.append(f"leader = {_s(leader)}")
    if deputy and deputy != leader:
        if posts.deputy is None:
            lines.append(f"# CHƯA CÓ KẾT QUẢ BẦU Cụm phó năm {year}: kiểm tra lại.")
        lines.append(f"deputy = {_s(deputy)}")
    if config.illustrative:
        lines.append("illustrative = true")
    lines += ["", "[meetings]", f"# preliminary = {year + 1}-03-01T14:00:00",
              f"# preliminary_place = {_s(config.preliminary_place)}", f"# conference = {year + 1}-03-02T08:00:00",
              f"# conference_place = {_s(config.conference_place)}", "", "[deadlines]",
              f"# self_scores = {year + 1}-02-01", f"supplement_days_before = {config.supplement_days_before}",
              "", "[voting]", f"majority = {_s(config.vote_majority)}", "", "[scoring]"]
    if config.bonus_cap is not None:
        lines.append(f"bonus_cap = {_s(str(config.bonus_cap))}")
    lines += [f"tie_break_groups = [{', '.join(_s(g) for g in config.tie_break_groups)}]",
              f"target_share = {_s(str(config.target_share))}"]
    for award in config.awards:
        lines += ["", "[[awards]]", f"name = {_s(award.name)}"]
        if award.name_en:
            lines.append(f"name_en = {_s(award.name_en)}")
        lines += [f"from_rank = {award.from_rank}", f"to_rank = {award.to_rank}"]
    lines += ["", "[refresh]", f"interval_seconds = {config.refresh_seconds}",
              f"screen_seconds = {config.screen_seconds:g}", "", "[server]", f"max_sessions = {config.max_sessions}"]
    if config.public_url:
        lines.append(f"public_url = {_s(config.public_url)}")
    lines += ["", "[source]", 'kind = "xlsx"', f"path = {_s(workbook)}", "",
              f"# Kết quả năm {config.year}, để so sánh thứ hạng.", "[history]", f"{history_field} = {_s(history)}"]
    for province in config.provinces:
        lines += ["", "[[provinces]]", f"code = {_s(province.code)}", f"name = {_s(province.name)}"]
        if province.aliases:
            lines.append(f"aliases = [{', '.join(_s(a) for a in province.aliases)}]")
    return "\n".join(lines) + "\n"
