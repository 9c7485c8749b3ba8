"""The SSD database source against a real PostgreSQL server (tests/support/postgres.py): what
a user sees when a table is missing, a column has the wrong type, the server refuses the
connection or the password is wrong - one clear line, exit 1, no credentials - and that
boardpack's session cannot write."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from support import postgres as pg
from support.cli import boardpack

from analysis.errors import ValidationReport
from analysis.sources import ssd

D = pd.Timestamp

SCHEMAS = ("wrong", "partial", "nocontacts", "emptied")


@pytest.fixture(scope="module")
def ssd_db(postgres, tmp_path_factory):
    """The demo world's SSD in schema `demo`, and altered copies of it: `wrong` (a referral
    date stored as text, one of them not a date), `partial` (no ssd_cin_assessments),
    `nocontacts` (no ssd_contacts), `emptied` (ssd_contacts and ssd_cin_assessments there but
    empty). Returns the server and the local files' folder."""
    raw = tmp_path_factory.mktemp("ssd") / "raw"
    result = boardpack(
        "demo-data", "--format", "ssd", "--db", f"{postgres.url}?schema=demo", "--out", str(raw),
        env=env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    tables = [
        "ssd_person", "ssd_family", "ssd_mother", "ssd_contacts", "ssd_cin_episodes",
        "ssd_cp_plans", "ssd_cin_assessments", "ssd_cla_episodes", "ssd_legal_status",
        "ssd_professionals", "ssd_involvements",
    ]  # fmt: skip
    leave_out = {"partial": "ssd_cin_assessments", "nocontacts": "ssd_contacts"}
    for schema in SCHEMAS:
        copies = "; ".join(
            f"CREATE TABLE {schema}.{t} AS TABLE demo.{t}"
            for t in tables
            if t != leave_out.get(schema)
        )
        postgres.sql(
            f"CREATE SCHEMA {schema}; {copies}; GRANT USAGE ON SCHEMA {schema} TO {pg.USER}; "
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {pg.USER}",
            database=pg.DATABASE,
        )
    postgres.sql(
        "ALTER TABLE wrong.ssd_cin_episodes ALTER COLUMN cine_referral_date TYPE text; "
        "UPDATE wrong.ssd_cin_episodes SET cine_referral_date = '31/02/2017' "
        "WHERE cine_referral_id = 'R000000002'; "
        "TRUNCATE emptied.ssd_contacts, emptied.ssd_cin_assessments",
        database=pg.DATABASE,
    )
    return postgres, raw


def env(**extra) -> dict:
    """The environment a user would run with: the password in PGPASSWORD, not the URL."""
    return os.environ | {"PGPASSWORD": pg.PASSWORD} | extra


def validate(url: str, raw, **extra):
    return boardpack("validate", "--db", url, "--data", str(raw), env=env(**extra))


def no_secrets(*texts: str) -> None:
    for text in texts:
        assert pg.PASSWORD not in text and pg.USER not in text
        assert "Traceback" not in text


def test_the_demo_world_validates_clean_from_the_database(ssd_db):
    server, raw = ssd_db
    result = validate(f"{server.url}?schema=demo", raw)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout
    for table in ("children looked after", "assessments", "referrals", "family", "caseloads"):
        assert f"{table}: from the SSD database" in result.stdout
    no_secrets(result.stdout, result.stderr)


def test_db_check_lists_each_table_and_the_ssd_version(ssd_db):
    server, _ = ssd_db
    result = boardpack("db", "check", f"{server.url}?schema=partial", env=env())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"database: postgresql+psycopg://127.0.0.1:{server.port}/ssd?schema=partial"
    assert "  ssd_cin_assessments: missing (the reports that need it will say so)" in lines
    assert "  ssd_contacts: ok" in lines
    assert "SSD version: not recorded" in lines  # the copies have no version log
    demo = boardpack("db", "check", f"{server.url}?schema=demo", env=env()).stdout
    assert "SSD version: 1.0.0-synthetic" in demo


def test_a_column_of_the_wrong_type_names_table_key_and_column(ssd_db):
    server, raw = ssd_db
    result = validate(f"{server.url}?schema=wrong", raw)
    assert result.returncode == 1
    assert (
        "ssd_cin_episodes, cine_referral_id R000000002, cine_referral_date '31/02/2017': not a date"
    ) in result.stdout
    no_secrets(result.stdout, result.stderr)


def test_a_required_table_missing_is_one_line_and_exit_1(ssd_db):
    server, raw = ssd_db
    result = validate(f"{server.url}?schema=partial", raw)
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if "required" in line]
    assert errors == [
        "  ssd_cin_assessments: not in the SSD database, and no assessments.csv beside it: the "
        "assessments are required"
    ]


