"""Front door measures (report `front_door`): contacts, repeat contacts, referrals and
re-referrals.

Definitions (one contact is one row of the contacts table: the same child, day and source
twice is one contact, as the readers dedupe it):
- **Contacts in a month**: contacts whose CONTACT_DATE falls in the calendar month.
- **Children contacted**: distinct children with a contact in the month.
- **Children with more than one contact in the month** (the board's "multiple contacts"):
  children with two or more contacts dated in the same calendar month (two on the same day
  count), as a share of the children contacted in that month. Contacts either side of a
  month boundary are in different months.
- **Repeat contact within 30 days** (the other common reading of "repeat contacts within a
  month"): a contact is a repeat when the same child had another contact from 0 to 30 days
  before it (a second contact on the same day is a repeat of the first); the share is of
  the month's contacts.
- **Contact leading to a referral**: a referral of the same child on the contact's day or up
  to N days after (N = `referral_within_days`); the share is of the month's contacts.
- **Re-referral** (DfE definition, CIN census): a referral of a child who had a previous
  referral at most 365 days before it (on an earlier day), whether or not that previous
  referral fell in the window. Twelve months are counted as 365 days: a previous referral 366
  days earlier is not a re-referral, even across a leap day, so every year is judged on the
  same span and a leap day never stretches it.
- **Referrals closed with no further action**: referrals with NFA = yes, as a share of the
  referrals whose NFA answer is recorded.
- **Rate per 10,000**: referrals in the 12 months per 10,000 children aged 0-17 in the ONS
  mid-year estimate for the LA (the latest year up to the period's).
- **Months the data do not cover** are blank, never 0: months before a table's first record
  (an Annex A workbook often holds six months), and re-referral shares for months less than
  365 days after the first referral (earlier referrals would be missed). A 12-month figure
  whose window starts before the data begin is not given (see `covers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.config import codelists
from analysis.measures.stats import Share, wilson
from analysis.names import key
from analysis.periods import first_month, months_back

RE_REFERRAL_DAYS = 365
#: Groups of contact and referral sources, in the order tables show them.
SOURCE_GROUPS = ["Police", "Health", "Schools", "LA services", "Individual", "Other or unknown"]


def month_of(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("M")


def _previous_gap(frame: pd.DataFrame, date: str) -> pd.Series:
    """Days since the same child's previous row (by date, then by order), NaN for a first."""
    ordered = frame.sort_values(["CHILD", date], kind="stable")
    gap = ordered[date] - ordered.groupby("CHILD")[date].shift()
    return (gap.dt.days).reindex(frame.index)


def contact_months(
    contacts: pd.DataFrame,
    referrals: pd.DataFrame | None,
    period,
    months: int = 36,
    referral_within_days: int = 7,
) -> pd.DataFrame:
    """Per month of the look-back ending with `period` (rows: month periods): contacts,
    children contacted, children with more than one contact, its share, repeat contacts
    within 30 days and their share, and contacts leading to a referral and their share."""
    c = contacts.copy()
    c["MONTH"] = month_of(c["CONTACT_DATE"])
    c["REPEAT"] = _previous_gap(c, "CONTACT_DATE").between(0, 30)
    c["REFERRED"] = _referred_within(c, referrals, referral_within_days)
    window = months_back(period, months)
    per_child = c.groupby(["MONTH", "CHILD"]).size()
    multiple = (per_child > 1).groupby(level="MONTH").sum()
    children = per_child.groupby(level="MONTH").size()
    by_month = c.groupby("MONTH")
    out = pd.DataFrame(
        {
            "Contacts": by_month.size(),
            "Children contacted": children,
            "Children with more than one contact": multiple,
            "Repeat contacts within 30 days": by_month["REPEAT"].sum(),
            "Contacts leading to a referral": by_month["REFERRED"].sum(),
        }
    ).reindex(window, fill_value=0)
    out = out.astype(int).astype(float)
    out[out.index < first_month(c["CONTACT_DATE"])] = np.nan
    out["Share of children with more than one contact"] = _ratio(
        out["Children with more than one contact"], out["Children contacted"]
    )
    out["Share of contacts repeating within 30 days"] = _ratio(
        out["Repeat contacts within 30 days"], out["Contacts"]
    )
    out["Share of contacts leading to a referral"] = _ratio(
        out["Contacts leading to a referral"], out["Contacts"]
    )
    out.index.name = "Month"
    return out


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).astype(float)


def _referred_within(contacts: pd.DataFrame, referrals: pd.DataFrame | None, days: int):
    """Per contact: a referral of the same child on its day or up to `days` days after."""
    if referrals is None or referrals.empty:
        return pd.Series(False, index=contacts.index)
    pairs = (
        contacts[["CHILD", "CONTACT_DATE"]]
        .reset_index()
        .merge(referrals[["CHILD", "REFERRAL_DATE"]], on="CHILD")
    )
    gap = (pairs["REFERRAL_DATE"] - pairs["CONTACT_DATE"]).dt.days
    hit = set(pairs.loc[gap.between(0, days), "index"])
    return pd.Series(contacts.index.isin(list(hit)), index=contacts.index)


