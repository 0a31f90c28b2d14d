"""Tests of the local .xlsx source (``lib.edge.sources.xlsx``) and the demo workbook generator."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import threading
import zipfile
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook

from lib.core.cells import Uncalculated, parse_score
from lib.core.errors import CellParseError, NotAWorkbook, SourceError
from lib.core.model import Problem, RawWorkbook
from lib.core.text import fold
from lib.edge.reader import decode_workbook, encode_workbook
from lib.edge.sources import Source, WriteBatch
from lib.edge.sources.xlsx import XlsxSource, create_template
from lib.present.catalogue import describe

ROOT = Path(__file__).resolve().parents[1]

SAMPLE: RawWorkbook = {
    "TieuChi": [
        ["DỮ LIỆU MINH HỌA — không phải số liệu chính thức"],
        [],
        ["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Ghi chú"],
        ["1.1", "I. Phát triển kinh tế", "Tốc độ tăng trưởng GRDP", 8, "chuẩn"],
        ["6.1", "VI. Điểm thưởng", "Sáng kiến", 3, "thưởng", "tối đa 3"],
    ],
    "TuCham": [
        ["Mã", "Quảng Ngãi", "Đăk Lăk"],
        ["1.1", 7.5, "8,5"],
        ["6.1", None, "9,5 đ"],
    ],
}


def _load_make_demo() -> ModuleType:
    """Import ``scripts/make_demo.py`` as a module (``scripts`` is not a package)."""
    name = "make_demo"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A small workbook created from ``SAMPLE``."""
    path = tmp_path / "book.xlsx"
    create_template(path, SAMPLE)
    return path


def _leftovers(directory: Path) -> list[str]:
    """Files in ``directory`` other than workbooks (temporary files left behind)."""
    return sorted(p.name for p in directory.iterdir() if p.suffix not in (".xlsx", ".lock"))  # the lock file stays


# --- reading -------------------------------------------------------------------------


def test_round_trip_read(book: Path) -> None:
    source = XlsxSource(book)
    assert source.read() == SAMPLE
    assert list(source.read()) == ["TieuChi", "TuCham"]


def test_label_is_file_name_and_source_protocol(book: Path) -> None:
    source: Source = XlsxSource(book)
    assert source.label == "book.xlsx"


