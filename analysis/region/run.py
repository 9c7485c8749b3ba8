"""`boardpack region run`: every LA's pack on Dask distributed, then the regional pack.

One Dask task per LA runs `boardpack run` for that LA (the engine's `runner.run`, every
period and report asked for, one report at a time: a worker has one thread) into
`<out>/<new_la_code>/`, and writes each period's tidy indicators beside metrics.json. A
worker process keeps the engine's pre-imported kernel template (a module-level singleton)
warm from one LA to the next. Tasks are idempotent - publishing is atomic and per LA
folder - so a task whose worker is lost is simply run again on another worker (Dask does
that for lost workers; `retries` covers a task that raised). An LA whose inputs fail
validation returns its message; the others still publish.
"""

from __future__ import annotations

import os
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.config import LOCAL_PARAMS, PROJECT_ROOT
from analysis.errors import BoardpackError
from analysis.region.config import LA, Region


@dataclass
class LAResult:
    """What one LA's task did: the periods' folders, reports published and failed, the
    error that stopped it (validation, coverage), the worker and seconds."""

    la: str
    code: str
    published: int = 0
    failed: list[str] = field(default_factory=list)
    error: str = ""
    folders: list[str] = field(default_factory=list)
    worker: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed


@dataclass(frozen=True)
class RunOptions:
    """What every LA's run shares (as `boardpack run`'s options)."""

    periods: tuple[str, ...]
    reports: tuple[str, ...]
    out: str
    formats: tuple[str, ...] = ("html", "pdf")
    processed: str = ""
    publication: str = ""
    suppression_threshold: int | None = None
    benchmarks: str = ""
    synthetic: bool = False
    allow_partial: bool = False
    kernel: str = ""


def run_la(la: LA, options: RunOptions) -> LAResult:
    """Run and publish one LA's pack (a Dask task; never raises for the LA's own problems).

    The LA's params folder is set for this process while it runs (one thread per worker),
    and its name and codes override the params' own, so the pack says which LA it is."""
    from analysis.engine.params import defaults
    from analysis.engine.runner import RunRequest, run
    from analysis.errors import InputError
    from analysis.region.indicators import INDICATORS_FILE, POPULATION

    t0 = time.perf_counter()
    result = LAResult(la.name, la.new_la_code, worker=_worker_name())
    before = os.environ.get(LOCAL_PARAMS)
    if la.params is not None:
        os.environ[LOCAL_PARAMS] = str(la.params)
    else:
        os.environ.pop(LOCAL_PARAMS, None)
    try:
        overrides = {
            "la_name": la.name,
            "new_la_code": la.new_la_code,
            "old_la_code": la.old_la_code,
        }
        if options.publication:
            overrides["publication"] = options.publication
        if options.suppression_threshold is not None:
            overrides["suppression_threshold"] = options.suppression_threshold
        if options.benchmarks:
            overrides["benchmark_dir"] = options.benchmarks
        if la.population_0_17 is not None:  # for the rates per 10,000 in indicators.csv
            overrides[POPULATION] = la.population_0_17
        shared = defaults()
        processed = options.processed or str(
            PROJECT_ROOT / shared.get("processed_dir", "data/processed")
        )
        req = RunRequest(
            periods=list(options.periods),
            reports=list(options.reports),
            data_dir=la.data or Path(options.out) / la.new_la_code / ".database",
            out=Path(options.out) / la.new_la_code,
            processed_root=Path(processed),
            formats=options.formats,
            jobs=1,
            synthetic=options.synthetic,
            overrides=overrides,
            allow_partial=options.allow_partial,
            db=la.db,
            kernel=options.kernel,
        )
        try:
            outcomes = run(req)
        except InputError as exc:
            result.error = f"{exc}; first: {_first(exc)}"
            return result
        except BoardpackError as exc:
            result.error = str(exc).splitlines()[0]
            return result
        result.published = sum(o.status == "published" for o in outcomes)
        result.failed = [
            f"{o.job.report} {o.job.period}: {o.error}" for o in outcomes if o.status != "published"
        ]
        for period in options.periods:
            folder = req.out / period  # req.out is <out>/<code>/public for a public run
            if (folder / INDICATORS_FILE).is_file():  # the engine wrote it with the pack
                result.folders.append(str(folder))
        return result
    finally:
        if before is None:
            os.environ.pop(LOCAL_PARAMS, None)
        else:
            os.environ[LOCAL_PARAMS] = before
        result.seconds = round(time.perf_counter() - t0, 2)


def _first(exc) -> str:
    """The first validation error's line (file, row, column, value, rule)."""
    lines = exc.report.lines("error")
    return lines[0].strip() if lines else ""


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "local"


def _template_plugin(kernel: str):
    """A Dask WorkerPlugin that starts the engine's kernel template on every worker as it
    joins (forked kernels), so its imports are done before the worker's first LA."""
    from distributed import WorkerPlugin

    class KernelTemplate(WorkerPlugin):
        name = "boardpack-kernel-template"

        def setup(self, worker) -> None:
            from analysis.engine.forkserver import kernel_mode, template

            if kernel_mode(kernel) == "forked":
                template()

    return KernelTemplate()


