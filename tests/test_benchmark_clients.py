"""The load generator's small protocol parts: SSE frames, the projector page's container, HTTP answers;
the hostile uploads' files and their outcomes."""

from __future__ import annotations

import asyncio
import gzip
import json
import re

import pytest

from benchmarks.projector import Connection, container_attributes, read_response
from benchmarks.sse import parse_frames
from benchmarks.uploader import build_files, outcomes

STANDINGS = b'event: standings\nid: 12\ndata: {"version":12}\n\n'
STATUS = b'event: status\nid: 12\ndata: {"version":12,"stale":true}\n\n'
AGENDA = b'event: agenda\ndata: {"index":3}\n\n'


def test_frames_are_the_events_a_browser_dispatches() -> None:
    stream = b"retry: 2000\n\n" + STANDINGS + b": keepalive\n\n" + STATUS + AGENDA + b"data: plain\n\n"
    assert parse_frames(stream) == (
        [("standings", "12"), ("status", "12"), ("agenda", None), ("message", None)], b"")


@pytest.mark.parametrize("cut", range(1, len(STANDINGS + AGENDA)))
def test_a_frame_split_across_reads_is_read_once_whole(cut: int) -> None:
    stream = STANDINGS + AGENDA
    first, rest = parse_frames(stream[:cut])
    second, rest = parse_frames(rest + stream[cut:])
    assert first + second == [("standings", "12"), ("agenda", None)]
    assert rest == b""


def test_the_container_is_found_in_a_raw_forward_msg() -> None:
    data = (b'\x12\x80\x05<div id="proj-live" data-src="/api/projector?lang=en" data-etag="&quot;0a1b&quot;" '
            b'data-lost="M\xe1\xba\xa5t k\xe1\xba\xbft n\xe1\xbb\x91i">98,75</div><script>...</script>')
    assert container_attributes(data) == {"id": "proj-live", "data-src": "/api/projector?lang=en",
                                          "data-etag": '"0a1b"', "data-lost": "Mất kết nối"}
    assert container_attributes(b'<div class="proj-live">') is None


def _answer(raw: bytes):
    async def go():
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_response(reader), await reader.read()

    return asyncio.run(go())


