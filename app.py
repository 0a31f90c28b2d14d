"""Entry point: page configuration and navigation only (every page for every session).

The restricted pages (review, freeze, ceremony) are registered for everybody, so their URL always opens;
each says "sign in first" itself when the session's grant does not allow it (``web.auth.require``).

``?view=projector``, ``?view=delegate``, ``?view=print`` and ``?view=meeting`` open one read-only screen without menu.
"""

import streamlit as st

from lib.present.catalogue import t
from web.widgets import language, language_switch
from web.writes import start_drainer


def _to_ranking() -> None:
    """``/xep-hang``: the ranking's old address, kept working."""
    st.switch_page("pages/ranking.py")


st.set_page_config(page_title=t("app.title"), page_icon=":material/leaderboard:", layout="wide")

start_drainer()  # the outbox's drainer starts with the server's resources, not on the first save
lang = language()
view = st.query_params.get("view")
if view in ("projector", "delegate", "print", "meeting"):  # a read-only screen: no menu, no sign-in, nothing to edit
    st.navigation([st.Page(f"pages/{view}.py", title=t(f"page.{view}", lang), default=True)],
                  position="hidden").run()
    st.stop()
with st.sidebar:
    language_switch()

pages = [
    st.Page("pages/ranking.py", title=t("page.ranking", lang), icon=":material/leaderboard:", default=True),
    # The default page is served at "/" whatever its url_path, so "/xep-hang" would be
    # "Page not found": a hidden page of that name sends the visitor on to the ranking.
    st.Page(_to_ranking, title=t("page.ranking", lang), url_path="xep-hang", visibility="hidden"),
    st.Page("pages/scores.py", title=t("page.scores", lang), icon=":material/table_chart:", url_path="bang-diem"),
    st.Page("pages/tracker.py", title=t("page.tracker", lang), icon=":material/fact_check:", url_path="tien-do"),
    st.Page("pages/votes.py", title=t("page.votes", lang), icon=":material/how_to_vote:", url_path="binh-xet"),
    st.Page("pages/results.py", title=t("page.results", lang), icon=":material/download:", url_path="ket-qua"),
    st.Page("pages/history.py", title=t("page.history", lang), icon=":material/history:", url_path="lich-su"),
    st.Page("pages/source.py", title=t("page.source", lang), icon=":material/cloud_sync:", url_path="nguon"),
]
pages.insert(1, st.Page("pages/review.py", title=t("page.review", lang), icon=":material/edit_note:",
                        url_path="tru-bi"))
pages.insert(2, st.Page("pages/freeze.py", title=t("page.freeze", lang), icon=":material/lock:", url_path="chot"))
pages.insert(3, st.Page("pages/ceremony.py", title=t("page.ceremony", lang), icon=":material/co_present:",
                        url_path="dieu-hanh"))
pages.append(st.Page("pages/login.py", title=t("page.login", lang), icon=":material/login:", url_path="dang-nhap"))
st.navigation(pages).run()
