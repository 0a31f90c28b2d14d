"""The sign-in and sign-out forms as plain HTML (pure): embedded in the sign-in page, and served alone.

The forms post to the routes of ``web.signin`` (``/auth/sign-in``, ``/auth/sign-out``) as an
ordinary browser form, so the answer can set the ``HttpOnly`` cookie and send the browser back.
Every value is escaped; nothing here runs script. Field names avoid the properties of a form
element (``name``, ``lang`` …): Streamlit's sanitiser (DOMPurify) drops such ``name`` attributes.
"""

from __future__ import annotations

import html

from lib.present.catalogue import t

SIGN_IN, SIGN_OUT = "/auth/sign-in", "/auth/sign-out"

_CSS = """
body{margin:0;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#16181d}
main{max-width:26rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:10px;
box-shadow:0 1px 4px #0002}h1{font-size:1.4rem;margin:0 0 1rem}
"""
_FORM_CSS = """
.signin label{display:block;margin:.6rem 0 .2rem;font-size:.95rem}
.signin input[type=text],.signin input[type=password]{width:100%;box-sizing:border-box;padding:.5rem .6rem;
font:inherit;border:1px solid #9aa3b2;border-radius:6px}
.signin button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;border:0;border-radius:6px;background:#0b3d91;
color:#fff;cursor:pointer}.signin .error{background:#fde7e7;color:#7a1010;padding:.6rem .8rem;border-radius:6px;
margin:.4rem 0}.signin .note{font-size:.85rem;color:#4a5160}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def signin_form(lang: str, next_path: str, error: str | None = None, name: str = "") -> str:
    """The sign-in form (name, passcode, the page to return to, the language), with a refusal if any."""
    problem = f'<p class="error" role="alert">{_e(error)}</p>' if error else ""
    return (f"<style>{_FORM_CSS}</style>"
            f'<form class="signin" method="post" action="{SIGN_IN}">{problem}'
            f'<label for="signin-name">{_e(t("login.name", lang))}</label>'
            f'<input id="signin-name" type="text" name="user" autocomplete="name" maxlength="200" value="{_e(name)}">'
            f'<label for="signin-passcode">{_e(t("login.passcode", lang))}</label>'
            f'<input id="signin-passcode" type="password" name="passcode" autocomplete="current-password" '
            f'maxlength="1024" required>'
            f'<input type="hidden" name="next" value="{_e(next_path)}">'
            f'<input type="hidden" name="ui_lang" value="{_e(lang)}">'
            f'<button type="submit">{_e(t("login.submit", lang))}</button>'
            f'<p class="note">{_e(t("login.lasts", lang))}</p></form>')


def signout_form(lang: str, next_path: str) -> str:
    """The sign-out button: a form posting to ``/auth/sign-out``."""
    return (f"<style>{_FORM_CSS}</style>"
            f'<form class="signin" method="post" action="{SIGN_OUT}">'
            f'<input type="hidden" name="next" value="{_e(next_path)}">'
            f'<button type="submit">{_e(t("login.out", lang))}</button></form>')


def signin_page(lang: str, next_path: str, error: str | None = None, name: str = "") -> str:
    """The whole sign-in document ``GET /auth/sign-in`` serves, and a refused ``POST`` answers with."""
    title = _e(t("page.login", lang))
    return (f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body><main><h1>{title}</h1>"
            f'<p class="note">{_e(t("login.intro", lang))}</p>'
            f"{signin_form(lang, next_path, error, name)}"
            f'<p><a href="/">{_e(t("login.back", lang))}</a></p></main></body></html>')
