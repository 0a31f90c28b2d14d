"""Freezing the agreed scores (``lib.core.freeze``): the fingerprint, and freeze/unfreeze on both backends.

The fingerprint properties run on hand-made scoresheets. Everything else runs on an
``XlsxSource`` over a copy of the demo workbook and on a ``GoogleSheetSource`` talking to the
local Sheets API fake seeded with the same content (``tests.test_store.open_backend``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.config import load_config
from lib.core.errors import NotAllowed
from lib.core.evaluation import Evaluation, evaluate
from lib.core.freeze import counted_values, fingerprint, short
from lib.core.grammar import column_letter
from lib.core.model import (
    FROZE,
    UNFROZE,
    Adjustment,
    ChangeSet,
    Difference,
    FreezeEvent,
    LogEntry,
    ProvinceCode,
    RawTab,
    RawWorkbook,
    Role,
    Scoresheet,
    WriteBatch,
)
from lib.core.parse import parse_workbook
from lib.edge.freeze_memory import source_id
from lib.edge.secret import read_key
from lib.edge.store import save, set_frozen
from lib.present.catalogue import describe, explain
from tests.sheets import PROVINCES, criterion
from tests.test_store import MEMBERS, Backend, open_backend
from tests.wording import raises_saying

CONFIG = load_config()
D = Decimal
ADMIN = "Quản trị Cụm"
KEY = b"tests-freeze-secret-0123456789"
STAMP = re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d")


# -- the fingerprint -------------------------------------------------------------------
CODES = ("1.1", "1.2", "2.3a", "3.10")
KEYS = st.tuples(st.sampled_from(CODES), st.sampled_from([p.code for p in PROVINCES[:4]]))
VALUES = st.decimals(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False)
TEXT = st.text(max_size=12)
LOG_ENTRIES = st.builds(LogEntry, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT)
AGREED = st.dictionaries(KEYS, VALUES, max_size=12)
LOGS = st.lists(LOG_ENTRIES, max_size=4).map(tuple)


def scoresheet(agreed: dict[tuple[str, str], Decimal], log: tuple[LogEntry, ...] = ()) -> Scoresheet:
    return Scoresheet(
        tuple(criterion(c) for c in CODES), PROVINCES[:4],
        agreed={(c, ProvinceCode(p)): v for (c, p), v in agreed.items()}, log=log,
    )


@settings(max_examples=200)
@given(AGREED, LOGS, st.data())
def test_changing_any_single_agreed_value_changes_the_fingerprint(agreed, log, data) -> None:
    agreed = agreed or {("1.1", "49"): D("7.25")}
    key = data.draw(st.sampled_from(sorted(agreed)), label="key")
    new = data.draw(VALUES.filter(lambda v: v != agreed[key]), label="new value")
    assert fingerprint(scoresheet({**agreed, key: new}, log)) != fingerprint(scoresheet(agreed, log))


@pytest.mark.parametrize("old, new", [
    ("1.0000000000000000000000000001", "1.0000000000000000000000000002"),  # 29 significant digits
    ("123456789.123456789123456789125", "123456789.123456789123456789126"),
    ("0", "0.0000000000000000000000000000001"),
])
def test_values_differing_only_beyond_28_digits_still_change_the_fingerprint(old: str, new: str) -> None:
    assert fingerprint(scoresheet({("1.1", "49"): D(new)})) != fingerprint(scoresheet({("1.1", "49"): D(old)}))


@settings(max_examples=200)
@given(AGREED, LOGS, KEYS, VALUES)
def test_adding_or_removing_one_agreed_value_changes_the_fingerprint(agreed, log, key, value) -> None:
    without = {k: v for k, v in agreed.items() if k != key}
    with_it = {**without, key: value}
    assert fingerprint(scoresheet(with_it, log)) != fingerprint(scoresheet(without, log))


@settings(max_examples=200)
@given(AGREED, LOGS, LOG_ENTRIES)
def test_appending_a_log_row_changes_the_fingerprint(agreed, log, entry) -> None:
    assert fingerprint(scoresheet(agreed, (*log, entry))) != fingerprint(scoresheet(agreed, log))


@settings(max_examples=200)
@given(AGREED, LOGS, st.randoms(use_true_random=False))
def test_equal_content_in_another_order_gives_the_same_fingerprint(agreed, log, rnd) -> None:
    items = list(agreed.items())
    rnd.shuffle(items)
    # the same values in another dict order, some written differently (7.5 as 7.50, 0 as -0.00)
    reshaped = {k: rewritten(v) for k, v in items}
    assert reshaped == agreed and list(reshaped) == [k for k, _ in items]
    assert fingerprint(scoresheet(reshaped, log)) == fingerprint(scoresheet(agreed, log))


def rewritten(value: Decimal) -> Decimal:
    """An equal value with another exponent (or sign, for zero)."""
    if not value:
        return D("-0.00")
    longer = D(f"{value:f}{'' if '.' in f'{value:f}' else '.'}00")
    assert longer == value and str(longer) != str(value)
    return longer


def test_the_fingerprint_is_a_sha256_and_short_is_its_prefix() -> None:
    value = fingerprint(scoresheet({("1.1", "49"): D("7.25")}))
    assert re.fullmatch(r"[0-9a-f]{64}", value)
    assert short(value) == value[:12]


# -- freeze and unfreeze on the local workbook and the local Sheets API ----------------
@pytest.fixture(params=["xlsx", "gsheet"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with open_backend(request.param, tmp_path) as b:
        yield b


def evaluation(backend: Backend, key: bytes = KEY) -> Evaluation:
    """As the server reads: with the workbook's own key, derived from the records key ``key``."""
    raw = backend.raw()
    return evaluate(raw, CONFIG, read_key(raw, source_id(backend.source), key))


