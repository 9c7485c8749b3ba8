"""Run messages through `logging`: plain timestamped lines for cron and log files, and a
progress bar on a terminal."""

from __future__ import annotations

import logging
import sys
import time

LOGGER = logging.getLogger("boardpack")
#: Messages that report a finished report carry `extra={"done": True}`.
DONE = {"done": True}


class ProgressHandler(logging.StreamHandler):
    """On a terminal: each line with a bar of the reports finished out of `total` (when there
    are several) and the seconds elapsed."""

    def __init__(self, total: int, stream=None):
        super().__init__(stream or sys.stdout)
        self.total, self.done, self.t0 = total, 0, time.monotonic()

    def format(self, record: logging.LogRecord) -> str:
        self.done += bool(getattr(record, "done", False))
        bar = ""
        if self.total > 1:
            filled = int(20 * self.done / self.total)
            bar = f"[{'#' * filled}{'.' * (20 - filled)}] "
        return f"{bar}{record.getMessage()}  ({time.monotonic() - self.t0:,.0f}s)"


def configure(total: int, stream=None) -> logging.Logger:
    """Send the run's messages to `stream` (stdout): a progress bar on a terminal, plain
    `YYYY-MM-DD HH:MM:SS message` lines otherwise (no carriage returns)."""
    stream = stream or sys.stdout
    if stream.isatty():
        handler: logging.Handler = ProgressHandler(total, stream)
    else:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
    return LOGGER
