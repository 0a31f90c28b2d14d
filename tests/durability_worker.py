"""A writer process for the fault tests: ``python -m tests.durability_worker MODE BOOK DB [CELLS]``.

BOOK is a local workbook, or ``gsheet:SETTINGS.json`` for a Google Sheet (the local Sheets API
server of the tests): a ``[connections.gsheets]`` table as JSON.

``write``: for each cell of CELLS (JSON: ``[[criterion, province, old, new], ...]``) submit one
change set through the outbox and the store, as a dashboard process does, printing
``start <id>`` before and ``<status> <id>`` after each (flushed, so a ``kill -9`` cannot
hide a line it printed). With ``THIDUA_WORKER_STEP=1`` in its environment it then waits for a
line on its stdin before the next change set, so a test can act between two saves (switch a
server off) without racing the writer. ``drain``: one drain of the outbox after a restart, printing its
report as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

from lib.core.config import load_config
from lib.core.model import VN_TIME, Adjustment, ChangeSet, Role
from lib.edge.outbox import Outbox
from lib.edge.sources import Source
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.store import save


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _source(book: str) -> Source:
    if book.startswith("gsheet:"):
        from lib.edge.sources.gsheet_settings import source_from_settings

        return source_from_settings(json.loads(Path(book.removeprefix("gsheet:")).read_text(encoding="utf-8")))
    return XlsxSource(Path(book))


def main(argv: list[str]) -> int:
    mode, db = argv[0], Path(argv[2])
    members = load_config().provinces
    source = _source(argv[1])
    box = Outbox(db, queue="durability")

    def save_fn(cs: ChangeSet) -> object:
        return save(source, cs, members)

    if mode == "drain":
        later = dt.datetime.now(VN_TIME) + dt.timedelta(hours=1)  # past any lease a killed writer left
        report = box.drain(save_fn, now=later, force=True)
        print(json.dumps({"saved": list(report.saved), "parked": list(report.parked), "remaining": report.remaining,
                          "quarantined": report.quarantined}))
        return 0
    step = os.environ.get("THIDUA_WORKER_STEP") == "1"
    for criterion, province, old, new in json.loads(argv[3]):
        cs = ChangeSet(f"writer-{argv[4] if len(argv) > 4 else 0}", Role.SECRETARY,
                       (Adjustment(criterion, province, _dec(old), _dec(new), "kiểm thử nhiều tiến trình"),))
        print(f"start {cs.id} {criterion} {province} {new}", flush=True)

        def accept_then_save(change_set: ChangeSet) -> object:
            # called only once the change set is in the outbox (write-ahead): from here it is accepted
            print(f"accepted {change_set.id}", flush=True)
            return save_fn(change_set)

        try:
            status = box.submit(accept_then_save, cs).status
        except Exception as exc:  # noqa: BLE001 - reported, never hidden
            print(f"refused {cs.id} {type(exc).__name__}: {exc}", flush=True)
        else:
            print(f"{status} {cs.id}", flush=True)
        if step:
            sys.stdin.readline()  # the test says when to go on
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
