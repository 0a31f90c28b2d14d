"""The fake Sheets API answers like Google, and real gspread + google-auth run against it.

Part 1 replays, request by request, the traffic recorded against Google in
``../shared/sheets-api/cassettes`` (override with ``SHEETS_CASSETTES``) on a fresh fake, and
compares each answer with Google's: status code, and the *shape* of the JSON (same keys
recursively, same nesting, same JSON types). The spreadsheet a recording creates through
Drive is seeded with the same id; ``sheetId`` values Google chose are mapped to the fake's.
It also compares the values themselves, where only ids and times may differ.

Part 2 drives a real ``gspread.Client`` (``tests/fake_sheets/client.py``) against the fake:
opening by key, batched unformatted reads, RAW writes, appends, new tabs, errors and faults.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import google.auth.exceptions
import gspread
import pytest
import requests

from tests.fake_sheets import FakeSheetsServer, serve
from tests.fake_sheets.a1 import CellRange, parse_cells, split_range
from tests.fake_sheets.api import route
from tests.fake_sheets.client import credentials, make_client, rewrite_session, service_account_info

CASSETTE_DIR = Path(
    os.environ.get("SHEETS_CASSETTES", Path(__file__).resolve().parents[2] / "shared" / "sheets-api" / "cassettes")
)
CASSETTES = sorted(CASSETTE_DIR.glob("*.json")) if CASSETTE_DIR.is_dir() else []
needs_cassettes = pytest.mark.skipif(not CASSETTES, reason=f"no recorded cassettes in {CASSETTE_DIR}")


# -- shapes -------------------------------------------------------------------------------
def shape(obj: Any) -> Any:
    """The shape of a JSON value: dict keys kept, lists reduced to their distinct element shapes.

    >>> shape({"values": [["a", 1], ["b", 2.5]], "ok": True})
    {'values': ('list', (('list', ('number', 'string')),)), 'ok': 'bool'}
    """
    if isinstance(obj, dict):
        return {k: shape(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return "list", tuple(sorted({repr(shape(x)): shape(x) for x in obj}.values(), key=repr))
    if isinstance(obj, bool):
        return "bool"
    if isinstance(obj, int | float):
        return "number"
    return "null" if obj is None else type(obj).__name__.replace("str", "string")


def shape_diff(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where the shapes of ``expected`` and ``actual`` differ, as readable paths."""
    a, b = shape(expected), shape(actual)
    if a == b:
        return []
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = [f"{path}: missing key {k!r}" for k in expected.keys() - actual.keys()]
        out += [f"{path}: extra key {k!r}" for k in actual.keys() - expected.keys()]
        for k in expected.keys() & actual.keys():
            out += shape_diff(expected[k], actual[k], f"{path}.{k}")
        return out
    return [f"{path}: expected {a!r}, got {b!r}"]


# -- replay -------------------------------------------------------------------------------
@dataclass
class Exchange:
    """One replayed request: what Google answered and what the fake answered."""

    kind: str
    method: str
    uri: str
    recorded_status: int
    status: int
    recorded: Any
    answer: Any


def _remap(obj: Any, ids: dict[int, int]) -> Any:
    if isinstance(obj, dict):
        return {k: ids.get(v, v) if k == "sheetId" else _remap(v, ids) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_remap(x, ids) for x in obj]
    return obj


@functools.cache
def replay(cassette: Path) -> list[Exchange]:
    """Replay every Sheets (and Drive get/delete) request of ``cassette`` against a fresh fake."""
    interactions = json.loads(cassette.read_text(encoding="utf-8"))["interactions"]
    exchanges: list[Exchange] = []
    with FakeSheetsServer(require_auth=False) as server, requests.Session() as session:
        session.trust_env = False
        private = {  # a 403 in the recording is a spreadsheet not shared with the caller
            route("GET", urlsplit(it["request"]["uri"]).path).spreadsheet_id
            for it in interactions
            if it["response"]["status"]["code"] == 403 and "sheets.googleapis.com" in it["request"]["uri"]
        }
        for sid in private:
            server.create_spreadsheet("private", spreadsheet_id=sid, private=True)
        ids: dict[int, int] = {}
        for it in interactions:
            req, resp = it["request"], it["response"]
            parts = urlsplit(req["uri"])
            text = resp["body"]["string"]
            recorded = json.loads(text) if text else None
            if parts.hostname == "www.googleapis.com" and req["method"] == "POST":
                server.create_spreadsheet(recorded["name"], spreadsheet_id=recorded["id"])  # Drive's create
                continue
            data = json.dumps(_remap(json.loads(req["body"]), ids)).encode() if req.get("body") else None
            headers = {"Content-Type": "application/json"} if data else {}
            url = server.url + parts.path + (f"?{parts.query}" if parts.query else "")
            r = session.request(req["method"], url, data=data, headers=headers, timeout=10)
            answer = r.json() if r.content else None
            if isinstance(recorded, dict) and isinstance(answer, dict):
                for rec, got in zip(recorded.get("replies", []), answer.get("replies", []), strict=False):
                    if "addSheet" in rec and "addSheet" in got:
                        ids[rec["addSheet"]["properties"]["sheetId"]] = got["addSheet"]["properties"]["sheetId"]
            kind = route(req["method"], parts.path).kind
            exchanges.append(
                Exchange(
                    kind,
                    req["method"],
                    req["uri"],
                    resp["status"]["code"],
                    r.status_code,
                    recorded,
                    _remap(answer, {v: k for k, v in ids.items()}),
                )
            )
        assert not server.errors, server.errors
    return exchanges


