"""A figure withheld from a public report: printed as `c`, the GSS / DfE symbol for a value
suppressed for confidentiality. At the bottom of the package because measures, metrics and
presentation all meet it."""

from __future__ import annotations

SUPPRESSED = "c"


class Withheld:
    """A figure withheld from a public report. It prints as `c` whatever the format, and any
    arithmetic on it gives another withheld figure, so sentences built from headline figures
    need no special cases; comparing it with a number is an error, never a silent guess."""

    def __format__(self, spec: str) -> str:
        return SUPPRESSED

    def __str__(self) -> str:
        return SUPPRESSED

    __repr__ = __str__

    def _same(self, *_):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __neg__ = __abs__ = __round__ = _same


WITHHELD = Withheld()


def withheld(value) -> bool:
    """True for a figure suppressed in a public report (in a table cell or a metric)."""
    return isinstance(value, Withheld) or (isinstance(value, str) and value == SUPPRESSED)
