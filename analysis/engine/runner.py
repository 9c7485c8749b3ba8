"""Run report notebooks for one or more periods and publish them atomically.

Each (period, report) runs in a fresh kernel through papermill's Python API in a worker
process, is rendered to HTML and PDF in that worker, and lands in a staging folder. A period
is published whole or not at all: the run builds the period's new version in
`<out>/.staging/<run id>/pack/<period>/` (the published files it does not replace, as hard
links, then its own reports, metrics.json and manifest.json), moves it to
`<out>/.periods/<period>-<run id>/` and switches the symbolic link `<out>/<period>` to it with
one `os.replace` (see `Periods`). A run killed at any moment leaves each period either as it
was or as the run made it, never a mixture; the next run clears what it left behind. A `public`
run (statistical disclosure control on) publishes to `<out>/public/<period>/` instead, never
beside a restricted pack, and publishes no executed notebooks.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import multiprocessing
import os
import shutil
import subprocess
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from queue import Empty

import nbformat
import zmq
import zmq.asyncio
from filelock import FileLock, Timeout
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type

from analysis.config import NOTEBOOKS_DIR, PARAMS_DIR
from analysis.engine import lifetime, provenance
from analysis.engine.forkserver import kernel_mode, start_method, template
from analysis.engine.landing import write_index
from analysis.engine.lifetime import die_with_parent
from analysis.engine.log import DONE, LOGGER
from analysis.engine.params import defaults, report_info, resolve
from analysis.engine.render import render_html, render_pdf
from analysis.errors import BoardpackError
from analysis.fileio import write_json_atomic
from analysis.periods import is_period, period_label
from analysis.presentation.disclosure import check_mode
from analysis.region import LA_PAGE

STAGED_METRICS = "metrics.json"
#: The tool's own LA name (params/defaults.yaml), for the demo: a run on real data with it
#: is warned about.
DEMO_LA_NAME = "Demo Borough Council (synthetic)"
#: where a run builds its reports and new period versions, and where published versions live
STAGING_DIR, PERIODS_DIR = ".staging", ".periods"


@dataclass
class Job:
    """One report for one period, with everything a worker needs."""

    period: str
    report: str
    notebook: str
    params: dict
    staging: str
    formats: tuple[str, ...]
    meta: dict
    kernel: str = "standard"  # or "forked" (see kernel_mode)

    @property
    def summary(self) -> bool:
        """A summary report reads the other reports' metrics, so it runs after them."""
        return self.meta.get("role") == "summary"


@dataclass
class Outcome:
    job: Job
    status: str  # "executed" (between stages), "published" or "failed"
    started: str
    ended: str
    seconds: float
    error: str = ""
    metrics: dict = field(default_factory=dict)


class ReadyClient(AsyncKernelClient):
    """jupyter_client's client, except that once the kernel has answered kernel_info on the
    shell channel and its IOPub is seen connected, the IOPub messages already there are
    dropped without then waiting 0.2 s for more (jupyter_client's flush): nbclient ignores
    IOPub messages that are not replies to its own requests, so none can be mistaken for a
    cell's output. Saves 0.2 s a report in either kernel mode. Its sockets try again to
    connect every 10 ms, not ZeroMQ's default 100 ms: they are created before the kernel
    has bound its ports, so the first attempt is refused, and the default retry cost 0.1 s
    a report."""

    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, 10)
        return context

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg and msg["msg_type"] == "kernel_info_reply":
                try:  # IOPub connected: the kernel's status for that request arrives on it
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # what is already there, without waiting for more
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready


