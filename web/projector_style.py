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
.proj-qr { float: right; display: flex; gap: 0.6rem; align-items: center; font-size: 1.3rem; opacity: 0.95; }
.proj-qr img { background: #fff; padding: 4px; border-radius: 4px; width: 7.5rem; height: 7.5rem; }
.proj-year { font-size: 0.62em; font-weight: 600; opacity: 0.85; margin-left: 0.6em; }
/* The hall (any 16:9 projector, 1280×720 to 3840×2160): the whole screen is one column sized in vh,
   so it looks the same at every resolution; the title and the QR code sit in fixed corners, the
   header lines (agenda, banners, reveal headline, posts) take what they need up to a cap, shrinking
   and folding first, and the rows take the rest, never under ROW_MIN_VH (lib.present.projector_html). */
@media (min-width: 900px) {
  .proj-title { position: fixed; top: 1.2vh; left: 2vw; right: calc(2vw + var(--qr-w)); z-index: 3;
                font-size: 4.6vh; line-height: 1.15; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .proj-qr { --qr: 11vh; position: fixed; top: 1.2vh; right: 2vw; z-index: 3; float: none; gap: 1vw;
             font-size: 2.4vh; line-height: 1.2; max-width: calc(var(--qr) + 19vw); }
  .proj-qr img { width: var(--qr); height: var(--qr); padding: 0.5vh; box-sizing: border-box; }
  .stApp { --qr-w: calc(11vh + 20vw); }
  #proj-live { position: fixed; inset: 0; z-index: 2; box-sizing: border-box; background: #0b1320;
               padding: 7.4vh 2vw 1.4vh 2vw; display: flex; flex-direction: column; gap: 0.6vh; overflow: hidden; }
  #proj-live > .proj-status { flex: none; font-size: 2.6vh; align-self: flex-start; }
  .proj-head { flex: 0 1 auto; min-height: min(5.6vh, 100%); max-height: 32vh; overflow: hidden;
               margin-right: var(--qr-w); display: flex; flex-direction: column; gap: 0.5vh; }
  .proj-head > * { flex: none; margin: 0 !important; }
  .proj-agenda { font-size: 3vh; line-height: 1.2; }
  .proj-badges { display: flex; flex-wrap: wrap; gap: 0.6vh 0.8vw; }
  .proj-badges .proj-status { font-size: 2.5vh; line-height: 1.2; padding: 0.4vh 0.8vw; margin: 0; }
  .proj-news { font-size: 3.6vh; line-height: 1.2; }
  .proj-posts { font-size: 2.6vh; line-height: 1.2; }
}
"""


def hide_chrome() -> None:
    """Remove Streamlit's header, toolbar, sidebar and footer from this page."""
    st.html(f"<style>{_NO_CHROME}</style>")


def projector_style() -> None:
    """Dark, high-contrast, large type for the hall's screen."""
    st.html(f"<style>{_NO_CHROME}{_PROJECTOR}</style>")

