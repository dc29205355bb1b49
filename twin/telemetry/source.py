"""The telemetry source interface: open, read frames, close. Qt-free and thread-agnostic.

A source never raises on a read: failures come back as a frame whose state is
`stale` or `off`, with a message for the status bar.
"""
from __future__ import annotations

import abc
import time
from typing import Callable

from twin.telemetry.sample import OFF, Frame

Clock = Callable[[], float]


class TelemetrySource(abc.ABC):
    """Something that reports GPU metrics now and then."""

    name: str = "source"

    def __init__(self) -> None:
        self.state = OFF
        self.message = ""

    @abc.abstractmethod
    def open(self) -> Frame:
        """Connect; returns an empty frame whose state says whether that worked."""

    @abc.abstractmethod
    def read(self) -> Frame:
        """The current metrics of every GPU the source sees."""

    def close(self) -> None:
        """Release the connection; safe to call twice."""
        self.state = OFF

    def describe(self) -> str:
        """One line for the status bar: name, state and message."""
        text = f"{self.name}: {self.state}"
        return f"{text} ({self.message})" if self.message else text

    def __enter__(self) -> "TelemetrySource":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def wall_clock() -> float:
    return time.time()