class QuietKernelManager(AsyncKernelManager):
    """A kernel manager that sends the kernel's own log (start-up warnings) to a file in the
    staging folder instead of the terminal, so cron logs stay readable; with a `fork_server`
    the kernel is forked from the pre-imported template instead of started from nothing
    (analysis/engine/forkserver.py)."""

    log_path: str | None = None
    fork_server = None
    client_factory = Type(ReadyClient, klass=AsyncKernelClient)

    async def _async_finish_shutdown(self, waittime=None, pollinterval=0.1, restart=False):
        """jupyter_client's wait for a kernel asked to shut down, looking every 0.01 s instead
        of every 0.1 s. A forked kernel is not waited for: by now every output of the report
        is in (nbclient waits for each cell's idle status), and ipykernel takes 0.1 s to
        wind down, so it is killed, and gone in a millisecond (its history is off)."""
        process = getattr(self.provisioner, "process", None)
        if self.fork_server is None or process is None or restart:
            await super()._async_finish_shutdown(waittime, 0.01, restart)
            return
        process.kill()
        if self._control_socket is not None:  # its shutdown request may not have gone out:
            self._control_socket.setsockopt(zmq.LINGER, 0)  # no 0.1 s wait to send it
        deadline = time.monotonic() + 5
        while process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        await self.provisioner.wait()

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.fork_server is None:
            kw["stderr"] = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        from analysis.engine.forkserver import ForkedProcess

        argv = kernel_cmd[kernel_cmd.index("ipykernel_launcher") + 1 :]
        argv.append("--HistoryManager.enabled=False")  # a report has no input history
        cwd = str(kw.get("cwd") or os.getcwd())
        env = dict(kw.get("env") or os.environ)
        pid = self.fork_server.spawn(argv, cwd, env, self.log_path or "")
        provisioner = self.provisioner
        provisioner.process = ForkedProcess(pid)
        provisioner.pid = provisioner.pgid = pid  # the kernel leads its own session
        provisioner.cwd = cwd
        self._reconcile_connection_info(provisioner.connection_info)


def _cell_number(nb_path: Path, cell_index: int) -> int:
    """The failing cell's number in the report's own notebook (not counting the cell
    papermill injected with the run's parameters)."""
    try:
        cells = nbformat.read(nb_path, as_version=4).cells[:cell_index]
    except Exception:
        return cell_index + 1
    injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
    return cell_index + 1 - injected


def _outcome(job: Job, status: str, started: str, seconds: float, error: str = "") -> Outcome:
    metrics_file = Path(job.params.get("metrics_path", ""))
    metrics = json.loads(metrics_file.read_text()) if metrics_file.is_file() else {}
    return Outcome(
        job,
        status,
        started,
        datetime.now().isoformat(timespec="seconds"),
        round(seconds, 2),
        error,
        metrics,
    )


