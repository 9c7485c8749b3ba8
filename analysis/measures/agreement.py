"""Audit measures (report `audit_agreement`): NFA dip samples and auditor-moderator agreement.

Definitions:
- **Dip sample**: audits whose SAMPLE equals the dip-sample name with AUDIT_DATE in the
  window. NFA_APPROPRIATE YES / UNCLEAR / NO / blank (= not recorded); SUPPORT_BENEFICIAL = Y
  and REFERRED_BACK = Y are counted alongside and overlap those categories.
- **Moderated pairs**: audits in the window with both AUDITOR_GRADE and MODERATOR_GRADE.
  Grades are ordinal, best first: OUTSTANDING, GOOD, REQUIRES_IMPROVEMENT, INADEQUATE; all
  four are always in the cross-table, even when absent from the sample.
- Agreement: percent exact agreement; Cohen's kappa with its asymptotic standard error and
  95% interval, and linearly and quadratically weighted kappa (statsmodels
  `inter_rater.cohens_kappa`); Gwet's AC1 (no maintained Python library; a short function
  here, checked against published values); the share of pairs where the moderator graded
  lower than the auditor, and higher.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.inter_rater import cohens_kappa

from analysis.config import codelists
from analysis.measures.stats import wilson
from analysis.names import same
from analysis.periods import quarter_ends, window
from analysis.withheld import withheld

LANDIS_KOCH = [
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
]


def grades() -> list[str]:
    return list(codelists()["audits"]["grades"])


def grade_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def in_window(audits: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    return audits[(audits["AUDIT_DATE"] >= first) & (audits["AUDIT_DATE"] <= last)]


def dip_sample(audits, sample: str, first, last) -> pd.DataFrame:
    """The dip-sample audits in the window: SAMPLE is `sample`, compared ignoring case and
    spaces (`names.same`)."""
    return in_window(audits[same(audits["SAMPLE"], sample)], first, last)


DIP_FINDINGS = {  # NFA_APPROPRIATE code: (row of the dip table, metric)
    "YES": ("No further action was appropriate", "dip_nfa_appropriate"),
    "UNCLEAR": ("Outcome unclear", "dip_nfa_unclear"),
    "NO": ("No further action was not appropriate", "dip_nfa_not_appropriate"),
    None: ("Not recorded", "dip_not_recorded"),
}
DIP_TOTAL = "Dip sample"


def dip_counts(dip: pd.DataFrame) -> dict:
    """Dip-sample findings as the metrics record them."""
    nfa = dip["NFA_APPROPRIATE"]
    found = {
        metric: int((nfa.isna() if code is None else nfa == code).sum())
        for code, (_, metric) in DIP_FINDINGS.items()
    }
    return {
        "dip_sample_size": len(dip),
        **found,
        "dip_support_beneficial": int((dip["SUPPORT_BENEFICIAL"] == "Y").sum()),
        "dip_referred_back": int((dip["REFERRED_BACK"] == "Y").sum()),
    }


def dip_appropriate_share(dip: pd.DataFrame) -> float | None:
    """The share of the dip sample whose closure with no further action was found
    appropriate: audits with NFA_APPROPRIATE = YES divided by every audit in the sample
    (findings not recorded stay in the denominator); None for an empty sample."""
    if not len(dip):
        return None
    return int((dip["NFA_APPROPRIATE"] == "YES").sum()) / len(dip)


def dip_shares(dip: pd.DataFrame) -> pd.DataFrame:
    """Closures found appropriate as a share of the whole dip sample and of the audits with a
    finding recorded, each with a 95% Wilson interval (audits with no finding recorded are
    counted in the first denominator, left out of the second)."""
    appropriate = int((dip["NFA_APPROPRIATE"] == "YES").sum())
    recorded = int(dip["NFA_APPROPRIATE"].notna().sum())
    rows = [
        {"Of": "the whole dip sample"} | wilson(appropriate, len(dip)).row("Appropriate", "Audits"),
        {"Of": "audits with a finding recorded"}
        | wilson(appropriate, recorded).row("Appropriate", "Audits"),
    ]
    return pd.DataFrame(rows)


def dip_table(dip: pd.DataFrame) -> pd.DataFrame:
    """Findings by NFA_APPROPRIATE (rows add up to the sample), with the overlapping flags
    as columns so it is visible where they sit."""
    rows = []
    for code, (label, _) in DIP_FINDINGS.items():
        part = (
            dip[dip["NFA_APPROPRIATE"].isna()]
            if code is None
            else dip[dip["NFA_APPROPRIATE"] == code]
        )
        rows.append(
            {
                "Finding": label,
                "Audits": len(part),
                "of which more support would have helped": int(
                    (part["SUPPORT_BENEFICIAL"] == "Y").sum()
                ),
                "of which referred back to the team manager": int(
                    (part["REFERRED_BACK"] == "Y").sum()
                ),
            }
        )
    table = pd.DataFrame(rows)
    total = table.drop(columns="Finding").sum()
    return pd.concat(
        [table, pd.DataFrame([{"Finding": DIP_TOTAL, **total.to_dict()}])], ignore_index=True
    )


def moderated_pairs(audits, first, last) -> pd.DataFrame:
    """Audits in the window graded by both the auditor and the moderator."""
    w = in_window(audits, first, last)
    return w.dropna(subset=["AUDITOR_GRADE", "MODERATOR_GRADE"])


def grade_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Auditor (rows) x moderator (columns) counts, all four grades in order."""
    order = grades()
    table = pd.crosstab(
        pd.Categorical(pairs["AUDITOR_GRADE"], categories=order),
        pd.Categorical(pairs["MODERATOR_GRADE"], categories=order),
        dropna=False,
    )
    table = table.reindex(index=order, columns=order, fill_value=0)
    table.index.name, table.columns.name = "Auditor", "Moderator"
    return table


