"""The year's loop (issue 22): the report, the proposal, the covenant, ``new-year``, and last year beside this year.

Every document is opened again with python-docx and checked against the standings, the
votes and the election of a demo copy where the tie at rank 4 was settled by a vote, next
year's leader and deputy were elected, and the result was frozen.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from lib.cli import main
from lib.core.auth import Role
from lib.core.config import load_config
from lib.core.errors import ConfigError
from lib.core.evaluation import Evaluation, evaluate
from lib.core.history import compare, last_year
from lib.core.model import DEPUTY, ELECTION, LEADER, PROPOSAL, Nomination, Vote
from lib.core.next_year import config_blanks, next_criteria
from lib.core.scoring import Rules
from lib.edge import history as edge_history
from lib.edge.freeze_memory import source_id
from lib.edge.secret import read_key
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import record_nomination, record_vote, set_frozen
from lib.present.exports.admin_layout import DRAFT
from lib.present.exports.covenant_docx import covenant_docx
from lib.present.exports.papers_docx import NotFinal, award_proposal_docx, results_report_docx
from lib.present.exports.summary_xlsx import summary_xlsx
from lib.present.formatting import vn_number
from lib.present.standings_json import live_document
from tests.test_meeting_pages import ADMIN, app, signed_in
from tests.test_meeting_pages import meeting as meeting_fixture

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "config" / "demo.xlsx"
CONFIG_TEXT = (ROOT / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
TODAY = dt.date(2020, 3, 13)
meeting = meeting_fixture  # the meeting pages' demo copy, under the name the tests ask for
ARTIFACTS = ROOT / "test-artifacts" / "papers"


def write_config(folder: Path, workbook: Path, history: str = "") -> Path:
    text = CONFIG_TEXT.replace('path = "demo.xlsx"', f'path = "{workbook}"')
    path = folder / "tn-dhmt-2019.toml"
    path.write_text(text + (f'\n[history]\nworkbook = "{history}"\n' if history else ""), encoding="utf-8")
    return path


@pytest.fixture
def year(tmp_path, monkeypatch) -> Path:
    """A demo copy: the rank-4 tie settled for Đắk Lắk, Gia Lai elected leader and Kon Tum deputy; not frozen."""
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, workbook)
    config = load_config(write_config(tmp_path, workbook))
    source = XlsxSource(workbook)
    record_vote(source, Vote("BQ1", "", "", 22, 22, (("66", 14), ("52", 8))), config.provinces, "Thư ký",
                Role.SECRETARY)
    for nomination in (Nomination("p1", "", "", LEADER, PROPOSAL, 0, 0, (("64", 0),)),
                       Nomination("v1", "", "", LEADER, ELECTION, 22, 22, (("64", 18), ("52", 4))),
                       Nomination("v2", "", "", DEPUTY, ELECTION, 22, 22, (("62", 20),))):
        record_nomination(source, nomination, config.provinces, "Thư ký", Role.SECRETARY)
    return workbook


def freeze(workbook: Path) -> str:
    return set_frozen(XlsxSource(workbook), load_config(workbook.parent / "tn-dhmt-2019.toml").provinces,
                      "Quản trị", Role.ADMIN, True)


def evaluated(workbook: Path) -> tuple[Evaluation, object]:
    config = load_config(workbook.parent / "tn-dhmt-2019.toml")
    raw = XlsxSource(workbook).read()
    return evaluate(raw, config, read_key(raw, source_id(XlsxSource(workbook)))), config  # the workbook's own key


def opened(data: bytes):
    document = docx.Document(io.BytesIO(data))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    return document, text


def table_after(document, header: str) -> list[list[str]]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == header)
    return [[c.text for c in r.cells] for r in table.rows]


# -- the report and the proposal ------------------------------------------------------------
def test_unfrozen_results_give_no_final_paper_only_a_draft_marked_on_every_page(year):
    evaluation, config = evaluated(year)
    for make in (results_report_docx, award_proposal_docx):
        with pytest.raises(NotFinal):
            make(evaluation, config, TODAY)
        document, text = opened(make(evaluation, config, TODAY, draft=True))
        assert len(document.sections) >= 1
        assert all(s.header.paragraphs[0].text == DRAFT and not s.header.is_linked_to_previous
                   for s in document.sections)
        assert "Chưa chốt kết quả" in text
    document, _ = opened(covenant_docx(evaluation.sheet.criteria, config, TODAY, draft=True))
    assert all(s.header.paragraphs[0].text == DRAFT for s in document.sections)


def test_the_frozen_report_carries_standings_fingerprint_votes_and_the_election(year):
    full = freeze(year)
    evaluation, config = evaluated(year)
    document, text = opened(results_report_docx(evaluation, config, TODAY))
    assert all(DRAFT not in s.header.paragraphs[0].text for s in document.sections) and DRAFT not in text
    rows = table_after(document, "Hạng")[1:]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (s.province.name, vn_number(s.self_total), vn_number(s.agreed_total) + (" (tạm tính)" if s.provisional else ""))
        for s in evaluation.standings]
    assert full in text and evaluation.freeze.last.time in text
    vote = next(line for line in text.splitlines() if line.startswith("Biểu quyết BQ1"))
    assert "Đắk Lắk: 14 phiếu" in vote and "Bình Định: 8 phiếu" in vote
    assert "Cụm trưởng năm 2020: tỉnh Gia Lai (Hội nghị bầu)." in text
    assert "Cụm phó năm 2020: tỉnh Kon Tum (Hội nghị bầu)." in text
    assert "ỦY BAN NHÂN DÂN" in text and "TỈNH QUẢNG NGÃI" in text and "Số: ……/BC-UBND" in text
    assert "Nơi nhận:" in text and "CHỦ TỊCH" in text and "Quảng Ngãi, ngày 13 tháng 3 năm 2020" in text
    save(year, "report", results_report_docx(evaluation, config, TODAY))


def test_the_proposal_lists_exactly_the_award_places(year):
    freeze(year)
    evaluation, config = evaluated(year)
    document, text = opened(award_proposal_docx(evaluation, config, TODAY))
    listed = [t for t in document.tables if t.rows[0].cells[0].text == "TT"]
    assert len(listed) == len(config.awards)
    for award, table in zip(config.awards, listed, strict=True):
        rows = [[c.text for c in r.cells] for r in table.rows[1:]]
        holders = [s for s in evaluation.standings if award.from_rank <= s.rank <= award.to_rank and s.award_final]
        assert [(r[1].split(" (")[0], r[2], r[3]) for r in rows] == [
            (s.province.name, str(s.rank), vn_number(s.agreed_total)) for s in holders]
    places = sum(a.to_rank - a.from_rank + 1 for a in config.awards)
    named = [r for t in listed for r in t.rows[1:]]
    assert len(named) == places == 4  # the vote settled rank 4: Đắk Lắk in, Bình Định out
    assert "Đắk Lắk (theo kết quả biểu quyết)" in text and "Bình Định" not in text
    save(year, "proposal", award_proposal_docx(evaluation, config, TODAY))


def test_the_covenant_takes_next_years_draft_tab_when_there_is_one(year):
    evaluation, config = evaluated(year)
    raw = XlsxSource(year).read()
    assert next_criteria(raw, evaluation.sheet.criteria).tab == "TieuChi"
    draft_rows = [["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn", "Loại", "Ghi chú", "Cách tính"],
                  ["1.1", "I. Kinh tế", "Tăng trưởng GRDP", 10, "chuẩn", None, "kế hoạch"],
                  ["9.1", "VI. Thưởng", "Sáng kiến mới", 2, "thưởng", None, None]]
    upcoming = next_criteria({**raw, "NextCriteria": draft_rows}, evaluation.sheet.criteria)
    assert upcoming.drafted and upcoming.tab == "NextCriteria" and not upcoming.problems
    document, text = opened(covenant_docx(upcoming.criteria, config, TODAY))
    assert table_after(document, "Mã")[1:] == [["1.1", "I. Kinh tế", "Tăng trưởng GRDP", "10,00", "chuẩn", "kế hoạch"],
                                               ["9.1", "VI. Thưởng", "Sáng kiến mới", "2,00", "thưởng",
                                                "chấm trực tiếp"]]
    assert all(f"TM. ỦY BAN NHÂN DÂN TỈNH {p.name.upper()}" in text for p in config.provinces)
    assert text.count("CHỦ TỊCH") == len(config.provinces) and "GIAO ƯỚC THI ĐUA" in text
    bad = next_criteria({**raw, "TieuChiNamSau": [draft_rows[0], ["1.1", "I", "x", "mười", None]]}, ())
    assert [p.cell for p in bad.problems if p.is_error] == ["TieuChiNamSau!D2"]
    save(year, "covenant", covenant_docx(evaluation.sheet.criteria, config, TODAY))


def save(workbook: Path, name: str, data: bytes) -> None:
    """Keep the document for the first-page pictures (scripts/render_papers.sh)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.docx").write_bytes(data)


