"""Where the tests find the project: the repository's own folders, nothing beside it."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
