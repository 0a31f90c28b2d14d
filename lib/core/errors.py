"""Every error the project raises on purpose, in one tree.

    ScoreboardError
    ├── ConfigError          a cluster TOML file or a setting is invalid (names the file and key)
    ├── CodedError           a refusal the UI explains: ``code`` + ``params``, worded by the catalogue
    │   ├── CellParseError   one cell cannot be read as a score (ValueError too)
    │   ├── NotAllowed       the user's role or the frozen state forbids this (checked at write time)
    │   ├── InvalidChangeSet the change set breaks a rule; ``problems`` lists each (code, params)
    │   ├── LayoutError      the workbook's layout cannot take this write (no log header, no agreed cell)
    │   └── WriteConflict    a cell changed since the secretary saw it
    │       └── ChangeSetConflict   with the ``Conflict`` of every such cell; nothing was written
    └── SourceError          the workbook cannot be read or written (the reader's and outbox's business)
        ├── NotAWorkbook     the file is not a workbook at all
        ├── Unavailable      the source is unreachable, not shared, not found
        ├── QuotaExceeded    the source refused for rate limits (retry later)
        └── NoDataYet        never read successfully, and nothing cached on disk

Parsing problems in the *content* of a workbook are not exceptions: ``lib.core.parse``
returns them as ``Problem`` values so that one bad cell never hides the others. The core
never words a message: a coded error carries its code and parameters, and
``lib.present.catalogue.explain`` turns them into Vietnamese or English. Source errors
come from the edge, where the remote's own message is translated as it arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lib.core.model import Conflict, Params


class ScoreboardError(Exception):
    """Base of every error raised on purpose by this project."""


class ConfigError(ScoreboardError):
    """A cluster configuration file is invalid; the message names the file and key."""

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file = file
        self.key = key
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


class CodedError(ScoreboardError):
    """An error whose words live in the UI catalogue: ``code`` and its ``params``."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params: Params = tuple(params.items())
        super().__init__(code)

    def __str__(self) -> str:
        """The code and parameters, for logs (screens word it with the catalogue)."""
        return f"{self.code}({', '.join(f'{k}={v!r}' for k, v in self.params)})"


class CellParseError(CodedError, ValueError):
    """A cell's content is not an unambiguous score."""


class NotAllowed(CodedError, PermissionError):
    """The user's role (or the frozen state) does not allow this action."""


class InvalidChangeSet(CodedError, ValueError):
    """The change set breaks rules (missing reason, value out of range…); ``problems`` says which."""

    def __init__(self, problems: Sequence[tuple[str, Params]]) -> None:
        self.problems = tuple(problems)
        super().__init__("change.invalid", count=len(self.problems))


class LayoutError(CodedError):
    """The workbook lacks what a write needs (a log header, an agreed row or column): a permanent refusal."""


class WriteConflict(CodedError):
    """A cell no longer holds the value the secretary started from."""


class ChangeSetConflict(WriteConflict):
    """Some cells changed since the secretary saw them; nothing of the change set was written."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__("change.conflict", count=len(self.conflicts))


class SourceError(ScoreboardError):
    """The workbook could not be read or written."""


class NotAWorkbook(SourceError):
    """The given file is not a readable workbook."""


class Unavailable(SourceError):
    """The source cannot be reached or opened (network, sharing, missing sheet)."""


class QuotaExceeded(SourceError):
    """The source refused because of rate limits; retrying later can succeed."""


class NoDataYet(SourceError):
    """The source has never been read successfully and nothing is cached on disk."""
