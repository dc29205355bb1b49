"""How the report writes things: natural rack order, grouped numbers, no empty cells."""
from __future__ import annotations

import html
import math
import os
import re
from typing import Iterable, Optional

MISSING = "n/a"            # what a cell shows when there is no figure (never an empty cell)
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """Sort key that orders embedded numbers by value: A2 before A10, CRAH-9 before CRAH-10."""
    parts = [p for p in _DIGITS.split(str(text)) if p]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts), str(text)


def natural_sorted(items: Iterable[str]) -> list[str]:
    return sorted(items, key=natural_key)


def num(value: Optional[float], digits: int = 1, sign: bool = False, unit: str = "") -> str:
    """A number with thousands grouped (12,345.6); MISSING for None or NaN; '−' as minus."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    text = f"{value:{'+' if sign else ''},.{digits}f}"
    if text.lstrip("+-").strip("0.,") == "":     # -0.0 and +0.0 read as 0.0
        text = f"{0.0:,.{digits}f}"
        text = ("±" if sign else "") + text
    text = text.replace("-", "−")
    return f"{text} {unit}" if unit else text


def count(value: int) -> str:
    """An integer with thousands grouped."""
    return f"{value:,d}"


def ids(items: Iterable[str], limit: int = 0) -> str:
    """Ids in natural order, comma separated; more than `limit` (when set) end in '… and N more'."""
    ordered = natural_sorted(items)
    if limit and len(ordered) > limit:
        return ", ".join(ordered[:limit]) + f" … and {len(ordered) - limit} more"
    return ", ".join(ordered)


def file_name(path: Optional[str]) -> str:
    """The layout file's name only: a report never shows folders of the machine it was made on."""
    return os.path.basename(path) if path else "(not saved)"


def esc(value) -> str:
    return html.escape(str(value))


def duration(seconds: Optional[float], horizon_min: Optional[float] = None) -> str:
    """'45 s', '3 min 20 s'; 'already above' at 0; 'over N min' when not crossed in the horizon."""
    if seconds is None:
        return f"over {horizon_min:g} min" if horizon_min else "not reached"
    seconds = float(seconds)
    if seconds <= 0:
        return "already above"
    if seconds < 1:
        return "under 1 s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes:d} min {rest:02d} s" if rest else f"{minutes:d} min"
