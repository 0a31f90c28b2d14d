"""Issue 21, points 2 and 3 in Debian's Chromium: one reveal on every public view; the projector at hall sizes.

One server, the demo frozen (the official session), the ceremony at step 1 (ranks 3, 2, 1 covered)
with an agenda item: the projector is measured at 1280×720, 1366×768, 1920×1080 and 3840×2160
(screenshots into ``test-artifacts/issue21/``); every public surface is fetched and must not name
a covered province nor state its total, the first uncovered row's gap or a margin; the signed-in
secretary still sees them, marked as not yet revealed.
"""

from __future__ import annotations

import http.client
import json
import urllib.request
from pathlib import Path

import pytest

from lib.core.auth import Role, hash_passcode
from lib.core.ceremony import Ceremony, covered
from lib.core.config import load_config
from lib.core.evaluation import evaluate
from lib.edge import ceremony as shared
from lib.edge.sources.xlsx import XlsxSource
from lib.edge.state import DB_NAME
from lib.edge.store import set_frozen
from lib.present.formatting import vn_number
from lib.present.projector_html import ROW_MIN_VH
from tests.servers import ROOT, dashboard, dismiss_page_not_found, live_config, sign_in_on_the_page

pytestmark = pytest.mark.browser
PASSCODE = "thu-ky-hoi-nghi"
SHOTS = ROOT / "test-artifacts" / "issue21"
SIZES = [(1280, 720), (1366, 768), (1920, 1080), (3840, 2160)]
STATE = Ceremony(active=True, revealed=1, agenda=2)

MEASURE = """() => {
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const rect = (el) => el.getBoundingClientRect();
  const rows = [...document.querySelectorAll('.rk-row')];
  const texts = [...document.querySelectorAll('.rk-label, .rk-bar')];
  const legend = document.querySelector('[data-testid="proj-legend"]');
  const caption = document.querySelector('[data-testid="live-qr"] span');
  return {
    rows: rows.length,
    minFont: Math.min(...texts.map(px)),
    lastRowBottom: Math.max(...rows.map((r) => rect(r).bottom)),
    firstRowTop: Math.min(...rows.map((r) => rect(r).top)),
    legendTop: rect(legend).top, legendBottom: rect(legend).bottom,
    captionFont: px(caption),
    badges: document.querySelectorAll('.proj-badges .proj-status').length,
    agenda: !!document.querySelector('[data-testid="proj-agenda"]'),
    news: !!document.querySelector('[data-testid="proj-news"]'),
    headBottom: rect(document.querySelector('.proj-head')).bottom,
    qrBottom: rect(document.querySelector('[data-testid="live-qr"]')).bottom,
  };
}"""