def test_read_takes_cached_formula_results(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "TuCham"
    ws["A1"] = "=4+5.5"
    ws["A2"] = "=1+1"
    ws["A3"] = '=""'
    wb.save(plain)
    # Give A1 the cached result a spreadsheet program would have stored, and A3 the empty text a
    # formula "" gives (typed str); A2 has none (openpyxl's own empty <v>): it is named, not blank.
    path = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>4+5.5</f><v></v>", b"<f>4+5.5</f><v>9.5</v>")
                data = data.replace(b'<c r="A3">', b'<c r="A3" t="str">')
            dst.writestr(item, data)
    read = XlsxSource(path).read()
    assert read == {"TuCham": [[9.5], [Uncalculated("1+1")]]}
    with pytest.raises(CellParseError, match="cell.formula_no_value"):
        parse_score(read["TuCham"][1][0])
    assert "=1+1" in describe(Problem.error("TuCham!A2", "cell.formula_no_value", value="=1+1"), "en")
    assert decode_workbook(encode_workbook(read, dt.datetime(2025, 1, 1))) == read  # the disk copy reads alike


def test_a_formula_with_no_value_element_at_all_is_uncalculated(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["B2"] = "=A1*2"
    wb.save(plain)
    path = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data.replace(b"<v></v>", b"") if item.filename.endswith("sheet1.xml") else data)
    assert XlsxSource(path).read() == {"Sheet": [[], [None, Uncalculated("A1*2")]]}


def test_read_trims_trailing_blanks(tmp_path: Path) -> None:
    path = tmp_path / "trim.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "A"
    ws["A1"] = "x"
    ws["C1"] = None
    ws["B3"] = 1
    ws["A10"].font = openpyxl.styles.Font(bold=True)  # formatted but empty
    wb.save(path)
    assert XlsxSource(path).read() == {"A": [["x"], [], [None, 1]]}


def test_missing_file_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "absent.xlsx"
    with pytest.raises(NotAWorkbook) as info:
        XlsxSource(path).read()
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_text_file_renamed_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("Mã;Quảng Ngãi\n1.1;9,5\n", encoding="utf-8")
    with pytest.raises(NotAWorkbook) as info:
        XlsxSource(path).read()
    assert str(path) in str(info.value)
    assert info.value.__cause__ is not None


def test_zip_that_is_not_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(NotAWorkbook):
        XlsxSource(path).read()


def test_directory_is_not_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(NotAWorkbook) as info:
        XlsxSource(folder).read()
    assert str(folder) in str(info.value)


def test_write_to_missing_file_is_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(NotAWorkbook):
        XlsxSource(tmp_path / "absent.xlsx").write(WriteBatch(cells={("A", 1, 1): 1}))


# --- writing -------------------------------------------------------------------------


def test_text_that_looks_like_a_formula_stays_text(book: Path) -> None:
    XlsxSource(book).write(WriteBatch(cells={("TuCham", 2, 2): "=1+1", ("TuCham", 3, 2): "=SUM("}))
    data = XlsxSource(book).read()
    assert data["TuCham"][1][1] == "=1+1"
    assert data["TuCham"][2][1] == "=SUM("
    cell = openpyxl.load_workbook(book)["TuCham"]["B2"]
    assert cell.data_type == "s"
    assert cell.value == "=1+1"


def test_write_sets_values_of_each_type(book: Path) -> None:
    batch = WriteBatch(
        cells={("TuCham", 2, 2): 9.25, ("TuCham", 2, 3): 7, ("TuCham", 3, 2): "9,5", ("TuCham", 2, 4): ""}
    )
    XlsxSource(book).write(batch)
    rows = XlsxSource(book).read()["TuCham"]
    assert rows[1][:3] == ["1.1", 9.25, 7]
    assert rows[2][1] == "9,5"


def test_a_write_into_a_workbook_with_formulas_is_refused_and_keeps_them(tmp_path: Path) -> None:
    """openpyxl would drop the formulas' cached values: the write is refused, naming the cells."""
    from lib.core.errors import LayoutError

    path = tmp_path / "formula.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "TuCham"
    ws.append([1, 2, "=A1+B1"])
    wb.save(path)
    with pytest.raises(LayoutError, match="xlsx.formulas") as caught:
        XlsxSource(path).write(WriteBatch(cells={("TuCham", 2, 1): "x"}))
    assert dict(caught.value.params)["cells"] == "TuCham!C1"
    assert openpyxl.load_workbook(path)["TuCham"]["C1"].value == "=A1+B1"


def test_appends_land_after_last_row(book: Path) -> None:
    source = XlsxSource(book)
    before = source.read()["TieuChi"]
    source.write(WriteBatch(appends={"TieuChi": [["9.1", "IX", "một", 1], ["9.2", None, "hai", 2]]}))
    source.write(WriteBatch(appends={"TieuChi": [["9.3", "IX", "ba", 3]]}))
    after = source.read()["TieuChi"]
    assert after[: len(before)] == before
    assert after[len(before) :] == [["9.1", "IX", "một", 1], ["9.2", None, "hai", 2], ["9.3", "IX", "ba", 3]]


def test_appends_skip_formatted_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    create_template(path, {"NhatKy": [["Thời gian", "Người sửa"], ["12/03/2020 14:20", "Thư ký"]]})
    wb = openpyxl.load_workbook(path)
    wb["NhatKy"]["A40"].font = openpyxl.styles.Font(italic=True)
    wb.save(path)
    XlsxSource(path).write(WriteBatch(appends={"NhatKy": [["12/03/2020 14:30", "Thư ký"]]}))
    assert XlsxSource(path).read()["NhatKy"][2] == ["12/03/2020 14:30", "Thư ký"]


def test_cells_and_appends_apply_together(book: Path) -> None:
    XlsxSource(book).write(
        WriteBatch(cells={("TuCham", 3, 2): 2}, appends={"TieuChi": [["9.9", "IX", "x", 1]]}),
    )
    data = XlsxSource(book).read()
    assert data["TuCham"][2][1] == 2
    assert data["TieuChi"][-1] == ["9.9", "IX", "x", 1]


def test_unknown_tab_is_an_error_and_writes_nothing(book: Path) -> None:
    before = book.read_bytes()
    with pytest.raises(SourceError, match="ThongNhat"):
        XlsxSource(book).write(WriteBatch(cells={("TuCham", 2, 2): 1, ("ThongNhat", 2, 2): 1}))
    with pytest.raises(SourceError, match="NhatKy"):
        XlsxSource(book).write(WriteBatch(appends={"NhatKy": [["x"]]}))
    assert book.read_bytes() == before


def test_bad_cell_address_is_an_error(book: Path) -> None:
    with pytest.raises(SourceError):
        XlsxSource(book).write(WriteBatch(cells={("TuCham", 0, 1): 1}))


def test_crash_during_save_leaves_original_intact(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before_bytes = book.read_bytes()
    before = XlsxSource(book).read()

    def crashing_save(self: Workbook, filename: object) -> None:
        if hasattr(filename, "write"):
            filename.write(b"PK\x03\x04 half a workbook")  # type: ignore[attr-defined]
        else:
            Path(str(filename)).write_bytes(b"PK\x03\x04 half a workbook")
        raise RuntimeError("simulated crash while saving")

    monkeypatch.setattr(Workbook, "save", crashing_save)
    with pytest.raises(SourceError, match="simulated crash"):
        XlsxSource(book).write(WriteBatch(cells={("TuCham", 2, 2): 1}, appends={"TieuChi": [["x"]]}))
    monkeypatch.undo()

    assert book.read_bytes() == before_bytes
    assert XlsxSource(book).read() == before
    assert _leftovers(book.parent) == []


def test_crash_before_replace_leaves_original_intact(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = XlsxSource(book).read()

    def failing_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("lib.edge.sources.xlsx.os.replace", failing_replace)
    with pytest.raises(SourceError, match="disk full"):
        XlsxSource(book).write(WriteBatch(cells={("TuCham", 2, 2): 1}))
    monkeypatch.undo()
    assert XlsxSource(book).read() == before
    assert _leftovers(book.parent) == []


def test_write_keeps_file_mode(book: Path) -> None:
    book.chmod(0o640)
    XlsxSource(book).write(WriteBatch(cells={("TuCham", 2, 2): 1}))
    assert book.stat().st_mode & 0o777 == 0o640


def test_concurrent_writes_are_all_applied(book: Path) -> None:
    rounds = 15
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(col: int) -> None:
        try:
            source = XlsxSource(book)  # separate objects: the lock is per file, not per object
            start.wait()
            for i in range(rounds):
                source.write(
                    WriteBatch(
                        cells={("TuCham", 10 + i, col): f"t{col}-{i}"},
                        appends={"TieuChi": [[f"log {col}-{i}"]]},
                    )
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(col,)) for col in (5, 6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    data = XlsxSource(book).read()
    for i in range(rounds):
        row = data["TuCham"][9 + i]
        assert row[4:6] == [f"t5-{i}", f"t6-{i}"]
    logged = [r[0] for r in data["TieuChi"][len(SAMPLE["TieuChi"]) :]]
    assert sorted(logged) == sorted(f"log {c}-{i}" for c in (5, 6) for i in range(rounds))
    assert _leftovers(book.parent) == []


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
_cell = st.one_of(
    st.none(),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.decimals(min_value=0, max_value=100, places=2).map(float),
    _text,
    _text.map(lambda s: "=" + s),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, max_size=5), max_size=5))
def test_round_trip_property(tmp_path: Path, rows: list[list[object]]) -> None:
    path = tmp_path / "prop.xlsx"
    create_template(path, {"A": rows}, overwrite=True)
    trimmed = [list(r) for r in rows]
    for r in trimmed:
        while r and r[-1] is None:
            r.pop()
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    assert XlsxSource(path).read() == {"A": trimmed}


# --- create_template -------------------------------------------------------------------


def test_create_template_refuses_to_overwrite(book: Path) -> None:
    before = book.read_bytes()
    with pytest.raises(SourceError):
        create_template(book, {"X": [["a"]]})
    assert book.read_bytes() == before
    create_template(book, {"X": [["a"]]}, overwrite=True)
    assert XlsxSource(book).read() == {"X": [["a"]]}


def test_create_template_accepts_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.touch()
    create_template(path, {"X": [["a", 1]]})
    assert XlsxSource(path).read() == {"X": [["a", 1]]}


def test_create_template_bolds_and_freezes_the_header(tmp_path: Path) -> None:
    path = tmp_path / "styled.xlsx"
    create_template(path, {"TuCham": [["DỮ LIỆU MINH HỌA"], [], ["Mã", "Quảng Nam"], ["1.1", 7]]})
    ws = openpyxl.load_workbook(path)["TuCham"]
    assert ws["A3"].font.bold and ws["B3"].font.bold
    assert not ws["A4"].font.bold
    assert ws.freeze_panes == "A4"


# --- the demo workbook -----------------------------------------------------------------


def test_build_demo_is_deterministic() -> None:
    make_demo = _load_make_demo()
    assert make_demo.build_demo() == make_demo.build_demo()


def test_shipped_demo_matches_the_generator() -> None:
    make_demo = _load_make_demo()
    shipped = XlsxSource(ROOT / "config" / "demo.xlsx").read()
    assert shipped == make_demo.build_demo()


def test_demo_is_labelled_illustrative() -> None:
    make_demo = _load_make_demo()
    demo = make_demo.build_demo()
    assert set(demo) == {"TieuChi", "TuCham", "MinhChung", "ThongNhat", "NhatKy", "KeHoach", "KetQua"}
    for rows in demo.values():
        assert "MINH HỌA" in str(rows[0][0])
        assert rows[1] == []
    assert demo["TieuChi"][2] == ["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Ghi chú", "Cách tính", "Chiều",
                                  "Hệ số"]
    assert demo["NhatKy"][2] == ["Thời gian", "Người sửa", "Đơn vị", "Mã", "Điểm cũ", "Điểm mới", "Lý do"]


def test_demo_has_exactly_one_tie_at_the_award_line() -> None:
    make_demo = _load_make_demo()
    ranking = make_demo.verify_demo(make_demo.build_demo())
    assert [r.rank for r in ranking] == [1, 2, 3, 4, 4, 6, 7, 8, 9, 10, 11]
    assert ranking[3].total == ranking[4].total
    assert len({r.total for r in ranking}) == len(ranking) - 1
    assert all(isinstance(r.total, Decimal) for r in ranking)


def test_demo_check_fails_loudly_when_the_tie_is_broken() -> None:
    make_demo = _load_make_demo()
    demo = make_demo.build_demo()
    ranking = make_demo.verify_demo(demo)
    tied = ranking[3].code
    agreed = demo["ThongNhat"]
    column = next(i for i, head in enumerate(agreed[2]) if fold(head) in _spellings(make_demo, tied))
    row = next(r for r in agreed[3:] if r[0] == "5.4")  # last standard criterion
    row[column] = float(Decimal(str(row[column])) - Decimal("0.1"))
    with pytest.raises(make_demo.DemoCheckError):
        make_demo.verify_demo(demo)


def _spellings(make_demo: ModuleType, code: str) -> set[str]:
    """Every normalised header that means the province ``code`` in the demo."""
    return {fold(h[code]) for h in make_demo.HEADERS.values()} | {code}


def test_write_creates_new_tabs_before_setting_cells(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    create_template(path, {"TuCham": [["Mã", "51"]]})
    XlsxSource(path).write(WriteBatch(cells={("Chot", 1, 1): "Thời gian"}, new_tabs=("Chot", "TuCham")))
    book = XlsxSource(path).read()
    assert book["Chot"] == [["Thời gian"]] and book["TuCham"] == [["Mã", "51"]]
