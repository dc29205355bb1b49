"""The replay source: plays a recorded CSV file back at real or accelerated speed.

The state at time t is, for every GPU in the file, its latest row at or
before t (hosts need not be sampled together). Past the last row the source
reports `ended` and keeps the final values, or starts again with `loop`.
"""
from __future__ import annotations

import bisect
import time
from typing import Optional

from twin.telemetry.csvfile import PathLike, ReplayError, frames, read_samples
from twin.telemetry.sample import CONNECTED, ENDED, OFF, Frame, GpuSample
from twin.telemetry.source import Clock, TelemetrySource


class Recording:
    """A replay file in memory: frames by time, and the state at any time."""

    def __init__(self, samples: list[GpuSample]):
        self.frames = frames(samples)
        self.times_s = [f.timestamp_s for f in self.frames]
        self._cursor = 0                     # frames folded into _latest (playback moves forward)
        self._latest: dict[tuple[str, int], GpuSample] = {}

    @classmethod
    def load(cls, path: PathLike) -> "Recording":
        """Read a replay file; ReplayError for bad content or no rows, OSError if unreadable."""
        recording = cls(read_samples(path))
        if not recording.frames:
            raise ReplayError(f"{path}: the file has a header but no rows")
        return recording

    @property
    def start_s(self) -> float:
        return self.times_s[0]

    @property
    def end_s(self) -> float:
        return self.times_s[-1]

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def at(self, time_s: float) -> tuple[GpuSample, ...]:
        """Every GPU's latest sample at or before `time_s` (none before the first row)."""
        end = bisect.bisect_right(self.times_s, time_s)
        if end < self._cursor:               # going back: fold again from the start
            self._cursor, self._latest = 0, {}
        for frame in self.frames[self._cursor:end]:
            for sample in frame.samples:
                self._latest[sample.key] = sample
        self._cursor = end
        return tuple(self._latest.values())


class ReplaySource(TelemetrySource):
    """Plays a recording; `speed` 10 plays ten recorded seconds per real second."""

    name = "replay"

    def __init__(self, path: Optional[PathLike] = None, speed: float = 1.0, loop: bool = False,
                 clock: Clock = time.monotonic, recording: Optional[Recording] = None):
        super().__init__()
        if speed <= 0:
            raise ValueError(f"speed must be > 0 (got {speed})")
        self.path, self.speed, self.loop, self.clock = path, speed, loop, clock
        self.recording = recording
        self._started = 0.0

    def open(self) -> Frame:
        """Load the file (once) and start playing from its first row."""
        if self.recording is None:
            try:
                self.recording = Recording.load(self.path)
            except (OSError, ReplayError) as exc:
                self.state, self.message = OFF, f"cannot play {self.path}: {exc}"
                return Frame(0.0, (), OFF, self.message)
        self._started = self.clock()
        self.state, self.message = CONNECTED, f"playing at {self.speed:g}x"
        return Frame(self.recording.start_s, (), self.state, self.message)

    def position_s(self) -> float:
        """The recorded time now being played."""
        rec = self.recording
        elapsed_s = (self.clock() - self._started) * self.speed
        if self.loop and rec.duration_s > 0:
            elapsed_s %= rec.duration_s + 1e-9
        return rec.start_s + elapsed_s

    def read(self) -> Frame:
        if self.recording is None or self.state == OFF:
            return Frame(0.0, (), OFF, self.message)
        now_s = self.position_s()
        if now_s >= self.recording.end_s and not self.loop:
            now_s = self.recording.end_s
            self.state, self.message = ENDED, "end of the recording"
        return Frame(now_s, self.recording.at(now_s), self.state, self.message)

    def seek(self, time_s: float) -> None:
        """Play on from recorded time `time_s`."""
        self._started = self.clock() - (time_s - self.recording.start_s) / self.speed
        self.state, self.message = CONNECTED, f"playing at {self.speed:g}x"
