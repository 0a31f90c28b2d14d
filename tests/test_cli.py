"""Tests of ``python -m lib check``: output, JSON contract and exit codes.

Most tests call ``lib.cli.main`` in-process; the exit codes are also checked on a real
``python -m lib`` subprocess run from the repository root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest

from lib.cli import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, main
from lib.core.config import CONFIG_ENV, load_config
from lib.core.evaluation import evaluate
from lib.edge.sources.xlsx import XlsxSource
from lib.present.formatting import two_decimals

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "config" / "demo.xlsx"
CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"
TOTAL = re.compile(r"-?\d+\.\d{2}", re.ASCII)

# The broken copy of the demo: TuCham has its header on row 3, 1.1 on row 4, 1.2 on row 5;
# columns B..L are Quảng Nam, Quảng Ngãi, Bình Định, ...
BROKEN_CELLS = {
    "TuCham!B4": "chín",  # not a number
    "TuCham!C5": "1.000",  # 1 or 1000?
    "TuCham!D3": "Đà Nẵng",  # not a member of the cluster (was Bình Định)
}


@pytest.fixture(autouse=True)
def _default_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)


def run(*argv: str) -> tuple[int, str]:
    out = StringIO()
    code = main(["check", *argv], out=out)
    return code, out.getvalue()


def run_process(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != CONFIG_ENV}
    return subprocess.run(
        [sys.executable, "-m", "lib", "check", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def edit_copy(tmp_path: Path, cells: dict[str, object], name: str = "broken.xlsx") -> Path:
    """A copy of the demo workbook with ``cells`` ("Tab!A1" -> value) changed."""
    path = tmp_path / name
    shutil.copyfile(DEMO, path)
    workbook = openpyxl.load_workbook(path)
    for address, value in cells.items():
        tab, _, cell = address.partition("!")
        workbook[tab][cell].value = value
        if isinstance(value, str):
            workbook[tab][cell].data_type = "s"
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return edit_copy(tmp_path_factory.mktemp("broken"), BROKEN_CELLS)


@pytest.fixture(scope="module")
def demo_document() -> dict:
    out = StringIO()
    assert main(["check", "--json"], out=out) == EXIT_OK
    return json.loads(out.getvalue())


# ---------------------------------------------------------------------------- the demo


@pytest.mark.parametrize("argv", [(), (str(DEMO),), ("--config", str(CONFIG)), (str(DEMO), "--config", str(CONFIG))])
def test_demo_exits_0(argv: tuple[str, ...]) -> None:
    code, _ = run(*argv)
    assert code == EXIT_OK


def test_demo_text_report() -> None:
    code, text = run()
    assert code == EXIT_OK
    assert text.startswith("Kiểm tra bảng tính: 0 lỗi, ")
    assert "Bảng xếp hạng" in text
    for province in load_config(CONFIG).provinces:
        assert province.name in text
        assert re.search(rf"^\S.*\s{province.code}\s+{re.escape(province.name)}\s", text, re.M), province.name
    assert "Cờ thi đua của Chính phủ" in text
    assert "Đồng hạng" in text and "cần biểu quyết" in text  # the demo's planted tie
    assert "LỖI" not in text


def test_demo_warnings_name_their_cells(demo_document: dict) -> None:
    _, text = run()
    warning_lines = [line for line in text.splitlines() if "CẢNH BÁO" in line]
    assert len(warning_lines) == len(demo_document["problems"]) > 0
    for line, problem in zip(warning_lines, demo_document["problems"], strict=True):
        assert problem["cell"] in line and problem["message"] in line
        # the planted blank self-scores, the missing result, the self-scores that differ from the computed ones
        assert re.fullmatch(r"(TuCham|KetQua)![A-L]\d+", problem["cell"])


def test_demo_json_document(demo_document: dict) -> None:
    assert set(demo_document) == {"problems", "standings"}
    for problem in demo_document["problems"]:
        assert set(problem) == {"severity", "cell", "message"}
        assert problem["severity"] in ("error", "warning")
        assert isinstance(problem["cell"], str) and isinstance(problem["message"], str) and problem["message"]
    assert all(p["severity"] == "warning" for p in demo_document["problems"])
    standings = demo_document["standings"]
    assert len(standings) == 11
    for row in standings:
        assert set(row) == {
            "code", "name", "self_total", "agreed_total", "provisional", "rank", "needs_vote", "award"
        }
        assert isinstance(row["code"], str) and row["code"].isdigit()
        assert isinstance(row["name"], str) and row["name"]
        assert isinstance(row["self_total"], str) and TOTAL.fullmatch(row["self_total"]), row
        assert isinstance(row["agreed_total"], str) and TOTAL.fullmatch(row["agreed_total"]), row
        assert type(row["provisional"]) is bool
        assert type(row["rank"]) is int and row["rank"] >= 1
        assert type(row["needs_vote"]) is bool
        assert row["award"] is None or isinstance(row["award"], str)


def test_demo_json_matches_the_evaluation(demo_document: dict) -> None:
    config = load_config(CONFIG)
    evaluation = evaluate(XlsxSource(DEMO).read(), config)
    assert [p["cell"] for p in demo_document["problems"]] == [p.cell for p in evaluation.problems]
    assert [
        (r["code"], r["name"], r["self_total"], r["agreed_total"], r["provisional"], r["rank"], r["needs_vote"],
         r["award"])
        for r in demo_document["standings"]
    ] == [
        (s.code, s.province.name, two_decimals(s.self_total), two_decimals(s.agreed_total), s.provisional, s.rank,
         s.needs_vote, s.award)
        for s in evaluation.standings
    ]


def test_demo_json_ranking(demo_document: dict) -> None:
    standings = demo_document["standings"]
    ranks = [row["rank"] for row in standings]
    assert ranks == sorted(ranks) and ranks[0] == 1
    totals = [float(row["agreed_total"]) for row in standings]
    assert totals == sorted(totals, reverse=True)
    leader = standings[0]
    assert (leader["code"], leader["name"], leader["award"]) == ("51", "Quảng Ngãi", "Cờ thi đua của Chính phủ")
    assert not leader["needs_vote"]
    tied = [row for row in standings if row["needs_vote"]]
    assert len(tied) == 2 and tied[0]["rank"] == tied[1]["rank"] == 4
    assert tied[0]["agreed_total"] == tied[1]["agreed_total"]
    assert {row["code"] for row in standings} == {p.code for p in load_config(CONFIG).provinces}


def test_json_is_one_object_only() -> None:
    _, text = run("--json")
    document, end = json.JSONDecoder().raw_decode(text)
    assert isinstance(document, dict)
    assert text[end:].strip() == ""


# ---------------------------------------------------------------------------- a broken workbook


def test_broken_copy_exits_1(broken: Path) -> None:
    code, _ = run(str(broken))
    assert code == EXIT_ERRORS


def test_broken_copy_text_names_each_bad_cell(broken: Path) -> None:
    _, text = run(str(broken))
    error_lines = [line for line in text.splitlines() if "LỖI" in line]
    for cell in BROKEN_CELLS:
        assert any(cell in line for line in error_lines), (cell, error_lines)
    assert "'chín'" in text and "'1.000'" in text and "'Đà Nẵng'" in text
    assert text.startswith(f"Kiểm tra bảng tính: {len(BROKEN_CELLS)} lỗi")


def test_broken_copy_json_names_each_bad_cell(broken: Path) -> None:
    code, text = run(str(broken), "--json")
    assert code == EXIT_ERRORS
    document = json.loads(text)
    errors = {p["cell"]: p["message"] for p in document["problems"] if p["severity"] == "error"}
    assert set(errors) == set(BROKEN_CELLS)
    assert "chín" in errors["TuCham!B4"]
    assert "1.000" in errors["TuCham!C5"]
    assert "Đà Nẵng" in errors["TuCham!D3"]
    assert len(document["standings"]) == 11  # still ranked, for the secretary to see


@pytest.mark.parametrize(
    ("cells", "bad"),
    [
        ({"TuCham!E6": "=SUM("}, "TuCham!E6"),
        ({"TuCham!F7": "#N/A"}, "TuCham!F7"),
        ({"TuCham!B4": 99}, "TuCham!B4"),  # above the max of 8
        ({"TieuChi!E4": "cộng"}, "TieuChi!E4"),  # unknown kind
        ({"TieuChi!D5": 0}, "TieuChi!D5"),  # max not > 0
        ({"TieuChi!A6": "1.1"}, "TieuChi!A6"),  # duplicate criterion code
        ({"ThongNhat!C4": "chín"}, "ThongNhat!C4"),
        ({"TuCham!L3": "Quảng Nam"}, "TuCham!L3"),  # a province with two columns
    ],
)
def test_other_bad_cells_exit_1_and_are_named(tmp_path: Path, cells: dict[str, object], bad: str) -> None:
    code, text = run(str(edit_copy(tmp_path, cells)), "--json")
    assert code == EXIT_ERRORS
    assert bad in {p["cell"] for p in json.loads(text)["problems"] if p["severity"] == "error"}


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    code, text = run(str(edit_copy(tmp_path, {"TuCham!B6": None})), "--json")
    assert code == EXIT_OK
    problems = json.loads(text)["problems"]
    assert {"severity": "warning", "cell": "TuCham!B6"}.items() <= next(
        p for p in problems if p["cell"] == "TuCham!B6"
    ).items()


# ---------------------------------------------------------------------------- unreadable input


def test_text_file_named_xlsx_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "scores.xlsx"
    fake.write_text("Mã,Quảng Ngãi\n1.1,9\n", encoding="utf-8")
    code, out = run(str(fake))
    assert code == EXIT_UNREADABLE
    assert out == ""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Lỗi: ") and str(fake) in err


@pytest.mark.parametrize("name", ["missing.xlsx", "dir"])
def test_missing_file_or_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    (tmp_path / "dir").mkdir()
    code, out = run(str(tmp_path / name))
    assert (code, out) == (EXIT_UNREADABLE, "")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Lỗi: ") and name in err


def test_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(CONFIG.read_text(encoding="utf-8").replace('leader = "51"', 'leader = "48"'), encoding="utf-8")
    code, out = run(str(DEMO), "--config", str(bad))
    assert (code, out) == (EXIT_UNREADABLE, "")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "cluster.leader" in err


def test_missing_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("--config", str(tmp_path / "nope.toml"))
    assert code == EXIT_UNREADABLE
    assert "nope.toml" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["check", "--nope"], ["nope"], ["check", "a.xlsx", "b.xlsx"]])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv, out=StringIO())
    assert info.value.code == 2


# ---------------------------------------------------------------------------- as a process


def test_process_demo_exits_0() -> None:
    process = run_process()
    assert process.returncode == 0, process.stderr
    assert "Bảng xếp hạng" in process.stdout
    assert process.stderr == ""


def test_process_demo_json() -> None:
    process = run_process("--json")
    assert process.returncode == 0, process.stderr
    document = json.loads(process.stdout)
    assert document["standings"][0]["code"] == "51"


def test_process_broken_copy_exits_1(broken: Path) -> None:
    process = run_process(str(broken))
    assert process.returncode == 1, process.stderr
    for cell in BROKEN_CELLS:
        assert cell in process.stdout


def test_process_text_file_named_xlsx_exits_2(tmp_path: Path) -> None:
    fake = tmp_path / "scores.xlsx"
    fake.write_text("not a workbook\n", encoding="utf-8")
    process = run_process(str(fake))
    assert process.returncode == 2
    assert process.stdout == ""
    assert process.stderr.count("\n") == 1 and process.stderr.startswith("Lỗi: ")
    assert "Traceback" not in process.stderr


def test_process_missing_file_exits_2(tmp_path: Path) -> None:
    process = run_process(str(tmp_path / "missing.xlsx"))
    assert process.returncode == 2
    assert process.stderr.count("\n") == 1 and "missing.xlsx" in process.stderr


def test_process_bad_config_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[cluster\n", encoding="utf-8")
    process = run_process("--config", str(bad))
    assert process.returncode == 2
    assert process.stderr.count("\n") == 1 and str(bad) in process.stderr


def test_process_usage_error_exits_2() -> None:
    process = run_process("--nope")
    assert process.returncode == 2
    assert "usage" in process.stderr


def test_process_reader_gone_is_not_a_crash() -> None:
    """``python -m lib check | head -1``: the pipe closes early; no traceback, same exit code."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        env = {k: v for k, v in os.environ.items() if k != CONFIG_ENV}
        process = subprocess.run(
            [sys.executable, "-m", "lib", "check", "--json"],
            cwd=ROOT, env=env, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
        )
    finally:
        os.close(write_end)
    assert process.returncode == 0
    assert "Traceback" not in process.stderr and "BrokenPipeError" not in process.stderr


