"""The dashboard against the local Sheets API server, run headless with Streamlit's AppTest.

The app builds its source exactly as in production: ``st.connection("gsheets", ...)`` over
``st.secrets["connections"]["gsheets"]``, whose ``api_endpoint`` sends the real gspread +
google-auth traffic to ``tests/fake_sheets`` (no patching, no internet). The shared reader is
process-wide (``st.cache_resource`` keyed by the config path), so each test uses its own config
file, and its own cache directory for the last good data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from lib.core.config import load_config
from lib.core.evaluation import evaluate
from lib.present.tables import standings_table
from tests.fake_sheets import FakeSheetsServer, serve
from tests.fake_sheets.client import sheet_settings
from tests.servers import until
from tests.test_gsheet_source import demo, gsheet_config

ROOT = Path(__file__).resolve().parent.parent
FAST_RETRY = {"attempts": 2, "first_wait": 0.01, "max_wait": 0.05, "max_seconds": 5}
BANNER = "đang mất kết nối, đang thử lại"


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    yield from serve()


@pytest.fixture
def key(server: FakeSheetsServer) -> str:
    return server.create_spreadsheet("Thi đua cụm 2019 (minh họa)", demo())


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: FakeSheetsServer, key: str):
    """Point the app at the sheet ``key``; returns a function making the config for an interval."""
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("THIDUA_SECRETS", raising=False)

    def configure(interval: int) -> Path:
        path = gsheet_config(tmp_path, key, interval)
        monkeypatch.setenv("THIDUA_CONFIG", str(path))
        return path

    return configure


def secrets(server: FakeSheetsServer, key: str) -> dict[str, Any]:
    return {"gsheets": sheet_settings(server, key, retry=FAST_RETRY, timeout=[10, 30])}


def ranking(server: FakeSheetsServer, key: str, connections: dict[str, Any] | None = None) -> AppTest:
    """One browser session opening the ranking page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["connections"] = secrets(server, key) if connections is None else connections
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def shown(at: AppTest) -> list[tuple[str, str]]:
    """(province, agreed total) as the ranking table shows them."""
    table = at.dataframe[0].value
    return list(zip(table["Tỉnh"], table["Thống nhất"], strict=True))


def expected(workbook: dict, config_path: Path) -> list[tuple[str, str]]:
    table = standings_table(evaluate(workbook, load_config(config_path)), "vi")
    return list(zip(table["Tỉnh"], table["Thống nhất"], strict=True))


def reader(config_path: Path):
    from web.data import _reader

    return _reader(str(config_path))


def test_the_ranking_page_shows_the_standings_from_the_sheet(server, key, app_env):
    config = app_env(15)
    at = ranking(server, key)
    assert shown(at) == expected(demo(), config)
    assert [name for name, _ in shown(at)[:3]] == ["Quảng Ngãi", "Khánh Hòa", "Quảng Nam"]
    assert BANNER not in texts(at)
    assert server.count("values:batchGet") == 2 and server.count("metadata") == 1  # one read: two calls
    assert server.errors == []


def test_an_organisers_edit_shows_on_an_interval_read_and_reruns_do_not_read(server, key, app_env):
    config = app_env(2)
    at = ranking(server, key)
    before = shown(at)
    edited = demo()
    edited["ThongNhat"][3][1] = 0  # Quảng Nam, 1.1: agreed 7.25 -> 0
    started, reads_before = time.monotonic(), server.count("values:batchGet")
    server.set_cell(key, "ThongNhat", 4, 2, "0")  # typed in Google Sheets by an organiser
    def rerun_shows_it() -> bool:
        at.run()
        assert not at.exception, at.exception
        return shown(at) != before

    until(rerun_shows_it, "the edit never showed", every=0.2)
    assert shown(at) == expected(edited, config) != before
    # Reads come 2 s apart whatever the reruns (every 0.2 s): one per interval since, and the probe's one.
    reads, elapsed = server.count("values:batchGet") - reads_before, time.monotonic() - started
    # a read is two calls (formatted + unformatted), and one torn by the edit itself is read once more
    assert 2 <= reads <= 2 * (3 + int(elapsed // 2))


def test_thirty_sessions_in_one_interval_make_one_batch_get(server, key, app_env):
    app_env(120)
    for _ in range(30):
        at = ranking(server, key)
        assert len(shown(at)) == 11
    assert server.count("values:batchGet") == 2  # one read (shown text and stored values)
    assert server.count("metadata") == 1 and server.count("token") == 1


def test_an_outage_shows_the_last_data_with_the_banner_and_recovers(server, key, app_env):
    config = app_env(15)
    at = ranking(server, key)
    good = shown(at)
    connections = secrets(server, key)
    server.stop()
    reader(config).invalidate()  # the interval has passed
    at.run()
    assert not at.exception, at.exception
    assert BANNER in texts(at)
    assert shown(at) == good  # the table is still there
    other = ranking(server, key, connections)  # a new session during the outage: the same, at once
    assert BANNER in texts(other) and shown(other) == good
    server.start()
    reader(config).invalidate()
    at.run()
    assert BANNER not in texts(at) and shown(at) == good


def test_a_429_storm_shows_the_last_data_with_the_banner_and_recovers(server, key, app_env):
    config = app_env(15)
    at = ranking(server, key)
    good = shown(at)
    server.fail(429, times=None)
    reader(config).invalidate()
    at.run()
    assert BANNER in texts(at) and shown(at) == good
    server.clear_faults()
    reader(config).invalidate()
    at.run()
    assert BANNER not in texts(at) and shown(at) == good


def test_a_missing_secrets_section_is_a_message_not_an_exception(server, key, app_env):
    app_env(15)
    at = ranking(server, key, connections={"other": {"url": "x"}})
    assert "connections.gsheets" in texts(at)
    assert not at.dataframe
    assert server.count() == 0


def test_a_sheet_not_shared_is_a_message_naming_the_account(server, key, app_env):
    app_env(15)
    server.set_private(key)
    at = ranking(server, key)
    assert "thidua-test@fake-project.iam.gserviceaccount.com" in texts(at)
    assert not at.dataframe
