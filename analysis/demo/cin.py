"""The synthetic front door, children in need and child protection: one world of contacts
and referrals from which every input format is written (`demo.py` writes the local CSV
extracts, `returns.py` the Ofsted Annex A workbook and the DfE CIN census XML).

Each referral opens an episode of need (a CIN period, from the referral to its closure);
most get an assessment; the assessment's decision sets what follows (closure with no further
action or to early help, a CIN plan, a Section 47 enquiry and conference, a child protection
plan), and an open plan can be reviewed by a further assessment. About a fifth of referrals
are re-referrals within a year. Contacts reach the front door first; the share of children
contacted more than once in a month is about 19% until an inspection in September 2016 and
falls to about 5% by March 2017, as the board's papers describe, staying there after.

A generator runs to its spec's `end`; what it decides by then (how many referrals, which
come back) is drawn from the random stream whatever the extract's cut, so cutting earlier
only leaves records out and blanks dates (`spec.cut_day`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.demo.common import (
    CALIBRATED_DAY,
    DAY,
    YEAR,
    DemoSpec,
    dates,
    id_strings,
    poisson_days,
)

#: The board's assessment outcome categories as local labels (recorded by social workers).
OUTCOME_LABELS = {
    "NFA": ["No further action", "Closed - no further action"],
    "STEP_DOWN": ["Step down to early help", "Referred to another agency"],
    "CIN_PLAN": ["Child in need plan"],
    "CP": ["Child protection conference"],
    "S47": ["Section 47 enquiry"],
    "STRATEGY": ["Strategy meeting"],
    "LEGAL": ["Legal advice", "Legal planning meeting"],
    "SHORT_BREAKS": ["Short breaks"],
    "UPDATE_CIN": ["Assessment updated - CIN plan"],
    "UPDATE_CP": ["Assessment updated - CP plan"],
    "OTHER": ["Other"],
}
#: Weights of an assessment's main decision (updates of plans are generated separately).
DECISION_WEIGHTS = {
    "NFA": 32,
    "STEP_DOWN": 10,
    "CIN_PLAN": 32,
    "CP": 15,
    "S47": 4,
    "STRATEGY": 4,
    "LEGAL": 11,
    "SHORT_BREAKS": 4,
    "OTHER": 2,
}
#: CIN census referral sources (DfE codes) and their rough shares.
REFERRAL_SOURCES = {
    "6": 30,
    "2A": 18,
    "3A": 4,
    "3B": 5,
    "3E": 4,
    "3F": 4,
    "5A": 6,
    "5C": 5,
    "1A": 8,
    "1C": 2,
    "4": 3,
    "7": 3,
    "8": 6,
    "9": 2,
}
TEAMS = [
    "Assessment North",
    "Assessment South",
    "Children in Need East",
    "Children in Need West",
    "Child Protection",
    "Looked After Children",
    "Leaving Care",
    "Disabled Children",
    "Front Door",
    "Family Support",
    "Court and Permanence",
    "Fostering",
]
ASSESSMENT_TEAMS = TEAMS[:4] + TEAMS[8:9]


@dataclass
class _Episodes:
    """Referral episodes and what followed, as numpy arrays of equal length (one per episode)."""

    child: np.ndarray
    dob: np.ndarray
    referral: np.ndarray
    source: np.ndarray
    nfa: np.ndarray  # closed at referral, with no assessment
    start: np.ndarray  # assessment start (NaT when none)
    authorised: np.ndarray
    decision: np.ndarray  # a DECISION_WEIGHTS key, "" when not assessed
    plan_start: np.ndarray  # CIN plan
    plan_end: np.ndarray
    s47: np.ndarray
    icpc: np.ndarray
    cp_start: np.ndarray
    cp_end: np.ndarray
    closure: np.ndarray
    reason: np.ndarray


NAT = np.datetime64("NaT", "D")


def _choice(rng, weights: dict, n: int, young: np.ndarray | None = None) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), float)
    if young is None:
        return rng.choice(keys, n, p=p / p.sum())
    out = np.empty(n, dtype=object)
    # the youngest (unborn or under 1 at referral) more often go on to a plan
    factor = {"CP": 4.0, "CIN_PLAN": 2.0, "NFA": 0.4, "STEP_DOWN": 0.4}
    for flag in (False, True):
        q = p * np.array([factor.get(k, 1.0) if flag else 1.0 for k in keys])
        mask = young == flag
        out[mask] = rng.choice(keys, int(mask.sum()), p=q / q.sum())
    return out


def _episodes(rng, child, dob, referral) -> _Episodes:
    """What follows each referral (calendar days; dates may fall after the extract day and
    are blanked when written)."""
    n = len(child)
    days = lambda low, high: rng.integers(low, high, n) * DAY  # noqa: E731
    nfa = rng.random(n) < 0.08
    start = np.where(nfa, NAT, referral + days(0, 4))
    length = np.maximum(rng.gamma(3.0, 14.0, n).astype(int), 1) * DAY
    authorised = start + length
    young = (referral - dob) < 365 * DAY
    decision = np.where(nfa, "", _choice(rng, DECISION_WEIGHTS, n, young))
    closure = np.where(nfa, referral + days(0, 6), authorised + days(0, 11))
    reason = np.where(nfa | (decision == "NFA"), "RC8", "RC7")
    reason = np.where(decision == "STEP_DOWN", "RC9", reason)

    plan = decision == "CIN_PLAN"
    plan_start = np.where(plan, authorised + days(0, 8), NAT)
    plan_end = (
        plan_start + np.maximum(rng.exponential(np.where(young, 420, 290)).astype(int), 30) * DAY
    )
    closure = np.where(plan, plan_end + days(0, 31), closure)

    enquiry = np.isin(decision, ["CP", "S47", "STRATEGY"])
    room = np.maximum(np.nan_to_num((authorised - start) / DAY) - 7, 1).astype(int)
    s47 = np.where(enquiry, start + (rng.random(n) * room).astype(int) * DAY, NAT)
    protect = decision == "CP"
    icpc = np.where(protect, s47 + days(7, 15), NAT)
    cp_start = icpc
    cp_end = cp_start + np.maximum(rng.exponential(310, n).astype(int), 30) * DAY
    closure = np.where(protect, cp_end + days(0, 200), closure)
    later = np.isin(decision, ["S47", "STRATEGY", "LEGAL", "SHORT_BREAKS", "OTHER"])
    lasting = (np.maximum(rng.exponential(120, n).astype(int), 14)) * DAY
    closure = np.where(later, authorised + lasting, closure)
    return _Episodes(
        child,
        dob,
        referral,
        _choice(rng, REFERRAL_SOURCES, n),
        nfa,
        start,
        authorised,
        decision,
        plan_start,
        plan_end,
        s47,
        icpc,
        cp_start,
        cp_end,
        closure,
        reason,
    )


def _concat(parts: list[_Episodes]) -> _Episodes:
    return _Episodes(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))


_FIELDS = list(_Episodes.__dataclass_fields__)


@dataclass
class Pending:
    """Re-referrals a world has not reached by its end: a child's next referral on `date`
    (`decided`), or a closure on `date` after which the child may come back (not yet
    decided); `depth` is the generation the re-referral would be (three at most). A later
    year's world carries them on, so a child closed in March can come back in May."""

    child: np.ndarray
    dob: np.ndarray
    date: np.ndarray
    depth: np.ndarray
    decided: np.ndarray

    def __len__(self) -> int:
        return len(self.child)

    def where(self, mask) -> Pending:
        return Pending(*(getattr(self, f)[mask] for f in _PENDING))

    @staticmethod
    def of(parts: list[Pending]) -> Pending:
        if not parts:
            return Pending(*(np.array([], t) for t in ("int64", "M8[D]", "M8[D]", "int64", bool)))
        return Pending(*(np.concatenate([getattr(p, f) for p in parts]) for f in _PENDING))


