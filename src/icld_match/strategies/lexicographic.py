"""Stage 1 of the lexicographic objective: the best lowest fit any valid plan reaches.

Why a stage of its own: "first the worst-off participant, then everyone" cannot be one
weighted sum without a weight large enough to swamp every other term. Stage 1 finds the
best floor F (CP-SAT maximising one integer bounded by every participant's fit, in
millionths, warm-started from the greedy plan so that it never returns less than that
plan's lowest fit); stage 2 (``strategies.solve``) solves the whole problem through the
normal engine with a hard ``fit_floor`` at F, so every plan it may return keeps F.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from ..engine.clock import Deadline
from ..engine.cpsat import RunSpec, add_hint, build, configure, decode_teams, exact_size
from ..index.problem_index import ProblemIndex
from ..records.catalogue import SOFT_ONLY
from ..records.result import Allocation, Status
from .context import SolveOptions
from .exact import EXACT_LIMIT
from .greedy import greedy_allocation

#: Stage 1 models fits in these units: the best floor is proven to 1e-6.
UNITS = 1_000_000


@dataclass(frozen=True)
class Floor:
    """The best lowest fit found, the plan that has it, and whether no plan does better."""

    value: float
    plan: Allocation
    proven: bool
    source: str  # "greedy" or "exact"


def lowest_fit(index: ProblemIndex, plan: Allocation) -> float:
    """The lowest fit of any participant the plan places (1.0 if it places nobody)."""
    pairs = index.pairs_of(plan)
    return float(index.fit[pairs].min()) if pairs.any() else 1.0


def ceiling(index: ProblemIndex) -> float:
    """No plan's lowest fit exceeds the lowest, over participants, of their best fit at a
    host every pair rule allows (0 when someone's themes match no open host)."""
    best = np.where(index.allowed, index.fit, -np.inf).max(axis=1)
    return float(best.min()) if index.n_participants else 1.0


def best_floor(index: ProblemIndex, options: SolveOptions, deadline: Deadline) -> Floor | None:
    """The highest lowest fit found within ``deadline`` (None: no plan found at all).

    Above EXACT_LIMIT literals (where the portfolio does not run the exact model either)
    the greedy plan's lowest fit is the floor, unproven.
    """
    start = greedy_allocation(index, deadline=deadline)
    if start is not None and lowest_fit(index, start) >= ceiling(index) - 1e-12:
        return Floor(lowest_fit(index, start), start, True, "greedy")  # nothing can be higher
    if exact_size(index) > EXACT_LIMIT:
        return None if start is None else Floor(lowest_fit(index, start), start, False, "greedy")
    return _exact_floor(index, options, deadline, start)


def _exact_floor(
    index: ProblemIndex, options: SolveOptions, deadline: Deadline, start: Allocation | None
) -> Floor | None:
    """CP-SAT maximising the lowest fit (in UNITS), warm-started from ``start``."""
    # the objective terms are not needed: only the hard rules and the fits
    spec = RunSpec(
        seed=options.seed, workers=options.workers, log=options.log, skip_rules=SOFT_ONLY
    )
    ctx = build(index, spec)
    worst = ctx.model.new_int_var(0, UNITS, "lowest_fit")
    for p in range(index.n_participants):
        units = [
            (math.floor(float(index.fit[p, ctx.slots[s].host]) * UNITS + 1e-6), ctx.x[p, s])
            for s in ctx.of_participant[p]
        ]
        ctx.model.add(worst <= sum(u * x for u, x in units))
    ctx.model.maximize(worst)
    if start is not None:
        add_hint(ctx, start, deadline=deadline)
    solver = cp_model.CpSolver()
    configure(
        solver.parameters,
        time_limit=deadline.remaining(),
        seed=options.seed,
        workers=options.workers,
        log=options.log,
    )
    with deadline.stop.watching(solver):
        code = solver.solve(ctx.model)
    found: Floor | None = None
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = Allocation(status=Status.FEASIBLE, teams=decode_teams(ctx, solver))
        found = Floor(lowest_fit(index, plan), plan, code == cp_model.OPTIMAL, "exact")
    if start is not None and (found is None or lowest_fit(index, start) > found.value):
        proven = found is not None and found.proven
        found = Floor(lowest_fit(index, start), start, proven, "greedy")
    return found
