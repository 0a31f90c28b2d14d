"""``init-sheet --from NEW.xlsx``: next year's workbook (as ``new-year`` writes it) into an empty Google Sheet.

Against the local Sheets server (``tests.fake_sheets``): the tabs arrive through the store's gate
(``lib.edge.store.write_template``), next year's criteria with them, and ``check`` on the sheet then
reports only missing scores; a sheet with data is refused and left as it was; a workbook with an
error is refused before anything is written.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl

from lib.core.config import load_config
from lib.edge.sources.xlsx import XlsxSource
from tests.test_gsheet_source import demo, run_cli
from tests.test_gsheet_source import secrets as secrets_fixture
from tests.test_gsheet_source import server as server_fixture
from tests.test_year import DEMO, write_config

server, secrets = server_fixture, secrets_fixture  # the local Sheets server and the secrets pointing at it


def next_year(tmp_path: Path) -> tuple[Path, Path]:
    """``new-year`` on a demo copy: next year's TOML and workbook."""
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, workbook)
    out = tmp_path / "2020"
    code, said = run_cli("new-year", str(out), "--config", str(write_config(tmp_path, workbook)))
    assert code == 0, said
    return out / "tn-dhmt-2020.toml", out / "thi-dua-2020.xlsx"


def on_sheet(toml: Path, key: str) -> Path:
    """Next year's TOML reading the Google Sheet ``key`` instead of the .xlsx."""
    text = toml.read_text(encoding="utf-8")
    text, count = re.subn(r'kind = "xlsx"\npath = "[^"]*"', f'kind = "gsheet"\nkey = "{key}"', text)
    assert count == 1, text
    toml.write_text(text, encoding="utf-8")
    return toml


def test_init_sheet_from_next_years_workbook_then_check(server, secrets, tmp_path, capsys):
    toml, book = next_year(tmp_path)
    key = server.create_spreadsheet("Thi đua 2020")
    secrets(key)
    on_sheet(toml, key)
    code, said = run_cli("init-sheet", "--config", str(toml), "--from", str(book))
    assert code == 0, capsys.readouterr().err
    written = XlsxSource(book).read()
    assert set(written) <= set(server.tabs(key)) and "Đã ghi" in said
    assert {tab: server.values(key, tab) for tab in written} == {tab: rows for tab, rows in written.items()}
    assert {"Chot", "ChotDiem"} <= set(server.tabs(key))  # the record tabs, protected from the start
    code, checked = run_cli("check", "--config", str(toml), "--json")
    assert code == 0, capsys.readouterr().err
    document = json.loads(checked)
    assert document["problems"] and {p["severity"] for p in document["problems"]} == {"warning"}
    assert document["config_blanks"]  # the meeting dates new-year left to fill
    following = load_config(toml)
    assert following.year == 2020


def test_init_sheet_from_refuses_a_sheet_with_data(server, secrets, tmp_path, capsys):
    toml, book = next_year(tmp_path)
    key = server.create_spreadsheet("Thi đua 2019", demo())
    secrets(key)
    before = {tab: server.values(key, tab) for tab in server.tabs(key)}
    code, _ = run_cli("init-sheet", "--config", str(on_sheet(toml, key)), "--from", str(book))
    assert code == 1 and "không trống" in capsys.readouterr().err
    assert server.count("values:batchUpdate") == server.count("batchUpdate") == 0
    assert {tab: server.values(key, tab) for tab in server.tabs(key)} == before


def test_init_sheet_from_a_workbook_with_errors_writes_nothing(server, secrets, tmp_path, capsys):
    toml, book = next_year(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["TieuChi"].cell(5, 4).value = "mười"  # a maximum that is not a number
    wb.save(book)
    key = server.create_spreadsheet("Thi đua 2020")
    secrets(key)
    code, _ = run_cli("init-sheet", "--config", str(on_sheet(toml, key)), "--from", str(book))
    err = capsys.readouterr().err
    assert code == 1 and "Từ chối" in err and "TieuChi!D5" in err, err
    assert server.count("values:batchUpdate") == server.count("batchUpdate") == 0


def test_init_sheet_from_with_xlsx_is_refused(tmp_path, capsys):
    toml, book = next_year(tmp_path)
    code, _ = run_cli("init-sheet", "--config", str(toml), "--from", str(book), "--xlsx", str(tmp_path / "x.xlsx"))
    assert code == 2 and "--from" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()
