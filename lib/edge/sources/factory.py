"""Choosing the source a cluster's configuration names (or a workbook given by hand).

The Google Sheet's credentials live in ``.streamlit/secrets.toml`` under
``[connections.gsheets]`` (the layout of Streamlit's Google Sheets tutorial), read here
for the command line and by ``web.connection`` inside the app.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lib.core.config import ClusterConfig
from lib.core.errors import Unavailable
from lib.edge.sources import Source
from lib.edge.sources.xlsx import XlsxSource

SECRETS_ENV = "THIDUA_SECRETS"
DEFAULT_SECRETS = Path(__file__).resolve().parents[3] / ".streamlit" / "secrets.toml"
CONNECTION = "gsheets"


def load_sheet_settings(path: Path | None = None) -> dict[str, Any]:
    """The ``[connections.gsheets]`` table of the secrets file (empty when there is none)."""
    file = path or Path(os.environ.get(SECRETS_ENV) or DEFAULT_SECRETS)
    if not file.exists():
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise Unavailable(f"{file}: không đọc được tệp bí mật: {exc}") from exc
    return dict(data.get("connections", {}).get(CONNECTION, {}))


def open_source(
    config: ClusterConfig, workbook: str | Path | None = None, sheet_settings: Mapping[str, Any] | None = None
) -> Source:
    """The local workbook at ``workbook`` if given, else the source in ``config``."""
    if workbook is not None:
        return XlsxSource(Path(workbook))
    if config.source.kind == "xlsx" and config.source.path is not None:
        return XlsxSource(config.source.path)
    from lib.edge.sources.gsheet_settings import source_from_settings  # the network client only when needed

    settings = dict(sheet_settings) if sheet_settings is not None else load_sheet_settings()
    if not settings:
        raise Unavailable(
            f"cấu hình dùng Google Sheet nhưng chưa có [connections.{CONNECTION}] trong secrets.toml "
            "(xem secrets.toml.example)")
    return source_from_settings(settings, key_override=config.source.key)
