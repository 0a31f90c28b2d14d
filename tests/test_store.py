"""The one write path (``lib.edge.store``) on the local workbook and on the local Sheets API server.

Every behaviour is checked on both backends: an ``XlsxSource`` over a copy of the demo
workbook, and a ``GoogleSheetSource`` (real gspread + google-auth) talking to the fake
Sheets API seeded with the same content. "Behind the secretary's back" edits go through a
second ``XlsxSource`` on the same file, or ``server.set_cell`` (an organiser typing).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from lib.core.cells import raw_value
from lib.core.config import load_config
from lib.core.errors import (
    ChangeSetConflict,
    InvalidChangeSet,
    LayoutError,
    NotAllowed,
    Unavailable,
    WriteConflict,
)
from lib.core.grammar import find_tab
from lib.core.model import Adjustment, ChangeSet, Province, RawWorkbook, Role, Scoresheet
from lib.core.parse import parse_workbook
from lib.core.writes import validate
from lib.edge.sources import Source, WriteBatch
from lib.edge.sources.gsheet import GoogleSheetSource, RetryPolicy
from lib.edge.sources.gsheet_settings import authorized_session, credentials_from_info
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import save
from lib.present.catalogue import explain, word
from tests.fake_sheets import FakeSheetsServer, service_account_info
from tests.wording import raises_saying

DEMO = Path(__file__).resolve().parent.parent / "config" / "demo.xlsx"
MEMBERS: tuple[Province, ...] = load_config().provinces
FAST = RetryPolicy(attempts=2, max_seconds=2.0, first_wait=0.01, max_wait=0.05)
D = Decimal


@dataclass
class Backend:
    """One workbook to test against, with ways to edit it directly and to take it offline."""

    kind: str
    source: Source
    edit: Callable[[str, int, int, object], None]
    outage: Callable[[], None]
    recover: Callable[[], None]
    server: FakeSheetsServer | None = None
    extras: dict[str, object] = field(default_factory=dict)

    def raw(self) -> RawWorkbook:
        return self.source.read()

    def sheet(self) -> Scoresheet:
        return parse_workbook(self.raw(), MEMBERS).sheet

    def log_rows(self, change_id: str | None = None) -> list[list[object]]:
        """The NhatKy data rows (below the header), optionally only those of one change set."""
        found = find_tab(self.raw(), "NhatKy")
        assert found is not None
        rows = [r for r in found[1][3:] if any(v not in (None, "") for v in r)]
        if change_id is None:
            return rows
        return [r for r in rows if len(r) > 7 and r[7] == change_id]

    def edit_agreed(self, criterion: str, province: str, value: object) -> None:
        """An organiser types ``value`` straight into the agreed cell."""
        place = self.sheet().agreed_places[(criterion, province)]  # type: ignore[index]
        self.edit(place.tab, place.row, place.col, value)


@contextlib.contextmanager
def open_backend(kind: str, tmp_path: Path) -> Iterator[Backend]:
    """A fresh copy of the demo workbook as ``kind`` ("xlsx" or "gsheet")."""
    path = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, path)
    if kind == "xlsx":
        away = tmp_path / "demo.xlsx.away"
        yield Backend(
            kind, XlsxSource(path),
            edit=lambda tab, row, col, value: XlsxSource(path).write(WriteBatch(cells={(tab, row, col): value})),
            outage=lambda: path.rename(away),
            recover=lambda: away.rename(path),
        )
        return
    with FakeSheetsServer() as server:
        key = server.create_spreadsheet("demo", XlsxSource(path).read())
        info = service_account_info(server)
        session = authorized_session(credentials_from_info(info), server.url)
        source = GoogleSheetSource(key, session, service_account=info["client_email"], timeout=(2.0, 5.0),
                                   retry=FAST)
        yield Backend(
            kind, source,
            edit=lambda tab, row, col, value: server.set_cell(key, tab, row, col, value),
            outage=server.stop,
            recover=server.start,
            server=server,
            extras={"key": key},
        )


@pytest.fixture(params=["xlsx", "gsheet"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with open_backend(request.param, tmp_path) as b:
        yield b


def change(*adjustments: Adjustment, role: Role = Role.SECRETARY, user: str = "Thư ký Cụm") -> ChangeSet:
    return ChangeSet(user, role, tuple(adjustments))


# Demo values: 1.1 (max 8) is 7.25 agreed for Quảng Nam (49), blank for Phú Yên (54).
QN_11 = Adjustment("1.1", "49", D("7.25"), D("7.5"), "Điều chỉnh theo số liệu Cục Thống kê")
PY_11 = Adjustment("1.1", "54", None, D("7"), "Thống nhất theo điểm tự chấm")


# -- role, rules ------------------------------------------------------------------------
def test_a_viewer_change_set_is_refused_at_write_time_and_nothing_is_written(backend: Backend) -> None:
    before = backend.raw()
    if backend.server:
        backend.server.reset_log()
    with pytest.raises(NotAllowed) as caught:
        save(backend.source, change(QN_11, role=Role.VIEWER, user="Khách"), MEMBERS)
    assert isinstance(caught.value, PermissionError)
    assert backend.raw() == before
    if backend.server:
        assert backend.server.count("values:batchUpdate") == backend.server.count("values:append") == 0


def test_admin_may_write(backend: Backend) -> None:
    save(backend.source, change(QN_11, role=Role.ADMIN), MEMBERS)
    assert backend.sheet().agreed[("1.1", "49")] == D("7.5")  # type: ignore[index]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(backend: Backend, reason: str) -> None:
    before = backend.raw()
    bad = Adjustment("1.1", "49", D("7.25"), D("7.5"), reason)
    with pytest.raises(InvalidChangeSet) as caught:
        save(backend.source, change(bad), MEMBERS)
    assert explain(caught.value) == "Tiêu chí 1.1 – Quảng Nam: cần ghi lý do điều chỉnh"
    assert backend.raw() == before


@pytest.mark.parametrize("value", ["8.25", "-0.5", "NaN"])
def test_a_value_out_of_range_is_refused(backend: Backend, value: str) -> None:
    before = backend.raw()
    with raises_saying(InvalidChangeSet, "Tiêu chí 1.1 – Quảng Nam: điểm .* ngoài khoảng 0–8"):
        save(backend.source, change(Adjustment("1.1", "49", D("7.25"), D(value), "lý do")), MEMBERS)
    assert backend.raw() == before


def test_validate_names_criterion_and_province_in_vietnamese(tmp_path: Path) -> None:
    with open_backend("xlsx", tmp_path) as b:
        sheet = b.sheet()
    cs = change(
        Adjustment("9.9", "49", None, D(1), "x"),
        Adjustment("1.1", "99", None, D(1), "x"),
        Adjustment("1.1", "67", D(7), D(7), "x"),
        QN_11, QN_11,
        user=" ",
    )
    assert validate_in_words(cs, sheet) == [
        "Thiếu tên người sửa",
        "Tiêu chí '9.9' không có trong bảng tiêu chí (TieuChi)",
        "Tiêu chí 1.1: đơn vị mã '99' không thuộc cụm",
        "Tiêu chí 1.1 – Đắk Nông: điểm mới trùng điểm cũ, không có gì để lưu",
        "Tiêu chí 1.1 – Quảng Nam: có hai điều chỉnh cho cùng một ô",
    ]
    assert validate_in_words(change(), sheet) == ["Không có thay đổi nào để lưu"]
    assert validate_in_words(change(QN_11, PY_11), sheet) == []



def validate_in_words(change_set: ChangeSet, sheet: Scoresheet) -> list[str]:
    return [word(code, params) for code, params in validate(change_set, sheet)]


# -- saving -----------------------------------------------------------------------------
def test_a_save_writes_the_agreed_cells_and_one_log_row_per_adjustment(backend: Backend) -> None:
    rows_before = len(backend.log_rows())
    cs = change(QN_11, PY_11)
    result = save(backend.source, cs, MEMBERS)
    assert result.written == (QN_11, PY_11) and not result.already_saved
    sheet = backend.sheet()
    assert sheet.agreed[("1.1", "49")] == D("7.5")  # type: ignore[index]
    assert sheet.agreed[("1.1", "54")] == D("7")  # type: ignore[index]
    rows = backend.log_rows()
    assert len(rows) == rows_before + 2
    first, second = rows[-2:]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", str(first[0]))
    assert first[1:] == ["Thư ký Cụm", "Quảng Nam", "1.1", "7,25", "7,5", QN_11.reason, cs.id]
    assert second[2:7] == ["Phú Yên", "1.1", "", "7", PY_11.reason] or second[2:7] == [
        "Phú Yên", "1.1", None, "7", PY_11.reason]
    assert find_tab(backend.raw(), "NhatKy")[1][2][7] == "Mã thay đổi"  # type: ignore[index]
    assert sheet.log[-1].new == "7" and sheet.log[-2].reason == QN_11.reason


def test_numbers_are_stored_as_numbers(backend: Backend) -> None:
    save(backend.source, change(QN_11, PY_11), MEMBERS)
    place = backend.sheet().agreed_places
    tab = find_tab(backend.raw(), "ThongNhat")[1]  # type: ignore[index]
    qn, py = place[("1.1", "49")], place[("1.1", "54")]  # type: ignore[index]
    assert tab[qn.row - 1][qn.col - 1] == 7.5 and tab[py.row - 1][py.col - 1] == 7
    assert (raw_value(D("7.50")), raw_value(D("0.25")), raw_value(None)) == (7.5, 0.25, "")


def test_a_blank_new_value_clears_the_agreed_cell(backend: Backend) -> None:
    save(backend.source, change(Adjustment("1.1", "49", D("7.25"), None, "Chưa đủ minh chứng")), MEMBERS)
    assert ("1.1", "49") not in backend.sheet().agreed
    assert backend.log_rows()[-1][4:6] in (["7,25", ""], ["7,25", None])


def test_a_formula_like_reason_arrives_as_text(backend: Backend) -> None:
    cs = change(Adjustment("1.1", "49", D("7.25"), D("7.5"), "=1+1"), user="=HYPERLINK(\"x\")")
    save(backend.source, cs, MEMBERS)
    row = backend.log_rows(cs.id)[0]
    assert row[6] == "=1+1" and row[1] == "=HYPERLINK(\"x\")"


def test_a_missing_agreed_row_is_a_clear_layout_error(tmp_path: Path) -> None:
    with open_backend("xlsx", tmp_path) as b:
        b.edit("ThongNhat", 4, 1, "")  # the 1.1 row loses its code
        with pytest.raises(LayoutError) as caught:  # permanent: the outbox sets it aside, never retries it
            save(b.source, change(QN_11), MEMBERS)
        assert caught.value.code == "layout.no_agreed_cell"
        assert "tiêu chí 1.1 – Quảng Nam" in explain(caught.value)


# -- conflicts --------------------------------------------------------------------------
def test_a_direct_sheet_edit_meanwhile_is_a_conflict_and_nothing_is_written(backend: Backend) -> None:
    rows_before = len(backend.log_rows())
    backend.edit_agreed("1.1", "49", 6)  # an organiser types in the sheet while the secretary edits
    with pytest.raises(WriteConflict) as caught:
        save(backend.source, change(QN_11, PY_11), MEMBERS)
    assert isinstance(caught.value, ChangeSetConflict)
    (conflict,) = caught.value.conflicts
    assert (conflict.criterion, conflict.province, conflict.province_name) == ("1.1", "49", "Quảng Nam")
    assert (conflict.yours, conflict.started_from, conflict.now) == (D("7.5"), D("7.25"), D(6))
    assert conflict.by is None  # typed in the sheet: no log row explains it
    assert "bạn sửa từ 7,25 thành 7,5, nhưng ô hiện là 6" in explain(caught.value)
    sheet = backend.sheet()
    assert sheet.agreed[("1.1", "49")] == D(6)  # type: ignore[index]
    assert ("1.1", "54") not in sheet.agreed  # all or nothing: the other cell was not written either
    assert len(backend.log_rows()) == rows_before


def test_the_second_of_two_secretaries_starting_from_the_same_value_conflicts(backend: Backend) -> None:
    first = change(QN_11, user="Thư ký A")
    second = change(Adjustment("1.1", "49", D("7.25"), D("7"), "lý do khác"), user="Thư ký B")
    save(backend.source, first, MEMBERS)
    rows_before = len(backend.log_rows())
    with pytest.raises(ChangeSetConflict) as caught:
        save(backend.source, second, MEMBERS)
    (conflict,) = caught.value.conflicts
    assert (conflict.yours, conflict.started_from, conflict.now) == (D("7"), D("7.25"), D("7.5"))
    assert conflict.by == "Thư ký A" and re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", conflict.at or "")
    assert len(backend.log_rows()) == rows_before
    assert backend.sheet().agreed[("1.1", "49")] == D("7.5")  # type: ignore[index]


def test_blank_started_from_blank_is_not_a_conflict_but_a_new_blank_value_is(backend: Backend) -> None:
    save(backend.source, change(PY_11), MEMBERS)  # blank == blank
    with pytest.raises(ChangeSetConflict):
        save(backend.source, change(Adjustment("1.1", "54", None, D(6), "x")), MEMBERS)


# -- idempotency ------------------------------------------------------------------------
class LostReply:
    """A source whose write lands but whose answer is lost (the caller sees an outage)."""

    def __init__(self, inner: Source) -> None:
        self.inner = inner
        self.label = inner.label

    def read(self) -> RawWorkbook:
        return self.inner.read()

    def write(self, batch: WriteBatch) -> None:
        self.inner.write(batch)
        raise Unavailable("mất kết nối sau khi gửi (giả lập)")


def test_a_retry_after_an_ambiguous_failure_does_not_write_twice(backend: Backend) -> None:
    cs = change(QN_11, PY_11)
    with pytest.raises(Unavailable):
        save(LostReply(backend.source), cs, MEMBERS)
    rows = len(backend.log_rows())
    result = save(backend.source, cs, MEMBERS)
    assert result.already_saved and result.written == ()
    assert len(backend.log_rows()) == rows and len(backend.log_rows(cs.id)) == 2


def test_a_half_applied_write_is_completed_once_on_retry(tmp_path: Path) -> None:
    with open_backend("gsheet", tmp_path) as b:
        assert b.server is not None
        cs = change(QN_11)
        b.server.fail(503, times=None, match="values:append")  # cells written, log append refused
        with pytest.raises(Unavailable):
            save(b.source, cs, MEMBERS)
        assert b.sheet().agreed[("1.1", "49")] == D("7.5") and b.log_rows(cs.id) == []  # type: ignore[index]
        b.server.clear_faults()
        assert save(b.source, cs, MEMBERS).written == (QN_11,)
        assert save(b.source, cs, MEMBERS).already_saved
        assert len(b.log_rows(cs.id)) == 1


def test_on_saved_runs_after_a_write_only(backend: Backend) -> None:
    calls: list[int] = []
    save(backend.source, change(QN_11), MEMBERS, on_saved=lambda: calls.append(1))
    with pytest.raises(ChangeSetConflict):
        save(backend.source, change(Adjustment("1.1", "49", D("7.25"), D(7), "x")), MEMBERS,
             on_saved=lambda: calls.append(2))
    assert calls == [1]


def test_a_cell_already_holding_the_new_value_is_not_a_conflict(backend: Backend) -> None:
    save(backend.source, change(QN_11, user="Thư ký A"), MEMBERS)
    again = change(QN_11, user="Thư ký B")  # B agreed on the same value from the same start
    assert save(backend.source, again, MEMBERS).written == (QN_11,)
    assert backend.sheet().agreed[("1.1", "49")] == D("7.5")  # type: ignore[index]


def test_a_missing_log_tab_is_created_with_its_header(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with open_backend("xlsx", tmp_path) as b:
        path = b.source.path  # type: ignore[attr-defined]
        wb = load_workbook(path)
        del wb["NhatKy"]
        wb.save(path)
        cs = change(QN_11)
        save(b.source, cs, MEMBERS)
        rows = b.raw()["NhatKy"]
        assert rows[0] == ["Thời gian", "Người sửa", "Đơn vị", "Mã", "Điểm cũ", "Điểm mới", "Lý do", "Mã thay đổi"]
        assert rows[1][1:] == ["Thư ký Cụm", "Quảng Nam", "1.1", "7,25", "7,5", QN_11.reason, cs.id]
        assert save(b.source, cs, MEMBERS).already_saved
        assert len(b.sheet().log) == 1
