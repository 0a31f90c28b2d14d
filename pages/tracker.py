"""Tiến độ nộp: who has sent which self-scores and evidence, the forms out and the returned forms in.

The forms come pre-filled with each province's self-scores, so during the ceremony's reveal the public
gets no form of a covered province and no zip of all (a covered province's self-scores sum to its
self total); the progress table holds counts only and stays.
"""

import datetime as dt
import uuid
from collections import Counter

import streamlit as st

from lib.core.errors import CodedError, SourceError
from lib.core.form_identity import province_in_name
from lib.core.forms import WRITTEN, Status, form_changes, read_form
from lib.core.tracker import progress, supplement_due
from lib.edge.forms import form_key
from lib.present.catalogue import describe, explain, t
from lib.present.formatting import VN_TIME, vn_date
from lib.present.tables import form_changes_table, overdue_style, problems_table, tracker_table
from web import auth
from web.forms import forms_of, read_upload, run_import
from web.page import data_page
from web.reveal import covered_codes, notice, view_of

page = data_page("page.tracker")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation
view, everything = view_of(snap)  # the ceremony's covered places: held back, or marked for the secretary
notice(view, everything, lang)
st.caption(t("tracker.deadlines", lang, table=vn_date(config.self_scores_due) or "—",
             last=vn_date(supplement_due(config)) or "—"))

rows = progress(snap.value, config, dt.datetime.now(VN_TIME).date())
late = [r.province.name for r in rows if r.overdue]
if late:
    st.error(t("tracker.overdue", lang, count=len(late), names=", ".join(late)), icon=":material/schedule:")
table = tracker_table(rows, lang)
status = t("tracker.col.status", lang)
st.dataframe(table.style.map(lambda v: overdue_style(v, lang), subset=[status]), hide_index=True,
             height=36 * (len(table) + 1) + 2)  # every province visible, no scrolling box

st.subheader(t("forms.title", lang))
hidden = covered_codes(snap, view) if view.holding and not everything else frozenset()
forms, archive = forms_of(snap)
if hidden:
    st.caption(t("held.forms", lang))
else:
    st.download_button(t("forms.download_all", lang), archive, file_name=f"bieu-mau-tu-cham-{config.year}.zip",
                       mime="application/zip", key="forms-all", icon=":material/folder_zip:")
names = {p.code: p.name for p in config.provinces}
files = {p.code: form for p, form in zip(config.provinces, forms, strict=True) if p.code not in hidden}
if st.session_state.get("forms-province") not in files:
    st.session_state.pop("forms-province", None)  # a province covered since it was picked
chosen = st.selectbox(t("forms.download_one", lang), list(files), format_func=lambda c: f"{c} – {names[c]}",
                      key="forms-province", placeholder=t("widget.choose", lang))
st.download_button(t("forms.download", lang, name=names[chosen]), files[chosen][1], file_name=files[chosen][0],
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="forms-one")

me = auth.grant()
if me is None:
    st.caption(t("forms.upload_help", lang))
    st.stop()
upload = st.file_uploader(t("forms.upload", lang), type=["xlsx"], key="forms-upload")
if upload is None:
    st.stop()
raw, error = read_upload(upload)
if raw is None:
    st.error(t("forms.unreadable", lang, error=error))
    st.stop()
key = form_key()
reading = read_form(raw, config.name, config.year, config.provinces, evaluation.sheet.criteria, key, upload.name)
if reading.province is None and not reading.signed:  # a retyped table: only with the secretary's confirmation
    st.error(t("forms.refused", lang) + ": " + "; ".join(describe(p, lang) for p in reading.problems))
    named = province_in_name(upload.name, config.provinces)
    codes = [p.code for p in config.provinces]
    chosen = st.selectbox(t("forms.unsigned_province", lang), codes, format_func=lambda c: f"{c} – {names[c]}",
                          index=codes.index(named.code) if named else None, key=f"forms-unsigned-{upload.file_id}")
    if not chosen or not st.checkbox(t("forms.unsigned_confirm", lang), key=f"forms-confirm-{upload.file_id}"):
        st.stop()
    reading = read_form(raw, config.name, config.year, config.provinces, evaluation.sheet.criteria, key,
                        upload.name, config.province(chosen))
if reading.problems:
    st.dataframe(problems_table(reading.problems, lang), hide_index=True)
if reading.province is None:
    st.error(t("forms.refused", lang) + ": " + "; ".join(describe(p, lang) for p in reading.problems))
    st.stop()
st.markdown(t("forms.of", lang, name=reading.province.name, when=reading.generated_at or "—"))
changes = form_changes(reading, evaluation.sheet)
counts = Counter(c.status for c in changes)
st.info(t("forms.summary", lang, **{s.value: counts[s] for s in Status}))
if changes:
    st.dataframe(form_changes_table(changes, lang), hide_index=True)
todo = [c for c in changes if c.status in WRITTEN]
if not todo:
    st.caption(t("forms.nothing", lang))
    st.stop()
key = f"forms-import-id-{upload.file_id}"  # one id per uploaded file: a second click writes nothing twice
import_id = st.session_state.setdefault(key, uuid.uuid4().hex)
if st.button(t("forms.import", lang, count=len(todo)), type="primary", key="forms-import"):
    try:
        result = run_import(reading, changes, me.user, me.role, import_id)
    except CodedError as exc:
        st.error(explain(exc, lang))
    except SourceError as exc:
        st.error(t("forms.not_written", lang, error=str(exc)))
    else:
        st.success(t("forms.imported", lang, count=len(result.written), name=reading.province.name))
