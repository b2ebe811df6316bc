"""The errors the data module raises (each message says what to do next)."""

from __future__ import annotations


class DataUnavailableError(FileNotFoundError):
    """A data file is in neither the cache nor a mirror and cannot be downloaded.

    The message names the file, its upstream URL and ``COURSE_DATA_MIRROR``.
    """

    def __init__(self, message: str, *, filename: str = "") -> None:
        super().__init__(message)
        self.filename_in_registry = filename

    def __str__(self) -> str:  # FileNotFoundError would print "[Errno None] ..." otherwise
        return str(self.args[0]) if self.args else ""


class CorruptFileError(ValueError):
    """A file failed its checksum or structural check (the message names the file)."""
