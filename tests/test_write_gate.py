"""One write gate (issue 19): every write obeys only signed freeze rows, checked with the server's records key.

A typed "mở chốt" row opens nothing for any writer (meeting save, ``adjust``, ``import``); a key
that verifies none of the signed rows (a CLI on another host, a wiped cache) refuses every write
with words saying which key and where it lives, never an unfreeze; a frozen copy edited together
with the agreed scores after a freeze shows the freeze as broken, naming the cells.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lib.core.config import load_config
from lib.core.errors import NotAllowed
from lib.core.evaluation import evaluate
from lib.core.forms import form_changes, read_form
from lib.core.grammar import column_letter
from lib.core.model import Adjustment, ChangeSet, Role
from lib.core.parse import parse_workbook
from lib.edge.forms import form_key, read_form_file
from lib.edge.freeze_memory import source_id
from lib.edge.secret import read_key
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import import_self_scores, save, set_frozen
from lib.present.catalogue import explain
from lib.present.standings_json import live_document
from tests.test_forms import cli, fill, generate
from tests.test_pages import ROOT, make_config

KEY = b"tests-gate-records-key-0123456789"


def bound(workbook: Path, raw: dict) -> bytes | None:
    """The key the server checks ``workbook`` with: its own, derived from ``KEY``."""
    return read_key(raw, source_id(XlsxSource(workbook)), KEY)
ADMIN = "Quản trị"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(workbook copy, config reading it), with this test's own cache and no secrets file."""
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("THIDUA_SECRETS", str(tmp_path / "no-secrets.toml"))
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    return workbook, make_config(tmp_path, workbook)


