"""Item-based recommendations from product co-occurrence: similarity, scoring, offline evaluation."""

from shopper_spectrum.recommend.evaluation import evaluate_holdout, popularity_recommendations
from shopper_spectrum.recommend.scoring import RecommenderSettings, recommend
from shopper_spectrum.recommend.similarity import MEASURES, similar_products

__all__ = [
    "MEASURES",
    "RecommenderSettings",
    "evaluate_holdout",
    "popularity_recommendations",
    "recommend",
    "similar_products",
]
