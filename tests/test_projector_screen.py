"""The projector's live part: one build per data version and step, however many screens ask at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from lib.core.ceremony import Ceremony
from lib.core.config import load_config
from lib.core.evaluation import evaluate
from lib.edge.reader import Snapshot
from lib.edge.sources.xlsx import XlsxSource
from lib.present.projector_screen import projector_container, projector_screen
from tests.servers import ROOT
from web import projector_screen as cache

CONFIG = ROOT / "config" / "tn-dhmt-2019.toml"


def demo_snapshot(version: int = 1) -> Snapshot:
    import datetime as dt

    config = load_config(CONFIG)
    evaluation = evaluate(XlsxSource(ROOT / "config" / "demo.xlsx").read(), config, b"k")
    return Snapshot(evaluation, version, dt.datetime(2020, 3, 12, 1, 2, tzinfo=dt.UTC))


def test_five_hundred_screens_asking_at_once_cost_one_build(monkeypatch):
    monkeypatch.setenv("THIDUA_CONFIG", str(CONFIG))
    builds = []
    real = cache.projector_screen

    def counted(*args, **kwargs):
        builds.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "projector_screen", counted)
    snap = demo_snapshot(version=9001)
    state = Ceremony()
    assert cache.built(snap, state, "vi") is None
    with ThreadPoolExecutor(16) as pool:
        screens = list(pool.map(lambda _: cache.live_part(snap, state, "vi"), range(500)))
    assert len(builds) == 1 and len({id(s) for s in screens}) == 1
    assert cache.built(snap, state, "vi") is screens[0]
    cache.live_part(snap, Ceremony(active=True), "vi")  # another step is another build
    assert len(builds) == 2


def test_the_screen_covers_the_unrevealed_places_and_the_container_escapes_its_attributes():
    config = load_config(CONFIG)
    snap = demo_snapshot()
    plain = projector_screen(snap.value, config, Ceremony(), "vi", fetched_at=snap.fetched_at, stale=False)
    assert plain.count('class="rk-row') == 11 and "data-covered" not in plain and "Dữ liệu lúc" in plain
    veiled = projector_screen(snap.value, config, Ceremony(active=True), "vi", fetched_at=snap.fetched_at, stale=True)
    assert "DIỄN TẬP" in veiled and 'data-covered="1"' in veiled and "proj-stale" in veiled
    page = projector_container(plain, "en", '"abc"', 'Lost "server" <now>')
    assert 'data-src="/api/projector?lang=en"' in page and 'data-etag="&quot;abc&quot;"' in page
    assert 'data-lost="Lost &quot;server&quot; &lt;now&gt;"' in page
