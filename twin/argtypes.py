"""Bounded argparse types: an option outside its range is a usage error (exit 2) that
says the accepted range, before any work starts. Qt-free; the ranges are in docs/cli.md.

    parser.add_argument("--minutes", type=number(0, 1440, low_open=True))
"""
from __future__ import annotations

import argparse
import math
from typing import Callable

from twin.model import limits

MAX_LOCAL_WORKERS = 64          # local Dask worker processes (--workers)


def _range(low: float, high: float, low_open: bool) -> str:
    return f"{'above' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'} {high:g}"


def number(low: float, high: float, low_open: bool = False) -> Callable[[str], float]:
    """A finite float in [low, high] (or (low, high] with `low_open`)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {limits.clip_text(text, 40)!r}") from None
        inside = math.isfinite(value) and (value > low if low_open else value >= low) and value <= high
        if not inside:
            raise argparse.ArgumentTypeError(f"must be a number {_range(low, high, low_open)} "
                                             f"(got {limits.clip_text(text, 40)!r})")
        return value
    parse.__name__ = "number"       # argparse names the type in some messages
    return parse


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number in [low, high]; long digit strings are refused before conversion."""
    def parse(text: str) -> int:
        digits = text.strip().lstrip("+-").replace("_", "")
        if not digits.isdigit() or len(digits) > 18:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low:,} to {high:,} "
                                             f"(got {limits.clip_text(text, 40)!r})")
        value = int(text.replace("_", ""))
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low:,} to {high:,} "
                                             f"(got {text!r})")
        return value
    parse.__name__ = "whole"
    return parse


def add_max_cells(parser: argparse.ArgumentParser) -> None:
    """`--max-cells N`: the grid cell limit of this run (also DCTWIN_MAX_CELLS)."""
    parser.add_argument("--max-cells", type=whole(1, 10 ** 12), default=None, metavar="N",
                        help=f"refuse grids of more than N cells (default "
                             f"{limits.DEFAULT_MAX_CELLS:,}, or ${limits.MAX_CELLS_ENV})")


def apply_limits(args: argparse.Namespace) -> None:
    """Put the limits given as options into effect for this process and its workers."""
    limits.set_max_cells(getattr(args, "max_cells", None))
