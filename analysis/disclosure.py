"""Statistical disclosure control for published tables (groundwork for the `public` mode).

Government Statistical Service / DfE convention: `c` marks a value suppressed for
confidentiality. Not yet wired into the reports: see issue 10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUPPRESSED = "c"


def suppress(
    table: pd.DataFrame,
    threshold: int = 5,
    counts: list[str] | None = None,
    rates: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Suppress small counts and whatever would let them be worked out again.

    - Primary: any count from 1 to `threshold` becomes `c`; zeros stay zeros.
    - Secondary: every row and every column of count cells is treated as adding up to a
      published total, shown or not. A line with exactly one suppressed cell has its smallest
      other non-zero count suppressed too (the total itself when nothing else is left),
      repeated until no line has exactly one - so no suppressed cell can be recovered from
      its row or column by subtraction.
    - Rates: `rates` maps a rate or percentage column to the count columns it is built on;
      it is suppressed in every row where one of those counts is.

    `counts` defaults to the integer columns. Returns the table (suppressed cells as `c`) and
    the number of cells suppressed.
    """
    counts = (
        counts
        if counts is not None
        else [c for c in table.columns if pd.api.types.is_integer_dtype(table[c])]
    )
    values = table[counts].to_numpy(dtype=float)
    present = ~np.isnan(values)
    mask = present & (values >= 1) & (values <= threshold)
    nonzero = present & (values != 0)
    changed = True
    while changed:
        changed = False
        for lines, cut in (
            (range(values.shape[0]), lambda i: (i, slice(None))),
            (range(values.shape[1]), lambda j: (slice(None), j)),
        ):
            for k in lines:
                where = cut(k)
                line_mask = mask[where]
                if line_mask.sum() != 1:
                    continue
                candidates = nonzero[where] & ~line_mask
                if not candidates.any():
                    continue
                line_values = np.where(candidates, values[where], np.inf)
                pick = int(np.argmin(line_values))
                if isinstance(where[0], slice):
                    mask[pick, k] = True
                else:
                    mask[k, pick] = True
                changed = True
    out = table.astype(object).copy()
    for j, col in enumerate(counts):
        out.loc[mask[:, j], col] = SUPPRESSED
    row_hit = pd.DataFrame(mask, columns=counts, index=table.index)
    extra = 0
    for rate, based_on in (rates or {}).items():
        hit = row_hit[[c for c in based_on if c in counts]].any(axis=1)
        extra += int((hit & table[rate].notna()).sum())
        out.loc[hit, rate] = SUPPRESSED
    return out, int(mask.sum()) + extra
