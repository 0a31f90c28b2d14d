"""The tracker's forms: built once per data version for all sessions, and imported through the store.

An import goes straight to ``lib.edge.store.import_self_scores`` (role, frozen state, the
preview's cells re-checked under the locks, one log row per cell). It is not queued in
the outbox: the outbox carries agreed-score change sets only, and a returned form is its
own durable copy, so when the sheet cannot be written the secretary is told so plainly
and imports the same file again later (a retry of a landed import writes nothing twice).

An uploaded form is read once (``read_upload``: kept in the session by the upload's id), not
on every rerun while it is on the page. The read is bounded by ``lib.edge.forms``' limits and
runs in the session's script thread, never on the server's event loop, and holds no lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import streamlit as st

from lib.core.config import config_path
from lib.core.errors import SourceError
from lib.core.evaluation import Evaluation
from lib.core.forms import FormChange, FormReading, ImportResult
from lib.core.model import VN_TIME, RawWorkbook
from lib.core.writes import LOG_TIME_FORMAT
from lib.edge.forms import form_key, read_form_file
from lib.edge.reader import Snapshot
from lib.edge.store import import_self_scores
from lib.present.forms_xlsx import all_forms, forms_zip
from web.data import cluster_config, shared_reader


@st.cache_resource(max_entries=4, show_spinner=False)
def _forms(config: str, version: int, _snap: Snapshot[Evaluation]) -> tuple[list[tuple[str, bytes]], bytes]:
    stamp = dt.datetime.now(VN_TIME).strftime(LOG_TIME_FORMAT)
    forms = all_forms(cluster_config(), _snap.value.sheet, stamp, form_key())
    return forms, forms_zip(forms)


def forms_of(snap: Snapshot[Evaluation]) -> tuple[list[tuple[str, bytes]], bytes]:
    """Every member's (file name, form bytes) and the zip of all, for this data version."""
    return _forms(str(config_path()), snap.version, snap)


def run_import(reading: FormReading, seen: tuple[FormChange, ...], user: str, role, import_id: str) -> ImportResult:
    """Import the previewed cells; invalidates the shared data once written."""
    reader = shared_reader()
    return import_self_scores(reader.source, reading, cluster_config().provinces, user, role, seen,
                              on_saved=reader.invalidate, import_id=import_id)


class Upload(Protocol):
    """What ``read_upload`` needs of Streamlit's ``UploadedFile``."""

    file_id: str
    name: str

    def getvalue(self) -> bytes:
        """The file's bytes."""
        ...


UPLOAD_READ = "forms-upload-read"
"""Session key of the last upload read: (file id, rows or None, error text)."""


def read_upload(upload: Upload) -> tuple[RawWorkbook | None, str]:
    """(rows of every tab, "") or (None, why it cannot be read): read once per uploaded file, then kept."""
    kept = st.session_state.get(UPLOAD_READ)
    if kept is not None and kept[0] == upload.file_id:
        return kept[1], kept[2]
    try:
        raw, error = read_form_file(upload.getvalue(), upload.name), ""
    except SourceError as exc:
        raw, error = None, " ".join(str(exc).split())
    st.session_state[UPLOAD_READ] = (upload.file_id, raw, error)  # only the latest: one upload on the page
    return raw, error
