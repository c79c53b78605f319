"""Ids to integer positions, fit matrix and allowed-pair masks."""

from ..records.catalogue import PAIR_RULES
from .problem_index import ProblemIndex, fit_matrix

__all__ = ["PAIR_RULES", "ProblemIndex", "fit_matrix"]
