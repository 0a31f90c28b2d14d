"""The Google Sheet source against the local Sheets API server: the real gspread + google-auth path.

Every test builds the source the way the app and the command line do (``source_from_settings``
with ``api_endpoint`` pointing at ``tests/fake_sheets``), so requests, tokens, retries and
error answers go through the real client code; nothing here touches the internet.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lib import cli
from lib.core.config import ClusterConfig, load_config
from lib.core.errors import QuotaExceeded, Unavailable
from lib.core.evaluation import Evaluation, evaluate
from lib.core.model import RawWorkbook
from lib.edge.reader import SharedReader
from lib.edge.sources import WriteBatch
from lib.edge.sources.gsheet import GoogleSheetSource, RetryPolicy
from lib.edge.sources.gsheet_settings import authorized_session, credentials_from_info, source_from_settings
from lib.edge.sources.xlsx import XlsxSource
from lib.present.catalogue import describe
from tests.fake_sheets import FakeSheetsServer, serve, service_account_info
from tests.fake_sheets.client import EMAIL, secrets_toml, sheet_settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"
FAST = RetryPolicy(attempts=3, first_wait=0.01, max_wait=0.05, max_seconds=10)
TIMEOUT = (2.0, 5.0)


@functools.cache
def _demo() -> RawWorkbook:
    return XlsxSource(ROOT / "config" / "demo.xlsx").read()


def demo() -> RawWorkbook:
    """The shipped demo workbook's content (a fresh copy)."""
    return copy.deepcopy(_demo())


def gsheet_config(tmp_path: Path, key: str, interval: int = 15) -> Path:
    """A copy of the shipped cluster config reading the Google Sheet ``key``."""
    text = CONFIG.read_text(encoding="utf-8")
    assert 'kind = "xlsx"\npath = "demo.xlsx"' in text and "interval_seconds = 15" in text
    text = text.replace('kind = "xlsx"\npath = "demo.xlsx"', f'kind = "gsheet"\nkey = "{key}"')
    text = text.replace("interval_seconds = 15", f"interval_seconds = {interval}")
    path = tmp_path / "cluster-gsheet.toml"
    path.write_text(text, encoding="utf-8")
    return path


def standings(evaluation: Evaluation) -> list[tuple[Any, ...]]:
    """What the screens show of each province: code, totals, rank, flags, award."""
    return [(s.code, s.self_total, s.agreed_total, s.provisional, s.rank, s.needs_vote, s.award)
            for s in evaluation.standings]


def problems(evaluation: Evaluation) -> list[tuple[str, str]]:
    return [(p.cell, describe(p)) for p in evaluation.problems]


def open_sheet(server: FakeSheetsServer, key: str, **extra: Any) -> GoogleSheetSource:
    """The source as ``source_from_settings`` builds it, with fast retries and short timeouts."""
    retry = extra.pop("retry", FAST)
    timeout = extra.pop("timeout", TIMEOUT)
    return source_from_settings(sheet_settings(server, key, **extra), retry=retry, timeout=timeout)


def sheet_with_clock(server: FakeSheetsServer, key: str, clock: Clock) -> GoogleSheetSource:
    """The same source built by hand, to give it a fake clock."""
    info = service_account_info(server)
    session = authorized_session(credentials_from_info(info), server.url)
    return GoogleSheetSource(key, session, service_account=info["client_email"], timeout=TIMEOUT, retry=FAST,
                             clock=clock)


def rename_tab(server: FakeSheetsServer, key: str, old: str, new: str) -> None:
    """An organiser renames a tab in Google Sheets."""
    with server.lock:
        sheet = server.spreadsheet(key).sheet(old)
        assert sheet is not None
        sheet.title = new


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    yield from serve()


@pytest.fixture
def config() -> ClusterConfig:
    return load_config(CONFIG)


@pytest.fixture
def demo_key(server: FakeSheetsServer) -> str:
    return server.create_spreadsheet("Thi đua cụm 2019 (minh họa)", demo())