_PENDING = list(Pending.__dataclass_fields__)


def _referral_world(rng, spec: DemoSpec, carried: Pending | None = None):
    """First referrals, plus re-referrals (same child) of a little under half of closed
    episodes within a year of closing, three generations deep: about a fifth of referrals
    are re-referrals, as in the published figures. `carried`: an earlier world's pending
    re-referrals, made here when they fall by the spec's end. Returns the episodes and
    what is still pending at the end."""
    extract = spec.extract_day
    referral = poisson_days(rng, 2050 * spec.scale, spec.first_day - 3 * 365 * DAY, extract)
    n = len(referral)
    band = rng.choice(4, n, p=[0.08, 0.10, 0.015, 0.805])  # unborn, under 1, 1-2, older
    age = np.choose(
        band,
        [
            rng.integers(-150, -1, n),
            rng.integers(0, 240, n),
            rng.integers(365, 3 * 365, n),
            rng.integers(3 * 365 + 30, int(17.8 * YEAR), n),
        ],
    )
    first = 50_000_001 + spec.id_offset
    child = np.arange(first, first + n)  # numbers until the tables are made
    generations = [_episodes(rng, child, referral - age * DAY, referral)]
    pending = []
    while len(generations) < 4:  # a re-referral can itself come back
        last = generations[-1]
        again = (rng.random(len(last.child)) < 0.38 * spec.rereferral) & (last.closure < extract)
        back = last.closure[again] + rng.integers(7, 365, int(again.sum())) * DAY
        keep = back <= extract
        depth = len(generations)
        late = last.closure >= extract
        pending += [
            _pending(last.child[again][~keep], last.dob[again][~keep], back[~keep], depth, True),
            _pending(last.child[late], last.dob[late], last.closure[late], depth, False),
        ]
        if not keep.any():
            break
        generations.append(
            _episodes(rng, last.child[again][keep], last.dob[again][keep], back[keep])
        )
    if carried is not None and len(carried):
        more, still = _resume(rng, carried, extract)
        generations += more
        pending.append(still)
    return _concat(generations), Pending.of(pending)


