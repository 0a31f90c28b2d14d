"""Đăng nhập: the secretary or the admin signs in with a passcode; anyone else just views.

The form is plain HTML posting to ``/auth/sign-in`` (``web.signin``), which sets the signed
``HttpOnly`` cookie and sends the browser back to ``?next=`` (this page by default); signing
out posts to ``/auth/sign-out``.
"""

import streamlit as st

from lib.core.grant_token import safe_next
from lib.core.model import VN_TIME, Role
from lib.present.catalogue import t
from lib.present.signin_page import signin_form, signout_form
from web.auth import LOGIN_PATH, clear_lockouts, grant, lockouts
from web.widgets import language

lang = language()
st.title(t("page.login", lang))
back = safe_next(st.query_params.get("next"), LOGIN_PATH)
current = grant()
if current is not None:
    until = current.expires_at.astimezone(VN_TIME).strftime("%H:%M %d/%m/%Y")
    st.success(t("login.ok", lang, user=current.user, role=t(f"role.{current.role.value}", lang), until=until))
    st.caption(t("login.lasts", lang))
    st.html(signout_form(lang, LOGIN_PATH))
    if current.role is Role.ADMIN:
        locked = lockouts()
        st.caption(t("login.lockouts", lang, count=len(locked), addresses=", ".join(
            f"{address} ({until.astimezone(VN_TIME):%H:%M})" for address, until in sorted(locked.items())) or "—"))
        if st.button(t("login.clear_lockouts", lang), key="clear-lockouts"):
            st.toast(t("login.cleared", lang, count=clear_lockouts()))
    st.stop()

st.caption(t("login.intro", lang))
st.html(signin_form(lang, back))
