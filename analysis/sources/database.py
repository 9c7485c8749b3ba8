"""Reading the Standard Safeguarding Dataset from the LA's database, and its snapshot.

The connection is a SQLAlchemy URL (`--db URL` or the environment variable BOARDPACK_DB_URL);
`?schema=NAME` names the schema the SSD tables are in (the SSD's builds make
`ssd_development`). Without it the database's default schema is read; when the schema read
holds none of the SSD's tables, the run stops with one line naming the schemas that do.
Passwords belong in the environment or the driver's own files (`.pgpass`/PGPASSWORD for
PostgreSQL, an ODBC DSN for SQL Server), not on the command line; nothing boardpack prints,
logs or writes shows a user name or password (`shown` gives the URL without them). Queries
are SQLAlchemy Core selects of only the columns used, with nothing built from strings. On
PostgreSQL the session is read-only with a statement timeout; tested there, and written to
work on SQL Server (`mssql+pyodbc`).

Each run reads the SSD tables once and writes what it read as a snapshot: a folder
`<processed>/ssd-<hash>/` with one Parquet file per SSD table under `ssd/`, `ssd.json` (row
counts, SHA-256 of each file, the URL without credentials, the SSD version when the database
records one, when and how long the query took) and a copy of the local files of the data
folder. `--data` on that folder re-runs the same period from exactly what was read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import BoardpackError, ValidationReport
from analysis.sources import ssd
from analysis.sources.settings import Settings

ENV = "BOARDPACK_DB_URL"
SNAPSHOT_META = "ssd.json"
SNAPSHOT_DIR = "ssd"
CHUNK_ROWS = 250_000
#: seconds a single query may run before the server stops it (PostgreSQL)
STATEMENT_TIMEOUT = 600
#: the SSD's own record of its version, read when the build has it
VERSION_TABLE, VERSION_COLUMN = "ssd_version_log", "version_number"


@dataclass(frozen=True)
class Target:
    """A database to read: the SQLAlchemy URL (with credentials, never shown) and schema."""

    url: object  # sqlalchemy.engine.URL
    schema: str | None

    @property
    def shown(self) -> str:
        """The URL as it may be printed: driver, host, port, database, schema; no user,
        password or query options."""
        from sqlalchemy.engine import URL

        u = URL.create(
            self.url.drivername, host=self.url.host, port=self.url.port,
            database=self.url.database,
        )  # fmt: skip
        text = u.render_as_string(hide_password=True)
        return text + (f"?schema={self.schema}" if self.schema else "")

    def scrub(self, text: str) -> str:
        """`text` with the user name and password taken out."""
        for secret in (self.url.password, self.url.username):
            if secret:
                text = text.replace(str(secret), "***")
        return text


def target(given: str | None) -> Target:
    """The database named by `--db` or, when that is not given, BOARDPACK_DB_URL."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = given or os.environ.get(ENV, "")
    if not text:
        raise BoardpackError(f"no database given: use --db URL or set {ENV}")
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise BoardpackError(
            "--db is not a database URL (expected e.g. postgresql://host/ssd or mssql+pyodbc://DSN)"
        ) from None
    schema = url.query.get("schema")
    if isinstance(schema, tuple):
        schema = schema[-1]
    if url.drivername == "postgresql" and _has("psycopg") and not _has("psycopg2"):
        url = url.set(drivername="postgresql+psycopg")  # the driver boardpack installs
    return Target(url.difference_update_query(["schema"]), schema or None)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def engine(t: Target):
    """A SQLAlchemy engine for `t`: read-only with a statement timeout where the driver
    allows (PostgreSQL), a 10-second connect timeout."""
    from sqlalchemy import create_engine

    args: dict = {}
    if t.url.get_backend_name() == "postgresql":
        args = {
            "connect_timeout": 10,
            "options": "-c default_transaction_read_only=on "
            f"-c statement_timeout={STATEMENT_TIMEOUT * 1000}",
        }
    try:
        return create_engine(t.url, connect_args=args, pool_pre_ping=False)
    except Exception as exc:  # a driver that is not installed, a bad option
        raise BoardpackError(f"cannot use {t.shown}: {t.scrub(_first_line(exc))}") from None


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _connect(t: Target, eng):
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    try:
        return eng.connect()
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise BoardpackError(
            f"cannot connect to the database {t.shown}: {t.scrub(_first_line(exc))}"
        ) from None


