"""`dctwin watch LAYOUT --measured FILE`: residuals, alerts and early warnings over readings.

The measured file is replayed in time order (as fast as it can be read, or
at `--speed` times real time); `--telemetry REPLAY.csv` feeds rack power
from a GPU telemetry recording at each reading's time.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from twin.cli.common import (EXIT_CHECK, EXIT_OK, InputError, add_check_option,
                             check_outputs_to_stdout, load_layout_arg, positive_float,
                             write_json_output)


def add_parser(commands) -> None:
    cmd = commands.add_parser(
        "watch", help="residuals of measured readings against the twin, alerts and early warnings",
        description="Replay measured readings in time order against the twin: keep each "
                    "reading's residual (measured minus twin), alert when one leaves its expected "
                    "spread with the single parameter change that best explains the pattern, and "
                    "warn when a rack intake or coolant supply is foreseen to cross its limit. "
                    "See docs/calibration.md.")
    cmd.add_argument("layout", metavar="LAYOUT", help="layout file (YAML), ideally a calibrated one")
    cmd.add_argument("--measured", metavar="FILE", required=True,
                     help="CSV of timestamp,sensor,value (names: docs/calibration.md)")
    cmd.add_argument("--telemetry", metavar="REPLAY.csv",
                     help="GPU telemetry recording giving rack power at each reading's time")
    cmd.add_argument("--calibration", metavar="FIT.json",
                     help="a `dctwin calibrate --json` result: its held-out RMS sets the twin's spread")
    cmd.add_argument("--model", choices=("accurate", "preview"), default="accurate",
                     help="model for the twin's values (default accurate)")
    cmd.add_argument("--cell-m", type=positive_float, default=0.2, metavar="M",
                     help="grid cell size in metres (default 0.2)")
    cmd.add_argument("--noise", type=positive_float, default=0.3, metavar="K",
                     help="stated noise of one temperature reading (default 0.3 K)")
    cmd.add_argument("--model-spread", type=positive_float, default=None, metavar="K",
                     help="the twin's own spread (default: the calibration's held-out RMS, else 0.3 K)")
    cmd.add_argument("--window", type=int, default=10, metavar="N",
                     help="readings averaged per residual (default 10)")
    cmd.add_argument("--z", type=positive_float, default=4.0,
                     help="spreads beyond which a residual is out of line (default 4)")
    cmd.add_argument("--persist", type=int, default=3, metavar="N",
                     help="updates a residual must stay out of line before an alert (default 3)")
    cmd.add_argument("--horizon", type=positive_float, default=30.0, metavar="MIN",
                     help="early-warning horizon in minutes (default 30)")
    cmd.add_argument("--speed", type=float, default=0.0, metavar="X",
                     help="replay at X times real time (default 0: as fast as possible)")
    cmd.add_argument("--json", metavar="OUT",
                     help="write the alerts, residuals and forecasts as JSON ('-': to stdout, alone)")
    add_check_option(cmd, "any alert was raised")
    cmd.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="show tracebacks of internal errors")


def _model_spread(args) -> float:
    if args.model_spread is not None:
        return args.model_spread
    if not args.calibration:
        return 0.3
    try:
        with open(args.calibration, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {args.calibration}: {exc}") from None
    rms = data.get("held_out_rms_after_k") if isinstance(data, dict) else None
    rms = rms if isinstance(rms, (int, float)) else (data.get("fit_rms_after_k")
                                                     if isinstance(data, dict) else None)
    if not isinstance(rms, (int, float)) or not 0 <= rms < 50:
        raise InputError(f"{args.calibration}: not a `dctwin calibrate --json` result "
                         "(no held_out_rms_after_k)")
    return max(float(rms), 0.1)


def _power_frames(args, layout, measured):
    """{time: {rack:ID:power_kw: kW}} from a telemetry recording at the measured times."""
    if not args.telemetry:
        return {}
    from twin.telemetry.mapping import live_power
    from twin.telemetry.replay import Recording
    try:
        recording = Recording.load(args.telemetry)
    except (OSError, ValueError) as exc:
        raise InputError(str(exc) if isinstance(exc, ValueError)
                         else f"cannot read {args.telemetry}: {exc.strerror or exc}") from None
    out = {}
    for time_s, _ in measured.frames():
        if time_s >= recording.start_s:
            live = live_power(layout, recording.at(time_s), time_s)
            out[time_s] = {f"rack:{rid}:power_kw": r.live_kw for rid, r in live.racks.items()}
    return out


def run_watch(args) -> int:
    """Run `dctwin watch`; 0, 2 for bad input, 3 with --check when an alert was raised."""
    from twin.calibrate.command import read_measured_arg
    from twin.calibrate.fit import Settings
    from twin.calibrate.measured import bind
    from twin.calibrate.watch import Watcher, WatchSettings
    from twin.telemetry.csvfile import format_timestamp
    from twin.thermal import SolverError
    if not (1 <= args.window <= 10000 and 1 <= args.persist <= 10000 and 0 <= args.speed <= 1e6):
        raise InputError("--window and --persist must be 1 to 10000, --speed 0 to 1e6")
    layout = load_layout_arg(args.layout)
    measured = read_measured_arg(args.measured, layout)
    power = _power_frames(args, layout, measured)
    channels = dict(measured.channels)
    for name in {n for frame in power.values() for n in frame}:
        channels[name] = bind(layout, name)
    quiet_stdout = check_outputs_to_stdout(args.json)
    settings = WatchSettings(noise_k=args.noise, model_k=_model_spread(args), window=args.window,
                             z=args.z, persist=args.persist, horizon_s=args.horizon * 60.0)
    try:
        watcher = Watcher(layout, channels, settings, Settings(cell_m=args.cell_m, model=args.model))
    except SolverError as exc:
        raise InputError(str(exc)) from None
    previous = None
    for time_s, values in measured.frames():
        if args.speed > 0 and previous is not None:
            time.sleep(min((time_s - previous) / args.speed, 60.0))
        previous = time_s
        alerts = watcher.update(time_s, values | power.get(time_s, {}))
        alerts += watcher.early_warnings(time_s)
        if not quiet_stdout:
            for a in alerts:
                print(f"{format_timestamp(a.time_s)}  {a.kind:<8}  {a.message}", flush=True)
    if args.json:
        write_json_output(args.json, to_dict(watcher, args.layout, args.measured))
    if not quiet_stdout:
        sys.stdout.write("\n".join(summary_lines(watcher)) + "\n")
    raised = [a for a in watcher.alerts if a.kind != "cleared"]
    return EXIT_CHECK if args.check and raised else EXIT_OK


def summary_lines(watcher) -> list[str]:
    means = watcher.mean_residuals()
    width = max([7] + [len(c.name) for c in watcher.observed])
    lines = ["", f"{'reading':<{width}} {'residual':>9} {'spread':>7}"]
    for i, c in enumerate(watcher.observed):
        lines.append(f"{c.name:<{width}} {means[i]:>+9.2f} {watcher.spread(c.name):>7.2f}")
    raised = [a for a in watcher.alerts if a.kind != "cleared"]
    lines.append(f"{len(raised)} alert(s)")
    return lines


def to_dict(watcher, layout_path: str, measured_path: str) -> dict:
    means = watcher.mean_residuals()
    s = watcher.settings
    return {
        "layout": layout_path, "measured": measured_path, "model": watcher.fit_settings.model,
        "settings": {"noise_k": s.noise_k, "model_k": s.model_k, "window": s.window, "z": s.z,
                     "persist": s.persist, "horizon_s": s.horizon_s},
        "alerts": [a.to_dict() for a in watcher.alerts],
        "residuals": {c.name: {"mean": round(float(means[i]), 3),
                               "spread": round(watcher.spread(c.name), 3),
                               "history": [[round(t, 1), round(r, 3)]
                                           for t, r in watcher.residuals[c.name].history[-200:]]}
                      for i, c in enumerate(watcher.observed)},
        "forecasts": [f.to_dict() for f in watcher.forecasts()],
    }
