"""The exact model of the whole problem, warm-started from the best plan so far.

Why keep it in the portfolio: it is the only strategy with a proven bound (CP-SAT's), it
proves the optimum of cohort- and season-size problems when given time, and with a
complete hint it never returns less than the plan it started from.
"""

from __future__ import annotations

from ..analysis.check import objective as objective_of
from ..engine.clock import Deadline, StopFlag
from ..engine.cpsat import Outcome, RunSpec, exact_size, run_model
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation, Status
from .context import Context

#: Above this many assignment literals the portfolio does not run the exact model.
EXACT_LIMIT = 60_000


def as_allocation(outcome: Outcome, strategy: str) -> Allocation:
    return Allocation(
        status=outcome.status,
        teams=outcome.teams,
        visits=outcome.visits,
        objective=outcome.objective,
        best_bound=outcome.bound,
        gap=outcome.gap,
        terms=outcome.terms,
        solve_time=outcome.solve_time,
        strategy=strategy,
    )


class Exact:
    """CP-SAT on the whole model until proof, deadline or interrupt."""

    name = "exact"

    def __init__(self, *, light: bool = False) -> None:
        self.light = light
        #: The last run's outcome (status and bound even when it found nothing better).
        self.outcome: Outcome | None = None

    @staticmethod
    def fits(index: ProblemIndex) -> bool:
        return exact_size(index) <= EXACT_LIMIT

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        options, deadline = ctx.options, ctx.deadline
        spec = RunSpec(
            seed=options.seed,
            workers=options.workers,
            log=options.log,
            light=self.light,
            allow_unplaced=options.allow_unplaced,
        )

        def found(objective: float, bound: float, _: float) -> None:
            ctx.report(objective, self.name, bound)

        self.outcome = run_model(index, spec, deadline=deadline, hint=incumbent, on_solution=found)
        if not self.outcome.found:
            return None
        return as_allocation(self.outcome, self.name)


def solve_block(
    index: ProblemIndex,
    hint: Allocation,
    *,
    time_limit: float,
    seed: int,
    stop: StopFlag,
    allow_unplaced: bool = False,
) -> Allocation:
    """One small block's exact model with one worker, warm-started from its current teams."""
    clock = Deadline(time_limit, stop=stop)
    outcome = run_model(
        index,
        RunSpec(seed=seed, workers=1, allow_unplaced=allow_unplaced),
        deadline=clock,
        hint=hint,
    )
    if not outcome.found:
        return Allocation(status=outcome.status, solve_time=outcome.solve_time)
    return as_allocation(outcome, "exact")


def better(index: ProblemIndex, plan: Allocation | None, than: Allocation | None) -> bool:
    """True when ``plan`` is valid-shaped and strictly better than ``than``."""
    if plan is None or plan.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return False
    if than is None:
        return True
    return objective_of(index.problem, plan) > objective_of(index.problem, than) + 1e-6