def _tables(conn, schema: str | None) -> dict[str, str]:
    """The tables in the schema, by lower-case name -> the name as the database has it."""
    from sqlalchemy import inspect

    names = inspect(conn).get_table_names(schema=schema)
    return {n.lower(): n for n in names}


def ssd_schemas(conn) -> dict[str, int]:
    """Each schema of the database that holds any of the SSD tables boardpack reads, with how
    many of them it holds."""
    from sqlalchemy import inspect

    found = {}
    for schema in inspect(conn).get_schema_names():
        held = sum(name in ssd.TABLES for name in _tables(conn, schema))
        if held:
            found[schema] = held
    return found


def _schemas_line(found: dict[str, int]) -> str:
    return ", ".join(f"{s} ({n} of the {len(ssd.TABLES)})" for s, n in sorted(found.items()))


def _present(conn, t: Target) -> dict[str, str]:
    """The tables of the schema `t` names (or the default one), when it holds any of the
    SSD's; otherwise a BoardpackError naming the schemas that do hold them."""
    from sqlalchemy import inspect

    present = _tables(conn, t.schema)
    if any(name in present for name in ssd.TABLES):
        return present
    schema = t.schema or inspect(conn).default_schema_name
    found = ssd_schemas(conn)
    if found:
        hint = (
            f"the SSD's tables are in schema {_schemas_line(found)}: add "
            f"?schema={min(found, key=lambda s: (-found[s], s))} to the URL"
        )
    else:
        hint = "no schema of this database holds them (is this the SSD's database?)"
    raise BoardpackError(
        f"none of the SSD's tables ({', '.join(list(ssd.TABLES)[:3])}, ...) is in schema "
        f"{schema} of {t.shown}; {hint}"
    )


def _version(conn, schema: str | None, present: dict[str, str]) -> str | None:
    """The latest version the SSD's version log records, when the build has one."""
    from sqlalchemy import column, inspect, select, table

    name = present.get(VERSION_TABLE)
    if name is None:
        return None
    cols = {c["name"].lower(): c["name"] for c in inspect(conn).get_columns(name, schema=schema)}
    if VERSION_COLUMN not in cols:
        return None
    t = table(name, column(cols[VERSION_COLUMN]), schema=schema)
    values = [str(v) for (v,) in conn.execute(select(t.c[cols[VERSION_COLUMN]])) if v]
    return max(values, key=_version_key) if values else None


def _version_key(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in text.replace("-", ".").split("."))


