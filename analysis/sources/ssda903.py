"""DfE SSDA903 (children looked after) Header and Episodes tables.

Either `ssda903/header.csv` + `ssda903/episodes.csv`, or one folder per return,
`ssda903/<YYYY>/header.csv` + `episodes.csv`. Returns are combined oldest first; where two
returns hold the same episode (CHILD, DECOM), or the same child's header, the later one wins.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import codelists
from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.lookup import member
from analysis.sources._table import ROW, Column, read_csv, report_rows, shown_dates
from analysis.sources.settings import Settings


def _codes(name: str) -> tuple[str, ...]:
    return tuple(str(c) for c in codelists()["ssda903"][name])


def header_columns() -> list[Column]:
    return [
        Column("CHILD", blank_ok=False),
        Column("SEX", "code", codes=_codes("SEX")),
        Column("DOB", "date", blank_ok=False),
        Column("ETHNIC", "code", required=False, codes=_codes("ETHNIC")),
        Column("UPN", required=False),
        Column("MOTHER", "code", required=False, codes=_codes("MOTHER")),
        Column("MC_DOB", "date", required=False, unknown_ok=True),
    ]


def episode_columns() -> list[Column]:
    return [
        Column("CHILD", blank_ok=False),
        Column("DECOM", "date", blank_ok=False),
        Column("RNE", "code", blank_ok=False, codes=_codes("RNE")),
        Column("LS", "code", blank_ok=False, codes=_codes("LS")),
        Column("CIN", "code", codes=_codes("CIN")),
        Column("PLACE", "code", codes=_codes("PLACE")),
        Column("PLACE_PROVIDER", "code", required=False, codes=_codes("PLACE_PROVIDER")),
        Column("DEC", "date"),
        Column("REC", "code", codes=_codes("REC")),
        Column("REASON_PLACE_CHANGE", "code", required=False, codes=_codes("REASON_PLACE_CHANGE")),
        Column("HOME_POST", required=False),
        Column("PL_POST", required=False),
        Column("URN", required=False),
    ]


def return_folders(data_dir: Path) -> list[Path]:
    """The folders holding SSDA903 returns, oldest first (a flat folder counts as one)."""
    base = data_dir / "ssda903"
    if not base.is_dir():
        return []
    years = sorted(p for p in base.iterdir() if p.is_dir() and p.name.isdigit())
    flat = [base] if (base / "header.csv").exists() or (base / "episodes.csv").exists() else []
    return years + flat


def load(
    data_dir: Path, report: ValidationReport, today: pd.Timestamp | None = None
) -> dict[str, pd.DataFrame]:
    """Header and episodes from every return, combined and checked. Keys: header, episodes."""
    folders = return_folders(data_dir)
    if not folders:
        report.error("ssda903", "required SSDA903 folder missing (expected ssda903/header.csv)")
        return {}
    headers, episodes = [], []
    for order, folder in enumerate(folders):
        for name, columns, bucket in (
            ("header.csv", header_columns(), headers),
            ("episodes.csv", episode_columns(), episodes),
        ):
            path = folder / name
            label = str(path.relative_to(data_dir))
            if not path.exists():
                report.error(label, "required file missing")
                continue
            frame = read_csv(path, columns, report, label)
            if frame is not None:
                bucket.append(frame.assign(_RETURN=order, _FILE=label))
    if not headers or not episodes:
        return {}
    header = _latest(pd.concat(headers, ignore_index=True), ["CHILD"], report, "header")
    episode = _latest(pd.concat(episodes, ignore_index=True), ["CHILD", "DECOM"], report, "episode")
    check(header, episode, report, today)
    return {
        "header": header.drop(columns=[ROW, "_RETURN", "_FILE"]),
        "episodes": episode.drop(columns=[ROW, "_RETURN", "_FILE"]),
    }


def read_source(
    data_dir: Path, settings: Settings, report: ValidationReport
) -> dict[str, pd.DataFrame]:
    """The format's reader (the interface every source has): header and episodes from the
    returns under `data_dir/ssda903`, checked against `settings.today` (see `load`)."""
    return load(data_dir, report, settings.today)


def _latest(frame: pd.DataFrame, keys: list[str], report: ValidationReport, what: str):
    """Keep the latest return's row per key; say how many earlier rows were replaced."""
    frame = frame.sort_values(["_RETURN", ROW], kind="stable")
    # a key value that could not be read was reported already: it says nothing of duplicates
    within = frame.duplicated(keys + ["_RETURN"], keep=False) & frame[keys].notna().all(axis=1)
    if within.any():
        dup = frame[within]
        report.warning(
            dup["_FILE"].iloc[0],
            f"duplicate {what} within one return; the last row is used",
            column=keys[-1],
            rows=dup[ROW],
            values=_shown(dup[keys[-1]]),
        )
    replaced = frame.duplicated(keys, keep="last")
    if replaced.any():
        report.notes.append(
            f"SSDA903: {int(replaced.sum()):,} {what} row(s) replaced by the same {what} "
            "in a later return (or a later duplicate row)"
        )
    return frame.loc[~replaced].sort_values(keys, kind="stable").reset_index(drop=True)


def _shown(values: pd.Series) -> pd.Series:
    return shown_dates(values) if pd.api.types.is_datetime64_any_dtype(values) else values


def _per_file(
    report: ValidationReport,
    severity: str,
    frame: pd.DataFrame,
    mask: pd.Series,
    rule: str,
    column: str,
) -> None:
    """Report `rule` for every row where `mask` holds, against the return file it came from."""
    for file, rows in frame[mask].groupby("_FILE", sort=False):
        report_rows(report, severity, file, rule, rows, pd.Series(True, index=rows.index), column)


def check(
    header: pd.DataFrame,
    episodes: pd.DataFrame,
    report: ValidationReport,
    today: pd.Timestamp | None = None,
) -> None:
    """Cross-row rules: DEC before DECOM (error); future DOB, child missing from header,
    overlapping episodes, episode before birth (warnings)."""
    today = today or pd.Timestamp.today().normalize()
    backwards = episodes["DEC"].notna() & (episodes["DEC"] < episodes["DECOM"])
    _per_file(
        report, ERROR, episodes, backwards, "episode ends (DEC) before it starts (DECOM)", "DEC"
    )
    orphan = pd.Series(~member(episodes["CHILD"], header["CHILD"]), index=episodes.index)
    _per_file(report, WARNING, episodes, orphan, "child has episodes but no header row", "CHILD")
    _per_file(
        report, WARNING, header, header["DOB"] > today, "date of birth is in the future", "DOB"
    )
    ordered = episodes.sort_values(["CHILD", "DECOM"], kind="stable")
    same = ordered["CHILD"].shift(-1) == ordered["CHILD"]
    overlap = same & (ordered["DEC"].isna() | (ordered["DEC"] > ordered["DECOM"].shift(-1)))
    _per_file(report, WARNING, ordered, overlap, "episode overlaps the child's next episode", "DEC")
    dob = pd.Series(
        header.drop_duplicates("CHILD")
        .set_index("CHILD")["DOB"]
        .reindex(episodes["CHILD"])
        .to_numpy(),
        index=episodes.index,
        dtype="datetime64[ns]",
    )
    early = dob.notna() & (episodes["DECOM"] < dob)
    _per_file(
        report,
        ERROR,
        episodes,
        early,
        "episode starts before the child's date of birth (a child cannot be looked after "
        "before birth)",
        "DECOM",
    )
