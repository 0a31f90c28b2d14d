"""Generate ``config/demo.xlsx``: ILLUSTRATIVE scores for the 2019 TN–DHMT cluster.

Nothing in the generated workbook is official data: every tab says so on row 1. The
numbers come from a fixed random seed, so running the script twice writes the same cell
values. The data is built to show every feature of the dashboard:

* 25 standard criteria in 5 groups (standard total 100), 2 bonus and 2 penalty criteria;
* province headers in official names and tolerated spellings (``Đăk Lăk``, ``Dak Nong``,
  a code, NFD text); scores as numbers, as text with the decimal comma (``8,5``) and
  with a trailing ``đ`` (``9,5 đ``);
* exactly 3 blank self-scores on 2 provinces; agreed scores for 6 provinces, some
  adjusted at the preliminary meeting, each adjustment logged in ``NhatKy``;
* exactly one tie, at ranks 4 and 5 (across the line between "Bằng khen" and no award),
  with equal group I and group II sums, so the configured tie-break groups cannot break
  it and it needs a vote;
* seven quantitative criteria computed from ``KeHoach`` targets and ``KetQua`` results, one
  of each method and direction (GRDP growth and budget revenue against the target, poverty
  rate lowered against the target, new rural communes relative to the best, a pass/fail
  drill, a bonus per initiative, a penalty per late report), with one result missing and
  self-scores that differ from the computed ones where the meeting adjusted them. Targets
  and results are derived from the generated scores so that the computed score is exactly
  the score the cluster agreed (the drill is pass/fail: full points, one province failed),
  so every other property above still holds.

``verify_demo`` recomputes the ranking from the cells with ``Decimal`` and raises
``DemoCheckError`` when any of these properties fails. Run from the repository root::

    .venv/bin/python scripts/make_demo.py [--output config/demo.xlsx]
"""

from __future__ import annotations

import argparse
import random
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.core.config import load_config  # noqa: E402
from lib.core.evaluation import evaluate  # noqa: E402
from lib.core.model import Kind, RawTab, RawWorkbook  # noqa: E402
from lib.edge.sources.xlsx import XlsxSource, create_template  # noqa: E402
from lib.present.catalogue import describe  # noqa: E402

CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"
OUTPUT = ROOT / "config" / "demo.xlsx"
SEED = 2019

ILLUSTRATIVE = "DỮ LIỆU MINH HỌA — không phải số liệu chính thức"
EDITOR = "Thư ký Cụm thi đua (minh họa)"

STANDARD, BONUS, PENALTY = "chuẩn", "thưởng", "trừ"
Q = Decimal("0.25")
ZERO = Decimal(0)

G1 = "I. Phát triển kinh tế"
G2 = "II. Văn hóa – xã hội"
G3 = "III. Quốc phòng – an ninh"
G4 = "IV. Xây dựng Đảng, chính quyền"
G5 = "V. Công tác thi đua, khen thưởng"
G6 = "VI. Điểm thưởng"
G7 = "VII. Điểm trừ"