def tab(raw: RawWorkbook, title: str) -> RawTab:
    """The tab's rows with blank cells as None and trailing blanks (cells and rows) dropped."""
    rows = [[None if v == "" else v for v in row] for row in raw[title]]
    rows = [row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)] for row in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def freeze(backend: Backend, user: str = ADMIN, **kwargs: object) -> str:
    return set_frozen(backend.source, MEMBERS, user, Role.ADMIN, True, freeze_key=KEY, **kwargs)  # type: ignore[arg-type]


def unfreeze(backend: Backend, reason: str, user: str = ADMIN) -> str:
    return set_frozen(backend.source, MEMBERS, user, Role.ADMIN, False, reason, freeze_key=KEY)


def writes(backend: Backend) -> int:
    assert backend.server is not None
    return sum(backend.server.count(kind) for kind in ("values:batchUpdate", "values:append", "batchUpdate"))


QN_11 = Adjustment("1.1", "49", D("7.25"), D("7.5"), "Điều chỉnh theo số liệu Cục Thống kê")


def test_an_admin_freeze_creates_the_tabs_and_records_time_user_and_fingerprint(backend: Backend) -> None:
    before = backend.raw()
    assert "Chot" not in before and "ChotDiem" not in before
    assert not evaluation(backend).freeze.frozen
    expected = fingerprint(backend.sheet())

    done = freeze(backend)

    raw = backend.raw()
    assert done == expected
    chot = tab(raw, "Chot")
    assert chot[0] == ["Thời gian", "Người thực hiện", "Hành động", "Dấu vân tay", "Lý do", "Chữ ký"]
    assert len(chot) == 2
    time, user, action, recorded = chot[1][:4]
    assert STAMP.fullmatch(str(time)) and (user, action, recorded) == (ADMIN, "chốt", expected)
    # the frozen copy: the ThongNhat values, by province code
    frozen = tab(raw, "ChotDiem")
    assert frozen[0] == ["Mã", *(p.code for p in MEMBERS), "Chữ ký"]  # each row signed over the fingerprint
    assert [str(row[0]) for row in frozen[1:]] == [c.code for c in backend.sheet().criteria]
    # everything else is untouched
    assert {t: rows for t, rows in raw.items() if t not in ("Chot", "ChotDiem")} == before

    now = evaluation(backend)
    assert now.freeze.frozen and now.freeze.last == FreezeEvent(str(time), ADMIN, FROZE, expected, "")
    assert now.frozen_differences == () and not now.freeze.broken and not now.freeze.breaks
    assert now.frozen_differences == ()
    assert fingerprint(now.sheet) == expected  # freezing changes neither the agreed values nor the log