def execute(job: Job, attempts: int = 2) -> Outcome:
    """Run the report's notebook in a fresh kernel (stage 1 of 2); never raises. Status is
    "executed" or "failed".

    A kernel that dies or fails to start is retried once in a new kernel: kernels started
    side by side can race for the same ports (papermill issue #511, "ZMQError: Address
    already in use"). An error raised by a cell is the report's own and is not retried.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started, t0 = datetime.now().isoformat(timespec="seconds"), time.perf_counter()
    staging = Path(job.staging)
    staging.mkdir(parents=True, exist_ok=True)
    executed = staging / f"{job.report}.ipynb"
    QuietKernelManager.log_path = str(staging / "kernel.log")
    QuietKernelManager.fork_server = template() if job.kernel == "forked" else None
    error = ""
    for _ in range(attempts):
        try:
            papermill.execute_notebook(
                job.notebook,
                str(executed),
                parameters=job.params,
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                cwd=str(Path(job.notebook).parent),
                kernel_manager_class=QuietKernelManager,
                request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as exc:
            cell = _cell_number(executed, exc.cell_index)
            return _outcome(
                job,
                "failed",
                started,
                time.perf_counter() - t0,
                f"cell {cell}: {exc.ename}: {exc.evalue}",
            )
        except Exception as exc:  # kernel died or did not start, notebook unreadable, ...
            error = f"{type(exc).__name__}: {exc}"
            continue
        return _outcome(job, "executed", started, time.perf_counter() - t0)
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    return _outcome(job, "failed", started, time.perf_counter() - t0, error + tries)


def render(executed: Outcome) -> Outcome:
    """Render an executed report to HTML and PDF in its staging folder (stage 2 of 2)."""
    job, t0 = executed.job, time.perf_counter()
    staging = Path(job.staging)
    try:
        nb = nbformat.read(staging / f"{job.report}.ipynb", as_version=4)
        page = render_html(nb, job.meta)
        if "html" in job.formats:
            (staging / f"{job.report}.html").write_text(page, encoding="utf-8")
        if "pdf" in job.formats:
            render_pdf(page, staging / f"{job.report}.pdf")
    except Exception as exc:
        detail = traceback.format_exception_only(exc)[-1].strip()
        return _outcome(
            job,
            "failed",
            executed.started,
            executed.seconds + time.perf_counter() - t0,
            f"rendering failed: {detail}",
        )
    return _outcome(job, "published", executed.started, executed.seconds + time.perf_counter() - t0)


# --- publishing ------------------------------------------------------------------------------


@contextmanager
def out_lock(out: Path):
    """Hold the output folder's lock (`filelock`, on every platform); a second run refuses
    at once with a clear message."""
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out / ".boardpack.lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BoardpackError(
            f"another boardpack run is publishing to {out}; try again when it has finished"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _read_json(path: Path, default):
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return default


def publish(outcome: Outcome, pack: Path, out: Path, run_info: dict) -> None:
    """Move a succeeded report into its period's new version in `pack`, or keep a failed
    one's notebook aside; then record it in that version's metrics.json and manifest.json
    and clear its staging folder. Nothing readers see changes until `Periods.switch`."""
    period_dir = pack / outcome.job.period
    public = run_info.get("publication") == "public"
    files: list[str] = []
    if outcome.status == "published":
        files = _move_into_place(outcome.job, period_dir, public)
        _record_metrics(outcome, period_dir)
    else:
        _keep_failed(outcome.job, out)
    _record_in_manifest(outcome, period_dir, run_info, public, files)
    shutil.rmtree(outcome.job.staging, ignore_errors=True)


def _move_into_place(job: Job, period_dir: Path, public: bool) -> list[str]:
    """The report's pages (and, restricted only, its executed notebook) into the period;
    the files moved, relative to it."""
    staging = Path(job.staging)
    (period_dir if public else period_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    files = []
    for ext in ("html", "pdf"):
        target = period_dir / f"{job.report}.{ext}"
        if ext in job.formats:
            os.replace(staging / f"{job.report}.{ext}", target)
            files.append(target.name)
        elif target.exists():
            target.unlink()  # a stale format from an earlier run would disagree
    if not public:
        notebook = period_dir / "notebooks" / f"{job.report}.ipynb"
        os.replace(staging / f"{job.report}.ipynb", notebook)
        files.append(f"notebooks/{notebook.name}")
    return files


def _record_metrics(outcome: Outcome, period_dir: Path) -> None:
    metrics = _read_json(period_dir / "metrics.json", {"period": outcome.job.period, "reports": {}})
    metrics["reports"][outcome.job.report] = outcome.metrics
    write_json_atomic(period_dir / "metrics.json", metrics)


def _keep_failed(job: Job, out: Path) -> None:
    """A failed report's executed notebook goes to `<out>/.failed/<period>/`."""
    failed = out / ".failed" / job.period
    failed.mkdir(parents=True, exist_ok=True)
    executed = Path(job.staging) / f"{job.report}.ipynb"
    if executed.exists():
        os.replace(executed, failed / executed.name)


def _record_in_manifest(
    outcome: Outcome, period_dir: Path, run_info: dict, public: bool, files: list[str]
):
    """The report's entry in the period's manifest: its status and parameters, the run it
    is about (`run_id`), and which run published each of its files (`files`: a failed
    report's are those an earlier run published, which stay)."""
    job = outcome.job
    period_dir.mkdir(parents=True, exist_ok=True)
    manifest = _read_json(period_dir / "manifest.json", {"period": job.period, "reports": {}})
    manifest.update(run_info)
    run_id = run_info.get("run_id", "")
    if outcome.status == "published":
        published = dict.fromkeys(files, run_id)
    else:
        published = manifest["reports"].get(job.report, {}).get("files", {})
    entry = {
        "status": outcome.status,
        "started": outcome.started,
        "ended": outcome.ended,
        "seconds": outcome.seconds,
        "parameters": {
            k: v for k, v in job.params.items() if k not in ("metrics_path", "staged_metrics")
        },
        "title": job.meta["title"],
        "formats": list(job.formats),
        "run_id": run_id,
        "files": published,
    }
    control = _read_json(Path(job.staging) / "disclosure.json", None)
    if control is not None and public:
        entry["disclosure"] = {k: v for k, v in control.items() if k not in run_info}
    if outcome.error:
        entry["error"] = outcome.error
        entry["failed_notebook"] = str(Path(".failed") / job.period / f"{job.report}.ipynb")
    manifest["reports"][job.report] = entry
    write_json_atomic(period_dir / "manifest.json", manifest)