# -- the command line ---------------------------------------------------------------------
def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out), out.getvalue()


def test_papers_refuses_unfrozen_data_unless_draft_then_writes_three_documents(year, tmp_path):
    config = str(year.parent / "tn-dhmt-2019.toml")
    code, _ = run("papers", str(tmp_path / "out"), "--config", config)
    assert code == 1 and not (tmp_path / "out").exists()
    code, said = run("papers", str(tmp_path / "out"), "--config", config, "--draft")
    assert code == 0 and len(list((tmp_path / "out").glob("*-du-thao.docx"))) == 3, said
    freeze(year)
    code, said = run("papers", str(tmp_path / "final"), "--config", config)
    names = sorted(p.name for p in (tmp_path / "final").iterdir())
    assert code == 0 and names == ["bao-cao-ket-qua-thi-dua-2019.docx", "giao-uoc-thi-dua-2020.docx",
                                   "to-trinh-khen-thuong-2019.docx"]
    assert run("papers", str(tmp_path / "x"), str(tmp_path / "missing.xlsx"), "--config", config)[0] == 2


def test_new_year_writes_a_config_that_loads_and_a_workbook_with_every_score_missing(year, tmp_path):
    config = str(year.parent / "tn-dhmt-2019.toml")
    out = tmp_path / "2020"
    code, said = run("new-year", str(out), "--config", config)
    assert code == 0, said
    following = load_config(out / "tn-dhmt-2020.toml")
    assert (following.year, following.leader, following.deputy) == (2020, "64", "62")
    assert [p.code for p in following.provinces] == [p.code for p in load_config(config).provinces]
    assert config_blanks(following) == ("meetings.preliminary", "meetings.conference", "deadlines.self_scores")
    assert following.history and following.history.path.resolve() == year.resolve()
    code, checked = run("check", "--config", str(out / "tn-dhmt-2020.toml"), "--json")
    document = json.loads(checked)
    assert code == 0 and document["config_blanks"] == list(config_blanks(following))
    kinds = {p["message"].split()[0] for p in document["problems"]}
    assert all(p["severity"] == "warning" for p in document["problems"]) and document["problems"], kinds
    evaluation = evaluate(XlsxSource(out / "thi-dua-2020.xlsx").read(), following)
    assert {p.code for p in evaluation.problems} <= {"scores.missing_self", "quant.result_missing",
                                                     "quant.target_missing"}
    assert [c.code for c in evaluation.sheet.criteria] == [c.code for c in evaluated(year)[0].sheet.criteria]
    assert not evaluation.sheet.self_scores and not evaluation.sheet.agreed
    text = run("check", "--config", str(out / "tn-dhmt-2020.toml"))[1]
    assert "Cấu hình còn để trống, cần điền: meetings.preliminary, meetings.conference, deadlines.self_scores" in text
    before = (out / "tn-dhmt-2020.toml").read_bytes(), (out / "thi-dua-2020.xlsx").read_bytes()
    assert run("new-year", str(out), "--config", config)[0] == 1
    assert ((out / "tn-dhmt-2020.toml").read_bytes(), (out / "thi-dua-2020.xlsx").read_bytes()) == before