# -- reads ------------------------------------------------------------------------------------
def test_the_seeded_demo_ranks_as_the_xlsx_does(server, demo_key, config):
    expected = evaluate(demo(), config)
    source = open_sheet(server, demo_key)
    for _ in range(3):
        got = evaluate(source.read(), config)
        assert standings(got) == standings(expected)
        assert problems(got) == problems(expected)
    assert [s.province.name for s in got.standings[:3]] == ["Quảng Ngãi", "Khánh Hòa", "Quảng Nam"]
    # two batched calls per read, every tab in each: the shown text first, then the stored values
    assert server.count("values:batchGet") == 3 * 2
    assert server.count("metadata") == 1  # tab titles (and the locale) fetched once
    assert server.count("values:get") == 0
    assert server.count("token") == 1
    calls = server.requests("values:batchGet")
    assert [r.query["valueRenderOption"] for r in calls] == [["FORMATTED_VALUE"], ["UNFORMATTED_VALUE"]] * 3
    for request in calls:
        assert request.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
        assert sorted(request.query["ranges"]) == sorted(f"'{t}'" for t in demo())
    assert source.title == "Thi đua cụm 2019 (minh họa)"
    assert demo_key in source.label


def test_numbers_arrive_as_numbers_and_comma_text_stays_text_for_the_core(server, config):
    book = demo()
    book["TuCham"][3][1] = "7,75"  # Quảng Nam, 1.1 (max 8): typed as text
    book["TuCham"][3][2] = 7.25
    key = server.create_spreadsheet("Thi đua", book)
    server.set_cell(key, "TuCham", 5, 2, "5.25")  # typed in an en_US sheet: becomes a number
    server.set_cell(key, "TuCham", 6, 2, "9,5 đ")  # not a number for Google: stays text
    raw = open_sheet(server, key).read()
    assert raw["TuCham"][3][1:3] == ["7,75", 7.25]
    assert raw["TuCham"][4][1] == 5.25 and isinstance(raw["TuCham"][4][1], float)
    assert raw["TuCham"][5][1] == "9,5 đ"
    assert raw["TieuChi"][3][3] == 8 and isinstance(raw["TieuChi"][3][3], int | float)
    expected = copy.deepcopy(book)
    expected["TuCham"][4][1], expected["TuCham"][5][1] = 5.25, "9,5 đ"
    evaluation = evaluate(raw, config)
    assert standings(evaluation) == standings(evaluate(expected, config))
    # read as numbers, no cell problem (1.1 and 1.2 are computed: a claim that differs is only that warning)
    assert not [p for p in evaluation.problems
                if p.cell in ("TuCham!B4", "TuCham!B5") and p.code != "quant.self_differs"]


def test_a_comma_decimal_counts_like_the_number(server, config):
    book = demo()
    old = book["TuCham"][3][1]
    book["TuCham"][3][1] = "7,5"
    key = server.create_spreadsheet("Thi đua", book)
    evaluation = evaluate(open_sheet(server, key).read(), config)
    baseline = evaluate(demo(), config).standing("49")
    assert evaluation.standing("49").self_total - baseline.self_total == Decimal("7.5") - Decimal(str(old))


# -- setup mistakes -----------------------------------------------------------------------------
def test_a_sheet_not_shared_names_the_service_account(server, demo_key):
    server.set_private(demo_key)
    with pytest.raises(Unavailable) as err:
        open_sheet(server, demo_key).read()
    assert EMAIL in str(err.value) and "chia sẻ" in str(err.value).lower()
    assert server.count("metadata") == 1  # a 403 is not retried


def test_a_wrong_key_names_the_key(server, demo_key):
    with pytest.raises(Unavailable) as err:
        open_sheet(server, "1NoSuchSheet_x").read()
    assert "1NoSuchSheet_x" in str(err.value)
    url_key = open_sheet(server, f"https://docs.google.com/spreadsheets/d/{demo_key}/edit#gid=0")
    assert url_key.key == demo_key and url_key.read()


