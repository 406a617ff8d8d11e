"""Errors a user can act on: each names the file, the row and the field where it can."""

from __future__ import annotations

from pathlib import Path


class SeverError(Exception):
    """Base class for errors shown to the user as one clear line (CLI exit code 2)."""


class InputError(SeverError):
    """Bad input: names the file and, where known, the row (1-based) or byte offset and field."""

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        offset: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        self.row = row
        self.field = field
        self.offset = offset
        super().__init__(str(self))

    def __reduce__(self) -> tuple:
        # Rebuilt in the parent process when a screening worker fails (pickle calls the class
        # with ``args``, which would not match this signature).
        return (
            _rebuild_input_error,
            (self.path, self.message, self.row, self.field, self.offset),
        )

    def __str__(self) -> str:
        if self.path is None and self.row is None and self.offset is None:
            # An option or parameter, not a file: name it alone.
            return f"{self.field}: {self.message}" if self.field else self.message
        where = [self.path or "<input>"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}"


def _rebuild_input_error(
    path: str | None, message: str, row: int | None, field: str | None, offset: int | None
) -> InputError:
    return InputError(path, message, row=row, field=field, offset=offset)


class DownloadError(SeverError):
    """A list could not be fetched; the last good snapshot stays in service."""


class NotLoadedError(SeverError):
    """The store holds no snapshot for what the user asked about."""
