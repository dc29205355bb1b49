"""Command-line options of `dctwin gui` (Qt-free, so `dctwin --help` needs no Qt)."""
from __future__ import annotations

import argparse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def add_gui_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The arguments of `dctwin gui`, added to `parser`."""
    parser.add_argument("layout", nargs="?", metavar="LAYOUT",
                        help="layout file, or a bundled layout's name, to open "
                             "(default: the bundled default hall)")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="render the main window to PNG after the first solve and exit")
    parser.add_argument("--model", choices=("accurate", "preview"), default=None,
                        help="accurate: an instant preview, then the accurate model streams in "
                             "(default, or the last choice in the Solve menu); preview: the "
                             "preview model only")
    parser.add_argument("--cell-m", type=_positive_float, default=0.2, metavar="M",
                        help="grid cell size of the accurate model in metres (default 0.2)")
    parser.add_argument("--size", metavar="WxH", default=None,
                        help="window size in pixels, e.g. 1600x1000 (default: remembered)")
    from twin.argtypes import add_max_cells
    add_max_cells(parser)
    return parser


def gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dctwin gui", description="Open the desktop app.")
    return add_gui_arguments(parser)


def window_size(text: str | None) -> tuple[int, int] | None:
    """'1600x1000' -> (1600, 1000); None stays None; bad text raises ValueError."""
    if not text:
        return None
    width, _, height = text.lower().partition("x")
    if not (width.strip().isdigit() and height.strip().isdigit()) or len(text) > 12:
        raise ValueError(f"window size must be WxH in pixels, e.g. 1600x1000 (got {text[:20]!r})")
    size = (int(width), int(height))
    if min(size) < 200 or max(size) > 20_000:
        raise ValueError(f"window size must be 200 to 20000 pixels each way (got {text})")
    return size
