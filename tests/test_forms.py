"""Self-scoring forms: generated for the demo, filled in code, imported into a copy of the demo."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest

from lib.cli import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, main
from lib.core.config import load_config
from lib.core.errors import NotAllowed, SourceError, WriteConflict
from lib.core.forms import FORM_TAB, IMPORT_REASON, META_TAB, Status, form_changes, read_form
from lib.core.model import Role
from lib.core.parse import parse_workbook
from lib.core.tracker import last_imports
from lib.edge.forms import form_key, read_form_file
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import import_self_scores
from lib.present.forms_xlsx import HEADER_ROW, file_name, form_bytes
from tests.test_meeting_pages import SECRETARY, app, signed_in, use_cookie_jar
from tests.test_pages import ROOT, make_config

KON_TUM = "62"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(workbook copy, config reading it); the server's key in a fresh cache directory."""
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("THIDUA_SECRETS", str(tmp_path / "no-secrets.toml"))
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    return workbook, make_config(tmp_path, workbook)


def cli(*argv: str) -> tuple[int, str]:
    out = StringIO()
    return main(list(argv), out=out), out.getvalue()


def sheet_of(workbook: Path, config: Path):
    return parse_workbook(XlsxSource(workbook).read(), load_config(config).provinces).sheet


def reading_of(form: Path, cfg, sheet, unsigned=None):
    """The form read as the import reads it: the server's key, the file's own name."""
    return read_form(read_form_file(form), cfg.name, cfg.year, cfg.provinces, sheet.criteria, form_key(), form.name,
                     unsigned)


def generate(tmp_path: Path, config: Path) -> Path:
    out = tmp_path / "forms"
    code, text = cli("forms", str(out), "--config", str(config))
    assert code == EXIT_OK, text
    return out


def rows_by_code(ws) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def fill(form: Path, edits: dict[str, dict[str, object]], extra_rows=(), extra_column=None, links=()) -> dict:
    """Type into the form like a province: ``edits[code] = {"self": …, "evidence": …}``; returns cell addresses."""
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_TAB]
    rows = rows_by_code(ws)
    for code, values in edits.items():
        if "self" in values:
            ws.cell(rows[code], 6).value = values["self"]
        if "evidence" in values:
            ws.cell(rows[code], 7).value = values["evidence"]
    for code, text, target in links:
        ws.cell(rows[code], 7).value = text
        ws.cell(rows[code], 7).hyperlink = target
    at = {}
    for offset, (code, score) in enumerate(extra_rows, start=1):
        row = ws.max_row + 1
        ws.cell(row, 1).value, ws.cell(row, 6).value = code, score
        at[code or f"blank{offset}"] = row
    if extra_column:
        ws.cell(HEADER_ROW, 8).value = extra_column
        ws.cell(HEADER_ROW + 1, 8).value = "tỉnh ghi thêm"
    wb.save(form)
    return {"rows": rows, "extra": at}


def test_one_form_per_member_with_heading_validation_protection_and_identity(tmp_path, demo):
    workbook, config = demo
    out = generate(tmp_path, config)
    cfg = load_config(config)
    assert sorted(p.name for p in out.iterdir()) == sorted(file_name(p) for p in cfg.provinces)
    assert (out / "62-Kon-Tum.xlsx").exists() and (out / "66-Dak-Lak.xlsx").exists()
    wb = openpyxl.load_workbook(out / "62-Kon-Tum.xlsx")
    ws = wb[FORM_TAB]
    heading = " ".join(str(ws.cell(r, 1).value) for r in range(1, 5))
    for expected in (cfg.name, "2019", "Kon Tum", "62", "05/02/2020", "10/03/2020"):
        assert expected in heading
    assert "Hướng dẫn" in str(ws["A5"].value)
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 7)] == [
        "Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Tự chấm"]
    sheet = sheet_of(workbook, config)
    rows = rows_by_code(ws)
    assert list(rows) == [c.code for c in sheet.criteria]
    assert ws.protection.sheet
    for criterion in sheet.criteria:
        row = rows[criterion.code]
        assert ws.cell(row, 1).protection.locked and ws.cell(row, 4).protection.locked
        assert not ws.cell(row, 6).protection.locked and not ws.cell(row, 7).protection.locked
        expected = sheet.self_scores.get((criterion.code, KON_TUM))
        value = ws.cell(row, 6).value
        assert (None if value is None else Decimal(str(value))) == expected  # pre-filled (supplement round)
        assert ws.cell(row, 7).value == sheet.evidence.get((criterion.code, KON_TUM))
        assert ws.cell(row, 5).value == criterion.kind.value
    rules = {str(cell): dv for dv in ws.data_validations.dataValidation for cell in dv.sqref.ranges}
    for criterion in sheet.criteria:
        rule = rules[f"F{rows[criterion.code]}"]
        assert (rule.type, rule.operator, rule.formula1) == ("decimal", "between", "0")
        assert Decimal(rule.formula2) == criterion.max_points
    meta = wb[META_TAB]
    assert meta.sheet_state == "hidden"
    keys = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 8)}
    assert (keys["cluster"], keys["year"], keys["province"]) == (cfg.name, 2019, "62")


