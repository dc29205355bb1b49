"""Progress lines and Ctrl-C handling for the `dctwin` commands that solve."""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import time


@contextlib.contextmanager
def sigint_flag():
    """Within the block, the first Ctrl-C sets a flag (yielded as a cancel callable).

    A second Ctrl-C raises KeyboardInterrupt at once, for a solver step that
    does not poll. The previous handler is restored on exit.
    """
    state = {"set": False}

    def handler(signum, frame):
        state["set"] = True
        signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:             # not the main thread: no signal handling, never cancelled
        previous = None
    try:
        yield lambda: state["set"]
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


class Progress:
    """Solver progress on a stream: one rewritten line on a TTY, occasional lines otherwise."""

    LINE_EVERY_S = 15.0
    TTY_EVERY_S = 0.1

    def __init__(self, stream, enabled: bool = True):
        self.stream = stream
        self.enabled = enabled
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.last_time = float("-inf")
        self.last_fraction = -1.0
        self.width = 0

    def __call__(self, fraction: float, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        fraction = min(max(float(fraction), 0.0), 1.0)
        text = f"solving {fraction * 100:5.1f}%  {now - self.started:6.1f} s  {message}".rstrip()
        if self.tty:
            if now - self.last_time >= self.TTY_EVERY_S or fraction >= 1.0:
                self._rewrite(text)
                self.last_time = now
        elif now - self.last_time >= self.LINE_EVERY_S or fraction >= self.last_fraction + 0.1:
            print(text, file=self.stream, flush=True)
            self.last_time, self.last_fraction = now, fraction

    def _rewrite(self, text: str) -> None:
        """Overwrite the current terminal line with text."""
        columns = max(20, _terminal_columns() - 1)
        text = text[:columns]
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def finish(self) -> None:
        """End the progress line so later output starts on a fresh line."""
        if self.enabled and self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _terminal_columns() -> int:
    """Width of the terminal on stderr; 80 when unknown (0 on some pseudo-terminals)."""
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80
    return columns if columns > 0 else 80