# -- adjust -----------------------------------------------------------------------------
def run_cmd(*argv: str) -> tuple[int, str]:
    out = StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def _agreed(path: Path, criterion: str, code: str) -> object:
    from lib.core.parse import parse_workbook

    return parse_workbook(XlsxSource(path).read(), load_config().provinces).sheet.agreed.get((criterion, code))


def test_adjust_writes_by_code_or_any_spelling_and_logs_each_cell(tmp_path: Path) -> None:
    book = shutil.copy(DEMO, tmp_path / "b.xlsx")
    code, text = run_cmd("adjust", str(book), "--user", "Thư ký", "--reason", "theo biên bản",
                     "1.1:quang nam=7,25->7,5", "1.1:54=7", "1.2:Đắk Nông=")
    assert code == EXIT_OK, text
    assert _agreed(book, "1.1", "49") == Decimal("7.5") and _agreed(book, "1.1", "54") == Decimal("7")
    assert _agreed(book, "1.2", "67") is None
    assert text.count("Đã ghi") == 3 and "Mã thay đổi" in text


@pytest.mark.parametrize("edit", ["1.1:49=7,0->7,5", "1.1:ZZ=1", "1.1:49=abc", "1.1:49=99", "9.9:49=1", "1.1=5",
                                  "1.1:49=1e26"])
