"""Đăng nhập: the secretary or the admin signs in with a passcode; anyone else just views."""

import streamlit as st

from lib.core.auth import Refusal
from lib.core.model import VN_TIME, Role
from lib.present.catalogue import t, word
from web.auth import clear_lockouts, grant, lockouts, sign_in, sign_out
from web.widgets import language

lang = language()
st.title(t("page.login", lang))
current = grant()
if current is not None:
    until = current.expires_at.astimezone(VN_TIME).strftime("%H:%M %d/%m/%Y")
    st.success(t("login.ok", lang, user=current.user, role=t(f"role.{current.role.value}", lang), until=until))
    if st.button(t("login.out", lang), key="sign-out"):
        sign_out()
        st.rerun()
    if current.role is Role.ADMIN:
        locked = lockouts()
        st.caption(t("login.lockouts", lang, count=len(locked), addresses=", ".join(
            f"{address} ({until:%H:%M})" for address, until in sorted(locked.items())) or "—"))
        if st.button(t("login.clear_lockouts", lang), key="clear-lockouts"):
            st.toast(t("login.cleared", lang, count=clear_lockouts()))
    st.stop()

st.caption(t("login.intro", lang))
with st.form("login"):
    name = st.text_input(t("login.name", lang), key="login-name")
    passcode = st.text_input(t("login.passcode", lang), type="password", key="login-passcode")
    submitted = st.form_submit_button(t("login.submit", lang))
if submitted:
    result = sign_in(passcode, name)
    if isinstance(result, Refusal):
        st.error(word(result.code, result.params, lang), icon=":material/lock:")
    else:
        st.rerun()
