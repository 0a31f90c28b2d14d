"""How long a process takes to stop on SIGTERM with N ``/api/events`` streams open, and whether each got ``bye``.

    .venv/bin/python -m benchmarks.graceful_stop 5000

One real process (``streamlit run serve.py``), N real sockets from this process; the time is from
the signal to the process gone. The test (``tests/test_deploy.py``) holds 500; this measures the
issue's 5,000 (or any N under the open-file limit).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from lib.edge.publisher import BYE
from tests.deploying import deploy_config, start_app, stop
from tests.test_deploy import _hold_then_stop


def main(count: int) -> dict[str, object]:
    """Start one process, open ``count`` streams, SIGTERM it; the figures as a dict."""
    with tempfile.TemporaryDirectory() as tmp:
        config, _ = deploy_config(Path(tmp), 15, per_address=count + 100)
        app = start_app(config, Path(tmp) / "cache", Path(tmp) / "app.log")
        try:
            took, tails = asyncio.run(_hold_then_stop(app.port, app.process, count))
        finally:
            stop(app.process)
        log = [line for line in (Path(tmp) / "app.log").read_text().splitlines() if "stopping" in line]
    return {"streams": count, "stop_seconds": round(took, 2), "told_bye": sum(t.endswith(BYE) for t in tails),
            "log": log}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)))