def test_the_given_time_is_recorded(backend: Backend) -> None:
    freeze(backend, time="12/03/2020 17:30:00")
    assert evaluation(backend).freeze.last.time == "12/03/2020 17:30:00"  # type: ignore[union-attr]


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.VIEWER])
@pytest.mark.parametrize("frozen", [True, False])
def test_only_an_admin_may_freeze_or_unfreeze_and_nothing_is_written(
    backend: Backend, role: Role, frozen: bool
) -> None:
    if not frozen:
        freeze(backend)
    before = backend.raw()
    if backend.server:
        backend.server.reset_log()
    with pytest.raises(NotAllowed) as caught:
        set_frozen(backend.source, MEMBERS, "Thư ký Cụm", role, frozen, "muốn sửa lại", freeze_key=KEY)
    assert isinstance(caught.value, PermissionError)
    assert backend.raw() == before
    if backend.server:
        assert writes(backend) == 0
    assert evaluation(backend).freeze.frozen is not frozen


def test_saving_while_frozen_is_refused_and_nothing_is_written(backend: Backend) -> None:
    freeze(backend)
    before = backend.raw()
    if backend.server:
        backend.server.reset_log()
    for role in (Role.SECRETARY, Role.ADMIN):
        with raises_saying(NotAllowed, "chốt"):
            save(backend.source, ChangeSet("Thư ký Cụm", role, (QN_11,)), MEMBERS, freeze_key=KEY)
    assert backend.raw() == before
    if backend.server:
        assert writes(backend) == 0


def test_a_direct_sheet_edit_of_a_frozen_value_shows_as_a_difference(backend: Backend) -> None:
    freeze(backend)
    sheet = backend.sheet()
    self_54, self_51 = sheet.self_scores[("1.1", "54")], sheet.self_scores[("1.2", "51")]
    backend.edit_agreed("1.1", "49", 6)  # 7.25 frozen
    backend.edit_agreed("1.2", "51", "")  # 5.5 frozen, now cleared: the self-score counts again
    backend.edit_agreed("1.1", "54", "7,5")  # not agreed when frozen: its self-score counted and was frozen
    now = evaluation(backend)
    assert now.freeze.frozen and now.freeze.broken
    expected = [Difference("1.1", "49", D("7.25"), D("6")), Difference("1.1", "54", self_54, D("7.5"))]
    if self_51 != D("5.5"):
        expected.append(Difference("1.2", "51", D("5.5"), self_51))
    assert list(now.frozen_differences) == expected
    # typing the frozen value back removes that difference
    backend.edit_agreed("1.1", "49", 7.25)
    assert [(d.criterion, d.province) for d in evaluation(backend).frozen_differences] == [
        (d.criterion, d.province) for d in expected[1:]]


def test_a_self_score_or_a_result_edited_after_the_freeze_breaks_it_at_the_cell(backend: Backend) -> None:
    """Not only the agreed cells: a provisional province's TuCham cell, or a KetQua cell behind a computed
    score, decides places too, so the freeze covers every score that counts (issue 19, adversarial list)."""
    freeze(backend)
    sheet = backend.sheet()
    provisional = next(k for k in sheet.self_scores if k not in sheet.agreed and k not in sheet.computed
                       and sheet.self_scores[k] > 0)
    place = sheet.self_places[provisional]
    backend.edit(place.tab, place.row, place.col, float(sheet.self_scores[provisional] - 1))
    now = evaluation(backend)
    assert now.freeze.broken
    cell = f"TuCham!{column_letter(place.col)}{place.row}"
    assert [(d.criterion, d.province) for d in now.frozen_differences] == [provisional]
    assert any(p.code == "freeze.broken" and cell in p.cell for p in now.problems)
    backend.edit(place.tab, place.row, place.col, float(sheet.self_scores[provisional]))  # typed back
    assert not evaluation(backend).freeze.broken

    computed = next(k for k in sheet.computed if k not in sheet.agreed and k in sheet.result_places)
    result = sheet.result_places[computed]
    value = sheet.results[computed]
    backend.edit(result.tab, result.row, result.col, float(value) * 2 + 1)
    moved = evaluation(backend)
    assert moved.freeze.broken
    assert computed in {(d.criterion, d.province) for d in moved.frozen_differences}
    assert any(p.code == "freeze.broken" and f"KetQua!{column_letter(result.col)}{result.row}" in p.cell
               for p in moved.problems)


