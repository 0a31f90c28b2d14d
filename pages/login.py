"""Đăng nhập: the secretary or the admin signs in with a passcode; anyone else just views."""

import streamlit as st

from lib.core.auth import Refusal
from lib.present.catalogue import t
from web.auth import grant, sign_in, sign_out
from web.widgets import language

lang = language()
st.title(t("page.login", lang))
current = grant()
if current is not None:
    until = current.expires_at.astimezone().strftime("%H:%M %d/%m/%Y")
    st.success(t("login.ok", lang, user=current.user, role=t(f"role.{current.role.value}", lang), until=until))
    if st.button(t("login.out", lang), key="sign-out"):
        sign_out()
        st.rerun()
    st.stop()

st.caption(t("login.intro", lang))
with st.form("login"):
    name = st.text_input(t("login.name", lang), key="login-name")
    passcode = st.text_input(t("login.passcode", lang), type="password", key="login-passcode")
    submitted = st.form_submit_button(t("login.submit", lang))
if submitted:
    result = sign_in(passcode, name)
    if isinstance(result, Refusal):
        st.error(result.message, icon=":material/lock:")
    else:
        st.rerun()