@needs_cassettes
@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda p: p.stem)
def test_answers_have_googles_status_and_shape(cassette: Path) -> None:
    problems = []
    for ex in replay(cassette):
        if ex.status != ex.recorded_status:
            problems.append(f"{ex.method} {ex.uri}: status {ex.status}, Google {ex.recorded_status}: {ex.answer}")
        problems += [f"{ex.method} {ex.uri}: {d}" for d in shape_diff(ex.recorded, ex.answer)]
    assert not problems, "\n".join(problems)


VOLATILE = ("createdTime", "modifiedTime")
"""Drive file times: the only values that differ once sheet ids are mapped back."""


@needs_cassettes
@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda p: p.stem)
def test_answers_have_googles_values(cassette: Path) -> None:
    problems = []
    for ex in replay(cassette):
        recorded, answer = ex.recorded, ex.answer
        if isinstance(recorded, dict) and isinstance(answer, dict):
            recorded = {k: v for k, v in recorded.items() if k not in VOLATILE}
            answer = {k: v for k, v in answer.items() if k not in VOLATILE}
        if answer != recorded:
            problems.append(f"{ex.method} {ex.uri}:\n  Google: {str(recorded)[:800]}\n  fake:   {str(answer)[:800]}")
    assert not problems, "\n".join(problems)


@needs_cassettes
def test_cassettes_cover_every_kind_of_call_the_project_makes() -> None:
    seen = {(ex.kind, ex.recorded_status) for c in CASSETTES for ex in replay(c)}
    kinds = {k for k, _ in seen}
    wanted = {
        "metadata",
        "values:get",
        "values:update",
        "values:batchGet",
        "values:batchUpdate",
        "values:append",
        "values:clear",
        "batchUpdate",
    }
    assert wanted <= kinds, wanted - kinds
    assert {("metadata", 404), ("metadata", 403), ("values:update", 400)} <= seen


# -- real gspread against the fake -------------------------------------------------------
@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    yield from serve()


TABS = {
    "TieuChi": [["Mã", "Nhóm", "Tiêu chí", "Điểm chuẩn"], ["1.1", "I", "GRDP", 10]],
    "TuCham": [["Mã", "Quảng Ngãi", "Đắk Nông"], ["1.1", 9.5, "9,5"]],
    "Nhật ký": [["Thời gian", "Người sửa", "Đơn vị", "Mã", "Điểm cũ", "Điểm mới", "Lý do"]],
}


@pytest.fixture
def book(server: FakeSheetsServer) -> tuple[FakeSheetsServer, gspread.Spreadsheet]:
    key = server.create_spreadsheet("Cụm thi đua 2019", TABS)
    return server, make_client(server, timeout=(10, 10)).open_by_key(key)


