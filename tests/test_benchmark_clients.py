"""The load generator's small protocol parts: SSE frames, the projector page's container, HTTP answers."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from benchmarks.projector import Connection, container_attributes, read_response
from benchmarks.sse import parse_frames

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
        await asyncio.sleep(0.1)
        statuses.append((await connection.get("/api/projector")).status)
        connection.close()
        server.close()
        await server.wait_closed()
        return statuses, requests, connection.opened

    statuses, requests, opened = asyncio.run(go())
    assert statuses == [200, 200]
    assert opened == 2
    assert requests[0].startswith(b"GET /api/projector HTTP/1.1\r\n") and b'If-None-Match: "t"' in requests[0]
