"""Site climates: hourly or monthly dry-bulb (and optionally wet-bulb) temperatures.

A CSV has a header `hour,dry_bulb_c` or `month,dry_bulb_c`, optionally with a
`wet_bulb_c` column; lines starting with `#` are comments. A monthly row
stands for every hour of that month (non-leap year); an hourly row for one
hour. Problems raise ClimateError naming file and line.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
BUNDLED = {"example-temperate": "example-temperate-monthly.csv"}
DEFAULT_CLIMATE = "example-temperate"


class ClimateError(ValueError):
    """A climate file that cannot be used; str() is `file:line: message`."""


@dataclass(frozen=True)
class Climate:
    """Rows of (hours represented, dry bulb degC, wet bulb degC or None)."""
    name: str
    kind: str                                  # "hour" or "month"
    rows: tuple[tuple[float, float, Optional[float]], ...]

    @property
    def hours(self) -> float:
        return sum(r[0] for r in self.rows)

    @property
    def has_wet_bulb(self) -> bool:
        return all(r[2] is not None for r in self.rows)


def _number(text: str, where: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ClimateError(f"{where}: {column} must be a number (got {text.strip()!r})") from None
    if not -90.0 <= value <= 70.0:
        raise ClimateError(f"{where}: {column} must be between -90 and 70 °C (got {value:g})")
    return value


def parse_climate(text: str, name: str) -> Climate:
    """Read a climate CSV's text; `name` labels errors."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ClimateError(f"{name}: no data (expected a header hour,dry_bulb_c or month,dry_bulb_c)")
    header_no, header = lines[0]
    columns = [c.strip() for c in next(csv.reader([header]))]
    if len(columns) not in (2, 3) or columns[0] not in ("hour", "month") or columns[1] != "dry_bulb_c" \
            or (len(columns) == 3 and columns[2] != "wet_bulb_c"):
        raise ClimateError(f"{name}:{header_no}: the header must be hour,dry_bulb_c or "
                           f"month,dry_bulb_c, optionally with ,wet_bulb_c (got {header.strip()!r})")
    kind = columns[0]
    rows, seen = [], []
    for number, line in lines[1:]:
        where = f"{name}:{number}"
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) != len(columns):
            raise ClimateError(f"{where}: expected {len(columns)} values ({','.join(columns)}), "
                               f"got {len(cells)}")
        try:
            index = int(cells[0])
        except ValueError:
            raise ClimateError(f"{where}: {kind} must be a whole number (got {cells[0].strip()!r})") from None
        dry = _number(cells[1], where, "dry_bulb_c")
        wet = _number(cells[2], where, "wet_bulb_c") if len(cells) == 3 else None
        if wet is not None and wet > dry + 1e-9:
            raise ClimateError(f"{where}: wet_bulb_c ({wet:g}) cannot be above dry_bulb_c ({dry:g})")
        if kind == "month":
            if not 1 <= index <= 12 or index in seen:
                raise ClimateError(f"{where}: month must be 1 to 12, each once (got {index})")
            hours = 24.0 * DAYS_IN_MONTH[index - 1]
        else:
            expected = (seen[-1] + 1) if seen else index
            if index != expected or index < 0:
                raise ClimateError(f"{where}: hours must count up by one from 0 or 1 "
                                   f"(got {index} after {seen[-1] if seen else 'the header'})")
            hours = 1.0
        seen.append(index)
        rows.append((hours, dry, wet))
    if not rows:
        raise ClimateError(f"{name}: no data rows after the header")
    if kind == "month" and len(rows) != 12:
        raise ClimateError(f"{name}: a monthly table needs all 12 months (got {len(rows)})")
    return Climate(name, kind, tuple(rows))


def load_climate(spec: str) -> Climate:
    """A bundled climate by name (see BUNDLED) or a CSV file path."""
    if spec in BUNDLED:
        text = resources.files("twin.liquid").joinpath("climates", BUNDLED[spec]).read_text("utf-8")
        return parse_climate(text, spec)
    try:
        text = Path(spec).read_text(encoding="utf-8-sig")
    except OSError as exc:
        known = ", ".join(BUNDLED)
        raise ClimateError(f"{spec}: cannot read the climate file: {exc.strerror or exc} "
                           f"(bundled climates: {known})") from None
    return parse_climate(text, spec)
