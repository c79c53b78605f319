"""Ids to integer arrays: the fit matrix and allowed-pair masks every later layer reads."""

from .problem_index import PAIR_RULES, ProblemIndex, fit_matrix

__all__ = ["PAIR_RULES", "ProblemIndex", "fit_matrix"]
