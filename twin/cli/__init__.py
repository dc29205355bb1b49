"""The `dctwin` command line (entry point `twin.cli:main`, also `python -m twin`).

    app.py       the parser of every subcommand, dispatch, exit codes
    simulate.py  `dctwin simulate`
    common.py    what all commands share: InputError, exit codes, options, outputs
    progress.py  progress lines and Ctrl-C handling
    study.py     runner and Dask executor of the study commands

The other subcommands live with their subject (twin.report.command,
twin.scenario.command, twin.power.command, twin.telemetry.command,
twin.cfd.command); they import common, progress and study, never app.
"""
from __future__ import annotations


def main(argv=None) -> int:
    """Run `dctwin` with `argv` (default: the process arguments); returns the exit code."""
    from twin.cli.app import main as run
    return run(argv)


def build_parser():
    """The `dctwin` argument parser (see twin.cli.app.build_parser)."""
    from twin.cli.app import build_parser as build
    return build()


__all__ = ["main", "build_parser"]