def test_a_tab_missing_from_the_start_is_reported_by_the_core(server, config):
    book = demo()
    del book["TuCham"]
    key = server.create_spreadsheet("Thi đua", book)
    evaluation = evaluate(open_sheet(server, key).read(), config)
    assert any("thiếu trang tính TuCham" in describe(p) for p in evaluation.errors)


def test_a_renamed_tab_is_a_clear_error_and_the_metadata_is_fetched_again(server, demo_key, config):
    clock = Clock()
    source = sheet_with_clock(server, demo_key, clock)
    good = standings(evaluate(source.read(), config))
    rename_tab(server, demo_key, "TuCham", "TuCham (bản cũ)")
    with pytest.raises(Unavailable) as err:
        source.read()
    assert "TuCham" in str(err.value) and "đổi tên" in str(err.value)
    assert server.count("metadata") == 1
    evaluation = evaluate(source.read(), config)  # metadata read again: the tab is reported missing
    assert server.count("metadata") == 2
    assert any("thiếu trang tính TuCham" in describe(p) for p in evaluation.errors)
    source.read()
    assert server.count("metadata") == 2  # not on every read
    rename_tab(server, demo_key, "TuCham (bản cũ)", "TuCham")
    clock.now += 31  # while a contract tab is missing, the titles are checked again now and then
    assert standings(evaluate(source.read(), config)) == good
    assert server.count("metadata") == 3
    clock.now += 1000
    source.read()
    assert server.count("metadata") == 3  # complete again: cached for good


def test_an_optional_tab_missing_does_not_cost_a_metadata_read_each_time(server, config):
    book = demo()
    del book["MinhChung"]
    key = server.create_spreadsheet("Thi đua", book)
    clock = Clock()
    source = sheet_with_clock(server, key, clock)
    for _ in range(5):
        source.read()
        clock.now += 5
    assert server.count("metadata") == 1
    clock.now += 30
    source.read()
    assert (server.count("metadata"), server.count("values:batchGet")) == (2, 6 * 2)


def test_the_api_not_enabled_says_to_enable_it(server, demo_key):
    server.set_api_disabled()
    with pytest.raises(Unavailable) as err:
        open_sheet(server, demo_key).read()
    assert "Google Sheets API" in str(err.value) and "bật" in str(err.value)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"private_key": ""}, ["private_key"]),
        ({"private_key": "-----BEGIN PRIVATE KEY-----\nxxxx\n-----END PRIVATE KEY-----\n"}, ["private_key"]),
        ({"private_key": "not a key at all"}, ["private_key"]),
        ({"client_email": ""}, ["client_email"]),
        ({"type": "authorized_user"}, ["service_account"]),
    ],
)
def test_a_bad_key_file_is_named(server, demo_key, change, words):
    settings = {**sheet_settings(server, demo_key), **change}
    with pytest.raises(Unavailable) as err:
        source_from_settings(settings, retry=FAST)
    assert all(w in str(err.value) for w in words), err.value
    assert "BEGIN PRIVATE KEY" not in str(err.value)  # never show key material
    assert server.count() == 0


def test_a_private_key_pasted_with_literal_backslash_n_still_works(server, demo_key):
    settings = sheet_settings(server, demo_key)
    settings["private_key"] = settings["private_key"].replace("\n", "\\n")  # a TOML '...' literal string
    assert source_from_settings(settings, retry=FAST).read()["TuCham"]


def test_a_missing_spreadsheet_setting_is_named(server):
    settings = sheet_settings(server, "")
    with pytest.raises(Unavailable, match="spreadsheet"):
        source_from_settings(settings)


def test_no_service_account_at_all_says_the_section_is_missing():
    with pytest.raises(Unavailable, match=r"connections\.gsheets"):
        source_from_settings({"spreadsheet": "1abc"})


def test_a_token_endpoint_refusing_the_key_is_a_message():
    with FakeSheetsServer(accept_unknown_accounts=False) as server:
        key = server.create_spreadsheet("Thi đua", demo())
        stranger = "stranger@other-project.iam.gserviceaccount.com"
        settings = {**sheet_settings(server, key), **service_account_info(server, email=stranger, register=False)}
        source = source_from_settings(settings, retry=FAST, timeout=TIMEOUT)
        with pytest.raises(Unavailable) as err:
            source.read()
        assert stranger in str(err.value) and "invalid_grant" in str(err.value)
        assert server.count("token", status=400) == 1  # a refusal is not retried
        assert server.count("metadata") == 0