def test_filled_forms_import_what_is_recognisable_and_name_the_rest(tmp_path, demo):
    workbook, config = demo
    out = generate(tmp_path, config)
    form = out / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": "4,5"}, "3.2": {"self": 9}, "1.1": {"self": " 7,5 điểm"},
                "3.3": {"self": "ba"}, "1.4": {"evidence": "https://drive.example/62/1.4"}},
                 extra_rows=[("9.9", 1), (None, 2)], extra_column="Ghi chú của tỉnh",
                 links=[("2.1", "Báo cáo 5", "https://drive.example/62/2.1")])
    before = sheet_of(workbook, config)
    code, text = cli("import", str(form), str(workbook), "--config", str(config), "--user", "Thư ký cụm")
    assert code == EXIT_ERRORS  # cells in error: the rest is written all the same
    after = sheet_of(workbook, config)
    assert after.self_scores[("1.5", KON_TUM)] == Decimal("4.5")
    assert after.self_scores[("1.1", KON_TUM)] == Decimal("7.5")
    assert ("3.2", KON_TUM) not in after.self_scores and after.self_scores[("3.3", KON_TUM)] == Decimal("2.5")
    assert after.evidence[("1.4", KON_TUM)] == "https://drive.example/62/1.4"
    assert after.evidence[("2.1", KON_TUM)] == "Báo cáo 5 <https://drive.example/62/2.1>"
    new_rows = after.log[len(before.log):]
    assert len(new_rows) == 4
    assert {(e.criterion, e.old, e.new) for e in new_rows} == {
        ("1.5", "", "4,5"), ("1.1", "7", "7,5"), ("1.4", "", "https://drive.example/62/1.4"),
        ("2.1", "", "Báo cáo 5 <https://drive.example/62/2.1>")}
    assert all(e.reason.startswith(f"{IMPORT_REASON} Kon Tum") and e.user == "Thư ký cụm" for e in new_rows)
    assert len({e.change_id for e in new_rows}) == 1
    assert "đã nhập 4 ô (3 mới, 1 thay đổi)" in text
    # Other provinces untouched.
    assert {k: v for k, v in after.self_scores.items() if k[1] != KON_TUM} == {
        k: v for k, v in before.self_scores.items() if k[1] != KON_TUM}
    # The tracker finds the import.
    assert last_imports(after)[KON_TUM] == new_rows[-1].time


def test_problems_name_the_forms_own_cells(tmp_path, demo):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    where = fill(form, {"3.2": {"self": 9}, "3.3": {"self": "ba"}, "1.2": {"self": "1.000"}},
                 extra_rows=[("9.9", 1), (None, 2)], extra_column="Ghi chú của tỉnh")
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = reading_of(form, cfg, sheet)
    found = {(p.cell, p.code, p.severity.value) for p in reading.problems}
    rows = where["rows"]
    assert (f"BangTuCham!F{rows['3.2']}", "score.out_of_range", "error") in found
    assert (f"BangTuCham!F{rows['3.3']}", "score.unreadable", "error") in found
    assert (f"BangTuCham!F{rows['1.2']}", "score.unreadable", "error") in found  # 1.000: ambiguous, not guessed
    assert (f"BangTuCham!A{where['extra']['9.9']}", "form.unknown_criterion", "error") in found
    assert (f"BangTuCham!A{where['extra']['blank2']}", "form.row_without_code", "warning") in found
    assert (f"BangTuCham!H{HEADER_ROW}", "form.extra_column", "warning") in found
    assert (f"BangTuCham!F{rows['1.5']}", "form.empty_row", "warning") in found


def test_a_cell_changed_in_the_sheet_since_the_form_was_made_is_not_written(tmp_path, demo):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.1": {"self": 6}, "1.2": {"self": 5}})
    wb = openpyxl.load_workbook(workbook)  # an organiser types into TuCham meanwhile
    ws = wb["TuCham"]
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value) == "1.1")
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "Kon Tum")
    ws.cell(row, col).value = 8
    wb.save(workbook)
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = reading_of(form, cfg, sheet)
    statuses = {(c.criterion, c.tab): c.status for c in form_changes(reading, sheet)}
    assert statuses[("1.1", "TuCham")] is Status.SHEET_CHANGED
    assert statuses[("1.2", "TuCham")] is Status.CHANGED
    assert statuses[("1.3", "TuCham")] is Status.UNCHANGED
    code, _ = cli("import", str(form), str(workbook), "--config", str(config), "--user", "Thư ký")
    assert code == EXIT_ERRORS
    after = sheet_of(workbook, config)
    assert after.self_scores[("1.1", KON_TUM)] == 8 and after.self_scores[("1.2", KON_TUM)] == 5


