"""The Results page's part of the year's loop: next year's covenant and, for the admin, next year's files.

Both need the workbook as written (the ``TieuChiNamSau`` tab is not part of the evaluation), so
each reads the source once, when asked, never at every refresh.
"""

from __future__ import annotations

import datetime as dt
import io
from contextlib import redirect_stderr
from pathlib import Path

import streamlit as st

from lib.cli_year import run_new_year
from lib.core.config import ClusterConfig
from lib.core.errors import SourceError
from lib.core.evaluation import Evaluation
from lib.core.next_year import next_criteria
from lib.edge.sources.factory import open_source
from lib.present.catalogue import t
from lib.present.exports.covenant_docx import covenant_docx
from web.auth import is_admin

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def covenant_download(evaluation: Evaluation, config: ClusterConfig, today: dt.date, lang: str, draft: bool) -> None:
    """A button that reads the workbook once for next year's criteria, then the covenant's download."""
    label = t("year.covenant", lang, year=config.year + 1)
    if not st.button(label, icon=":material/handshake:", key="prepare-covenant"):
        return
    try:
        raw = open_source(config).read()
    except SourceError as exc:
        st.error(str(exc))
        return
    upcoming = next_criteria(raw, evaluation.sheet.criteria)
    if any(p.is_error for p in upcoming.problems):
        st.error(t("year.covenant_bad", lang, tab=upcoming.tab))
        return
    st.download_button(label, covenant_docx(upcoming.criteria, config, today, draft=draft),
                       f"giao-uoc-thi-dua-{config.year + 1}{'-du-thao' if draft else ''}.docx", DOCX,
                       icon=":material/download:", key="download-covenant")


def new_year_button(config: ClusterConfig, lang: str) -> None:
    """The admin's button: next year's TOML and workbook beside this year's config (never overwriting)."""
    if not is_admin():
        return
    folder = st.text_input(t("year.new_year_dir", lang), str(config.file.parent / str(config.year + 1)),
                           key="new-year-dir")
    if not st.button(t("year.new_year", lang, year=config.year + 1), icon=":material/event_repeat:",
                     key="new-year"):
        return
    said = io.StringIO()
    errors = io.StringIO()
    with redirect_stderr(errors):
        code = run_new_year(str(Path(folder)), None, str(config.file), said)
    if code == 0:
        st.success(said.getvalue())
    else:
        st.error(t("year.new_year_failed", lang, reason=errors.getvalue().strip()))
