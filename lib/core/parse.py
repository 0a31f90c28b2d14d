"""From a workbook's raw tabs to one typed ``Scoresheet`` and the list of its problems.

``parse_workbook`` is the one pass over raw rows: criteria, self-scores, evidence, agreed
scores, the log, the votes and the freeze record all come out of it, and nothing after
it (scoring, freeze comparison, screens) looks at raw rows again. Parsing never raises on
bad content: every bad, ambiguous or missing cell becomes a ``Problem`` with its A1
address and a message code, and the rest of the workbook is still read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lib.core.cells import parse_score
from lib.core.errors import CellParseError
from lib.core.freeze import bind
from lib.core.grammar import (
    HEADERS,
    KINDS,
    NON_PROVINCE_HEADERS,
    TABS,
    address,
    cell_at,
    code_text,
    find_header_row,
    find_tab,
    header_columns,
    matching_titles,
)
from lib.core.model import (
    CellKey,
    CellPlace,
    Criterion,
    IgnoredRecord,
    Problem,
    Province,
    ProvinceCode,
    RawWorkbook,
    Scoresheet,
    SeenFreezeRow,
    SeenRecordRow,
)
from lib.core.quantitative import DEFAULT_TARGET_SHARE, Cell, claims_differing, compute, with_method
from lib.core.records import parse_freeze, parse_log, parse_nominations, parse_votes
from lib.core.shown import warnings
from lib.core.text import fold


@dataclass(frozen=True)
class ParseResult:
    """A scoresheet with the problems found while reading it."""

    sheet: Scoresheet
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Only the problems of severity error."""
        return tuple(p for p in self.problems if p.is_error)


def parse_workbook(
    workbook: RawWorkbook, members: Sequence[Province], freeze_key: bytes | None = None, *,
    target_share: Decimal = DEFAULT_TARGET_SHARE, seen_freeze: Sequence[SeenFreezeRow] = (),
    seen_records: Mapping[str, Sequence[SeenRecordRow]] | None = None,
) -> ParseResult:
    """Read every contract tab of ``workbook`` for the cluster's ``members``.

    ``freeze_key`` is the server's records key: with it, a ``Chot``, ``BieuQuyet`` or ``DeCu`` row
    without a valid signature is reported and not obeyed (``lib.core.records``), and a standing
    freeze is checked against its signed fingerprint (``lib.core.freeze.bind``); without it,
    signatures are not checked.
    ``target_share`` is the config's ``[scoring] target_share``: the share of a target
    criterion's points for meeting the target where its ``Hệ số`` is blank.
    ``seen_freeze`` and ``seen_records`` (by tab: ``BieuQuyet``, ``DeCu``) are the signed rows a host
    saw obeyed before; one the sheet no longer has is an error at its tab (``lib.core.records``).
    """
    problems: list[Problem] = [
        Problem.error(canonical, "tab.duplicate", tab=canonical, titles=", ".join(titles))
        for canonical in TABS
        if len(titles := matching_titles(workbook, canonical)) > 1
    ]
    criteria, unusable = _criteria(workbook, problems)
    by_code = {c.code: c for c in criteria}
    computed = _computed(workbook, criteria, by_code, unusable, members, problems, target_share)
    self_scores, self_places = _score_tab(workbook, "TuCham", by_code, unusable, members, problems, required=True)
    own = {k: v for k, v in self_scores.items() if isinstance(v, Decimal)}
    claimed = {k: address(p.tab, p.row, p.col) for k, p in self_places.items() if k in computed.scores and k in own}
    problems.extend(claims_differing(own, claimed, computed.scores, members))
    agreed, places = _score_tab(workbook, "ThongNhat", by_code, unusable, members, problems)
    evidence, _ = _score_tab(workbook, "MinhChung", by_code, unusable, members, problems, evidence=True)
    ignored: list[IgnoredRecord] = []  # unsigned votes and nominations (lib.core.records)
    seen_records = seen_records or {}
    chains: dict[str, tuple[str, ...]] = {}
    votes = parse_votes(find_tab(workbook, "BieuQuyet"), problems, freeze_key, ignored,
                        seen_records.get("BieuQuyet", ()), chains)
    sheet = Scoresheet(
        criteria=tuple(criteria),
        provinces=tuple(members),
        self_scores=own,
        agreed={k: v for k, v in agreed.items() if isinstance(v, Decimal)},
        evidence={k: str(v) for k, v in evidence.items()},
        agreed_places=places,
        log=parse_log(find_tab(workbook, "NhatKy")),
        votes=votes,
        freeze=parse_freeze(find_tab(workbook, "Chot"), find_tab(workbook, "ChotDiem"), members, freeze_key, problems,
                            seen_freeze),
        nominations=parse_nominations(find_tab(workbook, "DeCu"), problems, freeze_key, ignored,
                                      seen_records.get("DeCu", ()), chains),
        ignored_records=tuple(ignored),
        record_chains=chains,
        targets=computed.targets,
        results=computed.results,
        computed=computed.scores,
        workings=computed.workings,
        target_places=computed.target_places,
        result_places=computed.result_places,
        target_share=target_share,
        self_places=self_places,
    )
    sheet = bind(sheet, _counted_places(sheet, places))  # a broken freeze
    problems.extend(Problem.error(b.cells[0], "freeze.broken", kind=b.kind, cells=", ".join(b.cells),
                                  criterion=b.criterion, province=b.province) for b in sheet.freeze.breaks
                    if sheet.freeze.frozen)
    return ParseResult(sheet, tuple(problems))


