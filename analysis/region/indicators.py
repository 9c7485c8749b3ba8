"""Each LA pack's figures as tidy CSV in the DfE explore-education-statistics layout, and
reading those files back: the only thing the regional pack reads of an LA's pack.

One row per LA and period: `time_period` (the year), `time_identifier` (the month's name),
`geographic_level`, `country_code`, `country_name`, `la_name`, `new_la_code`, `old_la_code`,
`population_0_17`, then for each measure compared in a funnel its numerator
(`<key>_numerator`), denominator (`<key>_denominator`) and value (`<key>`). GSS symbols:
`c` suppressed (a public pack's withheld figure), `x` not available (not recorded, or the
report not run), `z` not applicable (a share of nothing).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import BoardpackError
from analysis.fileio import write_atomic
from analysis.measures.funnel import PROPORTION, RATE

SUPPRESSED, NOT_AVAILABLE, NOT_APPLICABLE = "c", "x", "z"
INDICATORS_FILE = "indicators.csv"
POPULATION = "population_0_17"
PER_CHILDREN = 10_000
FRAME_COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "la_name",
    "new_la_code",
    "old_la_code",
    POPULATION,
]


@dataclass(frozen=True)
class Measure:
    """A board measure compared across the region.

    `kind`: PROPORTION or RATE (numerator per `per` of the denominator: per 10,000
    children, the denominator being the population aged 0-17, or per FTE).
    `numerator`/`denominator`/`value`: metric names in the report's metrics; a numerator
    given as None is the recorded share times the denominator (the report records the
    share and its denominator, so that product is the count, rounded). `fte`: numerator
    and denominator are full-time equivalents (or FTE days), not counts of people."""

    key: str
    label: str
    report: str
    value: str | None
    kind: str
    numerator: str | None = None
    denominator: str | None = None
    better: str = "lower"
    #: (benchmark table, published column (a percentage), the month DfE's year ends in)
    dfe: tuple[str, str, int] | None = None
    per: int = 1
    unit: str = ""  # a rate's unit on the funnel's axis
    fte: bool = False


MEASURES = (
    Measure(
        "multiple_contacts",
        "Children contacted more than once in the month",
        "front_door",
        "multiple_contacts_children_share_month",
        PROPORTION,
        "multiple_children_month",
        "children_contacted_month",
    ),
    Measure(
        "repeat_contacts_30d",
        "Contacts repeating within 30 days (month)",
        "front_door",
        "repeat_contacts_30d_share_month",
        PROPORTION,
        None,
        "contacts_month",
    ),
    Measure(
        "contacts_per_10k",
        "Contacts per 10,000 children (month)",
        "front_door",
        None,
        RATE,
        "contacts_month",
        POPULATION,
        "neutral",
        per=PER_CHILDREN,
        unit="per 10,000 children",
    ),
    Measure(
        "referrals_per_10k_12m",
        "Referrals per 10,000 children (12 months)",
        "front_door",
        None,
        RATE,
        "referrals_12m",
        POPULATION,
        "neutral",
        per=PER_CHILDREN,
        unit="per 10,000 children",
    ),
    Measure(
        "rereferrals_12m",
        "Re-referrals within a year of an earlier referral (12 months)",
        "front_door",
        "rereferral_share_12m",
        PROPORTION,
        "rereferrals_12m",
        "referrals_12m",
        dfe=("referrals", "rereferral_percent", 3),  # DfE years end 31 March
    ),
    Measure(
        "under1_starts_share_12m",
        "Under-1 share of children starting care (12 months)",
        "young_children",
        "starts_under1_share_12m",
        PROPORTION,
        "starts_under1_12m",
        "starts_12m",
        "neutral",
    ),
    Measure(
        "appraisals_staff",
        "Staff appraised (appraisal year)",
        "workforce",
        "appraisals_staff_share",
        PROPORTION,
        None,
        "appraisals_staff_listed",
        "higher",
    ),
    Measure(
        "agency_rate",
        "Agency rate (month)",
        "workforce",
        "agency_rate",
        PROPORTION,
        "agency_fte",
        "social_work_fte",
        dfe=("csww", "agency_rate_fte", 9),  # CSWW: at 30 September
        fte=True,
    ),
    Measure(
        "fte_days_lost_per_fte_12m",
        "FTE days lost to sickness per FTE (12 months)",
        "sickness_absence",
        "fte_days_lost_per_fte_12m",
        RATE,
        "fte_days_lost_12m",
        "average_fte_12m",
        unit="days per FTE",
        fte=True,
    ),
)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _symbol(*values) -> str:
    """The GSS symbol for a figure built on `values` that are not all numbers."""
    return SUPPRESSED if any(v == SUPPRESSED for v in values) else NOT_AVAILABLE


def _figure(report: dict, name: str):
    value = report.get(name)
    return value if _number(value) or value == SUPPRESSED else NOT_AVAILABLE


def measure_columns(measure: Measure, reports: dict, population) -> dict:
    """One measure's columns from a pack's metrics (`reports`: metrics.json's `reports`)."""
    own = reports.get(measure.report, {})
    value = _figure(own, measure.value) if measure.value else None
    den = population if measure.denominator == POPULATION else _figure(own, measure.denominator)
    if measure.numerator is not None:
        num = _figure(own, measure.numerator)
    elif _number(value) and _number(den):
        num = int(round(value * den))
    else:
        num = _symbol(value, den)
    if measure.kind == RATE:
        if _number(num) and _number(den):
            value = num / den * measure.per if den > 0 else NOT_APPLICABLE
        else:
            value = _symbol(num, den)
    elif _number(den) and den == 0:
        value = NOT_APPLICABLE
    if measure.fte:  # FTEs to 6 decimals, as recorded (not 47.900000000000006)
        num, den = (round(v, 6) if _number(v) else v for v in (num, den))
    return {
        f"{measure.key}_numerator": num,
        f"{measure.key}_denominator": den,
        measure.key: value,
    }


def tidy_row(metrics: dict, la_name: str, new_la_code: str, old_la_code: str, population) -> dict:
    """The tidy row of one pack's metrics.json (`period` YYYY-MM, `reports`) for one LA."""
    period = pd.Period(metrics["period"], "M")
    row = {
        "time_period": period.year,
        "time_identifier": period.strftime("%B"),
        "geographic_level": "Local authority",
        "country_code": "E92000001",
        "country_name": "England",
        "la_name": la_name,
        "new_la_code": new_la_code,
        "old_la_code": old_la_code,
        POPULATION: population if _number(population) else NOT_AVAILABLE,
    }
    for measure in MEASURES:
        row.update(measure_columns(measure, metrics.get("reports", {}), row[POPULATION]))
    return row


def write_indicators(period_dir: Path, shared: dict, population=None) -> Path | None:
    """Write `indicators.csv` beside the period's metrics.json (atomically), for the LA named
    in `shared` (la_name, new_la_code, old_la_code; population_0_17 unless given); None when
    the period has no metrics.json."""
    import json

    source = Path(period_dir) / "metrics.json"
    if not source.is_file():
        return None
    metrics = json.loads(source.read_text())
    row = tidy_row(
        metrics,
        str(shared.get("la_name", "")),
        str(shared.get("new_la_code", "")),
        str(shared.get("old_la_code", "")),
        population if population is not None else shared.get(POPULATION),
    )
    text = pd.DataFrame([row]).to_csv(index=False, lineterminator="\n")
    return write_atomic(Path(period_dir) / INDICATORS_FILE, text)


def read_indicators(paths: list[Path]) -> pd.DataFrame:
    """The tidy rows of the files given, one frame (symbols kept as text; `period` added as
    YYYY-MM). A file without the layout's columns is refused in one line."""
    frames = []
    for path in paths:
        try:
            frame = pd.read_csv(io.StringIO(Path(path).read_text()), dtype=str)
        except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise BoardpackError(f"{path}: not a readable CSV ({exc})") from None
        missing = [c for c in FRAME_COLUMNS if c not in frame.columns]
        if missing:
            raise BoardpackError(f"{path}: column(s) {', '.join(missing)} missing")
        frames.append(frame.assign(_file=str(path)))
    if not frames:
        raise BoardpackError(f"no {INDICATORS_FILE} files found")
    tidy = pd.concat(frames, ignore_index=True).fillna(NOT_AVAILABLE)
    tidy["period"] = [
        str(pd.Period(f"{m} {y}", "M"))
        for y, m in zip(tidy["time_period"], tidy["time_identifier"], strict=True)
    ]
    twice = tidy[tidy.duplicated(["new_la_code", "period"], keep=False)]
    if len(twice):
        code, period = twice.iloc[0][["new_la_code", "period"]]
        files = twice.loc[twice["new_la_code"] == code, "_file"].tolist()
        raise BoardpackError(f"LA {code} appears twice for {period}: {', '.join(files)}")
    return tidy.drop(columns=["_file"])


def find_indicator_files(folders: list[Path], period: str, public: bool = False) -> list[Path]:
    """The `indicators.csv` of `period` under each pack folder given: a pack's output folder
    (`<pack>/<period>/`, or `<pack>/public/<period>/` for a public pack), or a folder of
    packs one level down (not a regional pack's `region/`). A pack published in both forms
    gives its public file to a public regional pack and its restricted one otherwise."""

    def of_pack(pack: Path) -> Path | None:
        forms = [pack / period / INDICATORS_FILE, pack / "public" / period / INDICATORS_FILE]
        return next((f for f in (forms[::-1] if public else forms) if f.is_file()), None)

    found = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise BoardpackError(f"{folder}: no such folder")
        own = of_pack(folder)
        if own is not None:
            found.append(own)
            continue
        packs = sorted(p for p in folder.glob("*") if p.is_dir() and p.name != "region")
        below = [f for f in map(of_pack, packs) if f is not None]
        if not below:
            raise BoardpackError(
                f"{folder}: no {period}/{INDICATORS_FILE} (or public/{period}/"
                f"{INDICATORS_FILE}) in it or its folders"
            )
        found += below
    return found


def numbers(column: pd.Series) -> pd.Series:
    """A tidy column as numbers (symbols as NaN)."""
    return pd.to_numeric(column, errors="coerce")