def gwet_ac1(table) -> float | None:
    """Gwet's AC1 for a square table: (pa - pe) / (1 - pe), pe = sum_k pi_k (1 - pi_k) / (q-1),
    pi_k the mean of the two raters' marginal shares, q the number of categories."""
    t = np.asarray(table, dtype=float)
    n, q = t.sum(), t.shape[0]
    if n == 0 or q < 2:
        return None
    pa = np.trace(t) / n
    pi = (t.sum(axis=0) + t.sum(axis=1)) / (2 * n)
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    return None if pe == 1 else (pa - pe) / (1 - pe)


def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def kappa_stats(table) -> dict:
    """Cohen's kappa, its SE and 95% CI, the two-sided p-value of the test that kappa is 0
    (with the SE under that hypothesis), and weighted kappas. Values that are undefined for the
    table (e.g. one grade only, or an SE of zero with perfect agreement) are None.

    The interval is kappa -/+ 1.96 asymptotic SEs, truncated to kappa's range, -1 to 1: a
    near-perfect small table would otherwise print an upper limit above 1 (the method notes
    say so)."""
    t = np.asarray(table, dtype=float)
    if t.sum() == 0:
        return {
            "kappa": None,
            "kappa_se": None,
            "kappa_ci_low": None,
            "kappa_ci_high": None,
            "kappa_p_value": None,
            "kappa_linear": None,
            "kappa_quadratic": None,
        }
    with np.errstate(invalid="ignore", divide="ignore"):
        simple = cohens_kappa(t, return_results=True)
        linear = cohens_kappa(t, wt="linear", return_results=True)
        quad = cohens_kappa(t, wt="quadratic", return_results=True)
    se = _finite(simple["std_kappa"])
    usable = se is not None and se > 0
    return {
        "kappa": _finite(simple["kappa"]),
        "kappa_se": se if usable else None,
        "kappa_ci_low": max(_finite(simple["kappa_low"]), -1.0) if usable else None,
        "kappa_ci_high": min(_finite(simple["kappa_upp"]), 1.0) if usable else None,
        "kappa_p_value": _finite(simple["pvalue_two_sided"]),
        "kappa_linear": _finite(linear["kappa"]),
        "kappa_quadratic": _finite(quad["kappa"]),
    }