def _pending(child, dob, date, depth: int, decided: bool) -> Pending:
    n = len(child)
    return Pending(child, dob, date, np.full(n, depth), np.full(n, decided))


def _resume(rng, pending: Pending, extract) -> tuple[list[_Episodes], Pending]:
    """Make the pending re-referrals that fall by `extract` (deciding, for a closure now
    reached, whether and when the child comes back), and theirs in turn; returns the
    episodes made and what is still pending."""
    made, later = [], []
    while len(pending):
        ready = ~pending.decided & (pending.date < extract)
        again = np.zeros(len(pending), bool)
        again[ready] = rng.random(int(ready.sum())) < 0.38
        date = pending.date.copy()
        date[again] = date[again] + rng.integers(7, 365, int(again.sum())) * DAY
        referral = pending.decided | again
        due = referral & (date <= extract)
        wait = (~pending.decided & ~ready) | (referral & ~due)
        later.append(Pending(pending.child, pending.dob, date, pending.depth, referral).where(wait))
        if not due.any():
            break
        episodes = _episodes(rng, pending.child[due], pending.dob[due], date[due])
        made.append(episodes)
        depth = pending.depth[due] + 1
        room = depth <= 3
        pending = Pending(
            episodes.child[room], episodes.dob[room], episodes.closure[room], depth[room],
            np.zeros(int(room.sum()), bool),
        )  # fmt: skip
    return made, Pending.of(later)


@dataclass
class World:
    """The world as tables (dates after the extract day blank). Beside the columns of the
    local extracts, `assessments` carries REFERRAL_DATE (its episode) and REQUIRES_SUPPORT
    (Y/N, the Annex A question), which only the returns hold; so do `cin_plans` and `s47`."""

    cin_cp: pd.DataFrame
    assessments: pd.DataFrame
    referrals: pd.DataFrame
    contacts: pd.DataFrame
    cin_plans: pd.DataFrame
    cp_plans: pd.DataFrame
    s47: pd.DataFrame


def _outcome_labels(rng, decision: np.ndarray) -> np.ndarray:
    """The decision's local label, and for about one in ten one or two more outcomes
    recorded beside it (drawn by DECISION_WEIGHTS, a repeat of one already there left out),
    joined by '; '."""
    n = len(decision)
    cats = np.array(list(OUTCOME_LABELS), dtype=object)

    def label(categories: np.ndarray) -> np.ndarray:
        out = np.empty(len(categories), dtype=object)
        u = rng.random(len(categories))
        for cat, options in OUTCOME_LABELS.items():
            mask = categories == cat
            out[mask] = np.array(options, dtype=object)[(u[mask] * len(options)).astype(int)]
        return out

    out = pd.Series(label(decision))
    extra = rng.choice([0, 1, 2], n, p=[0.9, 0.085, 0.015])
    weights = np.array([DECISION_WEIGHTS.get(c, 3) for c in cats], float)
    taken = [np.asarray(decision, dtype=object)]
    for j in (1, 2):
        drawn = cats[rng.choice(len(cats), n, p=weights / weights.sum())]
        new = (extra >= j) & ~np.logical_or.reduce([drawn == t for t in taken])
        out[new] = out[new] + "; " + label(drawn[new])
        taken.append(np.where(new, drawn, None))
    return out.to_numpy()


