"""Nguồn dữ liệu: which source is live, how fresh it is, read errors, and the validation report."""

import time

import streamlit as st

from lib.present.catalogue import t
from lib.present.formatting import clock
from lib.present.tables import failures_table, problems_table
from web.data import config_or_stop, shared_reader_or_stop, snapshot_or_stop
from web.widgets import freshness, language

lang = language()
config = config_or_stop(lang)
st.title(t("page.source", lang))
reader = shared_reader_or_stop(lang)
snap = snapshot_or_stop(lang)

st.subheader(t("source.live", lang))
st.markdown(f"**{t('source.kind.' + config.source.kind, lang)}** — `{reader.source.label}`")
st.caption(t("source.interval", lang, seconds=config.refresh_seconds))
freshness(snap, lang)
last, since, per_minute, total, probes = st.columns(5)
last.metric(t("source.last_read", lang), clock(snap.fetched_at))
since.metric(t("source.age", lang), t("source.age_value", lang, seconds=snap.age_seconds()))
per_minute.metric(t("source.reads_minute", lang), reader.stats.reads_last_minute(time.monotonic()))
total.metric(t("source.reads_total", lang), reader.stats.reads)
probes.metric(t("source.probes", lang), reader.stats.probes)

st.subheader(t("source.errors", lang))
if reader.stats.failures:
    st.dataframe(failures_table(reader.stats.failures, lang), hide_index=True)
else:
    st.caption(t("source.no_errors", lang))

st.subheader(t("source.report", lang))
st.dataframe(problems_table(snap.value, lang), hide_index=True)
