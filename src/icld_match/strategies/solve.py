"""Build the CP-SAT model from the rules, run it, and decode the answer into an Allocation."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, Literal

import numpy as np
from ortools.sat.python import cp_model

from ..analysis.check import check, score
from ..analysis.check import objective as objective_of
from ..analysis.diagnose import diagnose_index
from ..analysis.precheck import explain_unplaced, precheck
from ..engine.model import SCALE, ModelContext, Term, build_context, candidate_counts, slot_matrix
from ..engine.rules import apply_all
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation, Status, Team, TermValue
from ..records.schema import Problem
from ..records.validation import raise_for_objective_range
from .decompose import CohortRecords, improve_by_cohort, independent_parts, subproblem
from .greedy import greedy_allocation

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
    best_bound: float | None  # None for a plan found outside CP-SAT (the greedy warm start)
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


def configure(
    params: object,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    log: bool,
    light: bool = False,
) -> None:
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
    if light:
        # large shortlisted models: presolve took 4 s of a 30 s budget on 1,000 people;
        # the first solution comes from the hint and LNS, so search starts at once
        p.cp_model_probing_level = 0
        p.symmetry_level = 0
        p.max_presolve_iterations = 1
    if workers == 1:
        p.linearization_level = 2
    elif workers < 8:
        p.subsolvers.extend(_FEW_WORKER_SUBSOLVERS)


Strategy = Literal["auto", "exact", "decompose", "shortlist"]
#: Above this many assignment literals, "auto" switches from the exact model to decompose.
EXACT_LIMIT = 60_000
#: Assignment literals a shortlisted model aims at.
SHORTLIST_TARGET = 40_000


def exact_size(index: ProblemIndex) -> int:
    """Assignment literals of the exact model: candidates x slots over cohorts and hosts."""
    return int((slot_matrix(index) * candidate_counts(index)).sum())


def shortlist_size(index: ProblemIndex) -> int:
    """Hosts kept per participant so that the model has about SHORTLIST_TARGET literals."""
    slots_per_host = max(1.0, float(slot_matrix(index).mean()))
    wanted = SHORTLIST_TARGET / (index.n_participants * slots_per_host)
    return int(min(30, max(6, wanted)))


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def set_objective(model: cp_model.CpModel, terms: list[Term]) -> float:
    """Maximise the weighted terms in integer units of 1/SCALE; return the constant part."""
    coefficients: dict[int, tuple[cp_model.IntVar, int]] = {}
    constant = 0.0
    for term in terms:
        sign = 1.0 if term.sense == "reward" else -1.0
        constant += sign * term.weight * term.constant
        for coef, var in term.coefficients:
            scaled = round(sign * term.weight * coef * SCALE)
            old = coefficients.get(var.index, (var, 0))[1]
            coefficients[var.index] = (var, old + scaled)
    model.maximize(
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
    allow_unplaced: bool = False,
    hint: Allocation | None = None,
    strategy: Strategy = "auto",
) -> Allocation:
    """Form the teams and pick their hosts, maximising the weighted objective.

    Never raises on an impossible problem: the allocation's status says infeasible and
    ``reasons`` says why (pre-checks, then a core of conflicting rules). With
    ``allow_unplaced`` it places as many participants as it can first, then optimises,
    and lists who is unplaced and why. ``hint`` warm-starts the search from an earlier
    allocation. With ``workers=1`` and the same seed the answer is reproducible (for one
    OR-Tools version, recorded in the result).

    ``strategy``:

    * "exact" solves the full model (proven optimum and bound);
    * "decompose" builds a greedy plan (or starts from a valid ``hint``), then re-solves
      one cohort, later two, at a time with the exact model while the others stay fixed
      (see :mod:`icld_match.strategies.decompose`): fast and strong on thousands of participants,
      but with no proven bound (status at best ``feasible``);
    * "shortlist" lets each participant keep only their best few hosts (plus their
      greedy host) and improves the greedy plan with CP-SAT on that smaller model (also
      no proven bound);
    * "auto" (the default) first splits the cohorts into independent parts (no host
      shared on a common day or under a season cap) and solves each apart (their bounds
      add up); each part, or the whole, uses the exact model up to EXACT_LIMIT assignment
      literals, and "decompose" above.

    The result's ``strategy`` says which was used ("exact", "decompose", "shortlist-K",
    "greedy", or "parts-N(...)" with the strategies of the parts).
    """
    started = time.perf_counter()  # the time limit covers building the index too
    raise_for_objective_range(problem)  # a ProblemError naming the weight, not CP-SAT's
    return solve_index(
        ProblemIndex.build(problem),
        started=started,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        log=log,
        on_progress=on_progress,
        allow_unplaced=allow_unplaced,
        hint=hint,
        strategy=strategy,
    )


def solve_index(
    index: ProblemIndex,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    log: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    allow_unplaced: bool = False,
    hint: Allocation | None = None,
    skip_rules: frozenset[str] = frozenset(),
    primary: Callable[[ModelContext], Any] | None = None,
    strategy: Strategy = "auto",
    started: float | None = None,
) -> Allocation:
    """:func:`solve` on a prebuilt index.

    ``skip_rules`` drops named rules (what-if, tests). ``primary`` builds an expression
    that is maximised first; the weighted objective is then maximised without letting it
    drop (a lexicographic objective, as re-planning needs). ``strategy`` picks the
    formulation (see :func:`solve`). ``started`` is the ``time.perf_counter()`` value the
    time limit counts from (default: now).
    """
    started = time.perf_counter() if started is None else started
    workers = default_workers() if workers is None else workers
    if not time_limit > 0:
        raise ValueError(f"time_limit must be positive, got {time_limit}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    deadline = started + time_limit
    fallback: Allocation | None = None
    name = "exact"
    full_index = index  # diagnoses always speak of the whole problem

    def answer(
        status: Status, solve_time: float = 0.0, strategy_name: str | None = None, **fields: Any
    ) -> Allocation:
        return Allocation(
            status=status,
            wall_time=time.perf_counter() - started,
            solve_time=solve_time,
            seed=seed,
            workers=workers,
            time_limit=time_limit,
            ortools_version=version("ortools"),
            strategy=strategy_name or name,
            **fields,
        )

    def plan_answer(plan: Allocation, solve_time: float, how: str = "greedy") -> Allocation:
        nonlocal name
        name = how
        terms = score(index.problem, plan)
        objective = sum(t.contribution for t in terms)
        return answer(
            Status.FEASIBLE, solve_time, teams=plan.teams, objective=objective, terms=terms
        )

    if skip_rules:
        index = index.relaxed(skip_rules)
    if not (skip_rules or allow_unplaced):
        failed = precheck(index)
        if failed:
            return answer(Status.INFEASIBLE, reasons=failed)
    automatic = strategy == "auto" and primary is None and not (allow_unplaced or skip_rules)
    if automatic:
        parts = independent_parts(index)
        if len(parts) > 1:
            return _solve_parts(index, parts, deadline, answer, seed, workers, log, hint)
    large = automatic and exact_size(index) > EXACT_LIMIT
    scaled = strategy in ("decompose", "shortlist") or large
    if scaled:
        fallback = greedy_allocation(index)
        if fallback is not None and on_progress is not None:
            elapsed = time.perf_counter() - started
            on_progress(Progress(objective_of(index.problem, fallback), None, elapsed, 0))
    if fallback is not None and strategy != "shortlist":
        steps = 0

        def improved(objective: float) -> None:
            nonlocal steps
            steps += 1
            if on_progress is not None:
                on_progress(Progress(objective, None, time.perf_counter() - started, steps))

        start = fallback
        if hint is not None and not check(index.problem, hint):
            start = max(fallback, hint, key=lambda plan: objective_of(index.problem, plan))
        # one CP-SAT worker per block, as many blocks at once as workers: the block models
        # are small (1,000 people, 60 s: 1013.7 with one worker on one block at a time,
        # 1010.3 with two workers on it)
        plan = improve_by_cohort(
            index, start, deadline=deadline, seed=seed, threads=workers, on_improvement=improved
        )
        return plan_answer(plan, plan.solve_time, "decompose")
    if scaled:
        # the shortlist model was asked for, or the greedy plan that decompose starts from
        # got stuck: the shortlist model then searches from scratch
        keep = shortlist_size(index)
        anchor = index.pairs_of(fallback) if fallback is not None else None
        full_index, index = index, index.shortlisted(keep, anchor)
        hint = hint or fallback
        name = f"shortlist-{keep}"
    ctx = build_context(index, allow_unplaced=allow_unplaced)
    apply_all(ctx, skip_rules)
    if hint is not None:
        add_hint(ctx, hint)

    first = [primary(ctx)] if primary else []
    if allow_unplaced:
        placed = sum(ctx.placed(p) for p in range(index.n_participants))
        first = [placed * (index.n_participants + 1) + (first[0] if first else 0)]
    solver = cp_model.CpSolver()
    solve_time, first_proven = 0.0, True
    if first:
        ctx.model.maximize(first[0])
        configure(solver.parameters, time_limit=time_limit, seed=seed, workers=workers, log=log)
        code = solver.solve(ctx.model)
        solve_time += solver.wall_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            status = _STATUS.get(code, Status.UNKNOWN)
            return answer(status, solve_time, reasons=_no_solution(status, full_index, time_limit))
        first_proven = code == cp_model.OPTIMAL
        ctx.model.add(first[0] >= round(solver.objective_value))
        ctx.model.clear_hints()  # type: ignore[no-untyped-call]
        for var in ctx.x.values():
            ctx.model.add_hint(var, solver.boolean_value(var))

    offset = set_objective(ctx.model, ctx.terms)
    left = max(deadline - time.perf_counter(), 0.1 * time_limit)
    configure(
        solver.parameters,
        time_limit=left,
        seed=seed,
        workers=workers,
        log=log,
        light=name != "exact",
    )
    callback = _ProgressCallback(on_progress, offset) if on_progress else None
    status = _STATUS.get(solver.solve(ctx.model, callback), Status.UNKNOWN)
    solve_time += solver.wall_time
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        if fallback is not None:
            return plan_answer(fallback, solve_time)
        if name != "exact":
            reason = (
                f"Neither the greedy plan nor the {name} model found an allocation in "
                f"{time_limit:g} s; try strategy='exact' or a longer time limit."
            )
            return answer(Status.UNKNOWN, solve_time, reasons=[reason])
        return answer(status, solve_time, reasons=_no_solution(status, full_index, time_limit))
    if not first_proven:
        status = Status.FEASIBLE  # the first objective's optimum was not proven

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
    bound: float | None = (
        objective if status is Status.OPTIMAL else max(objective, scaled_bound / SCALE + offset)
    )
    teams = decode_teams(ctx, solver)
    unplaced, reasons = [], []
    if allow_unplaced:
        placed_ids = {m for team in teams for m in team.members}
        left_out = [p for p in index.problem.participants if p.id not in placed_ids]
        if left_out:
            unplaced = [explain_unplaced(index, p.id) for p in left_out]
            reasons = diagnose_index(index, time_limit=min(10.0, time_limit)).reasons()
    gap: float | None = abs(scaled_bound - scaled_objective) / max(SCALE, abs(scaled_objective))
    if name != "exact":
        # optimal on the shortlist only: no proven bound for the whole problem
        if fallback is not None and objective < objective_of(index.problem, fallback):
            return plan_answer(fallback, solve_time)
        status, bound, gap = Status.FEASIBLE, None, None
    return answer(
        status,
        solve_time,
        teams=teams,
        objective=objective,
        best_bound=bound,
        gap=gap,
        terms=terms,
        unplaced=unplaced,
        reasons=reasons,
    )


def _solve_parts(
    index: ProblemIndex,
    parts: list[list[int]],
    deadline: float,
    answer: Callable[..., Allocation],
    seed: int,
    workers: int,
    log: bool,
    hint: Allocation | None,
) -> Allocation:
    """Solve independent groups of cohorts one by one and join their plans.

    The parts share no host on a common day or under a season cap, so the joined plan is
    optimal when every part is, and the parts' bounds add up to a bound of the whole.
    Time is shared by the parts in proportion to their participants.
    """
    records = CohortRecords.of(index)
    usable = slot_matrix(index) > 0
    people = [sum(len(index.members(c)) for c in part) for part in parts]
    found: list[Allocation] = []
    for n, (part, size) in enumerate(zip(parts, people, strict=True)):
        hosts = np.flatnonzero(usable[part].any(axis=0)).tolist()
        sub = ProblemIndex.build(subproblem(index, records, part, hosts))
        share = max(0.0, deadline - time.perf_counter()) * size / sum(people[n:])
        solved = solve_index(
            sub, time_limit=max(share, 0.01), seed=seed, workers=workers, log=log, hint=hint
        )
        if not solved.is_feasible():
            return answer(solved.status, solved.solve_time, reasons=solved.reasons)
        found.append(solved)
    teams = index.renumbered(t for solved in found for t in solved.teams)
    terms = score(index.problem, Allocation(status=Status.FEASIBLE, teams=teams))
    total = sum(t.contribution for t in terms)
    bounds = [solved.best_bound for solved in found]
    bound = None if None in bounds else max(total, sum(b for b in bounds if b is not None))
    optimal = all(solved.status is Status.OPTIMAL for solved in found)
    strategies = "+".join(sorted({solved.strategy for solved in found}))
    return answer(
        Status.OPTIMAL if optimal else Status.FEASIBLE,
        sum(solved.solve_time for solved in found),
        teams=teams,
        objective=total,
        best_bound=total if optimal else bound,
        gap=None if bound is None else abs(bound - total) / max(1.0, abs(total)),
        terms=terms,
        strategy_name=f"parts-{len(parts)}({strategies})",
    )


def add_hint(ctx: ModelContext, allocation: Allocation) -> None:
    """Warm-start from an allocation: each member to the same-rank slot at their host."""
    index = ctx.index
    at_host: dict[tuple[int, int], list[list[int]]] = {}
    for team in allocation.teams:
        if team.host in index.host_pos and team.cohort in index.cohort_pos:
            members = sorted(
                index.participant_pos[m] for m in team.members if m in index.participant_pos
            )
            key = (index.cohort_pos[team.cohort], index.host_pos[team.host])
            if members:
                at_host.setdefault(key, []).append(members)
    hinted: set[tuple[int, int]] = set()
    for key, teams in at_host.items():
        # the symmetry rule orders a host's slots by their lowest-indexed member
        for slot, members in zip(ctx.slots_at.get(key, []), sorted(teams), strict=False):
            hinted.update((p, slot) for p in members if (p, slot) in ctx.x)
    for key, var in ctx.x.items():
        ctx.model.add_hint(var, key in hinted)
    opened = {slot for _, slot in hinted}
    for slot, var in enumerate(ctx.used):
        ctx.model.add_hint(var, slot in opened)


def _no_solution(status: Status, index: ProblemIndex, time_limit: float) -> list[str]:
    if status is Status.INFEASIBLE:
        return diagnose_index(index, time_limit=min(10.0, time_limit)).reasons()
    if status is Status.INVALID:
        return ["CP-SAT rejected the model (a bug in icld-match: please report it)."]
    return [f"No allocation was found within the time limit of {time_limit:g} s."]


def decode_teams(ctx: ModelContext, solver: cp_model.CpSolver) -> list[Team]:
    return ctx.index.teams(
        (slot.cohort, slot.host, [p for p in ctx.in_slot[s] if solver.boolean_value(ctx.x[p, s])])
        for s, slot in enumerate(ctx.slots)
    )
