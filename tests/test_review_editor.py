"""The review page's pure pieces (``lib.present.review_editor``): save note, column widths, the grid's edits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lib.core.model import Adjustment
from lib.present.catalogue import t
from lib.present.review_editor import (
    EDITOR_COLUMNS,
    GRID_PX_AT_1920,
    change_summary,
    column_widths,
    edits_from_frame,
    with_edits,
)
from tests.sheets import criterion, sheet

D = Decimal
SHEET = sheet([criterion("1.1"), criterion("1.2")], {"49": {"1.1": "7.25"}, "51": {"1.1": "8"}})


def test_the_summary_names_the_province_and_each_change_in_the_screen_s_number_format() -> None:
    adjustments = [Adjustment("1.1", "49", D("7.25"), D("5"), "x"), Adjustment("1.2", "49", None, D("4.5"), "y")]
    assert change_summary(SHEET, adjustments) == ("Quảng Nam", "1.1: 7,25 → 5,00; 1.2: (trống) → 4,50")
    assert change_summary(SHEET, adjustments, "en") == ("Quảng Nam", "1.1: 7.25 → 5.00; 1.2: (blank) → 4.50")


def test_a_cleared_score_reads_blank_not_an_empty_gap() -> None:
    assert change_summary(SHEET, [Adjustment("1.1", "51", D("8"), None, "x")])[1] == "1.1: 8,00 → (trống)"


def test_a_corrected_result_is_named_by_its_tab_and_written_as_the_quantity_it_is() -> None:
    fix = Adjustment("1.1", "49", D("18000"), D("18500.5"), "x", tab="KetQua")
    province, changes = change_summary(SHEET, [fix])
    assert changes == f"1.1 ({t('fix.tab.KetQua')}): 18.000 → 18.500,5"


def test_a_province_not_in_the_sheet_is_named_by_its_code_and_named_once() -> None:
    adjustments = [Adjustment("1.1", "99", None, D("1"), "x"), Adjustment("1.2", "99", None, D("2"), "x")]
    assert change_summary(SHEET, adjustments)[0] == "99"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_number_column_is_at_least_as_wide_as_its_header(lang: str) -> None:
    widths = column_widths(lang)
    assert set(widths) == set(EDITOR_COLUMNS)
    labels = {"max": "col.max", "self": "col.self", "agreed": "review.col.agreed", "new": "review.col.new",
              "flag": "review.col.flag", "computed": "col.computed"}
    for key, label in labels.items():
        # 6.5 px a letter as measured in Chromium on the header font; 8 px padding either side, a 20 px menu icon
        assert widths[key] >= len(t(label, lang)) * 6.5 + 16 + 20, key


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_column_fits_the_grid_at_1920_px_so_the_working_is_not_cut(lang: str) -> None:
    assert sum(column_widths(lang).values()) <= GRID_PX_AT_1920


def _frame():
    import pandas as pd

    return pd.DataFrame([{c: f"{c}{i}" for c in EDITOR_COLUMNS} for i in range(3)])


def test_the_grid_s_edits_apply_to_the_table_as_the_editor_would_return_it() -> None:
    frame = _frame()
    edited = with_edits(frame, {"edited_rows": {0: {"new": "5", "reason": "GRDP"}, "2": {"new": None}},
                                "added_rows": [], "deleted_rows": []})
    assert edited.at[0, "new"] == "5" and edited.at[0, "reason"] == "GRDP"
    assert edits_from_frame(edited)[2].new is None  # a cleared cell reads blank
    assert edited.at[1, "new"] == "new1"  # untouched rows stay
    assert frame.at[0, "new"] == "new0"  # the drawn table is not changed


@pytest.mark.parametrize("editing", [
    None, {}, {"edited_rows": {}}, "garbage",
    {"edited_rows": {7: {"new": "5"}, -1: {"new": "5"}, "x": {"new": "5"}, 1: "not a mapping"}},
    {"edited_rows": {0: {"agreed": "8", "code": "9.9", "no-such-column": "1"}}},  # read-only or unknown
])
def test_edits_out_of_the_grid_or_on_read_only_columns_change_nothing(editing) -> None:
    assert with_edits(_frame(), editing).equals(_frame())


@pytest.mark.parametrize("value", [5, 5.5, True, [1, 2], {"a": 1}, 10**400])
def test_a_forged_value_that_is_not_text_is_read_as_text_not_an_exception(value) -> None:
    """The grid's text columns send text; a forged request may send anything: ``st.data_editor`` makes it
    ``str()``, and so must the save that runs before the page (an exception there is the whole page)."""
    edited = with_edits(_frame(), {"edited_rows": {0: {"new": value, "reason": value}}})
    assert edited.at[0, "new"] == str(value) and edited.at[0, "reason"] == str(value)