# (code, group, criterion, max points, Loại as written (None = blank = standard), note)
CRITERIA: tuple[tuple[str, str, str, int, str | None, str | None], ...] = (
    ("1.1", G1, "Tốc độ tăng trưởng GRDP", 8, "chuẩn", "Theo số liệu Cục Thống kê tỉnh"),
    ("1.2", G1, "Thu ngân sách nhà nước trên địa bàn", 6, None, "So với dự toán Trung ương giao"),
    ("1.3", G1, "Kim ngạch xuất khẩu hàng hóa", 4, None, None),
    ("1.4", G1, "Tổng vốn đầu tư toàn xã hội trên địa bàn", 4, "chuẩn", None),
    ("1.5", G1, "Số xã đạt chuẩn nông thôn mới tăng thêm trong năm", 5, None, None),
    ("1.6", G1, "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", 3, None, "Theo công bố của VCCI"),
    ("2.1", G2, "Tỷ lệ hộ nghèo giảm", 6, "chuẩn", "Theo chuẩn nghèo đa chiều"),
    ("2.2", G2, "Giải quyết việc làm; tỷ lệ lao động qua đào tạo", 5, None, None),
    ("2.3", G2, "Tỷ lệ dân số tham gia bảo hiểm y tế", 4, None, None),
    ("2.4", G2, "Tỷ lệ trường học đạt chuẩn quốc gia", 4, "chuẩn", None),
    ("2.5", G2, "Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”", 3, None, None),
    ("2.6", G2, "Chăm sóc người có công, bảo đảm an sinh xã hội", 3, None, None),
    ("3.1", G3, "Xây dựng nền quốc phòng toàn dân; diễn tập khu vực phòng thủ", 5, "chuẩn", None),
    ("3.2", G3, "Hoàn thành chỉ tiêu tuyển chọn, gọi công dân nhập ngũ", 4, None, None),
    ("3.3", G3, "Kiềm chế, giảm tai nạn giao thông", 3, None, "Giảm cả số vụ, số người chết và bị thương"),
    ("3.4", G3, "Phòng, chống tội phạm và tệ nạn ma túy", 3, "chuẩn", None),
    ("4.1", G4, "Chỉ số cải cách hành chính (PAR INDEX)", 5, None, "Theo công bố của Bộ Nội vụ"),
    ("4.2", G4, "Chỉ số hiệu quả quản trị và hành chính công (PAPI)", 4, None, None),
    ("4.3", G4, "Phòng, chống tham nhũng; thực hành tiết kiệm, chống lãng phí", 4, "chuẩn", None),
    ("4.4", G4, "Giải quyết khiếu nại, tố cáo đúng thời hạn", 4, None, None),
    ("4.5", G4, "Công tác xây dựng Đảng; kết nạp đảng viên mới", 3, None, None),
    ("5.1", G5, "Tổ chức ký kết giao ước thi đua, phát động phong trào thi đua", 2, "chuẩn", None),
    ("5.2", G5, "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", 3, None, None),
    ("5.3", G5, "Công tác khen thưởng kịp thời, đúng quy định", 3, None, None),
    ("5.4", G5, "Báo cáo đúng hạn; tham gia đầy đủ hoạt động của Cụm", 2, None, None),
    ("6.1", G6, "Có sáng kiến, mô hình mới được Cụm đánh giá cao", 3, "thưởng", "Cộng tối đa 3 điểm"),
    ("6.2", G6, "Đăng cai tổ chức hoạt động chung của Cụm", 2, "thưởng", None),
    ("7.1", G7, "Để xảy ra vụ việc phức tạp về an ninh, trật tự", 5, "trừ", "Điểm trừ ghi số dương"),
    ("7.2", G7, "Chậm gửi báo cáo, hồ sơ thi đua theo quy định", 3, "trừ", None),
)

# Province column headers per tab: official names mixed with tolerated spellings.
HEADERS: dict[str, dict[str, str]] = {
    "TuCham": {
        "49": "Quảng Nam",
        "51": "Quảng Ngãi",
        "52": "Bình Định",
        "54": "Phú Yên",
        "56": "Khánh Hòa",
        "58": "Ninh Thuận",
        "62": "Kon Tum",
        "64": "Gia Lai",
        "66": "Đăk Lăk",
        "67": "Đắk Nông",
        "68": "Lâm Đồng",
    },
    "MinhChung": {
        "49": "Quảng Nam",
        "51": "51",
        "52": "Bình Định",
        "54": unicodedata.normalize("NFD", "Phú Yên"),
        "56": "Khánh Hoà",
        "58": "Ninh Thuận",
        "62": "Kon Tum",
        "64": "Gia Lai",
        "66": "Đắk Lắk",
        "67": "Dak Nong",
        "68": "Lâm Đồng",
    },
    "ThongNhat": {
        "49": "QUẢNG NAM",
        "51": "Quảng Ngãi",
        "52": "Binh Dinh",
        "54": "Phú Yên",
        "56": "Khánh Hòa",
        "58": "Ninh Thuận",
        "62": "Kon Tum",
        "64": "Gia Lai",
        "66": "Daklak",
        "67": "Đăk Nông",
        "68": "Lâm  Đồng",
    },
}

# Target share of max points on standard criteria; decides the rough order.
STRENGTH: dict[str, Decimal] = {
    "51": Decimal("0.955"),
    "56": Decimal("0.945"),
    "49": Decimal("0.935"),
    "52": Decimal("0.915"),
    "66": Decimal("0.915"),
    "64": Decimal("0.895"),
    "68": Decimal("0.885"),
    "67": Decimal("0.875"),
    "54": Decimal("0.865"),
    "58": Decimal("0.86"),
    "62": Decimal("0.85"),
}
AGREED = ("49", "51", "52", "56", "66", "67")
"""Provinces whose scores were agreed at the preliminary meeting (full ThongNhat column)."""
TIE = ("52", "66")
"""The pair built to tie at ranks 4–5 with equal group I and II sums."""
MISSING = (("62", "1.5"), ("62", "3.2"), ("58", "2.4"))
"""Self-scores left blank: "no result yet"."""