def read(t: Target, report: ValidationReport) -> tuple[dict[str, pa.Table], dict]:
    """Every SSD table boardpack uses that the database has, as Arrow tables of the columns
    used (named as the SSD names them), read in chunks; and what was read (for ssd.json)."""
    from sqlalchemy import column, inspect, select, table
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    eng = engine(t)
    began = time.monotonic()
    out: dict[str, pa.Table] = {}
    try:
        with _connect(t, eng) as conn:
            try:
                present = _present(conn, t)
                for name in ssd.TABLES:
                    if name not in present:
                        report.notes.append(f"SSD: table {name} is not in this database")
                        continue
                    real = present[name]
                    info = inspect(conn).get_columns(real, schema=t.schema)
                    used = ssd.resolve(name, [c["name"] for c in info], report)
                    if used is None:
                        continue
                    tab = table(real, *[column(c) for c in used.values()], schema=t.schema)
                    stmt = select(*[tab.c[c] for c in used.values()])
                    kinds = {c["name"]: _arrow_type(c["type"]) for c in info}
                    types = {c: kinds[c] for c in used.values()}
                    fetch = _copy_out if conn.dialect.name == "postgresql" else _fetch
                    out[name] = fetch(conn, stmt, types)
                    if out[name].num_rows == 0:
                        report.notes.append(f"SSD: table {name} is empty")
                version = _version(conn, t.schema, present)
                if version is None:
                    report.notes.append(
                        f"SSD: the build records no version ({VERSION_TABLE} is not there, as "
                        "in v1.4.x, or empty): not recorded"
                    )
            except (DBAPIError, SQLAlchemyError) as exc:
                raise BoardpackError(
                    f"reading the SSD from {t.shown} failed: {t.scrub(_first_line(exc))}"
                ) from None
    finally:
        eng.dispose()
    meta = {
        "source": t.shown,
        "ssd_version": version,
        "read_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "query_seconds": round(time.monotonic() - began, 2),
    }
    return out, meta


def _arrow_type(sql_type) -> pa.DataType:
    """How a database column is kept: dates and times as such, decimals as floats, anything
    else (identifiers, even whole-number ones, codes, JSON) as text."""
    from sqlalchemy import types as sa

    if isinstance(sql_type, sa.DateTime):
        return pa.timestamp("us")
    if isinstance(sql_type, sa.Date):
        return pa.date32()
    if isinstance(sql_type, sa.Float | sa.Numeric):
        return pa.float64()
    return pa.string()


def _copy_out(conn, stmt, types: dict[str, pa.DataType]) -> pa.Table:
    """PostgreSQL's fast path: the select (compiled by SQLAlchemy; it has no parameters)
    streamed out by COPY ... TO STDOUT as CSV, chunk by chunk, and parsed by Arrow with each
    column's type given (never guessed, so identifiers keep their leading zeros)."""
    import pyarrow.csv as pacsv
    from psycopg import sql

    compiled = str(stmt.compile(dialect=conn.dialect))
    copy_stmt = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER false)").format(
        sql.SQL(compiled)
    )
    buffer = bytearray()
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cur, cur.copy(copy_stmt) as copy:
        for chunk in copy:
            buffer += chunk
    if not buffer:  # an empty table: no CSV at all
        return _empty(types)
    names = list(types)
    return pacsv.read_csv(
        pa.py_buffer(bytes(buffer)),
        read_options=pacsv.ReadOptions(column_names=names),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _fetch(conn, stmt, types: dict[str, pa.DataType]) -> pa.Table:
    """The rows of `stmt`, streamed `CHUNK_ROWS` at a time into one Arrow table (dates as
    dates, text as text; a column of mixed types as text)."""
    names = list(types)
    result = conn.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(stmt)
    batches = []
    for rows in result.partitions(CHUNK_ROWS):
        columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
        batches.append(pa.table({n: _array(v) for n, v in zip(names, columns, strict=True)}))
    if not batches:
        return _empty(types)
    return pa.concat_tables(batches, promote_options="permissive")


def _empty(types: dict[str, pa.DataType]) -> pa.Table:
    """A table with no rows, its columns of the types the database gives them."""
    return pa.table({n: pa.array([], kind) for n, kind in types.items()})


def _array(values) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def check(given: str | None) -> list[str]:
    """`boardpack db check`: can we connect, which SSD tables and columns are there and,
    without `?schema=`, which schemas hold the SSD's tables."""
    t = target(given)
    report = ValidationReport()
    eng = engine(t)
    lines = [f"database: {t.shown}"]
    try:
        with _connect(t, eng) as conn:
            from sqlalchemy import inspect

            if t.schema is None:
                lines.append(f"schemas holding SSD tables: {_schemas_line(ssd_schemas(conn))}")
            present = _present(conn, t)
            for name in ssd.TABLES:
                if name not in present:
                    lines.append(f"  {name}: missing (the reports that need it will say so)")
                    continue
                cols = [c["name"] for c in inspect(conn).get_columns(present[name], t.schema)]
                ok = ssd.resolve(name, cols, report) is not None
                lines.append(f"  {name}: {'ok' if ok else 'columns missing (below)'}")
            version = _version(conn, t.schema, present)
    finally:
        eng.dispose()
    lines.append(f"SSD version: {version or 'not recorded'}")
    lines += report.lines("error") + [f"note: {n}" for n in report.notes]
    return lines


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(
    given: str | None, data_dir: Path | None, processed_root: Path, files: list[Path]
) -> Path:
    """Read the SSD and write the run's snapshot (see the module docstring), with copies of
    `files` (the data folder's own inputs, relative to `data_dir`); returns its folder.
    Problems reading (a required column missing) raise an InputError with the report; an
    identical snapshot already there is reused."""
    from analysis.errors import InputError

    report = ValidationReport()
    tables, meta = read(target(given), report)
    if report.has_errors:
        raise InputError(report)
    processed_root = Path(processed_root)
    processed_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-ssd-", dir=processed_root))
    try:
        (staging / SNAPSHOT_DIR).mkdir()
        counts, digests = {}, {}
        for name, tab in tables.items():
            path = staging / SNAPSHOT_DIR / f"{name}.parquet"
            pq.write_table(tab, path)
            counts[name], digests[name] = tab.num_rows, _sha256(path)
        for path in files:
            rel = path.relative_to(data_dir)
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, staging / rel)
            digests[str(rel)] = _sha256(path)
        key = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()[:16]
        meta.update(rows=counts, sha256=digests, hash=key, notes=report.notes)
        (staging / SNAPSHOT_META).write_text(json.dumps(meta, indent=1))
        target_dir = processed_root / f"ssd-{key}"
        if target_dir.exists():  # the same data read again: keep it, with this read's times
            os.replace(staging / SNAPSHOT_META, target_dir / SNAPSHOT_META)
            shutil.rmtree(staging)
            return target_dir
        os.replace(staging, target_dir)
        return target_dir
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def is_snapshot(folder: Path) -> bool:
    return (Path(folder) / SNAPSHOT_META).is_file()


