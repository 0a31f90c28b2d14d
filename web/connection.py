"""``st.connection("gsheets", type=GoogleSheetConnection)``: the shared Google Sheet in the app.

Reads the ``[connections.gsheets]`` section of ``.streamlit/secrets.toml`` (sheet URL or
key and the service-account key fields) and hands out a ``GoogleSheetSource``; keyword
arguments to ``st.connection`` override the secrets, as with Streamlit's own connections.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.connections import BaseConnection

from lib.edge.sources.gsheet import GoogleSheetSource
from lib.edge.sources.gsheet_settings import source_from_settings


class GoogleSheetConnection(BaseConnection[GoogleSheetSource]):
    """A Streamlit connection whose raw instance is the project's Google Sheet source."""

    def _connect(self, **kwargs: Any) -> GoogleSheetSource:
        # st.secrets rather than self._secrets: the same file in production, and the one
        # AppTest replaces in tests (connections keep their own copy in Streamlit 1.67).
        section = st.secrets.get("connections", {}).get(self._connection_name, {})
        settings = {**dict(section), **kwargs}
        return source_from_settings(settings, key_override=kwargs.get("spreadsheet"))

    @property
    def source(self) -> GoogleSheetSource:
        """The underlying source (reads and writes go through the shared reader and the store)."""
        return self._instance
