"""`dctwin calibrate` and `dctwin watch`: the twin against measured readings.

    dctwin calibrate room.yaml --measured readings.csv --out room-calibrated.yaml
    dctwin calibrate room.yaml --measured readings.csv --window 2026-01-05T09:00Z 2026-01-05T10:00Z
    dctwin watch room-calibrated.yaml --measured live.csv --json alerts.json
"""
from __future__ import annotations

import argparse
import sys

from twin.cli.common import (EXIT_CHECK, EXIT_OK, InputError, add_check_option,
                             check_outputs_to_stdout, load_layout_arg, positive_float,
                             write_json_output, write_output)

MODEL_HELP = "model that anchors and confirms the fit (default accurate; preview is faster)"


def add_parsers(commands) -> None:
    """Register `calibrate`."""
    cal = commands.add_parser(
        "calibrate", help="fit a layout's cooling and rack airflows to measured readings",
        description="Fit per cooling unit an airflow factor and a supply offset, and per rack "
                    "group an airflow factor, to measured sensor, unit and rack readings by "
                    "regularised bounded least squares; report every reading before and after, "
                    "each parameter with its uncertainty and a held-out check, and write the "
                    "calibrated layout. See docs/calibration.md.")
    cal.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    cal.add_argument("--measured", metavar="FILE", required=True,
                     help="CSV of timestamp,sensor,value (names: docs/calibration.md)")
    when = cal.add_mutually_exclusive_group()
    when.add_argument("--at", metavar="TIME", help="use each reading nearest TIME")
    when.add_argument("--window", nargs=2, metavar=("FROM", "TO"),
                      help="use each reading's mean from FROM to TO (default: the whole file)")
    cal.add_argument("--out", metavar="CALIBRATED.yaml", help="write the calibrated layout")
    cal.add_argument("--json", metavar="OUT", help="write the fit as JSON ('-': to stdout, alone)")
    _add_fit_options(cal)
    add_check_option(cal, "a held-out reading is off by more than 0.5 K after the fit")
    cal.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="show tracebacks of internal errors")


def _add_fit_options(cal) -> None:
    cal.add_argument("--model", choices=("accurate", "preview"), default="accurate", help=MODEL_HELP)
    cal.add_argument("--cell-m", type=positive_float, default=0.2, metavar="M",
                     help="grid cell size in metres (default 0.2)")
    cal.add_argument("--racks", choices=("rack", "row", "room"), default="row",
                     help="one rack airflow factor per rack, per row (default) or for the room")
    cal.add_argument("--sensor-sigma", type=positive_float, default=0.3, metavar="K",
                     help="stated accuracy of a temperature reading (default 0.3 K)")
    cal.add_argument("--holdout", type=float, default=0.25, metavar="SHARE",
                     help="share of the temperature readings kept out of the fit to score it "
                          "(default 0.25; 0: none)")
    cal.add_argument("--workers", type=int, default=1, metavar="N",
                     help="processes for the sensitivities (default 1)")
    cal.add_argument("--quiet", action="store_true", help="no progress on stderr")


def time_arg(text: str, option: str) -> float:
    from twin.telemetry.csvfile import parse_timestamp
    try:
        return parse_timestamp(text)
    except ValueError:
        raise InputError(f"{option}: not a time: {text[:40]!r} (ISO 8601 such as "
                         "2026-01-05T09:00:00Z, or epoch seconds)") from None


def read_measured_arg(path: str, layout):
    from twin.calibrate.measured import MeasuredError, read_measured
    try:
        return read_measured(path, layout)
    except MeasuredError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def run_calibrate(args) -> int:
    """Run `dctwin calibrate`; 0, 2 for bad input, 3 with --check when held-out readings miss."""
    from twin.calibrate import Settings, calibrate, snapshot
    from twin.calibrate.measured import MeasuredError
    from twin.calibrate import output
    from twin.cli.progress import Progress
    from twin.thermal import SolverError
    if not 0 <= args.holdout < 1:
        raise InputError(f"--holdout: {args.holdout:g} is outside 0..1")
    if not 1 <= args.workers <= 64:
        raise InputError("--workers: must be 1 to 64")
    layout = load_layout_arg(args.layout)
    measured = read_measured_arg(args.measured, layout)
    at = time_arg(args.at, "--at") if args.at else None
    window = tuple(time_arg(t, "--window") for t in args.window) if args.window else None
    try:
        snap = snapshot(measured, at_s=at, window_s=window)
    except MeasuredError as exc:
        raise InputError(str(exc)) from None
    quiet_stdout = check_outputs_to_stdout(args.json)
    settings = Settings(cell_m=args.cell_m, model=args.model, sensor_sigma_k=args.sensor_sigma,
                        holdout=args.holdout, workers=args.workers)
    progress = Progress(sys.stderr, enabled=not args.quiet)
    try:
        cal = calibrate(layout, measured, snap, settings, grouping=args.racks, progress=progress)
    except (SolverError, ValueError) as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    if args.out:
        write_output(args.out, output.calibrated_text(cal, args.layout, args.measured))
    if args.json:
        write_json_output(args.json, output.to_dict(cal, args.layout, args.measured))
    if not quiet_stdout:
        sys.stdout.write("\n".join(output.lines(cal)) + "\n")
    if args.check and cal.held_out_max_k() > 0.5:
        return EXIT_CHECK
    return EXIT_OK
