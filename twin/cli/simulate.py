"""`dctwin simulate LAYOUT`: solve a layout headless, print the table, write --json/--csv."""
from __future__ import annotations

import argparse
import sys

from twin.cli.common import (EXIT_CHECK, EXIT_INPUT, EXIT_OK, InputError, add_solve_options,
                             STDOUT, check_outputs_to_stdout, load_layout_arg, write_output)
from twin.cli.progress import Progress, sigint_flag
from twin.wording import count


def add_parser(commands) -> None:
    """Register `simulate` on an argparse subparsers object."""
    sim = commands.add_parser("simulate", help="solve a layout's air temperatures and print a table",
                              description="Solve the steady room air field of LAYOUT and report "
                                          "rack intake temperatures, cooling units and metrics.")
    sim.add_argument("layout", metavar="LAYOUT",
                     help="layout file (YAML, see docs/layout-format.md) or the name of a "
                          "bundled layout, e.g. small_room")
    add_solve_options(sim)
    from twin.telemetry import command as telemetry_command
    telemetry_command.add_simulate_options(sim)
    sim.add_argument("--check", action="store_true",
                     help="exit 3 when a rack intake is above the allowable limit, the N-1 "
                          "failover check fails or the solver did not converge")
    sim.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="show tracebacks of internal errors")


def run_simulate(args) -> int:
    """`dctwin simulate`: load, solve with progress and Ctrl-C support, report, export.

    With `--json -` (or `--csv -`) that output is the only thing on stdout;
    the table is left out.
    """
    from twin.thermal import SolverError, metrics as room_metrics, solve
    to_stdout = check_outputs_to_stdout(args.json, args.csv)
    from twin.model import LayoutError
    try:
        layout = load_layout_arg(args.layout, raise_layout_error=True)
    except LayoutError as exc:      # printed as is: it names file:line:field
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    layout = _with_telemetry(layout, args)

    progress = Progress(sys.stderr, enabled=not args.quiet)
    try:
        try:
            with sigint_flag() as cancelled:
                result = solve(layout, cell_m=args.cell_m, model=args.model,
                               progress=progress, cancel=cancelled)
        finally:
            progress.finish()      # before any message, so it starts on a clean line
    except SolverError as exc:      # a cancelled solve goes on to main(): `cancelled`, 130
        print(f"dctwin: {exc}", file=sys.stderr)
        return EXIT_INPUT

    metrics = room_metrics.compute(result, layout)
    from twin.power import analyze
    power = analyze(layout, result)
    _write_outputs(args, result, layout, metrics, power)
    if not to_stdout:
        from twin.thermal.export import format_report
        sys.stdout.write(format_report(result, layout, metrics, power))
    if not result.converged:
        print("dctwin: warning: the solver did not converge; figures are approximate",
              file=sys.stderr)
    if getattr(args, "check", False):
        problems = check_problems(result, metrics, power)
        for problem in problems:
            print(f"dctwin: check failed: {problem}", file=sys.stderr)
        if problems:
            return EXIT_CHECK
    return EXIT_OK


def check_problems(result, metrics, power) -> list[str]:
    """What `simulate --check` fails on, one line each: hot racks, N-1 failover, convergence."""
    problems = []
    hot = metrics.racks_above_allowable
    if hot:
        problems.append(f"{count(len(hot), 'rack')} above the ASHRAE {metrics.ashrae_class} allowable "
                        f"{metrics.allowable_c[1]:g} °C intake: {', '.join(hot)}")
    failover = getattr(power, "failover", None)
    if failover is not None and not failover.ok:
        failed = sorted({v.failed for v in failover.violations})
        problems.append(f"N-1 failover: {count(len(failover.violations), 'problem')} when "
                        f"{', '.join(failed)} {'fails' if len(failed) == 1 else 'fail'}")
    if not result.converged:
        problems.append("the solver did not converge")
    return problems


def _with_telemetry(layout, args):
    """`--telemetry REPLAY [--at TIME]`: recorded GPU power on the mapped racks."""
    if getattr(args, "at", None) and not getattr(args, "telemetry", None):
        raise InputError("--at needs --telemetry REPLAY")
    if not getattr(args, "telemetry", None):
        return layout
    from twin.telemetry.command import live_layout
    try:
        return live_layout(layout, args.telemetry, args.at)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _write_outputs(args, result, layout, metrics, power=None) -> None:
    """Write the --json and --csv outputs, if asked; unwritable paths are input errors."""
    from twin.thermal.export import csv_text, json_text, result_to_dict, write_side_tables
    if args.json:
        write_output(args.json, json_text(result_to_dict(result, layout, metrics, power)))
    if args.csv:
        write_output(args.csv, csv_text(result, metrics))
    if args.csv and args.csv != STDOUT:          # sensors, tiles, in-row units and doors
        try:
            write_side_tables(args.csv, result)
        except OSError as exc:
            raise InputError(f"cannot write next to {args.csv}: {exc.strerror or exc}") from None