@pytest.mark.parametrize("reason", ["", "   "])
def test_unfreezing_needs_a_reason(backend: Backend, reason: str) -> None:
    freeze(backend)
    before = backend.raw()
    with raises_saying(NotAllowed, "lý do"):
        unfreeze(backend, reason)
    assert backend.raw() == before
    assert evaluation(backend).freeze.frozen


def test_unfreezing_is_recorded_and_saving_works_again(backend: Backend) -> None:
    frozen_with = freeze(backend, time="12/03/2020 17:30:00")
    backend.edit_agreed("1.1", "49", 6)  # a difference while frozen…
    assert evaluation(backend).frozen_differences
    reason = "Sửa sai sót tiêu chí 1.1 của Quảng Nam"
    done = unfreeze(backend, reason, user="Phó Chủ tịch")

    now = evaluation(backend)
    assert not now.freeze.frozen
    assert now.frozen_differences == ()  # …is no longer shown once unfrozen
    assert [e.action for e in now.freeze.events] == [FROZE, UNFROZE]
    last = now.freeze.last
    assert last is not None and (last.user, last.action, last.reason) == ("Phó Chủ tịch", "mở chốt", reason)
    assert STAMP.fullmatch(last.time) and last.fingerprint == done == fingerprint(now.sheet) != frozen_with
    assert now.freeze.events[0].fingerprint == frozen_with  # the record is append-only
    assert tab(backend.raw(), "Chot")[1][:4] == ["12/03/2020 17:30:00", ADMIN, "chốt", frozen_with]

    save(backend.source, ChangeSet("Thư ký Cụm", Role.SECRETARY,
                                   (Adjustment("1.1", "49", D("6"), D("7.5"), "Theo Cục Thống kê"),)), MEMBERS,
         freeze_key=KEY)
    assert backend.sheet().agreed[("1.1", "49")] == D("7.5")  # type: ignore[index]


def test_freezing_twice_or_unfreezing_what_is_not_frozen_is_refused(backend: Backend) -> None:
    with raises_saying(NotAllowed, "chưa được chốt"):
        unfreeze(backend, "không có gì để mở")
    assert "Chot" not in backend.raw()
    freeze(backend)
    before = backend.raw()
    with raises_saying(NotAllowed, "đã được chốt"):
        freeze(backend)
    assert backend.raw() == before
    assert len(evaluation(backend).freeze.events) == 1


def test_freezing_again_after_changes_replaces_the_frozen_copy(backend: Backend) -> None:
    first = freeze(backend)
    # junk below and beside the frozen copy (a stray row, a note): the next freeze clears it
    backend.edit("ChotDiem", 40, 1, "9.9")
    backend.edit("ChotDiem", 40, 2, 5)
    backend.edit("ChotDiem", 3, 15, "ghi chú")
    assert ("9.9", "49") in parse_workbook(backend.raw(), MEMBERS).sheet.freeze.frozen_values
    unfreeze(backend, "Bổ sung minh chứng")
    save(backend.source, ChangeSet("Thư ký Cụm", Role.SECRETARY, (QN_11,)), MEMBERS, freeze_key=KEY)

    second = freeze(backend, user="Chủ tịch")

    assert second != first
    raw = backend.raw()
    now = evaluation(backend)
    assert now.freeze.frozen and now.frozen_differences == ()
    assert [(e.action, e.fingerprint) for e in now.freeze.events] == [
        (FROZE, first), (UNFROZE, now.freeze.events[1].fingerprint), (FROZE, second)]
    assert now.freeze.frozen_values == counted_values(now.sheet)  # every score that counts, agreed or not
    assert now.freeze.frozen_values[("1.1", ProvinceCode("49"))] == D("7.5")
    frozen = tab(raw, "ChotDiem")
    assert len(frozen) == 1 + len(now.sheet.criteria)  # the stray row 40 is gone
    assert max(len(row) for row in frozen) == 2 + len(MEMBERS)  # and so is the note in column O (Chữ ký is N)


