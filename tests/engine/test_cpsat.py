"""The CP-SAT runner: complete hints that CP-SAT keeps, deadlines and the stop flag."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from icld_match import Problem, Status, check, load_problem
from icld_match.analysis.check import objective
from icld_match.engine.clock import Deadline, StopFlag
from icld_match.engine.cpsat import RunSpec, add_hint, build, run_model
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.greedy import greedy_allocation

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


def _example() -> tuple[ProblemIndex, Problem]:
    problem = load_problem(EXAMPLE)
    return ProblemIndex.build(problem), problem


def test_hint_is_completed_to_every_variable() -> None:
    """Assignment literals alone leave the auxiliary ones open (CP-SAT then lost the
    hint on a season); the completed hint gives every variable a value."""
    index, _ = _example()
    plan = greedy_allocation(index)
    assert plan is not None
    ctx = build(index, RunSpec())
    add_hint(ctx, plan)
    proto = ctx.model.proto
    assert len(proto.solution_hint.vars) == len(proto.variables)


def test_one_worker_keeps_the_hinted_plan() -> None:
    index, problem = _example()
    plan = greedy_allocation(index)
    assert plan is not None
    outcome = run_model(index, RunSpec(workers=1), deadline=Deadline(20.0), hint=plan)
    assert outcome.found and outcome.objective is not None
    assert outcome.objective >= objective(problem, plan) - 1e-3


def test_a_set_stop_flag_ends_the_run_at_once() -> None:
    index, _ = _example()
    stop = StopFlag()
    stop.set("SIGINT")
    started = time.perf_counter()
    outcome = run_model(index, RunSpec(workers=1), deadline=Deadline(60.0, stop=stop))
    assert time.perf_counter() - started < 30
    assert outcome.status in (Status.UNKNOWN, Status.FEASIBLE, Status.OPTIMAL)


def test_exact_outcome_decodes_a_valid_plan() -> None:
    index, problem = _example()
    outcome = run_model(index, RunSpec(workers=1), deadline=Deadline(30.0))
    assert outcome.status is Status.OPTIMAL
    from icld_match import Allocation

    assert check(problem, Allocation(status=Status.FEASIBLE, teams=outcome.teams)) == []


def test_completed_hint_is_a_solution_scoring_the_plan_and_leaves_the_model_open() -> None:
    """Every hinted value, fixed, is a solution of the model with the plan's objective;
    the model's own domains are untouched (the completion fixes a copy)."""
    from ortools.sat.python import cp_model

    from icld_match.engine.cpsat import set_objective
    from icld_match.engine.model import SCALE

    index, problem = _example()
    plan = greedy_allocation(index)
    assert plan is not None
    ctx = build(index, RunSpec(workers=1))
    offset = set_objective(ctx.model, ctx.terms)
    before = [list(v.domain) for v in ctx.model.proto.variables]
    add_hint(ctx, plan)
    assert [list(v.domain) for v in ctx.model.proto.variables] == before
    fixed = ctx.model.clone()
    hint = ctx.model.proto.solution_hint
    for i, value in zip(hint.vars, hint.values, strict=True):
        fixed.add(fixed.get_int_var_from_proto_index(i) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(fixed) == cp_model.OPTIMAL
    assert solver.objective_value / SCALE + offset == pytest.approx(
        objective(problem, plan), abs=1e-2
    )


def test_a_hint_that_breaks_a_rule_stays_partial() -> None:
    """No completion exists (all 25 in one team): the assignment alone is hinted."""
    from icld_match import Allocation, Team

    index, problem = _example()
    everyone = [p.id for p in problem.participants]
    cohort = problem.cohorts[0]
    host = problem.hosts[0].id
    span = cohort.span
    crowd = Team(
        id="T1",
        cohort=cohort.id,
        host=host,
        members=everyone,
        start=span.start,
        end=span.end,
        fit=0,
    )
    ctx = build(index, RunSpec(workers=1))
    add_hint(ctx, Allocation(status=Status.FEASIBLE, teams=[crowd]))
    hint = ctx.model.proto.solution_hint
    assert 0 < len(hint.vars) < len(ctx.model.proto.variables)
    assert len(hint.vars) == len(hint.values)
