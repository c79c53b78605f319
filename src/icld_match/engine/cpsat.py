"""Build, run and decode one CP-SAT model: the only place that talks to the solver.

Strategies (exact model, decompose blocks, replan) all come through :func:`run_model`:
it builds the model from the rules, sets the objective (optionally a lexicographic first
objective), warm-starts it from a plan, runs CP-SAT under a time limit and a stop flag,
and decodes the answer into teams and per-term values.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from ..index.problem_index import ProblemIndex
from ..records.catalogue import VISIT_RULES
from ..records.result import Allocation, Status, Team, TermValue, Visit
from ..records.schema import DateRange
from .clock import Deadline
from .model import (
    SCALE,
    ModelContext,
    Term,
    build_context,
    candidate_counts,
    slot_matrix,
    visits_context,
)
from .rules import RULES, apply_all

STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.INVALID,
}

#: Full-problem workers for small worker counts, strongest LP first (see ``configure``).
_FEW_WORKER_SUBSOLVERS = ("max_lp", "default_lp", "quick_restart", "reduced_costs", "core", "no_lp")

#: Called with (objective, best bound, seconds inside CP-SAT) at each better solution.
OnSolution = Callable[[float, float, float], None]


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def exact_size(index: ProblemIndex) -> int:
    """Assignment literals of the exact model: candidates x slots over cohorts and hosts."""
    return int((slot_matrix(index) * candidate_counts(index)).sum())


def configure(
    params: object, *, time_limit: float, seed: int, workers: int, log: bool, light: bool = False
) -> None:
    """Set CP-SAT parameters.

    The team terms (countries present, hosts visited) are clauses that CP-SAT's default
    LP leaves out; the LP that includes them (linearization level 2) proves the 25-person
    example optimal in 0.03 s where the default LP's bound stays ~3x too high after 20 s.
    CP-SAT runs that LP only from 8 workers up, so with fewer we ask for it first.
    Probing is off and presolve runs one round: on the 246-person season model probing
    took 1.4 s of a 4.4 s presolve, and with one worker the bound after 10 s went from
    168 % of the optimum to 100.1-100.4 % (a 25-person cohort is proven as fast).
    ``light`` also skips symmetry detection, for models whose first solution is the hint.
    """
    p: Any = params
    p.max_time_in_seconds = max(0.001, time_limit)
    p.random_seed = seed
    p.num_workers = workers
    p.log_search_progress = log
    p.catch_sigint_signal = False  # solve() handles signals for every solver at once
    p.cp_model_probing_level = 0
    p.max_presolve_iterations = 1
    if light:
        p.symmetry_level = 0
    if workers == 1:
        p.linearization_level = 2
    elif workers < 8:
        p.subsolvers.extend(_FEW_WORKER_SUBSOLVERS)


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


def hint_values(ctx: ModelContext, allocation: Allocation) -> dict[int, int]:
    """Assignment and slot literals of an allocation: each member to the same-rank slot."""
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
    values = {var.index: int(key in hinted) for key, var in ctx.x.items()}
    opened = {slot for _, slot in hinted}
    values.update({var.index: int(slot in opened) for slot, var in enumerate(ctx.used)})
    values.update(visit_hint_values(ctx, allocation))
    return values


def visit_hint_values(ctx: ModelContext, allocation: Allocation) -> dict[int, int]:
    """Visit literals of an allocation's study visits (none when it has no visits)."""
    if not allocation.visits:
        return {}
    problem = ctx.index.problem
    chosen = {(v.cohort, v.visit, v.host, v.day) for v in allocation.visits}
    values: dict[int, int] = {}
    for k, (c, visit_id) in enumerate(ctx.index.visits.keys):
        mine = {
            var.index: int(
                (problem.cohorts[c].id, visit_id, problem.hosts[option.host].id, option.day)
                in chosen
            )
            for option, var in ctx.visit_vars[k]
        }
        if any(mine.values()):  # a visit whose old place is closed is left to the solver
            values.update(mine)
    return values


