"""Sub-commands of `boardpack` that run and publish reports (filled in by the engine)."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Register run / index / list."""
