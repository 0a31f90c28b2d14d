"""How the preliminary meeting's hall screen fills any hall screen: its sizes, its style, its pager (pure text).

The whole screen is sized in screen units, like the projector, so it reads the same at 1280×720 and
at 3840×2160 and nothing scrolls. The unit is 1 % of the height (vh), but never more than 0,75 % of
the width: a 5:4 monitor or a standing (portrait) screen sets its type by its width, so a row's name
and scores still fit across it; the sizes below are in that unit. The criteria under discussion are
the rows the boards read from the back of the hall: their text is never under ``ROW_MIN_VH`` (the
projector's minimum, ``lib.present.projector_html``), names and scores a little larger
(``ROW_VH``). The agreed criteria are folded into one dense block below, in ``SUMMARY_VH`` type,
beside the what-if and the last saved change, so they never push the open ones off the screen. When
the open rows still do not fit in what is left, the page's script (``PAGER``) splits them into pages
by their measured heights and shows one at a time ("trang 1/2"), each for ``ROTATE_SECONDS``, the
page holding the secretary's pending change first. The table's columns are measured with every
open row and kept on every page, so a page's rows are as tall as they were measured. The server
builds one fragment for every screen; only the browser knows its height, so the paging is the
browser's.
"""

from __future__ import annotations

from lib.present.projector_html import ROW_MAX_VH, ROW_MIN_VH

ROW_VH = 3.8  # a discussed row's name, code and scores
GROW = ROW_MAX_VH / ROW_VH  # open rows that leave room grow into it, up to the projector's largest rows
DETAIL_VH = ROW_MIN_VH  # its working, warning and "chưa lưu" mark: the least any discussed row's text gets
SUMMARY_VH = 2.6  # the least anything on the screen gets: the folded agreed criteria, headers, the clock
BOX_VH = 2.8  # the what-if and the last saved change
ROTATE_SECONDS = 12  # one page of open rows: time to read a dozen rows' scores aloud

__all__ = ["BOX_VH", "DETAIL_VH", "GROW", "HALL_STYLE", "PAGER", "ROTATE_SECONDS", "ROW_VH", "SHOW_PAGING",
           "SUMMARY_VH"]

