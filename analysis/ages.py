"""Ages, as every measure counts them."""

from __future__ import annotations

import pandas as pd


def age_in_years(dob: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """Completed years from `dob` to `on` (a birthday counts on the day itself). Negative
    values mean `on` is before birth."""
    on = pd.Series(on, index=dob.index) if isinstance(on, pd.Timestamp) else on
    years = on.dt.year - dob.dt.year
    before_birthday = (on.dt.month < dob.dt.month) | (
        (on.dt.month == dob.dt.month) & (on.dt.day < dob.dt.day)
    )
    return years - before_birthday.astype(int)
