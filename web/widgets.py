"""Small pieces of screen shared by several pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from lib.core.config import ClusterConfig
from lib.core.evaluation import Evaluation
from lib.edge.reader import Snapshot
from lib.present.catalogue import t
from lib.present.formatting import clock, when_text
from lib.present.qr import live_address
from lib.present.status import frozen_text, ranking_status
from web import state
from web.data import shared_engine

LANGUAGES = ("vi", "en")
_COOKIE = "lang"

# The choice outlives the session: written to the address (?lang=en, kept by a reload and a shared link) and
# to a cookie (kept when the menu opens another page, whose address has no ?lang), and to /live's own key.
_REMEMBER = """<script>(function(){var l=%(lang)s;
document.cookie='lang='+l+'; path=/; max-age=31536000; SameSite=Lax';
try{localStorage.setItem('lang',l)}catch(e){}})();</script>"""


def _remembered() -> str:
    """The language the address or the browser's cookie asks for, else Vietnamese."""
    for asked in (st.query_params.get("lang"), st.context.cookies.get(_COOKIE)):
        if asked in LANGUAGES:
            return asked
    return "vi"


def language() -> str:
    """The UI language of this session: the switch's choice, else the address's or the cookie's, else Vietnamese."""
    if state.LANG not in st.session_state:
        st.session_state[state.LANG] = _remembered()
    return st.session_state.get(state.LANG) or "vi"


def _keep_language() -> None:
    chosen = st.session_state.get(state.LANG)
    if chosen not in LANGUAGES:  # a second click on the chosen segment clears it: keep the one remembered
        chosen = st.session_state[state.LANG] = _remembered()
    st.query_params["lang"] = chosen


def language_switch() -> None:
    """Tiếng Việt / English for this session's UI text, remembered across reloads, links and pages."""
    lang = language()
    st.segmented_control("Ngôn ngữ / Language", list(LANGUAGES), key=state.LANG, on_change=_keep_language,
                         format_func={"vi": "Tiếng Việt", "en": "English"}.__getitem__, label_visibility="collapsed")
    if st.query_params.get("lang") not in (None, lang):
        st.query_params["lang"] = lang
    st.html(_REMEMBER % {"lang": f"'{lang}'"}, unsafe_allow_javascript=True)
    streamlit_texts(lang)


# Streamlit has no locale: its file uploader's words are replaced by CSS (the English ones hidden, the
# catalogue's shown in their place), the select boxes get ``placeholder=`` where they are made.
_UPLOADER = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {display: none !important;}
[data-testid="stFileUploaderDropzone"] button > div::after {content: "%(browse)s"; font-size: .875rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span,
[data-testid="stFileUploaderDropzoneInstructions"] small {font-size: 0 !important;}
[data-testid="stFileUploaderDropzoneInstructions"] > div > span:first-child::after {
  content: "%(drop)s · %(limit)s"; font-size: .875rem;}
</style>"""


def streamlit_texts(lang: str) -> None:
    """Streamlit's own words (the file uploader's) in ``lang``.

    Streamlit 1.67 draws the uploader as a button "Upload" (an icon and a Markdown "Upload") and one
    line "200MB per file • XLSX"; the button's word is hidden and the catalogue's written after the
    icon, the line's words shrunk to nothing and "drop here · limit" written after them (checked in a
    browser: ``tests/test_browser_words.py``; a Streamlit upgrade that changes this layout fails it).
    """
    limit = st.get_option("server.maxUploadSize")
    st.html(_UPLOADER % {"drop": t("upload.drop", lang), "limit": t("upload.limit", lang, size=limit),
                         "browse": t("upload.browse", lang)})


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
    engine = shared_engine()
    if engine is not None and engine.down_since is not None:
        st.warning(t("shared.degraded", lang, time=clock(engine.down_since)), icon=":material/lan:")


def ranking_notices(evaluation: Evaluation, lang: str) -> None:
    """Frozen, provisional and needs-vote notices above the ranking."""
    status = ranking_status(evaluation)
    if status.unverified or status.broken_cells:
        st.error(frozen_text(status, lang), icon=":material/gpp_bad:")
    elif status.frozen is not None:
        st.success(frozen_text(status, lang), icon=":material/lock:")
    if status.frozen is not None and status.changed_since_freeze:
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
    parts = urlsplit(st.context.url or "")
    return live_address(config.public_url, f"{parts.scheme}://{parts.netloc}" if parts.netloc else "")


def rank_column(lang: str) -> dict[str, object]:
    """The rank column of a standings table wide enough for "Đồng hạng 10" (it read "Đồng h" on a phone)."""
    return {t("col.rank", lang): st.column_config.TextColumn(width=100)}
