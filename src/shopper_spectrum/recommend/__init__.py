"""Recommendations from basket co-occurrence: the learned item model, scoring, offline evaluation."""

from shopper_spectrum.recommend.evaluation import (
    Fold,
    evaluate_fold,
    evaluate_recommendations,
    item_model_recommendations,
    popularity_recommendations,
)
from shopper_spectrum.recommend.item_model import fit_item_model
from shopper_spectrum.recommend.scoring import RecommenderSettings, recommend

__all__ = [
    "Fold",
    "RecommenderSettings",
    "evaluate_fold",
    "evaluate_recommendations",
    "fit_item_model",
    "item_model_recommendations",
    "popularity_recommendations",
    "recommend",
]
