"""Process-wide resources for every Streamlit session: the config and the shared reader.

One ``SharedReader`` per server process (and config), so all sessions
share one read of the workbook per refresh interval and one evaluation per data version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import streamlit as st

from lib.core.config import ClusterConfig, config_path, load_config
from lib.core.errors import ConfigError, SourceError, Unavailable
from lib.core.evaluation import Evaluation
from lib.edge import secret, shared
from lib.edge.freeze_memory import evaluate_remembering, source_id
from lib.edge.reader import SharedReader, Snapshot
from lib.edge.shared.feed import Feed, lease_seconds
from lib.edge.sources import Source
from lib.edge.sources.factory import open_source
from lib.present.catalogue import t

CACHE_DIR_ENV = secret.CACHE_DIR_ENV
T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _config(path: str) -> ClusterConfig:
    return load_config(path)


def cluster_config() -> ClusterConfig:
    """The cluster configuration in use (raises ConfigError when invalid)."""
    return _config(str(config_path()))


def cache_dir() -> Path:
    """Where the last good data, the outbox and the freeze secret are kept ($THIDUA_CACHE_DIR, else .cache/)."""
    return secret.cache_dir()


_READERS: dict[str, SharedReader[Evaluation]] = {}
_READERS_LOCK = threading.Lock()


def _reader(path: str) -> SharedReader[Evaluation]:
    """The process's one reader for this config (a plain registry: serve.py's publisher and the
    Streamlit sessions share it, inside a script run or not)."""
    with _READERS_LOCK:
        reader = _READERS.get(path)
        if reader is None:
            reader = _READERS[path] = _new_reader(path)
        return reader


def _new_reader(path: str) -> SharedReader[Evaluation]:
    config = load_config(path)
    cache_file = None
    if config.source.kind != "xlsx":
        cache_file = cache_dir() / f"{Path(path).stem}.last-good.json"
    engine = shared.configure_for(config)  # with [server] redis_url: also the store's lock, the ceremony
    source = _source(config)
    workbook = source_id(source)
    return SharedReader(
        source,
        # freeze rows checked with the server's key, and against the rows this host saw signed before
        lambda raw: evaluate_remembering(raw, config, secret.key_for(raw), workbook),
        ttl=config.refresh_seconds,
        cache_file=cache_file,
        feed=None if engine is None else Feed(engine, lease_seconds(config.refresh_seconds)),
    )


def _source(config: ClusterConfig) -> Source:
    if config.source.kind != "gsheet":
        return open_source(config)
    from web.connection import GoogleSheetConnection

    overrides = {"spreadsheet": config.source.key} if config.source.key else {}
    try:
        return st.connection("gsheets", type=GoogleSheetConnection, **overrides).source
    except SourceError:
        raise
    except Exception as exc:  # a missing or malformed secrets section, said plainly
        raise Unavailable(f"chưa cấu hình được Google Sheet ([connections.gsheets] trong secrets.toml): {exc}") from exc


def shared_engine() -> shared.Shared | None:
    """The process's shared engine (``[server] redis_url``), None without one or while the config is invalid."""
    try:
        return shared.configure_for(cluster_config())
    except ConfigError:
        return None


def shared_reader() -> SharedReader[Evaluation]:
    """The one reader of this server process."""
    return _reader(str(config_path()))


def snapshot() -> Snapshot[Evaluation]:
    """The current data, read at most once per interval for the whole server."""
    return shared_reader().get()


def config_or_stop(lang: str) -> ClusterConfig:
    """The configuration, or a clear message naming the file and key, and the page stops."""
    try:
        return cluster_config()
    except ConfigError as exc:
        st.error(f"{t('error.config', lang)}: {exc}", icon=":material/settings:")
        st.stop()


def shared_reader_or_stop(lang: str) -> SharedReader[Evaluation]:
    """The shared reader, or a clear message when the source cannot even be set up."""
    return _or_no_data(shared_reader, lang)


def snapshot_or_stop(lang: str) -> Snapshot[Evaluation]:
    """The current data, or a "no data yet, retrying" message when there has never been any."""
    return _or_no_data(snapshot, lang)


def snapshot_or_wait(lang: str, seconds: float) -> Snapshot[Evaluation]:
    """The current data; while there has never been any, a "no data yet, retrying" note that
    checks again every ``seconds`` and draws the whole page once the data is there.

    For the screens that no longer rerun on a timer (the projector, the delegates' view, the
    ranking): called before their live part, so a screen opened before the first good read
    (the sheet away at start-up, nothing cached on disk) does not stay on the note.
    """
    try:
        return snapshot()
    except (SourceError, ConfigError) as exc:
        first = exc

    @st.fragment(run_every=seconds)
    def waiting() -> None:
        try:  # setting the source up can fail too (no secrets yet): a note, never an exception
            reader = shared_reader()
            if reader.background and reader.current is None:  # the publisher reads, with its backoff
                failure = reader.stats.failures[-1].message if reader.stats.failures else first
                st.warning(t("error.no_data", lang, message=failure), icon=":material/hourglass_top:")
                return
            snapshot()
        except (SourceError, ConfigError) as exc:
            st.warning(t("error.no_data", lang, message=exc), icon=":material/hourglass_top:")
            return
        st.rerun()  # the data is there: the whole page

    waiting()
    st.stop()


def _or_no_data(get: Callable[[], T], lang: str) -> T:
    try:
        return get()
    except (SourceError, ConfigError) as exc:
        st.warning(t("error.no_data", lang, message=exc), icon=":material/hourglass_top:")
        st.stop()
