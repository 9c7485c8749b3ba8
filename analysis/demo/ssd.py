"""The synthetic world written as the Standard Safeguarding Dataset, into a database
(`boardpack demo-data --format ssd --db URL`): the SSD tables boardpack reads, with the column
names and types of the SSD's published DDL (dates as TIMESTAMP, as its PostgreSQL build has
them), and a version log. Values are written as the published builds write them where they
differ: outcome keys with the Eclipse build's prefix OUTCOME_, the start reason as the
SystemC build's description, the involvement role as its code (CW).

The same children as the CSV extracts: a person row for every child (an unborn child has an
expected date of birth instead) and for every mother, families and mothers linked as the SSD
links them, a legal status for each CLA episode, assessment outcomes as the SSD's JSON flags
(from the local labels through params/outcome_map.yaml and back through params/ssd.yaml), and
each worker's month-end caseloads as involvements that run on while the count allows.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.config import label_map, read_params
from analysis.demo.cin import World
from analysis.sources import ssd
from analysis.sources.database import VERSION_TABLE

DAY = pd.Timedelta(days=1)
VERSION = "1.0.0-synthetic"


def _person(header: pd.DataFrame, cin: World, family: pd.DataFrame, extract) -> pd.DataFrame:
    cared = pd.DataFrame(
        {
            "pers_person_id": header["CHILD"],
            "pers_sex": header["SEX"].astype(str).map({"1": "M", "2": "F"}).fillna("U"),
            "pers_dob": header["DOB"],
            "pers_ethnicity": header.get("ETHNIC"),
        }
    )
    known = pd.concat(
        [t[["CHILD", "DOB"]] for t in (cin.cin_cp, cin.referrals, cin.contacts, cin.assessments)]
    ).drop_duplicates("CHILD")
    known = known[~known["CHILD"].isin(header["CHILD"])]
    others = pd.DataFrame(
        {"pers_person_id": known["CHILD"], "pers_sex": "U", "pers_dob": known["DOB"]}
    )
    mothers = _mothers(family)
    mums = pd.DataFrame(
        {
            "pers_person_id": mothers["MOTHER"],
            "pers_sex": "F",
            "pers_dob": mothers["MOTHER_DOB"],
        }
    ).drop_duplicates("pers_person_id")
    out = pd.concat([cared, others, mums], ignore_index=True)
    unborn = out["pers_dob"] > extract  # not yet born at the extract: an expected date
    out["pers_expected_dob"] = out["pers_dob"].where(unborn)
    out["pers_dob"] = out["pers_dob"].where(~unborn)
    return out


def _mothers(family: pd.DataFrame) -> pd.DataFrame:
    """One mother per family and date of birth (siblings share her)."""
    known = family.dropna(subset=["MOTHER_DOB"])
    key = known["FAMILY_ID"] + "-" + pd.to_datetime(known["MOTHER_DOB"]).dt.strftime("%Y%m%d")
    codes = pd.factorize(key)[0] + 1
    return known.assign(MOTHER=[f"M{c:08d}" for c in codes])


def _flags(labels: pd.Series, params_dir=None) -> tuple[pd.Series, pd.Series]:
    """Each assessment's local outcome labels as the SSD's JSON flags (every standard key,
    "Y" or ""), and the NFA column."""
    to_category = {k.lower(): v for k, v in label_map("outcome_map", params_dir).items()}
    flag_of: dict[str, str] = {}
    for flag, category in ssd.outcome_map(params_dir).items():
        flag_of.setdefault(category, flag)
    keys = list(ssd.outcome_map(params_dir)) + ["OTHER_OUTCOMES_EXIST_FLAG"]

    def one(text) -> str:
        cats = {to_category.get(p.strip().lower(), p.strip()) for p in str(text or "").split(";")}
        data = {k: "" for k in keys}
        for cat in cats:
            if cat in flag_of:
                data[flag_of[cat]] = "Y"
        return json.dumps({f"OUTCOME_{k}": v for k, v in data.items()})

    nfa = labels.map(lambda t: "NFA" in {
        to_category.get(p.strip().lower()) for p in str(t or "").split(";")
    })  # fmt: skip
    return labels.map(one), nfa.map({True: "Y", False: "N"})


def _start_reasons(codes: pd.Series, params_dir=None) -> pd.Series:
    """Each SSDA903 start reason code as its description (params/ssd.yaml's first for it)."""
    described: dict[str, str] = {}
    for text, code in read_params("ssd.yaml", params_dir).get("start_reasons", {}).items():
        described.setdefault(str(code), str(text))
    return codes.map(lambda c: described.get(c, c))


def _involvements(caseloads: pd.DataFrame, children: np.ndarray, role: str) -> pd.DataFrame:
    """Involvements that give each worker's month-end counts: carried on from one month end
    to the next while the count allows, started a few days before a month end when it
    rises, ended a few days after the last month end they cover when it falls."""
    months = pd.PeriodIndex(caseloads["MONTH"], freq="M")
    frame = caseloads.assign(_M=months).sort_values(["WORKER_ID", "TEAM", "_M"])
    all_months = pd.period_range(months.min(), months.max(), freq="M")
    ends = {m: m.to_timestamp(how="end").normalize() for m in all_months}
    rows, child = [], 0
    for (worker, team), part in frame.groupby(["WORKER_ID", "TEAM"], sort=False):
        counts = dict(zip(part["_M"], part["CASES"].astype(int), strict=True))
        open_: list[list] = []
        for m in all_months:
            want = counts.get(m, 0)
            while len(open_) > want:  # ended after the previous month end
                row = open_.pop()
                row[5] = ends[m - 1] + 5 * DAY
                rows.append(row)
            while len(open_) < want:
                open_.append(
                    [worker, role, team, children[child % len(children)], ends[m] - 5 * DAY, None]
                )
                child += 1
        rows += open_
    out = pd.DataFrame(
        rows,
        columns=["invo_professional_id", "invo_professional_role_id", "invo_professional_team",
                 "invo_person_id", "invo_involvement_start_date", "invo_involvement_end_date"],
    )  # fmt: skip
    out.insert(0, "invo_involvements_id", [f"I{i:09d}" for i in range(1, len(out) + 1)])
    return out


def _professionals(caseloads: pd.DataFrame, params_dir=None) -> pd.DataFrame:
    titles = {}
    for title, role in read_params("ssd.yaml", params_dir).get("job_titles", {}).items():
        titles.setdefault(role, title)
    main = caseloads.sort_values("CASES", ascending=False, kind="stable")
    main = main.drop_duplicates("WORKER_ID").sort_values("WORKER_ID")
    return pd.DataFrame(
        {
            "prof_professional_id": main["WORKER_ID"],
            "prof_professional_job_title": main["ROLE"].map(titles),
            "prof_full_time_equivalency": main["FTE"].astype(float),
            "prof_agency_worker_flag": main["AGENCY"],
        }
    )


def tables(frames: dict[str, pd.DataFrame], cin: World, extract, params_dir=None):
    """The SSD tables (by SSD name, SSD column names) for the CSV world's `frames` (by file
    name) and its children in need `cin`."""
    header, episodes = frames["ssda903/header.csv"], frames["ssda903/episodes.csv"]
    family = frames["family.csv"]
    mothers = _mothers(family)
    outcome_json, outcome_nfa = _flags(cin.assessments["OUTCOME"], params_dir)
    referral_ids = [f"R{i:09d}" for i in range(1, len(cin.referrals) + 1)]
    cp = cin.cin_cp[cin.cin_cp["TYPE"] == "CP"]
    role = read_params("ssd.yaml", params_dir).get("allocated_roles", ["Allocated Case Worker"])
    n = np.arange(1, len(episodes) + 1)
    out = {
        "ssd_person": _person(header, cin, family, extract),
        "ssd_family": pd.DataFrame(
            {"fami_family_id": family["FAMILY_ID"], "fami_person_id": family["CHILD"]}
        ),
        "ssd_mother": pd.DataFrame(
            {
                "moth_table_id": [f"MT{i:08d}" for i in range(1, len(mothers) + 1)],
                "moth_person_id": mothers["MOTHER"],
                "moth_childs_person_id": mothers["CHILD"],
            }
        ),
        "ssd_contacts": pd.DataFrame(
            {
                "cont_contact_id": [f"K{i:09d}" for i in range(1, len(cin.contacts) + 1)],
                "cont_person_id": cin.contacts["CHILD"],
                "cont_contact_date": cin.contacts["CONTACT_DATE"],
                "cont_contact_source_code": cin.contacts["SOURCE"],
                "cont_contact_outcome_json": None,  # kept by the SSD, not counted here
            }
        ),
        "ssd_cin_episodes": pd.DataFrame(
            {
                "cine_referral_id": referral_ids,
                "cine_person_id": cin.referrals["CHILD"],
                "cine_referral_date": cin.referrals["REFERRAL_DATE"],
                "cine_referral_source_code": cin.referrals["SOURCE"],
                "cine_referral_nfa": cin.referrals["NFA"],
                "cine_close_reason": cin.referrals["CLOSURE_REASON"],
                "cine_close_date": cin.referrals["CLOSURE_DATE"],
            }
        ),
        "ssd_cp_plans": pd.DataFrame(
            {
                "cppl_cp_plan_id": [f"P{i:09d}" for i in range(1, len(cp) + 1)],
                "cppl_person_id": cp["CHILD"],
                "cppl_cp_plan_start_date": cp["START"],
                "cppl_cp_plan_end_date": cp["END"],
            }
        ),
        "ssd_cin_assessments": pd.DataFrame(
            {
                "cina_assessment_id": [f"A{i:09d}" for i in range(1, len(cin.assessments) + 1)],
                "cina_person_id": cin.assessments["CHILD"],
                "cina_assessment_start_date": cin.assessments["ASSESSMENT_START"],
                "cina_assessment_auth_date": cin.assessments["ASSESSMENT_AUTHORISED"],
                "cina_assessment_outcome_json": outcome_json.where(
                    cin.assessments["ASSESSMENT_AUTHORISED"].notna()
                ),
                "cina_assessment_outcome_nfa": outcome_nfa.where(
                    cin.assessments["ASSESSMENT_AUTHORISED"].notna()
                ),
                "cina_assessment_team": cin.assessments["TEAM"],
            }
        ),
        "ssd_cla_episodes": pd.DataFrame(
            {
                "clae_cla_episode_id": [f"E{i:09d}" for i in n],
                "clae_person_id": episodes["CHILD"],
                "clae_cla_episode_start_date": episodes["DECOM"],
                "clae_cla_episode_start_reason": _start_reasons(episodes["RNE"], params_dir),
                "clae_cla_primary_need_code": episodes["CIN"],
                "clae_cla_episode_ceased_date": episodes["DEC"],
                "clae_cla_episode_ceased_reason": episodes["REC"],
            }
        ),
        "ssd_legal_status": pd.DataFrame(
            {
                "lega_legal_status_id": [f"L{i:09d}" for i in n],
                "lega_person_id": episodes["CHILD"],
                "lega_legal_status": episodes["LS"],
                "lega_legal_status_start_date": episodes["DECOM"],
                "lega_legal_status_end_date": episodes["DEC"],
            }
        ),
        "ssd_professionals": _professionals(frames["caseloads.csv"], params_dir),
        "ssd_involvements": _involvements(
            frames["caseloads.csv"], cin.referrals["CHILD"].unique(), role[0]
        ),
        VERSION_TABLE: pd.DataFrame(
            {"version_number": [VERSION], "release_date": [pd.Timestamp("2017-04-01")]}
        ),
    }
    return out


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """Dates as timestamps (the SSD's TIMESTAMP columns), text as text, numbers as numbers."""
    columns = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            columns[name] = pa.array(col.astype("datetime64[us]"), pa.timestamp("us"))
        elif pd.api.types.is_float_dtype(col):
            columns[name] = pa.array(col, pa.float64(), from_pandas=True)
        else:
            columns[name] = pa.array(
                [None if v is None or v is pd.NA or v != v else str(v) for v in col], pa.string()
            )
    return pa.table(columns)


def write(ssd_tables: dict[str, pd.DataFrame], url: str | None) -> dict[str, int]:
    """Create the tables (replacing any of the same names) in the database `url` names and
    load them; returns rows per table. PostgreSQL is loaded with COPY, others by INSERT."""
    import sqlalchemy as sa
    from sqlalchemy.schema import CreateSchema

    from analysis.sources.database import target

    t = target(url)
    eng = sa.create_engine(t.url)
    meta = sa.MetaData(schema=t.schema)
    arrow = {name: _arrow(frame) for name, frame in ssd_tables.items()}
    types = {pa.timestamp("us"): sa.DateTime, pa.float64(): sa.Float}
    tables = {
        name: sa.Table(
            name, meta, *[sa.Column(f.name, types.get(f.type, sa.Text)) for f in tab.schema]
        )
        for name, tab in arrow.items()
    }
    try:
        with eng.begin() as conn:
            if t.schema:
                conn.execute(CreateSchema(t.schema, if_not_exists=True))
            meta.drop_all(conn)
            meta.create_all(conn)
            for name, tab in arrow.items():
                if eng.dialect.name == "postgresql":
                    _copy(conn, tables[name], tab)
                else:
                    conn.execute(tables[name].insert(), tab.to_pylist())
    finally:
        eng.dispose()
    return {name: tab.num_rows for name, tab in arrow.items()}


def _copy(conn, table, tab: pa.Table) -> None:
    """Load an Arrow table with PostgreSQL's COPY (CSV, blank unquoted = NULL), in blocks."""
    from psycopg import sql

    target = sql.Identifier(*([table.schema] if table.schema else []), table.name)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        target, sql.SQL(", ").join(sql.Identifier(c) for c in tab.column_names)
    )
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cur, cur.copy(stmt) as copy:
        for batch in tab.to_batches(max_chunksize=200_000):
            buf = io.BytesIO()
            pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=False))
            copy.write(buf.getvalue())