class Periods:
    """The published periods of an output folder, each a symbolic link `<out>/<period>` to
    a complete version `<out>/.periods/<period>-<run id>/`.

    A run builds a period's new version beside the old one and publishes it with `switch`:
    the finished folder is renamed into `.periods/`, then a new link made under a temporary
    name replaces `<out>/<period>` with `os.replace` - one atomic step, so a reader (or a run
    killed at any moment) sees the old version or the new one, whole. Readers, the dashboard's
    links and `reports/<period>/...` paths go through the link. A folder published before
    links were used (a real `<out>/<period>/`) is first moved aside and linked: a kill between
    the two steps leaves the period unlinked, which `tidy` repairs from the newest complete
    version. Where the platform refuses symbolic links (Windows without the privilege), the
    version is renamed into place instead, with the same repair. `tidy`, under the output
    lock, also clears what dead runs left: staging folders, temporary links and versions no
    link points to.
    """

    def __init__(self, out: Path):
        self.out = Path(out)
        self.versions = self.out / PERIODS_DIR

    def _candidates(self, period: str) -> list[Path]:
        if not self.versions.is_dir():
            return []
        return sorted(v for v in self.versions.glob(f"{period}-*") if v.is_dir())

    def tidy(self) -> None:
        """Repair and clear what an interrupted run left (call it holding the lock)."""
        shutil.rmtree(self.out / STAGING_DIR, ignore_errors=True)
        for link in self.out.glob(".*.link"):
            link.unlink(missing_ok=True)
        if not self.versions.is_dir():
            return
        periods = {v.name[:7] for v in self.versions.iterdir() if is_period(v.name[:7])}
        for period in periods:
            here = self.out / period
            if not (here.exists() or here.is_symlink()) and self._candidates(period):
                self._point(period, self._candidates(period)[-1])
        used = {
            (self.out / os.readlink(entry)).resolve()
            for entry in self.out.iterdir()
            if entry.is_symlink()
        }
        for version in self.versions.iterdir():
            if version.is_symlink():  # an old link moved aside where links stopped working
                version.unlink()
            elif version.resolve() not in used:
                shutil.rmtree(version, ignore_errors=True)

    def seed(self, period: str, folder: Path) -> None:
        """Start a period's new version in `folder` from its published files (hard links:
        every writer replaces a file, never edits it, so the published one cannot change)."""
        current = self.out / period
        if current.is_dir():
            # (not the temporary files a killed write may have left, nor the page a regional
            # run added: its figures are the pack's as they were, and this run may change
            # them; the next regional run adds it again)
            hidden = shutil.ignore_patterns(".*", f"{LA_PAGE}.html", f"{LA_PAGE}.pdf")
            shutil.copytree(current, folder, ignore=hidden, copy_function=_link_or_copy)
        else:
            folder.mkdir(parents=True)

    def switch(self, period: str, folder: Path, run_id: str) -> None:
        """Publish the complete new version of `period` in `folder` (see the class)."""
        self.versions.mkdir(exist_ok=True)
        version = self.versions / f"{period}-{run_id}"
        os.rename(folder, version)
        here = self.out / period
        if here.is_dir() and not here.is_symlink():  # published before links were used
            os.rename(here, self.versions / f".old-{period}-{run_id}")
        self._point(period, version)

    def _point(self, period: str, version: Path) -> None:
        here = self.out / period
        link = self.out / f".{period}.{version.name}.link"
        try:
            link.unlink(missing_ok=True)
            os.symlink(Path(PERIODS_DIR) / version.name, link, target_is_directory=True)
        except OSError:  # no symbolic links here: rename the version into place
            if here.exists():
                os.rename(here, self.versions / f".old-{version.name}")
            os.rename(version, here)
            return
        os.replace(link, here)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links
        shutil.copy2(source, target)


# --- the run ---------------------------------------------------------------------------------


@dataclass
class RunRequest:
    periods: list[str]
    reports: list[str]
    data_dir: Path
    out: Path
    processed_root: Path
    formats: tuple[str, ...] = ("html", "pdf")
    jobs: int = 1
    synthetic: bool = False
    overrides: dict = field(default_factory=dict)
    params_dir: Path = PARAMS_DIR
    allow_partial: bool = False
    notebooks_dir: Path = NOTEBOOKS_DIR
    annex_a: Path | None = None  # an Annex A workbook outside the data folder
    kernel: str = ""  # "standard" for ordinary kernels; else forked where possible
    cin_census: Path | None = None  # a folder of CIN census XML outside the data folder
    db: str | None = None  # the SSD database: a SQLAlchemy URL, '' for BOARDPACK_DB_URL


