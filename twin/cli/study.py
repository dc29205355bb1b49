"""Helpers of the study commands (report, sweep, place, setpoint): runner, Dask executor, errors."""
from __future__ import annotations

import contextlib
import sys

from twin.argtypes import MAX_LOCAL_WORKERS, whole
from twin.cli.common import EXIT_INTERNAL, InputError
from twin.cli.progress import Progress


def study_runner(args, warm_start: bool = True, executor=None):
    """A scenario Runner for the options in `args`, and its progress line (finish() it)."""
    from twin.scenario import Runner
    progress = Progress(sys.stderr, enabled=not args.quiet)
    return Runner(args.cell_m, args.model, progress=progress, warm_start=warm_start,
                  executor=executor), progress


def add_executor_options(parser) -> None:
    """--workers N and --scheduler ADDRESS: solve the cases on Dask (docs/scenarios.md)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workers", type=whole(1, MAX_LOCAL_WORKERS), metavar="N",
                       help="solve the cases on a local Dask cluster of N worker processes "
                            "(needs dask[distributed])")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="solve the cases on a running Dask scheduler, e.g. tcp://host:8786")


@contextlib.contextmanager
def study_executor(args):
    """The executor the options ask for, closed on the way out; bad options are input errors.

    Inside the block SolveCancelled is reported as `cancelled` (exit 130) by
    `twin.cli.app.main`; a case that fails on a worker is an internal error
    naming the case.
    """
    from twin.scenario.executor import ExecutorError, make_executor
    workers, scheduler = getattr(args, "workers", None), getattr(args, "scheduler", None)
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    try:
        executor = make_executor(workers, scheduler)
    except ExecutorError as exc:
        raise InputError(str(exc)) from None
    try:
        yield executor
    finally:
        executor.close()


def run_study_command(work) -> int:
    """work() -> exit code, with worker failures (1) reported in one line.

    A cancelled solve (SolveCancelled) is left to `twin.cli.app.main`, which
    reports it as `cancelled` (exit 130) for every command.
    """
    from twin.scenario.executor import CaseError
    try:
        return work()
    except CaseError as exc:
        print(f"dctwin: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