def test_settings_tune_timeout_and_retries(server, demo_key):
    source = source_from_settings(sheet_settings(server, demo_key, timeout=[1, 2.5],
                                                 retry={"attempts": 2, "first_wait": 0.01}))
    assert source._client.http_client.timeout == (1.0, 2.5)
    server.fail(503, times=None, match="metadata")
    with pytest.raises(Unavailable, match="503"):
        source.read()
    assert server.count("metadata") == 2
    with pytest.raises(Unavailable, match="retry"):
        source_from_settings(sheet_settings(server, demo_key, retry={"tries": 2}))
    with pytest.raises(Unavailable, match="timeout"):
        source_from_settings(sheet_settings(server, demo_key, timeout="soon"))


# -- transient failures ----------------------------------------------------------------------------
def test_a_short_429_burst_is_retried(server, demo_key, config):
    source = open_sheet(server, demo_key)
    server.fail(429, times=2, match="values:batchGet")
    assert standings(evaluate(source.read(), config)) == standings(evaluate(demo(), config))
    assert server.count("values:batchGet") == 3 + 1  # the shown read retried, then the stored one
    assert server.count("values:batchGet", status=429) == 2


def test_a_persistent_429_gives_up_in_bounded_attempts_and_time(server, demo_key):
    source = open_sheet(server, demo_key)
    source.read()
    server.fail(429, times=None)
    started = time.monotonic()
    with pytest.raises(QuotaExceeded, match="hạn mức"):
        source.read()
    assert time.monotonic() - started < FAST.max_seconds  # the policy's own bound, not a guess at the machine
    assert server.count("values:batchGet") == 2 + 3


def test_a_503_is_retried(server, demo_key):
    source = open_sheet(server, demo_key)
    server.fail(503, times=1)  # hits the metadata call
    server.fail(500, times=1, match="values:batchGet")
    assert source.read()["TuCham"]
    assert (server.count("metadata"), server.count("values:batchGet")) == (2, 2 + 1)


def test_a_slow_answer_times_out_in_bounded_time(server, demo_key):
    source = open_sheet(server, demo_key, timeout=(1.0, 0.3))
    source.read()
    server.slow(3, match="values:batchGet")
    started = time.monotonic()
    with pytest.raises(Unavailable, match="quá thời gian chờ"):
        source.read()
    assert time.monotonic() - started < 3 * 3  # not waiting out the three slow answers, however busy the machine
    assert server.count("values:batchGet") == 2 + 3


def test_dropped_connections_are_retried_then_reported(server, demo_key):
    source = open_sheet(server, demo_key)
    server.drop(times=2, match="values:batchGet")
    assert source.read()["TuCham"]
    assert server.count("values:batchGet") == 3 + 1
    server.drop(times=None)
    with pytest.raises(Unavailable, match="mất kết nối"):
        source.read()
    assert server.count("values:batchGet") == 4 + 3


def test_an_outage_is_unavailable_and_the_source_works_again_after(server, demo_key):
    source = open_sheet(server, demo_key)
    source.read()
    server.stop()
    with pytest.raises(Unavailable, match="mất kết nối"):
        source.read()
    server.start()
    assert source.read()["TuCham"]
    assert server.count("metadata") == 1  # an outage does not throw away the cached tab titles


