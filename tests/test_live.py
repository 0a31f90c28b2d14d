"""The live endpoints over real HTTP against a started ``serve.py``, and /live in a browser."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import json
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lib.core.model import Role
from lib.edge import ceremony
from lib.edge.publisher import Broadcast, Message
from lib.edge.reader import SharedReader
from lib.edge.sources import WriteBatch
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.state import DB_NAME
from lib.present.live_page import live_page
from tests.servers import PATIENCE, dashboard, live_config, until

INTERVAL = 2
KEYS = ["cluster", "year", "version", "fetched_at", "stale", "frozen", "freeze_broken", "freeze_broken_cells",
        "freeze_unverified", "fingerprint", "held_back", "standings"]  # broken, unverified (issue 19); held_back (21)
ROW_KEYS = {"code", "name", "self_total", "agreed_total", "provisional", "rank", "needs_vote", "award", "order_reasons"}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("live")
    config, workbook = live_config(tmp, INTERVAL)
    env = {"THIDUA_CACHE_DIR": str(tmp / "cache")}
    with dashboard(config, env=env, log=tmp / "server.log") as url:
        until(lambda: get(url + "/api/standings")[0] == 200, "no data")
        yield url, workbook


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


class Stream:
    """A raw SSE client on a socket: the frames as dicts (event, id, data), comments skipped."""

    def __init__(self, url: str, last_event_id: str | None = None) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=15)
        extra = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id else ""
        # HTTP/1.0: no chunked encoding, so the body is the event stream as it is.
        self.sock.sendall(f"GET /api/events HTTP/1.0\r\nHost: x\r\nAccept: text/event-stream\r\n{extra}\r\n".encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        assert b" 200 " in head.split(b"\r\n")[0], head

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buffer += data
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def frame(self, timeout: float = 15) -> dict[str, str]:
        """The next frame that carries an event."""
        self.sock.settimeout(timeout)
        while True:
            fields: dict[str, str] = {}
            for line in self._until(b"\n\n").decode("utf-8").splitlines():
                if line and not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    fields[key] = value
            if "event" in fields:
                return fields

    def close(self) -> None:
        self.sock.close()


def lower_leader(workbook: Path, value: int) -> None:
    """An organiser sets Quảng Ngãi's agreed score for criterion 1.1 in the workbook."""
    sheet = XlsxSource(workbook).read()["ThongNhat"]
    header = next(i for i, row in enumerate(sheet) if row and row[0] == "Mã")
    column = next(i for i, cell in enumerate(sheet[header]) if str(cell).strip() in {"51", "Quảng Ngãi"}) + 1
    row = next(i for i, r in enumerate(sheet) if r and str(r[0]) == "1.1") + 1
    XlsxSource(workbook).write(WriteBatch(cells={("ThongNhat", row, column): value}))


def move_agenda(cache: Path, index: int | None) -> None:
    """The secretary moves the official session's agenda (what the control page's PageDown does)."""
    ceremony.update(cache / DB_NAME, "cluster", lambda state: dataclasses.replace(state, agenda=index),
                    "Thư ký Cụm", Role.SECRETARY)


def test_standings_json_has_the_design_shape_and_an_etag(server):
    url, _ = server
    status, headers, body = get(url + "/api/standings")
    assert status == 200 and headers["content-type"].startswith("application/json")
    document = json.loads(body)
    assert list(document) == KEYS
    assert document["year"] == 2019 and document["stale"] is False and document["frozen"] is False
    assert re.fullmatch(r"[0-9a-f]{64}", document["fingerprint"])
    dt.datetime.fromisoformat(document["fetched_at"])
    assert all(set(row) == ROW_KEYS for row in document["standings"])
    assert all(re.fullmatch(r"\d+\.\d\d", row["agreed_total"]) for row in document["standings"])
    assert re.fullmatch(r"public, max-age=\d", headers["cache-control"])
    again = get(url + "/api/standings", {"If-None-Match": headers["etag"]})
    assert again[0] == 304 and again[2] == b"" and again[1]["etag"] == headers["etag"]
    assert get(url + "/api/standings", {"If-None-Match": '"other"'})[0] == 200


