"""Recommendations from co-occurrence counts: candidates, the item model, scoring, evaluation."""

from shopper_spectrum.recommend.candidates import (
    Candidate,
    CandidateGrid,
    chosen_candidate,
    item_model_candidate,
)
from shopper_spectrum.recommend.evaluation import (
    Fold,
    evaluate_fold,
    evaluate_recommendations,
)
from shopper_spectrum.recommend.item_model import fit_item_model
from shopper_spectrum.recommend.scoring import (
    Purchases,
    ScoringSettings,
    recommend,
    recommend_each,
    score_items,
)

__all__ = [
    "Candidate",
    "CandidateGrid",
    "Fold",
    "Purchases",
    "ScoringSettings",
    "chosen_candidate",
    "evaluate_fold",
    "evaluate_recommendations",
    "fit_item_model",
    "item_model_candidate",
    "recommend",
    "recommend_each",
    "score_items",
]
