"""Study visits as integer positions: which visit, which days, which hosts, what fit.

A *visit* is one study visit of one cohort (the whole group travels). Each may go to a
host on a day; an *option* is such a (host, day). Options are kept with the rules that
close them (``visit_capacity``, ``visit_days``) so that the model creates variables only
for open ones and diagnosis can still name the rule that closed the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from ..records.schema import Problem, study_visit_days

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class VisitOption:
    """One (host, day) a visit could take, and which visit rules close it (none: open)."""

    host: int
    day: date
    closed_by: tuple[str, ...]

    @property
    def open(self) -> bool:
        return not self.closed_by

    @property
    def day_open(self) -> bool:
        """The host receives groups that day (whatever the group's size)."""
        return "visit_days" not in self.closed_by


@dataclass(frozen=True)
class StudyVisits:
    """Every study visit of the problem, in cohort order, with its options and fits."""

    #: (cohort position, visit id) per visit.
    keys: list[tuple[int, str]]
    #: Days each visit may take place (the visit's own, else its cohort's window).
    days: list[list[date]]
    #: visits x hosts: theme fit of the visit with the host's group-visit themes.
    fit: FloatMatrix
    #: Per visit: every (host, day) of a host that offers group visits at all.
    options: list[list[VisitOption]]

    @classmethod
    def build(cls, problem: Problem) -> StudyVisits:
        head_count = Counter(p.cohort for p in problem.participants)
        keys: list[tuple[int, str]] = []
        days: list[list[date]] = []
        options: list[list[VisitOption]] = []
        for c, cohort in enumerate(problem.cohorts):
            for visit in cohort.study_visits:
                keys.append((c, visit.id))
                allowed = study_visit_days(cohort, visit)
                days.append(allowed)
                options.append(
                    [
                        VisitOption(h, day, _closed_by(host_cap, head_count[cohort.id], ok))
                        for h, host in enumerate(problem.hosts)
                        if host.group_visits is not None
                        for host_cap in [host.group_visits.capacity]
                        for day in allowed
                        for ok in [host.receives_group(day)]
                    ]
                )
        return cls(keys, days, visit_fit_matrix(problem), options)

    def __len__(self) -> int:
        return len(self.keys)

    def open_options(self, k: int) -> list[VisitOption]:
        return [o for o in self.options[k] if o.open]

    def best_fit(self) -> float:
        """Sum over visits of the best fit among its open options: the term's ceiling."""
        return float(
            sum(
                max((self.fit[k, o.host] for o in self.open_options(k)), default=0.0)
                for k in range(len(self))
            )
        )


def _closed_by(capacity: int, size: int, day_ok: bool) -> tuple[str, ...]:
    closed = () if capacity >= size else ("visit_capacity",)
    return closed if day_ok else (*closed, "visit_days")


def visit_fit_matrix(problem: Problem) -> FloatMatrix:
    """visits x hosts: Σ_t w[v,t] · s[h,t] / Σ_t w[v,t] with the host's group-visit
    strengths (0 for a host without group visits, or a visit without themes)."""
    visits = [v for c in problem.cohorts for v in c.study_visits]
    tags: dict[str, int] = {}
    for record in visits:
        for tag in record.themes:
            tags.setdefault(tag.casefold(), len(tags))
    for host in problem.hosts:
        for tag in host.group_visits.themes if host.group_visits else {}:
            tags.setdefault(tag.casefold(), len(tags))
    weights = np.zeros((len(visits), len(tags)))
    for row, record in enumerate(visits):
        for tag, weight in record.themes.items():
            weights[row, tags[tag.casefold()]] = weight
    strengths = np.zeros((len(problem.hosts), len(tags)))
    for row, host in enumerate(problem.hosts):
        for tag, strength in host.group_visits.themes.items() if host.group_visits else ():
            strengths[row, tags[tag.casefold()]] = strength
    totals = weights.sum(axis=1, keepdims=True)
    shares = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    fit: FloatMatrix = shares @ strengths.T
    return fit
