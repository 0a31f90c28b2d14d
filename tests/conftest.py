"""Shared fixtures: a headless Debian Chromium for the browser tests; no time limit on property tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.redis_server import redis_server  # noqa: F401  (a real redis-server per test, for every module)
from tests.servers import launched_chromium

# Hypothesis fails an example that takes over 200 ms: a deadline is a timing assertion, and CI runs
# on a shared machine whose cores may be busy (one example took 917 ms there). No deadline anywhere.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")


@pytest.fixture
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (skipped where it is not installed)."""
    with launched_chromium() as chromium:
        yield chromium
