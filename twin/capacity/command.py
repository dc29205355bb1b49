"""`dctwin capacity` (where N racks of a model fit, stranded capacity, growth) and
`dctwin place-job` (servers with free accelerators for a job)."""
from __future__ import annotations

import sys

from twin.cli.common import (InputError, add_study_options, load_layout_arg,
                             write_json_output, write_output)
from twin.cli.progress import sigint_flag
from twin.cli.study import study_runner


def add_parsers(commands) -> None:
    """Register the capacity and place-job subcommands."""
    cap = commands.add_parser(
        "capacity", help="where new racks of a catalog model fit, and what binds them",
        description="Rank the places N racks of a catalog model can go, each with the binding "
                    "constraint among floor, power chain (N-1), air cooling, liquid cooling and "
                    "fabric, and list the capacity each row strands; or grow the room month by "
                    "month and report when each resource runs out.")
    cap.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    what = cap.add_mutually_exclusive_group(required=True)
    what.add_argument("--add", metavar="MODEL", help="catalog model of the new racks' equipment")
    what.add_argument("--growth", metavar="PLAN",
                      help='racks added each month, e.g. "4 x gb200-nvl72 per month"')
    cap.add_argument("--count", type=int, default=1, metavar="N",
                     help="racks to add (default 1); with --into-racks, servers")
    cap.add_argument("--into-racks", action="store_true",
                     help="put N units of MODEL into the free rack units of one existing rack "
                          "(racks that list equipment) instead of adding racks")
    cap.add_argument("--per-rack", type=int, metavar="K",
                     help="units of MODEL in each rack (default: one rack-scale system, else as "
                          "many as 42U hold)")
    cap.add_argument("--utilization-pct", type=float, default=100.0, metavar="P",
                     help="load of the new equipment, %% (default 100: maximum power)")
    cap.add_argument("--months", type=int, default=24, help="months of growth (default 24)")
    cap.add_argument("--chart", metavar="FILE", help="with --growth: write the chart (SVG)")
    cap.add_argument("--top", type=int, default=5, help="candidates to list (default 5)")
    cap.add_argument("--screen", type=int, default=12, metavar="K",
                     help="candidates screened with the preview model (default 12)")
    cap.add_argument("--confirm", type=int, default=2, metavar="M",
                     help="leading candidates re-solved with the accurate model (default 2)")
    add_study_options(cap, model="preview")
    job = commands.add_parser(
        "place-job", help="choose servers with free accelerators for a job",
        description="Choose servers with free accelerators (busy ones from telemetry are not "
                    "free) so that a job stays within the fewest fabric domains with the lowest "
                    "hottest intake and cooling power, and compare with first fit.")
    job.add_argument("layout", metavar="LAYOUT", help="layout file (YAML) with a network section")
    job.add_argument("--gpus", type=int, required=True, metavar="N", help="accelerators the job needs")
    job.add_argument("--power-pct", type=float, default=90.0, metavar="P",
                     help="load of the job's servers, %% of the idle-to-max range (default 90)")
    job.add_argument("--telemetry", metavar="SOURCE",
                     help="a replay file (CSV) or 'nvml': GPUs at 10 %% utilisation or more are busy")
    job.add_argument("--at", metavar="TIME", help="time in the replay (default: its end)")
    job.add_argument("--csv", metavar="OUT",
                     help="write the assignment (one row per server) as CSV ('-': to stdout)")
    add_study_options(job, model="preview")


def run_capacity(args) -> int:
    from twin.capacity.plan import CapacityError
    from twin.cli.common import check_outputs_to_stdout
    from twin.thermal import SolverError
    if args.chart and not args.growth:
        raise InputError("--chart goes with --growth (the chart shows the months)")
    layout = load_layout_arg(args.layout)
    quiet_stdout = check_outputs_to_stdout(args.json, args.chart)
    runner, progress = study_runner(args)
    try:
        with sigint_flag() as cancelled:
            runner.cancel = cancelled
            text, data = (_growth(layout, args, runner, progress) if args.growth
                          else _add(layout, args, runner, progress))
    except (CapacityError, SolverError) as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    if args.json:
        write_json_output(args.json, data)
    if not quiet_stdout:
        sys.stdout.write(text)
    return 0


