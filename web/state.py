"""Every key this app keeps in ``st.session_state``, in one place.

A page or widget never spells a session key itself: it uses the names here, so two
screens can't collide on a key and a reader can see at a glance what a session holds.
"""

from __future__ import annotations

LANG = "lang"
"""The UI language of the session: ``"vi"`` (default) or ``"en"`` (the language switch's key)."""

REVIEW_PROVINCE = "review-province"
"""The province under review on the preliminary meeting's page."""

DELEGATE_PROVINCE = "delegate-province"
"""The province whose breakdown the delegates' view shows."""

DELEGATE_TAPS = "delegate-taps"
"""How many bars were tapped on the delegates' chart: the chart's key, so each tap is a fresh selection."""

DELEGATE_OPEN = "delegate-open"
"""Set by a tap: the next whole-page run opens ``DELEGATE_PROVINCE``'s breakdown over the list."""

FIX_CRITERION, FIX_TAB, FIX_VALUE, FIX_REASON = "fix-criterion", "fix-tab", "fix-value", "fix-reason"
"""The review page's correction of a target or result: criterion, tab, new value, reason (cleared once saved)."""

FIX_SAVED = "fix-saved"
"""Set when a save succeeded: the correction form's value and reason start empty on the next run."""

FIX_SHOWN = "fix-shown"
"""The value the correction form last showed as recorded: (criterion, province, tab, value); a save starts from it."""

SAVE_NOTE = "save-note"
"""The review page's last save outcome (level, text), shown in its save panel until the next save."""

CONFLICT = "conflict"
"""The last save's (change set, conflicts), until the secretary chooses."""


def editor_version(province: str) -> str:
    """The counter that gives the review editor of ``province`` a fresh key (drops unsaved edits)."""
    return f"editor-version-{province}"


def prefill(province: str) -> str:
    """The edits "agree as self-scored" prefilled into the editor of ``province``."""
    return f"prefill-{province}"


def editor(province: str, version: int) -> str:
    """The review editor's own key: its edits (``edited_rows``) live under it until the version moves."""
    return f"editor-{province}-{version}"


def shown(province: str, version: int) -> str:
    """The agreed values the review editor of ``province`` last showed, by criterion: a save starts from them."""
    return f"shown-{province}-{version}"


SAVE_BUTTON = "review-save"
"""The review page's save button: read at the start of the run that its click starts."""