@dataclass
class _Computed:
    targets: dict[CellKey, Decimal]
    results: dict[CellKey, Decimal]
    scores: dict[CellKey, Decimal]
    workings: dict
    target_places: dict[CellKey, CellPlace]
    result_places: dict[CellKey, CellPlace]


def _counted_places(sheet: Scoresheet, agreed: Mapping[CellKey, CellPlace]) -> dict[CellKey, str]:
    """The cell each counted score comes from: the agreed cell, the result behind a computed score, the self-score."""
    places: dict[CellKey, str] = {}
    for source, values in ((sheet.self_places, sheet.self_scores), (sheet.result_places, sheet.computed),
                           (agreed, sheet.agreed)):  # the last one that holds a value wins, as in Scoresheet.score
        places.update({k: address(p.tab, p.row, p.col) for k, p in source.items() if values.get(k) is not None})
    return places


def _computed(
    workbook: RawWorkbook,
    criteria: list[Criterion],
    by_code: dict[str, Criterion],
    unusable: set[str],
    members: Sequence[Province],
    problems: list[Problem],
    target_share: Decimal,
) -> _Computed:
    """Read ``KeHoach``/``KetQua`` (only when some criterion is computed) and compute the scores."""
    if not any(c.computed for c in criteria):
        return _Computed({}, {}, {}, {}, {}, {})
    tabs: list[str] = []
    cells: list[dict[CellKey, Cell]] = []
    all_places: list[dict[CellKey, CellPlace]] = []
    for canonical in ("KeHoach", "KetQua"):
        values, places = _score_tab(workbook, canonical, by_code, unusable, members, problems, raw=True)
        found = find_tab(workbook, canonical)
        tabs.append(found[0] if found else canonical)
        cells.append({key: Cell(values.get(key), place) for key, place in places.items()})
        all_places.append(places)
    result = compute(criteria, members, cells[0], cells[1], target_share, (tabs[0], tabs[1]))
    problems.extend(result.problems)
    return _Computed(result.targets, result.results, result.scores, result.workings, *all_places)


def _missing_tab(workbook: RawWorkbook, canonical: str) -> bool:
    """True when no tab names ``canonical`` (two that do are reported as a duplicate instead)."""
    return not matching_titles(workbook, canonical)


