"""What produced a run: input files with SHA-256 and rows, package versions, git commit."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from analysis import __version__
from analysis.config import PROJECT_ROOT

PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "weasyprint",
    "pyarrow",
    "holidays",
)


def package_versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "boardpack": __version__}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_commit(root: Path = PROJECT_ROOT) -> str | None:
    """The checkout's commit (with `+dirty` when it has uncommitted changes), if any."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty.strip() else "")


def run_info(data_dir: Path, processed: Path) -> dict:
    """The run-level part of manifest.json."""
    meta = json.loads((Path(processed) / "inputs.json").read_text())
    database = Path(data_dir) / "ssd.json"  # a snapshot of the SSD database (no credentials)
    extra = {}
    if database.is_file():
        read = json.loads(database.read_text())
        extra["database"] = {
            k: read.get(k)
            for k in ("source", "ssd_version", "read_at", "query_seconds", "hash", "rows")
        }
    return {
        "inputs": {
            "data_dir": str(Path(data_dir).resolve()),
            "files": meta["files"],
            "processed": str(Path(processed).resolve()),
        }
        | extra,
        "versions": package_versions(),
        "git_commit": git_commit(),
    }
