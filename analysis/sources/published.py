"""`boardpack benchmarks fetch` and `check`: download and validate the DfE published files."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

from analysis.config import PARAMS_DIR, PROJECT_ROOT, read_params
from analysis.errors import BoardpackError
from analysis.fileio import write_atomic, write_json_atomic
from analysis.sources import ees
from analysis.sources.inputs import sha256

SOURCES = "sources.json"


def datasets(params_dir: Path = PARAMS_DIR) -> dict[str, dict]:
    """The DfE published files listed in params/benchmarks.yaml, by name."""
    return read_params("benchmarks.yaml", params_dir).get("datasets", {})


def benchmark_folder(folder: str | Path) -> Path:
    """The folder of DfE published files; a relative one is under the project."""
    folder = Path(folder)
    return folder if folder.is_absolute() else PROJECT_ROOT / folder


def fetch(dest: Path, timeout: float = 60) -> list[str]:
    """Download every dataset in params/benchmarks.yaml into `dest` (atomically each), and
    record its URL, SHA-256 and download date in `sources.json`. Offline is a clear error."""
    dest = benchmark_folder(dest)
    dest.mkdir(parents=True, exist_ok=True)
    record_path = dest / SOURCES
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    done = []
    for name, spec in datasets().items():
        target = dest / spec["file"]
        try:
            with urllib.request.urlopen(spec["url"], timeout=timeout) as response:
                data = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BoardpackError(
                f"could not download {name} from {spec['url']} ({reason}). This machine may "
                f"have no internet access: download it by hand from {spec['page']} and save it "
                f"as {target}"
            ) from None
        write_atomic(target, data)
        record[name] = {
            "file": spec["file"],
            "url": spec["url"],
            "sha256": sha256(target),
            "downloaded": date.today().isoformat(),
        }
        done.append(f"{name}: {spec['file']} ({target.stat().st_size:,} bytes)")
    write_json_atomic(record_path, record)
    return done


def check(dest: Path) -> tuple[list[str], int]:
    """Validate whatever benchmark files are present; returns lines and the number of errors."""
    dest = benchmark_folder(dest)
    lines, errors = [], 0
    for name, spec in datasets().items():
        path = dest / spec["file"]
        if not path.exists():
            lines.append(f"{spec['file']}: not present ({spec['what']}; {spec['page']})")
            continue
        try:
            if name == "neighbours":
                groups = ees.load_neighbours(path)
                lines.append(f"{spec['file']}: {len(groups)} local authorities with neighbours")
            else:
                frame = ees.load(path, spec.get("measures", []))
                years = sorted(frame["time_period"].unique())
                lines.append(
                    f"{spec['file']}: {len(frame):,} rows, years {years[0]} to "
                    f"{years[-1]}, SHA-256 {sha256(path)[:12]}"
                )
        except BoardpackError as exc:
            errors += 1
            lines.append(f"ERROR {exc}")
    return lines, errors