def test_preview_then_import_conflicts_when_the_sheet_moved_and_a_retry_writes_once(tmp_path, demo):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    cfg, source = load_config(config), XlsxSource(workbook)
    sheet = sheet_of(workbook, config)
    reading = reading_of(form, cfg, sheet)
    seen = form_changes(reading, sheet)
    with pytest.raises(NotAllowed):
        import_self_scores(source, reading, cfg.provinces, "Khách", Role.VIEWER, seen)
    first = import_self_scores(source, reading, cfg.provinces, "Thư ký", Role.SECRETARY, seen, import_id="abc")
    again = import_self_scores(source, reading, cfg.provinces, "Thư ký", Role.SECRETARY, seen, import_id="abc")
    assert len(first.written) == 1 and again.already_saved
    assert sum(1 for e in sheet_of(workbook, config).log if e.change_id == "abc") == 1
    fill(form, {"1.5": {"self": 3}})  # a second preview goes stale before the import
    reading = reading_of(form, cfg, sheet)
    stale = form_changes(reading, sheet)  # against the sheet before the first import
    with pytest.raises(WriteConflict):
        import_self_scores(source, reading, cfg.provinces, "Thư ký", Role.SECRETARY, stale)


@pytest.mark.parametrize("key, value, code", [
    ("year", 2018, "form.other_year"),
    ("cluster", "Cụm thi đua các tỉnh Tây Bắc", "form.other_cluster"),
    ("province", "01", "form.not_member"),
])
def test_a_form_of_another_cluster_year_or_province_is_refused(tmp_path, demo, key, value, code):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    wb = openpyxl.load_workbook(form)
    meta = wb[META_TAB]
    row = next(r for r in range(1, 10) if meta.cell(r, 1).value == key)
    meta.cell(row, 2).value = value
    wb.save(form)
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = reading_of(form, cfg, sheet)
    assert reading.refused and {p.code for p in reading.problems} == {code, "form.bad_signature"}
    assert next(p for p in reading.problems if p.code == code).cell == f"{META_TAB}!B{row}"
    before = workbook.read_bytes()
    assert cli("import", str(form), str(workbook), "--config", str(config), "--user", "Thư ký")[0] == EXIT_ERRORS
    assert workbook.read_bytes() == before


def test_not_a_form_and_not_a_workbook(tmp_path, demo):
    workbook, config = demo
    garbage = tmp_path / "bang-tu-cham.xlsx"
    garbage.write_text("không phải tệp Excel", encoding="utf-8")
    code, text = cli("import", str(garbage), str(workbook), "--config", str(config), "--user", "T")
    assert code == EXIT_ERRORS and "bang-tu-cham.xlsx: không đọc được" in text  # refused, named in the summary
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = read_form(XlsxSource(workbook).read(), cfg.name, cfg.year, cfg.provinces, sheet.criteria, form_key())
    assert reading.refused and reading.problems[0].code == "form.no_identity"


def test_a_province_that_renames_the_tab_and_moves_columns_still_imports(tmp_path, demo):
    workbook, config = demo
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    form = tmp_path / "f.xlsx"
    form.write_bytes(form_bytes(cfg, sheet, cfg.province(KON_TUM), "01/02/2020 08:00:00", form_key()))
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_TAB]
    ws.title = "Tự chấm Kon Tum"
    ws.insert_cols(2)  # a column the province added before Nhóm
    ws.cell(HEADER_ROW, 2).value = "STT"
    rows = rows_by_code(ws)
    ws.cell(rows["1.5"], 7).value = "4,25"
    wb.save(form)
    reading = reading_of(form, cfg, sheet)
    assert [c.new for c in form_changes(reading, sheet) if c.status is Status.NEW] == [Decimal("4.25")]
    assert [p.code for p in reading.problems if p.is_error] == []
    assert "form.extra_column" in {p.code for p in reading.problems}


def test_eleven_forms_import_round_and_the_tracker(tmp_path, demo):
    workbook, config = demo
    out = generate(tmp_path, config)
    fill(out / "58-Ninh-Thuan.xlsx", {"2.4": {"self": "3,5"}})
    fill(out / "62-Kon-Tum.xlsx", {"1.5": {"self": 4}, "3.2": {"self": "3"}})
    code, text = cli("import", *sorted(map(str, out.iterdir())), str(workbook), "--config", str(config),
                     "--user", "Thư ký")
    assert code == EXIT_OK, text
    after = sheet_of(workbook, config)
    assert len(after.self_scores) == len(after.criteria) * len(after.provinces)
    assert set(last_imports(after)) == {"58", "62"}  # the others changed nothing: no log row