HALL_STYLE = """
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #0b1320 !important; }
.stApp, .stApp p, .stApp span, .stApp div, .stApp td, .stApp th, .stApp li { color: #ffffff; }
.meet-cluster { font-size: clamp(14px, {summary}vh, 56px); opacity: 0.8; margin: 0; }
.meet-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
.meet-title { font-size: clamp(26px, 5vh, 108px); font-weight: 800; margin: 0; line-height: 1.1;
              min-width: 0; overflow-wrap: anywhere; }  /* a name with no space breaks, the clock stays on screen */
.meet-code-big { opacity: 0.7; font-weight: 600; }
.meet-badge { font-size: clamp(14px, {summary}vh, 56px); padding: 0.15em 0.6em; border-radius: 0.4rem;
              background: #1e3a5f; white-space: nowrap; }
.meet-stale { background: #a4262c; }
.meet-section { color: #ffd400 !important; font-weight: 800; font-size: clamp(16px, 3vh, 64px); margin: 0.3em 0 0 0;
                line-height: 1.2; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.meet-page { color: #ffd400 !important; }
.meet-table { width: 100%; border-collapse: collapse; font-size: clamp(16px, {row}vh, 82px); line-height: 1.2; }
.meet-table th { font-size: clamp(13px, {summary}vh, 56px); text-align: left; font-weight: 700; opacity: 0.85;
                 border-bottom: 2px solid #5a6b85; padding: 0 0.4em 0.2em 0.4em; vertical-align: bottom;
                 line-height: 1.15; }
.meet-table th:nth-child(n+3) { text-align: right; }
.meet-table td { padding: 0.12em 0.35em; border-bottom: 1px solid #23324a; vertical-align: top; }
.meet-table .meet-num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.meet-code { white-space: nowrap; font-weight: 700; border-left: 0.3rem solid #ffd400; }
.meet-name { overflow-wrap: anywhere; }  /* a name with no space breaks, never widens the table past the screen */
.meet-open td { background: #1a2740; }
.meet-changed td { background: #33301a; }
.meet-working { font-size: 0.9em; color: #c9d6ea !important; }
.meet-warn { font-size: 0.9em; color: #ffb74d !important; font-weight: 700; }
.meet-differs { color: #ffb74d !important; font-weight: 800; }
.meet-pending { color: #ffd400 !important; }
.meet-unsaved { display: inline-block; margin-left: 0.4em; font-size: 0.7em; font-weight: 800; padding: 0 0.35em;
                border: 2px dashed #ffd400; border-radius: 0.3rem; color: #ffd400 !important;
                text-transform: uppercase; line-height: 1.2; }
.meet-agreed .meet-unsaved { display: block; width: max-content; margin: 0.1em 0 0 auto; font-size: 0.9em; }
.meet-foot { display: flex; gap: 1.5vw; align-items: flex-start; margin-top: 0.6rem; }
.meet-settled { flex: 1 1 0; min-width: 0; font-size: clamp(14px, {summary}vh, 56px); line-height: 1.25;
                border: 1px solid #34496b; border-radius: 0.5rem; padding: 0.3em 0.6em; }
.meet-items { display: flex; flex-wrap: wrap; gap: 0.1em 1.1em; }
.meet-item { white-space: nowrap; font-variant-numeric: tabular-nums; color: #d6dde8 !important; }
.meet-side { flex: 0 0 42%; min-width: 0; margin-left: auto; display: flex; flex-direction: column; gap: 0.6rem; }
.meet-side:only-child { flex: 1 1 auto; margin-left: 0; }  /* nothing agreed yet: the whole width, fewer lines */
.meet-box { border: 1px solid #34496b; border-radius: 0.5rem; padding: 0.3em 0.6em; line-height: 1.25;
            font-size: clamp(15px, {box}vh, 60px); }
.meet-whatif { border: 3px dashed #ffd400; }
.meet-box-title { font-weight: 800; margin: 0 0 0.15em 0; }
.meet-box p, .meet-box ul, .meet-box li, .meet-settled p {  /* not Streamlit's own 1rem */
  margin: 0; font-size: inherit !important; line-height: inherit; }
.meet-box-title .meet-unsaved { font-size: 0.95em; }
.meet-clamp, .meet-moves li { display: -webkit-box; -webkit-box-orient: vertical; overflow: hidden; }
.meet-clamp { -webkit-line-clamp: 3; }
.meet-moves li { -webkit-line-clamp: 2; }
.meet-moves li:first-child { -webkit-line-clamp: 3; }  /* the open province's line: a long name leaves it its scores */
.meet-moves { margin: 0 !important; padding: 0 !important; list-style: none; }
.meet-moves li { margin: 0 !important; padding: 0 !important; overflow-wrap: anywhere; }  /* a name with no space */
.meet-quiet { opacity: 0.8; }
/* The hall (any screen from 640×480 up, an old projector or a standing tablet): one fixed column in screen
   units, nothing scrolls; the open rows take what the header and the band of agreed criteria leave, a page at a
   time (PAGER). */
@media (min-width: 900px), (min-width: 640px) and (min-height: 480px) {
  /* the screen unit: 1 % of the height, but never more than a 4:3 screen of this width would give, so a
     portrait or 5:4 screen sets its type by its width and a row's name and scores still fit across */
  .stApp { --meet-u: min(1vh, 0.75vw); }
  .meet-cluster { position: fixed; top: 1vh; left: 2vw; right: 2vw; z-index: 3;
                  font-size: calc({summary} * var(--meet-u)); line-height: 1.2; white-space: nowrap;
                  overflow: hidden; text-overflow: ellipsis; }
  #meet-live { position: fixed; inset: 0; z-index: 2; box-sizing: border-box; background: #0b1320;
               padding: calc(1vh + 3.6 * var(--meet-u)) 2vw 1.4vh 2vw; display: flex; flex-direction: column;
               gap: 0.8vh; overflow: hidden; }
  #meet-live > * { flex: none; margin: 0; }
  .meet-title { font-size: calc(5 * var(--meet-u)); }
  .meet-badge { font-size: calc({summary} * var(--meet-u)); }
  .meet-section { font-size: calc(3 * var(--meet-u)); }
  #meet-live > .meet-rows { flex: 1 1 0; min-height: 0; overflow: hidden; }
  .meet-table { font-size: calc({row} * var(--meet-u) * var(--meet-grow, 1)); }
  .meet-table th { font-size: calc({summary} * var(--meet-u)); }
  .meet-working, .meet-warn, .meet-agreed .meet-unsaved {
    font-size: calc({detail} * var(--meet-u) * var(--meet-grow, 1)); }
  .meet-code { border-left-width: calc(0.5 * var(--meet-u)); }
  #meet-live > .meet-foot { max-height: 36vh; overflow: hidden; gap: 1.5vw; }
  /* nothing left open: no rows to keep room for, the band may take the screen */
  #meet-live > .meet-section + .meet-foot { max-height: none; flex: 0 1 auto; min-height: 0; }
  .meet-settled { font-size: calc({summary} * var(--meet-u)); }
  .meet-box { font-size: calc({box} * var(--meet-u)); }
  .meet-side { gap: 0.8vh; }
}
@media (min-width: 640px) and (orientation: portrait) {  /* a standing screen: the what-if under the agreed band */
  #meet-live > .meet-foot { flex-direction: column; }
  .meet-side { flex: none; width: 100%; margin-left: 0; }
}
""".replace("{row}", str(ROW_VH)).replace("{detail}", str(DETAIL_VH)).replace(
    "{summary}", str(SUMMARY_VH)).replace("{box}", str(BOX_VH))