REASONS_DOWN = (
    "Minh chứng chưa đầy đủ, trừ điểm theo hướng dẫn chấm",
    "Số liệu Cục Thống kê công bố thấp hơn số liệu tự chấm",
    "Chỉ tiêu chưa đạt kế hoạch năm, chấm lại theo thang điểm",
    "Chưa có quyết định công nhận của cơ quan có thẩm quyền",
)
REASONS_UP = (
    "Bổ sung minh chứng tại hội nghị trù bị, thống nhất nâng điểm",
    "Tự chấm thấp hơn kết quả thực tế, Cụm thống nhất điều chỉnh",
)


# Quantitative criteria (ILLUSTRATIVE figures): code -> (Cách tính, Chiều, Hệ số, unit note).
QUANT: dict[str, tuple[str, str | None, object]] = {
    "1.1": ("kế hoạch", "tăng", 1),
    "1.2": ("kế hoạch", "tăng", 1),
    "1.5": ("so với dẫn đầu", "tăng", None),
    "2.1": ("kế hoạch", "giảm", "0,5"),
    "3.1": ("đạt/không", None, None),
    "6.1": ("theo lần", None, "0,5"),
    "7.2": ("theo lần", None, "0,25"),
}
QUANT_NOTES = {
    "1.1": "Tính theo kế hoạch, hệ số 1 (đủ điểm khi đạt kế hoạch): tăng trưởng GRDP, % (minh họa)",
    "1.2": "Tính theo kế hoạch, hệ số 1: dự toán giao và số thu, tỷ đồng (minh họa)",
    "1.5": "So với tỉnh dẫn đầu: số xã đạt chuẩn trong năm (minh họa)",
    "2.1": "Tính theo kế hoạch, chiều giảm, hệ số 0,5: tỷ lệ hộ nghèo cuối năm, % (minh họa)",
    "3.1": "Đạt/không: kết quả diễn tập khu vực phòng thủ, đạt được đủ điểm (minh họa)",
    "6.1": "Theo lần: 0,5 điểm mỗi sáng kiến, cộng tối đa 3 điểm (minh họa)",
    "7.2": "Theo lần: trừ 0,25 điểm mỗi lần chậm báo cáo (minh họa)",
}
QUANT_FACTORS = {"1.1": Decimal(1), "1.2": Decimal(1), "2.1": Decimal("0.5"), "6.1": Decimal("0.5"),
                 "7.2": Decimal("0.25")}
"""Target shares and points per count, as the ``Hệ số`` cells say."""
TARGETS = {
    "1.1": ("8", "7.2", "8", "6.4", "8.8", "8", "7.2", "8", "6.4", "8", "8"),  # GRDP growth, %
    "1.2": ("21000", "18000", "9000", "4800", "12000", "3600", "2400", "5400", "7200", "2400", "8400"),  # tỷ đồng
    "2.1": ("2", "4", "2", "4", "2", "4", "4", "2", "4", "2", "2"),  # poverty rate at year end, %
}
"""Illustrative targets per member (in config order); results are derived from the final scores."""
DRILL_FAILED = ("67",)
"""Members whose defence-zone drill (3.1, pass/fail) was not passed; everyone else passed (full points)."""


def _figures(code: str, finals: Sequence[Decimal | None]) -> list[tuple[object, object]]:
    """(target, result) per member such that the computed score is exactly the final score.

    Target criteria whose best final score is below the max use a share of 1 (nobody beat the
    target, R = T × f / M); the poverty rate (the max is reached) uses the leader's excess
    E = 30 %: e = E × (f − s·M)/((1 − s)·M), R = T × (1 − e). New rural communes are relative:
    R = 4 × f communes. Counts are f / points per count.
    """
    crit = next(c for c in CRITERIA if c[0] == code)
    m = Decimal(crit[3])
    out: list[tuple[object, object]] = []
    for i, f in enumerate(finals):
        if f is None:
            out.append((None if code not in TARGETS else _as_cell(Decimal(TARGETS[code][i])), None))
            continue
        if code in ("1.1", "1.2"):
            t = Decimal(TARGETS[code][i])
            out.append((_as_cell(t), _as_cell(t * f / m)))
        elif code == "2.1":
            t, share, leader = Decimal(TARGETS[code][i]), QUANT_FACTORS[code], Decimal("0.3")
            e = leader * (f - share * m) / ((1 - share) * m)
            out.append((_as_cell(t), _as_cell(t * (1 - e))))
        elif code == "1.5":
            out.append((None, int(4 * f)))
        elif code == "3.1":
            out.append((None, "Đạt" if f == m else "Chưa đạt"))
        else:
            out.append((None, int(f / QUANT_FACTORS[code])))
    return out


