"""The preliminary meeting's hall screen as one HTML fragment (pure), and the script that keeps it current.

What the boards read while the secretary goes through a province: the province she has open,
the criteria under discussion in large type with their working (paged by ``meeting_layout``'s
script when they do not all fit), the agreed ones folded into a compact block of codes and
scores, what her unsaved changes would do to the ranking (marked "chưa lưu") and the last
saved change. Built
once per data version, meeting state and language (``web.meeting_screen``) and served twice:
inside the Streamlit page when it loads, and by ``/api/meeting`` whenever the page's script hears
on ``/api/events`` that the data or the meeting moved. Nothing on it edits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from lib.core.meeting import Meeting, under_discussion
from lib.core.model import LogEntry, Province, Scoresheet, Standing
from lib.core.review import Move, ReviewRow, review_rows
from lib.core.text import fold
from lib.present.catalogue import t, word
from lib.present.follow_script import follow_script
from lib.present.formatting import clock, number, score, score_cell
from lib.present.meeting_layout import GROW, PAGER, ROTATE_SECONDS, SHOW_PAGING
from lib.present.working import working_text

CONTAINER_ID = "meet-live"
SAFETY_POLL_SECONDS = 15
FETCH_TIMEOUT_SECONDS = 10
MOVES_SHOWN = 4  # the what-if's lines on the hall screen (the open province's first); the rest are counted

__all__ = ["CONTAINER_ID", "MeetingRow", "last_saved", "meeting_container", "meeting_rows", "meeting_screen"]


@dataclass(frozen=True)
class MeetingRow:
    """One criterion as the hall reads it: the row, whether it is open, and the unsaved new value if any.

    ``open``: under discussion (``lib.core.meeting.under_discussion``) or touched by an unsaved change:
    the secretary is on it, so the hall sees it in large type whatever the sheet says.
    """

    row: ReviewRow
    open: bool
    pending: Decimal | None = None
    changed: bool = False  # an unsaved change touches this criterion (``pending`` may be None: cleared)


def meeting_rows(sheet: Scoresheet, province: Province, meeting: Meeting) -> list[MeetingRow]:
    """The province's criteria, the ones under discussion first (each group in table order)."""
    pending = {a.criterion: a.new for a in meeting.pending if a.province == province.code and a.tab == "ThongNhat"}
    rows = [MeetingRow(r, r.criterion.code in pending
                       or under_discussion(sheet, r.criterion.code, province.code, r.unlogged is not None),
                       pending.get(r.criterion.code), r.criterion.code in pending)
            for r in review_rows(sheet, province)]
    return [r for r in rows if r.open] + [r for r in rows if not r.open]


def last_saved(log: Sequence[LogEntry], province: Province) -> LogEntry | None:
    """The province's last logged change (None when it has none)."""
    names = {fold(s) for s in (province.code, province.name, *province.aliases)}
    return next((e for e in reversed(log) if fold(e.province) in names), None)


def _cell(value: Decimal | None, lang: str) -> str:
    return escape(score(value, lang)) or "—"


def _row_html(m: MeetingRow, names: dict[str, str], lang: str) -> str:
    r = m.row
    agreed = _cell(r.agreed, lang)
    if m.changed:
        agreed = (f'<s>{agreed}</s> <b class="meet-pending">→ {_cell(m.pending, lang)}</b>'
                  f'<small class="meet-unsaved">{escape(t("meeting.unsaved", lang))}</small>')
    working = escape(working_text(r.working, names, lang)) if r.working else ""
    warn = f'<div class="meet-warn">⚠ {escape(word(*r.unlogged, lang))}</div>' if r.unlogged else ""
    differs = r.computed is not None and r.self_score is not None and r.self_score != r.computed
    return (f'<tr class="meet-open{" meet-changed" if m.changed else ""}" data-code="{escape(r.criterion.code)}">'
            f'<td class="meet-code">{escape(r.criterion.code)}</td>'
            f'<td class="meet-name">{escape(r.criterion.text)}'
            + (f'<div class="meet-working">{working}</div>' if working else "") + warn + "</td>"
            f'<td class="meet-num">{_cell(r.criterion.max_points, lang)}</td>'
            f'<td class="meet-num{" meet-differs" if differs else ""}">{_cell(r.self_score, lang)}</td>'
            f'<td class="meet-num">{_cell(r.computed, lang)}</td>'
            f'<td class="meet-num meet-agreed">{agreed}</td></tr>')


def _settled_html(rows: Sequence[MeetingRow], lang: str) -> str:
    """The agreed criteria folded: their count, then each code with its agreed score, dense."""
    items = "".join(f'<span class="meet-item" data-code="{escape(m.row.criterion.code)}">'
                    f'<b>{escape(m.row.criterion.code)}</b> {_cell(m.row.agreed, lang)}</span>' for m in rows)
    return (f'<div class="meet-settled" data-testid="meet-settled"><p class="meet-box-title">'
            f'{escape(t("meeting.settled_count", lang, count=len(rows)))}</p>'
            f'<div class="meet-items">{items}</div></div>')


