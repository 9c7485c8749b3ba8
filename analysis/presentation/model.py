"""A report as data: named sections of blocks (tables, figures, sentences, notes), built by
`analysis.reports.<name>.build()` without a kernel and shown by `present.show`.

Disclosure control happens as the blocks are shown, in order, exactly as when the notebook
displayed each one itself: the report's tables are protected together (see `present`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Table:
    """A table in the house style. `options` are `present.table_html`'s: `base`, `lines`,
    `keys`, `published_statistics`."""

    frame: pd.DataFrame
    caption: str
    formats: dict[str, str] | None = None
    note: str = ""
    options: dict = field(default_factory=dict)


@dataclass
class Figure:
    """A chart: (matplotlib figure, alt text), or None when there is nothing to draw.
    `rests_on`: the counts its points are built on (see `present.figure`)."""

    chart: tuple | None
    rests_on: object = None


@dataclass
class Summary:
    """The plain-English opening: a short list of sentences."""

    sentences: list[str]


@dataclass
class Note:
    """A short paragraph: a method note, a caveat, or why a table is absent."""

    text: str


@dataclass
class Restricted:
    """A table shown only in the restricted version; the public version shows the note."""

    table: Table
    public_note: str


@dataclass
class Glossary:
    """The "Words used in this report" box: the terms, defined in presentation/glossary.yaml."""

    terms: list[str]


@dataclass
class Scorecard:
    """The board summary's scorecard (see `present.scorecard`)."""

    card: pd.DataFrame
    period_label: str


Block = Table | Figure | Summary | Note | Restricted | Scorecard | Glossary


@dataclass
class Report:
    """One report's content for one period: its sections in order, and the headline figures
    it recorded for metrics.json (as published)."""

    name: str
    sections: dict[str, list[Block]] = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    def add(self, section: str, *blocks: Block) -> None:
        self.sections.setdefault(section, []).extend(blocks)

    def __getitem__(self, section: str) -> list[Block]:
        return self.sections[section]

    def tables(self) -> list[Table]:
        """Every table of the report, in order (restricted ones included)."""
        blocks = [b for section in self.sections.values() for b in section]
        return [b.table if isinstance(b, Restricted) else b for b in blocks if _tabular(b)]


def _tabular(block: Block) -> bool:
    return isinstance(block, Table | Restricted)


def table_or_note(
    frame: pd.DataFrame | None,
    caption: str,
    missing: str,
    formats: dict[str, str] | None = None,
    note: str = "",
    **options,
) -> Table | Note:
    """A table, or a one-line note when the data it needs are not available (an empty
    `missing` note: nothing is said, because an earlier block already said why)."""
    if frame is None or len(frame) == 0:
        return Note(missing)
    return Table(frame, caption, formats, note, options)


def published_table(frame: pd.DataFrame | None, caption: str, missing: str = "") -> Table | Note:
    """A table of DfE published statistics (shown as DfE published them, with DfE's own
    suppression), or `missing` when there are none."""
    return table_or_note(
        frame, caption, missing, {"Neighbours with data": "count"}, published_statistics=True
    )
