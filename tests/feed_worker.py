"""A server process's reading side for the shared-reader tests: ``python -m tests.feed_worker SETTINGS REDIS INTERVAL``.

SETTINGS is a ``[connections.gsheets]`` table as JSON (the local Sheets API server), REDIS a
``redis_url`` or ``-`` for none. The worker builds a ``SharedReader`` over the sheet as
``web.data`` does (with a ``Feed`` when REDIS is given) and keeps it fresh as the live
publisher's thread does (``poll``, then wait on ``wake`` until the next probe or read). It prints
one line whenever what it shows changes: ``v <version> holder <0|1> reads <sheet reads>
stale <0|1> degraded <0|1> agreed <sum of agreed scores>`` (flushed), and stops when its stdin closes.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from lib.core.config import load_config
from lib.core.parse import parse_workbook
from lib.edge import shared
from lib.edge.reader import SharedReader
from lib.edge.shared.feed import Feed, lease_seconds
from lib.edge.sources.gsheet_settings import source_from_settings


def main(argv: list[str]) -> int:
    settings, url, interval = json.loads(Path(argv[0]).read_text("utf-8")), argv[1], float(argv[2])
    members = load_config().provinces
    engine = None if url == "-" else shared.configure(url, "thidua:feed-test")
    feed = None if engine is None else Feed(engine, lease_seconds(interval))
    source = source_from_settings(settings)
    reader = SharedReader(source, lambda raw: sum(parse_workbook(raw, members).sheet.agreed.values()), ttl=interval,
                          feed=feed)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set(), reader.wake.set()), daemon=True).start()
    last = None
    while not stop.is_set():
        snap = reader.poll()
        state = (snap.version if snap else 0, int(bool(feed and feed.holder)), int(bool(snap and snap.stale)),
                 int(bool(feed and feed.degraded)), snap.value if snap else None)
        if state != last:
            reads = feed.sheet_reads if feed else reader.stats.reads
            print(f"v {state[0]} holder {state[1]} reads {reads} stale {state[2]} degraded {state[3]} "
                  f"agreed {state[4]}", flush=True)
            last = state
        reader.wake.wait(timeout=max(0.05, min(reader.probe_every, reader.seconds_to_next_read())))
        reader.wake.clear()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
