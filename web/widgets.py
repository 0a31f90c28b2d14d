"""Small pieces of screen shared by several pages."""

from __future__ import annotations

import streamlit as st

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.core.freeze import short
from lib.edge.reader import Snapshot
from lib.present.catalogue import t
from lib.present.formatting import clock, when_text
from lib.present.status import ranking_status
from web import state


def language() -> str:
    """The UI language chosen in this session (Vietnamese by default)."""
    return st.session_state.get(state.LANG) or "vi"


def language_switch() -> None:
    """Tiếng Việt / English for this session's UI text."""
    st.segmented_control("Ngôn ngữ / Language", ["vi", "en"], key=state.LANG, default="vi",
                         format_func={"vi": "Tiếng Việt", "en": "English"}.__getitem__, label_visibility="collapsed")


def cluster_heading(config: ClusterConfig, lang: str) -> None:
    """The cluster's name and year, and the illustrative-data label when it applies."""
    st.title(config.name)
    parts = [t("year", lang, year=config.year)]
    if config.preliminary:
        parts.append(t("meeting.preliminary", lang, when=when_text(config.preliminary, lang)))
    if config.conference:
        parts.append(t("meeting.conference", lang, when=when_text(config.conference, lang)))
    st.caption(" · ".join(parts))
    if config.illustrative:
        st.warning(t("illustrative", lang), icon=":material/science:")


def freshness(snap: Snapshot[Evaluation], lang: str) -> None:
    """The stale-data banner when the source cannot be read, else the "as of" time."""
    if snap.fault:
        st.error(t("fault.banner", lang, time=clock(snap.fetched_at), message=snap.error), icon=":material/bug_report:")
    elif snap.stale:
        st.error(t("stale.banner", lang, time=clock(snap.fetched_at)), icon=":material/cloud_off:")
    else:
        st.caption(t("ranking.as_of", lang, time=clock(snap.fetched_at)))


def ranking_notices(evaluation: Evaluation, lang: str) -> None:
    """Frozen, provisional and needs-vote notices above the ranking."""
    status = ranking_status(evaluation)
    if status.frozen is not None:
        st.success(t("ranking.frozen", lang, time=status.frozen.time, fingerprint=short(status.frozen.fingerprint)),
                   icon=":material/lock:")
        if status.changed_since_freeze:
            st.error(t("freeze.differences", lang, count=status.changed_since_freeze), icon=":material/difference:")
    if status.provisional:
        st.info(t("ranking.provisional", lang, count=status.provisional), icon=":material/hourglass_top:")
    if status.needs_vote:
        st.warning(t("ranking.vote", lang, names=", ".join(status.needs_vote)), icon=":material/balance:")
    if status.by_vote:
        st.info(f"{', '.join(status.by_vote)} — {t('ranking.by_vote', lang)}", icon=":material/how_to_vote:")


def problem_summary(evaluation: Evaluation, lang: str) -> None:
    """The number of data problems, linking to the list on the scores page."""
    errors, warnings = len(evaluation.errors), len(evaluation.warnings)
    if not errors and not warnings:
        st.success(t("problems.none", lang), icon=":material/check_circle:")
        return
    icon = ":material/error:" if errors else ":material/warning:"
    st.markdown(f"{icon} {t('problems.count', lang, errors=errors, warnings=warnings)}")
    st.page_link("pages/scores.py", label=t("problems.see", lang), icon=":material/table_chart:")


def live_url(config: ClusterConfig) -> str:
    """The public address of /live: ``[server] public_url``, else the address this browser used."""
    base = config.public_url
    if not base:
        from urllib.parse import urlsplit

        parts = urlsplit(st.context.url or "")
        base = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{base}/live"


def rank_column(lang: str) -> dict[str, object]:
    """The rank column of a standings table wide enough for "Đồng hạng 10" (it read "Đồng h" on a phone)."""
    return {t("col.rank", lang): st.column_config.TextColumn(width=100)}
