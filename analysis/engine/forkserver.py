"""Pre-imported, forked kernels: a template process imports the heavy modules once, and each
report's kernel is a fork of it that then starts ipykernel on its own connection file.

The template (`python -m analysis.engine.forkserver`) imports numpy, pandas, matplotlib (with
its non-interactive backend), scipy, statsmodels, the package's reports and ipykernel with what
its kernel application loads as it starts (the debugger, completer, history database) - no
threads started, no ZMQ context created - and then reads one JSON request per line: the
kernel's command line, working folder, environment and log file. It forks; the child starts a
new session, points its standard streams at the log, takes the request's folder, environment
and `sys.path[0]` (as `python -m ipykernel_launcher` run there would have) and starts the
kernel application; the template answers with the child's pid. One template serves all the
engine's workers (requests are taken one at a time). After validation the engine also asks it to
`preload` the run's processed-data folder, so every kernel forked from it finds the validated
tables already in memory (its own copy-on-write copy) instead of reading them again. The
engine's kernel manager (`runner.QuietKernelManager`) hands each pid to jupyter_client's local
provisioner wrapped in `ForkedProcess`, so interrupt, shutdown and kill work as for an ordinary
kernel.

Every kernel is a fresh fork of the same clean template, so nothing one report changes
(pandas options, rcParams, a module global) reaches another.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from multiprocessing import get_all_start_methods

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
    "analysis.engine.notebook",
    "analysis.workdays",
    "holidays.countries",  # every country's calendar, loaded by the first country_holidays()
    "lxml.html",
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
    # what the kernel application imports as it starts (0.1 s a kernel otherwise)
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "sqlite3",
    "tornado.platform.asyncio",
    "tornado.queues",
)


def start_method() -> str:
    """How worker processes start: `fork` where the platform has it (Linux), so each worker
    inherits the renderers already imported; `spawn` elsewhere (Windows, and macOS where
    fork is unsafe with system libraries), where each worker imports them itself."""
    return "fork" if sys.platform == "linux" and "fork" in get_all_start_methods() else "spawn"


def kernel_mode(asked: str = "") -> str:
    """`forked` where the platform can fork (Linux), unless `standard` is asked for (by
    `--kernel`, else the environment variable BOARDPACK_KERNEL)."""
    asked = asked or os.environ.get("BOARDPACK_KERNEL", "")
    if asked == "standard":
        return "standard"
    return "forked" if start_method() == "fork" else "standard"


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
        """As `Popen.send_signal`: a process that has already gone is left alone (a kernel
        asked to shut down may be gone before the engine kills it)."""
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            self.returncode = 0 if self.returncode is None else self.returncode

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

        from analysis.engine.lifetime import PARENT

        env = dict(os.environ, MPLBACKEND="Agg")
        env[PARENT] = str(os.getpid())  # the template ends when this process does
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

    def preload(self, processed: str) -> None:
        """Have the template load a processed-data folder before it forks more kernels (no
        answer is awaited: the engine goes on while it loads)."""
        try:
            with self.lock:
                self.proc.stdin.write(json.dumps({"preload": processed}) + "\n")
                self.proc.stdin.flush()
        except OSError:  # the template has stopped: the next spawn says so
            pass


def _child(request: dict, template_pid: int) -> None:
    """In the fork: become the kernel the request describes (never returns); it ends when
    the template does (`lifetime.die_with_parent`)."""
    from analysis.engine.lifetime import die_with_parent

    try:
        die_with_parent(template_pid)
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        log = os.open(request["log"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # the kernel exits when the template does (the parent-death signal, and ipykernel's
        # parent poller), and the template when the engine does
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        sys.path[0] = request["cwd"]
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import launch_new_instance

        launch_new_instance()
    finally:
        os._exit(0)


#: The template of this process's kernels: started on first use (by the `run` command as
#: early as it can), inherited by the engine's forked workers.
_TEMPLATE: ForkServer | None = None


def template() -> ForkServer:
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = ForkServer()
    return _TEMPLATE


def _preload(folder: str) -> None:
    """In the template: the validated tables of `folder` and the metric registry, in memory
    for the kernels forked from now on. A failure is left for the kernels to meet and report
    as they would have."""
    from analysis.registry import registry
    from analysis.sources.inputs import preload

    try:
        registry()
        preload(folder)
    except Exception:
        pass


def main() -> None:
    from analysis.engine.lifetime import PARENT, die_with_parent

    if os.environ.get(PARENT, "").isdigit():  # started by the engine: end when it does
        die_with_parent(int(os.environ.pop(PARENT)))
    # as the gc module's documentation advises for fork without exec: no collections in the
    # template, everything it holds frozen before each fork and collection on again in the
    # kernel, so a kernel's collections never walk (or copy) the template's objects
    gc.disable()
    # the debugger (debugpy) warns on import that frozen standard modules may hide breakpoints,
    # on the engine's stderr from here: irrelevant to a report run, so not checked
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    for name in PREIMPORT:
        importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    for line in sys.stdin:
        request = json.loads(line)
        if "preload" in request:
            _preload(request["preload"])
            continue
        gc.freeze()
        me = os.getpid()
        pid = os.fork()
        if pid == 0:
            gc.enable()
            _child(request, me)
        print(pid, flush=True)
    os._exit(0)  # the engine has gone: nothing to tear down (kernels are processes of their own)


if __name__ == "__main__":
    main()
