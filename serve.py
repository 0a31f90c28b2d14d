"""The ASGI entry: the Streamlit app (``app.py``) and the live endpoints in one server.

Run with ``streamlit run serve.py`` (or any ASGI server: ``uvicorn serve:app``). Besides every
Streamlit page it serves, without a Streamlit session, ``/live``, ``/api/standings``,
``/api/events``, ``/healthz`` and ``/metrics`` (see ``web.live``), and the sign-in routes
``/auth/sign-in`` and ``/auth/sign-out`` that set and clear the signed cookie (``web.signin``);
one background publisher per process reads the source, whoever watches.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from web import live, signin
from web.overflow import Overflow


@asynccontextmanager
async def _lifespan(_app: object) -> AsyncIterator[None]:
    live.start()
    try:
        yield
    finally:
        live.stop()


app = st.App(Path(__file__).resolve().parent / "app.py", routes=[*live.ROUTES, *signin.ROUTES], lifespan=_lifespan,
             middleware=[Middleware(Overflow)])
