"""The Standard Safeguarding Dataset (SSD): Data to Insight's common data model of children's
social care, extracted nightly into the LA's reporting database.

This module turns the SSD tables, as read (from the database by `analysis/sources/database.py`
or from a snapshot folder of Parquet files), into boardpack's internal tables: SSDA903-style
looked-after `header` and `episodes`, `family`, `contacts`, `referrals`, `cin_cp`,
`assessments` with `assessment_outcomes` (from the SSD's outcome flags, mapped through
`params/ssd.yaml`) and `caseloads` (children allocated to each worker at each month end).

Column names are the SSD's (`data/objects/*.yml` of the model, and the published DDL of its
builds); where versions of the model name a column differently, each is listed and the first
present is read. The builds fill some columns differently (outcome keys with or without the
prefix OUTCOME_, the start reason as a code or a description, involvement roles as codes or
names): params/ssd.yaml maps each, and a value that maps to nothing is a warning or an error
naming the table, column, value and how many rows hold it, never a silent zero. A table
missing from an LA's build is a note, and the reports that need its table say so; a column
missing from a table that is there, and a value of the wrong type, are errors naming table,
key and column.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.config import codelists
from analysis.errors import ValidationReport
from analysis.sources.settings import settings_of

#: What is read of each SSD table: our column -> the SSD column (alternatives in later model
#: versions after it). `None` marks a column read when present and left blank when not.
TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "ssd_person": {
        "CHILD": ("pers_person_id",),
        "SEX": ("pers_sex",),
        "DOB": ("pers_dob",),
        "EXPECTED_DOB": ("pers_expected_dob",),
        "ETHNIC": ("pers_ethnicity",),
    },
    "ssd_family": {"FAMILY_ID": ("fami_family_id",), "CHILD": ("fami_person_id",)},
    "ssd_mother": {"MOTHER": ("moth_person_id",), "CHILD": ("moth_childs_person_id",)},
    "ssd_contacts": {
        "ID": ("cont_contact_id",),
        "CHILD": ("cont_person_id",),
        "CONTACT_DATE": ("cont_contact_date",),
        "SOURCE": ("cont_contact_source_code",),
        "OUTCOME_JSON": ("cont_contact_outcome_json",),
    },
    "ssd_cin_episodes": {
        "ID": ("cine_referral_id",),
        "CHILD": ("cine_person_id",),
        "REFERRAL_DATE": ("cine_referral_date",),
        "SOURCE": ("cine_referral_source_code",),
        "NFA": ("cine_referral_nfa",),
        "CLOSURE_REASON": ("cine_close_reason",),
        "CLOSURE_DATE": ("cine_close_date",),
    },
    "ssd_cin_assessments": {
        "ID": ("cina_assessment_id",),
        "CHILD": ("cina_person_id",),
        "ASSESSMENT_START": ("cina_assessment_start_date",),
        "ASSESSMENT_AUTHORISED": ("cina_assessment_auth_date",),
        "OUTCOME_JSON": ("cina_assessment_outcome_json",),
        "OUTCOME_NFA": ("cina_assessment_outcome_nfa",),
        "TEAM": ("cina_assessment_team", "cina_assessment_team_name"),
    },
    "ssd_cp_plans": {
        "ID": ("cppl_cp_plan_id",),
        "CHILD": ("cppl_person_id",),
        "START": ("cppl_cp_plan_start_date",),
        "END": ("cppl_cp_plan_end_date",),
    },
    "ssd_cla_episodes": {
        "ID": ("clae_cla_episode_id",),
        "CHILD": ("clae_person_id",),
        "DECOM": ("clae_cla_episode_start_date",),
        "RNE": ("clae_cla_episode_start_reason",),
        "CIN": ("clae_cla_primary_need_code", "clae_cla_primary_need"),
        "DEC": ("clae_cla_episode_ceased_date",),
        "REC": ("clae_cla_episode_ceased_reason",),
    },
    "ssd_legal_status": {
        "ID": ("lega_legal_status_id",),
        "CHILD": ("lega_person_id",),
        "LS": ("lega_legal_status",),
        "START": ("lega_legal_status_start_date",),
        "END": ("lega_legal_status_end_date",),
    },
    "ssd_professionals": {
        "WORKER_ID": ("prof_professional_id",),
        "JOB_TITLE": ("prof_professional_job_title",),
        "FTE": ("prof_full_time_equivalency",),
        "AGENCY": ("prof_agency_worker_flag",),
    },
    "ssd_involvements": {
        "ID": ("invo_involvements_id",),
        "WORKER_ID": ("invo_professional_id",),
        "ROLE": ("invo_professional_role_id",),
        "TEAM": ("invo_professional_team",),
        "CHILD": ("invo_person_id",),
        "START": ("invo_involvement_start_date",),
        "END": ("invo_involvement_end_date",),
    },
}
#: Columns of each table that may be absent from an LA's build (left blank, with a note).
OPTIONAL = {
    "ssd_person": {"SEX", "EXPECTED_DOB", "ETHNIC"},
    "ssd_contacts": {"ID", "SOURCE", "OUTCOME_JSON"},
    "ssd_cin_episodes": {"SOURCE", "NFA", "CLOSURE_REASON"},
    "ssd_cin_assessments": {"OUTCOME_NFA", "TEAM"},
    "ssd_cla_episodes": {"ID", "REC"},
    "ssd_legal_status": {"ID", "END"},
    "ssd_professionals": {"JOB_TITLE", "AGENCY"},
    "ssd_involvements": {"ID", "TEAM"},
}
DATES = {
    "DOB", "EXPECTED_DOB", "CONTACT_DATE", "REFERRAL_DATE", "CLOSURE_DATE", "ASSESSMENT_START",
    "ASSESSMENT_AUTHORISED", "START", "END", "DECOM", "DEC",
}  # fmt: skip
NUMBERS = {"FTE"}
#: The internal tables, and the SSD tables each needs (all of them).
NEEDS = {
    "header": ("ssd_person", "ssd_cla_episodes"),
    "episodes": ("ssd_person", "ssd_cla_episodes", "ssd_legal_status"),
    "family": ("ssd_family",),
    "contacts": ("ssd_contacts",),
    "referrals": ("ssd_cin_episodes",),
    "cin_cp": ("ssd_cin_episodes", "ssd_cp_plans"),
    "assessments": ("ssd_cin_assessments",),
    "caseloads": ("ssd_involvements", "ssd_professionals"),
}
#: What the SSD's sex codes are in SSDA903's terms.
SEX = {"M": "1", "F": "2", "1": "1", "2": "2"}


@dataclass
class Raw:
    """The SSD tables as read: our column names, SSD column names kept for messages."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: table -> {our column: the SSD column read}
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def has(self, *names: str) -> bool:
        return all(n in self.tables for n in names)


