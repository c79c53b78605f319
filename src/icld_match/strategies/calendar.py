"""Internship windows in the portfolio: days picked first, then the joint exact model.

Greedy, decompose and LNS plan fixed dates. For a problem with windows, ``fixed_days``
picks one start per windowed cohort (the same days for all its teams, valid under both
policies): cohorts with the most members first, each taking the start whose open hosts
offer its members the most places left on those days. The resulting fixed-date problem
goes through the normal portfolio; its plan, re-checked against the original problem,
warm-starts the exact model, which then chooses every team's days jointly (per team
when the policy says so). When the exact model is too large, the fixed-date plan stands:
that part is approximate (the days are a heuristic choice).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np

from ..analysis.check import check
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation
from ..records.schema import Cohort, Problem, study_visit_days


def fixed_days(index: ProblemIndex) -> Problem:
    """The problem with each window replaced by fixed internship days (a heuristic pick)."""
    problem = index.problem
    people_left: dict[tuple[int, date], int] = defaultdict(int)
    order = sorted(index.open_starts, key=lambda c: -len(index.members(c)))
    chosen: dict[int, date] = {}
    for c in order:
        cohort = problem.cohorts[c]
        members = index.members(c)
        usable = index.allowed[members].any(axis=0)
        smallest = cohort.team_size.min
        needed = -(-len(members) // cohort.team_size.max)  # the fewest teams it can form
        best: tuple[tuple[int, int, int], date] | None = None
        for row, start in enumerate(cohort.starts()):
            days = cohort.dates_from(start).days()
            places = teams = 0
            for h in np.flatnonzero(usable & index.open_starts[c][row]).tolist():
                host = problem.hosts[h]
                room = max(
                    0, host.capacity.max_participants - max(people_left[(h, d)] for d in days)
                )
                places += room
                teams += min(host.capacity.max_teams, room // smallest)
            # room for twice the teams and people it needs counts as ample; then earliest
            score = (min(teams, 2 * needed), min(places, 2 * len(members)), -row)
            if best is None or score > best[0]:
                best = (score, start)
        assert best is not None  # a validated window holds at least one start
        chosen[c] = best[1]
        share = len(members) / max(1, int(usable.sum()))  # expected use, spread evenly
        for h in np.flatnonzero(usable).tolist():
            for d in cohort.dates_from(best[1]).days():
                people_left[(h, d)] += int(np.ceil(share))
    cohorts = [
        _fixed(cohort, chosen[c]) if c in chosen else cohort
        for c, cohort in enumerate(problem.cohorts)
    ]
    return problem.model_copy(update={"cohorts": cohorts})


def _fixed(cohort: Cohort, start: date) -> Cohort:
    """The cohort with its internship on the days from ``start``; its study visits keep
    every day of the window, as in the problem itself (fixing them to the internship
    days cost season-full about a point of visit fit and travel)."""
    visits = [
        visit.model_copy(update={"days": study_visit_days(cohort, visit)})
        for visit in cohort.study_visits
    ]
    update = {"internship": cohort.dates_from(start), "window": None, "study_visits": visits}
    return cohort.model_copy(update=update)


def valid_for(
    problem: Problem, plan: Allocation | None, relaxed: bool = False
) -> Allocation | None:
    """The fixed-date plan if the original problem's referee accepts it, else None (in
    relaxed mode people left out are expected: only those placement breaches pass)."""
    if plan is None:
        return None
    placed = {m for team in plan.teams for m in team.members}
    unplaced = {p.id for p in problem.participants} - placed if relaxed else set()
    for breach in check(problem, plan):
        if not (breach.rule == "placement" and set(breach.records) <= unplaced):
            return None
    return plan