def test_adjust_refusals_exit_1_and_write_nothing(tmp_path: Path, edit: str) -> None:
    book = shutil.copy(DEMO, tmp_path / "b.xlsx")
    before = XlsxSource(book).read()
    assert run_cmd("adjust", str(book), "--user", "T", "--reason", "x", edit)[0] == EXIT_ERRORS
    assert XlsxSource(book).read() == before


def test_adjust_with_a_wrong_old_value_is_a_conflict_even_when_the_cell_already_holds_new(tmp_path: Path) -> None:
    """Found by review: ``9->3,75`` on a cell holding 3,75 logged "9 -> 3,75" and exited 0."""
    book = shutil.copy(DEMO, tmp_path / "b.xlsx")
    current = _agreed(book, "1.3", "49")
    assert current is not None and current != Decimal(9)
    before = XlsxSource(book).read()
    code, _ = run_cmd("adjust", str(book), "--user", "X", "--reason", "Y",
                      f"1.3:49=9->{str(current).replace('.', ',')}")
    assert code == EXIT_ERRORS
    assert XlsxSource(book).read() == before, "no log row claiming the cell held 9"


def _figures(path: Path):  # noqa: ANN202 - the parsed sheet
    from lib.core.parse import parse_workbook

    return parse_workbook(XlsxSource(path).read(), load_config().provinces).sheet


