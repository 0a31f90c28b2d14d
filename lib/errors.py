"""Typed errors of the project, one class per kind of failure.

    ScoreboardError
    ├── ConfigError          a cluster TOML file is invalid (names the file and key)
    ├── CellParseError       one cell cannot be read as a score (ValueError too)
    ├── SourceError          the workbook cannot be read or written
    │   ├── NotAWorkbook     the file is not a workbook at all
    │   ├── Unavailable      the source is unreachable, not shared, not found
    │   └── QuotaExceeded    the source refused for rate limits (retry later)
    ├── WriteConflict        a cell changed since the secretary saw it
    └── NotAllowed           the user's role may not do this (checked at write time)

Parsing problems in the *content* of a workbook are not exceptions: ``lib.parse``
returns them as ``Problem`` values so that one bad cell never hides the others.
"""

from __future__ import annotations


class ScoreboardError(Exception):
    """Base of every error raised on purpose by this project."""


class ConfigError(ScoreboardError):
    """A cluster configuration file is invalid; the message names the file and key."""

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file = file
        self.key = key
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


class CellParseError(ScoreboardError, ValueError):
    """A cell's content is not an unambiguous score."""


class SourceError(ScoreboardError):
    """The workbook could not be read or written."""


class NotAWorkbook(SourceError):
    """The given file is not a readable workbook."""


class Unavailable(SourceError):
    """The source cannot be reached or opened (network, sharing, missing sheet)."""


class QuotaExceeded(SourceError):
    """The source refused because of rate limits; retrying later can succeed."""


class WriteConflict(ScoreboardError):
    """A cell no longer holds the value the secretary started from."""


class NotAllowed(ScoreboardError, PermissionError):
    """The user's role does not allow this action (e.g. a viewer trying to write scores)."""