def test_open_by_key_reads_metadata(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    server, sh = book
    assert sh.title == "Cụm thi đua 2019"
    assert [ws.title for ws in sh.worksheets()] == list(TABS)
    assert sh.sheet1.row_count == 1000 and sh.sheet1.col_count == 26
    assert server.count("token") == 1 and server.count("metadata") >= 1


def test_one_batch_get_reads_every_tab_unformatted(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    server, sh = book
    server.reset_log()
    ranges = [f"'{t}'" for t in TABS]
    got = sh.values_batch_get(ranges, params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert [v["range"] for v in got["valueRanges"]] == ["TieuChi!A1:Z1000", "TuCham!A1:Z1000", "'Nhật ký'!A1:Z1000"]
    assert got["valueRanges"][1]["values"] == [["Mã", "Quảng Ngãi", "Đắk Nông"], ["1.1", 9.5, "9,5"]]
    assert server.count("values:batchGet") == 1 and server.count() == 1
    server.set_cell(sh.id, "TuCham", 2, 3, "8.5")  # an organiser types in the sheet
    again = sh.values_batch_get(["TuCham!B2:C2"], params={"valueRenderOption": "FORMATTED_VALUE"})
    assert again["valueRanges"][0]["values"] == [["9.5", "8.5"]]
    assert server.values(sh.id, "TuCham")[1] == ["1.1", 9.5, 8.5]


def test_raw_writes_keep_text_and_user_entered_parses(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    server, sh = book
    ws = sh.worksheet("TuCham")
    answer = ws.update([["=1+1", "9,5", 7]], "A3", raw=True)
    assert answer["updatedRange"] == "TuCham!A3:C3" and answer["updatedCells"] == 3
    assert server.values(sh.id, "TuCham")[2] == ["=1+1", "9,5", 7]
    ws.update([["=1+1", "9.5"]], "A4", raw=False)
    assert ws.get("A4:B4", value_render_option="UNFORMATTED_VALUE") == [[2, 9.5]]
    assert ws.get("A4:B4", value_render_option="FORMULA") == [["=1+1", 9.5]]
    sh.values_batch_update({"valueInputOption": "RAW", "data": [{"range": "TuCham!B2", "values": [[10]]}]})
    assert server.values(sh.id, "TuCham")[1][1] == 10


def test_append_rows_go_under_the_table(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    server, sh = book
    ws = sh.worksheet("Nhật ký")
    row = ["2020-03-12 14:05", "thư ký", "51", "1.1", 9.5, 9, ""]
    answer = ws.append_rows([row, row], value_input_option="RAW")
    assert answer["tableRange"] == "'Nhật ký'!A1:G1"
    assert answer["updates"]["updatedRange"] == "'Nhật ký'!A2:G3"
    assert server.values(sh.id, "Nhật ký")[1:] == [row[:6], row[:6]]  # the blank reason is not stored


def test_add_worksheet_and_unicode_ranges(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    server, sh = book
    ws = sh.add_worksheet("Tab with spaces", rows=5, cols=3)
    ws.update([["x", "y"]], "A1")
    assert server.tabs(sh.id)[-1] == "Tab with spaces"
    got = sh.values_get("'tab with spaces'!A:B")  # tab names match ignoring case, as in Google
    assert got == {"range": "'Tab with spaces'!A1:B5", "majorDimension": "ROWS", "values": [["x", "y"]]}
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_get("NoSuchTab!A1")
    assert err.value.code == 400 and err.value.error["message"] == "Unable to parse range: NoSuchTab!A1"
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        sh.values_get("'Tab with spaces'!A1:D9")


def test_a1_parsing() -> None:
    assert split_range("'It''s here'!A1:B2") == ("It's here", "A1:B2")
    assert split_range("🌵 test 1!A:A") == ("🌵 test 1", "A:A")
    assert split_range("Nhật ký") == (None, "Nhật ký")
    assert parse_cells("A5:A") == CellRange(4, 0, None, 1)
    assert parse_cells("$A$1:1") == CellRange(0, 0, 1, None)
    assert route("GET", "/v4/spreadsheets/k/values/" + quote("'Nhật ký'!A1:B2", safe="")).range == "'Nhật ký'!A1:B2"


def test_errors_open_by_key(server: FakeSheetsServer) -> None:
    gc = make_client(server)
    key = server.create_spreadsheet("secret", private=True)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("no-such-key")
    with pytest.raises(PermissionError):
        gc.open_by_key(key)
    server.set_api_disabled()
    with pytest.raises(PermissionError) as err:  # gspread turns every 403 on open into PermissionError
        gc.open_by_key(server.create_spreadsheet("shared"))
    cause = err.value.__cause__
    assert isinstance(cause, gspread.exceptions.APIError)
    assert cause.code == 403 and cause.error["details"][0]["reason"] == "SERVICE_DISABLED"


def test_faults_429_500_slow_and_dropped(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    server, sh = book
    server.fail(429)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_batch_get(["TuCham"])
    assert err.value.code == 429 and err.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert sh.values_batch_get(["TuCham"])["valueRanges"]  # only the next one failed
    server.fail(503, times=None)
    for _ in range(3):
        with pytest.raises(gspread.exceptions.APIError, match="503"):
            sh.values_batch_get(["TuCham"])
    server.clear_faults()
    server.slow(1, times=1)
    sh.client.set_timeout((2, 0.3))
    with pytest.raises(requests.exceptions.Timeout):
        sh.values_batch_get(["TuCham"])
    server.drop(match="values:batchGet")
    with pytest.raises(requests.exceptions.ConnectionError):
        sh.values_batch_get(["TuCham"])
    assert sh.values_batch_get(["TuCham"])["valueRanges"]
    assert server.count("values:batchGet", status=429) == 1 and server.count("values:batchGet", status=0) == 1


def test_quota_per_minute(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    server, sh = book
    server.set_quota(2)
    sh.values_batch_get(["TuCham"])
    sh.values_batch_get(["TuCham"])
    with pytest.raises(gspread.exceptions.APIError, match="Quota exceeded"):
        sh.values_batch_get(["TuCham"])


def test_auth_tokens(server: FakeSheetsServer) -> None:
    key = server.create_spreadsheet("t")
    plain = rewrite_session(server)  # routed to the fake but without credentials
    r = plain.get(f"https://sheets.googleapis.com/v4/spreadsheets/{key}")
    assert r.status_code == 401 and r.json()["error"]["status"] == "UNAUTHENTICATED"
    gc = make_client(server)
    gc.open_by_key(key)
    server.expire_tokens()  # google-auth refreshes on the 401 and retries
    gc.open_by_key(key)
    assert server.count("token") == 2 and server.count("metadata", status=401) == 2  # plain + expired
    strict = FakeSheetsServer(accept_unknown_accounts=False)
    with strict, pytest.raises(google.auth.exceptions.RefreshError, match="invalid_grant"):
        make_client(strict, creds=credentials(strict, service_account_info(strict, register=False))).open_by_key("x")


def test_outage_restart_and_locale(server: FakeSheetsServer) -> None:
    key = server.create_spreadsheet("vi", {"TuCham": [["Mã", "51"]]}, locale="vi_VN")
    sh = make_client(server, timeout=(10, 10)).open_by_key(key)
    server.set_cell(key, "TuCham", 2, 2, "9,5")  # decimal comma in a Vietnamese-locale sheet: a number
    server.set_cell(key, "TuCham", 2, 1, "'1.1")  # a leading apostrophe keeps text
    assert server.values(key, "TuCham") == [["Mã", "51"], ["1.1", 9.5]]
    assert sh.values_get("TuCham!B2")["values"] == [["9,5"]]  # FORMATTED_VALUE in the sheet's locale
    by_column = sh.values_get("TuCham", params={"majorDimension": "COLUMNS", "valueRenderOption": "UNFORMATTED_VALUE"})
    assert by_column["values"] == [["Mã", "1.1"], ["51", 9.5]]
    server.stop()  # an outage: connections are refused
    with pytest.raises(requests.exceptions.ConnectionError):
        sh.values_get("TuCham")
    server.start()  # same port, same data
    assert sh.values_get("TuCham!A1")["values"] == [["Mã"]]


def test_add_protected_range_follows_the_api_reference(book: tuple[FakeSheetsServer, gspread.Spreadsheet]) -> None:
    """No cassette records ``addProtectedRange``; the shape below is the API reference's
    ``AddProtectedRangeResponse`` (the request's ``ProtectedRange`` echoed with its new id)."""
    server, sh = book
    log_id = sh.worksheet("Nhật ký").id
    protected = {"range": {"sheetId": log_id}, "description": "log", "warningOnly": False,
                 "editors": {"users": ["bot@x.iam.gserviceaccount.com"]}}
    answer = sh.batch_update({"requests": [{"addProtectedRange": {"protectedRange": protected}}]})
    (reply,) = answer["replies"]
    got = reply["addProtectedRange"]["protectedRange"]
    assert isinstance(got["protectedRangeId"], int) and got["range"] == {"sheetId": log_id}
    assert got["editors"] == {"users": ["bot@x.iam.gserviceaccount.com"]} and got["description"] == "log"
    meta = sh.fetch_sheet_metadata()
    listed = next(s for s in meta["sheets"] if s["properties"]["sheetId"] == log_id)["protectedRanges"]
    assert listed == [got]
    # refused as Google refuses them, and the batch is all or nothing
    before = len(sh.worksheets())
    for bad in ({"range": {"sheetId": 987654}},
                {"range": {"sheetId": log_id}, "warningOnly": True, "editors": {"users": ["a@b.c"]}}):
        with pytest.raises(gspread.exceptions.APIError) as err:
            sh.batch_update({"requests": [{"addSheet": {"properties": {"title": "X"}}},
                                          {"addProtectedRange": {"protectedRange": bad}}]})
        assert err.value.code == 400 and "addProtectedRange" in err.value.error["message"]
    assert len(sh.worksheets()) == before
