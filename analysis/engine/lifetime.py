"""Nothing a run starts outlives it.

Every process the engine starts - the kernel template, the pool's workers, and each kernel
forked from the template - asks Linux to kill it when the process that started it ends
(`prctl(PR_SET_PDEATHSIG, SIGKILL)`), however that one ends, `kill -9` included: the engine's
end takes the template and the workers with it, and the template's takes its kernels. A
child whose parent has already gone by the time it asks exits at once. Belt and braces: the
run records its processes' ids (with their start times, so a recycled id is never mistaken
for one of them) in `<out>/.boardpack.pids`, and the next run on that folder, holding its
lock, kills any that are still there. Elsewhere (macOS, Windows) the template and kernels
end when the pipe from the engine closes, and ipykernel's parent poller does the rest.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from pathlib import Path

from analysis.fileio import write_json_atomic

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
#: the environment variable that tells the template which process started it
PARENT = "BOARDPACK_PARENT_PID"
PIDS = ".boardpack.pids"


def die_with_parent(parent: int) -> None:
    """In a child process: be killed when `parent` (the process that started this one)
    ends; if it has ended already, exit now."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def _started(pid: int) -> str | None:
    """When the process started (clock ticks since boot, from /proc), None if it is gone or
    the platform has no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, after the command's name


def record(out: Path, pids: list[int]) -> None:
    """Record this run's processes, for `reap` after a run that was killed."""
    found = {str(pid): _started(pid) for pid in pids}
    write_json_atomic(Path(out) / PIDS, {k: v for k, v in found.items() if v})


def reap(out: Path) -> list[int]:
    """Kill the processes a dead run recorded that still run (the same process: same id and
    start time); returns their ids. Call it holding the output folder's lock, so the run
    that recorded them is known to be over."""
    path = Path(out) / PIDS
    try:
        recorded = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    killed = []
    for pid, started in recorded.items():
        if int(pid) != os.getpid() and _started(int(pid)) == started:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                continue
            killed.append(int(pid))
    path.unlink(missing_ok=True)
    return killed


def forget(out: Path) -> None:
    """The run ended as it should: nothing to reap."""
    (Path(out) / PIDS).unlink(missing_ok=True)
