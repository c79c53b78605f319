"""Build the CP-SAT model from the rules, run it, and decode the answer into an Allocation."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from ortools.sat.python import cp_model

from .index import ProblemIndex
from .model import SCALE, ModelContext, build_context
from .precheck import precheck
from .result import Allocation, Status, Team, TermValue
from .rules import apply_all
from .schema import Problem

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.INVALID,
}


@dataclass(frozen=True)
class Progress:
    """Reported to ``on_progress`` each time CP-SAT finds a better allocation."""

    objective: float
    best_bound: float
    wall_time: float
    solutions: int


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[Progress], None], offset: float) -> None:
        super().__init__()
        self._report, self._offset, self._count = report, offset, 0

    def on_solution_callback(self) -> None:
        self._count += 1
        self._report(
            Progress(
                objective=self.objective_value / SCALE + self._offset,
                best_bound=self.best_objective_bound / SCALE + self._offset,
                wall_time=self.wall_time,
                solutions=self._count,
            )
        )


#: Full-problem workers for small worker counts, strongest LP first (see ``configure``).
_FEW_WORKER_SUBSOLVERS = ("max_lp", "default_lp", "quick_restart", "reduced_costs", "core", "no_lp")


def configure(params: object, *, time_limit: float, seed: int, workers: int, log: bool) -> None:
    """Set CP-SAT parameters.

    The team terms (countries present, hosts visited) are clauses that CP-SAT's default
    LP leaves out; the LP that includes them (linearization level 2) proves the 25-person
    example optimal in 0.03 s where the default LP's bound stays ~3x too high after 20 s.
    CP-SAT runs that LP only from 8 workers up, so with fewer we ask for it first.
    """
    p: Any = params
    p.max_time_in_seconds = time_limit
    p.random_seed = seed
    p.num_workers = workers
    p.log_search_progress = log
    if workers == 1:
        p.linearization_level = 2
    elif workers < 8:
        p.subsolvers.extend(_FEW_WORKER_SUBSOLVERS)


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def set_objective(ctx: ModelContext) -> float:
    """Maximise the weighted terms in integer units of 1/SCALE; return the constant part."""
    coefficients: dict[int, tuple[cp_model.IntVar, int]] = {}
    constant = 0.0
    for term in ctx.terms:
        sign = 1.0 if term.sense == "reward" else -1.0
        constant += sign * term.weight * term.constant
        for coef, var in term.coefficients:
            scaled = round(sign * term.weight * coef * SCALE)
            old = coefficients.get(var.index, (var, 0))[1]
            coefficients[var.index] = (var, old + scaled)
    ctx.model.maximize(
        cp_model.LinearExpr.weighted_sum(
            [v for v, _ in coefficients.values()], [c for _, c in coefficients.values()]
        )
    )
    return constant


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    log: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
) -> Allocation:
    """Form the teams and pick their hosts, maximising the weighted objective.

    Never raises on an impossible problem: the allocation's status says infeasible and
    ``reasons`` says why. With ``workers=1`` and the same seed the answer is reproducible
    (for one OR-Tools version, recorded in the result).
    """
    return solve_index(
        ProblemIndex.build(problem),
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        log=log,
        on_progress=on_progress,
    )


def solve_index(
    index: ProblemIndex,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    log: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    skip_rules: frozenset[str] = frozenset(),
) -> Allocation:
    """:func:`solve` on a prebuilt index; ``skip_rules`` drops named rules (what-if, tests)."""
    started = time.perf_counter()
    workers = default_workers() if workers is None else workers
    if not time_limit > 0:
        raise ValueError(f"time_limit must be positive, got {time_limit}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")

    def answer(status: Status, solve_time: float = 0.0, **fields: Any) -> Allocation:
        return Allocation(
            status=status,
            wall_time=time.perf_counter() - started,
            solve_time=solve_time,
            seed=seed,
            workers=workers,
            time_limit=time_limit,
            ortools_version=version("ortools"),
            **fields,
        )

    if skip_rules:
        index = index.relaxed(skip_rules)
    reasons = [] if skip_rules else precheck(index)
    if reasons:
        return answer(Status.INFEASIBLE, reasons=reasons)
    ctx = build_context(index)
    apply_all(ctx, skip_rules)
    offset = set_objective(ctx)

    solver = cp_model.CpSolver()
    configure(solver.parameters, time_limit=time_limit, seed=seed, workers=workers, log=log)
    callback = _ProgressCallback(on_progress, offset) if on_progress else None
    status = _STATUS.get(solver.solve(ctx.model, callback), Status.UNKNOWN)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        reason = _no_solution_reason(status, time_limit, ctx)
        return answer(status, solver.wall_time, reasons=[reason])

    terms = [
        TermValue(
            name=t.name,
            sense=t.sense,
            value=(value := t.value(solver.value)),
            weight=t.weight,
            contribution=(value if t.sense == "reward" else -value) * t.weight + 0.0,  # no -0.0
        )
        for t in ctx.terms
    ]
    scaled_objective, scaled_bound = solver.objective_value, solver.best_objective_bound
    objective = sum(t.contribution for t in terms)
    # The exact objective can differ from CP-SAT's by coefficient rounding (< 1/SCALE each).
    bound = objective if status is Status.OPTIMAL else max(objective, scaled_bound / SCALE + offset)
    return answer(
        status,
        solver.wall_time,
        teams=decode_teams(ctx, solver),
        objective=objective,
        best_bound=bound,
        gap=abs(scaled_bound - scaled_objective) / max(SCALE, abs(scaled_objective)),
        terms=terms,
    )


def _no_solution_reason(status: Status, time_limit: float, ctx: ModelContext) -> str:
    if status is Status.INFEASIBLE:
        return (
            "No allocation satisfies all hard rules together, although every pre-check "
            "passed: the combination of capacities, pins, keep-together/keep-apart groups "
            "and hard policies leaves no way to place everyone."
        )
    if status is Status.INVALID:
        return f"CP-SAT rejected the model: {ctx.model.validate()}"
    return f"No allocation was found within the time limit of {time_limit:g} s."


def decode_teams(ctx: ModelContext, solver: cp_model.CpSolver) -> list[Team]:
    problem, index = ctx.index.problem, ctx.index
    found = []
    for s, slot in enumerate(ctx.slots):
        members = [p for p in ctx.in_slot[s] if solver.boolean_value(ctx.x[p, s])]
        if not members:
            continue
        cohort, host = problem.cohorts[slot.cohort], problem.hosts[slot.host]
        ids = sorted(problem.participants[p].id for p in members)
        fit = float(index.fit[members, slot.host].mean())
        found.append((cohort.id, host.id, ids, cohort, fit))
    found.sort(key=lambda item: (item[0], item[1], item[2]))
    width = max(2, len(str(len(found))))
    return [
        Team(
            id=f"T{number:0{width}d}",
            cohort=cohort_id,
            host=host_id,
            members=ids,
            start=cohort.internship.start,
            end=cohort.internship.end,
            fit=round(fit, 6),
        )
        for number, (cohort_id, host_id, ids, cohort, fit) in enumerate(found, start=1)
    ]
