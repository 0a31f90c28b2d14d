"""Hostile form uploads through the tracker's file uploader, from a headless Chromium, as a secretary would.

Used by ``benchmarks/hostile.py`` (``--uploads``); a child process of its own so that the browser's
driver and its waits neither slow nor are slowed by the load generator's event loop. The child:

1. builds three files: ``far_cell`` (a generated form with one value at T4000 and one at XFD1048576),
   ``zip_bomb`` (the form whose sheet XML is padded with 1 GB of spaces, ~1 MB compressed; built by
   ``benchmarks/forms.py``) and ``malformed`` (the form with its sheet's XML cut in half);
2. launches Debian's Chromium (Playwright), signs in on ``/dang-nhap`` as the secretary (the role
   that may upload), opens the tracker (``/tien-do``) and prints ``{"event": "ready"}``;
3. on ``go`` (a line on its stdin) uploads the three in turn, each under a name of its own
   (``far_cell-7.xlsx``), one started every ``--every`` s, at most ``--count``, until ``stop``;
   for each it prints what the page said (the alert naming that file) and the seconds from handing
   the file to the page until the alert showed (``null`` after ``--answer-timeout`` s).

Times are ``time.monotonic()``, the same clock as the parent's on Linux.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"


def build_files(tmp: Path) -> dict[str, bytes]:
    """The far-cell form, the zip bomb and the malformed form, as bytes by label."""
    import openpyxl

    from benchmarks.forms import hostile_forms, setup
    from lib.core.forms import FORM_TAB

    workbook, config = setup(tmp)
    made = hostile_forms(tmp, config, workbook)
    wb = openpyxl.load_workbook(made["value_T4000"])
    wb[FORM_TAB]["XFD1048576"] = "x"  # beside T4000's value: the read stops at the far one
    far = tmp / "far_cell.xlsx"
    wb.save(far)
    with zipfile.ZipFile(made["value_T2000"]) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part[: len(part) // 2] if name == SHEET else part)  # truncated XML
    return {"far_cell": far.read_bytes(), "zip_bomb": made["zip_bomb_1GB"].read_bytes(), "malformed": out.getvalue()}


def _emit(event: dict[str, Any]) -> None:
    print(json.dumps(event, ensure_ascii=False), flush=True)


def child(args: argparse.Namespace) -> None:
    """The browser side: build, sign in, wait for ``go``, upload until ``stop`` or ``--count``."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from tests.servers import CHROMIUM, CHROMIUM_ARGS, dismiss_page_not_found

    go, stop = threading.Event(), threading.Event()

    def listen() -> None:
        for line in sys.stdin:
            (go if line.strip() == "go" else stop).set()
        stop.set()  # the parent went away

    threading.Thread(target=listen, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="thidua-uploads-") as name:
        files = build_files(Path(name))
    patience = int(args.answer_timeout * 1000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{args.url}/dang-nhap", timeout=patience)
        page.get_by_label("Mã đăng nhập").wait_for(timeout=patience)
        dismiss_page_not_found(page)
        page.get_by_label("Họ tên (ghi vào nhật ký)").fill("Thư ký đo tải")
        page.get_by_label("Mã đăng nhập").fill(args.passcode)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_text("Đã đăng nhập: Thư ký đo tải").wait_for(timeout=patience)
        page.goto(f"{args.url}/tien-do", timeout=patience)
        dropzone = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        dropzone.wait_for(state="attached", timeout=patience)
        _emit({"event": "ready", "bytes": {k: len(v) for k, v in files.items()}})
        go.wait()
        labels = list(files)
        for i in range(args.count):
            if stop.is_set():
                break
            label = labels[i % len(labels)]
            filename = f"{label}-{i + 1}.xlsx"
            started = time.monotonic()
            said, seconds = None, None
            try:
                dropzone.set_input_files(files=[{"name": filename, "mimeType": XLSX, "buffer": files[label]}],
                                         timeout=patience)
                alert = page.locator("[data-testid='stAlert']", has_text=filename).first
                alert.wait_for(timeout=patience)
                seconds = time.monotonic() - started
                said = " ".join(alert.inner_text(timeout=patience).split())
            except PlaywrightError as exc:
                said = f"no answer: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
            _emit({"event": "upload", "label": label, "file": filename, "started": started,
                   "answered": None if seconds is None else started + seconds,
                   "seconds": None if seconds is None else round(seconds, 3), "said": said})
            stop.wait(max(0.0, started + args.every - time.monotonic()))
        browser.close()
    _emit({"event": "done"})


class Uploader:
    """The parent's handle on the child: start it, wait for it to be signed in, ``go``, ``finish``."""

    def __init__(self, port: int, passcode: str, every: float, count: int, answer_timeout: float,
                 log: Path) -> None:
        self.argv = [sys.executable, "-m", "benchmarks.uploader", "--url", f"http://127.0.0.1:{port}",
                     "--passcode", passcode, "--every", str(every), "--count", str(count),
                     "--answer-timeout", str(answer_timeout)]
        self.log = log
        self.events: list[dict[str, Any]] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reading: asyncio.Task | None = None

    async def start(self, timeout: float) -> None:
        """Start the child and wait (at most ``timeout`` s) until it is signed in on the tracker."""
        with self.log.open("ab") as err:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err,
                cwd=Path(__file__).resolve().parents[1])
        self._reading = asyncio.create_task(self._read())
        deadline = time.monotonic() + timeout
        while not any(e["event"] == "ready" for e in self.events):
            if self._reading.done() or time.monotonic() > deadline:
                raise RuntimeError(f"the uploader was not ready after {timeout:.0f} s (see {self.log})")
            await asyncio.sleep(0.2)

    async def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        async for line in self.process.stdout:
            try:
                self.events.append(json.loads(line))
            except ValueError:
                continue  # not one of ours

    def go(self) -> None:
        """Start uploading."""
        self._say(b"go\n")

    def _say(self, line: bytes) -> None:
        assert self.process is not None and self.process.stdin is not None
        if not self.process.stdin.is_closing():
            self.process.stdin.write(line)

    async def finish(self, timeout: float) -> list[dict[str, Any]]:
        """Stop after the upload under way; the uploads' outcomes (the child is killed after ``timeout`` s)."""
        assert self.process is not None and self._reading is not None
        self._say(b"stop\n")
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        await asyncio.wait_for(self._reading, 10)
        return [e for e in self.events if e["event"] == "upload"]


def outcomes(uploads: list[dict[str, Any]], edit: tuple[float, float]) -> dict[str, Any]:
    """Per file: how many, answered, seconds (p50/max), what the page said; and those under way during ``edit``."""
    by: dict[str, Any] = {}
    for label in dict.fromkeys(u["label"] for u in uploads):
        mine = [u for u in uploads if u["label"] == label]
        times = sorted(u["seconds"] for u in mine if u["seconds"] is not None)
        by[label] = {"uploads": len(mine), "answered": len(times),
                     "seconds_p50": times[len(times) // 2] if times else None,
                     "seconds_max": times[-1] if times else None,
                     "said": sorted({u["said"].replace(u["file"], "<file>") for u in mine})}
    start, end = edit
    during = [u for u in uploads if u["started"] <= end and (u["answered"] or float("inf")) >= start]
    return {"by_file": by, "during_edit": len(during)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The child's command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--passcode", required=True)
    p.add_argument("--every", type=float, default=1.0)
    p.add_argument("--count", type=int, default=60)
    p.add_argument("--answer-timeout", type=float, default=60.0)
    return p.parse_args(argv)


if __name__ == "__main__":
    child(parse_args())