def add_hint(
    ctx: ModelContext, allocation: Allocation, *, deadline: Deadline | None = None
) -> None:
    """Warm-start from an allocation.

    A hint of the assignment literals alone leaves the auxiliary literals (countries
    present, hosts visited, colleagues together) open: on a 246-person season CP-SAT with
    one worker then spent its whole 10 s repairing the hint and returned no plan. So the
    hint is completed first by a tiny solve with the assignment fixed (0.25 s there), and
    CP-SAT starts from a complete, feasible solution it keeps.
    """
    values = hint_values(ctx, allocation)
    model = ctx.model
    limit = 5.0 if deadline is None else min(5.0, deadline.remaining())
    full = _completed(model, values, limit) if limit > 0 else None
    model.clear_hints()  # type: ignore[no-untyped-call]
    # written to the proto at once: one add_hint call per variable took 0.18 s of a
    # 26,000-variable season model
    hint = model.proto.solution_hint
    if full is None:
        hint.vars.extend(values.keys())
        hint.values.extend(values.values())
        return
    hint.vars.extend(range(len(full)))
    hint.values.extend(full)


def _completed(
    model: cp_model.CpModel, values: dict[int, int], time_limit: float
) -> list[int] | None:
    """Every variable's value given the assignment, or None if the assignment breaks a rule."""
    clone = model.clone()
    variables = clone.proto.variables
    for i, value in values.items():
        domain = variables[i].domain
        if len(domain) == 2 and domain[0] <= value <= domain[1]:
            domain[0] = domain[1] = value  # fixed in place: 10x faster than a constraint
        else:
            clone.add(clone.get_int_var_from_proto_index(i) == value)
    solver = cp_model.CpSolver()
    p: Any = solver.parameters
    p.num_workers, p.linearization_level, p.max_time_in_seconds = 1, 0, time_limit
    p.catch_sigint_signal = False
    p.cp_model_probing_level, p.symmetry_level = 0, 0
    if solver.solve(clone) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.response_proto.solution)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: OnSolution, offset: float) -> None:
        super().__init__()
        self._report, self._offset = report, offset

    def on_solution_callback(self) -> None:
        self._report(
            self.objective_value / SCALE + self._offset,
            self.best_objective_bound / SCALE + self._offset,
            self.wall_time,
        )


@dataclass
class Outcome:
    """What one CP-SAT run found: status, teams, per-term values, objective and bound."""

    status: Status
    solve_time: float = 0.0
    teams: list[Team] = field(default_factory=list)
    terms: list[TermValue] = field(default_factory=list)
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    visits: list[Visit] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class RunSpec:
    """How to run one model: limits, seed, workers, and what to optimise first."""

    seed: int = 0
    workers: int = 1
    log: bool = False
    light: bool = False
    allow_unplaced: bool = False
    skip_rules: frozenset[str] = frozenset()
    #: Builds an expression maximised first (lexicographic), e.g. participants kept.
    primary: Callable[[ModelContext], Any] | None = None


def build(index: ProblemIndex, spec: RunSpec) -> ModelContext:
    """The model with every rule but those skipped.

    With one worker the slot-ordering rule (``symmetry``) is left out and CP-SAT's own
    symmetry handling does that work: measured at one worker, a 161-person season was
    proven optimal in 5.5-6.0 s without it against 12.3-12.5 s with it, a 209-person
    season in 19.5 s against no proof in 20 s, the 25-person example in 0.06 s against
    0.085 s. With two workers it made no difference on the first and cost on another
    season (no hint: 129.0 against 239.6 after 15 s), so it stays there.
    """
    ctx = build_context(index, allow_unplaced=spec.allow_unplaced, skipped=spec.skip_rules)
    skip = spec.skip_rules | ({"symmetry"} if spec.workers == 1 else set())
    apply_all(ctx, frozenset(skip))
    return ctx


def first_objective(ctx: ModelContext, spec: RunSpec) -> Any | None:
    """The lexicographic first objective: the caller's, and placing people when relaxed."""
    first = spec.primary(ctx) if spec.primary else None
    if spec.allow_unplaced:
        n = ctx.index.n_participants
        placed = sum(ctx.placed(p) for p in range(n))
        first = placed * (n + 1) + (first if first is not None else 0)
    return first


def decode_time(ctx: ModelContext) -> float:
    """Seconds kept from CP-SAT's limit for decoding and checking its answer, so that the
    whole solve ends on time (26,500 variables of a season: decoding took 0.08 s of the
    0.19 s a 10 s run used to end late)."""
    return min(0.25, 6e-6 * len(ctx.model.proto.variables))