def test_history_needs_exactly_one_of_workbook_or_key(tmp_path):
    path = write_config(tmp_path, DEMO)
    path.write_text(path.read_text(encoding="utf-8") + '\n[history]\nworkbook = "a.xlsx"\nkey = "k"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="history"):
        load_config(path)


# -- last year beside this year -------------------------------------------------------------
def previous_year(folder: Path) -> Path:
    """Last year: Kon Tum not yet a member, criterion 1.3 named otherwise, Quảng Ngãi 10 points lower."""
    path = folder / "2018.xlsx"
    shutil.copy(DEMO, path)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=10):
            for cell in row:
                if cell.value == "Kon Tum":
                    ws.delete_cols(cell.column)
                    break
    criteria = wb["TieuChi"]
    row13 = next(r for r in criteria.iter_rows() if r[0].value == "1.3")
    row13[2].value = "Giá trị xuất khẩu"
    col = next(c.column for c in wb["TuCham"][3] if c.value == "Quảng Ngãi")
    lowered = 0
    for tab in ("TuCham", "ThongNhat"):
        for row in wb[tab].iter_rows(min_row=4):
            if row[0].value in ("2.1", "2.2", "3.1") and isinstance(row[col - 1].value, (int, float)):
                if tab == "TuCham":
                    lowered += row[col - 1].value
                row[col - 1].value = 0
    assert lowered >= 8
    wb.save(path)
    return path


