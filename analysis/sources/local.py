"""The LA's own CSV extracts in the data folder (`cin_cp.csv`, `assessments.csv`, ...): one
reader for the format, behind the interface every source has (`read_source`). Each file's
own module checks it; this module says which files make up the extract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import ValidationReport
from analysis.sources import (
    absence,
    actions,
    assessments,
    audits,
    cin_cp,
    family,
    front_door,
    staffing,
    workforce,
)
from analysis.sources.settings import Settings

#: The extract's files that a return can stand in for, and the tables each fills.
RETURN_FILES = {
    "cin_cp.csv": ("cin_cp",),
    "assessments.csv": ("assessments", "assessment_outcomes"),
    "referrals.csv": ("referrals",),
    "contacts.csv": ("contacts",),
}
#: The extract's other tables, in the order they are read.
OTHER_TABLES = (
    "family", "audits", "absence", "staffing", "caseloads", "appraisals", "actions",
)  # fmt: skip


def read_source(
    data_dir: Path, settings: Settings, report: ValidationReport
) -> dict[str, pd.DataFrame | None]:
    """Every table the extract holds, problems to `report`. A file of RETURN_FILES is read
    only when present (a return may hold its tables instead); its table is None when the file
    is there but cannot be used. Of the others, a table is None when its file is absent or
    unusable (each module says which are required)."""
    data_dir = Path(data_dir)
    out: dict[str, pd.DataFrame | None] = {}
    for name in RETURN_FILES:
        if not (data_dir / name).exists():
            continue
        if name == "cin_cp.csv":
            out["cin_cp"] = cin_cp.load(data_dir, report, required=True)
        elif name == "assessments.csv":
            out.update(assessments.load(data_dir, report, settings))
        elif name == "referrals.csv":
            out["referrals"] = front_door.load_referrals(data_dir, report)
        else:
            out["contacts"] = front_door.load_contacts(data_dir, report)
    out["family"] = family.load(data_dir, report)
    out["audits"] = audits.load(data_dir, report, settings)
    out["absence"] = absence.load(data_dir, report, settings)
    out["staffing"] = staffing.load(data_dir, report)
    out["caseloads"] = workforce.load_caseloads(data_dir, report)
    out["appraisals"] = workforce.load_appraisals(data_dir, report)
    out["actions"] = actions.load(data_dir, report, settings.today)
    return out
