"""`dctwin liquid LAYOUT`: the coolant loop, its failures and its annual energy.

    dctwin liquid hall.yaml                        # CDUs and racks, N-1, facility-water loss
    dctwin liquid hall.yaml --supply 17,32,40      # the same hall at three facility-water supplies
    dctwin liquid hall.yaml --climate site.csv --json out.json --csv out.csv

No thermal solve is run: the air side is the layout's racks' air heat.
"""
from __future__ import annotations

import argparse
import sys

from twin.cli.common import (EXIT_CHECK, EXIT_OK, InputError, add_check_option,
                             check_outputs_to_stdout, load_layout_arg, write_json_output,
                             write_output)
from twin.liquid.energy import parse_supplies

COMMAND = "liquid"


def add_parsers(commands) -> None:
    """Register the `liquid` subcommand."""
    cmd = commands.add_parser(
        COMMAND, help="direct-to-chip liquid cooling: CDUs, failures, free cooling, PUE",
        description="Solve the coolant loop of a layout's liquid section (each CDU's load and "
                    "secondary temperatures, each rack's coolant supply and return), fail each "
                    "CDU in turn and the facility water, and compute annual free-cooling hours, "
                    "chiller, pump and fan energy, PUE and WUE over a site climate, for one or "
                    "several facility-water supply temperatures.")
    cmd.add_argument("layout", metavar="LAYOUT", help="layout file (YAML) with a liquid section")
    cmd.add_argument("--supply", metavar="T[,T...]",
                     help="facility-water supply temperatures to compare, °C (e.g. 17,32,40; "
                          "default: the layout's)")
    cmd.add_argument("--climate", metavar="NAME|FILE", default=None,
                     help="site climate: a CSV (hour or month, dry_bulb_c[, wet_bulb_c]) or a "
                          "bundled name (default example-temperate, a synthetic example)")
    cmd.add_argument("--json", metavar="OUT", help="write the results as JSON ('-': to stdout, alone)")
    cmd.add_argument("--csv", metavar="OUT",
                     help="write one row per CDU and liquid-cooled rack as CSV ('-': to stdout)")
    add_check_option(cmd, "a rack's coolant is over its limit or a CDU over capacity, "
                          "in normal operation or with any one CDU failed")
    cmd.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="show tracebacks of internal errors")


def _supplies(text) -> list:
    if text is None:
        return []
    try:
        return parse_supplies(text)
    except ValueError as exc:
        hint = " (e.g. --supply 17,32,40)" if str(exc).startswith("not a number") else ""
        raise InputError(f"--supply: {exc}{hint}") from None


def run(args) -> int:
    """Run the command; 0, 2 for bad input, 3 with --check when the loop fails."""
    from twin import liquid
    from twin.power import analyze
    layout = load_layout_arg(args.layout)
    if layout.liquid is None:
        raise InputError(f"{args.layout}: the layout has no liquid section (see docs/liquid.md)")
    supplies = _supplies(args.supply)
    try:
        climate = liquid.load_climate(args.climate or liquid.DEFAULT_CLIMATE)
    except liquid.ClimateError as exc:
        raise InputError(str(exc)) from None
    quiet_stdout = check_outputs_to_stdout(args.json, args.csv)
    report = liquid.study(layout, climate, supplies, power=analyze(layout))
    if args.json:
        write_json_output(args.json, report.to_dict())
    if args.csv:
        write_output(args.csv, "\n".join(liquid.csv_rows(report.result)) + "\n")
    if not quiet_stdout:
        sys.stdout.write("\n".join(report.lines()) + "\n")
    if args.check and not report.ok:
        return EXIT_CHECK
    return EXIT_OK
