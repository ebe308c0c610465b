"""Evaluation folds kept from the last build. A fold's rows depend only on what its key covers:
its dates, the digest of its SQL inputs (int_recommendation_training_sets.inputs_digest: every
sales line before the end of its test window, and the vars shaping them), the candidate grid, the
scoring settings and the recommender's code. A build that adds a month finds the older folds'
keys unchanged, keeps their rows and evaluates only the new fold."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from shopper_spectrum.code_digest import digest_of_code
from shopper_spectrum.recommend.candidates import CandidateGrid
from shopper_spectrum.recommend.scoring import ScoringSettings

# The recommender's own code: a change to it makes every fold new.
CODE_DIGEST = digest_of_code(Path(__file__).parent)


def fold_keys(
    training_sets: pd.DataFrame, grid: CandidateGrid, settings: ScoringSettings
) -> pd.DataFrame:
    """training_sets (fold, training_cutoff, test_until, inputs_digest) with inputs_digest made
    the key of everything a fold's rows depend on."""
    keys = [
        hashlib.sha256(
            "|".join(
                str(part)
                for part in (
                    pd.Timestamp(row.training_cutoff).date(),
                    pd.Timestamp(row.test_until).date(),
                    row.inputs_digest,
                    grid,
                    settings,
                    CODE_DIGEST,
                )
            ).encode()
        ).hexdigest()
        for row in training_sets.itertuples()
    ]
    return training_sets.assign(inputs_digest=keys)


def split_reusable(
    previous: pd.DataFrame | None, training_sets: pd.DataFrame
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The last build's rows whose fold key is a current fold's (numbered as that fold is now),
    and the training sets left to evaluate. Without a last build: (None, every set)."""
    if previous is None:
        return None, training_sets
    fold_of = training_sets.set_index("inputs_digest")["fold"]
    kept = previous[previous["inputs_digest"].isin(fold_of.index)]
    kept = kept.assign(fold=kept["inputs_digest"].map(fold_of).astype("int64"))
    return kept, training_sets[~training_sets["inputs_digest"].isin(kept["inputs_digest"])]


def summary(training_sets: pd.DataFrame, to_evaluate: pd.DataFrame) -> str:
    """One line for the build's log: the folds kept from the last build and the ones evaluated."""
    kept = training_sets[~training_sets["fold"].isin(to_evaluate["fold"])].sort_values("fold")
    ends = ", ".join(pd.Timestamp(until).strftime("%Y-%m-%d") for until in kept["test_until"])
    return (
        f"evaluation folds kept from the last build: {len(kept)} of {len(training_sets)} "
        f"(test windows ending {ends}); {len(to_evaluate)} evaluated"
    )
