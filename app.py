"""Entry point: page configuration and navigation only."""

import streamlit as st

from lib.i18n import t
from web.widgets import language

st.set_page_config(page_title=t("app.title"), page_icon=":material/leaderboard:", layout="wide")

lang = language()
navigation = st.navigation(
    [
        st.Page("pages/ranking.py", title=t("page.ranking", lang), icon=":material/leaderboard:",
                url_path="xep-hang", default=True),
        st.Page("pages/scores.py", title=t("page.scores", lang), icon=":material/table_chart:", url_path="bang-diem"),
        st.Page("pages/source.py", title=t("page.source", lang), icon=":material/cloud_sync:", url_path="nguon"),
    ]
)
navigation.run()
