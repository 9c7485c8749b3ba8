"""The metric registry: one declaration per headline figure (`analysis/metrics.yaml`).

The public version's disclosure rules, the board summary's labels, formats and directions,
and the catalogue in `docs/metrics.md` all come from here; tests check every figure a report
records is declared and every declared figure is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analysis.config import PACKAGE_DIR, read_yaml
from analysis.errors import BoardpackError

KINDS = ("count", "share", "rate", "statistic", "text")
FREQUENCIES = ("", "month", "quarter")
#: What each point of a recorded series is (see `analysis.measures.verdict`): flow and stock
#: series get SPC; rolling and cumulative ones never do.
SERIES_KINDS = ("flow", "stock", "rolling", "cumulative")
FORMATS = ("count", "percent", "decimal1", "decimal2", "text")
BETTER = ("higher", "lower", "neutral")
REGISTRY = PACKAGE_DIR / "metrics.yaml"


@dataclass(frozen=True)
class Metric:
    """One headline figure of one report (fields as documented in metrics.yaml)."""

    report: str
    name: str
    label: str
    definition: str
    kind: str
    format: str
    better: str
    parts: tuple[str, ...] = ()
    share_of: str = ""
    built_on: tuple[str, ...] = ()
    published: bool = False
    recorded: bool = True
    differs_from: str = ""
    frequency: str = ""
    year_earlier: str = ""
    test: tuple[str, ...] = ()
    out_of: str = ""
    series: str = ""
    series_label: str = ""


def _check(m: Metric, where: str) -> None:
    """The rules a declaration must follow beyond its field names."""
    checks = (("kind", KINDS), ("format", FORMATS), ("better", BETTER))
    for field_, allowed in (*checks, ("frequency", FREQUENCIES)):
        if getattr(m, field_) not in allowed:
            raise BoardpackError(f"{where}: {field_} must be one of {', '.join(allowed)}")
    if bool(m.frequency) != bool(m.series):
        raise BoardpackError(f"{where}: a series needs both frequency and series (its kind)")
    if m.series and m.series not in SERIES_KINDS:
        raise BoardpackError(f"{where}: series must be one of {', '.join(SERIES_KINDS)}")
    if m.name.endswith("_12m") and m.series in ("flow", "stock") and not m.series_label:
        raise BoardpackError(
            f"{where}: a 12-month figure whose series holds single periods must say what "
            "each point is (series_label)"
        )
    if m.test and len(m.test) not in (1, 3):
        raise BoardpackError(f"{where}: test is [estimate, low, high] or [p_value]")


@cache
def registry(path: Path = REGISTRY) -> dict[str, dict[str, Metric]]:
    """Report -> metric name -> declaration; a malformed declaration is a clear error."""
    out: dict[str, dict[str, Metric]] = {}
    for report, metrics in read_yaml(path).items():
        out[report] = {}
        for name, spec in metrics.items():
            where = f"{path.name}: {report}.{name}"
            try:
                m = Metric(
                    report,
                    name,
                    **{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()},
                )
            except TypeError as exc:
                raise BoardpackError(f"{where}: {exc}") from None
            _check(m, where)
            out[report][name] = m
    return out


def metric(report: str, name: str) -> Metric:
    """The declaration of one metric; an undeclared one is a clear error."""
    try:
        return registry()[report][name]
    except KeyError:
        raise BoardpackError(f"{report}.{name} is not declared in {REGISTRY.name}") from None


def disclosure_rules(report: str) -> dict:
    """The report's rules for `disclosure.disclose_metrics`, from the declarations."""
    declared = registry().get(report, {}).values()
    return {
        "totals": {m.name: list(m.parts) for m in declared if m.parts},
        "shares": {m.name: m.share_of for m in declared if m.share_of},
        "derived": {m.name: list(m.built_on) for m in declared if m.built_on},
        "not_counts": [m.name for m in declared if m.published],
        "differences": {m.name: m.differs_from for m in declared if m.differs_from},
    }


#: Reserved key of a report's metrics: the per-period series of its headline figures.
SERIES = "series"


def undeclared(report: str, names) -> list[str]:
    """The names among `names` that the report does not declare (`series` is reserved)."""
    return sorted(set(names) - set(registry().get(report, {})) - {SERIES})


def with_series(report: str) -> list[Metric]:
    """The report's metrics that record a per-period series (they declare a frequency)."""
    return [m for m in registry().get(report, {}).values() if m.frequency]


def catalogue() -> str:
    """docs/metrics.md: every metric of every report, with its definition."""
    lines = [
        "# Metric catalogue",
        "",
        "Generated from `analysis/metrics.yaml` (`python -m analysis.registry > docs/metrics.md`);",
        "a test fails when the two differ. Names are the keys of `metrics.json`.",
    ]
    for report, metrics in registry().items():
        lines += ["", f"## `{report}`", "", "| metric | label | kind | better | definition |"]
        lines += ["|---|---|---|---|---|"]
        for m in metrics.values():
            note = "" if m.recorded else " (quoted in sentences, not in metrics.json)"
            lines.append(
                f"| `{m.name}` | {m.label} | {m.kind} | {m.better} | {m.definition}{note} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue(), end="")
