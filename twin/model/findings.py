"""Collecting layout errors and warnings with their file lines.

`lines` maps field paths such as `racks[3].position_m` to file lines when the
layout came from a file; a field without a line takes its parent's.
"""
from __future__ import annotations

from typing import Any, Optional

from twin.model.errors import LayoutError, LayoutWarning


class Findings:
    """Collects errors and warnings with their file lines."""

    def __init__(self, path: Optional[str], lines: Optional[dict[str, int]]):
        self.path = path
        self.lines = lines or {}
        self.errors: list[LayoutError] = []
        self.warnings: list[LayoutWarning] = []

    def line(self, field: str) -> Optional[int]:
        """The line of a field, else of its nearest enclosing field."""
        while field:
            if field in self.lines:
                return self.lines[field]
            cut = max(field.rfind("."), field.rfind("["))
            field = field[:cut] if cut > 0 else ""
        return None

    def error(self, field: str, message: str) -> None:
        self.errors.append(LayoutError(self.path, self.line(field), field, message))

    def warn(self, field: str, message: str) -> None:
        self.warnings.append(LayoutWarning(self.path, self.line(field), field, message))


def check_values(f: Findings, obj: Any, keys: tuple, field: str) -> None:
    """Apply the schema's kind checks to a dataclass (an edited layout may hold anything)."""
    for key in keys:
        if key.kind is None:
            continue
        value = getattr(obj, key.attribute, None)
        if value is None and not key.required:
            continue
        bad = key.kind.problem(value)
        if bad is not None:
            name = f"{field}.{key.name}" if field else key.name
            f.error(f"{name}{bad[0]}", bad[1])
