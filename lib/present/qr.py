"""A QR code as an inline SVG data URI (segno: pure Python, no image file, nothing fetched)."""

from __future__ import annotations

import segno


def qr_data_uri(text: str, scale: int = 4) -> str:
    """A ``data:image/svg+xml`` URI of a QR code encoding ``text`` (black on white, quiet zone kept).

    >>> qr_data_uri("https://example.vn/live").startswith("data:image/svg+xml")
    True
    """
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, dark="#000", light="#fff")


def live_address(public_url: str, seen: str) -> str:
    """What the projector's QR code encodes: ``public_url``'s ``/live``, else the address the browser used (``seen``).

    >>> live_address("https://thidua.example.vn", "http://10.0.0.5:8501")
    'https://thidua.example.vn/live'
    >>> live_address("", "http://10.0.0.5:8501")
    'http://10.0.0.5:8501/live'
    """
    return f"{(public_url or seen).rstrip('/')}/live"
