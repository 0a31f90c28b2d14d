"""``GET /api/qr``: the address the projector's QR code encodes, for checking a deployment from outside.

The projector page draws its QR code from ``web.widgets.live_url``; this answers the same
``lib.present.qr.live_address`` for the address this request came in by (as the proxy reports it:
``X-Forwarded-Proto`` and ``Host``), so ``scripts/deploy-check.sh`` can compare it with the
public address it used.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lib.present.qr import live_address
from web.data import cluster_config


async def qr(request: Request) -> Response:
    """``{"url": <what the QR code encodes>, "public_url": <[server] public_url, "" when unset>}``."""
    config = cluster_config()
    scheme = request.headers.get("x-forwarded-proto") or request.url.scheme
    host = request.headers.get("host") or request.url.netloc
    return JSONResponse({"url": live_address(config.public_url, f"{scheme}://{host}"),
                         "public_url": config.public_url}, headers={"Cache-Control": "no-cache"})


ROUTES = [Route("/api/qr", qr)]