def plan(
    req: RunRequest, processed: Path, staging_root: Path, partial: dict | None = None
) -> list[Job]:
    shared = defaults(req.params_dir) | req.overrides
    jobs = []
    for period in req.periods:
        for report in req.reports:
            info = report_info(report, req.notebooks_dir)
            staging = staging_root / period / report
            extra = {
                "processed_dir": str(processed),
                "data_dir": str(req.data_dir),
                "metrics_path": str(staging / "metrics.json"),
                "out_dir": str(req.out.resolve()),
                "staged_metrics": str(staging_root / STAGED_METRICS),
            }
            params = resolve(
                report, period, req.overrides | extra, req.params_dir, req.notebooks_dir
            )
            meta = {
                "title": info["title"],
                "la_name": shared.get("la_name", ""),
                "classification": marking(shared),
                "period_label": period_label(period),
                "synthetic": req.synthetic,
                "layout": info["layout"],
                "role": info["role"],
                "partial": (partial or {}).get(period, {}).get(report, []),
            }
            jobs.append(
                Job(
                    period,
                    report,
                    str(info["path"]),
                    params,
                    str(staging),
                    tuple(req.formats),
                    meta,
                    kernel_mode(req.kernel),
                )
            )
    return jobs


def publication(shared: dict) -> tuple[str, int]:
    """The run's publication mode and suppression threshold, checked."""
    return check_mode(
        shared.get("publication", "restricted"), shared.get("suppression_threshold", 5)
    )


def marking(shared: dict) -> str:
    """The classification marking on every page: it follows the publication mode."""
    if publication(shared)[0] == "public":
        return shared.get("classification_public", "OFFICIAL")
    return shared.get("classification", "")


def coverage_gaps(
    processed: Path, periods: list[str], reports: list[str], shared: dict
) -> dict[str, dict[str, list[str]]]:
    """Per period and report, one line per source the report reads that does not cover the
    period (begins after it or stops before its end, with the tolerance in `shared`); the
    records dated after the latest period are warned about in the log."""
    from analysis.sources.coverage import after_period, not_covering, reach, used_by
    from analysis.sources.inputs import load_processed

    inputs = load_processed(processed)
    reached = reach(inputs, shared.get("coverage_tolerance_months", {}))
    used = {t for report in reports for t in used_by(report)}
    for line in after_period(inputs, max(periods), used):  # the run's latest period
        LOGGER.warning(line)
    short: dict[str, dict[str, list[str]]] = {}
    for period in periods:
        for report in reports:
            lines = not_covering(reached, period, used_by(report))
            if lines:
                short.setdefault(period, {})[report] = lines
    return short


def _check_coverage(
    processed: Path, periods: list[str], reports: list[str], shared: dict, allow: bool
) -> dict:
    """Refuse periods that begin before or end beyond what the inputs each report reads
    cover (one line per source and its first or last date), before any report runs; with
    `allow` (--allow-partial), per period and report, the sources that do not cover it, for
    the banner on every page."""
    short = coverage_gaps(processed, periods, reports, shared)
    if short and not allow:
        last = max(short)
        lines = list(dict.fromkeys(line for ls in short[last].values() for line in ls))
        names = ", ".join(short[last])
        raise BoardpackError(
            f"the inputs do not cover {period_label(last)} for {names}; nothing was "
            "published:\n"
            + "\n".join(f"  {line}" for line in lines)
            + "\n  (refresh the extracts, choose another --period, or publish anyway "
            "with --allow-partial, which marks every page)"
        )
    for period, by_report in short.items():
        lines = list(dict.fromkeys(line for ls in by_report.values() for line in ls))
        LOGGER.info(f"{period}: publishing with partial data (--allow-partial): {'; '.join(lines)}")
    return short


def _say_if_no_published_files(folder: str) -> None:
    """The analyst's how-to for missing DfE files goes to the run log, never onto a board
    page (which says only that the comparison is not available)."""
    from analysis.sources.published import benchmark_folder, datasets

    where = benchmark_folder(folder)
    if not any((where / spec["file"]).exists() for spec in datasets().values()):
        LOGGER.info(
            f"no DfE published files in {where}: the 'How we compare' "
            "sections will say comparison is not available; `boardpack benchmarks fetch` "
            "downloads them, or save them there by hand (see the README)"
        )


