"""Kết quả: the files the cluster leader's board sends, built from the current data."""

import datetime as dt

import streamlit as st

from lib.core.next_year import final_results
from lib.edge.history import comparison_for
from lib.present.catalogue import t
from lib.present.exports import conference_minutes_docx, minutes_docx, standings_csv, summary_xlsx
from lib.present.exports.papers_docx import award_proposal_docx, results_report_docx
from lib.present.formatting import VN_TIME
from web.live import ceremony_now
from web.page import data_page
from web.reveal import notice, seen, view_of
from web.widgets import ranking_notices
from web.year_papers import covenant_download, new_year_button

page = data_page("page.results")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation
stem = f"thi-dua-{config.year}"
today = dt.datetime.now(VN_TIME).date()
history, history_error = comparison_for(config, evaluation)  # [history]: last year, read once per process
view, everything = view_of(snap)  # during the reveal the public gets the CSV as the projector shows it
ranking_notices(seen(snap, view, everything), lang)  # a tie on a covered award line names covered provinces
if view.holding and not everything:
    st.info(t("held.downloads", lang), icon=":material/hourglass_top:")
    st.download_button(t("results.csv", lang), standings_csv(evaluation, ceremony_now()), f"{stem}-xep-hang.csv",
                       "text/csv", icon=":material/csv:", key="download-csv")
    st.stop()
notice(view, everything, lang)

st.download_button(t("results.xlsx", lang), summary_xlsx(evaluation, config, history), f"{stem}-tong-hop.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table_view:", key="download-xlsx")
st.download_button(t("results.docx", lang), minutes_docx(evaluation, config, today), f"{stem}-bien-ban.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   icon=":material/description:", key="download-docx")
st.download_button(t("results.conference_docx", lang), conference_minutes_docx(evaluation, config, today),
                   f"{stem}-bien-ban-hoi-nghi-chinh-thuc.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   icon=":material/description:", key="download-conference-docx")
st.download_button(t("results.csv", lang), standings_csv(evaluation), f"{stem}-xep-hang.csv", "text/csv",
                   icon=":material/csv:", key="download-csv")
st.link_button(t("results.print", lang), "/?view=print", icon=":material/print:")

# The year's loop (issue 22): the papers to the Central Board, the covenant, and next year's files.
final = final_results(evaluation)
if not final:
    st.warning(t("year.draft_only", lang))
tail = "" if final else "-du-thao"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
st.download_button(t("year.report", lang),
                   results_report_docx(evaluation, config, today, draft=not final, history=history,
                                       history_error=history_error),
                   f"bao-cao-ket-qua-thi-dua-{config.year}{tail}.docx", DOCX, icon=":material/summarize:",
                   key="download-report")
st.download_button(t("year.proposal", lang), award_proposal_docx(evaluation, config, today, draft=not final),
                   f"to-trinh-khen-thuong-{config.year}{tail}.docx", DOCX, icon=":material/military_tech:",
                   key="download-proposal")
covenant_download(evaluation, config, today, lang, draft=not final)
new_year_button(config, lang)