def test_last_year_ranks_rises_and_differences_are_said(year, tmp_path):
    old = previous_year(tmp_path)
    config = load_config(write_config(tmp_path, year, history=old.name))
    edge_history.forget()
    evaluation = evaluate(XlsxSource(year).read(), config)
    comparison, error = edge_history.comparison_for(config, evaluation)
    assert not error and comparison is not None
    past = evaluate(XlsxSource(old).read(), config)
    ranked = last_year(past.sheet, Rules.from_config(config), "x").ranks
    assert "62" not in ranked and len(ranked) == 10
    rows = comparison.rows
    assert rows["62"].new and rows["62"].change is None and rows["62"].total_change is None
    assert rows["51"].last_rank == ranked["51"].rank > 4 and rows["51"].change == ranked["51"].rank - 1
    assert [b.code for b in comparison.risers()] == ["51"]
    assert comparison.criteria.renamed == ("1.3",) and comparison.criteria.changed
    assert all(b.total_change is None for b in rows.values())  # criteria changed: totals not compared
    assert rows["56"].change == -1 and rows["56"].last_rank == 1
    assert compare(last_year(evaluation.sheet, Rules.from_config(config), "same"), evaluation.standings,
                   evaluation.sheet.criteria).risers() == []  # nobody rises against itself
    live = live_document(evaluation, cluster="c", year=2019, version=1, fetched_at=dt.datetime(2020, 3, 13),
                         stale=False, history=comparison)["standings"]
    by_code = {s["code"]: s["last_year"] for s in live}
    assert by_code["62"]["new"] and by_code["51"]["top_rise"] and by_code["51"]["criteria_changed"]
    ws = load_workbook(io.BytesIO(summary_xlsx(evaluation, config, comparison)))["Tổng hợp"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any("vươn lên mạnh nhất" in c and c.startswith(f"{ranked['51'].rank} (") for c in cells)
    assert any("mới vào Cụm, không so sánh" in c for c in cells)
    assert any("Bộ tiêu chí khác năm trước (đổi tên 1.3)" in c for c in cells)
    _, text = opened(results_report_docx(evaluation, config, TODAY, draft=True, history=comparison))
    assert f"tỉnh Quảng Ngãi từ hạng {ranked['51'].rank} lên hạng 1" in text
    assert "Tỉnh mới tham gia Cụm, không so sánh với năm trước: Kon Tum." in text and "đổi tên 1.3" in text


def test_last_year_is_read_once_not_per_call(year, tmp_path, monkeypatch):
    old = previous_year(tmp_path)
    config = load_config(write_config(tmp_path, year, history=old.name))
    edge_history.forget()
    reads = []
    real = XlsxSource.read
    monkeypatch.setattr(XlsxSource, "read", lambda self: reads.append(self.path) or real(self))
    evaluation = evaluate(real(XlsxSource(year)), config)
    for _ in range(3):
        assert edge_history.comparison_for(config, evaluation)[0] is not None
    assert len(reads) == 1


# -- the Results page ---------------------------------------------------------------------
def test_the_admin_makes_next_year_and_the_covenant_from_the_results_page(meeting, tmp_path):
    viewer = app()
    viewer.switch_page("pages/results.py").run()
    assert not viewer.exception and not [b for b in viewer.button if b.key == "new-year"]  # admin only
    assert "Kết quả chưa chốt: báo cáo, tờ trình và giao ước chỉ là bản DỰ THẢO." in [w.value for w in viewer.warning]
    at = signed_in(ADMIN, "Quản trị")
    at.switch_page("pages/results.py").run()
    at.button(key="prepare-covenant").click().run()
    assert not at.exception, at.exception
    assert "Giao ước thi đua năm 2020 (.docx)" in [b.proto.label for b in at.get("download_button")]
    at.text_input(key="new-year-dir").set_value(str(tmp_path / "next")).run()
    at.button(key="new-year").click().run()
    assert not at.exception, at.exception
    assert any("Cần điền trong tệp cấu hình: meetings.preliminary" in s.value for s in at.success)
    assert load_config(tmp_path / "next" / "cluster-2020.toml").year == 2020  # the config is cluster.toml
    at.button(key="new-year").click().run()  # twice: refused, nothing overwritten
    assert any("không ghi đè" in e.value for e in at.error)


def test_the_ranking_page_shows_last_year_beside_this_year(meeting, tmp_path):
    old = previous_year(tmp_path)
    config = tmp_path / "cluster.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[history]\nworkbook = "{old.name}"\n',
                      encoding="utf-8")
    edge_history.forget()
    at = app()
    at.switch_page("pages/ranking.py").run()
    assert not at.exception, at.exception
    assert "So với năm trước" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "Thay đổi hạng" in d.value.columns)
    changes = dict(zip(table["Tỉnh"], table["Thay đổi hạng"], strict=True))
    assert changes["Kon Tum"] == "mới vào Cụm, không so sánh"
    assert changes["Quảng Ngãi"].endswith("vươn lên mạnh nhất") and changes["Khánh Hòa"] == "giảm 1 bậc"
    assert any("đổi tên 1.3" in c.value.replace("\\", "") for c in at.caption)  # markdown-escaped on screen


