"""Writing files so that readers never see half of one: write beside, then move into place."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write `data` (text as UTF-8) to a temporary file beside `path`, then move it into
    place with `os.replace`, which is atomic on one file system."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_json_atomic(path: str | os.PathLike, data) -> Path:
    """`data` as indented JSON, written atomically."""
    return write_atomic(path, json.dumps(data, indent=1, sort_keys=False, default=str))