class DemoCheckError(AssertionError):
    """The generated workbook lacks one of the properties the demo promises."""


@dataclass(frozen=True)
class Row:
    """One province in the demo ranking."""

    code: str
    name: str
    total: Decimal
    rank: int
    award: str | None
    agreed: bool


@dataclass(frozen=True)
class _Crit:
    """A criterion as the generator uses it."""

    code: str
    group: str
    max: Decimal
    kind: str


def _config(path: Path = CONFIG) -> dict:
    """The cluster configuration as a dict."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _criteria() -> list[_Crit]:
    """The criteria table as typed records."""
    return [_Crit(c, g, Decimal(m), k if k in (BONUS, PENALTY) else STANDARD) for c, g, _, m, k, _ in CRITERIA]


def _quarter(x: Decimal) -> Decimal:
    """``x`` rounded to the nearest 0.25."""
    return (x / Q).to_integral_value(ROUND_HALF_UP) * Q


def _floor_quarter(x: Decimal) -> Decimal:
    """``x`` rounded down to a multiple of 0.25."""
    return (x / Q).to_integral_value(ROUND_FLOOR) * Q


def _low(c: _Crit) -> Decimal:
    """The lowest realistic standard score used by the generator (about 75 % of max)."""
    return _quarter(c.max * Decimal("0.75"))


def _uniform(rng: random.Random, a: str, b: str) -> Decimal:
    """A random Decimal in [a, b] with 3 decimals."""
    lo, hi = int(Decimal(a) * 1000), int(Decimal(b) * 1000)
    return Decimal(rng.randint(lo, hi)) / 1000


def _standard_score(rng: random.Random, c: _Crit, strength: Decimal) -> Decimal:
    """A realistic standard score: 80–98 % of max in 0.5 steps, sometimes 0.25."""
    share = min(max(strength + _uniform(rng, "-0.04", "0.04"), Decimal("0.80")), Decimal("0.98"))
    raw = c.max * share
    value = (raw * 2).to_integral_value(ROUND_HALF_UP) / 2 if rng.random() < 0.7 else _quarter(raw)
    return min(max(value, _quarter(c.max * Decimal("0.8"))), c.max)


def _extra_score(rng: random.Random, c: _Crit) -> Decimal:
    """A bonus or penalty score, mostly 0–2."""
    if c.kind == BONUS:
        return Decimal(rng.choice(("0", "0.5", "1", "1", "1.5", "2")))
    return (
        Decimal(rng.choice(("0", "0", "0", "0", "0.5", "1", "1.5")))
        if c.max >= 5
        else Decimal(rng.choice(("0", "0", "0", "0.25", "0.5")))
    )


def _total(scores: dict[str, Decimal | None], crits: Sequence[_Crit], cap: Decimal | None) -> Decimal:
    """Σ standard + min(Σ bonus, cap) − Σ penalty; a blank counts as 0."""
    std = bonus = penalty = ZERO
    for c in crits:
        v = scores.get(c.code) or ZERO
        if c.kind == BONUS:
            bonus += v
        elif c.kind == PENALTY:
            penalty += v
        else:
            std += v
    if cap is not None:
        bonus = min(bonus, cap)
    return std + bonus - penalty


def _group_sum(scores: dict[str, Decimal | None], crits: Sequence[_Crit], group: str) -> Decimal:
    """The sum of one group's scores; a blank counts as 0."""
    return sum((scores.get(c.code) or ZERO for c in crits if c.group == group), ZERO)