def _criteria(workbook: RawWorkbook, problems: list[Problem]) -> tuple[list[Criterion], set[str]]:
    found = find_tab(workbook, "TieuChi")
    if found is None:
        if _missing_tab(workbook, "TieuChi"):
            problems.append(Problem.error("TieuChi", "tab.missing_criteria"))
        return [], set()
    title, rows = found
    header_index = find_header_row(rows)
    if header_index is None:
        problems.append(Problem.error(address(title, 1, 1), "header.no_code_column"))
        return [], set()
    columns = header_columns(rows[header_index], HEADERS)
    if "max" not in columns:
        problems.append(Problem.error(address(title, header_index + 1, 1), "criteria.no_max_column"))
        return [], set()
    criteria: list[Criterion] = []
    unusable: set[str] = set()
    seen: dict[str, str] = {}
    group = ""
    for index in range(header_index + 1, len(rows)):
        row, row_no = rows[index], index + 1

        def where(key: str, row_no: int = row_no) -> str:
            return address(title, row_no, columns[key] + 1)

        def text(key: str, row: list[object] = row) -> str:
            value = cell_at(row, columns[key]) if key in columns else None
            return "" if value is None else str(value).strip()

        group = text("group") or group  # merged group cells leave the rows below blank
        code = code_text(cell_at(row, columns["code"]))
        if not code:
            if cell_at(row, columns["max"]) is not None:
                problems.append(Problem.warning(where("code"), "criteria.row_without_code"))
            continue
        if code in seen:
            problems.append(Problem.error(where("code"), "criteria.duplicate_code", code=code, first=seen[code]))
            continue
        seen[code] = where("code")
        max_points = _max_points(cell_at(row, columns["max"]), where("max"), code, problems)
        # Only a blank cell means "chuẩn"; a lone "-" or "?" is not a kind anyone typed on purpose.
        kind = KINDS.get(fold(text("kind"))) if fold(text("kind")) or not text("kind") else None
        if kind is None:
            problems.append(Problem.error(where("kind"), "criteria.bad_kind", value=text("kind")))
        if max_points is None or kind is None:
            unusable.add(code)
            continue
        criterion = Criterion(code, group, text("criterion"), max_points, kind, text("note"))
        if text("method"):
            criterion = with_method(
                criterion, (text("method"), text("direction"), cell_at(row, columns["factor"]) if "factor" in columns
                            else None),
                tuple(where(k) if k in columns else where("method") for k in ("method", "direction", "factor")),
                problems)
        criteria.append(criterion)
    if not criteria and not unusable:
        problems.append(Problem.warning(address(title, header_index + 2, 1), "criteria.none"))
    return criteria, unusable


def _max_points(value: object, cell: str, code: str, problems: list[Problem]) -> Decimal | None:
    try:
        points = parse_score(value)
    except CellParseError as exc:
        problems.append(Problem.error(cell, "criteria.bad_max", code=code, cause=(exc.code, exc.params)))
        return None
    if points is None or points <= 0:
        problems.append(Problem.error(cell, "criteria.max_not_positive", code=code))
        return None
    return points