def test_libreoffice_round_trip(tmp_path, demo):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/setup.sh dev installs libreoffice-calc")
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": "4,5"}, "3.2": {"self": 3}, "1.4": {"evidence": "https://drive.example/x"}})
    converted = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "xlsx", "--outdir", str(converted), str(form)], check=True, capture_output=True, timeout=180)
    back = converted / form.name
    wb = openpyxl.load_workbook(back)
    assert wb[META_TAB].sheet_state == "hidden" and wb[FORM_TAB].protection.sheet
    assert not wb[FORM_TAB]["F10"].protection.locked
    assert cli("import", str(back), str(workbook), "--config", str(config), "--user", "Thư ký")[0] == EXIT_OK
    after = sheet_of(workbook, config)
    assert after.self_scores[("1.5", KON_TUM)] == Decimal("4.5") and after.self_scores[("3.2", KON_TUM)] == 3
    assert after.evidence[("1.4", KON_TUM)] == "https://drive.example/x"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A copy of the demo that the app under AppTest reads and writes."""
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    config = make_config(tmp_path, workbook)
    monkeypatch.setenv("THIDUA_CONFIG", str(config))
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    use_cookie_jar(monkeypatch)
    return workbook, config


def test_the_secretary_uploads_a_form_sees_the_diff_and_imports_it(tmp_path, served):
    meeting, config = served
    viewer = app()
    viewer.switch_page("pages/tracker.py").run()
    assert not viewer.exception, viewer.exception
    assert not viewer.file_uploader and [b.label for b in viewer.get("download_button")]  # downloads for all
    form = tmp_path / "62-Kon-Tum.xlsx"
    cfg = load_config(config)
    stamp = "01/02/2020 08:00:00"
    form.write_bytes(form_bytes(cfg, sheet_of(meeting, config), cfg.province(KON_TUM), stamp, form_key()))
    fill(form, {"1.5": {"self": "4,5"}, "3.2": {"self": 9}, "1.4": {"evidence": "https://drive.example/62"}})
    at = signed_in(SECRETARY)
    at.switch_page("pages/tracker.py").run()
    at.file_uploader(key="forms-upload").set_value((form.name, form.read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    assert any("2 ô mới, 0 ô thay đổi" in i.value for i in at.info)
    shown = at.dataframe[-1].value
    assert set(shown["Trạng thái"]) >= {"mới", "không đổi"}
    assert "BangTuCham!F23" in set(at.dataframe[-2].value["Ô"])  # the out-of-range cell, by its address
    at.button(key="forms-import").click().run()
    assert not at.exception, at.exception
    assert any("Đã nhập 2 ô của Kon Tum" in s.value for s in at.success)
    after = sheet_of(meeting, config)
    assert after.self_scores[("1.5", KON_TUM)] == Decimal("4.5")
    assert after.evidence[("1.4", KON_TUM)] == "https://drive.example/62"
    assert after.log[-1].user == "Nguyễn Văn A" and after.log[-1].reason.startswith(IMPORT_REASON)
    at.run()  # the tracker now shows when Kon Tum's form was imported
    tracker = at.dataframe[0].value
    assert tracker.loc[tracker["Tỉnh"] == "Kon Tum", "Nhập biểu mẫu gần nhất"].item() == after.log[-1].time


def test_formulas_blanks_and_duplicates_are_named_not_guessed(tmp_path, demo):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    where = fill(form, {"1.1": {"self": "=4+3"}, "1.2": {"self": None}, "1.3": {"self": "#N/A"}},
                 extra_rows=[("1.4", 1)])
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = reading_of(form, cfg, sheet)
    found = {p.cell: (p.code, p.args.get("cause", ("",))[0]) for p in reading.problems}
    rows = where["rows"]
    assert found[f"BangTuCham!F{rows['1.1']}"] == ("score.unreadable", "cell.formula")  # never computed: not blank
    assert found[f"BangTuCham!F{rows['1.2']}"][0] == "form.cleared"  # a blank never clears the sheet
    assert found[f"BangTuCham!F{rows['1.3']}"] == ("score.unreadable", "cell.spreadsheet_error")
    assert found[f"BangTuCham!A{where['extra']['1.4']}"][0] == "form.duplicate_row"
    assert [c for c in form_changes(reading, sheet) if c.status is not Status.UNCHANGED] == []


def test_a_sheet_that_cannot_be_written_is_said_plainly_and_nothing_is_queued(tmp_path, demo, monkeypatch, capsys):
    from lib.core.errors import Unavailable

    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})

    def down(self, batch):
        raise Unavailable("mất kết nối (giả lập)")

    monkeypatch.setattr(XlsxSource, "write", down)
    before = workbook.read_bytes()
    code, _ = cli("import", str(form), str(workbook), "--config", str(config), "--user", "Thư ký")
    assert code == EXIT_UNREADABLE and workbook.read_bytes() == before
    assert "không ghi được vào bảng tính" in capsys.readouterr().err


# --- Issue 19: forms that cannot be redirected -------------------------------------------------------------


def set_meta(form: Path, **values: object) -> int:
    """Edit the hidden identity tab like someone who wants another province's column; the last row edited."""
    wb = openpyxl.load_workbook(form)
    meta = wb[META_TAB]
    for key, value in values.items():
        row = next(r for r in range(1, 12) if meta.cell(r, 1).value == key)
        meta.cell(row, 2).value = value
    wb.save(form)
    return row


