"""One tap selects a bar on a touch screen.

Plotly selects on a click only where it has hover data, and a touch screen hovers only after
the tap (the browser's emulated mouse events come after ``touchend``): the first tap showed a
tooltip, the second selected. This script gives Plotly a hover at the finger's place on
``touchstart``, so the tap's click selects at once, and hides the tooltip on screens that cannot
hover (a tooltip under a finger helps nobody; a mouse keeps it).
"""

from __future__ import annotations

import streamlit as st

_SCRIPT = """
<style>@media (hover: none) { .st-key-%(key)s .hoverlayer { display: none; } }</style>
<script>
(function () {
  if (window.__thiduaTap) return;
  window.__thiduaTap = true;
  document.addEventListener('touchstart', function (event) {
    var touch = event.touches[0];
    var target = touch && document.elementFromPoint(touch.clientX, touch.clientY);
    if (!target || !target.closest('.st-key-%(key)s .js-plotly-plot')) return;
    target.dispatchEvent(new MouseEvent('mousemove', {
      bubbles: true, cancelable: true, view: window, clientX: touch.clientX, clientY: touch.clientY}));
  }, {capture: true, passive: true});
})();
</script>
"""


def tap_selects(key: str) -> None:
    """Make one tap select a point in the Plotly chart(s) inside the container ``key``."""
    st.html(_SCRIPT % {"key": key}, unsafe_allow_javascript=True)