def load_snapshot(folder: Path, report: ValidationReport, params=None):
    """The internal tables from a snapshot folder, and its ssd.json."""
    folder = Path(folder)
    meta = json.loads((folder / SNAPSHOT_META).read_text())
    for note in meta.get("notes", []):
        if note not in report.notes:
            report.notes.append(note)
    tables = {}
    for name in ssd.TABLES:
        path = folder / SNAPSHOT_DIR / f"{name}.parquet"
        if path.exists():
            tables[name] = pq.read_table(path)
    return internal(tables, report, params), meta


def read_source(
    folder: Path, settings: Settings, report: ValidationReport
) -> dict[str, pd.DataFrame]:
    """The SSD's reader (the interface every source has): the internal tables from the
    snapshot in `folder`, mapped through `settings` (params/ssd.yaml; see sources/ssd.py)."""
    tables, _ = load_snapshot(folder, report, settings)
    return tables


def internal(tables: dict[str, pa.Table], report: ValidationReport, params=None) -> dict:
    """Boardpack's internal tables from the SSD tables as read (SSD column names): each
    typed and checked, then mapped (analysis/sources/ssd.py). Key `_read`: the SSD tables
    there were."""
    raw = ssd.Raw()
    for name, tab in tables.items():
        frame = tab.to_pandas(date_as_object=False)
        used = ssd.resolve(name, list(frame.columns), report)
        if used is None:
            continue
        frame = frame[list(used.values())].set_axis(list(used), axis=1)
        raw.tables[name] = ssd.typed(name, frame, used, report)
        raw.columns[name] = used
    return ssd.to_internal(raw, report, params) | {"_read": list(raw.tables)}