def _type_unfreeze(workbook: Path) -> None:
    """Someone types a "mở chốt" row under the signed freeze, straight into the sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(workbook)
    ws = wb["Chot"]
    ws.append(["13/03/2020 08:00:00", ADMIN, "mở chốt", "", "gõ tay", ""])
    wb.save(workbook)


def test_import_with_a_typed_unfreeze_row_is_refused_like_every_score_write(tmp_path, demo):
    workbook, config = demo
    members = load_config(config).provinces
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    set_frozen(XlsxSource(workbook), members, ADMIN, Role.ADMIN, True, freeze_key=KEY)
    _type_unfreeze(workbook)
    before = XlsxSource(workbook).read()
    assert parse_workbook(before, members).sheet.freeze.frozen is False  # unchecked, the typed row would open it
    cfg = load_config(config)
    sheet = parse_workbook(before, members, bound(workbook, before)).sheet
    reading = read_form(read_form_file(form), cfg.name, cfg.year, cfg.provinces, sheet.criteria, form_key(), form.name)
    with pytest.raises(NotAllowed) as refused:
        import_self_scores(XlsxSource(workbook), reading, members, "Thư ký", Role.SECRETARY,
                           form_changes(reading, sheet), freeze_key=KEY)
    assert refused.value.code == "frozen.cannot_edit"
    change = ChangeSet("Thư ký", Role.SECRETARY, (Adjustment("1.1", "49", sheet.agreed.get(("1.1", "49")),
                                                             None, "thử"),))
    with pytest.raises(NotAllowed):
        save(XlsxSource(workbook), change, members, freeze_key=KEY)
    assert XlsxSource(workbook).read() == before


def test_the_import_command_obeys_only_the_signed_freeze(tmp_path, demo):
    workbook, config = demo
    members = load_config(config).provinces
    form = generate(tmp_path, config) / "62-Kon-Tum.xlsx"
    fill(form, {"1.5": {"self": 4}})
    set_frozen(XlsxSource(workbook), members, ADMIN, Role.ADMIN, True)  # this host's generated key
    _type_unfreeze(workbook)
    before = XlsxSource(workbook).read()
    code, _ = cli("import", str(form), str(workbook), "--config", str(config), "--user", "Thư ký")
    assert code != 0 and XlsxSource(workbook).read() == before


def test_a_wiped_cache_key_refuses_writes_rather_than_unfreezing(tmp_path, demo, capsys):
    workbook, config = demo
    members = load_config(config).provinces
    set_frozen(XlsxSource(workbook), members, ADMIN, Role.ADMIN, True)  # signed with the generated cache key
    raw = XlsxSource(workbook).read()
    assert evaluate(raw, load_config(config), read_key(raw, source_id(XlsxSource(workbook)))).freeze.frozen
    shutil.rmtree(tmp_path / "cache")  # the cache is wiped: a new key is generated on the next use
    raw = XlsxSource(workbook).read()
    state = evaluate(raw, load_config(config), read_key(raw, source_id(XlsxSource(workbook)))).freeze
    assert not state.frozen and state.key_mismatch and state.blocks_writes
    sheet = parse_workbook(raw, members).sheet
    change = ChangeSet("Thư ký", Role.SECRETARY, (Adjustment("1.1", "49", sheet.agreed.get(("1.1", "49")),
                                                             None, "thử"),))
    with pytest.raises(NotAllowed) as refused:
        save(XlsxSource(workbook), change, members)
    words = explain(refused.value, "vi")
    assert "khóa máy chủ khác với khóa đã ký bản chốt" in words and str(tmp_path / "cache") in words
    with pytest.raises(NotAllowed, match="key_refused"):
        set_frozen(XlsxSource(workbook), members, ADMIN, Role.ADMIN, False, "khóa mất")  # never an unfreeze
    # the adjust command on "another host" says the same and writes nothing
    code, _ = cli("adjust", "1.1:49=5", "--config", str(config), "--user", "Thư ký", "--reason", "thử")
    assert code != 0 and "khóa máy chủ khác với khóa đã ký bản chốt" in capsys.readouterr().err
    assert XlsxSource(workbook).read() == raw


def test_the_same_edit_in_the_agreed_scores_and_the_frozen_copy_breaks_the_freeze_naming_the_cells(demo):
    import openpyxl

    workbook, config = demo
    cfg = load_config(config)
    set_frozen(XlsxSource(workbook), cfg.provinces, ADMIN, Role.ADMIN, True, freeze_key=KEY)
    raw = XlsxSource(workbook).read()
    sheet = parse_workbook(raw, cfg.provinces, bound(workbook, raw)).sheet
    place, frozen_cell = sheet.agreed_places[("1.1", "49")], sheet.freeze.frozen_places[("1.1", "49")]
    lower = float(sheet.agreed[("1.1", "49")]) - 1  # within the criterion's points
    wb = openpyxl.load_workbook(workbook)
    wb[place.tab].cell(place.row, place.col).value = lower
    copy_tab, copy_ref = frozen_cell.split("!")
    wb[copy_tab][copy_ref].value = lower
    wb.save(workbook)
    raw = XlsxSource(workbook).read()
    evaluation = evaluate(raw, cfg, bound(workbook, raw))
    state = evaluation.freeze
    assert state.frozen and state.broken and not evaluation.frozen_differences  # the copy agrees with the edit
    assert [(b.kind, b.criterion) for b in state.breaks] == [("copy", "1.1")]
    row = frozen_cell.split("!")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    whole = f"ChotDiem!A{row}:{column_letter(2 + len(cfg.provinces))}{row}"  # the code, the values, the signature
    assert state.breaks[0].cells == (whole,)
    assert [p.cell for p in evaluation.problems if p.code == "freeze.broken" and p.is_error] == [whole]
    document = live_document(evaluation, cluster="c", year=2019, version=1, fetched_at=__import__("datetime").datetime(
        2020, 1, 1), stale=False)
    assert document["frozen"] is True and document["freeze_broken"] is True
    assert document["freeze_broken_cells"] == [whole]


def test_an_agreed_score_typed_after_a_freeze_breaks_it_at_both_cells(demo):
    import openpyxl

    workbook, config = demo
    cfg = load_config(config)
    set_frozen(XlsxSource(workbook), cfg.provinces, ADMIN, Role.ADMIN, True, freeze_key=KEY)
    raw = XlsxSource(workbook).read()
    sheet = parse_workbook(raw, cfg.provinces, bound(workbook, raw)).sheet
    place, frozen_cell = sheet.agreed_places[("1.1", "49")], sheet.freeze.frozen_places[("1.1", "49")]
    wb = openpyxl.load_workbook(workbook)
    wb[place.tab].cell(place.row, place.col).value = float(sheet.agreed[("1.1", "49")]) - 1
    wb.save(workbook)
    raw = XlsxSource(workbook).read()
    state = evaluate(raw, cfg, bound(workbook, raw)).freeze
    assert state.broken and [(b.kind, b.cells) for b in state.breaks] == [
        ("agreed", (f"{place.tab}!{chr(64 + place.col)}{place.row}", frozen_cell))]