def test_the_projector_screen_is_served_once_built_with_an_etag_and_follows_the_agenda(server, tmp_path):
    url, _ = server
    status, headers, body = get(url + "/api/projector")
    page = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "no-cache" and re.fullmatch(r'"[0-9a-f]{16}"', headers["etag"])
    assert page.count('class="rk-row') == 11 and "Quảng Ngãi" in page and "TẠM TÍNH" in page
    assert "<script" not in page  # only the page's own script swaps it in; the fragment runs nothing
    again = get(url + "/api/projector", {"If-None-Match": headers["etag"]})
    assert again[0] == 304 and again[2] == b""
    english = get(url + "/api/projector?lang=en", {"If-None-Match": headers["etag"]})
    assert english[0] == 200 and "PROVISIONAL" in english[2].decode() and english[1]["etag"] != headers["etag"]


def test_events_send_the_current_version_then_each_new_one(server):
    url, workbook = server
    stream = Stream(url)
    try:
        first = stream.frame()
        assert first["event"] == "standings"
        document = json.loads(first["data"])
        assert re.fullmatch(r"[0-9a-f]{16}", first["id"])  # the content's hash, not the process's counter
        assert document == json.loads(get(url + "/api/standings")[2])
        assert f'data-event-id="{first["id"]}"' in get(url + "/live")[2].decode()
        lower_leader(workbook, 3)  # the demo has 7.5: the standings change
        second = stream.frame(timeout=PATIENCE)  # pushed, not asked for (that the probe finds it: test_shared_read)
        assert second["event"] == "standings" and second["id"] != first["id"]
        assert json.loads(second["data"])["version"] > document["version"]
    finally:
        stream.close()


def current_id(url: str) -> str:
    """The content id of the current standings (the ``id`` of a new stream's first frame)."""
    stream = Stream(url)
    try:
        return stream.frame()["id"]
    finally:
        stream.close()


def test_a_client_that_has_the_content_gets_only_its_freshness_and_any_other_id_the_standings(server):
    url, _ = server
    version = json.loads(get(url + "/api/standings")[2])["version"]
    shown = current_id(url)
    for given in (shown, f'"{shown}"', f'W/"{shown}"'):  # as an ETag may be quoted
        stream = Stream(url, last_event_id=given)
        try:
            frame = stream.frame()
            assert frame["event"] == "status" and frame["id"] == shown and json.loads(frame["data"]) == {
                "id": shown, "version": version, "stale": False, "fetched_at": json.loads(frame["data"])["fetched_at"]}
        finally:
            stream.close()
    # another process's counter, an id of content this process never had, garbage: the standings at once
    for given in (str(version), str(version - 1), "0123456789abcdef", "x" * 300):
        stream = Stream(url, last_event_id=given)
        try:
            frame = stream.frame()
            assert frame["event"] == "standings" and frame["id"] == shown
        finally:
            stream.close()


def test_the_agenda_follows_the_secretary_over_the_event_stream(server):
    url, workbook = server
    cache = workbook.parent / "cache"
    shown = current_id(url)
    stream = Stream(url, last_event_id=shown)
    try:
        assert stream.frame()["event"] == "status"  # nothing on the agenda yet: no agenda frame
        move_agenda(cache, 4)
        frame = stream.frame(timeout=PATIENCE)  # the next event on the open stream, however slow the machine
        assert frame["event"] == "agenda" and "id" not in frame  # the data version stays the stream's id
        lines = json.loads(frame["data"])
        assert lines["index"] == 4 and lines["vi"].startswith("Đang diễn ra: ") and lines["en"].startswith("Now: ")
        assert lines["vi"].endswith("(5/9)")
        page = get(url + "/live")[2].decode()
        assert f"▶ {lines['vi']}" in page and "Now: " in page  # embedded for a fresh page, in both languages

        late = Stream(url, last_event_id=shown)  # a phone that connects now gets the current item
        try:
            assert late.frame()["event"] == "status"
            assert json.loads(late.frame(timeout=PATIENCE)["data"]) == lines
        finally:
            late.close()

        move_agenda(cache, None)  # back before the first item: the open stream is told to clear it
        cleared = json.loads(stream.frame(timeout=PATIENCE)["data"])
        assert cleared == {"index": None, "vi": "", "en": "", "reveal": [False, 0]}
    finally:
        move_agenda(cache, None)
        stream.close()
    status, _, body = get(url + "/api/standings")
    assert status == 200 and list(json.loads(body)) == KEYS  # the document's keys are the design's


