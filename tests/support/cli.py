"""Running the `boardpack` command as a user would."""

from __future__ import annotations

import subprocess
import sys


def boardpack(*args: str, env: dict | None = None, timeout: float = 900):
    """Run the `boardpack` command as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