def _score_tab(
    workbook: RawWorkbook,
    canonical: str,
    criteria: dict[str, Criterion],
    unusable: set[str],
    members: Sequence[Province],
    problems: list[Problem],
    required: bool = False,
    evidence: bool = False,
    raw: bool = False,
) -> tuple[dict[CellKey, object], dict[CellKey, CellPlace]]:
    found = find_tab(workbook, canonical)
    if found is None:
        if _missing_tab(workbook, canonical):
            if required:
                problems.append(Problem.error(canonical, "tab.missing", tab=canonical))
            elif canonical == "ThongNhat":
                problems.append(Problem.warning(canonical, "tab.no_agreed"))
        return {}, {}
    title, rows = found
    header_index = find_header_row(rows)
    if header_index is None:
        problems.append(Problem.error(address(title, 1, 1), "header.no_code_column"))
        return {}, {}
    code_col, province_cols = _province_columns(title, header_index, rows[header_index], members, problems)
    if canonical == "TuCham":
        for province in members:
            if province.code not in province_cols.values():
                problems.append(Problem.warning(f"{title}!{header_index + 1}:{header_index + 1}",
                                                "scores.no_column", name=province.name))
    values: dict[CellKey, object] = {}
    places: dict[CellKey, CellPlace] = {}
    seen: dict[str, int] = {}
    names = {p.code: p.name for p in members}
    for index in range(header_index + 1, len(rows)):
        row, row_no = rows[index], index + 1
        code = code_text(cell_at(row, code_col))
        where_code = address(title, row_no, code_col + 1)
        if not code:
            if any(cell_at(row, col) is not None for col in province_cols):
                problems.append(Problem.warning(where_code, "scores.row_without_code"))
            continue
        if code in unusable:
            continue
        if code not in criteria:
            problems.append(Problem.error(where_code, "scores.unknown_code", code=code))
            continue
        if code in seen:
            problems.append(Problem.error(where_code, "scores.duplicate_code", code=code, row=seen[code]))
            continue
        seen[code] = row_no
        for col, province in province_cols.items():
            key = (code, province)
            places[key] = CellPlace(title, row_no, col + 1)
            value = cell_at(row, col)
            cell = address(title, row_no, col + 1)
            if value is None:
                if canonical == "TuCham" and not criteria[code].computed:
                    problems.append(Problem.warning(cell, "scores.missing_self", name=names[province], code=code))
            elif evidence:
                values[key] = str(value).strip()
            elif raw:
                values[key] = value
            else:
                values[key] = _score(value, criteria[code], cell, problems)
    if canonical == "TuCham":
        for code in criteria:
            if code not in seen and not criteria[code].computed:
                problems.append(Problem.warning(title, "scores.no_row", code=code, tab=title))
    return values, places


def _province_columns(
    title: str, header_index: int, header: Sequence[object], members: Sequence[Province], problems: list[Problem]
) -> tuple[int, dict[int, ProvinceCode]]:
    # Codes match exactly ("67", 67 or 67.0, never "6.7"); names and aliases match folded.
    codes = {province.code.strip(): province for province in members}
    spellings = {}
    for province in members:
        for spelling in (province.name, *province.aliases):
            if fold(spelling):  # a spelling of only punctuation would match any such header
                spellings[fold(spelling)] = province
    code_col = header_columns(header, {"code": HEADERS["code"]})["code"]
    columns: dict[int, ProvinceCode] = {}
    first_seen: dict[ProvinceCode, str] = {}
    for col, cell in enumerate(header):
        if col == code_col or cell_at(header, col) is None or fold(cell) in NON_PROVINCE_HEADERS:
            continue
        where = address(title, header_index + 1, col + 1)
        province = (
            codes.get(code_text(cell)) or spellings.get(fold(cell)) or spellings.get(_without_prefix(fold(cell)))
        )
        if province is None:
            problems.append(Problem.error(where, "header.unknown_province", header=cell))
        elif province.code in first_seen:
            problems.append(Problem.error(where, "header.province_twice", name=province.name,
                                          first=first_seen[province.code], second=where))
        else:
            first_seen[province.code] = where
            columns[col] = province.code
    return code_col, columns


def province_columns(title: str, header_index: int, header: Sequence[object],
                     members: Sequence[Province]) -> tuple[int, dict[int, ProvinceCode]]:
    """The 0-based ``Mã`` column and each member's column of a score tab's header row (as parse reads them)."""
    return _province_columns(title, header_index, header, members, [])


def _without_prefix(key: str) -> str:
    """``tinhgialai`` -> ``gialai``: a header may carry the word "Tỉnh"."""
    return key.removeprefix("tinh")


def _score(value: object, criterion: Criterion, cell: str, problems: list[Problem]) -> Decimal | None:
    try:
        score = parse_score(value)
    except CellParseError as exc:
        problems.append(Problem.error(cell, "score.unreadable", criterion=criterion.code,
                                      cause=(exc.code, exc.params)))
        return None
    if score is not None and not 0 <= score <= criterion.max_points:
        problems.append(Problem.error(cell, "score.out_of_range", criterion=criterion.code, value=value,
                                      max=criterion.max_points))
        return None
    if score is not None:
        problems.extend(Problem.warning(cell, code, criterion=criterion.code, **params)
                        for code, params in warnings(value, score, score=True))
    return score
