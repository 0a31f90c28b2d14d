"""Screen styles for the read-only views: no Streamlit chrome, large type on the projector."""

from __future__ import annotations

import streamlit as st

_NO_CHROME = """
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
footer, #MainMenu { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] {
  padding: 0.8rem 1.6rem !important; max-width: 100% !important; }
"""

_PROJECTOR = """
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #0b1320 !important; }
.stApp, .stApp p, .stApp span, .stApp div { color: #ffffff; }
.proj-title { font-size: 2.6rem; font-weight: 800; line-height: 1.15; margin: 0; }
.proj-sub { font-size: 1.5rem; opacity: 0.85; margin: 0.2rem 0 0.4rem 0; }
.proj-status { font-size: 1.5rem; font-weight: 700; padding: 0.3rem 0.8rem; border-radius: 0.4rem;
               display: inline-block; margin-right: 0.6rem; }
.proj-final { background: #1e6b34; } .proj-provisional { background: #8a5a00; } .proj-stale { background: #a4262c; }
.proj-vote { background: #5b3d99; }
.proj-rehearsal { background: #b3261e; outline: 0.2rem dashed #ffffff; }
.proj-agenda { font-size: 1.7rem; font-weight: 700; margin: 0 0 0.3rem 0; color: #ffd400 !important; }
.proj-news { font-size: 2.1rem; font-weight: 800; margin: 0.3rem 0 0 0; color: #ffd400 !important; }
.proj-posts { font-size: 1.5rem; font-weight: 700; margin: 0.4rem 0 0 0; }
.proj-qr { float: right; display: flex; gap: 0.6rem; align-items: center; font-size: 0.95rem; opacity: 0.9; }
.proj-qr img { background: #fff; padding: 4px; border-radius: 4px; width: 7.5rem; height: 7.5rem; }
"""


def hide_chrome() -> None:
    """Remove Streamlit's header, toolbar, sidebar and footer from this page."""
    st.html(f"<style>{_NO_CHROME}</style>")


def projector_style() -> None:
    """Dark, high-contrast, large type for the hall's screen."""
    st.html(f"<style>{_NO_CHROME}{_PROJECTOR}</style>")

