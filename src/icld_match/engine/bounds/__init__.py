"""Upper bounds (see cohorts)."""

from .cohorts import Bound, upper_bound

__all__ = ["Bound", "upper_bound"]