def resolve(table: str, present: list[str], report: ValidationReport) -> dict[str, str] | None:
    """Our column -> the SSD column to read, from the columns `present` in the table
    (matched ignoring case). A required column missing is an error (None is returned); an
    optional one is a note."""
    lower = {c.lower(): c for c in present}
    out, missing = {}, []
    for ours, names in TABLES[table].items():
        found = next((lower[n] for n in names if n in lower), None)
        if found is not None:
            out[ours] = found
        elif ours in OPTIONAL.get(table, ()):
            report.notes.append(f"{table}: no column {names[0]}; left blank")
        else:
            missing.append(names[0])
    for name in missing:
        report.error(
            table, f"column {name} missing (the SSD model names it so; is this an older build?)"
        )
    return None if missing else out


def typed(table: str, frame: pd.DataFrame, used: dict[str, str], report) -> pd.DataFrame:
    """Dates and numbers typed, identifiers and codes as stripped text; a value that is not
    the type the SSD model gives it is an error naming the table, the row's key and the
    column. Optional columns absent are added blank."""
    key = next(k for k in ("ID", "CHILD", "WORKER_ID") if k in frame)  # every table has one
    out = {}
    for ours in TABLES[table]:
        if ours not in frame:
            out[ours] = pd.Series(None, index=frame.index, dtype="object")
            continue
        raw = frame[ours]
        if ours in DATES:
            values = _dates(raw)
            rule = "not a date"
        elif ours in NUMBERS:
            values = pd.to_numeric(raw, errors="coerce")
            rule = "not a number"
        else:
            text = raw.astype("string").str.strip()
            out[ours] = text.where(text != "").astype(object).where(text.notna(), None)
            continue
        bad = raw.notna() & values.isna()
        if bad.any():
            report.error(
                table,
                rule,
                column=used[ours],
                rows=[None] * int(bad.sum()),
                values=raw[bad].astype(str),
                places=[
                    f"{used.get(key, key)} {str(k).strip()}, {used[ours]}"
                    for k in frame.loc[bad, key]
                ],  # fmt: skip
            )
        out[ours] = values
    return pd.DataFrame(out, index=frame.index)