def test_http_answers_by_length_chunks_gzip_and_304() -> None:
    answer, rest = _answer(b"HTTP/1.1 200 OK\r\nETag: \"x\"\r\ncontent-length: 5\r\n\r\n96,25NEXT")
    assert (answer.status, answer.headers["etag"], answer.body, rest) == (200, '"x"', b"96,25", b"NEXT")
    answer, _ = _answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"3;x=y\r\n96,\r\n2\r\n25\r\n0\r\nTrailer: a\r\n\r\n")
    assert answer.body == b"96,25"
    packed = gzip.compress(b"<p>96,25</p>")
    answer, _ = _answer(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
                        % (len(packed), packed))
    assert answer.body == b"<p>96,25</p>"
    answer, rest = _answer(b'HTTP/1.1 304 Not Modified\r\netag: "x"\r\n\r\nHTTP/1.1')
    assert (answer.status, answer.body, rest) == (304, b"", b"HTTP/1.1")
    answer, _ = _answer(b"HTTP/1.0 200 OK\r\n\r\nto the end")
    assert (answer.body, answer.headers["connection"]) == (b"to the end", "close")
    with pytest.raises(asyncio.IncompleteReadError):
        _answer(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort")
    with pytest.raises(ValueError, match="not an HTTP response"):
        _answer(b"SSH-2.0\r\n\r\n")


def test_a_connection_the_server_closed_while_idle_is_replaced_once() -> None:
    """uvicorn closes an idle keep-alive connection after 5 s; the next fetch must not fail for it."""
    async def go() -> tuple[list[int], list[bytes], int]:
        requests: list[bytes] = []

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            requests.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            writer.close()  # keep-alive offered, then closed: the client finds out on its next request

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        connection = Connection(port)
        statuses = [(await connection.get("/api/projector", {"If-None-Match": '"t"'})).status]
        reader = connection._streams[0] if connection._streams else None  # noqa: SLF001 - await the close itself
        while reader is not None and not reader.at_eof():  # the client has seen the server's close, however slow
            await asyncio.sleep(0.01)
        statuses.append((await connection.get("/api/projector")).status)
        connection.close()
        server.close()
        await server.wait_closed()
        return statuses, requests, connection.opened

    statuses, requests, opened = asyncio.run(asyncio.wait_for(go(), 120))
    assert statuses == [200, 200]
    assert opened == 2
    assert requests[0].startswith(b"GET /api/projector HTTP/1.1\r\n") and b'If-None-Match: "t"' in requests[0]


# -- the delegates' listener (benchmarks/follow.py, the emulation of web/follow.py's script) ---------------


def _listener_msg(data: dict, *, fragment: str = "frag-1", base: str = "$$ID-0123-follow", mixed: bool = False):
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from benchmarks.follow import COMPONENT

    msg = ForwardMsg()
    msg.delta.fragment_id = fragment
    component = msg.delta.new_element.bidi_component
    component.component_name = COMPONENT
    component.id = base
    if mixed:
        component.mixed.json = json.dumps(data)
    else:
        component.json = json.dumps(data)
    return msg


SHOWN = {"key": "follow", "version": 7, "id": "c7", "stale": False, "lang": "vi", "agenda": "", "screen": 2.0}


def test_the_listener_is_found_with_its_fragment_and_data_in_json_or_mixed() -> None:
    from benchmarks.follow import drawn

    for mixed in (False, True):
        found = drawn(_listener_msg(SHOWN, mixed=mixed))
        assert found is not None
        assert (found.base, found.fragment_id, found.data, found.key) == ("$$ID-0123-follow", "frag-1", SHOWN,
                                                                          "follow")
    other = _listener_msg(SHOWN)
    other.delta.new_element.bidi_component.component_name = "someone.else"
    assert drawn(other) is None
    other = _listener_msg(SHOWN)
    other.delta.new_element.markdown.body = "x"  # the oneof moves to markdown
    assert drawn(other) is None


def test_the_trigger_is_the_widget_state_streamlit_reads_for_the_changed_event() -> None:
    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.components.v2.bidi_component.serialization import deserialize_trigger_list

    from benchmarks.follow import trigger_id, trigger_state

    assert trigger_id("$$ID-0123-follow") == _make_trigger_id("$$ID-0123-follow", "events")
    state = trigger_state("$$ID-0123-follow", ["version:1", "status:2"])
    assert state.WhichOneof("value") == "json_trigger_value"
    assert trigger_state("b", ["version:1"]).json_trigger_value == '[{"event":"changed","value":"version:1"}]'
    assert deserialize_trigger_list(state.json_trigger_value) == [
        {"event": "changed", "value": "version:1"}, {"event": "changed", "value": "status:2"}]


@pytest.mark.parametrize(("frame", "last_id", "why"), [
    (("standings", "c7", b"{}"), "c7", None),
    (("standings", "c8", b"{}"), "c8", "version"),
    (("standings", "7", b"{}"), "7", "version"),  # another process's version number is not the content id
    (("status", "c7", b'{"id":"c7","version":7,"stale":false,"fetched_at":"x"}'), "c7", None),
    (("status", "c7", b'{"id":"c7","version":9,"stale":false,"fetched_at":"x"}'), "c7", None),  # another process
    (("status", "c7", b'{"id":"c7","version":7,"stale":true,"fetched_at":"x"}'), "c7", "status"),
    (("status", "c8", b'{"id":"c8","version":8,"stale":false}'), "c8", "status"),
    (("agenda", None, b'{"index":null,"vi":"","en":""}'), "c7", None),
    (("agenda", None, '{"index":1,"vi":"Đang diễn ra: Khai mạc","en":"Now: Opening"}'.encode()), "c7", "agenda"),
    (("agenda", None, b'{"index":null}'), "c7", None),  # no line for the language: "" as shown
    (("agenda", None, b"not json"), "c7", None),
    (("message", None, b"x"), "c7", None),
])
def test_the_rules_are_the_scripts(frame: tuple, last_id: str, why: str | None) -> None:
    from benchmarks.follow import reason
    from benchmarks.sse import Event

    assert reason(SHOWN, Event(*frame), last_id) == why


def test_a_screen_without_an_agenda_ignores_agenda_frames_and_a_bad_id_is_new() -> None:
    from benchmarks.follow import reason
    from benchmarks.sse import Event

    ranking = {**SHOWN, "agenda": None}
    assert reason(ranking, Event("agenda", None, '{"vi":"Đang diễn ra: X"}'.encode()), "c7") is None
    assert reason(SHOWN, Event("standings", "x", b"{}"), "x") == "version"  # an unknown id is new


def test_events_keep_their_data_lines_joined() -> None:
    from benchmarks.sse import Event, parse_events

    events, rest = parse_events(b"event: agenda\ndata: {\"a\":\ndata: 1}\n\nid: 3\ndata:\n\n")
    assert events == [Event("agenda", None, b'{"a":\n1}'), Event("message", "3", b"")]
    assert rest == b""


class _Socket:
    """Stands in for the websocket: keeps the BackMsgs sent."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, data: bytes) -> None:
        self.sent.append(data)


def test_the_follower_streams_and_sends_the_fragment_rerun_the_frontend_sends() -> None:
    """A render opens /api/events; a new version there asks one rerun of the fragment, with the trigger."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from benchmarks.follow import Follower, trigger_id

    async def go() -> tuple[list[BackMsg], Follower, list[bytes]]:
        heads: list[bytes] = []
        go_on, finish = asyncio.Event(), asyncio.Event()

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            heads.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\nretry: 2000\n\n"
                         b"event: standings\nid: c7\ndata: {}\n\n")  # the version drawn: nothing to do
            await writer.drain()
            await go_on.wait()
            writer.write(b"event: standings\nid: c8\ndata: {}\n\n"
                         b'event: status\nid: c8\ndata: {"id":"c8","version":8,"stale":false}\n\n')  # one batch of two
            await writer.drain()
            await finish.wait()  # held open until the test is done with it
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        follower = Follower(0, f"ws://127.0.0.1:{port}", "", "view=delegate")
        socket = _Socket()
        follower._ws = socket  # noqa: SLF001 - the session itself is not under test
        follower._page_script_hash = "page-hash"  # noqa: SLF001
        follower._handle(_listener_msg(SHOWN).SerializeToString(), 0.0)  # noqa: SLF001
        listener = follower.listeners["follow"]
        while listener.last_event_id != "c7":  # the first frame read and handled (polled; no time bound)
            await asyncio.sleep(0.01)
        assert listener.asked == 0 and socket.sent == []  # the version drawn: handled, and nothing asked
        go_on.set()
        while listener.asked < 2 or follower._flush_scheduled or follower._sends or not socket.sent:  # noqa: SLF001
            await asyncio.sleep(0.01)  # both frames handled and every flush they scheduled sent
        follower._handle(_listener_msg({**SHOWN, "version": 8, "id": "c8"}).SerializeToString(), 0.0)  # noqa: SLF001
        shown = listener.shown.data["version"]
        for task in listener.tasks:
            task.cancel()
        await asyncio.gather(*listener.tasks, return_exceptions=True)
        finish.set()
        server.close()
        await server.wait_closed()
        messages = []
        for data in socket.sent:
            msg = BackMsg()
            msg.ParseFromString(data)
            messages.append(msg)
        assert shown == 8
        assert trigger_id("$$ID-0123-follow") == messages[0].rerun_script.widget_states.widgets[0].id
        return messages, follower, heads

    messages, follower, heads = asyncio.run(asyncio.wait_for(go(), 120))
    assert heads[0].startswith(b"GET /api/events ")
    assert len(messages) == 1  # the two frames of one read: one flush, as the frontend's setTimeout(0)
    state = messages[0].rerun_script
    assert (state.fragment_id, state.is_auto_rerun, state.page_script_hash, state.query_string) == (
        "frag-1", False, "page-hash", "view=delegate")
    (widget,) = state.widget_states.widgets
    assert json.loads(widget.json_trigger_value) == [{"event": "changed", "value": "version:1"},
                                                     {"event": "changed", "value": "status:2"}]
    assert [why for _, why in follower.triggers] == ["version:1", "status:2"]
    assert follower.record.reruns_sent == 1