def agreement(pairs: pd.DataFrame) -> dict:
    """All agreement statistics for the moderated pairs (None where undefined)."""
    table = grade_table(pairs)
    n = len(pairs)
    rank = {g: i for i, g in enumerate(grades())}  # 0 = best
    a = pairs["AUDITOR_GRADE"].map(rank)
    m = pairs["MODERATOR_GRADE"].map(rank)
    return {
        "moderated_pairs": n,
        "percent_agreement": float((a == m).mean()) if n else None,
        **kappa_stats(table.to_numpy()),
        "ac1": gwet_ac1(table.to_numpy()) if n else None,
        "moderator_lower_share": float((m > a).mean()) if n else None,
        "moderator_higher_share": float((m < a).mean()) if n else None,
    }


def landis_koch(kappa: float | None) -> str:
    """Landis & Koch (1977) label: <0 poor, to 0.20 slight, 0.21-0.40 fair, 0.41-0.60
    moderate, 0.61-0.80 substantial, 0.81-1 almost perfect. A withheld kappa (public
    version) has no label."""

    if withheld(kappa):
        return ""
    if kappa is None:
        return "not measurable"
    if kappa < 0:
        return "poor"
    for upper, label in LANDIS_KOCH[1:]:
        if kappa <= upper:
            return label
    return "almost perfect"


def compare_kappas(now: dict, before: dict) -> float | None:
    """Two-sided p-value for the difference of two independent kappas, z = (k1 - k0) /
    sqrt(se1^2 + se0^2); None when either is missing its SE."""
    if None in (now["kappa"], before["kappa"], now["kappa_se"], before["kappa_se"]):
        return None
    z = (now["kappa"] - before["kappa"]) / math.hypot(now["kappa_se"], before["kappa_se"])
    return float(2 * norm.sf(abs(z)))


def quarterly(audits, period, quarters: int = 8) -> pd.DataFrame:
    """Agreement per quarter ending with the period month: pairs, pairs in agreement and the
    percent agreement with a Wilson interval, kappa with its interval."""
    rows = {}
    for q in quarter_ends(period, quarters):
        pairs = moderated_pairs(audits, *window(q, 3))
        stats = agreement(pairs)
        agreeing = int((pairs["AUDITOR_GRADE"] == pairs["MODERATOR_GRADE"]).sum())
        pct = wilson(agreeing, len(pairs))
        rows[q] = {
            "Pairs": len(pairs),
            "Pairs in agreement": agreeing,
            "Agreement": pct.share,
            "Agreement low": pct.low,
            "Agreement high": pct.high,
            "Kappa": stats["kappa"],
            "Kappa low": stats["kappa_ci_low"],
            "Kappa high": stats["kappa_ci_high"],
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "Quarter ending"
    return frame


def dip_quarterly(audits, sample: str, period, quarters: int = 12) -> pd.DataFrame:
    """Per quarter ending with the period month: dip-sample audits, those whose closure was
    found appropriate, and the share (`dip_appropriate_share`)."""
    rows = {}
    for q in quarter_ends(period, quarters):
        dip = dip_sample(audits, sample, *window(q, 3))
        rows[q] = {
            "Dip sample": len(dip),
            "Appropriate": int((dip["NFA_APPROPRIATE"] == "YES").sum()),
            "Share appropriate": dip_appropriate_share(dip),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "Quarter ending"
    return frame


def by_theme(pairs: pd.DataFrame, min_pairs: int = 10) -> pd.DataFrame:
    """Agreement per THEME with at least `min_pairs` pairs (smaller themes are listed with
    their count only)."""
    rows = []
    for theme, part in pairs.groupby(pairs["THEME"].fillna("not recorded")):
        stats = agreement(part) if len(part) >= min_pairs else {}
        rows.append(
            {
                "Theme": theme,
                "Pairs": len(part),
                "Agreement": stats.get("percent_agreement"),
                "Kappa": stats.get("kappa"),
                "Label": landis_koch(stats.get("kappa"))
                if stats
                else f"fewer than {min_pairs} pairs",
                "Moderator graded lower": stats.get("moderator_lower_share"),
            }
        )
    return pd.DataFrame(
        rows, columns=["Theme", "Pairs", "Agreement", "Kappa", "Label", "Moderator graded lower"]
    )
