"""Which evaluation folds a build keeps from the last one (recommend.reuse)."""

from __future__ import annotations

import pandas as pd

from shopper_spectrum.recommend import CandidateGrid, ScoringSettings, reuse

GRID = CandidateGrid(
    count_units=("basket",),
    neighbours=(20,),
    l2_multiples=(4.0,),
    popularity_windows=("recent",),
    popularity_shares=(0.0, 1.0),
)
SETTINGS = ScoringSettings(half_life_days=90.0, top_n=10, weights_per_product=20)


def training_sets(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["fold", "training_cutoff", "test_until", "inputs_digest"]
    ).astype({"training_cutoff": "datetime64[us]", "test_until": "datetime64[us]"})


BEFORE = training_sets(
    (1, "2011-10-01", "2011-10-31", "lines:a"),
    (2, "2011-09-01", "2011-10-01", "lines:b"),
)
# A month later: the old folds move down one, the old fold 1's window gained a late line.
AFTER = training_sets(
    (1, "2011-11-01", "2011-12-01", "lines:c"),
    (2, "2011-10-01", "2011-10-31", "lines:a2"),
    (3, "2011-09-01", "2011-10-01", "lines:b"),
)


def test_a_fold_with_the_same_dates_inputs_and_settings_keeps_its_rows_renumbered():
    before = reuse.fold_keys(BEFORE, GRID, SETTINGS)
    previous = pd.DataFrame(
        {
            "candidate": [1, 2, 1, 2],
            "fold": [1, 1, 2, 2],
            "inputs_digest": list(before["inputs_digest"].repeat(2)),
        }
    )
    kept, to_evaluate = reuse.split_reusable(previous, reuse.fold_keys(AFTER, GRID, SETTINGS))
    assert kept[["candidate", "fold"]].values.tolist() == [[1, 3], [2, 3]]
    assert to_evaluate["fold"].tolist() == [1, 2]
    assert reuse.summary(reuse.fold_keys(AFTER, GRID, SETTINGS), to_evaluate) == (
        "evaluation folds kept from the last build: 1 of 3 (test windows ending 2011-10-01); "
        "2 evaluated"
    )


def test_other_settings_or_no_last_build_evaluate_every_fold():
    previous = reuse.fold_keys(BEFORE, GRID, SETTINGS)[["fold", "inputs_digest"]]
    other = ScoringSettings(half_life_days=180.0, top_n=10, weights_per_product=20)
    kept, to_evaluate = reuse.split_reusable(previous, reuse.fold_keys(BEFORE, GRID, other))
    assert kept.empty and to_evaluate["fold"].tolist() == [1, 2]
    kept, to_evaluate = reuse.split_reusable(None, BEFORE)
    assert kept is None and to_evaluate is BEFORE