# -- writes -------------------------------------------------------------------------------------
def test_writes_are_raw_and_log_rows_go_under_the_last_row(server, demo_key):
    source = open_sheet(server, demo_key)
    log_before = server.values(demo_key, "NhatKy")
    rows = [["13/03/2020 08:05", "Thư ký", "Quảng Nam", "1.1", 7.25, 7.5, "thống nhất"],
            ["13/03/2020 08:06", "Thư ký", "Gia Lai", "1.2", "5,5 đ", "=1+1", "ô công thức"]]
    source.write(WriteBatch(cells={("ThongNhat", 4, 2): "=1+1", ("ThongNhat", 5, 2): "9,5",
                                   ("ThongNhat", 6, 2): 7.25, ("ThongNhat", 7, 2): None},
                            appends={"NhatKy": rows}))
    formulas = server.values(demo_key, "ThongNhat", render="FORMULA")
    values = server.values(demo_key, "ThongNhat")
    assert formulas[3][1] == "=1+1" and values[3][1] == "=1+1"  # text, not a formula worth 2
    assert values[4][1] == "9,5" and values[5][1] == 7.25 and values[6][1] == ""
    log = server.values(demo_key, "NhatKy")
    assert log[: len(log_before)] == log_before
    assert log[len(log_before):] == rows
    assert server.count("values:batchUpdate") == 1 and server.count("values:append") == 1
    (append,) = server.requests("values:append")
    assert append.query["valueInputOption"] == ["RAW"] and append.query["insertDataOption"] == ["INSERT_ROWS"]
    (update,) = server.requests("values:batchUpdate")
    assert update.body["valueInputOption"] == "RAW"


def test_writes_find_the_tab_as_the_sheet_spells_it(server):
    book = demo()
    book["Thống nhất"] = book.pop("ThongNhat")
    key = server.create_spreadsheet("Thi đua", book)
    source = open_sheet(server, key)
    source.read()
    source.write(WriteBatch(cells={("ThongNhat", 4, 2): 6.5}))
    assert server.values(key, "Thống nhất")[3][1] == 6.5


def test_write_workbook_fills_tabs_the_sheet_already_has_under_another_spelling(server):
    key = server.create_spreadsheet("Bảng mới", {"Sheet1": [], "Tự chấm": []})
    source = open_sheet(server, key)
    assert source.read_all() == {"Sheet1": [], "Tự chấm": []}
    source.write_workbook({"TuCham": [["Mã", "Quảng Nam"], ["1.1", 7]], "NhatKy": [["Thời gian"]]})
    assert server.tabs(key) == ["Sheet1", "Tự chấm", "NhatKy"]
    assert server.values(key, "Tự chấm") == [["Mã", "Quảng Nam"], ["1.1", 7]]
    assert source.read_all()["NhatKy"] == [["Thời gian"]]


def test_write_creates_new_tabs_once_even_if_another_server_made_them(server, demo_key):
    source = open_sheet(server, demo_key)
    source.read()
    header = ["Thời gian", "Người thực hiện", "Hành động", "Dấu vân tay", "Lý do"]
    event = ["13/03/2020 11:00", "Thư ký", "chốt", "ab12", "hết hội nghị trù bị"]
    source.write(WriteBatch(cells={("Chot", 1, i + 1): h for i, h in enumerate(header)},
                            appends={"Chot": [event]}, new_tabs=("Chot",)))
    assert server.values(demo_key, "Chot") == [header, event]
    assert server.count("batchUpdate") == 1
    source.write(WriteBatch(appends={"Chot": [event]}, new_tabs=("Chot",)))  # exists: not added again
    assert server.count("batchUpdate") == 1
    server.add_tab(demo_key, "ChotDiem")  # made meanwhile by another server process
    source.write(WriteBatch(cells={("ChotDiem", 1, 1): "Mã"}, new_tabs=("ChotDiem",)))
    assert server.count("batchUpdate") == 1 and server.values(demo_key, "ChotDiem") == [["Mã"]]


def test_an_append_is_retried_on_429_but_not_after_a_lost_answer(server, demo_key):
    source = open_sheet(server, demo_key)
    rows = [["13/03/2020 08:05", "Thư ký", "Quảng Nam", "1.1", 7.25, 7.5, "thống nhất"]]
    server.fail(429, times=1, match="values:append")
    source.write(WriteBatch(appends={"NhatKy": rows}))
    assert server.count("values:append") == 2
    server.fail(503, times=1, match="values:append")  # Google may have applied it: do not write it twice
    with pytest.raises(Unavailable, match="503"):
        source.write(WriteBatch(appends={"NhatKy": rows}))
    assert server.count("values:append") == 3