def test_the_follower_ticks_while_its_stream_is_refused() -> None:
    """Not 200: the EventSource is closed for good and the fallback tick asks a rerun every data.screen s."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from benchmarks.follow import Follower

    async def go() -> tuple[list[bytes], Follower]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        follower = Follower(0, f"ws://127.0.0.1:{port}", "", "view=delegate")
        socket = _Socket()
        follower._ws = socket  # noqa: SLF001
        follower._handle(_listener_msg({**SHOWN, "screen": 0.1}).SerializeToString(), 0.0)  # noqa: SLF001
        listener = follower.listeners["follow"]
        while not (listener.streams and listener.streams[0].error) or len(listener.triggers) < 2:
            await asyncio.sleep(0.01)  # refused, and ticked twice since (polled; no time bound)
        while follower._flush_scheduled or follower._sends:  # noqa: SLF001 - every tick asked is sent
            await asyncio.sleep(0.01)
        for task in listener.tasks:
            task.cancel()
        await asyncio.gather(*listener.tasks, return_exceptions=True)
        server.close()
        await server.wait_closed()
        return socket.sent, follower

    sent, follower = asyncio.run(asyncio.wait_for(go(), 120))
    assert len(follower.streams) == 1 and follower.streams[0].error.startswith("status ")  # never reopened
    assert len(sent) >= 1
    values = []
    for data in sent:
        msg = BackMsg()
        msg.ParseFromString(data)
        values += [p["value"] for p in json.loads(msg.rerun_script.widget_states.widgets[0].json_trigger_value)]
    assert values[:2] == ["tick:1", "tick:2"] and all(v.startswith("tick:") for v in values)


def test_the_hostile_uploads_are_refused_each_for_its_own_reason(tmp_path) -> None:
    from lib.core.errors import NotAWorkbook
    from lib.edge.forms import read_form_file

    files = build_files(tmp_path)
    reasons = {"far_cell": "(ô XFD1048576) vượt giới hạn", "zip_bomb": "dung lượng sau giải nén",
               "malformed": "tệp hỏng"}
    assert set(files) == set(reasons)
    for label, data in files.items():
        with pytest.raises(NotAWorkbook, match=re.escape(reasons[label])):
            read_form_file(data, f"{label}-1.xlsx")
    assert len(files["zip_bomb"]) < 5_000_000  # within the file cap: the directory check is what refuses it


def test_upload_outcomes_group_by_file_and_count_those_under_way_during_the_edit() -> None:
    said = "Không đọc được tệp: {}: tệp hỏng"
    uploads = [{"label": "far_cell", "file": "far_cell-1.xlsx", "started": 1.0, "answered": 1.5, "seconds": 0.5,
                "said": said.format("far_cell-1.xlsx")},
               {"label": "zip_bomb", "file": "zip_bomb-2.xlsx", "started": 2.0, "answered": 4.5, "seconds": 2.5,
                "said": said.format("zip_bomb-2.xlsx")},
               {"label": "far_cell", "file": "far_cell-3.xlsx", "started": 5.0, "answered": 5.25, "seconds": 0.25,
                "said": said.format("far_cell-3.xlsx")},
               {"label": "zip_bomb", "file": "zip_bomb-4.xlsx", "started": 3.0, "answered": None, "seconds": None,
                "said": "no answer: TimeoutError"}]
    result = outcomes(uploads, (4.0, 4.8))
    assert result["during_edit"] == 2  # zip_bomb-2 answered inside it, zip_bomb-4 never answered
    assert result["by_file"]["far_cell"] == {"uploads": 2, "answered": 2, "seconds_p50": 0.5, "seconds_max": 0.5,
                                             "said": ["Không đọc được tệp: <file>: tệp hỏng"]}
    assert result["by_file"]["zip_bomb"]["answered"] == 1
    assert result["by_file"]["zip_bomb"]["said"] == ["Không đọc được tệp: <file>: tệp hỏng", "no answer: TimeoutError"]