def test_adjust_corrects_a_result_or_a_target_and_every_dependent_province_follows(tmp_path: Path) -> None:
    book = shutil.copy(DEMO, tmp_path / "b.xlsx")
    before = _figures(book)
    code, text = run_cmd("adjust", str(book), "--user", "Thư ký", "--reason", "quyết định công nhận",
                         "1.5:Lâm Đồng@KetQua=18->22,5", "1.1:49@KeHoach=7,5", "3.1:67@kết quả=đạt")
    assert code == EXIT_OK, text
    assert "Đã ghi 1.5 (KetQua) – Lâm Đồng: 18 -> 22,5" in text and "Đã ghi 1.1 (KeHoach) – Quảng Nam: 8 -> 7,5" in text
    after = _figures(book)
    assert after.results[("1.5", "68")] == Decimal("22.5") and after.targets[("1.1", "49")] == Decimal("7.5")
    assert after.results[("3.1", "67")] == 1 and after.computed[("3.1", "67")] == Decimal("5.00")
    # a new leader on the relative 1.5 (B 20 → 22,5): Gia Lai's 18 now scores 4,00, not 4,50
    assert (before.computed[("1.5", "64")], after.computed[("1.5", "64")]) == (Decimal("4.50"), Decimal("4.00"))
    assert after.agreed == before.agreed
    assert [e.criterion for e in after.log[-3:]] == ["1.5 (KetQua)", "1.1 (KeHoach)", "3.1 (KetQua)"]