# -- the command line ------------------------------------------------------------------------------
@pytest.fixture
def secrets(tmp_path, monkeypatch, server):
    """Point the command line's secrets file at the fake; returns a function setting the sheet key."""

    def write(key: str) -> Path:
        path = tmp_path / "secrets.toml"
        section = sheet_settings(server, key, retry={"attempts": 3, "first_wait": 0.01, "max_wait": 0.05})
        path.write_text(secrets_toml({"connections.gsheets": section}), encoding="utf-8")
        monkeypatch.setenv("THIDUA_SECRETS", str(path))
        return path

    return write


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(argv), out=out)
    return code, out.getvalue()


def test_init_sheet_writes_the_template_into_an_empty_sheet(server, secrets, tmp_path, config):
    key = server.create_spreadsheet("Bảng mới")
    secrets(key)
    cfg = gsheet_config(tmp_path, key)
    code, text = run_cli("init-sheet", "--config", str(cfg))
    assert code == 0, text
    assert {"TieuChi", "TuCham", "MinhChung", "ThongNhat", "NhatKy"} <= set(server.tabs(key))
    header = server.values(key, "TuCham")[2]
    assert header == ["Mã", *(p.name for p in config.provinces)]
    assert server.values(key, "NhatKy")[0][0] == "Thời gian"
    assert server.count("batchUpdate") == 1 and server.count("values:batchUpdate") == 1


def test_init_sheet_with_demo_then_check_prints_the_standings(server, secrets, tmp_path, config, capsys):
    key = server.create_spreadsheet("Bảng mới")
    secrets(key)
    cfg = gsheet_config(tmp_path, key)
    code, _ = run_cli("init-sheet", "--config", str(cfg), "--demo")
    assert code == 0, capsys.readouterr().err
    code, text = run_cli("check", "--config", str(cfg))
    assert code == 0, capsys.readouterr().err
    assert "Bảng xếp hạng" in text and "Quảng Ngãi" in text
    code, text = run_cli("check", "--config", str(cfg), "--json")
    assert code == 0
    assert json.loads(text) == cli.as_document(evaluate(demo(), config))


def test_init_sheet_refuses_a_sheet_that_is_not_empty(server, secrets, tmp_path, demo_key, capsys):
    secrets(demo_key)
    before = {tab: server.values(demo_key, tab) for tab in server.tabs(demo_key)}
    code, _ = run_cli("init-sheet", "--config", str(gsheet_config(tmp_path, demo_key)))
    assert code == 1
    assert "không trống" in capsys.readouterr().err
    assert server.count("values:batchUpdate") == server.count("batchUpdate") == server.count("values:append") == 0
    assert {tab: server.values(demo_key, tab) for tab in server.tabs(demo_key)} == before


def test_check_json_reads_the_sheet(server, secrets, tmp_path, demo_key, config):
    secrets(demo_key)
    code, text = run_cli("check", "--config", str(gsheet_config(tmp_path, demo_key)), "--json")
    assert code == 0
    document = json.loads(text)
    assert document == cli.as_document(evaluate(demo(), config))
    assert document["standings"][0]["code"] == "51"
    assert server.count("values:batchGet") == 2  # one read: shown text and stored values


def test_check_on_an_unshared_sheet_exits_2_naming_the_account(server, secrets, tmp_path, demo_key, capsys):
    secrets(demo_key)
    server.set_private(demo_key)
    code, _ = run_cli("check", "--config", str(gsheet_config(tmp_path, demo_key)))
    assert code == 2
    assert EMAIL in capsys.readouterr().err


# -- one read for the whole server -------------------------------------------------------------------
def shared(source: GoogleSheetSource, config: ClusterConfig, clock: Clock, cache: Path | None = None):
    return SharedReader(source, lambda raw: evaluate(raw, config), ttl=10, clock=clock, cache_file=cache,
                        max_backoff=20)