def cluster(scheduler: str = "", workers: int = 2, kernel: str = ""):
    """A Dask client: to the scheduler at `scheduler` (tcp://host:port), else on a new
    LocalCluster of `workers` processes with one thread each; every worker's kernel
    template started as it joins."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        client, local = Client(scheduler, timeout="30s"), None
    else:
        import logging

        # a cluster of our own: its workers' shutdown chatter ("still alive after 3 s,
        # killing") is not the user's business; errors still show
        logging.getLogger("distributed").setLevel(logging.ERROR)
        # no dashboard, so no statistical profiler either: it samples each worker's thread
        # every 10 ms, CPU taken from the reports when every core is busy
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            local = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
                # its HTTP server (health checks) on a free local port, not 8787, which
                # another cluster on this machine may hold ("Port 8787 is already in use")
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
        client = Client(local)
    client.register_plugin(_template_plugin(kernel))
    return client, local


def input_bytes(la: LA) -> int:
    """The size of an LA's input files, in bytes (0 for a database): how long its pack
    will take, roughly, for ordering the tasks."""
    if la.data is None or not Path(la.data).exists():
        return 0
    folder = Path(la.data)
    if folder.is_file():
        return folder.stat().st_size
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def run_region(
    region: Region,
    options: RunOptions,
    scheduler: str = "",
    workers: int = 2,
    log=print,
    then: Callable[[list[LAResult], Callable[[list], list]], object] | None = None,
) -> tuple[list[LAResult], object]:
    """Every LA's pack, one Dask task per LA, results as they finish (logged as they come).

    The LAs are submitted largest input first, at falling priority (Dask runs higher
    priorities first), so the run does not end with one worker busy on a large LA while the
    others wait. `then`, when given, is called with the results and a function that runs a
    list of jobs (callables without arguments) as Dask tasks on the same cluster and
    returns their results: the regional pack and its pages. `then` itself runs as a task
    on the cluster too (see `_then`), so this process never loads what the pack needs.
    Returns the results, and what `then` returned."""
    from distributed import as_completed

    client, local = cluster(scheduler, workers, options.kernel)
    try:
        token = _token(options)
        largest_first = sorted(region.las, key=input_bytes, reverse=True)
        futures = [
            client.submit(
                run_la,
                la,
                options,
                key=f"boardpack-{la.new_la_code}-{token}",
                pure=False,
                retries=2,
                priority=-rank,
            )
            for rank, la in enumerate(largest_first)
        ]
        results = []
        for future in as_completed(futures):
            result = future.result()
            state = "published" if result.ok else "FAILED"
            detail = f": {result.error}" if result.error else ""
            if result.failed:
                detail = f": {len(result.failed)} report(s) failed ({'; '.join(result.failed)})"
            log(
                f"{result.la} ({result.code}): {state}, {result.published} report(s) "
                f"in {result.seconds:.1f}s on {result.worker}{detail}"
            )
            results.append(result)
        order = {la.new_la_code: i for i, la in enumerate(region.las)}
        results.sort(key=lambda r: order[r.code])  # as the region file lists them
        if then is None:
            return results, None
        pack = client.submit(_then, then, results, token, key=f"boardpack-region-{token}")
        made = pack.result()
        if isinstance(made, Raised):
            raise BoardpackError(made.message)
        return results, made
    finally:
        client.close()
        if local is not None:
            local.close()


@dataclass(frozen=True)
class Raised:
    """What a task returns, rather than raising, when its work fails: a task that raised
    would have its worker log the failure with a traceback, for the user to read."""

    message: str


def _failure(exc: Exception, what: str) -> Raised:
    """The user's one line: a BoardpackError's own message, else what failed and how."""
    if isinstance(exc, BoardpackError):
        return Raised(str(exc))
    return Raised(f"{what} failed: {traceback.format_exception_only(exc)[-1].strip()}")


def _then(then: Callable, results: list[LAResult], token: str):
    """On a worker: `then(results, on_cluster)`, where `on_cluster` runs its jobs as
    tasks of the same cluster (Dask's tasks launched from a task: `worker_client` takes
    this task out of the worker's thread while it waits, so every worker runs the jobs).
    A job that fails ends `then` with a BoardpackError naming it; any failure is returned
    as `Raised`."""
    from distributed import worker_client

    try:
        with worker_client() as client:

            def on_cluster(jobs: list) -> list:
                batch = uuid.uuid4().hex[:8]  # keys of their own, each call and each attempt
                tasks = [
                    client.submit(_call, job, key=f"boardpack-page-{token}-{batch}-{i}")
                    for i, job in enumerate(jobs)
                ]
                done = client.gather(tasks)
                failed = next((d for d in done if isinstance(d, Raised)), None)
                if failed is not None:
                    raise BoardpackError(failed.message)
                return done

            return then(results, on_cluster)
    except Exception as exc:
        return _failure(exc, "the regional pack")


def _call(job):
    try:
        return job()
    except Exception as exc:
        return _failure(exc, "the regional pack")


def _token(options: RunOptions) -> str:
    """A key part unique to this run, so two runs on one scheduler never share a result."""
    return f"{os.getpid()}-{time.time_ns()}"