def retyped(form: Path, target: Path, keep_meta: bool = False) -> Path:
    """The province's table typed again into a new file: no identity tab (or one without a signature)."""
    source = openpyxl.load_workbook(form)
    wb = openpyxl.Workbook()
    wb.active.title = "Bang"
    for row in source[FORM_TAB].iter_rows(values_only=True):
        wb.active.append(row)
    if keep_meta:
        meta = wb.create_sheet(META_TAB)
        for row in source[META_TAB].iter_rows(values_only=True):
            if row[0] != "signature":
                meta.append(row)
    wb.save(target)
    return target


def test_a_form_whose_identity_was_edited_is_refused_and_writes_nothing(tmp_path, demo, capsys):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    set_meta(form, province="58", province_name="Ninh Thuận")  # Kon Tum's table into Ninh Thuận's column
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = reading_of(form, cfg, sheet)
    assert reading.refused and [p.code for p in reading.problems] == ["form.bad_signature"]
    assert reading.problems[0].cell == f"{META_TAB}!B8"  # the signature row, by its address
    before = workbook.read_bytes()
    code, text = cli("import", str(form), str(workbook), "--config", str(config), "--user", "Thư ký")
    err = capsys.readouterr().err
    assert code == EXIT_ERRORS and workbook.read_bytes() == before
    assert "62-Kon-Tum.xlsx: bị từ chối" in err and "Chữ ký của biểu mẫu không khớp" in err
    assert "62-Kon-Tum.xlsx: bị từ chối" in text  # the summary names it too


def test_the_baseline_is_signed_too(tmp_path, demo):
    """Editing 'what the sheet held then' would turn a value the organisers changed into one the form may write."""
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    wb = openpyxl.load_workbook(form)
    meta = wb[META_TAB]
    row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "1.1")
    meta.cell(row, 2).value = 1
    wb.save(form)
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    assert [p.code for p in reading_of(form, cfg, sheet).problems] == ["form.bad_signature"]


def test_a_signed_form_of_another_year_or_cluster_is_refused(tmp_path, demo):
    import dataclasses

    workbook, config = demo
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    for other, code in ((dataclasses.replace(cfg, year=2018), "form.other_year"),
                        (dataclasses.replace(cfg, name="Cụm thi đua các tỉnh Tây Bắc"), "form.other_cluster")):
        form = tmp_path / f"{code}-62-Kon-Tum.xlsx"
        form.write_bytes(form_bytes(other, sheet, cfg.province(KON_TUM), "01/02/2019 08:00:00", form_key()))
        reading = reading_of(form, cfg, sheet)
        assert reading.refused and [p.code for p in reading.problems] == [code]  # signed by us: only the mismatch


def test_a_form_made_with_another_key_is_refused(tmp_path, demo):
    workbook, config = demo
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    form = tmp_path / "62-Kon-Tum.xlsx"
    form.write_bytes(form_bytes(cfg, sheet, cfg.province(KON_TUM), "01/02/2020 08:00:00", b"another server's key"))
    assert [p.code for p in reading_of(form, cfg, sheet).problems] == ["form.bad_signature"]


def test_two_forms_claiming_one_province_are_both_refused_and_named_the_rest_imports(tmp_path, demo, capsys):
    workbook, config = demo
    out = generate(tmp_path, config)
    fill(out / "62-Kon-Tum.xlsx", {"1.5": {"self": 4}})
    second = out / "Kon-Tum-ban-sua.xlsx"
    shutil.copy(out / "62-Kon-Tum.xlsx", second)
    fill(second, {"1.5": {"self": 2}})
    fill(out / "58-Ninh-Thuan.xlsx", {"2.4": {"self": "3,5"}})
    before = sheet_of(workbook, config)
    code, text = cli("import", str(out / "62-Kon-Tum.xlsx"), str(second), str(out / "58-Ninh-Thuan.xlsx"),
                     str(workbook), "--config", str(config), "--user", "Thư ký")
    err = capsys.readouterr().err
    assert code == EXIT_ERRORS
    clash = [line for line in err.splitlines() if "Nhiều biểu mẫu cùng của Kon Tum" in line]
    assert len(clash) == 2 and all("62-Kon-Tum.xlsx" in line and "Kon-Tum-ban-sua.xlsx" in line for line in clash)
    after = sheet_of(workbook, config)
    assert after.self_scores.get(("1.5", KON_TUM)) == before.self_scores.get(("1.5", KON_TUM))  # neither written
    assert after.self_scores[("2.4", "58")] == Decimal("3.5")  # the batch's other form goes on
    assert "Tóm tắt: 3 biểu mẫu, 1 đã nhập" in text


