"""The one write path: agreed scores, votes and freezes, each checked and written under one lock.

A page builds a ``ChangeSet`` (who, with which role, and for each changed cell the value
the secretary *started from*, the new value and a reason) and calls ``save``. ``save``
checks the role at the moment of writing, re-reads the workbook, and writes only if
every cell still holds the value the secretary started from; otherwise it raises
``ChangeSetConflict`` listing each conflict and writes nothing. Accepted changes set the
``ThongNhat`` cells and append one ``NhatKy`` row each in one ``source.write`` call.
``record_vote``, ``record_nomination`` (next year's leader and deputy), ``set_frozen`` and
``import_self_scores`` (a province's returned form into ``TuCham``/``MinhChung``) go the same
way: role, re-read, rules, one write.

Each log row carries the change set's id in the ``Mã thay đổi`` column, so a retry after
an ambiguous failure (the write may or may not have landed) finds its own rows and does
not write twice. A cell that already holds the new value is not a conflict: it is what a
half-applied earlier attempt, or a colleague agreeing on the same value, leaves behind.

Every check-then-write of this process holds ``WRITE_LOCK``, and ``locked(source)`` around
the re-read, the check and the write: the source's own cross-process lock (a local workbook's
lock file; nothing for the Google Sheet) and, with ``[server] redis_url``, the shared engine's
fenced lock (``lib.edge.shared.lock``), confirmed right before each ``source.write`` (a lease
that ran out writes nothing: ``LeaseLost``). So several processes writing one local workbook,
or with Redis one Google Sheet from several processes or hosts, lose nothing; without Redis
two processes on one Google Sheet can both pass the check (the first save is overwritten).
What is checked and written is built by ``lib.core.writes``.

One gate (``gate``) stands before every write, after the re-read: it parses the workbook with its
own key derived from the server's records key (``lib.edge.secret.bound_key``; the writers sign
with the same), so a row signed in a copy of the sheet counts for nothing, and only signed
freeze rows count (a typed "mở chốt" row unfreezes nothing), and when ``Chot`` holds signed
rows that this key verifies none of (a lost or changed key: a CLI on another host, a wiped
cache; or rows signed for another workbook) it refuses (``freeze.key_refused``, naming where
the key is read from) rather than taking the scores as unfrozen. Score writes
(saves, corrections, ``adjust``, imports) are then refused while frozen, broken or not; votes
and nominations may be recorded after a freeze (the final meeting votes on frozen scores).
``write_template`` (``init-sheet``) passes it too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import uuid
from collections.abc import Callable, Sequence

from lib.core.errors import ChangeSetConflict, InvalidChangeSet, LayoutError, NotAllowed, SourceError, WriteConflict
from lib.core.forms import WRITTEN, FormChange, FormReading, ImportResult, form_changes, import_reason
from lib.core.freeze import fingerprint
from lib.core.model import (
    FROZE,
    UNFROZE,
    VN_TIME,
    WRITERS,
    ChangeSet,
    FreezeEvent,
    Nomination,
    Province,
    RawWorkbook,
    Role,
    SaveResult,
    Scoresheet,
    Vote,
)
from lib.core.nominations import nomination_problems
from lib.core.parse import ParseResult
from lib.core.template import is_blank
from lib.core.votes import vote_problems
from lib.core.writes import (
    LOG_TIME_FORMAT,
    LogLayout,
    already_logged,
    conflict,
    freeze_batch,
    import_batch,
    nomination_batch,
    place_of,
    province_name,
    save_batch,
    validate,
    vote_batch,
)
from lib.edge.freeze_memory import parse_remembering, source_id
from lib.edge.secret import bound_key, key_for, records_key, records_key_origin
from lib.edge.sources import Source, locked

WRITE_LOCK = threading.RLock()
"""Held by every check-then-write of this process: saves, votes and freezes alike (re-entrant)."""


def gate(raw: RawWorkbook, members: Sequence[Province], key: bytes | None = None, *,
         frozen_ok: bool = False, source: object | None = None) -> ParseResult:
    """The one check before every write: ``raw`` parsed with the records key, refusing what must not be written.

    Raises ``NotAllowed("freeze.key_refused")`` when signed ``Chot`` rows exist that the key
    verifies none of (never an unfreeze), and ``NotAllowed("frozen.cannot_edit")`` while frozen
    unless ``frozen_ok`` (votes, nominations, the freeze page's own unfreeze). With the ``source``,
    the host's memory of its signed freeze rows is consulted (``lib.edge.freeze_memory``): a signed
    row deleted by hand refuses every score write (``freeze.rows_removed``) until an admin signs anew.
    """
    parsed = parse_remembering(raw, members, key_for(raw, key), None if source is None else source_id(source))
    state = parsed.sheet.freeze
    if state.key_mismatch:
        raise NotAllowed("freeze.key_refused", cells=", ".join(state.unverified), origin=records_key_origin())
    if state.removed and not frozen_ok:
        gone = state.removed[0].event
        raise NotAllowed("freeze.rows_removed", count=len(state.removed), action=gone.action, time=gone.time,
                         user=gone.user)
    if state.frozen and not frozen_ok:
        raise NotAllowed("frozen.cannot_edit")
    return parsed


def signing_key(raw: RawWorkbook, source: object, given: bytes | None = None) -> bytes:
    """The key a new record of ``source`` is signed with: its workbook's own key (``lib.edge.secret.bound_key``)
    derived from ``given``, else from the server's records key."""
    return bound_key(raw, given if given is not None else records_key(), source_id(source))


def _remember_written(source: Source, members: Sequence[Province], given: bytes | None) -> None:
    """Read back what was just written so this host remembers its signed rows (``lib.edge.freeze_memory``):
    deleting them by hand before the next read is then said too. A failed read only delays that."""
    with contextlib.suppress(SourceError):  # written; the shared reader's next read remembers it then
        parse_remembering(source.read(), members, given if given is not None else records_key(), source_id(source))


def _stamp(now: dt.datetime | None) -> str:
    return (now or dt.datetime.now(VN_TIME)).strftime(LOG_TIME_FORMAT)


def _log_layout(raw: dict) -> LogLayout:
    layout = LogLayout.of(raw)
    if layout.unreadable:
        raise LayoutError("layout.no_log_header", tab=layout.tab)
    return layout


def save(
    source: Source,
    change_set: ChangeSet,
    members: Sequence[Province],
    now: dt.datetime | None = None,
    on_saved: Callable[[], None] | None = None,
    freeze_key: bytes | None = None,
) -> SaveResult:
    """Apply ``change_set`` to ``source`` if the role allows it and no cell changed meanwhile.

    Raises ``NotAllowed`` (role, frozen), ``InvalidChangeSet`` (rules), ``ChangeSetConflict``
    (nothing written) or ``SourceError`` (read/write failed: the caller may queue the
    change set and retry; the retry is idempotent). ``on_saved`` runs after a write (or
    on finding the change set already written), e.g. to invalidate the shared read cache.
    """
    if change_set.role not in WRITERS:
        raise NotAllowed("role.cannot_edit", user=change_set.user)
    with WRITE_LOCK, locked(source) as fence:
        raw = source.read()
        sheet = gate(raw, members, freeze_key, source=source).sheet
        layout = _log_layout(raw)
        pending = tuple(a for a in change_set.adjustments if not already_logged(change_set, a, sheet))
        if change_set.adjustments and not pending:  # an earlier attempt landed: the cache may be stale
            if on_saved is not None:
                on_saved()
            return SaveResult(change_set.id, (), already_saved=True)
        problems = validate(ChangeSet(change_set.user, change_set.role, pending), sheet)
        if problems:
            raise InvalidChangeSet(problems)
        for adj in pending:
            if place_of(adj, sheet) is None:
                if adj.tab == "ThongNhat":
                    raise LayoutError("layout.no_agreed_cell", criterion=adj.criterion,
                                      name=province_name(sheet, adj.province))
                raise LayoutError("layout.no_figure_cell", tab=adj.tab, criterion=adj.criterion,
                                  name=province_name(sheet, adj.province))
        conflicts = [c for a in pending if (c := conflict(a, sheet)) is not None]
        if conflicts:
            raise ChangeSetConflict(conflicts)
        fence.confirm()  # still the holder, and no later holder wrote: else nothing is written
        source.write(save_batch(change_set, pending, sheet, layout, _stamp(now)))
    if on_saved is not None:
        on_saved()
    return SaveResult(change_set.id, pending)


def save_built(
    source: Source,
    build: Callable[[Scoresheet], ChangeSet],
    members: Sequence[Province],
    now: dt.datetime | None = None,
    freeze_key: bytes | None = None,
) -> SaveResult:
    """Build the change set from the workbook as it is now, then ``save`` it, under one hold of the locks.

    For a writer that gives no OLD value (``python -m lib adjust CODE:PROVINCE=VALUE``):
    ``build`` reads the values it starts from inside the lock, so no other writer of a
    local workbook can slip in between (the Google Sheet has no lock: a typed edit in
    between is still caught by ``save``'s check, as a conflict).
    """
    with WRITE_LOCK, locked(source):
        sheet = gate(source.read(), members, freeze_key, source=source).sheet
        return save(source, build(sheet), members, now, freeze_key=freeze_key)


def record_vote(source: Source, vote: Vote, members: Sequence[Province], user: str, role: Role,
                now: dt.datetime | None = None, freeze_key: bytes | None = None) -> None:
    """Record a vote on a tie (secretary or admin, checked now), signed with the records key, logged."""
    if role not in WRITERS:
        raise NotAllowed("role.cannot_vote", user=user)
    problems = vote_problems(vote)
    if problems:
        raise InvalidChangeSet(problems)
    names = {p.code: p.name for p in members}
    with WRITE_LOCK, locked(source) as fence:
        raw = source.read()
        gate(raw, members, freeze_key, frozen_ok=True, source=source)
        key = signing_key(raw, source, freeze_key)
        fence.confirm()  # still the holder, and no later holder wrote: else nothing is written
        source.write(vote_batch(raw, vote, names, _log_layout(raw), _stamp(now), user, key))
        _remember_written(source, members, freeze_key)


def record_nomination(source: Source, nomination: Nomination, members: Sequence[Province], user: str, role: Role,
                      now: dt.datetime | None = None, freeze_key: bytes | None = None) -> None:
    """Record a proposal or a vote for next year's leader or deputy (secretary or admin, checked now), signed."""
    if role not in WRITERS:
        raise NotAllowed("role.cannot_vote", user=user)
    names = {p.code: p.name for p in members}
    problems = nomination_problems(nomination)
    problems += [("nomination.not_member", (("province", code),))
                 for code, _ in nomination.votes if code not in names]
    if problems:
        raise InvalidChangeSet(problems)
    with WRITE_LOCK, locked(source) as fence:
        raw = source.read()
        gate(raw, members, freeze_key, frozen_ok=True, source=source)
        key = signing_key(raw, source, freeze_key)
        fence.confirm()  # still the holder, and no later holder wrote: else nothing is written
        source.write(nomination_batch(raw, nomination, names, _log_layout(raw), _stamp(now), user, key))
        _remember_written(source, members, freeze_key)


def set_frozen(
    source: Source, members: Sequence[Province], user: str, role: Role | None, frozen: bool, reason: str = "",
    time: str | None = None, freeze_key: bytes | None = None,
) -> str:
    """Freeze (or unfreeze) through ``source``; only an admin, checked now. Returns the fingerprint.

    The row is signed with the workbook's key derived from ``freeze_key`` (default: the server's
    records key, ``lib.edge.secret``) over the last row obeyed, read with the same key.
    """
    if role is not Role.ADMIN:
        raise NotAllowed("role.cannot_freeze")
    if not frozen and not reason.strip():
        raise NotAllowed("freeze.reason_needed")
    with WRITE_LOCK, locked(source) as fence:
        server = freeze_key if freeze_key is not None else records_key()
        raw = source.read()
        sheet = gate(raw, members, server, frozen_ok=True, source=source).sheet
        key = signing_key(raw, source, server)
        if sheet.freeze.frozen == frozen:
            raise NotAllowed("freeze.already" if frozen else "freeze.not_frozen")
        stamp = time or dt.datetime.now(VN_TIME).strftime(LOG_TIME_FORMAT)
        event = FreezeEvent(stamp, user, FROZE if frozen else UNFROZE, fingerprint(sheet), reason)
        fence.confirm()  # still the holder, and no later holder wrote: else nothing is written
        source.write(freeze_batch(raw, sheet, event, key))
    return fingerprint(sheet)


def import_self_scores(
    source: Source,
    reading: FormReading,
    members: Sequence[Province],
    user: str,
    role: Role | None,
    seen: Sequence[FormChange] | None = None,
    now: dt.datetime | None = None,
    on_saved: Callable[[], None] | None = None,
    import_id: str | None = None,
    freeze_key: bytes | None = None,
) -> ImportResult:
    """Write a returned form's new and changed cells into ``TuCham``/``MinhChung``, one log row per cell.

    ``seen`` is the diff the secretary was shown (``form_changes`` then): each cell it would
    write must still hold the value shown, or ``WriteConflict("import.conflict")`` is raised
    and nothing is written. Without ``seen`` (the command line) the diff is taken inside the
    locks. Cells changed in the sheet since the form was made are never written. A retry with
    the same ``import_id`` after an ambiguous failure finds its own log rows and writes nothing.
    Raises ``NotAllowed`` (role, frozen, a refused form), ``InvalidChangeSet`` (no user),
    ``LayoutError`` or ``SourceError`` (the sheet cannot be read or written: nothing is queued,
    the form itself is the copy to import again).
    """
    if role not in WRITERS:
        raise NotAllowed("role.cannot_import", user=user)
    if not user.strip():
        raise InvalidChangeSet([("change.no_user", ())])
    if reading.province is None:
        raise NotAllowed("form.refused")
    import_id = import_id or uuid.uuid4().hex
    with WRITE_LOCK, locked(source) as fence:
        raw = source.read()
        # signed freeze rows only: a typed "mở chốt" opens nothing
        sheet = gate(raw, members, freeze_key, source=source).sheet
        layout = _log_layout(raw)
        if any(e.change_id == import_id for e in sheet.log):
            if on_saved is not None:
                on_saved()
            return ImportResult(import_id, (), already_saved=True)
        fresh = form_changes(reading, sheet)
        pending = [c for c in (fresh if seen is None else seen) if c.status in WRITTEN]
        now_by_cell = {(c.criterion, c.tab): c.old for c in fresh}
        moved = [c for c in pending if now_by_cell.get((c.criterion, c.tab), c.old) != c.old]
        if moved:
            raise WriteConflict("import.conflict", count=len(moved),
                                cells=", ".join(f"{c.criterion} ({c.tab})" for c in moved))
        if pending:
            reason = import_reason(reading.province, reading.generated_at, reading.signed)
            fence.confirm()  # still the holder, and no later holder wrote: else nothing is written
            source.write(import_batch(raw, sheet, reading.province, pending, user.strip(), reason, import_id,
                                      layout, _stamp(now)))
    if on_saved is not None and pending:
        on_saved()
    return ImportResult(import_id, tuple(pending))


def write_template(source: Source, content: RawWorkbook, members: Sequence[Province], protect: Sequence[str] = (),
                   ) -> None:
    """Write a whole new workbook (``init-sheet``) into an empty Google Sheet, through the gate.

    Raises ``NotAllowed("init.not_blank")`` when the sheet holds anything (it is never
    overwritten; a sheet holding a freeze is never blank, so the gate has nothing to obey then).
    """
    with WRITE_LOCK, locked(source) as fence:
        existing = source.read_all()  # type: ignore[attr-defined]  # a GoogleSheetLike source
        if not is_blank(existing):
            raise NotAllowed("init.not_blank", label=source.label)
        gate(existing, members)  # nothing to obey in a blank sheet; the one check all the same
        fence.confirm()  # still the holder, and no later holder wrote: else nothing is written
        source.write_workbook(content, protect=protect)  # type: ignore[attr-defined]
