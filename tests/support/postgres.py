"""A throwaway PostgreSQL server for the database tests and the SSD benchmark.

Debian's `postgresql` package: `initdb` and `pg_ctl` start a cluster in a temporary folder,
listening on a free loopback port and a Unix socket in that folder, and `stop` removes it.
The server never outlives the tests: `start` stops it if setting it up fails, and registers
`stop` to run when the interpreter exits, however the tests end (the fixture also stops it in
a `finally`); `stop` may be called more than once.
`initdb` refuses to run as root (CI runs as root), so there the server runs as the
unprivileged `postgres` user through `runuser`. Host connections need a password
(scram-sha-256): the tests' role `ssd_reader` has one, so a leak of it can be looked for.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD, DATABASE = "ssd_reader", "Tr1cky-Pa55-w0rd", "ssd"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (PATH first, then Debian's versioned folders)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    return Path(folders[-1]) if folders else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    root: Path
    port: int
    bindir: Path
    as_user: list[str]

    @property
    def url(self) -> str:
        """The URL without the password (it goes in PGPASSWORD, as the README says)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def url_with_password(self) -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=120, check=True
        )

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run SQL as the superuser over the Unix socket (test set-up only)."""
        self._run(
            str(self.bindir / "psql"), "-h", str(self.root), "-p", str(self.port), "-U",
            "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qc", statement,
        )  # fmt: skip

    def stop(self) -> None:
        if not self.root.exists():
            return
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
             "immediate", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    """Start a cluster with the role `ssd_reader` (password PASSWORD) owning database `ssd`."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="boardpack-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    server = Server(root, _free_port(), bindir, as_user)
    atexit.register(server.stop)
    try:
        _set_up(server)
    except BaseException:
        server.stop()
        raise
    return server


def _set_up(server: Server) -> None:
    bindir, root = server.bindir, server.root
    server._run(
        str(bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "-A", "trust",
        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
    )  # fmt: skip
    options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    server._run(
        str(bindir / "pg_ctl"), "-D", str(root / "data"), "-o", options, "-l",
        str(root / "server.log"), "-w", "start",
    )  # fmt: skip
    server.sql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
    server.sql(f"CREATE DATABASE {DATABASE} OWNER {USER}")