def test_health_metrics_and_the_live_page(server):
    url, _ = server
    status, _, body = get(url + "/healthz")
    assert status == 200 and body.startswith(b"ok")
    metrics = get(url + "/metrics")[2].decode()
    for name in ("thidua_source_reads_total", "thidua_source_probes_total", "thidua_source_failures_total",
                 "thidua_data_age_seconds", "thidua_live_subscribers", "thidua_streamlit_sessions",
                 "thidua_outbox_depth"):
        assert re.search(rf"^{name} [0-9.e+-]+$", metrics, re.M), name
    status, headers, page = get(url + "/live")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert len(page) < 30_000
    assert not re.search(rb"""(src|href)=["']?(https?:)?//""", page)  # nothing from elsewhere
    assert "Quảng Ngãi".encode() in page  # the current standings are embedded: never blank
    assert get(url + "/?view=projector")[0] == 200


def test_healthz_is_503_when_the_data_is_older_than_three_intervals(tmp_path):
    config, workbook = live_config(tmp_path, INTERVAL)
    with dashboard(config, env={"THIDUA_CACHE_DIR": str(tmp_path / "c")}) as url:
        until(lambda: get(url + "/healthz")[0] == 200, "healthz never 200")
        workbook.rename(workbook.with_suffix(".away"))
        until(lambda: get(url + "/healthz")[0] == 503, "healthz stayed 200 through the outage")
        assert json.loads(get(url + "/api/standings")[2])["stale"] is True


def test_the_live_page_is_small_and_embeds_safely():
    document = json.dumps({"version": 1, "standings": [{"name": "</script><b>x"}]})
    page = live_page(document, title="Cụm <1>", year=2019, interval=15)
    assert len(page.encode()) < 30_000
    assert "</script><b>" not in page and "Cụm &lt;1&gt;" in page
    assert live_page(None, title="t", year=2019, interval=15).count('id="data"') == 1


def _message(version: int, stale: bool = False, content: str | None = None) -> Message:
    body = b'{"v":%d}' % version
    return Message(version, stale, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), body, f'"{version}"',
                   content if content is not None else str(version))


def test_a_last_event_id_means_the_same_content_on_every_process():
    """Issue 20: ids were per-process counters; a phone reconnecting to another process kept old standings."""
    async def first_frames(hub: Broadcast, last: str | None) -> bytes:
        frames = hub.frames(last, keepalive=0.05)
        try:
            await frames.__anext__()  # retry
            return await frames.__anext__()
        finally:
            await frames.aclose()

    async def run() -> None:
        one, two = Broadcast(), Broadcast()  # two processes: the same edit is version 3 on one, 8 on the other
        one.publish(_message(3, content="c-after-edit"))
        two.publish(_message(8, content="c-after-edit"))
        got = await first_frames(two, "c-after-edit")  # the id the phone got from process one
        assert got.startswith(b"event: status\nid: c-after-edit\n")  # nothing repeated
        older = await first_frames(two, "c-before-edit")  # a phone still showing the content before the edit
        assert older.startswith(b"event: standings\nid: c-after-edit\n")
        number = await first_frames(two, "3")  # the old kind of id, another process's counter
        assert number.startswith(b"event: standings\n")
        hub = Broadcast()
        hub.publish(_message(1, content="same"))
        frames = hub.frames("same", keepalive=0.05)
        assert (await frames.__anext__()).startswith(b"retry")
        assert (await frames.__anext__()).startswith(b"event: status")
        hub.publish(_message(2, content="same"))  # a new version whose standings say the same: nothing again
        hub.publish(_message(3, content="other"))
        assert (await frames.__anext__()).startswith(b"event: standings\nid: other\n")
        await frames.aclose()

    asyncio.run(run())