def _moves_html(moves: Sequence[Move], province: str, open_after: Standing | None, lang: str) -> str:
    if not moves:
        return f'<p class="meet-quiet">{escape(t("meeting.no_moves", lang))}</p>'
    # the open province's line first, then the provinces whose totals her changes move, then the ones that
    # only shift a place because of them (each in ranking order): a changed province is never counted away
    ordered = sorted(moves, key=lambda m: (m.province.code != province, m.new_total == m.old_total))
    lines = []
    if open_after is not None and ordered[0].province.code != province:
        # her changes move others but not the open province (nothing scored there yet, say): its line
        # first all the same, so the hall never takes the others' lines for the open province's
        same = t("meeting.move_same", lang, name=open_after.province.name, rank=open_after.rank,
                 total=number(open_after.agreed_total, lang))
        lines.append(f"<li>•\u00a0{escape(same)}</li>")  # the mark never alone on a line
    shown = ordered[:MOVES_SHOWN - len(lines)]
    for move in shown:
        icon = "▲" if move.new_rank < move.old_rank else "▼" if move.new_rank > move.old_rank else "•"
        line = t("review.move", lang, name=move.province.name, old_total=number(move.old_total, lang),
                 new_total=number(move.new_total, lang), old_rank=move.old_rank, new_rank=move.new_rank)
        if move.passes:
            line += " — " + t("review.passes", lang, names=", ".join(move.passes))
        lines.append(f"<li>{icon}\u00a0{escape(line)}</li>")
    if len(ordered) > len(shown):
        more = t("meeting.more_moves", lang, count=len(ordered) - len(shown))
        lines.append(f'<li class="meet-quiet">{escape(more)}</li>')
    return f'<ul class="meet-moves">{"".join(lines)}</ul>'


def meeting_screen(sheet: Scoresheet, meeting: Meeting, moves: Sequence[Move] | None, lang: str, *,
                   fetched_at: dt.datetime, stale: bool, open_after: Standing | None = None) -> str:
    """The hall screen's live part for this data and meeting state.

    ``moves``: what the pending changes would do to the ranking, None when nothing is pending;
    ``open_after``: the open province's standing with them (its line when they do not move it).
    The criteria under discussion are one table (the page's script shows as many as fit, a page
    at a time); the agreed ones, the what-if and the last saved change share the band below it.
    """
    when = t("stale.banner" if stale else "ranking.as_of", lang, time=clock(fetched_at))
    stamp = f'<span class="meet-badge{" meet-stale" if stale else ""}" data-testid="meet-asof">{escape(when)}</span>'
    province = next((p for p in sheet.provinces if p.code == meeting.province), None)
    if province is None:
        return (f'<div class="meet-head">{stamp}</div>'
                f'<p class="meet-title" data-testid="meet-province">{escape(t("meeting.none", lang))}</p>')
    names = {p.code: p.name for p in sheet.provinces}
    rows = meeting_rows(sheet, province, meeting)
    opened = [r for r in rows if r.open]
    settled = [r for r in rows if not r.open]
    head = (f'<div class="meet-head"><p class="meet-title" data-testid="meet-province">'
            f'{escape(province.name)} <span class="meet-code-big">({escape(province.code)})</span></p>{stamp}</div>')
    section = (f'<p class="meet-section" data-testid="meet-section">'
               f'{escape(t("meeting.open", lang, count=len(opened)) if opened else t("meeting.none_open", lang))}'
               f' <span class="meet-page" data-testid="meet-page"></span></p>')
    columns = "".join(f"<th>{escape(t(key, lang))}</th>" for key in
                      ("col.code", "col.criterion", "col.max", "col.self", "col.computed", "review.col.agreed"))
    table = (f'<div class="meet-rows"><table class="meet-table" data-testid="meet-table"><thead><tr>{columns}</tr>'
             f'</thead><tbody>{"".join(_row_html(r, names, lang) for r in opened)}</tbody></table></div>'
             if opened else "")
    side = []
    if moves is not None:
        side.append(f'<div class="meet-box meet-whatif" data-testid="meet-whatif">'
                    f'<p class="meet-box-title">{escape(t("review.whatif", lang))} '
                    f'<span class="meet-unsaved">{escape(t("meeting.unsaved", lang))}</span></p>'
                    f'{_moves_html(moves, province.code, open_after, lang)}</div>')
    last = last_saved(sheet.log, province)
    if last is not None:
        change = t("meeting.last_line", lang, criterion=last.criterion, old=score_cell(last.old, lang) or "—",
                   new=score_cell(last.new, lang) or "—",
                   reason=last.reason, user=last.user, time=last.time)
        side.append(f'<div class="meet-box meet-last" data-testid="meet-last"><p class="meet-box-title">'
                    f'{escape(t("meeting.last", lang))}</p><p class="meet-clamp">{escape(change)}</p></div>')
    foot = ((_settled_html(settled, lang) if settled else "")
            + (f'<div class="meet-side">{"".join(side)}</div>' if side else ""))
    return f'{head}{section}{table}' + (f'<div class="meet-foot">{foot}</div>' if foot else "")


def meeting_container(screen: str, lang: str, etag: str, lost: str) -> str:
    """The page's live part: ``screen`` in a container the script refreshes from ``/api/meeting``."""
    src = "/api/meeting" + ("?lang=en" if lang == "en" else "")
    script = follow_script(container_id=CONTAINER_ID, store="__thiduaMeeting",
                           events=("standings", "status", "meeting"),
                           badge="meet-lost", badge_class="meet-badge meet-stale", show=SHOW_PAGING,
                           poll_seconds=SAFETY_POLL_SECONDS, timeout_seconds=FETCH_TIMEOUT_SECONDS)
    pager = PAGER % {"id": json.dumps(CONTAINER_ID), "seconds": ROTATE_SECONDS, "grow": GROW}
    return (f'<div id="{CONTAINER_ID}" data-src="{escape(src)}" data-etag="{escape(etag)}" '
            f'data-lost="{escape(lost)}" data-page-words="{escape(t("meeting.page", lang))}">{screen}</div>'
            f'<script>{pager}</script><script>{script}</script>')