def first_standings_frame(url: str) -> dict:
    """The first ``event: standings`` of ``/api/events`` (read off the stream, then closed)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/api/events")
    answer = conn.getresponse()
    kind, data = "", ""
    try:
        while True:
            line = answer.readline().decode().rstrip("\n")
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind == "standings":
                data = line.split(":", 1)[1].strip()
            elif not line and data:
                return json.loads(data)
    finally:
        conn.close()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode("utf-8-sig")


def test_one_reveal_on_every_public_view_and_the_projector_at_hall_sizes(tmp_path, browser, monkeypatch):
    SHOTS.mkdir(parents=True, exist_ok=True)
    cache = tmp_path / "cache"
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(cache))
    config, workbook = live_config(tmp_path, 2)
    cluster = load_config(config)
    set_frozen(XlsxSource(workbook), cluster.provinces, "Quản trị", Role.ADMIN, True)  # the official session
    standings = evaluate(XlsxSource(workbook).read(), cluster).standings
    hidden = covered(standings, STATE.revealed)
    names = [s.province.name for s in standings if s.code in hidden]
    shown_totals = {vn_number(s.agreed_total) for s in standings if s.code not in hidden}
    secret_totals = {vn_number(s.agreed_total) for s in standings if s.code in hidden} - shown_totals
    first = next(s for s in standings if s.code not in hidden)
    gap = vn_number(min(s.agreed_total for s in standings if s.code in hidden) - first.agreed_total)
    assert len(names) == 3 and secret_totals

    def leaks(text: str) -> list[str]:
        """Covered names and covered totals (either decimal mark) found in ``text``."""
        found = [n for n in names if n in text]
        return found + [x for x in secret_totals if x in text or x.replace(",", ".") in text]

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[auth]\nsecretary = "{hash_passcode(PASSCODE)}"\n', encoding="utf-8")
    cache.mkdir(exist_ok=True)
    shared.update(cache / DB_NAME, config.stem, lambda _: STATE, "Thư ký", Role.SECRETARY)
    with dashboard(config, secrets=secrets, log=tmp_path / "streamlit.log",
                   env={"THIDUA_CACHE_DIR": str(cache)}) as url:
        # --- the projector at each hall size, every header line on -------------------------------
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}/?view=projector")
            page.wait_for_function("() => document.querySelectorAll('.rk-hidden').length === 3", timeout=60_000)
            page.locator('[data-testid="proj-news"]').wait_for(timeout=30_000)
            page.wait_for_timeout(1300)  # the bars' width transition (1.2 s) settles before the screenshot
            m = page.evaluate(MEASURE)
            page.screenshot(path=str(SHOTS / f"projector-{width}x{height}-reveal.png"))
            floor = ROW_MIN_VH / 100 * height
            assert m["agenda"] and m["news"] and m["badges"] >= 3, m
            assert m["rows"] == len(standings), m
            assert m["minFont"] >= floor - 0.5, (width, height, m)
            assert m["lastRowBottom"] <= height and m["legendBottom"] <= height, (width, height, m)
            assert m["firstRowTop"] >= m["headBottom"] - 1 and m["firstRowTop"] >= m["qrBottom"] - 1, m
            assert m["legendBottom"] >= 0.9 * height, m  # the space used: no empty bottom band
            assert m["captionFont"] >= 0.024 * height - 0.5, m  # 17 px at 720, 26 px at 1080
            body = page.inner_text("body")
            assert not leaks(body), leaks(body)
            under = page.locator(".rk-row:not(.rk-hidden) .rk-bar").first.inner_text()
            assert "(−" not in under and gap not in under, under  # no gap to the covered place above
            page.close()

        # --- every public surface holds back what the projector covers -------------------------
        surfaces = {
            "/api/standings": get(f"{url}/api/standings"),
            "/api/events": json.dumps(first_standings_frame(url), ensure_ascii=False),
            "/api/projector": get(f"{url}/api/projector"),
            "/live (served)": get(f"{url}/live"),
        }
        document = json.loads(surfaces["/api/standings"])
        assert document["held_back"] and "fingerprint" not in document
        assert [r for r in document["standings"] if r.get("covered")] == [
            {"rank": s.rank, "covered": True} for s in standings if s.code in hidden]
        public = browser.new_page(viewport={"width": 1280, "height": 900})
        public.goto(f"{url}/live")
        public.locator("li.cov").first.wait_for(timeout=30_000)
        assert public.locator("li.cov").count() == 3 and public.locator(".mg").count() == 0
        first_row = public.locator("li.row:not(.cov)").first
        assert first_row.locator(".gap").count() == 0 and first.province.name in first_row.inner_text()
        surfaces["/live (shown)"] = public.inner_text("body")
        public.screenshot(path=str(SHOTS / "live-during-reveal.png"), full_page=True)
        for path, shot in (("/?view=delegate", "delegate"), ("/", "ranking")):
            public.goto(f"{url}{path}")
            public.get_by_text("đang chờ công bố").first.wait_for(timeout=60_000)
            public.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
            public.locator(".js-plotly-plot text").first.wait_for(timeout=30_000)
            dismiss_page_not_found(public)
            surfaces[path] = public.inner_text("body") + get_frame_text(public)
            public.screenshot(path=str(SHOTS / f"{shot}-during-reveal.png"), full_page=True)
        public.goto(f"{url}/ket-qua")
        dismiss_page_not_found(public)
        button = public.get_by_role("button", name="CSV")
        button.wait_for(timeout=60_000)
        with public.expect_download() as download:
            button.click()
        surfaces["CSV (public)"] = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "chưa công bố" in surfaces["CSV (public)"]
        for surface, text in surfaces.items():
            assert not leaks(text), (surface, leaks(text))

        # --- the signed-in secretary still sees everything, marked ------------------------------
        secretary = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in_on_the_page(secretary, url, PASSCODE)
        secretary.goto(f"{url}/")
        secretary.get_by_text("CHƯA CÔNG BỐ").first.wait_for(timeout=60_000)
        secretary.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        secretary.locator(".js-plotly-plot text").first.wait_for(timeout=30_000)
        seen = secretary.inner_text("body") + get_frame_text(secretary)
        assert all(name in seen for name in names), seen
        secretary.screenshot(path=str(SHOTS / "ranking-secretary-during-reveal.png"), full_page=True)


def get_frame_text(page) -> str:
    """The text of the page's data frames and of its charts' SVG (bar labels, texts, axis ticks)."""
    frames = "\n".join(page.locator('[data-testid="stDataFrame"]').all_inner_texts())
    return frames + page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot text')].map((t) => t.textContent).join('\\n')")
