"""Calibrated synthetic input data, so the whole suite runs with no confidential data.

Everything is invented: identifiers are sequential (`C00000001`), UPNs follow the obviously
fake pattern `FAKE#########`, there are no names or postcodes. The defaults are calibrated to
a mid-sized English local authority (about 65,000 children) so that the year to March 2017
looks like the improvement board's papers: about 780 children looked after at 31 March 2017
(about 10% under 1), about 400 on child protection plans (about 16% under 1), about 2,850
children in need including CP and CLA (about 12% under 1), the under-1 share of care starts
roughly doubling between the years to March 2016 and March 2017, about 120 assessments of
0-2 year olds a quarter, NFA dip samples of about 26 a quarter, auditor-moderator agreement
improving over time, and sickness absence near 17 FTE days lost per FTE (three quarters
long-term, a third mental health). Very young entrants more often have a sibling already in
care and younger mothers, so the reports have a real association to find.

`scale` multiplies the population (150 is roughly national scale).

The world is anchored to the calendar (`world_tables`): it begins in April 2014 and every
record is a function of the seed and the dates, never of where the extract ends, so a demo
to March 2018 holds exactly the March 2017 demo's records up to 31 March 2017 (a date that
fell after March 2017, such as a closure, is filled in), and carries on from there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.config import PROJECT_ROOT
from analysis.demo import cin as demo_cin
from analysis.demo import returns as demo_returns
from analysis.demo import workforce as demo_workforce
from analysis.demo.cin import TEAMS
from analysis.demo.common import (
    CALIBRATED_END,
    DAY,
    FIRST_DAY,
    ORIGIN,
    YEAR,
    DemoSpec,
    dates,
    id_strings,
    ids,
    poisson_days,
    progress,
)
from analysis.errors import BoardpackError
from analysis.lookup import member
from analysis.sources import DEMO_FORMATS
from analysis.workdays import working_day_index

DATE_FORMAT = "%d/%m/%Y"
ASSESSMENT_COLUMNS = [
    "CHILD",
    "DOB",
    "ASSESSMENT_START",
    "ASSESSMENT_AUTHORISED",
    "OUTCOME",
    "TEAM",
]


FORMATS = DEMO_FORMATS
#: The local CSV extracts each return format replaces.
REPLACED = {
    "annex-a": ("cin_cp.csv", "assessments.csv", "referrals.csv", "contacts.csv"),
    "cin-census": ("cin_cp.csv", "assessments.csv", "referrals.csv", "contacts.csv"),
    "ssd": (
        "ssda903/header.csv",
        "ssda903/episodes.csv",
        "family.csv",
        "cin_cp.csv",
        "assessments.csv",
        "referrals.csv",
        "contacts.csv",
        "caseloads.csv",
    ),
}
ANNEX_A_FILE = "annex_a.xlsx"
#: What the returns cannot carry of the CSV world's metrics, per format and report (the
#: e2e test checks everything else is identical). The returns hold no local outcome labels,
#: so outcomes are derived from what happened next (the board summary's points on them
#: differ too); their files are not the CSV files. The census holds no contacts.
_DERIVED_OUTCOMES = ["outcomes_age_0_2", "outcome_mentions_age_0_2", "step_down_share_age_0_2"]
CANNOT_CARRY = {
    "annex-a": {
        "assessments": _DERIVED_OUTCOMES,
        "board_summary": ["key_points", "measures_not_available"],  # no stepping across
        "data_quality": ["files_loaded", "rows_total"],
    },
    # The SSD: outcome flags exist for some categories only (no CP conference, S47 or plan
    # update), and one FTE per worker (today's), where caseloads.csv has each month's.
    "ssd": {
        "assessments": _DERIVED_OUTCOMES,
        "data_quality": ["files_loaded", "rows_total"],
        "workforce": [
            "caseload_average",
            "caseload_median",
            "caseload_above_threshold_share",
            "caseload_average_30sep",
        ],
    },
    "cin-census": {
        "assessments": _DERIVED_OUTCOMES,
        "board_summary": ["key_points", "measures_not_available", "attention"],  # no contacts
        # the claim about repeat contacts (IP01) cannot be checked without contacts, so the
        # tracker's own "yes" stands
        "improvement_plan": [
            "actions_impact_contradicted",
            "actions_impact_evidenced",
            "impact_contradicted_actions",
        ],
        "data_quality": ["files_loaded", "rows_total"],
        "front_door": [
            "contacts_month",
            "children_contacted_month",
            "multiple_children_month",
            "multiple_contacts_children_share_month",
            "repeat_contacts_30d_share_month",
            "contact_to_referral_share_month",
        ],
    },
}


def write_demo_data(
    out: Path, spec: DemoSpec | None = None, format: str = "csv", db: str | None = None
) -> dict[str, int]:
    """Write a complete, valid input folder to `out`; returns rows written per file.

    `format` says how the front door and children in need are written: `csv` (the local
    extracts cin_cp.csv, assessments.csv, referrals.csv, contacts.csv), `annex-a` (one
    Ofsted Annex A workbook) or `cin-census` (DfE CIN census XML, one file per year). The
    children are the same in each; the returns cannot carry local outcome labels (the
    census no contacts either). `ssd` writes the looked-after children, families, front
    door, children in need and caseloads as the Standard Safeguarding Dataset into the
    database `db` names (analysis/demo/ssd.py), and the rest to `out`."""
    spec = spec or DemoSpec()
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out = Path(out)
    (out / ("" if format == "ssd" else "ssda903")).mkdir(parents=True, exist_ok=True)
    tables, cin = world_tables(spec)
    if format == "ssd":
        from analysis.demo import ssd as demo_ssd

        extract = pd.Timestamp(spec.extract_day)
        written = demo_ssd.write(demo_ssd.tables(tables, cin, extract), db)
    for name in REPLACED.get(format, ()):
        del tables[name]
    for name, frame in tables.items():
        write_csv(frame, out / name)
    counts = {name: len(frame) for name, frame in tables.items()}
    if format == "annex-a":
        demo_returns.write_annex_a(cin, out / ANNEX_A_FILE)
        counts[ANNEX_A_FILE] = len(cin.contacts)
    elif format == "cin-census":
        for path in demo_returns.write_census(cin, out / "cin_census"):
            counts[f"cin_census/{path.name}"] = 1
    elif format == "ssd":
        counts.update(written)
    return counts


#: Where the demo input folders are kept, once generated.
DEMO_CACHE = PROJECT_ROOT / ".cache"


def _generator_digest() -> str:
    """A digest of the demo generator's code, so a changed generator never reuses a folder
    an older one wrote."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def demo_folder(seed: int = 2017, cache: Path = DEMO_CACHE, covering: str = "") -> Path:
    """The synthetic demo input folder, generated on first use and kept in `.cache/` (named
    by seed, last month and generator code): the calibrated world from April 2014 to March
    2017, or - for a later period `covering` - the same world carried on to that month
    (the same history to March 2017 and after it, whatever month is asked)."""
    spec = DemoSpec(seed=seed)
    if covering and pd.Period(covering, "M") > pd.Period(spec.end, "M"):
        spec = DemoSpec(end=str(pd.Period(covering, "M")), seed=seed)
    name = f"demo-seed{seed}-{spec.start}-to{spec.end}-{_generator_digest()}"
    target = Path(cache) / name
    if (target / "staffing.csv").exists():
        return target
    Path(cache).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=cache))
    write_demo_data(staging, spec)
    try:
        os.replace(staging, target)
    except OSError:  # made by a parallel worker meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target