def _read_database(req: RunRequest, where):
    """Read the SSD into this run's snapshot, with copies of the data folder's own files
    (when one is given); the run then reads from the snapshot as its data folder."""
    from analysis.sources import database
    from analysis.sources.inputs import Locations, inventory

    files = []
    if req.data_dir.is_dir():
        files = [req.data_dir / f["file"] for f in inventory(req.data_dir, where)]
        files = [f for f in files if f.is_relative_to(req.data_dir)]
    snapshot = database.snapshot(req.db, req.data_dir, req.processed_root, files)
    LOGGER.info(f"SSD read into {snapshot} (re-run it with --data {snapshot})")
    req.data_dir = snapshot
    return Locations(snapshot, where.annex_a, where.cin_census)


def run(req: RunRequest) -> list[Outcome]:
    """Validate once, run every job (in parallel workers), publish, rebuild the index."""
    from analysis.sources.inputs import Locations, prepare

    # papermill runs each notebook with the notebooks folder as working directory, so every
    # path handed to a kernel or worker must be absolute
    req.out, req.data_dir = Path(req.out).resolve(), Path(req.data_dir).resolve()
    req.processed_root = Path(req.processed_root).resolve()

    shared = defaults(req.params_dir) | req.overrides
    mode, threshold = publication(shared)
    if mode == "public":  # never beside (or over) a restricted pack
        req.out = req.out / "public"
    where = Locations(
        req.data_dir,
        Path(req.annex_a).resolve() if req.annex_a else None,
        Path(req.cin_census).resolve() if req.cin_census else None,
    )
    kernel = kernel_mode(req.kernel)
    workers = min(req.jobs, len(req.periods) * len(req.reports))
    outcomes: list[Outcome] = []
    # the kernel template's imports run while the inputs are read
    with _workers(workers, kernel) as pool:
        if req.db is not None:  # '' when BOARDPACK_DB_URL names it
            where = _read_database(req, where)
        processed = prepare(req.data_dir, req.processed_root, req.params_dir, where)
        if kernel == "forked":
            template().preload(str(processed))
        _say_if_no_published_files(shared.get("benchmark_dir", "data/reference"))
        if not req.synthetic and shared.get("la_name") == DEMO_LA_NAME:
            LOGGER.warning(
                f"the pages will be titled '{DEMO_LA_NAME}': set la_name (and the LA's "
                "codes) in the params folder's defaults.yaml"
            )
        partial = _check_coverage(processed, req.periods, req.reports, shared, req.allow_partial)
        run_info = provenance.run_info(req.data_dir, processed) | {
            "la_name": shared.get("la_name", ""),
            "classification": marking(shared),
            "synthetic": req.synthetic,
            "publication": mode,
            "suppression_threshold": threshold if mode == "public" else None,
            "notebooks_published": mode != "public",
            "kernel": kernel,
        }
        LOGGER.info(
            "kernels: forked from a pre-imported template"
            if kernel == "forked"
            else "kernels: standard (started from nothing)"
        )
        with out_lock(req.out):
            run_id = f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
            run_info["run_id"] = run_id
            _record_processes(req.out, pool, kernel)
            periods = Periods(req.out)
            periods.tidy()
            staging_root = req.out / STAGING_DIR / run_id
            pack = staging_root / "pack"
            for period in req.periods:
                periods.seed(period, pack / period)
            jobs = plan(req, processed, staging_root, partial)
            first = [j for j in jobs if not j.summary]
            last = [j for j in jobs if j.summary]
            total = len(jobs)
            for outcome in _pipeline(first, last, pool, workers, staging_root / STAGED_METRICS):
                publish(outcome, pack, req.out, run_info)
                outcomes.append(outcome)
                job = outcome.job
                state = "published" if outcome.status == "published" else "FAILED"
                error = f" - {outcome.error}" if outcome.error else ""
                LOGGER.info(
                    f"[{len(outcomes)}/{total}] {job.period} {job.report}: {state} "
                    f"in {outcome.seconds:.1f}s{error}",
                    extra=DONE,
                )
            from analysis.region.indicators import write_indicators  # (imports scipy)

            for period in req.periods:
                # the pack's figures as tidy CSV (regional comparison), inside the version
                write_indicators(pack / period, shared)
                periods.switch(period, pack / period, run_id)
            write_index(req.out)
            periods.tidy()
            lifetime.forget(req.out)
    return outcomes