def test_a_file_named_for_another_province_is_flagged(tmp_path, demo, capsys):
    workbook, config = demo
    out = generate(tmp_path, config)
    misnamed = tmp_path / "58-Ninh-Thuan.xlsx"
    shutil.move(out / "62-Kon-Tum.xlsx", misnamed)
    fill(misnamed, {"1.5": {"self": 4}})
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = reading_of(misnamed, cfg, sheet)
    flag = next(p for p in reading.problems if p.code == "form.name_other_province")
    assert not flag.is_error and flag.cell == "58-Ninh-Thuan.xlsx" and flag.args["named"] == "Ninh Thuận"
    assert reading.province.code == KON_TUM  # the signed identity decides; the name is only flagged
    code, _ = cli("import", str(misnamed), str(workbook), "--config", str(config), "--user", "Thư ký")
    assert code == EXIT_OK and "Tên tệp '58-Ninh-Thuan.xlsx' nêu tỉnh Ninh Thuận" in capsys.readouterr().err
    assert sheet_of(workbook, config).self_scores[("1.5", KON_TUM)] == 4
    renamed = tmp_path / "bieu-mau-Gia-Lai.xlsx"  # no leading code: the province's name in the file name
    shutil.copy(misnamed, renamed)
    assert "form.name_other_province" in {p.code for p in reading_of(renamed, cfg, sheet).problems}


def test_a_retyped_form_is_refused_unless_the_secretary_confirms_it_with_unsigned(tmp_path, demo, capsys):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    typed = retyped(form, tmp_path / "62-Kon-Tum-go-lai.xlsx")
    before = workbook.read_bytes()
    code, _ = cli("import", str(typed), str(workbook), "--config", str(config), "--user", "Thư ký")
    assert code == EXIT_ERRORS and workbook.read_bytes() == before
    assert "--unsigned" in capsys.readouterr().err  # the way is said
    code, text = cli("import", str(typed), str(workbook), "--config", str(config), "--user", "Thư ký", "--unsigned")
    assert code == EXIT_OK, text
    after = sheet_of(workbook, config)
    assert after.self_scores[("1.5", KON_TUM)] == 4
    assert "biểu mẫu không có chữ ký" in after.log[-1].reason and after.log[-1].reason.startswith(IMPORT_REASON)
    assert last_imports(after)[KON_TUM] == after.log[-1].time  # the tracker still finds it


def test_unsigned_needs_a_province_from_the_file_name_and_one_that_agrees_with_the_file(tmp_path, demo, capsys):
    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    nameless = retyped(form, tmp_path / "bang-tu-cham.xlsx")
    stripped = retyped(form, tmp_path / "58-Ninh-Thuan.xlsx", keep_meta=True)  # says 62 inside, 58 outside
    before = workbook.read_bytes()
    for path in (nameless, stripped):
        code, _ = cli("import", str(path), str(workbook), "--config", str(config), "--user", "T", "--unsigned")
        assert code == EXIT_ERRORS and workbook.read_bytes() == before
    err = capsys.readouterr().err
    assert "tên tệp không cho biết biểu mẫu của tỉnh nào" in err
    assert "Biểu mẫu ghi mã tỉnh '62', khác tỉnh được xác nhận (Ninh Thuận)" in err
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    assert reading_of(stripped, cfg, sheet).problems[0].code == "form.unsigned"  # no --unsigned: refused


# --- Issue 20: bounded, linear reading; a malformed form is named and the batch goes on --------------------


def far_cell(form: Path, coordinate: str, value: object = "x", styled_only: bool = False) -> Path:
    """One stray cell far away (a province that formatted or typed into a large range)."""
    from openpyxl.styles import PatternFill

    wb = openpyxl.load_workbook(form)
    cell = wb[FORM_TAB][coordinate]
    if styled_only:
        cell.fill = PatternFill("solid", fgColor="FFFF00")
    else:
        cell.value = value
    wb.save(form)
    return form