def test_an_optional_table_missing_is_a_note_and_the_run_goes_on(ssd_db):
    server, raw = ssd_db
    result = validate(f"{server.url}?schema=nocontacts", raw)
    assert result.returncode == 0, result.stdout
    assert "SSD: table ssd_contacts is not in this database" in result.stdout
    assert "SSD: no contacts (ssd_contacts not in this database" in result.stdout


def test_an_empty_table_is_an_empty_table(ssd_db):
    # read by COPY, an empty table gave no CSV at all: "ArrowInvalid: Empty CSV file"
    server, raw = ssd_db
    result = validate(f"{server.url}?schema=emptied", raw)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("ssd_contacts", "ssd_cin_assessments"):
        assert f"SSD: table {name} is empty" in result.stdout
    # read as tables with no rows, not as tables missing
    assert "contacts: from the SSD database" in result.stdout
    assert "is not in this database" not in result.stdout
    no_secrets(result.stdout, result.stderr)


def test_connection_refused_is_one_line_without_credentials(postgres, tmp_path):
    closed = pg._free_port()  # nothing listens there
    url = f"postgresql://{pg.USER}:{pg.PASSWORD}@127.0.0.1:{closed}/ssd"
    result = boardpack("validate", "--db", url, "--data", str(tmp_path), env=env())
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"boardpack: cannot connect to the database postgresql+psycopg://127.0.0.1:{closed}/ssd: "
    )
    assert "refused" in last
    # the password on the command line is used, but the user is told to keep it elsewhere
    assert "a password on the command line can be seen by other users" in result.stderr
    no_secrets(result.stdout, result.stderr)


def test_db_check_warns_about_a_password_on_the_command_line(tmp_path):
    """Every command that takes a URL warns when it holds a password: `db check` too."""
    closed = pg._free_port()  # nothing listens there: the check fails after the warning
    url = f"postgresql://{pg.USER}:{pg.PASSWORD}@127.0.0.1:{closed}/ssd"
    result = boardpack("db", "check", url, env=env())
    assert result.returncode == 1
    assert "a password on the command line can be seen by other users" in result.stderr
    assert "(in the process list)" in result.stderr
    no_secrets(result.stdout, result.stderr)
    for command in (["db", "check"], ["validate", "--db", "--data", str(tmp_path)]):
        quiet = boardpack(*command, env=env(BOARDPACK_DB_URL=url))  # not on the command line
        assert quiet.returncode == 1
        assert "password on the command line" not in quiet.stderr
        no_secrets(quiet.stdout, quiet.stderr)


