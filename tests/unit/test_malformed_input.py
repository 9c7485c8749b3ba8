"""Property: whatever bytes a file holds, loading either works or ends in the project's own
validation report - never another exception."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.inputs import VALID, write_inputs

from analysis.sources.inputs import read_inputs

#: the CSV files, and a workbook and a census file (read as the returns)
FILES = [*sorted(VALID), "Annex A.xlsx", "cin_census/2016-17.xml"]
TABLES = {
    "caseloads",
    "appraisals",
    "actions",
    "contacts",
    "referrals",
    "header",
    "episodes",
    "family",
    "cin_cp",
    "assessments",
    "assessment_outcomes",
    "audits",
    "absence",
    "staffing",
}

cell = st.one_of(
    st.sampled_from(
        [
            "",
            "01/02/2017",
            "2017-02-01",
            "31/02/2017",
            "1.0",
            "GOOD",
            "YES",
            "x",
            "C1",
            "-3",
            "1e9",
            "nan",
            '"quoted, comma"',
            "CIN",
            "CP",
        ]
    ),
    st.text(max_size=8),
)
row = st.lists(cell, min_size=0, max_size=9).map(lambda cells: ",".join(cells))
csv_text = st.builds(
    lambda header, rows, ending: ending.join([header, *rows]),
    st.one_of(st.sampled_from([text.splitlines()[0] for text in VALID.values()]), row),
    st.lists(row, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
content = st.one_of(csv_text.map(lambda t: t.encode("utf-8")), st.binary(max_size=200))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FILES), data=content)
def test_any_content_loads_or_is_reported(name, data):
    folder = Path(tempfile.mkdtemp())
    try:
        write_inputs(folder, {name: data})
        inputs = read_inputs(folder)  # must not raise
        # every problem is reported against one of the input files, as a user reads it
        for group in inputs.report.groups.values():
            assert group.file in VALID or group.file.startswith(tuple(FILES)), group.file
        # and a folder with no errors gives every table the reports read
        if not inputs.report.error_count:
            assert set(inputs.tables) >= TABLES
    finally:
        shutil.rmtree(folder)