def _shift_to(rng: random.Random, scores: dict[str, Decimal | None], crits: Sequence[_Crit], target: Decimal) -> None:
    """Move standard scores of ``crits`` in 0.25 steps until their sum equals ``target``."""
    order = list(crits)
    for _ in range(400):
        diff = target - sum((scores[c.code] or ZERO for c in crits), ZERO)
        if diff == 0:
            return
        step = Q if diff > 0 else -Q
        if abs(diff) >= 1:
            step *= 2
        rng.shuffle(order)
        for c in order:
            new = (scores[c.code] or ZERO) + step
            if _low(c) <= new <= c.max:
                scores[c.code] = new
                break
        else:
            raise DemoCheckError(f"cannot reach sum {target} over {[c.code for c in crits]}")
    raise DemoCheckError(f"cannot reach sum {target} over {[c.code for c in crits]}")


def _final_scores(
    rng: random.Random, codes: Sequence[str], crits: Sequence[_Crit], cap: Decimal | None
) -> dict[str, dict[str, Decimal | None]]:
    """The scores that count (agreed where agreed, else self) per province and criterion."""
    final: dict[str, dict[str, Decimal | None]] = {}
    for p in codes:
        final[p] = {
            c.code: _standard_score(rng, c, STRENGTH[p]) if c.kind == STANDARD else _extra_score(rng, c) for c in crits
        }
    for p, crit in MISSING:
        final[p][crit] = None

    # The tie: the second province gets the first one's group I, group II and total.
    a, b = TIE
    groups = list(dict.fromkeys(c.group for c in crits))
    for group in groups[:2]:
        _shift_to(rng, final[b], [c for c in crits if c.group == group], _group_sum(final[a], crits, group))
    rest = [c for c in crits if c.kind == STANDARD and c.group not in groups[:2]]
    rest_target = sum((final[b][c.code] or ZERO for c in rest), ZERO) + (
        _total(final[a], crits, cap) - _total(final[b], crits, cap)
    )
    _shift_to(rng, final[b], rest, rest_target)

    # Every other total distinct: lower the weaker province by 0.25 until unique.
    by_strength = sorted(codes, key=lambda p: (STRENGTH[p], p))
    for _ in range(200):
        totals = {p: _total(final[p], crits, cap) for p in codes}
        clash = next(
            (p for p in by_strength if p not in TIE and any(totals[p] == totals[o] for o in codes if o != p)),
            None,
        )
        if clash is None:
            return final
        for c in sorted(crits, key=lambda c: c.code, reverse=True):
            v = final[clash][c.code]
            if c.kind == STANDARD and v is not None and v - Q >= _low(c):
                final[clash][c.code] = v - Q
                break
    raise DemoCheckError("cannot make the totals distinct")