def test_a_wrong_password_is_one_line_without_it(postgres, tmp_path):
    result = boardpack(
        "validate", "--db", "", "--data", str(tmp_path),
        env=env(PGPASSWORD="not-the-password", BOARDPACK_DB_URL=postgres.url),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "password authentication failed" in result.stderr
    no_secrets(result.stdout, result.stderr.replace("not-the-password", ""))
    assert "not-the-password" not in result.stderr


def test_boardpack_cannot_write_to_the_database(ssd_db):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from analysis.sources import database

    server, _ = ssd_db
    eng = database.engine(database.target(server.url_with_password))
    try:
        with eng.connect() as conn, pytest.raises(DBAPIError, match="read-only transaction"):
            conn.execute(text("CREATE TABLE demo.written (a int)"))
    finally:
        eng.dispose()


# --- the SSD as its authors publish it -----------------------------------------------------

FIXTURE = Path(__file__).parents[1] / "fixtures" / "ssd"
#: Rows for the published Eclipse DDL (tests/fixtures/ssd), valued as the published builds
#: write them: start reasons as SystemC's descriptions, involvement roles as its code CW,
#: outcome keys with Eclipse's prefix OUTCOME_ (and one bare, as SystemC writes them), dates
#: as TIMESTAMP with a time of day. ssd_contacts is left empty; there is no ssd_version_log.
ECLIPSE_ROWS = """
INSERT INTO ssd_person (pers_person_id, pers_sex, pers_dob) VALUES
 ('C1', 'F', '2016-01-10 00:00'), ('C2', 'M', '2015-06-01 00:00'),
 ('C3', 'F', '2010-03-03 00:00'), ('C4', 'M', '2012-02-02 00:00'), ('M1', 'F', '1990-05-05');
INSERT INTO ssd_family VALUES ('FT1', 'F1', 'C1'), ('FT2', 'F1', 'C2');
INSERT INTO ssd_mother (moth_table_id, moth_person_id, moth_childs_person_id)
 VALUES ('MT1', 'M1', 'C1');
INSERT INTO ssd_cla_episodes (clae_cla_episode_id, clae_person_id, clae_cla_episode_start_date,
  clae_cla_episode_start_reason, clae_cla_primary_need_code, clae_cla_episode_ceased_date,
  clae_cla_episode_ceased_reason) VALUES
 ('E1', 'C1', '2016-04-01 09:30', 'Started to be looked after', 'N1', '2016-06-01 10:00', 'X1'),
 ('E2', 'C1', '2016-06-01 10:00', 'Change of legal status only', 'N1', NULL, NULL),
 ('E3', 'C2', '2016-09-01 16:45', 'STARTED TO BE LOOKED AFTER', 'N2', NULL, NULL),
 ('E4', 'C3', '2016-11-15 00:00', 'Change of placement and carer(s) only', 'N1', NULL, NULL),
 ('E5', 'C4', '2017-02-10 08:00', 'S', 'N4', NULL, NULL);
INSERT INTO ssd_legal_status VALUES
 ('L1', 'C1', 'V2', '2016-04-01', '2016-06-01'), ('L2', 'C1', 'C2', '2016-06-01', NULL),
 ('L3', 'C2', 'C1', '2016-09-01', NULL), ('L4', 'C3', 'C2', '2016-01-01', NULL),
 ('L5', 'C4', 'V2', '2017-02-10', NULL);
INSERT INTO ssd_cin_episodes (cine_referral_id, cine_person_id, cine_referral_date,
  cine_referral_source_code, cine_referral_nfa, cine_close_reason, cine_close_date) VALUES
 ('R1', 'C1', '2016-04-20 11:00', '5A', 'N', NULL, NULL),
 ('R2', 'C2', '2016-05-30 00:00', '1B', 'Y', 'RC8', '2016-06-02 00:00');
INSERT INTO ssd_cp_plans (cppl_cp_plan_id, cppl_person_id, cppl_cp_plan_start_date)
 VALUES ('P1', 'C2', '2016-07-01');
INSERT INTO ssd_cin_assessments (cina_assessment_id, cina_person_id, cina_assessment_start_date,
  cina_assessment_auth_date, cina_assessment_outcome_json, cina_assessment_outcome_nfa,
  cina_assessment_team) VALUES
 ('A1', 'C1', '2016-05-01', '2016-05-20 15:00', '{"OUTCOME_NFA_FLAG": "Y", '
  || '"OUTCOME_LEGAL_ACTION_FLAG": "N", "OUTCOME_COMMENTS": "", "TOTAL_NO_OF_OUTCOMES": 1}',
  'Y', 'T1'),
 ('A2', 'C2', '2016-06-01', '2016-06-30', '{"OUTCOME_PROV_OF_SERVICES_FLAG": "Y", '
  || '"OUTCOME_STRATEGY_DISCUSSION_FLAG": "Y"}', 'N', 'T1'),
 ('A3', 'C3', '2016-07-01', '2016-07-15', '{"OUTCOME_EARLY_HELP_FLAG": "Y"}', 'N', 'T2'),
 ('A4', 'C4', '2016-08-01', NULL, NULL, NULL, 'T2'),
 ('A5', 'C2', '2016-09-01', '2016-09-10', '{"NFA_FLAG": "Y"}', NULL, 'T1');
INSERT INTO ssd_professionals (prof_professional_id, prof_agency_worker_flag,
  prof_professional_job_title, prof_full_time_equivalency) VALUES
 ('W1', 'N', 'Social Worker', 1.0), ('W2', 'Y', 'Senior Practitioner', 0.5);
INSERT INTO ssd_involvements (invo_involvements_id, invo_professional_id,
  invo_professional_role_id, invo_professional_team, invo_person_id,
  invo_involvement_start_date, invo_involvement_end_date) VALUES
 ('I1', 'W1', 'CW', 'East', 'C1', '2017-01-05 09:00', NULL),
 ('I2', 'W1', 'CW', 'East', 'C2', '2017-01-20 09:00', '2017-03-10 17:00'),
 ('I3', 'W2', 'cw', 'West', 'C3', '2017-02-01 09:00', NULL),
 ('I4', 'W2', '16PLUS', 'West', 'C4', '2017-01-01 09:00', NULL),
 ('I5', 'W1', 'SW', 'East', 'C4', '2017-01-01 09:00', NULL);
"""


@pytest.fixture(scope="module")
def eclipse(postgres):
    """A database `eclipse` whose schema ssd_development holds the SSD's tables created by
    the published Eclipse DDL, filled with ECLIPSE_ROWS; its public schema holds none.
    Returns its URL (password included: used in this process only)."""
    ddl = (FIXTURE / "eclipse_pg_create_tables.sql").read_text()
    postgres.sql(f"CREATE DATABASE eclipse OWNER {pg.USER}")
    postgres.sql(
        f"CREATE SCHEMA ssd_development; SET search_path TO ssd_development; {ddl} "
        f"{ECLIPSE_ROWS} GRANT USAGE ON SCHEMA ssd_development TO {pg.USER}; "
        f"GRANT SELECT ON ALL TABLES IN SCHEMA ssd_development TO {pg.USER}",
        database="eclipse",
    )
    return postgres.url_with_password.rsplit("/", 1)[0] + "/eclipse"


def test_the_published_eclipse_build_with_systemc_values_gives_the_hand_counted_figures(eclipse):
    from analysis.measures import looked_after
    from analysis.sources import database

    report = ValidationReport()
    tables, meta = database.read(database.target(f"{eclipse}?schema=ssd_development"), report)
    out = database.internal(tables, report)
    assert not report.has_errors, report.format()
    # starts to care, 2016-17: E1 (C1), E3 (C2, the description in capitals) and E5 (C4, the
    # code); E2 changed legal status only, E4 changed placement only: 3 starts
    starts = looked_after.starts(out["episodes"], out["header"], D("2016-04-01"), D("2017-03-31"))
    assert starts[["CHILD", "DECOM", "LS"]].values.tolist() == [
        ["C1", D("2016-04-01"), "V2"], ["C2", D("2016-09-01"), "C1"], ["C4", D("2017-02-10"), "V2"]
    ]  # fmt: skip
    assert out["episodes"]["RNE"].tolist() == ["S", "L", "S", "P", "S"]
    # outcomes: NFA for A1 (OUTCOME_NFA_FLAG, and the NFA column) and A5 (bare NFA_FLAG); A2 a
    # CIN plan and a strategy discussion; A3's unknown flag OTHER; A4 still open: none
    outcomes = out["assessment_outcomes"].groupby("CATEGORY")["ASSESSMENT_ID"].apply(list)
    assert outcomes.to_dict() == {"CIN_PLAN": [2], "NFA": [1, 5], "OTHER": [3], "STRATEGY": [2]}
    # caseloads at the month ends up to the extract's last date (10/03/2017): January W1 holds
    # C1 and C2; February W1 the same, W2 C3 (role "cw"); March W1 C1 (C2 ended 10/03), W2
    # C3. 16PLUS is not case holding; SW is unknown: not counted, and named below
    cases = {
        (f"{m:%Y-%m}", w): (c, f, a, r)
        for m, w, _, r, f, a, c in out["caseloads"].itertuples(index=False)
    }
    assert cases == {
        ("2017-01", "W1"): (2, 1.0, "N", "SOCIAL_WORKER"),
        ("2017-02", "W1"): (2, 1.0, "N", "SOCIAL_WORKER"),
        ("2017-02", "W2"): (1, 0.5, "Y", "SENIOR_PRACTITIONER"),
        ("2017-03", "W1"): (1, 1.0, "N", "SOCIAL_WORKER"),
        ("2017-03", "W2"): (1, 0.5, "Y", "SENIOR_PRACTITIONER"),
    }
    # referrals 2 (R2 no further action), the mother's age through ssd_mother
    assert out["referrals"]["NFA"].tolist() == [False, True]
    mothers = out["family"].set_index("CHILD")["MOTHER_DOB"]
    assert mothers["C1"] == D("1990-05-05") and pd.isna(mothers["C2"])
    # what maps to nothing is named, with how many rows hold it
    assert report.lines("warning") == [
        "ssd_cin_assessments, cina_assessment_outcome_json (1 assessments) "
        "'OUTCOME_EARLY_HELP_FLAG': outcome flag not in params/ssd.yaml (assessment_flags): "
        "counted as OTHER",
        "ssd_involvements, invo_professional_role_id (1 involvements) 'SW': involvement role "
        "in neither allocated_roles nor other_roles (params/ssd.yaml): not counted as holding "
        "the case",
    ]
    # an empty table is an empty table; no version log is "not recorded", not an error
    assert tables["ssd_contacts"].num_rows == 0 and out["contacts"].empty
    assert "SSD: table ssd_contacts is empty" in report.notes
    assert meta["ssd_version"] is None
    assert any("no version (ssd_version_log is not there" in n for n in report.notes)


def test_db_check_of_the_published_build_lists_every_table_and_no_version(eclipse):
    from analysis.sources import database

    lines = database.check(f"{eclipse}?schema=ssd_development")
    assert [line for line in lines if line.startswith("  ssd_")] == [
        f"  {name}: ok" for name in ssd.TABLES
    ]
    assert "SSD version: not recorded" in lines
    eng = database.engine(database.target(eclipse))
    try:
        with eng.connect() as conn:
            assert database.ssd_schemas(conn) == {"ssd_development": 11}
    finally:
        eng.dispose()


def test_without_a_schema_the_ssds_schema_is_found_and_named(eclipse, tmp_path):
    # the tables are in ssd_development, as the SSD's builds make them; public holds none
    url = eclipse.replace(f":{pg.PASSWORD}@", "@")
    expected = (
        "boardpack: none of the SSD's tables (ssd_person, ssd_family, ssd_mother, ...) is in "
        f"schema public of postgresql+psycopg://127.0.0.1:{url.split(':')[-1].split('/')[0]}"
        "/eclipse; the SSD's tables are in schema ssd_development (11 of the 11): add "
        "?schema=ssd_development to the URL"
    )
    for args in (["db", "check", url], ["validate", "--db", url, "--data", str(tmp_path)]):
        result = boardpack(*args, env=env())
        assert result.returncode == 1, result.stdout
        assert result.stderr.strip().splitlines() == [expected]
        no_secrets(result.stdout, result.stderr)


def published_columns() -> dict[str, dict[str, str]]:
    """The published Eclipse DDL's columns: table -> column -> its type's first word."""
    text = (FIXTURE / "eclipse_pg_create_tables.sql").read_text()
    out = {}
    for table, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)\s*\((.*?)\n\);", text, re.S):
        out[table] = dict(re.findall(r"^\s+(\w+)\s+([A-Z]+)", body, re.M))
    return out