def test_broadcast_sends_each_version_once_and_keeps_alive():
    async def run() -> list[bytes]:
        hub = Broadcast()
        hub.publish(_message(1))
        frames = hub.frames(keepalive=0.05)
        got = [await frames.__anext__(), await frames.__anext__()]
        hub.publish(_message(1))  # the same version again: nothing
        hub.publish(_message(2))
        got.append(await frames.__anext__())
        hub.publish(_message(2, stale=True))
        got.append(await frames.__anext__())
        got.append(await frames.__anext__())  # silence: a comment
        assert hub.subscribers == 1
        await frames.aclose()
        assert hub.subscribers == 0
        return got

    got = asyncio.run(run())
    assert got[0].startswith(b"retry:")
    assert got[1] == b'event: standings\nid: 1\ndata: {"v":1}\n\n'
    assert got[2] == b'event: standings\nid: 2\ndata: {"v":2}\n\n'
    assert got[3].startswith(b"event: status\nid: 2\n") and b'"stale":true' in got[3]
    assert got[4] == b": keepalive\n\n"


def test_broadcast_sends_the_agenda_when_it_moves_and_to_newcomers_only_when_set():
    async def run() -> tuple[list[bytes], list[bytes]]:
        hub = Broadcast()
        hub.publish(_message(1))
        hub.publish_agenda(b"event: agenda\ndata: none\n\n", on_connect=False)
        frames = hub.frames("1", keepalive=0.05)
        got = [await frames.__anext__(), await frames.__anext__()]  # retry, status: no agenda before the first item
        hub.publish_agenda(b"event: agenda\ndata: 5\n\n")
        got.append(await frames.__anext__())
        hub.publish(_message(2))
        got.append(await frames.__anext__())
        newcomer = hub.frames("2", keepalive=0.05)
        late = [await newcomer.__anext__(), await newcomer.__anext__(), await newcomer.__anext__()]
        await frames.aclose()
        await newcomer.aclose()
        return got, late

    got, late = asyncio.run(run())
    assert got[1].startswith(b"event: status\nid: 1\n")
    assert got[2] == b"event: agenda\ndata: 5\n\n"
    assert got[3].startswith(b"event: standings\nid: 2\n")
    assert late[1].startswith(b"event: status\nid: 2\n") and late[2] == b"event: agenda\ndata: 5\n\n"


def test_broadcast_sends_every_meeting_frame_even_the_same_bytes_again():
    # the watcher publishes one constant frame ("fetch again"): the second publish was never sent (the
    # stream compared the frame's identity), so the hall followed only on its 15 s safety poll
    frame = b"event: meeting\ndata: {}\n\n"

    async def run() -> list[bytes]:
        hub = Broadcast()
        hub.publish(_message(1))
        frames = hub.frames("1", keepalive=5)
        got = [await frames.__anext__(), await frames.__anext__()]  # retry, status
        for _ in range(3):
            hub.publish_meeting(frame)
            got.append(await asyncio.wait_for(frames.__anext__(), 2))
        await frames.aclose()
        return got

    assert asyncio.run(run())[2:] == [frame] * 3


@pytest.mark.browser
def test_live_page_at_390px_updates_goes_stale_and_recovers(browser, tmp_path):
    config, workbook = live_config(tmp_path, INTERVAL)
    with dashboard(config, env={"THIDUA_CACHE_DIR": str(tmp_path / "c")}, log=tmp_path / "s.log") as url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(url + "/live")
        first = page.locator("li.row").first
        first.wait_for(timeout=PATIENCE * 1000)
        assert "Quảng Ngãi" in first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not page.locator("#agenda").is_visible()
        move_agenda(tmp_path / "c", 2)  # the secretary moves the agenda: the page follows, no reload
        page.wait_for_function("() => document.getElementById('agenda').textContent.startsWith('▶ Đang diễn ra')",
                               timeout=PATIENCE * 1000)
        assert page.locator("#agenda").inner_text().endswith("(3/9)")
        lower_leader(workbook, 0)
        page.wait_for_function("() => !document.querySelector('li.row').textContent.includes('Quảng Ngãi')",
                               timeout=PATIENCE * 1000)
        assert "▲1" in page.locator("li.row").first.inner_text()  # what moved
        page.screenshot(path=str(tmp_path / "live-updated.png"))
        away = workbook.with_suffix(".away")
        workbook.rename(away)
        page.wait_for_function("() => document.body.classList.contains('stale')", timeout=PATIENCE * 1000)
        assert page.locator("#stale").is_visible() and page.locator("li.row").count() > 0  # never blank
        page.screenshot(path=str(tmp_path / "live-stale.png"))
        away.rename(workbook)
        page.wait_for_function("() => !document.body.classList.contains('stale')", timeout=PATIENCE * 1000)
        page.get_by_role("button", name="English").click()
        assert page.locator("h1").inner_text() == "Live ranking"
        assert page.locator("#agenda").inner_text().startswith("▶ Now: ")