def test_new_year_refuses_an_election_of_a_province_no_longer_a_member_and_writes_nothing(year, tmp_path):
    """The review's case: the recorded leader (Gia Lai, 64) was taken out of [[provinces]]; before, both files
    were written, the TOML did not load, and the retry was refused because the files existed."""
    import re

    config = year.parent / "tn-dhmt-2019.toml"
    text = config.read_text(encoding="utf-8")
    block = re.search(r'\[\[provinces\]\]\ncode = "64"\n(?:(?!\[\[).*\n)*', text)
    assert block is not None, "the demo config names Gia Lai (64)"
    config.write_text(text.replace(block.group(0), ""), encoding="utf-8")
    out = tmp_path / "next"
    code, _ = run("new-year", str(out), "--config", str(config))
    assert code == 1 and not any(out.glob("*.toml")) and not any(out.glob("*.xlsx"))
    config.write_text(text, encoding="utf-8")  # put right: the retry is not blocked by leftovers
    code, said = run("new-year", str(out), "--config", str(config))
    assert code == 0, said


@pytest.mark.parametrize("history", ["same", "copy", "missing"])
def test_a_history_that_is_this_year_or_unreadable_is_said_in_the_report(year, tmp_path, history):
    """The review's cases: [history] naming this year's own workbook (or a copy of it) was taken as last
    year ("no province rose"), and an unreadable one was reported as "no [history] configured"."""
    copy = tmp_path / "copy.xlsx"
    shutil.copy(year, copy)
    name = {"same": year.name, "copy": copy.name, "missing": "nothere.xlsx"}[history]
    config = load_config(write_config(tmp_path, year, history=name))
    edge_history.forget()
    evaluation = evaluated(year)[0]
    comparison, error = edge_history.comparison_for(config, evaluation)
    assert comparison is None and error
    _, text = opened(results_report_docx(evaluation, config, TODAY, draft=True, history=comparison,
                                         history_error=error))
    assert "Chưa so sánh được với năm trước" in text and "Không có số liệu năm trước trong cấu hình" not in text
    edge_history.forget()
