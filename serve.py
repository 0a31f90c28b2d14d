"""The ASGI entry: the Streamlit app (``app.py``) and the live endpoints in one server.

Run with ``streamlit run serve.py`` (or any ASGI server: ``uvicorn serve:app``). Besides every
Streamlit page it serves, without a Streamlit session, ``/live``, ``/api/standings``,
``/api/events``, ``/healthz`` and ``/metrics`` (see ``web.live``), ``/api/qr`` (``web.address``), and the sign-in routes
``/auth/sign-in`` and ``/auth/sign-out`` that set and clear the signed cookie (``web.signin``);
one background publisher per process reads the source, whoever watches.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from web import address, live, signin
from web.overflow import Overflow
from web.writes import start_drainer


@asynccontextmanager
async def _lifespan(_app: object) -> AsyncIterator[None]:
    live.start()
    # The outbox's drainer from the start, not from the first page opened: after a stop or a rolling
    # restart, what a stopped process left queued (in the host's SQLite) is written with no page open.
    asyncio.get_running_loop().run_in_executor(None, start_drainer)
    try:
        yield
    finally:
        live.stop()


# The app registers its pages with st.navigation, but its screens live in a folder named pages/: a fresh
# server would take that folder for the old pages-folder navigation, and run every session's first script
# run through it, so a deep link (/bang-diem) was "not found" before app.py's own navigation found it
# (streamlit#9992, #8860). Saying so before any session starts leaves only app.py's navigation.
PagesManager.uses_pages_directory = False

app = st.App(Path(__file__).resolve().parent / "app.py", routes=[*live.ROUTES, *signin.ROUTES, *address.ROUTES],
             lifespan=_lifespan, middleware=[Middleware(Overflow)])