@pytest.mark.browser
def test_projector_shows_the_qr_code_of_the_live_page(browser, tmp_path):
    config, _ = live_config(tmp_path, INTERVAL)
    text = config.read_text(encoding="utf-8").replace("# public_url =", "public_url =")
    config.write_text(text.replace("max_sessions = 200", "max_sessions = 1"), encoding="utf-8")
    with dashboard(config, env={"THIDUA_CACHE_DIR": str(tmp_path / "c")}) as url:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(url + "/?view=projector")
        qr = page.locator('[data-testid="live-qr"]')
        qr.wait_for(timeout=PATIENCE * 1000)
        assert qr.locator("img").get_attribute("src").startswith("data:image/svg+xml")
        assert "https://thidua.example.vn/live" in qr.inner_text()
        # The projector holds the one session allowed: a new read-only visitor is sent to /live,
        # while the projector and the sign-in page are still admitted.
        opener = urllib.request.build_opener(NoRedirect)
        for path, expected in [("/", 307), ("/?view=delegate", 307), ("/?view=projector", 200),
                               ("/dang-nhap", 200)]:
            try:
                status, location = opener.open(url + path, timeout=10).status, None
            except urllib.error.HTTPError as exc:
                status, location = exc.code, exc.headers.get("Location")
            assert status == expected, path
            if expected == 307:
                assert location == "/live"
        assert "thidua_sent_to_live_total 2" in get(url + "/metrics")[2].decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - see the 307 itself
        return None


def test_the_drive_probe_reads_the_sheet_only_when_it_changed():
    from lib.core.config import load_config
    from lib.core.evaluation import evaluate
    from tests.fake_sheets import serve
    from tests.fake_sheets.store import now_rfc3339
    from tests.test_gsheet_source import demo, open_sheet

    config = load_config()
    for server in serve():
        key = server.create_spreadsheet("Thi đua (probe)", demo())
        source = open_sheet(server, key)
        assert source.probe_seconds == 2.0
        now = [0.0]
        reader = SharedReader(source, lambda raw: evaluate(raw, config), ttl=15,
                              clock=functools.partial(now.__getitem__, 0))
        reader.probe_every = 0.0
        first = reader.poll()
        assert first is not None and reader.stats.reads == 1
        stamp = source.version()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp)
        now[0] = 1.0
        reader.poll()  # probed, unchanged: no full read
        assert reader.stats.reads == 1 and reader.stats.probes >= 2
        until(functools.partial(lambda s: now_rfc3339() > s, stamp), "the clock never passed the stamp",
              every=0.001)  # the write lands in a later millisecond than the stamp
        row = next(i for i, r in enumerate(demo()["ThongNhat"]) if r and str(r[0]) == "1.1") + 1
        source.write(WriteBatch(cells={("ThongNhat", row, 3): 0}))
        assert source.version() != stamp
        now[0] = 2.0
        changed = reader.poll()  # the probe saw modifiedTime move: one batchGet, a new version
        assert reader.stats.reads == 2 and changed is not None and changed.version == first.version + 1
        now[0] = 20.0
        reader.poll()  # the interval's full read comes whatever the probe says
        assert reader.stats.reads == 3
