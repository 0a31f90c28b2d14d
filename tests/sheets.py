"""Building scoresheets and configs in tests without a workbook."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from lib.core.model import Criterion, Kind, Province, ProvinceCode, Scoresheet

PROVINCES = tuple(
    Province(ProvinceCode(code), name)
    for code, name in [("49", "Quảng Nam"), ("51", "Quảng Ngãi"), ("52", "Bình Định"), ("54", "Phú Yên"),
                       ("56", "Khánh Hòa"), ("58", "Ninh Thuận"), ("62", "Kon Tum"), ("64", "Gia Lai"),
                       ("66", "Đắk Lắk"), ("67", "Đắk Nông"), ("68", "Lâm Đồng")]
)


def criterion(code: str, group: str = "I. Kinh tế", max_points: str = "10", kind: Kind = Kind.STANDARD) -> Criterion:
    """A criterion with sensible defaults."""
    return Criterion(code, group, f"Tiêu chí {code}", Decimal(max_points), kind)


def sheet(
    criteria: list[Criterion],
    self_scores: Mapping[str, Mapping[str, str | int]],
    agreed: Mapping[str, Mapping[str, str | int]] | None = None,
    provinces: tuple[Province, ...] | None = None,
) -> Scoresheet:
    """A scoresheet from {province code: {criterion code: score}} tables."""
    codes = set(self_scores) | set(agreed or {})
    members = provinces or tuple(p for p in PROVINCES if p.code in codes)

    def table(scores: Mapping[str, Mapping[str, str | int]]) -> dict[tuple[str, ProvinceCode], Decimal]:
        return {
            (crit, ProvinceCode(prov)): Decimal(str(value))
            for prov, row in scores.items()
            for crit, value in row.items()
        }

    return Scoresheet(tuple(criteria), members, table(self_scores), table(agreed or {}))
