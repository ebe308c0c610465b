"""The recommenders the build chooses between on its rolling-origin folds.

A candidate is the item model (its counting unit, neighbourhood size K and ridge multiple λ),
popularity (all time, or recent), or a blend of the two: each customer's item scores scaled to
[0, 1] and the products' popularity scaled to [0, 1], mixed by the popularity share. Every
setting comes from a dbt var that lists the values to try; one value pins it.

Candidates are numbered from the simplest: popularity alone (all time before recent), then the
item model alone, then blends; within each, the cheaper count (baskets) before customers, the
smaller K and the larger λ (the more regularised) first. recommendation_evaluation picks, among
the candidates level with the best (within one standard error of the paired difference), the
one with the smallest number.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from itertools import product

import pandas as pd

COUNT_UNITS = ("basket", "customer")
POPULARITY_WINDOWS = ("all_time", "recent")


@dataclass(frozen=True)
class Candidate:
    """One recommender. Item settings are None for popularity alone; the popularity window is
    None for the item model alone (its short lists are completed with all-time best-sellers)."""

    count_unit: str | None = None
    neighbours: int | None = None
    l2_multiple: float | None = None
    popularity_window: str | None = None
    popularity_share: float = 0.0

    @property
    def uses_item_model(self) -> bool:
        return self.popularity_share < 1

    @property
    def fill_window(self) -> str:
        """The popularity that ranks products the item model leaves unscored."""
        return self.popularity_window or "all_time"

    @property
    def label(self) -> str:
        if not self.uses_item_model:
            return f"{self.popularity_window.replace('_', '-')} popularity alone"
        item = f"item model on {self.count_unit}s, K {self.neighbours}, λ {self.l2_multiple:g}×"
        if self.popularity_share == 0:
            return item
        window = self.popularity_window.replace("_", "-")
        return f"{item}, {self.popularity_share:.0%} {window} popularity"


@dataclass(frozen=True)
class CandidateGrid:
    """The values each setting may take: the dbt vars, their one definition (one value pins a
    setting)."""

    count_units: tuple[str, ...]
    neighbours: tuple[int, ...]
    l2_multiples: tuple[float, ...]
    popularity_windows: tuple[str, ...]
    popularity_shares: tuple[float, ...]

    def __post_init__(self):
        for name, allowed in (
            ("count_units", COUNT_UNITS),
            ("popularity_windows", POPULARITY_WINDOWS),
        ):
            unknown = set(getattr(self, name)) - set(allowed)
            if unknown:
                raise ValueError(f"{name}: {sorted(unknown)} not among {', '.join(allowed)}")
        if not all(0 <= share <= 1 for share in self.popularity_shares):
            raise ValueError("popularity_shares must lie between 0 and 1")

    @classmethod
    def from_config(cls, config: dict) -> CandidateGrid:
        """From a dbt Python model's `recommender` config (rendered vars: lists or one value)."""
        return cls(
            count_units=tuple(str(v) for v in _as_list(config["count_units"])),
            neighbours=tuple(int(v) for v in _as_list(config["neighbours"])),
            l2_multiples=tuple(float(v) for v in _as_list(config["l2_multiples"])),
            popularity_windows=tuple(str(v) for v in _as_list(config["popularity_windows"])),
            popularity_shares=tuple(float(v) for v in _as_list(config["popularity_shares"])),
        )

    def candidates(self) -> list[Candidate]:
        """Every candidate the grid allows, simplest first."""
        return [c for c in evaluated_candidates(self) if self.allows(c)]

    def allows(self, candidate: Candidate) -> bool:
        if candidate.popularity_share not in self.popularity_shares:
            return False
        if candidate.popularity_window is not None and (
            candidate.popularity_window not in self.popularity_windows
        ):
            return False
        return not candidate.uses_item_model or (
            candidate.count_unit in self.count_units
            and candidate.neighbours in self.neighbours
            and candidate.l2_multiple in self.l2_multiples
        )


def evaluated_candidates(grid: CandidateGrid) -> list[Candidate]:
    """The grid's candidates and, always, popularity alone both ways (the baselines every choice
    is compared with), simplest first."""
    item_settings = sorted(
        product(grid.count_units, grid.neighbours, grid.l2_multiples),
        key=lambda s: (COUNT_UNITS.index(s[0]), s[1], -s[2]),
    )
    windows = [w for w in POPULARITY_WINDOWS if w in grid.popularity_windows]
    shares = sorted(s for s in grid.popularity_shares if 0 < s < 1)
    popularity_alone = [
        Candidate(popularity_window=w, popularity_share=1.0) for w in POPULARITY_WINDOWS
    ]
    item_alone = [Candidate(u, k, l2) for u, k, l2 in item_settings]
    blends = [
        Candidate(u, k, l2, window, share)
        for (u, k, l2), window, share in product(item_settings, windows, shares)
    ]
    return popularity_alone + (item_alone if 0 in grid.popularity_shares else []) + blends


def _as_list(value) -> list:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            # A list var rendered into a Python model's config arrives as its text.
            return list(ast.literal_eval(stripped))
        return [stripped]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def candidate_of(row) -> Candidate:
    """A recommendation_evaluation row's candidate."""
    uses_items = row["popularity_share"] < 1
    return Candidate(
        count_unit=row["count_unit"] if uses_items else None,
        neighbours=int(row["neighbours"]) if uses_items else None,
        l2_multiple=float(row["l2_multiple"]) if uses_items else None,
        popularity_window=row["popularity_window"] if row["popularity_share"] > 0 else None,
        popularity_share=float(row["popularity_share"]),
    )


def chosen_candidate(evaluation: pd.DataFrame, grid: CandidateGrid) -> Candidate:
    """The candidate recommendation_evaluation chose; with no fold to choose on, the first value
    of each of the grid's settings."""
    chosen = evaluation[evaluation["is_chosen"].fillna(False).astype(bool)]
    if len(chosen):
        return candidate_of(chosen.iloc[0])
    share = grid.popularity_shares[0]
    return Candidate(
        count_unit=grid.count_units[0],
        neighbours=grid.neighbours[0],
        l2_multiple=grid.l2_multiples[0],
        popularity_window=grid.popularity_windows[0] if share > 0 else None,
        popularity_share=share,
    )


def item_model_candidate(evaluation: pd.DataFrame, grid: CandidateGrid) -> Candidate:
    """The item model the build publishes: the chosen candidate's, or when the build chose
    popularity alone, that of the most precise candidate with one."""
    chosen = chosen_candidate(evaluation, grid)
    if chosen.uses_item_model:
        return chosen
    with_items = evaluation[(evaluation["popularity_share"] < 1) & evaluation["is_candidate"]]
    if with_items.empty:
        return Candidate(grid.count_units[0], grid.neighbours[0], grid.l2_multiples[0])
    best = with_items.sort_values(["precision_at_k", "candidate"], ascending=[False, True]).iloc[0]
    return replace(candidate_of(best), popularity_window=None, popularity_share=0.0)