def world_tables(spec: DemoSpec) -> tuple[dict[str, pd.DataFrame], demo_cin.World]:
    """The synthetic world cut at the spec's end: every local CSV extract's table, by file
    name, and the children in need world the returns and the SSD are written from.

    The world is anchored to the calendar (`common.ORIGIN`): the calibrated years to
    March 2017 come from the seed's stream, each later year (April to March) from its own
    (the seed and the year), spliced on: the people and events that begin in that year,
    beside those that began before it. So the same seed gives the same history up to any
    date, whatever month the extract ends in; `end` only cuts it."""
    if pd.Period(spec.start, "M") < pd.Period(ORIGIN, "M"):
        raise BoardpackError(
            f"the demo world begins in {ORIGIN}: --start {spec.start} is before it"
        )
    # each run keeps the spec's seed, scale and practice (a regional demo's LAs differ)
    base = replace(spec, start=ORIGIN, end=CALIBRATED_END, cut=spec.end)
    tables, cin, roster, pending = _generated(base)
    year = int(CALIBRATED_END[:4])
    while pd.Period(f"{year}-04", "M") <= pd.Period(spec.end, "M"):
        # a later year's run: its own stream and children numbered apart from the others
        later = replace(spec, start=f"{year}-04", end=f"{year + 1}-03", seed=(spec.seed, year),
                        cut=spec.end, id_offset=(year - 2016) * 100_000_000)  # fmt: skip
        more, more_cin, _, more_pending = _generated(later, roster, pending)
        tables, cin, pending = _splice(tables, cin, more, more_cin, more_pending, year)
        year += 1
    for name in ("staffing.csv", "caseloads.csv"):
        tables[name] = tables[name][tables[name]["MONTH"] >= spec.start].reset_index(drop=True)
    return tables, cin