def _sorted(world: _Episodes) -> _Episodes:
    order = np.lexsort((world.referral, world.child))
    return _Episodes(*(getattr(world, f)[order] for f in _FIELDS))


def world(rng, spec: DemoSpec) -> World:
    """Generate the front door and children in need world of `spec`, cut at its cut day."""
    return world_and_pending(rng, spec)[0]


def world_and_pending(rng, spec: DemoSpec, carried: Pending | None = None):
    """The world of `spec` (cut at its cut day), with `carried` re-referrals from an earlier
    world made in it, and the re-referrals still pending at its end."""
    horizon, far = spec.extract_day, np.datetime64("2100-01-01")
    extract = spec.cut_day
    episodes, pending = _referral_world(rng, spec, carried)
    w = _sorted(episodes)
    seen = w.referral <= extract
    episode = {"CHILD": w.child, "DOB": dates(w.dob, far)}
    cin = pd.DataFrame(
        episode
        | {"TYPE": "CIN", "START": dates(w.referral, extract), "END": dates(w.closure, extract)}
    )[seen]
    cp = pd.DataFrame(
        episode
        | {"TYPE": "CP", "START": dates(w.cp_start, extract), "END": dates(w.cp_end, extract)}
    )[seen & (w.cp_start <= extract)]
    referrals = pd.DataFrame(
        episode
        | {
            "REFERRAL_DATE": dates(w.referral, extract),
            "SOURCE": w.source,
            "NFA": np.where(w.nfa, "Y", "N"),
            "CLOSURE_DATE": dates(w.closure, extract),
            "CLOSURE_REASON": np.where(w.closure <= extract, w.reason, ""),
        }
    )[seen]

    # assessments: each episode's own, then reviews of a plan while it is open
    parts = [
        pd.DataFrame(
            {
                "CHILD": w.child,
                "DOB": w.dob,
                "REF": w.referral,
                "START": w.start,
                "AUTH": w.authorised,
                "DECISION": w.decision,
            }
        )[(w.referral <= horizon) & ~w.nfa & (w.start <= horizon)]
    ]
    for kind, begin, end in (
        ("UPDATE_CIN", w.plan_start, w.plan_end),
        ("UPDATE_CP", w.cp_start, w.cp_end),
    ):
        length = np.nan_to_num(((end - begin) / DAY).astype(float))
        at = begin + (30 + rng.random(len(begin)) * np.maximum(length - 60, 0)).astype(int) * DAY
        took = np.maximum(rng.gamma(3.0, 10.0, len(at)).astype(int), 1) * DAY
        # a review is done while the plan is open (so within its episode of need)
        pick = (rng.random(len(begin)) < 0.3) & (length > 90) & (at <= horizon)
        pick &= np.nan_to_num((end - (at + took)) / DAY, nan=-1) >= 0
        parts.append(
            pd.DataFrame(
                {
                    "CHILD": w.child,
                    "DOB": w.dob,
                    "REF": w.referral,
                    "START": at,
                    "AUTH": at + took,
                    "DECISION": kind,
                }
            )[pick]
        )
    a = pd.concat(parts, ignore_index=True).sort_values(["CHILD", "START"], kind="stable")
    decision = a["DECISION"].to_numpy()
    done = a["AUTH"].to_numpy() <= extract
    began = a["START"].to_numpy() <= extract
    assessments = pd.DataFrame(
        {
            "CHILD": a["CHILD"].to_numpy(),
            "DOB": dates(a["DOB"].to_numpy(), far),
            "ASSESSMENT_START": dates(a["START"].to_numpy(), extract),
            "ASSESSMENT_AUTHORISED": dates(a["AUTH"].to_numpy(), extract),
            "OUTCOME": np.where(done, _outcome_labels(rng, decision), ""),
            "TEAM": rng.choice(ASSESSMENT_TEAMS, len(a)),
            "REFERRAL_DATE": dates(a["REF"].to_numpy(), extract),
            "REQUIRES_SUPPORT": np.where(
                done, np.where(np.isin(decision, ["NFA", "STEP_DOWN"]), "N", "Y"), ""
            ),
        }
    )[began]
    plans = _periods(w, w.plan_start, w.plan_end, extract, seen)
    cp_plans = _periods(w, w.cp_start, w.cp_end, extract, seen)
    s47 = pd.DataFrame(
        {
            "CHILD": w.child,
            "REFERRAL_DATE": dates(w.referral, extract),
            "S47_START": dates(w.s47, extract),
            "ICPC_DATE": dates(w.icpc, extract),
            "ICPC_PLAN": np.where(w.icpc <= extract, "Y", ""),
        }
    )[seen & (w.s47 <= extract)]

    del w, a, parts, episode, seen  # free the episode arrays before the contacts are made
    contacts = _contacts(rng, spec, referrals)

    def tidy(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.reset_index(drop=True)
        return frame.assign(CHILD=id_strings("C", frame["CHILD"].to_numpy()))

    return World(
        cin_cp=tidy(pd.concat([cin, cp]).sort_values(["CHILD", "START", "TYPE"])),
        assessments=tidy(assessments),
        referrals=tidy(referrals),
        contacts=tidy(contacts),
        cin_plans=tidy(plans),
        cp_plans=tidy(cp_plans),
        s47=tidy(s47),
    ), pending


def _periods(w: _Episodes, start, end, extract, seen) -> pd.DataFrame:
    """Plans (CIN or protection) of the episodes seen by the extract, with their episode."""
    return pd.DataFrame(
        {
            "CHILD": w.child,
            "REFERRAL_DATE": dates(w.referral, extract),
            "START": dates(start, extract),
            "END": dates(end, extract),
        }
    )[seen & (start <= extract)]


def _contacts(rng, spec: DemoSpec, referrals: pd.DataFrame) -> pd.DataFrame:
    """Every referral's contact (same day, same source), plus contacts that went no further.
    About 19% of these children are contacted again within the next two weeks until the
    inspection (30 September 2016), falling to about 5% by March 2017 and staying there."""
    extract = spec.extract_day
    day = poisson_days(rng, 7000 * spec.scale, spec.first_day - 365 * DAY, extract)
    n = len(day)
    child = np.arange(70_000_001 + spec.id_offset, 70_000_001 + spec.id_offset + n)
    dob = day - rng.integers(-100, int(17.8 * YEAR), n) * DAY
    turn = CALIBRATED_DAY - 182 * DAY  # the inspection, September 2016
    progress = np.clip((day - turn) / DAY / max((CALIBRATED_DAY - turn) / DAY, 1), 0, 1)
    again = rng.random(n) < (0.40 - 0.30 * progress) * spec.recontact
    later = day[again] + rng.integers(1, 15, int(again.sum())) * DAY
    keep = later <= extract
    day = np.concatenate([day, later[keep]])
    child = np.concatenate([child, child[again][keep]])
    dob = np.concatenate([dob, dob[again][keep]])
    far = np.datetime64("2100-01-01")
    others = pd.DataFrame(
        {
            "CHILD": child,
            "DOB": dates(dob, far),
            "CONTACT_DATE": dates(day, extract),
            "SOURCE": _choice(rng, REFERRAL_SOURCES, len(day)),
        }
    )[day <= spec.cut_day]
    led = referrals.rename(columns={"REFERRAL_DATE": "CONTACT_DATE"})[
        ["CHILD", "DOB", "CONTACT_DATE", "SOURCE"]
    ]
    frame = pd.concat([led, others], ignore_index=True)
    # a second contact about the same child on the same day from the same source is the
    # same contact
    frame = frame.drop_duplicates(["CHILD", "CONTACT_DATE", "SOURCE"])
    return frame.sort_values(["CONTACT_DATE", "CHILD"], kind="stable").reset_index(drop=True)
