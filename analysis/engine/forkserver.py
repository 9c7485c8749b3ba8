"""Pre-imported, forked kernels: a template process imports the heavy modules once, and each
report's kernel is a fork of it that then starts ipykernel on its own connection file.

The template (`python -m analysis.engine.forkserver`) imports numpy, pandas, matplotlib (with
its non-interactive backend), scipy, statsmodels, the package's reports and ipykernel - no
threads started, no ZMQ context created - and then reads one JSON request per line: the
kernel's command line, working folder, environment and log file. It forks; the child starts a
new session, points its standard streams at the log, takes the request's folder, environment
and `sys.path[0]` (as `python -m ipykernel_launcher` run there would have) and starts the
kernel application; the template answers with the child's pid. One template serves all the
engine's workers (requests are taken one at a time). The engine's kernel manager
(`runner.QuietKernelManager`) hands that pid to jupyter_client's local provisioner wrapped in
`ForkedProcess`, so interrupt, shutdown and kill work as for an ordinary kernel.

Every kernel is a fresh fork of the same clean template, so nothing one report changes
(pandas options, rcParams, a module global) reaches another.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time

#: What the template imports once, for every kernel forked from it.
PREIMPORT = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "scipy.stats",
    "statsmodels.api",
    "pyarrow.parquet",
    "analysis.engine.session",
    "analysis.presentation.present",
    "analysis.reports.young_children",
    "analysis.reports.sickness_absence",
    "analysis.reports.assessments",
    "analysis.reports.front_door",
    "analysis.reports.workforce",
    "analysis.reports.improvement_plan",
    "analysis.reports.audit_agreement",
    "analysis.reports.data_quality",
    "analysis.reports.board_summary",
    "ipykernel.kernelapp",
)


class ForkedProcess:
    """The part of `subprocess.Popen` jupyter_client's local provisioner uses, for a kernel
    that is a child of the template, not of this process (its exit is reaped there)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # the exit status belongs to the template, which reaps it
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """A running template process, shared by the engine's workers: they inherit it (and its
    lock) when they are forked, and each request and its answer are taken under the lock, so
    only one answer is ever waiting in the pipe. Its imports run while the engine goes on;
    the first request waits for them."""

    def __init__(self):
        import multiprocessing

        env = dict(os.environ, MPLBACKEND="Agg")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.engine.forkserver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lock = multiprocessing.get_context("fork").Lock()

    def spawn(self, argv: list[str], cwd: str, env: dict, log: str) -> int:
        """Fork a kernel; its pid."""
        request = {"argv": argv, "cwd": cwd, "env": env, "log": log}
        with self.lock:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline().strip()
        if not answer.isdigit():
            raise RuntimeError(f"the kernel template stopped ({answer or 'no answer'})")
        return int(answer)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _child(request: dict) -> None:
    """In the fork: become the kernel the request describes (never returns)."""
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        log = os.open(request["log"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # the kernel exits when the template does (ipykernel's parent poller), and the
        # template when the engine worker that reads and writes its pipe goes
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        sys.path[0] = request["cwd"]
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import launch_new_instance

        launch_new_instance()
    finally:
        os._exit(0)


def main() -> None:
    for name in PREIMPORT:
        importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
