"""The tracker's forms: built once per data version for all sessions, and imported through the store.

An import goes straight to ``lib.edge.store.import_self_scores`` (role, frozen state, the
preview's cells re-checked under the locks, one log row per cell). It is not queued in
the outbox: the outbox carries agreed-score change sets only, and a returned form is its
own durable copy, so when the sheet cannot be written the secretary is told so plainly
and imports the same file again later (a retry of a landed import writes nothing twice).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.core.config import config_path
from lib.core.evaluation import Evaluation
from lib.core.forms import FormChange, FormReading, ImportResult
from lib.core.model import VN_TIME
from lib.core.writes import LOG_TIME_FORMAT
from lib.edge.reader import Snapshot
from lib.edge.store import import_self_scores
from lib.present.forms_xlsx import all_forms, forms_zip
from web.data import cluster_config, shared_reader


@st.cache_resource(max_entries=4, show_spinner=False)
def _forms(config: str, version: int, _snap: Snapshot[Evaluation]) -> tuple[list[tuple[str, bytes]], bytes]:
    stamp = dt.datetime.now(VN_TIME).strftime(LOG_TIME_FORMAT)
    forms = all_forms(cluster_config(), _snap.value.sheet, stamp)
    return forms, forms_zip(forms)


def forms_of(snap: Snapshot[Evaluation]) -> tuple[list[tuple[str, bytes]], bytes]:
    """Every member's (file name, form bytes) and the zip of all, for this data version."""
    return _forms(str(config_path()), snap.version, snap)


def run_import(reading: FormReading, seen: tuple[FormChange, ...], user: str, role, import_id: str) -> ImportResult:
    """Import the previewed cells; invalidates the shared data once written."""
    reader = shared_reader()
    return import_self_scores(reader.source, reading, cluster_config().provinces, user, role, seen,
                              on_saved=reader.invalidate, import_id=import_id)