def cells_in(form: Path) -> int:
    """How many cells the file's sheets hold (``<c>`` elements), counted in the XML without any grid."""
    import re
    import zipfile

    with zipfile.ZipFile(form) as archive:
        return sum(len(re.findall(rb"<c[ >/]", archive.read(name))) for name in archive.namelist()
                   if name.startswith("xl/worksheets/sheet"))


@pytest.mark.parametrize("coordinate, found", [("XFD1048576", "dòng có giá trị (ô XFD1048576) vượt giới hạn "
                                                                "(1.048.576 > 5.000)"),
                                               ("XFD12", "cột có giá trị (ô XFD12) vượt giới hạn (16.384 > 100)")])
def test_a_far_value_is_refused_by_the_dimension_limit_after_visiting_only_the_cells_that_exist(
        tmp_path, demo, coordinate, found):
    from lib.edge.forms import MAX_COLS, MAX_ROWS, ReadStats

    assert (MAX_ROWS, MAX_COLS) == (5_000, 100)
    workbook, config = demo
    form = far_cell(generate(tmp_path, config) / "62-Kon-Tum.xlsx", coordinate)
    stats = ReadStats()
    with pytest.raises(SourceError) as refused:
        read_form_file(form, stats=stats)
    assert str(refused.value).startswith("62-Kon-Tum.xlsx: trang BangTuCham: ")
    assert found in str(refused.value)  # where, the value found and the limit
    assert 0 < stats.cells_visited <= cells_in(form)  # the cells the file holds, not 17 billion


@pytest.mark.parametrize("coordinate", ["T4000", "XFD1048576"])
def test_a_far_formatted_cell_or_a_far_value_within_limits_costs_only_the_cells_that_exist(tmp_path, demo, coordinate):
    from lib.edge.forms import ReadStats

    workbook, config = demo
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    far_cell(form, coordinate, styled_only=coordinate.startswith("XFD"))
    wb = openpyxl.load_workbook(form)
    assert wb[FORM_TAB].dimensions.endswith(coordinate)  # the sheet says it is that large
    stats = ReadStats()
    raw = read_form_file(form, stats=stats)
    assert stats.cells_visited == cells_in(form) < 1_000  # linear in the cells the file holds, never rows × columns
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = read_form(raw, cfg.name, cfg.year, cfg.provinces, sheet.criteria, form_key(), form.name)
    assert [c.new for c in form_changes(reading, sheet) if c.status is Status.NEW] == [4]


