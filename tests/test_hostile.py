"""Hostile workbooks: absurd numbers, formulas, infinities; named cells, never a traceback."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from lib.cli import EXIT_ERRORS
from lib.core.config import load_config
from lib.core.errors import LayoutError
from lib.core.evaluation import evaluate
from lib.core.model import WriteBatch
from lib.edge.sources.xlsx import XlsxSource
from lib.present.exports.standings_csv import standings_csv
from lib.present.print_view import print_html
from lib.present.tables import standings_table
from tests.test_cli import DEMO, edit_copy, run

ROW = "BCDEFGHIJKL"  # the 11 provinces' columns of TuCham / ThongNhat


@pytest.mark.parametrize("value", [1e26, -1e26, "inf", "NaN", "1e26", "9" * 40, 999_999_999.0])
def test_absurd_numbers_are_cell_problems_and_every_view_still_renders(tmp_path: Path, value: object) -> None:
    cells = {f"{tab}!{col}4": value for tab in ("TuCham", "ThongNhat") for col in ROW}
    book = edit_copy(tmp_path, cells)
    code, text = run(str(book))
    assert code == EXIT_ERRORS and "TuCham!B4" in text and "ThongNhat!L4" in text
    config = load_config()
    results = evaluate(XlsxSource(book).read(), config)
    assert {p.cell for p in results.errors} >= {"TuCham!B4", "ThongNhat!B4"}
    standings_table(results)
    standings_csv(results)
    print_html(results, config, dt.date(2019, 12, 1))
    assert run(str(book), "--json")[0] == EXIT_ERRORS


def test_a_save_into_a_workbook_with_formulas_is_refused_naming_the_cells(tmp_path: Path) -> None:
    book = Path(shutil.copy(DEMO, tmp_path / "f.xlsx"))
    wb = openpyxl.load_workbook(book)
    wb["TuCham"]["M4"] = "=SUM(B4:L4)"
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(LayoutError) as caught:
        XlsxSource(book).write(WriteBatch(cells={("ThongNhat", 4, 2): 7}))
    assert caught.value.code == "xlsx.formulas" and "TuCham!M4" in str(dict(caught.value.params)["cells"])
    assert book.read_bytes() == before  # nothing written: no formula loses its value
