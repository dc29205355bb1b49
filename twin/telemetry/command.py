"""The telemetry commands: `dctwin telemetry probe`, `dctwin telemetry demo`,
`dctwin record OUT.csv`, and `simulate --telemetry REPLAY [--at TIME]`.

Expected problems print one line on stderr and return exit code 2; a machine
without an NVIDIA driver is not a problem for `probe` (exit 0).
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Optional, TextIO

from twin.argtypes import number, whole
from twin.telemetry.csvfile import ReplayError, ReplayWriter, format_timestamp, parse_timestamp
from twin.telemetry.mapping import LivePower, apply_live_power, live_power
from twin.telemetry.nvml import NO_DRIVER, NvmlSource
from twin.telemetry.poller import DEFAULT_INTERVAL_S
from twin.telemetry.replay import Recording
from twin.telemetry.sample import OFF, Frame
from twin.wording import count

EXIT_OK, EXIT_INPUT = 0, 2


def add_parsers(subparsers) -> None:
    """Register `telemetry` (probe, demo) and `record`."""
    tele = subparsers.add_parser("telemetry", help="GPU telemetry: probe the local GPUs, play the demo",
                                 description="Live GPU telemetry (NVML) and recorded replays.")
    actions = tele.add_subparsers(dest="telemetry_command", metavar="ACTION", required=True)
    actions.add_parser("probe", help="print the local NVIDIA GPUs and their readings",
                       description="Print what NVML finds on this machine (exit 0 without a driver).")
    demo = actions.add_parser("demo", help="play the bundled recording on the default hall",
                              description="Play the bundled training-job recording on the default "
                                          "hall and print the racks' live power as it plays.")
    demo.add_argument("--speed", type=number(0.01, 1e6), default=30.0,
                      help="playback speed (default 30x)")
    demo.add_argument("--frames", type=whole(0, 10 ** 9), default=0, metavar="N",
                      help="stop after N updates (default: play to the end)")
    rec = subparsers.add_parser("record", help="record the local GPUs to a replay file",
                                description="Record this machine's GPUs (NVML) to a CSV replay "
                                            "file until Ctrl-C, --duration or --count.")
    rec.add_argument("out", metavar="OUT.csv", help="replay file to write")
    rec.add_argument("--interval", type=number(0.05, 86400), default=DEFAULT_INTERVAL_S, metavar="S",
                     help=f"seconds between readings (default {DEFAULT_INTERVAL_S:g})")
    rec.add_argument("--duration", type=number(0, 1e9, low_open=True), metavar="S",
                     help="stop after S seconds")
    rec.add_argument("--count", type=whole(1, 10 ** 9), metavar="N", help="stop after N readings")
    for cmd in (tele, rec):
        cmd.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help="show tracebacks of internal errors")


def add_simulate_options(sim) -> None:
    """`--telemetry REPLAY [--at TIME]` for `dctwin simulate`."""
    sim.add_argument("--telemetry", metavar="REPLAY",
                     help="use the GPU power recorded in this replay file (CSV) for mapped racks")
    sim.add_argument("--at", metavar="TIME",
                     help="time in the replay (ISO 8601 or epoch seconds; default: its end)")


def run(args) -> int:
    """Dispatch `telemetry ...` and `record`."""
    if args.command == "record":
        return run_record(args)
    if args.telemetry_command == "demo":
        return run_demo(args)
    return run_probe()


def _fmt(value, spec: str = ".0f", unit: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{unit}"


def format_frame(frame: Frame) -> str:
    """One line per GPU: power, temperature, utilisation, memory, clocks, throttle, health."""
    lines = [f"{'gpu':<14} {'power':>8} {'temp':>6} {'util':>5} {'memory GiB':>12} "
             f"{'sm MHz':>7} {'throttle':>9} {'ecc':>4} {'xid':>4}  name"]
    for s in frame.samples:
        memory = ("-" if s.memory_used_mib is None else
                  f"{s.memory_used_mib / 1024:.1f}/{(s.memory_total_mib or 0) / 1024:.0f}")
        lines.append(
            f"{s.host + '/' + str(s.gpu):<14} {_fmt(s.power_w, '.1f', ' W'):>8} "
            f"{_fmt(s.temperature_c, '.0f', ' C'):>6} {_fmt(s.utilization_pct, '.0f', '%'):>5} "
            f"{memory:>12} {_fmt(s.sm_clock_mhz):>7} "
            f"{'-' if s.throttle_reasons is None else hex(s.throttle_reasons):>9} "
            f"{_fmt(s.ecc_uncorrected, 'd'):>4} {_fmt(s.xid, 'd'):>4}  "
            f"{s.name}{' (stale)' if s.stale else ''}")
    return "\n".join(lines) + "\n"


def run_probe(source: Optional[NvmlSource] = None, out: TextIO = None) -> int:
    """Print the local GPUs, or the no-driver message (exit 0 either way)."""
    out = out or sys.stdout
    source = source or NvmlSource()
    opened = source.open()
    if opened.state == OFF:
        out.write(opened.message + "\n")
        return EXIT_OK
    try:
        frame = source.read()
    finally:
        source.close()
    out.write(f"NVML on {source.host}: {opened.message}\n")
    out.write(format_frame(frame))
    for warning in frame.warnings:
        out.write(f"warning: {warning}\n")
    return EXIT_OK


def run_record(args, source: Optional[NvmlSource] = None, sleep=time.sleep) -> int:
    """Record until Ctrl-C, --duration or --count; the file is written as it goes."""
    source = source or NvmlSource()
    opened = source.open()
    if opened.state == OFF:
        reason = "no NVIDIA driver found" if opened.message == NO_DRIVER else opened.message
        print(f"dctwin: {reason}; nothing to record", file=sys.stderr)
        return EXIT_INPUT
    started, readings = time.monotonic(), 0
    try:
        with open(args.out, "w", newline="", encoding="utf-8") as stream:
            writer = ReplayWriter(stream)
            try:
                while _more(args, readings, time.monotonic() - started):
                    tick = time.monotonic()
                    frame = source.read()
                    writer.write(frame)
                    readings += 1
                    for warning in frame.warnings:
                        print(f"warning: {warning}", file=sys.stderr)
                    if _more(args, readings, time.monotonic() - started):
                        sleep(max(0.0, args.interval - (time.monotonic() - tick)))
            except KeyboardInterrupt:
                pass
    except OSError as exc:
        print(f"dctwin: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    finally:
        source.close()
    print(f"{writer.rows} rows ({readings} readings) written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _more(args, readings: int, elapsed_s: float) -> bool:
    if args.count is not None and readings >= args.count:
        return False
    return args.duration is None or elapsed_s < args.duration


def replay_power(layout, path: str, at: Optional[str] = None) -> LivePower:
    """Live rack power from a replay file at `at` (default: the end). ValueError if bad."""
    try:
        recording = Recording.load(path)
    except OSError as exc:
        raise ReplayError(f"cannot read {path}: {exc.strerror or exc}") from None
    time_s = recording.end_s
    if at is not None:
        try:
            time_s = parse_timestamp(at)
        except ValueError:
            raise ReplayError(f"--at: not a time: {at[:40]!r} (years 1970 to 9999, ISO 8601 such as "
                              f"{format_timestamp(recording.start_s)}, or epoch seconds)") from None
        if time_s < recording.start_s:
            raise ReplayError(f"--at {at} is before the recording starts "
                              f"({format_timestamp(recording.start_s)})")
    return live_power(layout, recording.at(time_s), time_s)


def describe(live: LivePower) -> list[str]:
    """Lines for stderr: time, racks on live power, unmapped GPUs, silent hosts."""
    lines = [f"telemetry at {format_timestamp(live.timestamp_s)}: {count(len(live.racks), 'rack')} on "
             "live power"]
    for rack in live.racks.values():
        flag = " (stale)" if rack.stale else ""
        lines.append(f"  {rack.rack_id}: design {rack.design_kw:.1f} kW -> live {rack.live_kw:.1f} "
                     f"kW from {count(len(rack.hosts), 'host')}{flag}")
    if live.unmapped:
        names = ", ".join(f"{h}/{g}" for h, g in live.unmapped[:12])
        more = f" and {len(live.unmapped) - 12} more" if len(live.unmapped) > 12 else ""
        lines.append(f"warning: {count(len(live.unmapped), 'GPU')} in no rack: {names}{more} "
                     "(bind their hosts in the layout's telemetry section)")
    if live.silent_hosts:
        lines.append(f"warning: no data for mapped hosts: {', '.join(live.silent_hosts)}")
    lines.extend(f"warning: {note}" for note in live.notes[:12])
    return lines


def live_layout(layout, path: str, at: Optional[str] = None, err: TextIO = None):
    """`simulate --telemetry`: the layout with recorded power on its mapped racks."""
    live = replay_power(layout, path, at)
    for line in describe(live):
        print(line, file=err or sys.stderr)
    return apply_live_power(layout, live)


def run_demo(args, out: TextIO = None, sleep=time.sleep) -> int:
    """Play the bundled recording on the default hall, printing the live racks."""
    from twin.model import default_layout_path, load_layout
    from twin.telemetry.demo import demo_replay_path
    out = out or sys.stdout
    layout = load_layout(default_layout_path())
    recording = Recording.load(demo_replay_path())
    step_s = recording.times_s[1] - recording.times_s[0] if len(recording.times_s) > 1 else 1.0
    for n, time_s in enumerate(recording.times_s):
        if args.frames and n >= args.frames:
            break
        live = live_power(layout, recording.at(time_s), time_s)
        total = sum(live.rack_kw(layout).values())
        racks = "  ".join(f"{r.rack_id} {r.live_kw:5.1f}" for r in live.racks.values())
        out.write(f"{format_timestamp(time_s)}  hall {total:6.1f} kW  {racks}\n")
        out.flush()
        if n + 1 < len(recording.times_s):
            sleep(step_s / args.speed)
    return EXIT_OK
