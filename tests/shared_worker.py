"""A store process for the shared-engine tests: ``python -m tests.shared_worker SETTINGS REDIS CELL``.

SETTINGS is a ``[connections.gsheets]`` table as JSON (the local Sheets API server), REDIS a
``redis_url`` or ``-`` for none, CELL ``[criterion, province, old, new]`` as JSON. The worker
opens the sheet, reads it once (the metadata is fetched then, not in the race), prints ``ready``
and waits for a line on its stdin: the test's barrier, sent to every worker at once. Then it
saves the cell through ``lib.edge.store.save`` and prints ``saved``, ``conflict <value now>`` or
``error <type>: <text>`` (flushed).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from lib.core.config import load_config
from lib.core.errors import ChangeSetConflict
from lib.core.model import Adjustment, ChangeSet, Role
from lib.edge import shared
from lib.edge.sources.gsheet_settings import source_from_settings
from lib.edge.store import save


def main(argv: list[str]) -> int:
    settings, url, cell = json.loads(Path(argv[0]).read_text("utf-8")), argv[1], json.loads(argv[2])
    if url != "-":
        shared.configure(url, "thidua-test")
    source = source_from_settings(settings)
    source.read()
    members = load_config().provinces
    criterion, province, old, new = cell
    change = ChangeSet(f"writer {new}", Role.SECRETARY, (Adjustment(
        criterion, province, None if old is None else Decimal(old), Decimal(new), "hai tiến trình cùng lưu"),))
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        save(source, change, members)
    except ChangeSetConflict as exc:
        print("conflict", *(str(c.now) for c in exc.conflicts), flush=True)
    except Exception as exc:  # noqa: BLE001 - reported to the test, never hidden
        print(f"error {type(exc).__name__}: {exc}", flush=True)
    else:
        print("saved", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
