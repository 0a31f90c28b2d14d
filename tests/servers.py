"""Running the real dashboard and a real browser in tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@contextlib.contextmanager
def launched_chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, closed after; the test is skipped where either is missing."""
    import pytest

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PATIENCE = 180.0  # seconds: a deadline on a condition that is awaited, generous for a machine under load
PATIENCE_MS = int(PATIENCE * 1000)  # the same for a browser's wait


def until(condition: Callable[[], object], what: str, seconds: float = PATIENCE, every: float = 0.1) -> None:
    """Poll ``condition`` until it is true; fail naming ``what`` only after a generous ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} (not within {seconds:.0f} s)"
        time.sleep(every)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dashboard(
    config: Path, env: dict[str, str] | None = None, log: Path | None = None, secrets: Path | None = None,
    app: Path = ROOT,
) -> Iterator[str]:
    """Run ``streamlit run serve.py`` of ``app`` (this checkout, or a snapshot of another commit) for ``config``
    (and a secrets file); yields its base URL."""
    port = free_port()
    environment = {**os.environ, "THIDUA_CONFIG": str(config), **(env or {})}
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app / "serve.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         *(["--secrets.files", str(secrets)] if secrets else [])],
        cwd=app, env=environment, stdout=out, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the dashboard did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            out.close()  # type: ignore[union-attr]


def live_config(tmp_path: Path, interval: int) -> tuple[Path, Path]:
    """A copy of the demo workbook and a config reading it every ``interval`` seconds."""
    workbook = tmp_path / "demo.xlsx"
    shutil.copy(ROOT / "config" / "demo.xlsx", workbook)
    text = (ROOT / "config" / "tn-dhmt-2019.toml").read_text(encoding="utf-8")
    text = text.replace('path = "demo.xlsx"', f'path = "{workbook}"')
    text = text.replace("interval_seconds = 15", f"interval_seconds = {interval}")
    config = tmp_path / "cluster.toml"
    config.write_text(text, encoding="utf-8")
    return config, workbook


def dismiss_page_not_found(page) -> None:
    """Close Streamlit's spurious "Page not found" modal on a server's first deep link (streamlit#9992)."""
    page.wait_for_timeout(1500)
    if page.get_by_text("Page not found").count():
        page.keyboard.press("Escape")
        page.get_by_text("Page not found").wait_for(state="hidden", timeout=PATIENCE_MS)


def sign_in_on_the_page(page, url: str, passcode: str, name: str = "Thư ký Cụm") -> None:
    """Open the sign-in page in a browser ``page`` and sign in with ``passcode`` under ``name``."""
    page.goto(f"{url}/dang-nhap")
    page.get_by_role("button", name="Đăng nhập").wait_for(timeout=PATIENCE_MS)
    dismiss_page_not_found(page)
    page.get_by_label("Họ tên (ghi vào nhật ký)").fill(name)
    page.get_by_label("Mã đăng nhập").fill(passcode)
    page.get_by_role("button", name="Đăng nhập").click()
