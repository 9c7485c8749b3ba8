"""The SSD database source against a real PostgreSQL server (tests/support/postgres.py): what
a user sees when a table is missing, a column has the wrong type, the server refuses the
connection or the password is wrong - one clear line, exit 1, no credentials - and that
boardpack's session cannot write."""

from __future__ import annotations

import os

import pytest
from support import postgres as pg
from support.cli import boardpack

SCHEMAS = ("wrong", "partial", "nocontacts")


@pytest.fixture(scope="module")
def ssd_db(postgres, tmp_path_factory):
    """The demo world's SSD in schema `demo`, and altered copies of it: `wrong` (a referral
    date stored as text, one of them not a date), `partial` (no ssd_cin_assessments),
    `nocontacts` (no ssd_contacts). Returns the server and the local files' folder."""
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
        "WHERE cine_referral_id = 'R000000002'",
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