def _record_processes(out: Path, pool, kernel: str) -> None:
    """Kill what a killed run on `out` left running, then record this run's processes (the
    kernel template and the workers, started now) for the next run to check."""
    killed = lifetime.reap(out)
    if killed:
        LOGGER.info(f"stopped {len(killed)} process(es) left running by an earlier run")
    if pool is not None:
        pool.submit(int).result()  # the workers start together, on the first task
    pids = [p.pid for p in multiprocessing.active_children()]
    if kernel == "forked":
        pids.append(template().proc.pid)
    lifetime.record(out, pids)


@contextmanager
def _workers(workers: int, kernel: str = "standard"):
    """A pool of worker processes kept for the whole run (None: run in this process); in
    forked kernel mode the kernel template is started first, so its imports run while the
    inputs are read, and the workers share it. Kernels are separate processes anyway; see
    `start_method`."""
    if kernel == "forked":
        template()  # one template, inherited by every worker
    if workers <= 1:
        yield None
        return
    method = start_method()
    if method == "fork":
        import weasyprint  # noqa: F401  (imported once here, inherited by the workers)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context(method),
        initializer=die_with_parent,  # no worker outlives the engine (engine/lifetime.py)
        initargs=(os.getpid(),),
    ) as pool:
        yield pool


class _Staged:
    """Metrics of this run's reports that have executed, by period, written to one JSON file
    that the board summary reads on top of the published metrics.json files."""

    def __init__(self, path: Path):
        self.path, self.values = path, {}

    def add(self, outcome: Outcome) -> None:
        self.values.setdefault(outcome.job.period, {})[outcome.job.report] = outcome.metrics
        write_json_atomic(self.path, self.values)

    def drop(self, outcome: Outcome) -> None:
        self.values.get(outcome.job.period, {}).pop(outcome.job.report, None)
        write_json_atomic(self.path, self.values)


def _pipeline(first: list[Job], last: list[Job], pool, workers: int, staged_path: Path):
    """Run the detail reports, then the summaries; yield final outcomes.

    Each report is executed, then rendered, so a worker that would wait renders another
    report. Summaries start as soon as every detail report has executed (reading their
    staged metrics) and are held back until every detail report is final; if one then failed
    to render, the summaries of that period and later ones are run again without it.
    """
    staged = _Staged(staged_path)
    if pool is None:
        for job in first:
            outcome = execute(job)
            if outcome.status == "executed":
                staged.add(outcome)
                outcome = render(outcome)
                if outcome.status != "published":
                    staged.drop(outcome)
            yield outcome
        for job in last:
            outcome = execute(job)
            yield render(outcome) if outcome.status == "executed" else outcome
        return

    held: list[Outcome] = []
    late: set[str] = set()
    executions_over = 0
    summaries_started = not first
    # a small scheduler: never more tasks in flight than workers, executions before renders,
    # so the summaries start as early as possible and renders fill the gaps
    ready: list[tuple[int, int, Callable, object]] = []
    order = itertools.count()

    def queue(priority: int, fn: Callable, arg) -> None:
        heapq.heappush(ready, (priority, next(order), fn, arg))

    for job in first or last:
        queue(0, execute, job)
    pending: set = set()
    while pending or ready:
        while ready and len(pending) < workers:
            _, _, fn, arg = heapq.heappop(ready)
            pending.add(pool.submit(fn, arg))
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            outcome = future.result()
            job = outcome.job
            if job.summary:
                if outcome.status == "executed":
                    queue(1, render, outcome)
                else:
                    held.append(outcome)
                continue
            if outcome.status == "executed":
                staged.add(outcome)
                executions_over += 1
                queue(1, render, outcome)
                continue
            if job.report in staged.values.get(job.period, {}):  # rendering failed
                if outcome.status != "published":
                    staged.drop(outcome)
                    late.add(job.period)
            else:  # execution failed
                executions_over += 1
            yield outcome
        if not summaries_started and executions_over == len(first):
            summaries_started = True
            for job in last:
                queue(0, execute, job)
    for outcome in held:
        if late and outcome.job.period >= min(late):
            again = execute(outcome.job)
            yield render(again) if again.status == "executed" else again
        else:
            yield outcome


def default_jobs() -> int:
    return os.cpu_count() or 1