# The pager. It measures the open rows where they are and fills pages greedily; a new fragment
# with the same rows and the same pending change (a new read, the "as of" time) keeps the page
# shown and its clock; another one starts again on the page of the pending change. A row taller
# than the whole room gets a page of its own. ``__thiduaHall.layout``/``next`` are what tests call.
PAGER = """
(function () {
  var hall = window.__thiduaHall || (window.__thiduaHall = {page: 0, pages: [], sig: null, since: 0});
  function box() { return document.getElementById(%(id)s); }
  function show(i) {
    var el = box(); hall.page = i; hall.since = Date.now();
    hall.pages.forEach(function (rows, j) { rows.forEach(function (r) { r.hidden = j !== i; }); });
    var label = el && el.querySelector('.meet-page');
    if (label) {
      label.textContent = hall.pages.length > 1 ? el.getAttribute('data-page-words')
        .replace('{page}', String(i + 1)).replace('{pages}', String(hall.pages.length)) : '';
    }
    if (el) el.setAttribute('data-page', String(i + 1) + '/' + String(hall.pages.length));
  }
  function split(rows, heights, cap) {
    var pages = [[]], used = 0;
    rows.forEach(function (r, i) {
      if (used > 0 && used + heights[i] > cap + 0.5) { pages.push([]); used = 0; }
      pages[pages.length - 1].push(r); used += heights[i];
    });
    return pages;
  }
  function fitBand(el) {  // a band fuller than its room: the last saved change gives way, a line at a time, then
    // whole, then the other provinces' what-if lines keep one line each; the open province's line is always whole
    var foot = el && el.querySelector('.meet-foot');
    if (!foot) return;
    var last = foot.querySelector('.meet-last'), clamp = last && last.querySelector('.meet-clamp');
    var others = Array.prototype.slice.call(foot.querySelectorAll('.meet-moves li:not(:first-child)'));
    function over() { return foot.scrollHeight > foot.clientHeight + 1; }
    if (last) { last.hidden = false; clamp.style.webkitLineClamp = ''; }
    others.forEach(function (li) { li.style.webkitLineClamp = ''; });
    for (var n = 2; clamp && n > 0 && over(); n--) clamp.style.webkitLineClamp = String(n);
    if (last && over()) last.hidden = true;
    if (over()) others.forEach(function (li) { li.style.webkitLineClamp = '1'; });
  }
  function layout(keep) {
    var el = box(); fitBand(el);
    var area = el && el.querySelector('.meet-rows');
    var rows = area ? Array.prototype.slice.call(area.querySelectorAll('tr.meet-open')) : [];
    rows.forEach(function (r) { r.hidden = false; });
    var head = area && area.querySelector('thead');
    var room = area ? area.clientHeight - (head ? head.getBoundingClientRect().height : 0) : 0;
    var table = area && area.querySelector('table');
    var ths = table ? Array.prototype.slice.call(table.querySelectorAll('thead th')) : [];
    if (table) { table.style.tableLayout = ''; ths.forEach(function (th) { th.style.width = ''; }); }
    function total() { return table.getBoundingClientRect().height - (head ? head.getBoundingClientRect().height : 0); }
    if (table) {  // few rows: they grow into the room left, up to %(grow).3f times, as long as no line breaks anew
      table.style.setProperty('--meet-grow', '1');
      var natural = rows.map(function (r) { return r.getBoundingClientRect().height; });
      var unbroken = function (g) {
        return rows.every(function (r, i) { return r.getBoundingClientRect().height <= natural[i] * g + 2; });
      };
      if (total() < room - 1) {
        var small = 1, big = %(grow).3f;
        for (var g = 0; g < 8; g++) {
          var tryit = (small + big) / 2;
          table.style.setProperty('--meet-grow', String(tryit));
          if (total() <= room && unbroken(tryit)) small = tryit; else big = tryit;
        }
        table.style.setProperty('--meet-grow', String(small));
      }
      // the columns as every open row together makes them, kept on every page: a page without the widest
      // rows would otherwise be laid out anew, its rows taller than measured and cut at the bottom
      var wide = table.getBoundingClientRect().width;
      var shares = ths.map(function (th) { return th.getBoundingClientRect().width / wide * 100; });
      ths.forEach(function (th, i) { th.style.width = shares[i] + '%%'; });
      table.style.tableLayout = 'fixed';
    }
    var heights = rows.map(function (r) { return r.getBoundingClientRect().height; });
    var pages = split(rows, heights, room);
    if (pages.length > 1) {  // as many pages, as even as they can be: no last page of one row
      var lo = Math.max.apply(null, heights), hi = room;
      for (var k = 0; k < 24 && lo < hi; k++) {
        var mid = (lo + hi) / 2;
        if (split(rows, heights, mid).length <= pages.length) hi = mid; else lo = mid;
      }
      if (lo < room) pages = split(rows, heights, hi);
    }
    var changed = rows.filter(function (r) { return r.classList.contains('meet-changed'); });
    var title = el && el.querySelector('[data-testid=meet-province]');
    var sig = (title ? title.textContent : '') + '|' + rows.map(function (r) { return r.getAttribute('data-code'); })
      .join(',') + '|' + changed.map(function (r) { return r.textContent; }).join(',') + '|' + pages.length;
    hall.pages = pages; hall.room = room;
    var first = 0;
    if (changed.length) { pages.forEach(function (p, j) { if (p.indexOf(changed[0]) >= 0 && !first) first = j; }); }
    var since = hall.since;
    if (keep && sig === hall.sig && hall.page < pages.length) { show(hall.page); hall.since = since; }
    else { show(first); }
    hall.sig = sig;
  }
  hall.layout = layout;
  hall.next = function () { if (hall.pages.length > 1) show((hall.page + 1) %% hall.pages.length); };
  if (!hall.ticking) {
    hall.ticking = true;
    window.addEventListener('resize', function () { layout(false); });
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { layout(true); });
    setInterval(function () {
      if (box() && hall.pages.length > 1 && Date.now() - hall.since >= %(seconds)d * 1000) hall.next();
    }, 500);
  }
  var el = box();  // the lost-connection badge comes and goes above the rows: lay them out again
  if (el && hall.watched !== el && window.MutationObserver) {
    hall.watched = el;
    new MutationObserver(function () { layout(true); }).observe(el, {childList: true});
  }
  layout(false);
})();
"""

SHOW_PAGING = """  function show(el, html) {
    el.innerHTML = html; el.setAttribute('data-shown', String(Date.now()));
    if (window.__thiduaHall) window.__thiduaHall.layout(true);
  }
"""
"""Put a new fragment in place whole, then page its open rows again (the same page if they did not change)."""