def _dates(raw: pd.Series) -> pd.Series:
    """Dates from what a database driver gives: date/datetime objects or ISO text
    (times of day dropped)."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        days = raw.dt.tz_localize(None) if raw.dt.tz else raw
        return days.dt.normalize().astype("datetime64[ns]")
    text = raw.astype("string").str.strip()
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    return parsed.dt.normalize().astype("datetime64[ns]")


def flags(values: pd.Series) -> pd.DataFrame:
    """The SSD's JSON outcome columns as one row per (row index, flag set): a flag counts as
    set when it is "Y", "Yes", "1", 1, true; blank, "N", 0, false and missing keys do not.
    Text that is not a JSON object gives no flags (the caller reports it). Each distinct text
    is parsed once (a column holds a few dozen combinations of flags)."""
    given = values.dropna()
    codes, distinct = pd.factorize(given)
    pairs = [(code, flag) for code, text in enumerate(distinct) for flag in _set_flags(text)]
    if not pairs:
        return pd.DataFrame({"INDEX": pd.Series(dtype=given.index.dtype), "FLAG": []})
    table = pd.DataFrame(pairs, columns=["CODE", "FLAG"])
    rows = pd.DataFrame({"INDEX": given.index, "CODE": codes})
    return rows.merge(table, on="CODE")[["INDEX", "FLAG"]]


def _set_flags(text) -> list[str]:
    data = _json_object(text)
    if data is None:
        return []
    return [str(name).strip().upper() for name, value in data.items() if _is_set(value)]


def _json_object(text) -> dict | None:
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _is_set(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    return str(value).strip().upper() in {"Y", "YES", "1", "TRUE", "T"}


def _key(text) -> str:
    """A code or description as compared: case folded, brackets dropped, any other run of
    punctuation or spacing one space ("Carer(s) only." -> "carers only")."""
    text = re.sub(r"[()]", "", str(text).casefold())
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def unmapped(report, severity: str, table: str, column: str, values: pd.Series, rule: str,
             unit: str = "rows") -> None:  # fmt: skip
    """One problem per distinct value of `values` (the values that map to nothing), naming
    the table, the column, the value and how many rows hold it."""
    counts = values.astype(str).value_counts(sort=False).sort_index()
    report.add(
        severity,
        table,
        rule,
        rows=[None] * len(counts),
        values=counts.index,
        places=[f"{column} ({n:,} {unit})" for n in counts],
    )


def not_json(values: pd.Series) -> pd.Series:
    """True where a value is given but is not a JSON object (each distinct text tried once)."""
    codes, distinct = pd.factorize(values)
    bad = np.array([_json_object(t) is None for t in distinct] + [False])
    return pd.Series(bad[codes], index=values.index)  # code -1 (missing) reads the last: False


def canonical_flags(names: pd.Series, known: set[str]) -> pd.Series:
    """Outcome keys as params/ssd.yaml names them: a key that is not `known` as written but
    is without its prefix OUTCOME_ (the Eclipse build's OUTCOME_NFA_FLAG) is read as that."""
    bare = names.str.removeprefix("OUTCOME_")
    return names.where(names.isin(known) | ~bare.isin(known), bare)


def outcome_map(params=None) -> dict[str, str]:
    """SSD assessment outcome flag -> the board's outcome category (params/ssd.yaml)."""
    return {
        str(k).upper(): str(v)
        for k, v in (settings_of(params).ssd.get("assessment_flags", {}) or {}).items()
    }


def unavailable(params=None) -> tuple[str, ...]:
    """The board's outcome categories no SSD flag maps to: the SSD cannot show them."""
    mapped = set(outcome_map(params).values())
    return tuple(c for c in codelists()["assessment_outcomes"] if c not in mapped)


def flags_recorded(assessments: pd.DataFrame, outcomes: pd.DataFrame) -> bool:
    """Whether the build records outcome flags at all: some completed assessment has one (a
    build whose outcome columns are empty must not show every outcome as 0)."""
    done = assessments["ASSESSMENT_AUTHORISED"].notna()
    return not done.any() or bool(
        outcomes["ASSESSMENT_ID"].isin(assessments.loc[done, "ASSESSMENT_ID"]).any()
    )


def to_internal(raw: Raw, report: ValidationReport, params=None) -> dict[str, pd.DataFrame]:
    """Boardpack's internal tables from the SSD tables present; an internal table whose SSD
    tables are missing is left out (with a note naming them). `params`: the run's settings
    (`sources/settings.py`), or a params folder."""
    params = settings_of(params)  # params/ssd.yaml read once for every table below
    for name, needs in NEEDS.items():
        missing = [t for t in needs if t not in raw.tables]
        if missing:
            report.notes.append(
                f"SSD: no {name} ({', '.join(missing)} not in this database; the reports "
                "that need it say so)"
            )
    person = raw.tables.get("ssd_person")
    dob = None
    if person is not None:
        person = person.drop_duplicates("CHILD", keep="last")
        by_child = person.set_index("CHILD")
        dob = by_child["DOB"].fillna(by_child["EXPECTED_DOB"])
    out: dict[str, pd.DataFrame] = {}
    if raw.has("ssd_person", "ssd_cla_episodes", "ssd_legal_status"):
        out.update(looked_after(raw, person, report, params))
    if raw.has("ssd_family"):
        out["family"] = family(raw, person, report)
    if raw.has("ssd_contacts"):
        out["contacts"] = contacts(raw.tables["ssd_contacts"], dob)
    if raw.has("ssd_cin_episodes"):
        out["referrals"] = referrals(raw.tables["ssd_cin_episodes"], dob, report)
        if raw.has("ssd_cp_plans"):
            out["cin_cp"] = cin_cp(raw.tables["ssd_cin_episodes"], raw.tables["ssd_cp_plans"], dob)
    if raw.has("ssd_cin_assessments"):
        out.update(assessments(raw.tables["ssd_cin_assessments"], dob, report, params))
    if raw.has("ssd_involvements", "ssd_professionals"):
        found = caseloads(raw, report, params, until=latest(raw))
        if found is not None:
            out["caseloads"] = found
    return out


def _dob(children: pd.Series, dob: pd.Series | None) -> pd.Series:
    if dob is None:
        return pd.Series(pd.NaT, index=children.index, dtype="datetime64[ns]")
    return pd.Series(dob.reindex(children).to_numpy(), index=children.index)


def start_reasons(values: pd.Series, report, column: str, params=None) -> pd.Series:
    """The SSDA903 code (S, L, P, T, U, B) of each CLA episode's start reason, written as the
    code (the Eclipse build) or its description (the SystemC build; params/ssd.yaml
    `start_reasons`), compared ignoring case, spacing and punctuation. A value that is
    neither is an error naming it (a start to care would otherwise go uncounted); a blank
    one is a warning."""
    codes = {_key(c): c for c in codelists()["ssda903"]["RNE"]}
    given = settings_of(params).ssd.get("start_reasons", {}) or {}
    words = {_key(k): codes.get(_key(v)) for k, v in given.items()}  # a code, or None
    written = values.dropna()
    each = {v: codes.get(_key(v), words.get(_key(v))) for v in written.unique()}
    mapped = written.map(each)  # each distinct text compared once
    table = "ssd_cla_episodes"
    unknown = mapped.isna()
    if unknown.any():
        unmapped(
            report, "error", table, column, values[unknown[unknown].index],
            "not a start reason code (S, L, P, T, U, B) nor a description params/ssd.yaml "
            "lists under start_reasons", unit="episodes",
        )  # fmt: skip
    blank = values.isna()
    if blank.any():
        report.warning(
            table, "CLA episode with no start reason: not counted as a start to care",
            places=[f"{column} ({int(blank.sum()):,} episodes)"],
        )  # fmt: skip
    out = mapped.reindex(values.index)
    return out.astype(object).where(out.notna(), None)


def looked_after(raw: Raw, person: pd.DataFrame, report, params=None) -> dict[str, pd.DataFrame]:
    """SSDA903 header and episodes: the CLA episodes, each with the legal status in force on
    the day it began (the latest legal status starting on or before it and not ended
    before it) and its start reason as a code (`start_reasons`). A looked-after child
    missing from ssd_person is an error."""
    eps = raw.tables["ssd_cla_episodes"]
    rne = start_reasons(eps["RNE"], report, raw.columns["ssd_cla_episodes"]["RNE"], params)
    known = eps["CHILD"].isin(person["CHILD"])
    if (~known).any():
        report.error(
            "ssd_cla_episodes",
            "child has CLA episodes but no ssd_person row",
            column=raw.columns["ssd_cla_episodes"]["CHILD"],
            rows=[None] * int((~known).sum()),
            values=eps.loc[~known, "CHILD"],
        )
    legal = raw.tables["ssd_legal_status"].dropna(subset=["CHILD", "START", "LS"])
    legal = legal[legal["LS"].isin(codelists()["ssda903"]["LS"])]  # SGOs, CAOs: not in care
    merged = pd.merge_asof(
        eps.reset_index().sort_values("DECOM").dropna(subset=["DECOM"]),
        legal.sort_values("START")[["CHILD", "START", "END", "LS"]],
        left_on="DECOM",
        right_on="START",
        by="CHILD",
        direction="backward",
    ).set_index("index")
    ended = merged["END"].notna() & (merged["END"] < merged["DECOM"])
    ls = merged["LS"].where(~ended).reindex(eps.index)
    episodes = pd.DataFrame(
        {
            "CHILD": eps["CHILD"],
            "DECOM": eps["DECOM"],
            "RNE": rne,
            "LS": ls.astype(object).where(ls.notna(), None),
            "CIN": eps["CIN"],
            "PLACE": None,
            "DEC": eps["DEC"],
            "REC": eps["REC"],
        }
    )
    unset = episodes["LS"].isna() & episodes["DECOM"].notna()
    if unset.any():
        report.warning(
            "ssd_legal_status",
            "no looked-after legal status in force on the day the CLA episode began",
            column=raw.columns["ssd_cla_episodes"]["DECOM"],
            rows=[None] * int(unset.sum()),
            values=episodes.loc[unset, "DECOM"].dt.strftime("%d/%m/%Y"),
        )
    cared = person[person["CHILD"].isin(eps["CHILD"])]
    header = pd.DataFrame(
        {
            "CHILD": cared["CHILD"],
            "SEX": cared["SEX"].map(SEX),
            "DOB": cared["DOB"],
            "ETHNIC": cared["ETHNIC"],
            "UPN": None,
            "MOTHER": None,
            "MC_DOB": pd.NaT,
        }
    )
    return {
        "header": header.sort_values("CHILD").reset_index(drop=True),
        "episodes": episodes.sort_values(["CHILD", "DECOM"]).reset_index(drop=True),
    }


def family(raw: Raw, person: pd.DataFrame | None, report) -> pd.DataFrame:
    """One row per child: the family (the lowest family ID when a child is in several, with
    a warning) and the mother's date of birth from ssd_mother and ssd_person."""
    links = raw.tables["ssd_family"].dropna(subset=["CHILD", "FAMILY_ID"])
    links = links.drop_duplicates(["CHILD", "FAMILY_ID"]).sort_values(["CHILD", "FAMILY_ID"])
    several = links.duplicated("CHILD", keep="first")
    if several.any():
        report.warning(
            "ssd_family",
            "child in more than one family: the lowest family ID is used",
            column=raw.columns["ssd_family"]["CHILD"],
            rows=[None] * int(several.sum()),
            values=links.loc[several, "CHILD"],
        )
    out = links[~several][["CHILD", "FAMILY_ID"]].reset_index(drop=True)
    mother_dob = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    if "ssd_mother" in raw.tables and person is not None:
        mothers = raw.tables["ssd_mother"].dropna().drop_duplicates("CHILD", keep="last")
        born = person.set_index("CHILD")["DOB"]
        by_child = pd.Series(born.reindex(mothers["MOTHER"]).to_numpy(), index=mothers["CHILD"])
        mother_dob = pd.Series(by_child.reindex(out["CHILD"]).to_numpy(), index=out.index)
    elif "ssd_mother" not in raw.tables:
        report.notes.append("SSD: no ssd_mother table, so no mothers' ages")
    out["MOTHER_DOB"] = mother_dob.astype("datetime64[ns]")
    out["FATHER_DOB"] = pd.NaT
    return out


def contacts(frame: pd.DataFrame, dob) -> pd.DataFrame:
    """One row per contact with a date; the outcome flags set are kept as text."""
    frame = frame.dropna(subset=["CHILD", "CONTACT_DATE"])
    return pd.DataFrame(
        {
            "CHILD": frame["CHILD"],
            "DOB": _dob(frame["CHILD"], dob),
            "CONTACT_DATE": frame["CONTACT_DATE"],
            "SOURCE": frame["SOURCE"],
            "OUTCOME": None,
        }
    ).reset_index(drop=True)


def _yes_no(values: pd.Series) -> pd.Series:
    upper = values.astype("string").str.strip().str.upper()
    mapped = upper.map({"Y": True, "YES": True, "1": True, "TRUE": True,
                        "N": False, "NO": False, "0": False, "FALSE": False})  # fmt: skip
    return mapped.astype(object).where(mapped.notna(), None)


def referrals(frame: pd.DataFrame, dob, report) -> pd.DataFrame:
    """One row per referral (CIN episode); NFA read as Y/N, 1/0 or true/false; closed before
    it began is an error."""
    back = frame["CLOSURE_DATE"].notna() & (frame["CLOSURE_DATE"] < frame["REFERRAL_DATE"])
    if back.any():
        report.error(
            "ssd_cin_episodes",
            "closed (cine_close_date) before the referral date",
            rows=[None] * int(back.sum()),
            values=frame.loc[back, "CLOSURE_DATE"].dt.strftime("%d/%m/%Y"),
            places=[f"cine_referral_id {k}, cine_close_date" for k in frame.loc[back, "ID"]],
        )
    return (
        pd.DataFrame(
            {
                "CHILD": frame["CHILD"],
                "DOB": _dob(frame["CHILD"], dob),
                "REFERRAL_DATE": frame["REFERRAL_DATE"],
                "SOURCE": frame["SOURCE"],
                "NFA": _yes_no(frame["NFA"]),
                "CLOSURE_DATE": frame["CLOSURE_DATE"],
                "CLOSURE_REASON": frame["CLOSURE_REASON"],
            }
        )
        .dropna(subset=["CHILD", "REFERRAL_DATE"])
        .reset_index(drop=True)
    )


def cin_cp(episodes: pd.DataFrame, plans: pd.DataFrame, dob) -> pd.DataFrame:
    """Periods of need (each CIN episode, referral to closure) and protection plans."""
    parts = []
    for kind, frame, start, end in (
        ("CIN", episodes, "REFERRAL_DATE", "CLOSURE_DATE"),
        ("CP", plans, "START", "END"),
    ):
        frame = frame.dropna(subset=["CHILD", start])
        parts.append(
            pd.DataFrame(
                {
                    "CHILD": frame["CHILD"],
                    "DOB": _dob(frame["CHILD"], dob),
                    "TYPE": kind,
                    "START": frame[start],
                    "END": frame[end],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def assessments(frame: pd.DataFrame, dob, report, params=None) -> dict[str, pd.DataFrame]:
    """`assessments` and `assessment_outcomes` (one row per assessment and category) from
    the outcome flags (cina_assessment_outcome_json, and cina_assessment_outcome_nfa as
    NFA_FLAG). A key is read with or without the prefix OUTCOME_ (the Eclipse build writes
    OUTCOME_NFA_FLAG, the SystemC build NFA_FLAG); a set flag params/ssd.yaml does not list
    counts as OTHER, with a warning naming it and how many assessments have it."""
    frame = frame.dropna(subset=["CHILD", "ASSESSMENT_START"]).reset_index(drop=True)
    bad = not_json(frame["OUTCOME_JSON"])
    if bad.any():
        report.error(
            "ssd_cin_assessments",
            "outcome is not a JSON object of flags",
            rows=[None] * int(bad.sum()),
            values=frame.loc[bad, "OUTCOME_JSON"].str.slice(0, 40),
            places=[
                f"cina_assessment_id {k}, cina_assessment_outcome_json"
                for k in frame.loc[bad, "ID"]
            ],  # fmt: skip
        )
    set_flags = flags(frame["OUTCOME_JSON"])
    nfa = _yes_no(frame["OUTCOME_NFA"]) == True  # noqa: E712 (object column of True/False/None)
    set_flags = pd.concat(
        [set_flags, pd.DataFrame({"INDEX": frame.index[nfa], "FLAG": "NFA_FLAG"})],
        ignore_index=True,
    )
    params = settings_of(params)
    mapping = outcome_map(params)
    settings = params.ssd
    ignored = {str(k).strip().upper() for k in settings.get("not_outcomes", []) or []}
    set_flags["FLAG"] = canonical_flags(set_flags["FLAG"], set(mapping) | ignored)
    set_flags = set_flags[~set_flags["FLAG"].isin(ignored - set(mapping))]
    unknown = ~set_flags["FLAG"].isin(set(mapping))
    if unknown.any():
        unmapped(
            report, "warning", "ssd_cin_assessments", "cina_assessment_outcome_json",
            set_flags.loc[unknown, "FLAG"],
            "outcome flag not in params/ssd.yaml (assessment_flags): counted as OTHER",
            unit="assessments",
        )  # fmt: skip
    set_flags["CATEGORY"] = set_flags["FLAG"].map(mapping).fillna("OTHER")
    ids = np.arange(1, len(frame) + 1)
    outcomes = pd.DataFrame(
        {
            "ASSESSMENT_ID": ids[set_flags["INDEX"].to_numpy(dtype=int)],
            "LABEL": set_flags["FLAG"].to_numpy(),
            "CATEGORY": set_flags["CATEGORY"].to_numpy(),
        }
    ).drop_duplicates(["ASSESSMENT_ID", "CATEGORY"])
    table = pd.DataFrame(
        {
            "ASSESSMENT_ID": ids,
            "CHILD": frame["CHILD"],
            "DOB": _dob(frame["CHILD"], dob),
            "ASSESSMENT_START": frame["ASSESSMENT_START"],
            "ASSESSMENT_AUTHORISED": frame["ASSESSMENT_AUTHORISED"],
            "OUTCOME": None,
            "TEAM": frame["TEAM"],
        }
    )
    return {
        "assessments": table,
        "assessment_outcomes": outcomes.sort_values(["ASSESSMENT_ID", "CATEGORY"]).reset_index(
            drop=True
        ),
    }


def latest(raw: Raw) -> pd.Timestamp | None:
    """The latest event date anywhere in the SSD read (dates of birth aside): how far the
    extract reaches."""
    found = [
        frame[col].max()
        for name, frame in raw.tables.items()
        if name != "ssd_person"
        for col in frame.columns
        if col in DATES
    ]
    found = [d for d in found if pd.notna(d)]
    return max(found) if found else None


def caseloads(
    raw: Raw, report, params=None, until: pd.Timestamp | None = None
) -> pd.DataFrame | None:
    """Children allocated to each worker at each month end, from the involvements whose role
    params/ssd.yaml names as allocated case work (`allocated_roles`: a code such as CW or a
    name; a role in neither that list nor `other_roles` is a warning naming it), with the
    worker's FTE and agency flag from ssd_professionals and role from its job title
    (`job_titles`).
    A worker in two teams at a month end has a row for each, the FTE shared in proportion
    to the children in each. Months run from the first involvement to the month of `until`
    (the extract's latest date; by default the involvements' own)."""
    settings = settings_of(params).ssd
    roles = {str(r).strip().upper() for r in settings.get("allocated_roles", []) or []}
    others = {str(r).strip().upper() for r in settings.get("other_roles", []) or []}
    invo = raw.tables["ssd_involvements"]
    role = invo["ROLE"].astype("string").str.upper()
    unknown = role.notna() & ~role.isin(roles | others)
    if unknown.any():
        unmapped(
            report, "warning", "ssd_involvements", raw.columns["ssd_involvements"]["ROLE"],
            invo.loc[unknown, "ROLE"],
            "involvement role in neither allocated_roles nor other_roles (params/ssd.yaml): "
            "not counted as holding the case", unit="involvements",
        )  # fmt: skip
    invo = invo[role.isin(roles).fillna(False).astype(bool)].dropna(
        subset=["WORKER_ID", "CHILD", "START"]
    )
    if invo.empty:
        report.notes.append(
            "SSD: no involvements in the allocated roles params/ssd.yaml names, so no caseloads"
        )
        return None
    if until is None:
        until = max(d for d in (invo["START"].max(), invo["END"].max()) if pd.notna(d))

    # each involvement held at the ends of the months from its start's to the last before
    # it ended (held at a month end: started on or before it, not ended by it)
    def ordinal(days: pd.Series) -> np.ndarray:
        return (days.dt.year * 12 + days.dt.month - 1).to_numpy()

    cap = until.year * 12 + until.month - 1
    first = ordinal(invo["START"])
    # a month's end falls on or after every day of it: the last held is the one before END's
    last = np.minimum(ordinal(invo["END"].fillna(until)) - invo["END"].notna().to_numpy(), cap)
    held = np.clip(last - first + 1, 0, None)
    row = np.repeat(np.arange(len(invo)), held)
    step = np.arange(len(row)) - np.repeat(np.cumsum(held) - held, held)
    month = first[row] + step
    spans = pd.DataFrame(
        {
            "MONTH": pd.to_datetime({"year": month // 12, "month": month % 12 + 1, "day": 1}),
            "WORKER_ID": invo["WORKER_ID"].to_numpy()[row],
            "CHILD": invo["CHILD"].to_numpy()[row],
            "TEAM": invo["TEAM"].fillna("").to_numpy()[row],
        }
    ).drop_duplicates(["MONTH", "WORKER_ID", "CHILD"])
    out = spans.groupby(["MONTH", "WORKER_ID", "TEAM"]).size().rename("CASES").reset_index()
    prof = raw.tables["ssd_professionals"].drop_duplicates("WORKER_ID", keep="last")
    prof = prof.set_index("WORKER_ID")
    titles = {str(k).strip().upper(): v for k, v in settings.get("job_titles", {}).items()}
    share = out["CASES"] / out.groupby(["WORKER_ID", "MONTH"])["CASES"].transform("sum")
    out["FTE"] = out["WORKER_ID"].map(prof["FTE"]) * share
    out["AGENCY"] = out["WORKER_ID"].map(_yes_no(prof["AGENCY"]).map({True: "Y", False: "N"}))
    title = out["WORKER_ID"].map(prof["JOB_TITLE"]).astype("string").str.strip().str.upper()
    out["ROLE"] = title.map(titles).astype(object)
    no_fte = out["FTE"].isna() | (out["FTE"] <= 0)
    if no_fte.any():
        report.warning(
            "ssd_professionals",
            "allocated worker with no FTE (prof_full_time_equivalency): left out of caseloads",
            column="prof_professional_id",
            rows=[None] * int(no_fte.sum()),
            values=out.loc[no_fte, "WORKER_ID"],
        )
        out = out[~no_fte]
    unnamed = sorted(set(title[title.notna() & out["ROLE"].isna()].dropna()))
    if unnamed:
        report.notes.append(
            f"ssd_professionals: job title(s) {', '.join(unnamed[:5])} not in params/ssd.yaml "
            "job_titles; their role is blank"
        )
    out["TEAM"] = out["TEAM"].replace("", None)
    return out[["MONTH", "WORKER_ID", "TEAM", "ROLE", "FTE", "AGENCY", "CASES"]].reset_index(
        drop=True
    )