def _generated(spec: DemoSpec, roster: pd.DataFrame | None = None, pending=None):
    """One run of the generators to the spec's end, cut at its cut day: the tables, the
    children in need world, the roster (`roster`, when given, is the staff kept) and the
    re-referrals pending at its end (`pending`: an earlier run's, made in this one)."""
    # one independent random stream per table, so changing one table leaves the others alone
    seed = spec.seed if isinstance(spec.seed, int) else list(spec.seed)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    cut, horizon = pd.Timestamp(spec.cut_day), pd.Timestamp(spec.extract_day)
    tables = {}
    header, episodes, family = _looked_after(streams[0], spec)
    tables["ssda903/header.csv"] = header
    tables["ssda903/episodes.csv"] = episodes
    tables["family.csv"] = family
    cin, pending = demo_cin.world_and_pending(streams[1], spec, pending)
    tables["cin_cp.csv"] = cin.cin_cp
    tables["assessments.csv"] = cin.assessments[ASSESSMENT_COLUMNS]
    tables["referrals.csv"] = cin.referrals
    tables["contacts.csv"] = cin.contacts
    tables["audits.csv"] = _audits(streams[3], spec)
    spells, staffing, staff = _absence(streams[4], spec, roster)
    staff["ROLE"] = demo_workforce.roster_roles(streams[6], len(staff))
    staff = staff if roster is None else roster
    # as known at the generator's end (the appraisals are drawn from it), and at the cut
    known = spells.assign(END_DATE=spells["END_DATE"].where(spells["END_DATE"] <= horizon))
    tables["absence.csv"] = _cut_spells(spells, cut)
    staffing = demo_workforce.staffing_columns(streams[6], staffing, spec)
    caseloads = demo_workforce.caseloads(streams[6], spec, staff)
    appraisals = demo_workforce.appraisals(streams[7], spec, staff, known)
    month = str(pd.Period(cut, "M"))
    tables["staffing.csv"] = staffing[staffing["MONTH"] <= month]
    tables["caseloads.csv"] = caseloads[caseloads["MONTH"] <= month]
    tables["appraisals.csv"] = appraisals[
        pd.to_datetime(appraisals["YEAR"].str[:4] + "-04-01") <= cut
    ].reset_index(drop=True)
    tables["actions.csv"] = demo_workforce.actions(cut)
    return tables, cin, staff, pending


