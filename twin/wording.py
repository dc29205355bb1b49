"""Counts in messages and tables spelled as English: '1 case', '3 cases'."""
from __future__ import annotations

IRREGULAR = {"rack has": "racks have"}


def count(n: int, singular: str, plural: str = "") -> str:
    """`n` and the noun in the right number: count(1, "case") -> "1 case"."""
    if n == 1:
        return f"{n} {singular}"
    return f"{n} {plural or IRREGULAR.get(singular) or singular + 's'}"

