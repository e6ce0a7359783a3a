"""The named claims a robustness study tests, and the scenario variants they are judged on.

A claim is a function of the run rows of one or more variants: it gets, per variant, the runs
of every joint draw of the uncertain parameters (`point_id` is the draw) and returns, per
draw, whether the claim holds there. To add a claim, append a `Claim` to `CLAIMS`; the
functions `share`, `mean` and `happened` give per-draw shares, means and event rates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from pausegame.sim.engine import OUTCOMES

Runs = Mapping[str, pd.DataFrame]  # variant name -> run rows, `point_id` = draw


@dataclass(frozen=True)
class Variant:
    """A scenario a claim is judged on: a built-in name or a scenario file."""

    name: str
    scenario: str


@dataclass(frozen=True)
class Claim:
    """A named statement about the model, true or false at each joint draw of the parameters."""

    name: str
    text: str
    variants: tuple[str, ...]
    holds: Callable[[Runs], pd.Series]


def share(runs: pd.DataFrame, outcome: str) -> pd.Series:
    """Per draw, the share of its runs (seeds) ending in `outcome`."""
    assert outcome in OUTCOMES, outcome
    return (runs["outcome"] == outcome).groupby(runs["point_id"]).mean()


def mean(runs: pd.DataFrame, column: str) -> pd.Series:
    """Per draw, the mean of `column` over its runs; runs where it is empty are left out."""
    return runs[column].astype(float).groupby(runs["point_id"]).mean()


def happened(runs: pd.DataFrame, column: str) -> pd.Series:
    """Per draw, the share of runs where the event in `column` happened (it is not empty)."""
    return runs[column].notna().groupby(runs["point_id"]).mean()


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("article", "article"),
        Variant("strong-verification", "strong-verification"),
    )
}

A, SV = "article", "strong-verification"
CLAIMS: tuple[Claim, ...] = (
    Claim(
        "no-global-pause",
        "no global pause: at most 10% of article runs end in a global pause",
        (A,),
        lambda r: share(r[A], "global_pause") <= 0.1,
    ),
    Claim(
        "strong-verification-global-pause",
        "strong verification reaches the global pause in most runs (over 50%)",
        (SV,),
        lambda r: share(r[SV], "global_pause") > 0.5,
    ),
    Claim(
        "verification-is-the-lever",
        "strong verification raises the global-pause share by at least 50 points",
        (A, SV),
        lambda r: share(r[SV], "global_pause") - share(r[A], "global_pause") >= 0.5,
    ),
    Claim(
        "verification-lowers-risk",
        "strong verification lowers the mean cumulative catastrophe probability",
        (A, SV),
        lambda r: (
            mean(r[SV], "cumulative_catastrophe_probability")
            < mean(r[A], "cumulative_catastrophe_probability")
        ),
    ),
    Claim(
        "self-improvement-demonstrated",
        "the self-improvement threshold is crossed in most article runs (over 50%)",
        (A,),
        lambda r: happened(r[A], "first_threshold_step") > 0.5,
    ),
    Claim(
        "open-source-majority-hazard",
        "open source carries most (over half) of the article's summed hazard, on average",
        (A,),
        lambda r: mean(r[A], "open_source_hazard_share") > 0.5,
    ),
)
BY_NAME: dict[str, Claim] = {c.name: c for c in CLAIMS}
