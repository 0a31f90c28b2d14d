"""Issue 21, point 9 in Chromium: the meeting's hall screen fits 1280×720, 1366×768, 1920×1080 and 3840×2160.

The secretary's shared state is written the way her review page writes it (``lib.edge.meeting.share``
into the host's state database); the screen follows it through ``/api/events``. At each size: nothing
past the viewport (every element's box, the document's scroll size, nothing cut inside the band of
agreed criteria), every open row's text at least ``DETAIL_VH`` % of the viewport height and every other
text at least ``SUMMARY_VH`` %, the pending
change's row on screen; with 29 open criteria the rows are paged, every page fits, the pages cover
every open criterion once, the page of the pending change comes first, and the pages turn by themselves.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from lib.core.meeting import Meeting
from lib.core.model import Adjustment, Role
from lib.edge.meeting import share
from lib.edge.state import DB_NAME
from lib.present.meeting_layout import DETAIL_VH, ROTATE_SECONDS, ROW_VH, SUMMARY_VH
from tests.servers import PATIENCE_MS, ROOT, dashboard, live_config

pytestmark = pytest.mark.browser
ART = ROOT / "test-artifacts" / "issue21"
SIZES = [(1280, 720), (1366, 768), (1920, 1080), (3840, 2160)]  # 3840×2160 at device_scale_factor 1
D = Decimal
DEMO = Meeting("51", (Adjustment("1.1", "51", D("7.50"), D("5"), "GRDP"),
                      Adjustment("1.2", "51", D("5.50"), D("4.5"), "Thu ngân sách")))
CRITERIA = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3",
            "3.4", "4.1", "4.2", "4.3", "4.4", "4.5", "5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "7.1", "7.2"]
PAGED = Meeting("54", (Adjustment("6.2", "54", None, D("1"), "Đăng cai hội nghị"),))  # Phú Yên: nothing agreed yet

# Everything the test reads from the page in one go, right after the pager laid the rows out again
# (``layout(false)``: the page of the pending change, as after any new fragment), so no page turn
# can fall between the layout and the reading.
MEASURE = """([minVh, leastVh, relayout]) => {
  if (relayout) window.__thiduaHall.layout(false);
  const W = innerWidth, H = innerHeight, U = Math.min(H, 0.75 * W), out = [], small = [], tiny = [];
  const seen = e => e.checkVisibility ? e.checkVisibility() : e.getClientRects().length > 0;
  const name = e => (e.getAttribute('data-testid') || e.className || e.tagName) + ': '
                    + (e.textContent || '').trim().slice(0, 50);
  const live = document.getElementById('meet-live');
  for (const e of [document.querySelector('.meet-cluster'), live, ...live.querySelectorAll('*')]) {
    if (!e || !seen(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const px = parseFloat(getComputedStyle(e).fontSize);
    if ([...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && px < leastVh / 100 * U - 0.05)
      tiny.push([name(e), px]);
    if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
      out.push([name(e), Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)]);
  }
  const rows = [...live.querySelectorAll('tr.meet-open')].filter(seen);
  for (const row of rows) {
    for (const e of [row, ...row.querySelectorAll('*')]) {
      const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      const px = parseFloat(getComputedStyle(e).fontSize);
      if (own && px < minVh / 100 * U - 0.05) small.push([name(e), px]);
    }
  }
  const cut = [...live.querySelectorAll('.meet-foot, .meet-settled, .meet-side')]
    .filter(e => e.scrollHeight > e.clientHeight + 1).map(name);
  const area = live.querySelector('.meet-rows');
  const floor = area ? area.getBoundingClientRect().bottom : H;
  for (const row of rows) if (row.getBoundingClientRect().bottom > floor + 0.5) cut.push(name(row));
  const pending = live.querySelector('tr.meet-changed');
  const pr = pending && pending.getBoundingClientRect();
  const fonts = rows.length ? parseFloat(getComputedStyle(rows[0].querySelector('.meet-name')).fontSize) : 0;
  return {W, H, scrollH: document.documentElement.scrollHeight, scrollW: document.documentElement.scrollWidth,
          out, small, tiny, cut, shown: rows.map(r => r.getAttribute('data-code')),
          pending: pending ? pending.getAttribute('data-code') : null,
          pendingOnScreen: !!pending && seen(pending) && pr.top >= 0 && pr.bottom <= H && pr.height > 0,
          page: live.getAttribute('data-page'), label: (live.querySelector('.meet-page') || {}).textContent,
          namePx: fonts, pages: window.__thiduaHall.pages.length};
}"""


def fits(m: dict, where: str) -> None:
    """Nothing past the viewport, nothing cut in the band, every open row's text at least the minimum."""
    assert m["scrollH"] <= m["H"] and m["scrollW"] <= m["W"], (where, m)
    assert m["out"] == [], (where, m["out"])
    assert m["cut"] == [], (where, m["cut"])
    assert m["small"] == [], (where, m["small"])
    assert m["tiny"] == [], (where, m["tiny"])


def open_hall(browser, url: str, size: tuple[int, int], province: str):  # noqa: ANN001, ANN201
    """The hall screen at ``size`` once it shows ``province`` and the web font has loaded."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{url}/?view=meeting")
    page.wait_for_function(f"() => document.querySelector('[data-testid=meet-province]')?.textContent"
                           f".includes({json.dumps(province)}) && !!window.__thiduaHall",
                           timeout=PATIENCE_MS, polling=100)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return context, page


def hall_with_whatif(browser, url: str, size: tuple[int, int], province: str, shot: str):  # noqa: ANN001, ANN201
    """The hall screen at ``size`` showing ``province`` and its what-if, measured and photographed as ``shot``."""
    context, page = open_hall(browser, url, size, province)
    page.get_by_test_id("meet-whatif").wait_for(timeout=PATIENCE_MS)
    m = page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, True])
    page.screenshot(path=str(ART / f"{shot}-{size[0]}x{size[1]}.png"))
    return context, page, m


def test_the_hall_screen_fits_every_hall_size_in_type_read_from_the_back(tmp_path, browser):
    ART.mkdir(parents=True, exist_ok=True)
    config, _ = live_config(tmp_path, 15)
    cache = tmp_path / "cache"
    cache.mkdir()
    db, queue = cache / DB_NAME, config.stem
    share(db, queue, DEMO, "Thư ký Cụm", Role.SECRETARY)
    report, scale = [], []
    with dashboard(config, log=tmp_path / "streamlit.log", env={"THIDUA_CACHE_DIR": str(cache)}) as url:
        # the demo province with an unsaved what-if: its two changed criteria open, the rest folded
        for size in SIZES:
            context, page = open_hall(browser, url, size, "Quảng Ngãi")
            page.get_by_test_id("meet-whatif").wait_for(timeout=PATIENCE_MS)
            m = page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, True])
            fits(m, f"Quảng Ngãi {size}")
            assert m["shown"] == ["1.1", "1.2"] and m["pendingOnScreen"], m
            assert m["pages"] == 1 and m["label"] == "", m  # two rows need no pages
            settled = page.get_by_test_id("meet-settled").text_content()
            assert "Đã thống nhất (27)" in settled and "7.2" in settled
            assert "chưa lưu" in page.get_by_test_id("meet-whatif").text_content().lower()
            page.screenshot(path=str(ART / f"meeting-{size[0]}x{size[1]}.png"))
            scale.append(m["namePx"] / m["H"] * 100)
            report.append(f"Quảng Ngãi {size[0]}x{size[1]}: name {m['namePx']:.1f} px "
                          f"({m['namePx'] / m['H'] * 100:.2f} vh), 2 open rows, 27 folded")
            context.close()

        # two open rows grow into the room they leave (never under ROW_VH), alike at every size
        assert min(scale) >= ROW_VH - 0.01 and max(scale) - min(scale) < 0.1, scale

        # a province with nothing agreed yet: 29 open rows, paged; the pending change's page first
        share(db, queue, PAGED, "Thư ký Cụm", Role.SECRETARY)
        for size in SIZES:
            context, page = open_hall(browser, url, size, "Phú Yên")
            first = page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, True])
            fits(first, f"Phú Yên {size}")
            assert first["pages"] > 1 and first["pendingOnScreen"] and first["pending"] == "6.2", first
            pages = first["pages"]
            assert first["label"] == f"· trang {first['page']}", first
            page.screenshot(path=str(ART / f"meeting-paged-{size[0]}x{size[1]}.png"))
            seen, m = [first["shown"]], first
            for _ in range(pages - 1):
                page.evaluate("() => window.__thiduaHall.next()")
                m = page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, False])
                fits(m, f"Phú Yên {size} page {m['page']}")
                assert m["shown"], m
                seen.append(m["shown"])
            assert sorted(sum(seen, []), key=CRITERIA.index) == CRITERIA  # every open criterion, once
            report.append(f"Phú Yên {size[0]}x{size[1]}: {pages} pages of {[len(s) for s in seen]} rows, "
                          f"the pending 6.2 first (page {first['page']})")
            if size == SIZES[0]:
                # the lost-connection badge (the follow script puts it first in the container) takes a line
                # from the rows: they are laid out again and still fit (shown on the fullest page)
                most = max(len(rows) for rows in seen)
                while len(page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, False])["shown"]) != most:
                    page.evaluate("() => window.__thiduaHall.next()")
                page.evaluate("() => { const b = document.createElement('p'); b.className = 'meet-badge meet-stale';"
                              " b.setAttribute('data-testid', 'meet-lost'); b.textContent = 'Mất kết nối';"
                              " const el = document.getElementById('meet-live'); el.insertBefore(b, el.firstChild); }")
                page.wait_for_function("() => !!document.querySelector('[data-testid=meet-lost]')", timeout=PATIENCE_MS)
                fits(page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, False]), "Phú Yên with the lost badge")
                assert page.evaluate("() => { const a = document.querySelector('#meet-live .meet-rows');"
                                     " return a.clientHeight - a.querySelector('thead').getBoundingClientRect()"
                                     ".height - window.__thiduaHall.room; }") == pytest.approx(0, abs=1)
                page.evaluate("() => document.querySelector('[data-testid=meet-lost]').remove()")
                # the pages turn by themselves: wait for the condition, not for a time
                before = page.evaluate("() => document.getElementById('meet-live').getAttribute('data-page')")
                page.wait_for_function(f"() => document.getElementById('meet-live').getAttribute('data-page')"
                                       f" !== {json.dumps(before)}", timeout=ROTATE_SECONDS * 1000 * 5, polling=200)
            context.close()
    print("\n" + "\n".join(report))
    (ART / "meeting-sizes.txt").write_text("\n".join(report) + "\n", encoding="utf-8")


ODD_SIZES = [(1024, 768), (800, 600), (1280, 1024), (2560, 1080),  # 4:3 and SVGA projectors, a 5:4 monitor, ultrawide
             (1080, 1920)]  # a standing (portrait) screen
LONG_PROVINCE = "Thành phố Hồ Chí Minh mở rộng gồm Bình Dương và Bà Rịa – Vũng Tàu"
NO_SPACE = "Tỷ_lệ_hộ_nghèo_theo_chuẩn_nghèo_đa_chiều_giai_đoạn_2016–2020_giảm_so_với_cuối_năm_trước"
BUSY = Meeting("52", tuple(Adjustment(c, "52", None, D("0"), "x") for c in ("1.1", "1.2", "1.4", "2.1"))
               + tuple(Adjustment("1.3", p, None, D("0"), "x") for p in ("49", "54", "56", "58")))


def test_the_hall_screen_fits_4_3_5_4_svga_and_ultrawide_screens_with_long_names(tmp_path, browser):
    """An old 800×600 or 1024×768 projector, a 5:4 monitor, an ultrawide, a standing screen; a criterion's name with
    no space in it (it widened the table past the screen, and the rows measured at that width were cut on the other
    pages), a long province name and a what-if of many lines."""
    import openpyxl

    ART.mkdir(parents=True, exist_ok=True)
    config, workbook = live_config(tmp_path, 15)
    config.write_text(config.read_text(encoding="utf-8").replace('name = "Bình Định"', f'name = "{LONG_PROVINCE}"'),
                      encoding="utf-8")
    book = openpyxl.load_workbook(workbook)
    for row in book["TieuChi"].iter_rows(min_row=2):
        if row[0].value == "1.4":
            row[2].value = NO_SPACE
    book.save(workbook)
    cache = tmp_path / "cache"
    cache.mkdir()
    share(cache / DB_NAME, config.stem, BUSY, "Thư ký Cụm", Role.SECRETARY)
    with dashboard(config, log=tmp_path / "streamlit.log", env={"THIDUA_CACHE_DIR": str(cache)}) as url:
        for size in ODD_SIZES:
            context, page = open_hall(browser, url, size, LONG_PROVINCE)
            first = page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, True])
            page.screenshot(path=str(ART / f"meeting-odd-{size[0]}x{size[1]}.png"))
            fits(first, f"{size}")
            seen = [first["shown"]]
            for _ in range(first["pages"] - 1):
                page.evaluate("() => window.__thiduaHall.next()")
                m = page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, False])
                fits(m, f"{size} page {m['page']}")
                seen.append(m["shown"])
            assert sorted(sum(seen, []), key=CRITERIA.index) == CRITERIA, (size, seen)  # every one, once
            context.close()


NO_SPACE_PROVINCE = "Tỉnh_Bình_Định_mở_rộng_không_có_dấu_cách_nào_trong_tên_gọi_này"


def _hall_server(tmp_path, meeting: Meeting, renamed: dict[str, str] | None = None):  # noqa: ANN202
    """The dashboard with ``meeting`` shared, provinces renamed (their old names kept as aliases, so the
    workbook's rows still match them)."""
    config, _ = live_config(tmp_path, 15)
    text = config.read_text(encoding="utf-8")
    for old, new in (renamed or {}).items():
        text = text.replace(f'name = "{old}"', f'name = "{new}"\naliases = ["{old}"]')
    config.write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    share(cache / DB_NAME, config.stem, meeting, "Thư ký Cụm", Role.SECRETARY)
    return dashboard(config, log=tmp_path / "streamlit.log", env={"THIDUA_CACHE_DIR": str(cache)})


def test_a_province_name_with_no_space_breaks_in_the_title_and_the_what_if(tmp_path, browser):
    """A province's name with no space in it ran the title past the right edge and pushed the "as of" clock
    off the screen, at every size; in the what-if the open province's line showed its arrow alone and the
    name cut, never its scores, and the others' "vượt …" ran past the box's edge."""
    ART.mkdir(parents=True, exist_ok=True)
    meeting = Meeting("52", (Adjustment("1.1", "52", None, D("5"), "x"),))
    with _hall_server(tmp_path, meeting, {"Bình Định": NO_SPACE_PROVINCE}) as url:
        for size in [(1280, 720), (1024, 768), (1080, 1920)]:
            context, page, m = hall_with_whatif(browser, url, size, NO_SPACE_PROVINCE[:20], "meeting-nospace-title")
            head = [o for o in m["out"] if o[0].startswith(("meet-province", "meet-asof", "meet-head"))]
            assert head == [] and m["scrollW"] <= m["W"], (size, m["out"])
            lines = page.evaluate("""() => [...document.querySelectorAll('#meet-live .meet-moves li')].map(li => {
              const b = li.getBoundingClientRect(), box = li.closest('.meet-box').getBoundingClientRect();
              return [li.textContent, li.scrollWidth <= li.clientWidth + 1 && b.right <= box.right + 0.5,
                      li.scrollHeight <= li.clientHeight + 1]; })""")
            assert all(wide for _, wide, _ in lines), (size, lines)
            assert lines[0][0].startswith(f"▼\u00a0{NO_SPACE_PROVINCE}: ") and lines[0][2], (size, lines[0])  # whole
            context.close()


ALL_AGREED = Meeting("51", (Adjustment("1.2", "49", None, D("0"), "x"),))  # Quảng Ngãi: all 29 agreed; a change on 49


def test_with_nothing_left_open_the_band_takes_the_screen_and_nothing_in_it_is_cut(tmp_path, browser):
    """All of the open province's criteria agreed and a change pending elsewhere: the band of agreed criteria,
    the what-if and the last saved change were held to 36 % of the height and cut at its bottom (the last
    saved change half shown), with the rest of the screen empty above."""
    ART.mkdir(parents=True, exist_ok=True)
    with _hall_server(tmp_path, ALL_AGREED) as url:
        for size in [(1280, 720), (1024, 768), (1280, 1024)]:
            context, page, m = hall_with_whatif(browser, url, size, "Quảng Ngãi", "meeting-all-agreed")
            fits(m, f"{size}")
            assert m["shown"] == [] and page.get_by_test_id("meet-last").is_visible(), m
            context.close()


def test_a_standing_tablet_is_a_hall_screen_too_and_breaks_no_word(tmp_path, browser):
    """A standing 768×1024 tablet (or a 720×1280 screen) fell back to a phone's page sized by its height: a
    criterion's name got a column a few letters wide and broke inside its words ("trưở / ng", "GRD / P"), a
    row ran a whole screen tall, the page scrolled."""
    ART.mkdir(parents=True, exist_ok=True)
    with _hall_server(tmp_path, DEMO) as url:
        for size in [(768, 1024), (720, 1280), (640, 960)]:
            context, page, m = hall_with_whatif(browser, url, size, "Quảng Ngãi", "meeting-standing")
            fits(m, f"{size}")
            assert m["shown"] == ["1.1", "1.2"] and m["pendingOnScreen"], m
            # every word of a criterion's name on one line: the name cell is at least as wide as its longest word
            broken = page.evaluate("""() => [...document.querySelectorAll('#meet-live tr.meet-open .meet-name')]
              .filter(td => { const r = document.createRange(), t = td.firstChild, words = [];
                let at = 0;
                for (const w of t.textContent.split(' ')) { words.push([at, at + w.length]); at += w.length + 1; }
                return words.some(([a, b]) => { r.setStart(t, a); r.setEnd(t, b);
                                                return r.getClientRects().length > 1; }); })
              .map(td => td.firstChild.textContent)""")
            assert broken == [], (size, broken)
            context.close()


def test_a_band_fuller_than_its_room_gives_up_the_last_saved_change_not_the_what_if(tmp_path, browser):
    """The what-if and the last saved change beside the agreed criteria ran past the band's 36 % of the height:
    in English on a 1024×768 projector the last saved change lost its bottom line and border, with a what-if of
    long lines at 1280×720 it showed as a bare top border under the what-if, whose own bottom was cut. The last
    saved change now gives way, a line at a time and then whole; the what-if is always whole."""
    ART.mkdir(parents=True, exist_ok=True)
    with _hall_server(tmp_path, DEMO) as url:
        for size, lang in [((1024, 768), "en"), ((800, 600), "en"), ((1024, 768), "vi")]:
            context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{url}/?view=meeting" + ("&lang=en" if lang == "en" else ""))
            page.get_by_test_id("meet-whatif").wait_for(timeout=PATIENCE_MS)
            page.wait_for_function("() => !!window.__thiduaHall", timeout=PATIENCE_MS)
            page.evaluate("() => document.fonts.ready.then(() => true)")
            m = page.evaluate(MEASURE, [DETAIL_VH, SUMMARY_VH, True])
            page.screenshot(path=str(ART / f"meeting-full-band-{lang}-{size[0]}x{size[1]}.png"))
            fits(m, f"{size} {lang}")
            context.close()
    meeting = Meeting("52", (Adjustment("1.1", "52", None, D("5"), "x"),))
    (tmp_path / "b").mkdir()
    with _hall_server(tmp_path / "b", meeting, {"Bình Định": NO_SPACE_PROVINCE}) as url:
        for size in [(1280, 720), (1024, 768)]:
            context, page, m = hall_with_whatif(browser, url, size, NO_SPACE_PROVINCE[:20], "meeting-full-band-long")
            fits(m, f"{size} long names")
            assert page.get_by_test_id("meet-whatif").is_visible()
            context.close()