def source_group(values: pd.Series) -> pd.Series:
    """Each contact or referral source in one of SOURCE_GROUPS: a DfE source code (`6`,
    `3A`, with or without an Annex A letter) through the code list `source_groups`, else
    the words it holds (police, health, school, ...); blank or unknown: Other or unknown."""
    table = codelists()["source_groups"]
    codes = {
        str(code).upper(): group for group, listed in table["codes"].items() for code in listed
    }
    words = table["words"]

    def one(value) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "Other or unknown"
        text = str(value).strip()
        if text.upper() in codes:
            return codes[text.upper()]
        plain = key(pd.Series([text])).iloc[0]
        for group, hints in words.items():
            if any(hint in plain for hint in hints):
                return group
        return "Other or unknown"

    distinct = pd.Series(values.dropna().unique())
    mapping = dict(zip(distinct, distinct.map(one), strict=True))
    return values.map(lambda v: mapping.get(v, "Other or unknown"))


def by_source(frame: pd.DataFrame, first, last, date: str) -> pd.DataFrame:
    """Rows dated from `first` to `last` per source group: count and share, every group
    listed in SOURCE_GROUPS order."""
    inside = frame[(frame[date] >= first) & (frame[date] <= last)]
    counts = source_group(inside["SOURCE"]).value_counts().reindex(SOURCE_GROUPS, fill_value=0)
    table = pd.DataFrame({"Source": counts.index, "Number": counts.to_numpy()})
    table["Share"] = table["Number"] / len(inside) if len(inside) else np.nan
    return table


def rereferrals(referrals: pd.DataFrame) -> pd.Series:
    """Per referral: True when the same child had a previous referral at most 365 days
    before it (on an earlier day; see the module's definition). Read from the REREFERRAL
    column when `with_rereferrals` has added it."""
    if "REREFERRAL" in referrals:
        return referrals["REREFERRAL"]
    gap = _previous_gap(referrals, "REFERRAL_DATE")
    return gap.between(1, RE_REFERRAL_DAYS).reindex(referrals.index).fillna(False)


def with_rereferrals(referrals: pd.DataFrame) -> pd.DataFrame:
    """The referrals with their re-referral flags as a column REREFERRAL, worked out once
    for every measure of a report that reads them."""
    return referrals.assign(REREFERRAL=rereferrals(referrals))


def rereferral_share(referrals: pd.DataFrame, first, last) -> Share:
    """Re-referrals among the referrals dated from `first` to `last`, Wilson 95% CI; the
    previous referral may fall before `first`."""
    flags = rereferrals(referrals)
    inside = (referrals["REFERRAL_DATE"] >= first) & (referrals["REFERRAL_DATE"] <= last)
    return wilson(int(flags[inside].sum()), int(inside.sum()))


def nfa_share(referrals: pd.DataFrame, first, last) -> Share:
    """Referrals closed with no further action, of those dated from `first` to `last` whose
    NFA answer is recorded, Wilson 95% CI."""
    inside = referrals[(referrals["REFERRAL_DATE"] >= first) & (referrals["REFERRAL_DATE"] <= last)]
    known = inside["NFA"].dropna().astype(bool)
    return wilson(int(known.sum()), len(known))


def referral_months(
    referrals: pd.DataFrame, period, months: int = 36, begins: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Per month of the look-back: referrals, re-referrals and the re-referral share, and
    referrals whose NFA answer is recorded, those closed with no further action and their
    share (as `nfa_share`, per month). The data begin at `begins` (a census's first
    collection year: see sources/coverage.py `begins`), else at the first referral."""
    r = referrals.assign(
        MONTH=month_of(referrals["REFERRAL_DATE"]),
        RE=rereferrals(referrals),
        KNOWN=referrals["NFA"].notna(),
        NFA_=referrals["NFA"].eq(True),
    )
    by_month = r.groupby("MONTH")
    out = pd.DataFrame(
        {
            "Referrals": by_month.size(),
            "Re-referrals": by_month["RE"].sum(),
            "NFA recorded": by_month["KNOWN"].sum(),
            "Closed with no further action": by_month["NFA_"].sum(),
        }
    )
    out = out.reindex(months_back(period, months), fill_value=0).astype(int).astype(float)
    if begins is None:
        begins = referrals["REFERRAL_DATE"].min()
    out[out.index < first_month(pd.Series([begins]))] = np.nan
    out["Re-referral share"] = _ratio(out["Re-referrals"], out["Referrals"])
    out["NFA share"] = _ratio(out["Closed with no further action"], out["NFA recorded"])
    if pd.notna(begins):
        unseen = out.index.to_timestamp() < begins + pd.Timedelta(days=RE_REFERRAL_DAYS)
        out.loc[unseen, ["Re-referrals", "Re-referral share"]] = np.nan
    out.index.name = "Month"
    return out


def population(bm, period) -> float | None:
    """The LA's children aged 0-17 (ONS mid-year estimate) for the latest year up to the
    period's year, from the benchmark files; None without them."""
    if bm is None or not bm.has("population"):
        return None
    pop = bm.tables["population"]
    la = pop[
        (pop["geographic_level"] == "Local authority") & (pop["new_la_code"] == bm.new_la_code)
    ]
    year = pd.Period(period, "M").year
    la = la[la["time_period"].astype(int) <= year].sort_values("time_period")
    return float(la["population_estimate"].iloc[-1]) if len(la) else None


def per_10k(count: int, children: float | None) -> float | None:
    """A count per 10,000 children; None without a population."""
    return count / children * 10_000 if children else None