def test_the_demo_ssd_has_the_published_column_names_and_types(ssd_db):
    from sqlalchemy import create_engine, inspect
    from sqlalchemy import types as sa

    server, _ = ssd_db
    family = {"TIMESTAMP": sa.DateTime, "VARCHAR": sa.String, "CHAR": sa.String,
              "DOUBLE": sa.Float, "INTEGER": sa.Integer}  # fmt: skip
    published = published_columns()
    eng = create_engine(server.url_with_password.replace("postgresql:", "postgresql+psycopg:"))
    try:
        with eng.connect() as conn:
            demo = {
                name: {c["name"]: c["type"] for c in inspect(conn).get_columns(name, "demo")}
                for name in ssd.TABLES
            }
    finally:
        eng.dispose()
    for table, columns in demo.items():
        assert set(columns) <= set(published[table]), table
        for name, kind in columns.items():
            assert isinstance(kind, family[published[table][name]]), (table, name, kind)
    # the dates are TIMESTAMP, as published (not DATE), and the cease date has its name
    assert isinstance(demo["ssd_cla_episodes"]["clae_cla_episode_ceased_date"], sa.TIMESTAMP)


def test_an_empty_table_read_row_by_row_keeps_its_columns_and_types():
    """The path other databases than PostgreSQL take (SQL Server), on SQLite: no rows give an
    empty table of the columns' own types, not an error and not text."""
    import pyarrow as pa
    from sqlalchemy import Column, DateTime, Float, MetaData, String, Table, create_engine, select

    from analysis.sources import database

    eng = create_engine("sqlite://")
    table = Table(
        "ssd_professionals", MetaData(), Column("prof_professional_id", String(48)),
        Column("prof_full_time_equivalency", Float), Column("seen", DateTime),
    )  # fmt: skip
    types = {"prof_professional_id": pa.string(), "prof_full_time_equivalency": pa.float64(),
             "seen": pa.timestamp("us")}  # fmt: skip
    with eng.begin() as conn:
        table.create(conn)
        got = database._fetch(conn, select(table), types)
    eng.dispose()
    assert got.num_rows == 0
    assert dict(zip(got.column_names, got.schema.types, strict=True)) == types