def bomb(size: int) -> bytes:
    """A zip whose one entry inflates to ``size`` bytes of a single repeated byte (a few KB on the wire)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * size)  # not even XML: reading it would fail otherwise
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_the_unpacked_size_before_anything_is_inflated(tmp_path):
    from lib.edge.forms import MAX_UNPACKED_BYTES

    data = bomb(MAX_UNPACKED_BYTES + 1)
    assert len(data) < 100_000
    with pytest.raises(SourceError) as refused:
        read_form_file(data, "62-Kon-Tum.xlsx")
    message = str(refused.value)
    assert "62-Kon-Tum.xlsx" in message and "sau giải nén" in message
    assert f"{MAX_UNPACKED_BYTES + 1 + 8:,} > {MAX_UNPACKED_BYTES:,}".replace(",", ".") in message


def test_too_many_entries_and_too_large_a_file_are_refused_by_name():
    import io
    import zipfile

    from lib.edge.forms import MAX_ENTRIES, MAX_FILE_BYTES

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(MAX_ENTRIES + 1):
            archive.writestr(f"x/{i}.xml", "")
    limit = f"số phần trong tệp nén vượt giới hạn \\({MAX_ENTRIES + 1} > {MAX_ENTRIES}\\)"
    with pytest.raises(SourceError, match=limit):
        read_form_file(buffer.getvalue(), "a.xlsx")
    with pytest.raises(SourceError, match="b.xlsx: dung lượng tệp"):
        read_form_file(b"PK" + b"\0" * MAX_FILE_BYTES, "b.xlsx")


def truncated(form: Path) -> Path:
    """The form with its table's XML cut in half inside an otherwise sound zip."""
    import zipfile

    with zipfile.ZipFile(form) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    with zipfile.ZipFile(form, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return form


def test_a_truncated_form_is_a_clear_error_naming_the_file_and_the_other_forms_still_import(tmp_path, demo, capsys):
    workbook, config = demo
    out = generate(tmp_path, config)
    fill(out / "62-Kon-Tum.xlsx", {"1.5": {"self": 4}})
    fill(out / "58-Ninh-Thuan.xlsx", {"2.4": {"self": "3,5"}})
    broken = truncated(out / "62-Kon-Tum.xlsx")
    with pytest.raises(SourceError, match="62-Kon-Tum.xlsx: tệp hỏng, không đọc được \\(ParseError"):
        read_form_file(broken)
    code, text = cli("import", str(broken), str(out / "58-Ninh-Thuan.xlsx"), str(workbook), "--config", str(config),
                     "--user", "Thư ký")
    assert code == EXIT_ERRORS
    assert "62-Kon-Tum.xlsx: không đọc được, chưa nhập gì" in capsys.readouterr().err
    assert "Tóm tắt: 2 biểu mẫu, 1 đã nhập; 62-Kon-Tum.xlsx: không đọc được" in text
    assert sheet_of(workbook, config).self_scores[("2.4", "58")] == Decimal("3.5")


def test_an_upload_is_read_once_and_an_unsigned_one_imports_only_once_confirmed(tmp_path, served, monkeypatch):
    import web.forms

    meeting, config = served
    calls: list[str] = []
    real = web.forms.read_form_file
    monkeypatch.setattr(web.forms, "read_form_file", lambda data, name: calls.append(name) or real(data, name))
    cfg = load_config(config)
    form = tmp_path / "62-Kon-Tum.xlsx"
    form.write_bytes(form_bytes(cfg, sheet_of(meeting, config), cfg.province(KON_TUM), "01/02/2020 08:00", form_key()))
    fill(form, {"1.5": {"self": "4,5"}})
    typed = retyped(form, tmp_path / "62-Kon-Tum-go-lai.xlsx")
    at = signed_in(SECRETARY)
    at.switch_page("pages/tracker.py").run()
    at.file_uploader(key="forms-upload").set_value((typed.name, typed.read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    assert any("không có chữ ký" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "forms-import"]  # refused until confirmed
    assert at.selectbox[-1].value == KON_TUM  # the province the file name names, offered
    next(c for c in at.checkbox if c.label.startswith("Tôi đã kiểm tra")).check().run()
    assert not at.exception, at.exception
    at.button(key="forms-import").click().run()
    assert any("Đã nhập 1 ô của Kon Tum" in s.value for s in at.success)
    at.run()
    assert calls == [typed.name]  # four runs of the page, one read of the upload
    after = sheet_of(meeting, config)
    assert after.self_scores[("1.5", KON_TUM)] == Decimal("4.5")
    assert "biểu mẫu không có chữ ký" in after.log[-1].reason and after.log[-1].user == "Nguyễn Văn A"


def test_what_is_parsed_has_its_own_limit_below_the_unpacked_one():
    from lib.edge.forms import MAX_UNPACKED_BYTES, MAX_XML_BYTES

    assert MAX_XML_BYTES < MAX_UNPACKED_BYTES
    with pytest.raises(SourceError, match="c.xlsx: dung lượng XML sau giải nén"):
        read_form_file(bomb(MAX_XML_BYTES + 1), "c.xlsx")


def test_a_heading_naming_another_province_than_the_identity_refuses_the_form_and_writes_nothing(
        tmp_path, demo, capsys):
    """Gia Lai's identity tab pasted under Kon Tum's heading (the signature still verifies): refused, both named."""
    workbook, config = demo
    out = generate(tmp_path, config)
    own, victim = out / "62-Kon-Tum.xlsx", openpyxl.load_workbook(out / "64-Gia-Lai.xlsx")
    fill(own, {"1.5": {"self": 0}})
    wb = openpyxl.load_workbook(own)
    for row in wb[META_TAB].iter_rows():
        for cell in row:
            cell.value = victim[META_TAB].cell(cell.row, cell.column).value
    sent = tmp_path / "64-Gia-Lai.xlsx"
    wb.save(sent)
    cfg, sheet = load_config(config), sheet_of(workbook, config)
    reading = reading_of(sent, cfg, sheet)
    (refusal,) = [p for p in reading.problems if p.code == "form.heading_other_province"]
    assert reading.refused and refusal.is_error and refusal.cell == f"{FORM_TAB}!A3"
    assert (refusal.args["heading"], refusal.args["name"], refusal.args["file"]) == ("Kon Tum", "Gia Lai",
                                                                                    "64-Gia-Lai.xlsx")
    before = workbook.read_bytes()
    code, _ = cli("import", str(sent), str(workbook), "--config", str(config), "--user", "Thư ký")
    err = capsys.readouterr().err
    assert code == EXIT_ERRORS and workbook.read_bytes() == before
    assert "Kon Tum" in err and "Gia Lai" in err and "64-Gia-Lai.xlsx" in err
    assert not [p for p in reading_of(own, cfg, sheet).problems if p.code == "form.heading_other_province"]
    typed = retyped(own, tmp_path / "go-lai.xlsx")  # retyped under Kon Tum's heading, confirmed as Gia Lai's
    assert reading_of(typed, cfg, sheet, unsigned=cfg.province("64")).refused
    assert not reading_of(typed, cfg, sheet, unsigned=cfg.province(KON_TUM)).refused
