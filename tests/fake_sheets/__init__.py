"""A local fake of the Google Sheets API v4 for tests (see ``server.py`` and ``client.py``).

``FakeSheetsServer`` answers the calls gspread 6.2.1 makes, on 127.0.0.1 with no network;
``make_client`` builds a real gspread client whose requests go to it.
"""

from .client import authorized_session, make_client, mount_fake, rewrite_session, service_account_info
from .faults import KINDS, LoggedRequest
from .server import FakeSheetsServer, serve

__all__ = [
    "KINDS",
    "FakeSheetsServer",
    "LoggedRequest",
    "authorized_session",
    "make_client",
    "mount_fake",
    "rewrite_session",
    "serve",
    "service_account_info",
]