def _as_cell(v: Decimal | None) -> object:
    """A Decimal as the number a spreadsheet would hold (int when whole)."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def _as_text(v: Decimal, suffix: str = "") -> str:
    """A Decimal written the Vietnamese way, e.g. ``8,5`` or ``9,5 đ``."""
    text = f"{v.normalize():f}".replace(".", ",")
    return f"{text} {suffix}" if suffix else text


def _trim(rows: Iterable[list[object]]) -> RawTab:
    """Rows without trailing blanks, as a reader returns them."""
    out: RawTab = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def _evidence(rng: random.Random, code: str, name: str, crit: _Crit) -> str | None:
    """A plausible, clearly illustrative evidence reference, or None for about 40 % of cells."""
    if rng.random() < 0.4:
        return None
    n = rng.randint(5, 180)
    day = rng.randint(2, 28)
    slug = crit.code.replace(".", "-")
    return rng.choice(
        (
            f"Báo cáo số {n}/BC-UBND ngày {day:02d}/01/2020",
            f"https://drive.google.com/drive/folders/minh-hoa-{code}-{slug} (minh họa)",
            f"Niên giám thống kê 2019, Cục Thống kê tỉnh {name}",
            f"Quyết định số {n}/QĐ-UBND ngày {day:02d}/12/2019",
            f"Kế hoạch số {n}/KH-UBND và báo cáo kết quả thực hiện",
        )
    )


def build_demo(seed: int = SEED, config: Path = CONFIG) -> RawWorkbook:
    """The demo workbook's tabs and rows, the same for the same seed."""
    rng = random.Random(seed)
    cfg = _config(config)
    provinces = [(str(p["code"]), str(p["name"])) for p in cfg["provinces"]]
    codes = [c for c, _ in provinces]
    names = dict(provinces)
    cap_value = cfg.get("scoring", {}).get("bonus_cap")
    cap = Decimal(str(cap_value)) if cap_value is not None else None
    crits = _criteria()
    by_code = {c.code: c for c in crits}

    final = _final_scores(rng, codes, crits, cap)
    for p in codes:  # the drill is pass/fail: full points, or none
        final[p]["3.1"] = ZERO if p in DRILL_FAILED else by_code["3.1"].max
    figures = {code: dict(zip(codes, _figures(code, [final[p][code] for p in codes]), strict=True)) for code in QUANT}

    # Self-scores: equal to the final ones, except cells adjusted at the meeting.
    self_scores = {p: dict(final[p]) for p in codes}
    log: list[list[object]] = []
    when = datetime(2020, 3, 12, 14, 20)
    for p in AGREED:
        standard = [c for c in crits if c.kind == STANDARD]
        picks = rng.sample(standard, rng.randint(1, 3))
        if p == AGREED[0]:
            picks.append(by_code["6.1"])
        for c in sorted(picks, key=lambda c: c.code):
            agreed = final[p][c.code] or ZERO
            # Mostly the province scored itself too high and the meeting lowered it.
            up = rng.random() < 0.2
            room = agreed - _low(c) if up else c.max - agreed
            if room < Q:
                up = not up
                room = agreed - _low(c) if up else c.max - agreed
            if room < Q:
                continue
            delta = min(Q * rng.randint(1, 4), _floor_quarter(room))
            old = agreed - delta if up else agreed + delta
            self_scores[p][c.code] = old
            reason = rng.choice(REASONS_UP if up else REASONS_DOWN)
            log.append(
                [when.strftime("%d/%m/%Y %H:%M"), EDITOR, names[p], c.code, _as_cell(old), _as_cell(agreed), reason]
            )
            when += timedelta(minutes=rng.randint(2, 6))

    # A few self-scores typed as text: decimal comma, two with a trailing "đ".
    text_cells: dict[tuple[str, str], str] = {}
    fractional = [(p, c.code) for p in codes for c in crits if (v := self_scores[p][c.code]) is not None and v % 1 != 0]
    for i, (p, code) in enumerate(rng.sample(fractional, 12)):
        text_cells[(p, code)] = _as_text(self_scores[p][code] or ZERO, "đ" if i < 2 else "")

    title = {
        "TieuChi": f"BỘ TIÊU CHÍ THI ĐUA NĂM 2019 — {ILLUSTRATIVE}",
        "TuCham": f"BẢNG TỰ CHẤM ĐIỂM NĂM 2019 — {ILLUSTRATIVE}",
        "MinhChung": f"TÀI LIỆU MINH CHỨNG — {ILLUSTRATIVE}",
        "ThongNhat": f"ĐIỂM THỐNG NHẤT TẠI HỘI NGHỊ TRÙ BỊ — {ILLUSTRATIVE}",
        "NhatKy": f"NHẬT KÝ ĐIỀU CHỈNH ĐIỂM — {ILLUSTRATIVE}",
        "KeHoach": f"CHỈ TIÊU KẾ HOẠCH ĐƯỢC GIAO NĂM 2019 — {ILLUSTRATIVE}",
        "KetQua": f"KẾT QUẢ THỰC HIỆN NĂM 2019 — {ILLUSTRATIVE}",
    }

    def planned(tab: str, which: int) -> RawTab:
        """``KeHoach`` (which = 0) or ``KetQua`` (1): one row per computed criterion that needs it."""
        header: list[object] = ["Mã", *(HEADERS["TuCham"][p] for p in codes)]
        body = [[code, *(figures[code][p][which] for p in codes)] for code in QUANT
                if which == 1 or QUANT[code][0] == "kế hoạch"]
        return _trim([[title[tab]], [], header, *body])

    def shaped(tab: str, cell: Callable[[str, _Crit], object]) -> RawTab:
        """A TuCham-shaped tab: title, blank row, header, one row per criterion."""
        header: list[object] = ["Mã", *(HEADERS[tab][p] for p in codes)]
        body = [[c.code, *(cell(p, c) for p in codes)] for c in crits]
        return _trim([[title[tab]], [], header, *body])

    def self_cell(p: str, c: _Crit) -> object:
        """A self-score as typed by the province."""
        return text_cells.get((p, c.code), _as_cell(self_scores[p][c.code]))

    def agreed_cell(p: str, c: _Crit) -> object:
        """An agreed score, blank where the province has not been agreed yet."""
        return _as_cell(final[p][c.code]) if p in AGREED else None

    evidence = {(p, c.code): _evidence(rng, p, names[p], c) for p in codes for c in crits}

    return {
        "TieuChi": _trim(
            [
                [title["TieuChi"]],
                [],
                ["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Ghi chú", "Cách tính", "Chiều", "Hệ số"],
                *([code, group, text, mx, kind, QUANT_NOTES.get(code, note), *QUANT.get(code, ())]
                  for code, group, text, mx, kind, note in CRITERIA),
            ]
        ),
        "KeHoach": planned("KeHoach", 0),
        "KetQua": planned("KetQua", 1),
        "TuCham": shaped("TuCham", self_cell),
        "MinhChung": shaped("MinhChung", lambda p, c: evidence[(p, c.code)]),
        "ThongNhat": shaped("ThongNhat", agreed_cell),
        "NhatKy": _trim(
            [
                [title["NhatKy"]],
                [],
                ["Thời gian", "Người sửa", "Đơn vị", "Mã", "Điểm cũ", "Điểm mới", "Lý do"],
                *log,
            ]
        ),
    }