def _cut_spells(spells: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """Spells started by the cut day; an end after it blank (still off)."""
    known = spells[spells["START_DATE"] <= cut]
    return known.assign(END_DATE=known["END_DATE"].where(known["END_DATE"] <= cut))


def _splice(tables: dict, cin, more: dict, more_cin, pending, year: int):
    """The world so far, and from a later year's run the people and events that begin in
    it (April of `year` on): children whose first care episode or first referral is then
    (all their rows; an earlier child's re-referral, carried on, among them), contacts,
    audits and sickness spells then (a spell only after the employee's last spell so far
    has ended), and that year's months and appraisals. Returns the tables, the children in
    need world and the re-referrals still pending."""
    begin = pd.Timestamp(f"{year}-04-01")
    out = dict(tables)
    eps = more["ssda903/episodes.csv"]
    first = eps.groupby("CHILD")["DECOM"].min()
    kids = first.index[first >= begin]
    for name in ("ssda903/header.csv", "ssda903/episodes.csv", "family.csv"):
        part = more[name][more[name]["CHILD"].isin(kids)]
        out[name] = pd.concat([tables[name], part], ignore_index=True)

    # children its run referred before the year began are its own history, not this world's
    refs = more_cin.referrals
    first = refs.groupby("CHILD")["REFERRAL_DATE"].min()
    earlier = first.index[first < begin]
    parts = {}
    for field in demo_cin.World.__dataclass_fields__:
        frame = getattr(more_cin, field)
        keep = ~frame["CHILD"].isin(earlier)
        if field == "contacts":
            keep &= frame["CONTACT_DATE"] >= begin
        parts[field] = pd.concat([getattr(cin, field), frame[keep]], ignore_index=True)
    parts["contacts"] = parts["contacts"].sort_values(["CONTACT_DATE", "CHILD"], kind="stable")
    world = demo_cin.World(**{k: v.reset_index(drop=True) for k, v in parts.items()})
    out["cin_cp.csv"] = world.cin_cp
    out["assessments.csv"] = world.assessments[ASSESSMENT_COLUMNS]
    out["referrals.csv"] = world.referrals
    out["contacts.csv"] = world.contacts
    dropped = np.isin(id_strings("C", pending.child).to_numpy(), np.asarray(earlier, str))
    pending = pending.where(~dropped)

    audits = more["audits.csv"][more["audits.csv"]["AUDIT_DATE"] >= begin]
    audits = pd.concat([tables["audits.csv"], audits], ignore_index=True)
    n = len(audits)
    audits["AUDIT_ID"] = np.char.add("AU", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    audits["CHILD"] = ids("C", 80_000_001, n)
    out["audits.csv"] = audits

    so_far = tables["absence.csv"]
    last_end = so_far.groupby("EMPLOYEE_ID")["END_DATE"].max()
    still_off = so_far.loc[so_far["END_DATE"].isna(), "EMPLOYEE_ID"]
    spells = more["absence.csv"]
    after = spells["START_DATE"] > spells["EMPLOYEE_ID"].map(last_end).fillna(pd.Timestamp.min)
    keep = (spells["START_DATE"] >= begin) & after & ~spells["EMPLOYEE_ID"].isin(still_off)
    out["absence.csv"] = pd.concat([so_far, spells[keep]], ignore_index=True)

    month = f"{year}-04"
    for name in ("staffing.csv", "caseloads.csv"):
        later = more[name][more[name]["MONTH"] >= month]
        out[name] = pd.concat([tables[name], later], ignore_index=True)
    label = f"{year}-{str(year + 1)[2:]}"
    later = more["appraisals.csv"][more["appraisals.csv"]["YEAR"] == label]
    out["appraisals.csv"] = pd.concat([tables["appraisals.csv"], later], ignore_index=True)
    return out, world, pending


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV with dates as dd/mm/yyyy and blanks for missing values (Arrow's
    CSV writer: pandas' is too slow at national scale)."""
    columns = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            # format each distinct date once (there are only thousands), then look them up
            days, where = np.unique(col.to_numpy("datetime64[D]"), return_inverse=True)
            text = pd.Series(pd.to_datetime(days).strftime(DATE_FORMAT), dtype=object)
            arr = pa.array(text.where(~np.isnat(days), None), type=pa.string()).take(
                pa.array(where.ravel())
            )
        elif isinstance(col.dtype, pd.StringDtype):  # Arrow strings (identifiers): as they are
            arr = pa.array(col.array)
        else:
            arr = pa.array(col.astype(object).where(col.notna(), None), from_pandas=True)
            if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
                arr = (
                    pc.cast(arr, pa.string())
                    if not pa.types.is_null(arr.type)
                    else pa.array([None] * len(col), type=pa.string())
                )
        columns[name] = arr
    table = pa.table(columns)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


# --- children looked after (SSDA903) and family links -------------------------------------


def _looked_after(rng, spec: DemoSpec):
    extract, first, cut = spec.extract_day, spec.first_day, spec.cut_day
    doubling_from = FIRST_DAY + 2 * 365 * DAY  # from the year to March 2017
    starts = poisson_days(rng, 400 * spec.scale, first - 9 * 365 * DAY, extract)
    n = len(starts)
    under1 = rng.random(n) < np.where(starts >= doubling_from, 0.25, 0.125)
    # age at start in days: under 1 split newborn / 7 days-3 months / 3-12 months
    young_band = rng.choice(3, n, p=[0.4, 0.3, 0.3])
    young_age = np.choose(
        young_band, [rng.integers(0, 7, n), rng.integers(7, 91, n), rng.integers(91, 365, n)]
    )
    old_years = rng.choice(
        [1, 3, 5, 8, 10, 13, 15, 16, 17], n, p=[0.1, 0.1, 0.1, 0.1, 0.15, 0.15, 0.1, 0.12, 0.08]
    )
    old_age = (old_years * YEAR + rng.random(n) * YEAR).astype(int)
    age = np.where(under1, young_age, old_age)
    dob = starts - age * DAY
    # time in care: long for infants (adoption), capped at the 18th birthday
    mean_years = np.where(under1, 2.6, np.where(age < 10 * YEAR, 2.3, 1.8))
    stay = np.maximum(rng.exponential(mean_years * YEAR).astype(int), 1)
    end = np.minimum(starts + stay * DAY, dob + int(18 * YEAR) * DAY)
    # a few children come back into care: a second period for the same child
    back = (end < extract - 30 * DAY) & (rng.random(n) < 0.06)
    child = np.arange(n)
    re_start = end[back] + rng.integers(30, 400, back.sum()) * DAY
    keep = re_start < extract
    re_child = child[back][keep]
    re_start = re_start[keep]
    re_end = np.minimum(
        re_start + rng.integers(60, 900, len(re_start)) * DAY, dob[re_child] + int(18 * YEAR) * DAY
    )
    p_child = np.concatenate([child, re_child])
    p_start = np.concatenate([starts, re_start])
    p_end = np.concatenate([end, np.maximum(re_end, re_start + DAY)])
    p_young = np.concatenate([under1, np.zeros(len(re_child), bool)])

    episodes = _split_into_episodes(rng, p_child, p_start, p_end, p_young, cut)
    # children looked after only under short breaks (V3/V4): excluded by DfE convention
    breaks = _short_breaks(rng, spec, n)
    n_children = n + breaks["n_children"]
    child_ids = ids("C", 1 + spec.id_offset, n_children)
    episodes = pd.concat([episodes, breaks["episodes"]], ignore_index=True)
    episodes["CHILD"] = child_ids[episodes.pop("_child").to_numpy()]
    episodes = episodes[episodes["DECOM"] <= cut].sort_values(["CHILD", "DECOM"])
    all_dob = np.concatenate([dob, breaks["dob"]])
    # a later year's children have their own UPNs (still nine digits)
    upn = np.arange(1, n_children + 1) + spec.id_offset // 100
    header = pd.DataFrame(
        {
            "CHILD": child_ids,
            "SEX": rng.choice(["1", "2"], n_children),
            "DOB": dates(all_dob, np.datetime64("2100-01-01")),
            "ETHNIC": rng.choice(
                ["WBRI", "WOTH", "MWBC", "APKN", "BAFR", "OOTH"],
                n_children,
                p=[0.7, 0.06, 0.08, 0.06, 0.05, 0.05],
            ),
            "UPN": np.char.add("FAKE", np.char.zfill(upn.astype(str), 9)),
            "MOTHER": "",
            "MC_DOB": "",
        }
    )
    header = header[member(header["CHILD"], episodes["CHILD"])]
    ep_out = episodes.assign(
        DECOM=dates(episodes["DECOM"].to_numpy(), cut).to_numpy(),
        DEC=dates(episodes["DEC"].to_numpy(), cut).to_numpy(),
    )
    ep_out = ep_out[["CHILD"] + [c for c in ep_out.columns if c != "CHILD"]]
    ep_out.loc[ep_out["DEC"].isna(), "REC"] = ""
    ep_out.loc[ep_out["DEC"].isna(), "REASON_PLACE_CHANGE"] = ""
    family = _families(rng, child_ids[:n], starts, dob, under1, spec.id_offset)
    family = family[member(family["CHILD"], header["CHILD"])]
    return header, ep_out, family


def _split_into_episodes(rng, child, start, end, young, extract) -> pd.DataFrame:
    """Split each period of care into episodes (placement or legal-status changes)."""
    years = (end - start) / DAY / YEAR
    n_ep = np.minimum(1 + rng.poisson(0.8 * years), 6)
    period = np.repeat(np.arange(len(child)), n_ep)
    cut = rng.random(len(period))
    first = np.r_[True, period[1:] != period[:-1]]
    cut[first] = 0.0
    order = np.lexsort((cut, period))
    period, cut = period[order], cut[order]
    first = np.r_[True, period[1:] != period[:-1]]
    span = ((end - start) / DAY)[period]
    decom = start[period] + (cut * span).astype(int) * DAY
    # cuts that round to the same day as the previous one, or to the end, make no episode
    keep = first | ((decom > np.r_[decom[:1], decom[:-1]]) & (decom < end[period]))
    period, decom = period[keep], decom[keep]
    first = np.r_[True, period[1:] != period[:-1]]
    last = np.r_[period[1:] != period[:-1], True]
    dec = np.empty_like(decom)
    dec[:-1] = decom[1:]
    dec[last] = end[period][last]
    k = len(period)
    is_young = young[period]
    ls = np.where(
        is_young,
        rng.choice(["C2", "C1", "V2", "E1"], k, p=[0.55, 0.25, 0.12, 0.08]),
        rng.choice(["C2", "C1", "V2", "J2"], k, p=[0.45, 0.2, 0.3, 0.05]),
    )
    cin = np.where(
        is_young,
        rng.choice(["N1", "N2", "N4", "N6"], k, p=[0.78, 0.07, 0.1, 0.05]),
        rng.choice(
            ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"],
            k,
            p=[0.6, 0.05, 0.03, 0.12, 0.1, 0.03, 0.02, 0.05],
        ),
    )
    ls, cin = _carry_forward(ls, first), _carry_forward(cin, first)
    rne = np.where(first, "S", rng.choice(["P", "T", "L", "U"], k, p=[0.6, 0.2, 0.1, 0.1]))
    rec_final = np.where(
        is_young,
        rng.choice(["E11", "E12", "E13", "E41"], k),
        rng.choice(["E13", "E8", "E41", "E17", "E7", "E4A"], k),
    )
    rec = np.where(last, rec_final, "X1")
    place = rng.choice(
        ["U1", "U3", "U4", "U6", "K2", "R1", "P1", "A4"],
        k,
        p=[0.08, 0.35, 0.2, 0.12, 0.1, 0.05, 0.05, 0.05],
    )
    return pd.DataFrame(
        {
            "_child": child[period],
            "DECOM": decom,
            "RNE": rne,
            "LS": ls,
            "CIN": cin,
            "PLACE": place,
            "PLACE_PROVIDER": rng.choice(["PR1", "PR4", "PR0"], k, p=[0.6, 0.3, 0.1]),
            "DEC": np.where(dec <= extract, dec, np.datetime64("NaT")),
            "REC": rec,
            "REASON_PLACE_CHANGE": np.where(
                last | (rne == "L"), "", rng.choice(["CARPL", "PLACE", "CHILD", "LAREQ"], k)
            ),
            "HOME_POST": "",
            "PL_POST": "",
            "URN": "SC999999",
        }
    )


def _carry_forward(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Keep a period's first value on most of its later episodes (status rarely changes)."""
    idx = np.where(first, np.arange(len(values)), 0)
    idx = np.maximum.accumulate(idx)
    return values[idx]


def _short_breaks(rng, spec: DemoSpec, offset: int) -> dict:
    """Disabled children in a series of short breaks (LS V3/V4): many short episodes."""
    n = max(int(25 * spec.scale), 1)
    dob = spec.first_day - rng.integers(int(5 * YEAR), int(16 * YEAR), n) * DAY
    per = 8
    child = np.repeat(np.arange(n), per)
    gaps = rng.integers(20, 200, (n, per)).cumsum(axis=1)
    decom = spec.first_day - 200 * DAY + gaps.ravel() * DAY
    frame = pd.DataFrame(
        {
            "_child": offset + child,
            "DECOM": decom,
            "RNE": "S",
            "LS": rng.choice(["V3", "V4"], n * per),
            "CIN": "N1",
            "PLACE": "R1",
            "PLACE_PROVIDER": "PR1",
            "DEC": np.where(decom + 3 * DAY <= spec.cut_day, decom + 3 * DAY, np.datetime64("NaT")),
            "REC": "E13",
            "REASON_PLACE_CHANGE": "",
            "HOME_POST": "",
            "PL_POST": "",
            "URN": "SC999999",
        }
    )
    frame = frame.drop_duplicates(["_child", "DECOM"])
    return {"n_children": n, "episodes": frame, "dob": dob}


def _families(rng, child_ids, starts, dob, under1, offset: int = 0) -> pd.DataFrame:
    """Family links: very young entrants more often join a family already known to care."""
    n = len(child_ids)
    order = np.argsort(starts, kind="stable")
    link = rng.random(n) < np.where(under1, 0.45, 0.15)
    family = np.arange(n)
    pick = rng.random(n)
    for pos, i in enumerate(order):
        if link[i] and pos > 0:
            family[i] = family[order[int(pick[i] * pos)]]
    mother_age = np.where(under1, rng.normal(22.5, 4.5, n), rng.normal(27.5, 6.0, n))
    mother_age = np.clip(mother_age, 14.5, 46)
    own_mother_dob = dob - (mother_age * YEAR).astype(int) * DAY
    mother_dob = own_mother_dob[family]
    valid = ((dob - mother_dob) / DAY / YEAR >= 13) & ((dob - mother_dob) / DAY / YEAR <= 50)
    mother_dob = np.where(valid & (rng.random(n) > 0.05), mother_dob, np.datetime64("NaT"))
    father_dob = np.where(
        rng.random(n) < 0.7, mother_dob - rng.integers(0, 2000, n) * DAY, np.datetime64("NaT")
    )
    has_family = rng.random(n) < 0.9
    frame = pd.DataFrame(
        {
            "CHILD": child_ids,
            "FAMILY_ID": np.char.add("F", np.char.zfill((family + offset).astype(str), 7)),
            "MOTHER_DOB": dates(mother_dob, np.datetime64("2100-01-01")),
            "FATHER_DOB": dates(father_dob, np.datetime64("2100-01-01")),
        }
    )
    return frame[has_family]


# --- audits --------------------------------------------------------------------------------

GRADES = ["OUTSTANDING", "GOOD", "REQUIRES_IMPROVEMENT", "INADEQUATE"]
THEMES = ["Assessment", "Planning", "Voice of the child", "Management oversight", "Risk"]


def _audits(rng, spec: DemoSpec) -> pd.DataFrame:
    extract, first = spec.extract_day, spec.first_day
    frames = []
    for sample, per_year, moderated in (
        ("NFA dip sample", 104, 0.5),
        ("Themed audit", 180, 0.6),
        ("Practice week", 70, 0.6),
    ):
        day = poisson_days(rng, per_year * spec.scale, first, extract)
        n = len(day)
        grade = rng.choice(4, n, p=[0.05, 0.42, 0.38, 0.15])
        agree = rng.random(n) < 0.45 + 0.4 * progress(day)
        shift = np.where(rng.random(n) < 0.7, 1, -1)
        mod = np.where(agree, grade, np.clip(grade + shift, 0, 3))
        is_mod = rng.random(n) < moderated
        frame = pd.DataFrame(
            {
                "AUDIT_DATE": dates(day, extract),
                "SAMPLE": sample,
                "THEME": rng.choice(THEMES, n),
                "AUDITOR": np.char.add("AUD", rng.integers(10, 30, n).astype(str)),
                "AUDITOR_GRADE": np.array(GRADES)[grade],
                "MODERATOR": np.where(
                    is_mod, np.char.add("MOD", rng.integers(1, 6, n).astype(str)), ""
                ),
                "MODERATOR_GRADE": np.where(is_mod, np.array(GRADES)[mod], ""),
            }
        )
        nfa = np.where(
            sample == "NFA dip sample",
            rng.choice(["YES", "UNCLEAR", "NO", ""], n, p=[0.73, 0.15, 0.04, 0.08]),
            "",
        )
        frame["NFA_APPROPRIATE"] = nfa
        frame["SUPPORT_BENEFICIAL"] = np.where(
            nfa == "", "", np.where((nfa == "YES") & (rng.random(n) < 0.37), "Y", "N")
        )
        frame["REFERRED_BACK"] = np.where(nfa == "", "", np.where(nfa == "NO", "Y", "N"))
        frames.append(frame)
    audits = pd.concat(frames, ignore_index=True).sort_values("AUDIT_DATE", kind="stable")
    audits = audits[audits["AUDIT_DATE"] <= spec.cut_day]
    n = len(audits)
    audits.insert(
        0, "AUDIT_ID", np.char.add("AU", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    )
    audits.insert(1, "CHILD", ids("C", 80_000_001, n))
    return audits


# --- sickness absence and staffing ---------------------------------------------------------

SHORT_REASONS = (
    [
        "Cold / flu",
        "Stomach / digestive",
        "Stress",
        "Headache / migraine",
        "Back problems",
        "Other",
        "Injury / accident",
    ],
    [0.35, 0.2, 0.12, 0.1, 0.1, 0.08, 0.05],
)
LONG_REASONS = (
    [
        "Stress, depression, anxiety",
        "Back problems",
        "Operation / hospital",
        "Pregnancy related",
        "Other",
        "Injury / accident",
    ],
    [0.36, 0.24, 0.19, 0.06, 0.1, 0.05],
)


def _absence(rng, spec: DemoSpec, roster: pd.DataFrame | None = None):
    """Sickness spells starting by the spec's end (their END_DATE as it will be, blank only
    when the spell has no end yet), each month's FTE per team, and the roster of employees
    (`roster`, when given, is kept: a later year's staff are the same people)."""
    extract, first = spec.extract_day, spec.first_day
    n_emp = max(int(260 * spec.scale), 12)
    team = rng.choice(len(TEAMS), n_emp)
    fte = np.where(rng.random(n_emp) < 0.7, 1.0, rng.integers(5, 10, n_emp) / 10)
    if roster is not None:
        team = roster["TEAM"].map(TEAMS.index).to_numpy()
        fte = roster["FTE"].to_numpy()
    days = working_day_index(str(first - 400 * DAY), str(extract + 400 * DAY))
    short_rate, long_rate = 1.55, 0.23  # spells per working year
    k = 40
    gap = rng.exponential(252 / (short_rate + long_rate), (n_emp, k)).astype(int) + 1
    is_long = rng.random((n_emp, k)) < long_rate / (short_rate + long_rate)
    dur = np.where(is_long, rng.integers(20, 95, (n_emp, k)), rng.geometric(0.38, (n_emp, k)))
    start_idx = np.cumsum(gap + np.c_[np.zeros(n_emp, int), dur[:, :-1]], axis=1)
    end_idx = start_idx + dur - 1
    ok = end_idx < len(days)
    emp = np.broadcast_to(np.arange(n_emp)[:, None], (n_emp, k))[ok]
    start = days[start_idx[ok]].to_numpy("datetime64[D]")
    end = days[end_idx[ok]].to_numpy("datetime64[D]")
    long_ = is_long[ok]
    keep = start <= extract
    emp, start, end, long_ = emp[keep], start[keep], end[keep], long_[keep]
    m = len(emp)
    reason = np.where(
        long_,
        rng.choice(LONG_REASONS[0], m, p=LONG_REASONS[1]),
        rng.choice(SHORT_REASONS[0], m, p=SHORT_REASONS[1]),
    )
    absence = pd.DataFrame(
        {
            "EMPLOYEE_ID": ids("E", 1, n_emp)[emp],
            "TEAM": np.array(TEAMS)[team[emp]],
            "FTE": fte[emp],
            "START_DATE": dates(start, extract),
            "END_DATE": dates(end, np.datetime64("2100-01-01")),
            "REASON": reason,
        }
    )
    months = pd.period_range(spec.start, spec.end, freq="M")
    team_fte = pd.Series(fte).groupby(team).sum().reindex(range(len(TEAMS)), fill_value=0)
    staffing = pd.DataFrame(
        [
            (str(mo), TEAMS[t], round(float(team_fte[t]) * rng.normal(1, 0.02), 1))
            for mo in months
            for t in range(len(TEAMS))
        ],
        columns=["MONTH", "TEAM", "FTE"],
    )
    roster = pd.DataFrame(
        {"EMPLOYEE_ID": ids("E", 1, n_emp), "TEAM": np.array(TEAMS)[team], "FTE": fte}
    )
    return absence, staffing, roster