def test_a_freeze_state_without_the_tabs_is_open(backend: Backend) -> None:
    state = parse_workbook(backend.raw(), MEMBERS).sheet.freeze
    assert not state.frozen and state.last is None and state.frozen_values == {}


def test_freeze_state_accepts_the_english_tab_names_and_headers() -> None:
    raw: RawWorkbook = {
        "Freeze": [["Time", "User", "Action", "Fingerprint", "Reason"],
                   ["12/03/2020 17:30:00", "Admin", "CHỐT", "ab" * 32, None]],
        "FrozenScores": [["Code", "49", 51], [1.1, 7.25, "7,5"], ["1.2", None, "#N/A"]],
    }
    state = parse_workbook(raw, MEMBERS).sheet.freeze
    assert state.frozen
    assert state.last == FreezeEvent("12/03/2020 17:30:00", "Admin", "CHỐT", "ab" * 32, "")
    assert state.frozen_values == {("1.1", "49"): D("7.25"), ("1.1", "51"): D("7.5")}
    assert dataclasses.replace(state, events=(*state.events, FreezeEvent("t", "u", "Mở chốt", "x"))).frozen is False


# -- signed freeze records: a row typed or copied into Chot is reported and not obeyed ---------------
def chot_rows(backend: Backend) -> list[list[object]]:
    return tab(backend.raw(), "Chot")


def append_chot(backend: Backend, row: list[object]) -> int:
    """An organiser types ``row`` below the last row of ``Chot``; returns its row number."""
    at = len(chot_rows(backend)) + 1
    for col, value in enumerate(row, start=1):
        backend.edit("Chot", at, col, value)
    return at


def test_every_row_the_app_writes_is_signed_and_verifies(backend: Backend) -> None:
    freeze(backend)
    unfreeze(backend, "Sửa lại")
    rows = chot_rows(backend)
    assert all(re.fullmatch(r"[0-9a-f]{64}", str(r[5])) for r in rows[1:]) and rows[1][5] != rows[2][5]
    now = evaluation(backend)
    assert [e.action for e in now.freeze.events] == [FROZE, UNFROZE]
    assert now.freeze.ignored == () and not [p for p in now.problems if p.code == "freeze.unsigned"]


def test_a_typed_freeze_row_is_reported_at_its_cell_and_ignored(backend: Backend) -> None:
    freeze(backend)
    unfreeze(backend, "Sửa lại")
    at = append_chot(backend, ["13/03/2020 08:00:00", ADMIN, "chốt", "ab" * 32, "", "00" * 32])
    now = evaluation(backend)
    assert not now.freeze.frozen and len(now.freeze.events) == 2
    assert [(r.cell, r.event.action) for r in now.freeze.ignored] == [(f"Chot!F{at}", "chốt")]
    unsigned = [p for p in now.problems if p.code == "freeze.unsigned"]
    assert [(p.cell, p.is_error) for p in unsigned] == [(f"Chot!F{at}", False)]
    assert "chữ ký" in describe(unsigned[0], "vi") and "signature" in describe(unsigned[0], "en")
    # saving goes on: the forged freeze is not obeyed
    save(backend.source, ChangeSet("Thư ký Cụm", Role.SECRETARY, (QN_11,)), MEMBERS, freeze_key=KEY)
    assert backend.sheet().agreed[("1.1", "49")] == D("7.5")  # type: ignore[index]


def test_a_typed_unfreeze_row_does_not_open_saving(backend: Backend) -> None:
    freeze(backend)
    at = append_chot(backend, ["13/03/2020 08:00:00", "Đại biểu", "mở chốt", "cd" * 32, "muốn sửa"])
    now = evaluation(backend)
    assert now.freeze.frozen and [r.cell for r in now.freeze.ignored] == [f"Chot!F{at}"]
    with raises_saying(NotAllowed, "chốt"):
        save(backend.source, ChangeSet("Thư ký Cụm", Role.SECRETARY, (QN_11,)), MEMBERS, freeze_key=KEY)


def test_a_signed_freeze_row_copied_below_a_later_unfreeze_is_not_obeyed(backend: Backend) -> None:
    freeze(backend)
    unfreeze(backend, "Sửa lại")
    first = chot_rows(backend)[1]
    at = append_chot(backend, first)  # a replay: the signature is over the row before it, too
    now = evaluation(backend)
    assert not now.freeze.frozen and [r.cell for r in now.freeze.ignored] == [f"Chot!F{at}"]