def run_model(
    index: ProblemIndex,
    spec: RunSpec,
    *,
    deadline: Deadline,
    hint: Allocation | None = None,
    on_solution: OnSolution | None = None,
) -> Outcome:
    """Build the model, run CP-SAT (first objective, then the weighted one), decode.

    Each CP-SAT call gets the time left on ``deadline`` when it starts (building the
    model and completing the hint count too); its stop flag stops the running solver.
    """
    ctx = build(index, spec)
    stop = deadline.stop
    solver = cp_model.CpSolver()
    first = first_objective(ctx, spec)
    solve_time, first_proven = 0.0, True
    if first is not None:
        ctx.model.maximize(first)
        if hint is not None:
            add_hint(ctx, hint, deadline=deadline)
        configure(
            solver.parameters,
            time_limit=deadline.remaining() - decode_time(ctx),
            seed=spec.seed,
            workers=spec.workers,
            log=spec.log,
        )
        with stop.watching(solver):
            code = solver.solve(ctx.model)
        solve_time = solver.wall_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Outcome(STATUS.get(code, Status.UNKNOWN), solve_time)
        first_proven = code == cp_model.OPTIMAL
        ctx.model.add(first >= round(solver.objective_value))
        hint = Allocation(
            status=Status.FEASIBLE,
            teams=decode_teams(ctx, solver),
            visits=decode_visits(ctx, solver),
        )
    offset = set_objective(ctx.model, ctx.terms)
    if hint is not None:
        add_hint(ctx, hint, deadline=deadline)
    configure(
        solver.parameters,
        time_limit=deadline.remaining() - decode_time(ctx),
        seed=spec.seed,
        workers=spec.workers,
        log=spec.log,
        light=spec.light,
    )
    callback = _Callback(on_solution, offset) if on_solution else None
    with stop.watching(solver):
        status = STATUS.get(solver.solve(ctx.model, callback), Status.UNKNOWN)
    solve_time += solver.wall_time
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return Outcome(status, solve_time)
    return _decode(ctx, solver, status if first_proven else Status.FEASIBLE, solve_time, offset)


def _decode(
    ctx: ModelContext, solver: cp_model.CpSolver, status: Status, solve_time: float, offset: float
) -> Outcome:
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
    gap = abs(scaled_bound - scaled_objective) / max(SCALE, abs(scaled_objective))
    teams, visits = decode_teams(ctx, solver), decode_visits(ctx, solver)
    return Outcome(status, solve_time, teams, terms, objective, bound, gap, visits=visits)


def decode_teams(ctx: ModelContext, solver: cp_model.CpSolver) -> list[Team]:
    if ctx.starts:
        return ctx.index.dated_teams(
            (slot.cohort, slot.host, _members(ctx, solver, s), _start(ctx, solver, s))
            for s, slot in enumerate(ctx.slots)
        )
    return ctx.index.teams(
        (slot.cohort, slot.host, [p for p in ctx.in_slot[s] if solver.boolean_value(ctx.x[p, s])])
        for s, slot in enumerate(ctx.slots)
    )


def _members(ctx: ModelContext, solver: cp_model.CpSolver, s: int) -> list[int]:
    return [p for p in ctx.in_slot[s] if solver.boolean_value(ctx.x[p, s])]


def _start(ctx: ModelContext, solver: cp_model.CpSolver, s: int) -> date:
    """The slot's chosen first day (its cohort's fixed start when it has no choice)."""
    for start, literal in ctx.starts.get(s, {}).items():
        if solver.boolean_value(literal):
            return start
    return ctx.index.problem.cohorts[ctx.slots[s].cohort].starts()[0]


def decode_visits(ctx: ModelContext, solver: cp_model.CpSolver) -> list[Visit]:
    """The chosen (host, day) of every study visit, in cohort and visit order."""
    problem, fit = ctx.index.problem, ctx.index.visits.fit
    return [
        Visit(
            cohort=problem.cohorts[c].id,
            visit=visit_id,
            host=problem.hosts[option.host].id,
            day=option.day,
            fit=round(float(fit[k, option.host]), 6),
        )
        for k, (c, visit_id) in enumerate(ctx.index.visits.keys)
        for option, var in ctx.visit_vars[k]
        if solver.boolean_value(var)
    ]


#: Seconds the visits-only model gets at least, whatever the deadline says.
VISITS_MIN_TIME = 1.0
#: Rules about teams and visits alike: the travel term and budgets count visit trips.
_SHARED_RULES = frozenset({"travel", "travel_budget"})
#: Every model rule that is not about study visits (left out of the visits-only model).
_TEAM_RULES = frozenset(
    name for name, _, _ in RULES if name not in VISIT_RULES and name not in _SHARED_RULES
)