def verify_demo(workbook: RawWorkbook, config: Path = CONFIG) -> list[Row]:
    """The ranking by the project's own core; raises ``DemoCheckError`` unless every promise holds."""
    cluster = load_config(config)
    evaluation = evaluate(workbook, cluster)
    if evaluation.errors:
        raise DemoCheckError(f"the demo has errors: {[(p.cell, describe(p)) for p in evaluation.errors]}")
    standard_sum = sum((c.max_points for c in evaluation.sheet.criteria if c.kind is Kind.STANDARD), ZERO)
    if standard_sum != 100:
        raise DemoCheckError(f"standard max points sum to {standard_sum}, not 100")
    blanks = [(p, c) for p in cluster.provinces for c in evaluation.sheet.criteria
              if evaluation.sheet.own((c.code, p.code)) is None]
    if len(blanks) != 3 or len({p.code for p, _ in blanks}) != 2:
        raise DemoCheckError(f"expected 3 blank self-scores on 2 provinces, found {len(blanks)}")
    agreed = {code for _, code in evaluation.sheet.agreed}
    if len(agreed) != 6:
        raise DemoCheckError(f"expected agreed scores for 6 provinces, found {sorted(agreed)}")
    computed = {code for code, _ in evaluation.sheet.computed}
    if computed != set(QUANT):
        raise DemoCheckError(f"expected computed criteria {sorted(QUANT)}, found {sorted(computed)}")
    off = [key for key, value in evaluation.sheet.computed.items()
           if key in evaluation.sheet.agreed and evaluation.sheet.agreed[key] != value]
    if off:
        raise DemoCheckError(f"computed scores that differ from the agreed ones: {off}")
    if not any(p.code == "quant.self_differs" for p in evaluation.problems):
        raise DemoCheckError("expected a self-score that differs from the computed one")
    if not any(p.code == "quant.result_missing" for p in evaluation.problems):
        raise DemoCheckError("expected one missing result")
    tied = [s for s in evaluation.standings if s.shared]
    line = max(a.to_rank for a in cluster.awards)
    if len(tied) != 2 or tied[0].rank != line or not all(s.needs_vote for s in tied):
        raise DemoCheckError(f"expected one vote-needing tie at rank {line}, found {[(s.code, s.rank) for s in tied]}")
    return [Row(s.code, s.province.name, s.agreed_total, s.rank, s.award, s.code in agreed)
            for s in evaluation.standings]


def main(argv: Sequence[str] | None = None) -> int:
    """Build, verify, write and re-read the demo workbook; print the ranking."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write (default: config/demo.xlsx)")
    args = parser.parse_args(argv)

    workbook = build_demo()
    ranking = verify_demo(workbook)
    create_template(args.output, workbook, overwrite=True)
    if XlsxSource(args.output).read() != workbook:
        raise DemoCheckError(f"{args.output} does not read back as generated")
    verify_demo(XlsxSource(args.output).read())

    print(f"Đã ghi {args.output} — {ILLUSTRATIVE}")
    tied = {r.code for r in ranking if sum(o.rank == r.rank for o in ranking) > 1}
    for r in ranking:
        flags = [] if r.agreed else ["tạm tính"]
        if r.code in tied:
            flags.append("bằng điểm — cần biểu quyết")
        print(f"{r.rank:>2}  {r.code}  {r.name:<12} {r.total:>7.2f}  {r.award or '':<34} {', '.join(flags)}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