@pytest.mark.parametrize("edit", ["1.5:68@KeHoach=3",  # a relative criterion has no target
                                  "1.1:49@KeHoach=0", "1.1:49@KetQua=khoảng 7", "1.5:68@KetQua=20->23",
                                  "1.5:68@TuCham=3", "6.1:49@KetQua=1,5", "3.1:49@KetQua=có lẽ", "2.2:49@KetQua=1"])
def test_adjust_refuses_a_bad_correction_and_writes_nothing(tmp_path: Path, edit: str) -> None:
    book = shutil.copy(DEMO, tmp_path / "b.xlsx")
    before = XlsxSource(book).read()
    assert run_cmd("adjust", str(book), "--user", "T", "--reason", "x", edit)[0] == EXIT_ERRORS
    assert XlsxSource(book).read() == before


def test_adjust_on_a_missing_workbook_exits_2(tmp_path: Path) -> None:
    code, _ = run_cmd("adjust", str(tmp_path / "none.xlsx"), "--user", "T", "--reason", "x", "1.1:49=1")
    assert code == EXIT_UNREADABLE


def test_check_reports_a_typed_freeze_row_with_the_server_secret(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from lib.core.config import load_config as load
    from lib.core.model import Role
    from lib.edge.store import set_frozen

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nfreeze_secret = "cli-test-secret-0123456789"\n', encoding="utf-8")
    monkeypatch.setenv("THIDUA_SECRETS", str(secrets))
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    book = tmp_path / "book.xlsx"
    shutil.copyfile(DEMO, book)
    set_frozen(XlsxSource(book), load().provinces, "Quản trị", Role.ADMIN, True)  # signed with the configured secret
    wb = openpyxl.load_workbook(book)
    wb["Chot"].append(["13/03/2020 08:00:00", "Đại biểu", "mở chốt", "x", "tự mở"])  # typed by an editor
    wb.save(book)
    code, out = run(str(book), "--json")
    document = json.loads(out)
    unsigned = [p for p in document["problems"] if p["cell"] == "Chot!F3"]
    assert code == EXIT_OK and len(unsigned) == 1 and "chữ ký" in unsigned[0]["message"]
    assert not (tmp_path / "cache" / "freeze.secret").exists()  # the configured secret was used, none generated
