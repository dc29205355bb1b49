"""`dctwin capacity` (where N racks of a model fit, stranded capacity, growth),
`dctwin place-job` (servers with free accelerators for a job) and `dctwin replay`
(a job trace run through the room under each placement policy)."""
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
    _add_replay_parser(commands)


def _add_replay_parser(commands) -> None:
    rep = commands.add_parser(
        "replay", help="run a job trace through the room under each placement policy",
        description="Replay a scheduler's job trace (sacct-style CSV): jobs start when "
                    "accelerators are free, on the servers the policy picks; report the hottest "
                    "intake, hours above the ASHRAE recommended maximum, energy, CDU loads and "
                    "queue waits of each policy.")
    rep.add_argument("layout", metavar="LAYOUT", help="layout file (YAML) with a network section")
    rep.add_argument("--trace", required=True, metavar="TRACE.csv",
                     help="jobs: JobID,Submit,Start,End,AllocGPUs (or NNodes)[,power_pct]")
    rep.add_argument("--policy", choices=("thermal", "first-fit", "both"), default="both",
                     help="placement policy (default: both, compared)")
    rep.add_argument("--days", type=float, metavar="N",
                     help="replay N days from the first submit (default: until the last job ends)")
    rep.add_argument("--screen", type=int, default=4, metavar="K",
                     help="thermal policy: candidate placements solved per job (default 4)")
    rep.add_argument("--confirm", type=int, default=1, metavar="M",
                     help="hottest power states re-solved with the accurate model (default 1)")
    rep.add_argument("--power-step-kw", type=float, default=1.0, metavar="KW",
                     help="states whose racks differ by less share a thermal solve (default 1)")
    rep.add_argument("--csv", metavar="OUT", help="write the time series as CSV ('-': to stdout)")
    add_study_options(rep, model="preview")


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


def _trace_path(text: str) -> str:
    """The trace file, or a bundled one (e.g. default_hall_jobs.csv) when no such file exists."""
    import os
    from twin.model.resources import bundled_file
    if os.path.exists(text) or os.path.dirname(text):
        return text
    try:
        return str(bundled_file(text))
    except FileNotFoundError:
        return text


def run_replay(args) -> int:
    from twin.capacity.jobs import JobError
    from twin.capacity.replay import replay
    from twin.capacity.replay_output import format_replay, replay_dict, series_csv
    from twin.capacity.trace import TraceError, read_trace
    from twin.cli.common import check_outputs_to_stdout
    from twin.thermal import SolverError
    if args.days is not None and not args.days > 0:
        raise InputError(f"--days must be more than 0 (got {args.days:g})")
    if args.power_step_kw <= 0 or args.screen < 1 or args.confirm < 0:
        raise InputError("--power-step-kw must be more than 0, --screen at least 1, "
                         "--confirm at least 0")
    layout = load_layout_arg(args.layout)
    try:
        jobs = read_trace(_trace_path(args.trace))
    except OSError as exc:
        raise InputError(f"cannot read {args.trace}: {exc.strerror or exc}") from None
    except TraceError as exc:
        raise InputError(str(exc)) from None
    quiet_stdout = check_outputs_to_stdout(args.json, args.csv)
    policies = ("thermal", "first-fit") if args.policy == "both" else (args.policy,)
    runner, progress = study_runner(args)
    try:
        with sigint_flag() as cancelled:
            runner.cancel = cancelled
            runs = [replay(layout, jobs, p, runner, args.days, args.screen, args.confirm,
                           args.power_step_kw, progress, cancelled) for p in policies]
    except (JobError, SolverError) as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    if args.json:
        write_json_output(args.json, replay_dict(runs, runs[0].recommended_max_c))
    if args.csv:
        write_output(args.csv, series_csv(runs))
    if not quiet_stdout:
        title = (f"{len(runs[0].jobs)} jobs from {args.trace}, {runs[0].hours:.1f} h, "
                 f"{runner.solves} thermal solves")
        sys.stdout.write(format_replay(runs, title))
    return 0


RUNNERS = {"capacity": run_capacity, "place-job": run_place_job, "replay": run_replay}
__all__ = ["RUNNERS", "add_parsers"]