def run_visits(index: ProblemIndex, teams: list[Team], *, deadline: Deadline) -> Outcome:
    """The best study visits given the teams: a small model of the visits alone.

    Why: greedy, decompose and LNS plan teams only; visits are few (a handful per
    cohort), so assigning them afterwards, the teams fixed, takes milliseconds.
    """
    return VisitsModel.of(index).solve(teams, deadline=deadline)


@dataclass(frozen=True)
class VisitsModel:
    """The visits-only model of one problem, built once and solved for many team sets.

    Why: the portfolio plans visits for every plan it accepts; building the model took
    about 50 ms of the 43-75 ms each call cost on ``season-full`` (1,250-1,560 options),
    three times in a 1 s run; a call now takes 18-24 ms. The teams enter only through
    parameters: a literal per (cohort, host, day) of a visit option (a team of the cohort
    is there) and each cohort's teams' travel spend, all fixed to 0 in the built model
    and set per solve in a copy of it.
    """

    ctx: ModelContext
    offset: float
    #: (cohort, host, day) -> proto index of its 'a team is there' literal
    present: dict[tuple[int, int, date], int]
    #: cohort -> proto index of the variable holding its teams' travel spend (öre)
    spent: dict[int, int]

    @classmethod
    def of(cls, index: ProblemIndex) -> VisitsModel:
        """The index's model, built at its first use (once, whichever thread asks)."""
        with _VISITS_LOCK:
            model = index.derived.get("visits_model")
            if not isinstance(model, VisitsModel):
                model = index.derived["visits_model"] = cls.build(index)
            return model

    @classmethod
    def build(cls, index: ProblemIndex) -> VisitsModel:
        """The model with its parameters: every visit option's (cohort, host, day) and
        every cohort's spend, the rules reading them as the given teams."""
        model = cp_model.CpModel()
        triples = {
            (c, option.host, option.day)
            for k, (c, _) in enumerate(index.visits.keys)
            for option in index.visits.options[k]
        }
        present = {t: model.new_bool_var(f"team{t}") for t in sorted(triples)}
        most = index.travel_units.max(axis=1, initial=0) * index.n_participants
        spent = {
            c: model.new_int_var(0, int(most[c]), f"spent[{c}]")
            for c in range(len(index.problem.cohorts))
        }
        ctx = visits_context(index, present, travel=spent, model=model)
        apply_all(ctx, _TEAM_RULES)
        offset = set_objective(model, ctx.terms)
        variables = model.proto.variables
        parameters = [v.index for v in present.values()] + [v.index for v in spent.values()]
        for i in parameters:
            variables[i].domain[0] = variables[i].domain[1] = 0  # no teams: set per solve
        return cls(
            ctx,
            offset,
            {t: v.index for t, v in present.items()},
            {c: v.index for c, v in spent.items()},
        )

    def solve(self, teams: list[Team], *, deadline: Deadline) -> Outcome:
        """The best visits given ``teams`` (a copy of the model, its parameters set)."""
        index = self.ctx.index
        model = self.ctx.model.clone()
        variables = model.proto.variables
        for t in teams:
            if t.cohort in index.cohort_pos and t.host in index.host_pos:
                c, h = index.cohort_pos[t.cohort], index.host_pos[t.host]
                for day in DateRange(start=t.start, end=t.end).days():
                    i = self.present.get((c, h, day))
                    if i is not None:
                        variables[i].domain[0] = variables[i].domain[1] = 1
        trips = ((t.cohort, t.host) for t in teams)  # what the budgets have spent
        for c, spend in index.spent_per_cohort(trips, index.travel_units).items():
            domain = variables[self.spent[c]].domain
            domain[0] = domain[1] = spend
        solver = cp_model.CpSolver()
        # never cut short (not even by an interrupt): a plan must not be lost for want of
        # its visits, and this model is solved in milliseconds
        limit = max(deadline.remaining(), VISITS_MIN_TIME)
        configure(solver.parameters, time_limit=limit, seed=0, workers=1, log=False)
        status = STATUS.get(solver.solve(model), Status.UNKNOWN)
        if status not in (Status.OPTIMAL, Status.FEASIBLE):
            return Outcome(status, solver.wall_time)
        outcome = _decode(self.ctx, solver, status, solver.wall_time, self.offset)
        outcome.teams = list(teams)
        return outcome


_VISITS_LOCK = threading.Lock()