def _add(layout, args, runner, progress) -> tuple[str, dict]:
    from twin.capacity.plan import Request, plan_capacity
    from twin.capacity.stranded import stranded_table
    from twin.capacity.text import format_plan, format_stranded
    from twin.model.catalog import equipment_types
    request = Request(args.add, args.count, args.per_rack, args.utilization_pct, args.into_racks)
    plan = plan_capacity(layout, request, runner, top=args.top, screen=args.screen,
                         confirm=args.confirm, progress=progress)
    rows = stranded_table(layout, runner, equipment_types(layout)[args.add])
    data = plan.as_dict()
    data["stranded"] = [row.as_dict() for row in rows]
    return format_plan(plan) + "\n" + format_stranded(rows), data


def _growth(layout, args, runner, progress) -> tuple[str, dict]:
    from twin.capacity.growth import chart_svg, format_growth, grow, parse_growth
    request = parse_growth(args.growth, args.per_rack, args.utilization_pct)
    run = grow(layout, request, args.months, runner, screen=args.screen, progress=progress)
    if args.chart:
        write_output(args.chart, chart_svg(run))
    return format_growth(run), run.as_dict()


def _samples(args):
    """GPU samples from --telemetry (a replay file at --at, or this machine's NVML)."""
    from twin.telemetry.csvfile import ReplayError, parse_timestamp
    if args.telemetry is None:
        return None
    if args.telemetry == "nvml":
        from twin.telemetry import NvmlSource
        with NvmlSource() as source:
            frame = source.read()
        if not frame.samples:
            raise InputError(f"--telemetry nvml: no GPUs read ({frame.message or frame.state})")
        return frame.samples
    from twin.telemetry.replay import Recording
    try:
        recording = Recording.load(args.telemetry)
        time_s = parse_timestamp(args.at) if args.at else recording.end_s
    except OSError as exc:
        raise InputError(f"cannot read {args.telemetry}: {exc.strerror or exc}") from None
    except (ReplayError, ValueError) as exc:
        raise InputError(str(exc)) from None
    return recording.at(time_s)


def _warn_unbound(layout, samples) -> None:
    """Say which hosts' GPUs could not be told busy: hosts bound to no server."""
    if not samples:
        return
    from twin.telemetry.mapping import bindings
    bound = bindings(layout, {s.host for s in samples})
    loose = sorted({s.host for s in samples
                    if s.host not in bound or bound[s.host].server is None})
    if loose:
        print(f"warning: telemetry hosts bound to no server, their GPUs are not known busy: "
              f"{', '.join(loose[:8])}{' ...' if len(loose) > 8 else ''}", file=sys.stderr)


def run_place_job(args) -> int:
    from twin.capacity.job_output import assignment_csv, format_job, job_dict
    from twin.capacity.jobs import JobError, place_job
    from twin.cli.common import check_outputs_to_stdout
    from twin.thermal import SolverError
    layout = load_layout_arg(args.layout)
    quiet_stdout = check_outputs_to_stdout(args.json, args.csv)
    samples = _samples(args)
    _warn_unbound(layout, samples)
    runner, progress = study_runner(args)
    try:
        with sigint_flag() as cancelled:
            runner.cancel = cancelled
            placed, naive = place_job(layout, args.gpus, runner, args.power_pct, samples)
    except (JobError, SolverError) as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    if args.json:
        write_json_output(args.json, job_dict(placed, naive, args.gpus, args.power_pct))
    if args.csv:
        write_output(args.csv, assignment_csv(placed))
    if not quiet_stdout:
        sys.stdout.write(format_job(placed, naive))
    return 0


RUNNERS = {"capacity": run_capacity, "place-job": run_place_job}
__all__ = ["RUNNERS", "add_parsers"]
