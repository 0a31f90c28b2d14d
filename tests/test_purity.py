"""The functional core stays pure: no Streamlit, no network client, no file-format library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = ["model", "errors", "text", "cells", "layout", "parse", "scoring", "config", "formatting", "i18n", "template",
        "auth", "freeze", "review", "votes", "tracker", "print_view", "wording", "html_chart",
        "charts", "views", "results"]
FORBIDDEN = ["streamlit", "gspread", "google.auth", "requests", "openpyxl", "httpx", "urllib3"]


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_no_io_library(module):
    code = (
        f"import sys, lib.{module}\n"
        f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"lib.{module} pulls in {out.stdout.strip()}"


def test_every_lib_module_is_classified():
    modules = {p.stem for p in (ROOT / "lib").glob("*.py")} - {"__init__", "__main__"}
    edges = {"cli", "shared_read", "store", "outbox"}
    assert modules == set(PURE) | edges, "classify new modules as pure or edge in this test"