def test_rows_signed_with_another_key_refuse_every_write_and_never_unfreeze(backend: Backend) -> None:
    """A changed or lost key (another host, a wiped cache) used to read a signed freeze as no freeze."""
    set_frozen(backend.source, MEMBERS, ADMIN, Role.ADMIN, True, freeze_key=b"another-server-secret-xyz")
    now = evaluation(backend)
    assert not now.freeze.frozen and [r.cell for r in now.freeze.ignored] == ["Chot!F2"]
    assert now.freeze.key_mismatch and now.freeze.blocks_writes and now.freeze.unverified == ("Chot!F2",)
    assert [p.cell for p in now.problems if p.code == "freeze.key_mismatch" and p.is_error] == ["Chot!F2"]
    before = backend.raw()
    for attempt in (lambda: freeze(backend), lambda: unfreeze(backend, "khóa mới"),
                    lambda: save(backend.source, ChangeSet("Thư ký Cụm", Role.SECRETARY, (QN_11,)), MEMBERS,
                                 freeze_key=KEY)):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.code == "freeze.key_refused" and dict(refused.value.params)["cells"] == "Chot!F2"
        words = explain(refused.value, "vi")
        assert "khóa máy chủ khác với khóa đã ký bản chốt" in words and "records_secret" in words
        assert "freeze.secret" in words
    assert backend.raw() == before  # nothing written
    # the signing key back: obeyed again
    back = evaluation(backend, b"another-server-secret-xyz")
    assert back.freeze.frozen and not back.freeze.key_mismatch


def test_a_chot_tab_from_before_signatures_is_reported_and_the_next_freeze_adds_the_column(backend: Backend) -> None:
    old = [["Thời gian", "Người thực hiện", "Hành động", "Dấu vân tay", "Lý do"],
           ["12/03/2020 17:30:00", ADMIN, "chốt", "ab" * 32, ""]]
    backend.source.write(WriteBatch(cells={("Chot", r, c): v for r, row in enumerate(old, start=1)
                                           for c, v in enumerate(row, start=1)}, new_tabs=("Chot",)))
    now = evaluation(backend)
    assert not now.freeze.frozen and [r.cell for r in now.freeze.ignored] == ["Chot!F2"]
    freeze(backend)
    rows = chot_rows(backend)
    assert rows[0] == [*old[0], "Chữ ký"] and rows[1] == old[1][:4]
    assert evaluation(backend).freeze.frozen and len(evaluation(backend).freeze.events) == 1


def test_without_a_key_signatures_are_not_checked() -> None:
    raw: RawWorkbook = {"Chot": [["Thời gian", "Người thực hiện", "Hành động"], ["t", "u", "chốt"]]}
    assert parse_workbook(raw, MEMBERS).sheet.freeze.frozen
    checked = parse_workbook(raw, MEMBERS, KEY)
    assert not checked.sheet.freeze.frozen
    assert [p.cell for p in checked.problems if p.code == "freeze.unsigned"] == ["Chot!F2"]  # where it belongs


# -- the server's secret -------------------------------------------------------------------
def test_the_generated_secret_is_made_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    from lib.edge.secret import SECRET_FILE, freeze_key

    none = tmp_path / "no-secrets.toml"
    first = freeze_key(none, tmp_path / "cache")
    path = tmp_path / "cache" / SECRET_FILE
    assert len(first) == 64 and (path.stat().st_mode & 0o777) == 0o600
    assert freeze_key(none, tmp_path / "cache") == first != freeze_key(none, tmp_path / "other")


def test_the_configured_secret_wins_and_a_short_one_is_refused(tmp_path: Path) -> None:
    from lib.core.errors import ConfigError
    from lib.edge.secret import freeze_key

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nfreeze_secret = "a-long-enough-server-secret"\n', encoding="utf-8")
    assert freeze_key(secrets, tmp_path / "cache") == b"a-long-enough-server-secret"
    assert not (tmp_path / "cache").exists()
    secrets.write_text('[auth]\nfreeze_secret = "short"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="freeze_secret"):
        freeze_key(secrets, tmp_path / "cache")
