"""Errors and warnings found while reading or checking a layout.

Both print as one compiler-style line, `file:line: field: message`, so an
editor or a terminal can jump straight to the offending line.
"""
from __future__ import annotations

from typing import Optional

from twin.model.limits import MAX_MESSAGE_CHARS, clip_text


def format_location(path: Optional[str], line: Optional[int], field: str) -> str:
    """The `file:line: field: ` prefix shared by errors and warnings."""
    where = path if path else "<layout>"
    if line is not None:
        where = f"{where}:{line}"
    return f"{where}: {field}: " if field else f"{where}: "


def _one_line(text: str) -> str:
    """One line (whitespace runs with line breaks collapsed) of at most MAX_MESSAGE_CHARS."""
    text = str(text)
    text = text if len(text) <= 4 * MAX_MESSAGE_CHARS else text[:4 * MAX_MESSAGE_CHARS]
    return clip_text(" ".join(text.split()) if "\n" in text else text, MAX_MESSAGE_CHARS)


class LayoutError(ValueError):
    """A layout file (or an in-memory layout) that cannot be used.

    `path` is the file as given (or None), `line` is 1-based (or None when
    unknown), `field` is the path inside the file such as `racks[3].power_kw`
    (empty for whole-file problems), `message` says what is wrong and what
    is expected. `errors` lists every error found, this one first.
    """

    def __init__(self, path: Optional[str], line: Optional[int], field: str, message: str):
        super().__init__(path, line, field, message)
        self.path = path
        self.line = line
        self.field = field
        self.message = _one_line(message)
        self.errors: list[LayoutError] = [self]

    def __str__(self) -> str:
        return format_location(self.path, self.line, self.field) + self.message

    def __repr__(self) -> str:
        return f"LayoutError({str(self)!r})"


class LayoutWarning(UserWarning):
    """A finding that does not stop the layout from loading (e.g. blocked tiles).

    Same attributes and one-line text as LayoutError; a UserWarning subclass
    so callers may pass it to `warnings.warn` if they wish.
    """

    def __init__(self, path: Optional[str], line: Optional[int], field: str, message: str):
        super().__init__(path, line, field, message)
        self.path = path
        self.line = line
        self.field = field
        self.message = _one_line(message)

    def __str__(self) -> str:
        return format_location(self.path, self.line, self.field) + self.message

    def __repr__(self) -> str:
        return f"LayoutWarning({str(self)!r})"