def test_a_stampede_after_expiry_makes_one_batch_get(server, demo_key, config):
    clock = Clock()
    reader = shared(open_sheet(server, demo_key), config, clock)
    first = reader.get()
    assert server.count("values:batchGet") == 2
    clock.now += 11
    server.slow(0.3, match="values:batchGet")
    barrier = threading.Barrier(50)
    seen: list[int] = []

    def viewer() -> None:
        barrier.wait()
        seen.append(len(reader.get().value.standings))

    threads = [threading.Thread(target=viewer) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [11] * 50
    assert server.count("values:batchGet") == 2 * 2
    assert reader.get().version == first.version  # same content, same version


def test_a_429_storm_shows_the_last_data_stale_and_recovers(server, demo_key, config):
    clock = Clock()
    reader = shared(open_sheet(server, demo_key), config, clock)
    good = reader.get()
    server.fail(429, times=None)
    for _ in range(3):
        clock.now += 25
        snap = reader.get()
        assert snap.stale and "hạn mức" in (snap.error or "")
        assert standings(snap.value) == standings(good.value) and snap.fetched_at == good.fetched_at
    server.clear_faults()
    server.set_cell(demo_key, "ThongNhat", 4, 2, 0)
    clock.now += 25
    snap = reader.get()
    assert not snap.stale and snap.version == good.version + 1
    assert snap.value.standing("49").agreed_total == good.value.standing("49").agreed_total - Decimal("7.25")


def test_an_outage_keeps_the_last_data_on_disk_and_recovers(server, demo_key, config, tmp_path):
    clock = Clock()
    cache = tmp_path / "last-good.json"
    reader = shared(open_sheet(server, demo_key), config, clock, cache)
    good = reader.get()
    after_restart = open_sheet(server, demo_key)  # the process that will start during the outage
    server.stop()
    clock.now += 11
    snap = reader.get()
    assert snap.stale and "mất kết nối" in (snap.error or "")
    assert standings(snap.value) == standings(good.value)
    restart_clock = Clock()
    restarted = shared(after_restart, config, restart_clock, cache)  # a restart during the outage
    snap = restarted.get()
    assert snap.stale and standings(snap.value) == standings(good.value)
    server.start()
    clock.now += 25
    restart_clock.now += 25
    assert not reader.get().stale
    assert not restarted.get().stale


def test_init_sheet_protects_the_log_and_freeze_tabs_for_the_service_account_only(server, secrets, tmp_path):
    key = server.create_spreadsheet("Bảng mới")
    secrets(key)
    code, text = run_cli("init-sheet", "--config", str(gsheet_config(tmp_path, key)), "--demo")
    assert code == 0, text
    assert server.count("batchUpdate") == 1  # tabs and protections in one batch
    (request,) = server.requests("batchUpdate")
    kinds = [next(iter(r)) for r in request.body["requests"]]
    assert kinds[-3:] == ["addProtectedRange"] * 3 and set(kinds[:-3]) == {"addSheet"}
    with server.lock:
        book = server.spreadsheet(key)
        protected = {s.title: s.protected_ranges for s in book.sheets if s.protected_ranges}
        ids = {s.title: s.sheet_id for s in book.sheets}
    assert set(protected) == {"NhatKy", "Chot", "ChotDiem"}
    for title, (rng,) in protected.items():
        assert rng["range"] == {"sheetId": ids[title]} and rng["editors"] == {"users": [EMAIL]}
        assert rng["warningOnly"] is False and rng["protectedRangeId"] > 0
    assert server.values(key, "Chot") == [["Thời gian", "Người thực hiện", "Hành động", "Dấu vân tay", "Lý do",
                                          "Chữ ký"]]
    # the app still writes them: a freeze through the store lands in the protected tabs
    from lib.core.model import Role
    from lib.edge.store import set_frozen

    source = source_from_settings(sheet_settings(server, key, retry={"attempts": 2, "first_wait": 0.01}))
    set_frozen(source, load_config(CONFIG).provinces, "Quản trị", Role.ADMIN, True, freeze_key=b"k" * 16)
    assert len(server.values(key, "Chot")) == 2 and server.values(key, "ChotDiem")[0][0] == "Mã"
