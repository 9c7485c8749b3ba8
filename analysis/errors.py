"""Validation problems found in input files, collected and grouped for people to read.

A problem names the file, the spreadsheet row (header = row 1), the column, the value and
the rule broken. Repeats of the same rule in the same column are grouped: a few examples
are kept and the rest are counted, so a file with 50,000 bad rows prints a short report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
#: The words ending a warning whose value failed its rule and is kept as unknown (or whose row
#: is left out for it): the data quality report counts these cells.
UNKNOWN = "counted as unknown"


class BoardpackError(Exception):
    """An error with a message meant for the user; the CLI prints it as one line, no traceback.

    In a notebook (IPython asks an exception for `_render_traceback_`), a cell that raises
    one shows the message alone, not a traceback through the package."""

    def _render_traceback_(self) -> list[str]:
        return [f"boardpack: {self}"]


class InputError(BoardpackError):
    """Input data broke one or more rules; carries the full validation report."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(f"input data has {report.error_count} error(s)")

    def _render_traceback_(self) -> list[str]:
        return [f"boardpack: {self}", self.report.format()]


@dataclass
class ProblemGroup:
    """All occurrences of one rule broken in one column of one file."""

    severity: str
    file: str
    column: str | None
    rule: str
    count: int = 0
    #: (row, value, place): place, when given, names this example's exact spot in place of
    #: the group's column (an XML element path such as Child[3]/CINdetails[1]/CINreferralDate)
    examples: list[tuple] = field(default_factory=list)
    #: what a row number counts: spreadsheet `row`, or `line` of an XML file
    unit: str = "row"

    def lines(self) -> list[str]:
        out = []
        for row, value, *place in self.examples:
            where = self.file if row is None else f"{self.file} {self.unit} {row}"
            column = place[0] if place and place[0] else self.column
            if column:
                where += f", {column}"
            if value is not None:
                where += f" '{value}'"
            out.append(f"{where}: {self.rule}")
        hidden = self.count - len(self.examples)
        if hidden > 0:
            out.append(f"  ... and {hidden:,} more in {self.file} with the same problem")
        return out


class ValidationReport:
    """Collects problems as input files are read; groups repeats of the same rule."""

    def __init__(self, max_examples: int = 5):
        self.max_examples = max_examples
        self.groups: dict[tuple, ProblemGroup] = {}
        self.notes: list[str] = []

    def add(
        self,
        severity: str,
        file: str,
        rule: str,
        *,
        column: str | None = None,
        rows: Iterable[int | None] = (None,),
        values: Iterable[object] | None = None,
        places: Iterable[str | None] | None = None,
        unit: str = "row",
    ) -> None:
        """Record one problem per row given (rows, values and places are parallel
        sequences; `unit` says what the row numbers count)."""
        rows = list(rows)
        if not rows:
            return
        values = [None] * len(rows) if values is None else list(values)
        places = [None] * len(rows) if places is None else list(places)
        key = (severity, file, column, rule)
        group = self.groups.setdefault(key, ProblemGroup(severity, file, column, rule, unit=unit))
        group.count += len(rows)
        room = self.max_examples - len(group.examples)
        for row, value, place in list(zip(rows, values, places, strict=True))[: max(room, 0)]:
            shown = None if value is None else str(value)
            group.examples.append((None if row is None else int(row), shown, place))

    def error(self, file: str, rule: str, **kw) -> None:
        self.add(ERROR, file, rule, **kw)

    def warning(self, file: str, rule: str, **kw) -> None:
        self.add(WARNING, file, rule, **kw)

    def _count(self, severity: str) -> int:
        return sum(g.count for g in self.groups.values() if g.severity == severity)

    @property
    def error_count(self) -> int:
        return self._count(ERROR)

    @property
    def warning_count(self) -> int:
        return self._count(WARNING)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def lines(self, severity: str) -> list[str]:
        out: list[str] = []
        for group in self.groups.values():
            if group.severity == severity:
                out.extend(group.lines())
        return out

    def format(self) -> str:
        """The report as printed by `boardpack validate`: errors first, then warnings."""
        parts = []
        for severity, title in ((ERROR, "Errors"), (WARNING, "Warnings")):
            lines = self.lines(severity)
            if lines:
                parts.append(f"{title} ({self._count(severity):,}):")
                parts.extend(f"  {line}" for line in lines)
        if self.notes:
            parts.append("Notes:")
            parts.extend(f"  {note}" for note in self.notes)
        if not parts:
            parts.append("No problems found.")
        return "\n".join(parts)

    def to_records(self) -> list[dict]:
        """Grouped problems as plain dicts (for the processed-data cache and reports)."""
        return [
            {
                "severity": g.severity,
                "file": g.file,
                "column": g.column,
                "rule": g.rule,
                "count": g.count,
                "unit": g.unit,
                "examples": [list(e) for e in g.examples],
            }
            for g in self.groups.values()
        ]

    @classmethod
    def from_records(cls, records: list[dict], notes: list[str] | None = None) -> ValidationReport:
        report = cls()
        for r in records:
            group = ProblemGroup(
                r["severity"],
                r["file"],
                r["column"],
                r["rule"],
                r["count"],
                unit=r.get("unit", "row"),
            )
            group.examples = [tuple(e) for e in r["examples"]]
            report.groups[(group.severity, group.file, group.column, group.rule)] = group
        report.notes = list(notes or [])
        return report
