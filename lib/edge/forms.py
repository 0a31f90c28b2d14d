"""Reading a returned self-scoring form: every tab as raw rows, links kept.

A province may type a link as text or insert it as a hyperlink whose shown text differs
(``Báo cáo số 12`` pointing at ``https://…``): the cell then reads ``text <target>``, so
the evidence keeps the address. A formula without a computed value (a file written by a
program, or ``=SUM(`` typed as text) reads as its formula text, so the import reports it
instead of taking it for a blank. Everything else is read like the local workbook source.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from lib.core.errors import NotAWorkbook
from lib.core.model import RawWorkbook
from lib.edge.sources.xlsx import _trim_tab


def read_form_file(form: Path | bytes, label: str = "") -> RawWorkbook:
    """Every tab of the form (hidden ones too) as trimmed rows of values."""
    name = label or (str(form) if isinstance(form, Path) else "biểu mẫu")
    try:
        wb = load_workbook(io.BytesIO(form) if isinstance(form, bytes) else form, data_only=True)
        formulas = load_workbook(io.BytesIO(form) if isinstance(form, bytes) else form, data_only=False)
    except FileNotFoundError as exc:
        raise NotAWorkbook(f"Không tìm thấy tệp: {name}") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NotAWorkbook(f"Không phải tệp Excel (.xlsx) đọc được: {name} ({type(exc).__name__})") from exc
    try:
        out: RawWorkbook = {}
        for ws in wb.worksheets:
            typed = formulas[ws.title]
            rows = []
            for row in ws.iter_rows():
                values = []
                for cell in row:
                    value = cell.value
                    if value is None and cell.row <= typed.max_row and cell.column <= typed.max_column:
                        formula = typed.cell(cell.row, cell.column).value
                        if isinstance(formula, str) and formula.startswith("="):
                            value = formula  # never computed (or "=SUM(" typed as text): reported, not blank
                    target = cell.hyperlink.target if cell.hyperlink is not None else None
                    if target and str(value or "").strip() != target:
                        value = f"{value} <{target}>" if value not in (None, "") else target
                    values.append(value)
                rows.append(values)
            out[ws.title] = _trim_tab(rows)
        return out
    finally:
        wb.close()
        formulas.close()
