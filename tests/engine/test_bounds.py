"""The Lagrangian upper bound is never below the optimum, and it respects its deadline."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import cohort, host, participant, tiny_problem
from exhaustive import best_objective
from generators import planted_windows, problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # ``benchmarks`` lives beside ``src``, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from icld_match import Problem, load_problem  # noqa: E402
from icld_match.engine.bounds import Bound, cohorts, lp, upper_bound  # noqa: E402
from icld_match.engine.bounds.cohorts import SLACK, Lagrangian, Setup, plan_wide_ceiling  # noqa: E402
from icld_match.index import ProblemIndex  # noqa: E402
from icld_match.strategies.solve import solve_index  # noqa: E402

EXAMPLE = ROOT / "examples" / "data" / "itp-local-democracy-2026.json"
#: Float slack for comparing a bound with an exact objective.
EPS = 1e-9


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_participants=6, max_hosts=3, fairness=True))
def test_bound_is_at_least_the_brute_force_optimum(problem: Problem) -> None:
    best = best_objective(problem)
    bound = upper_bound(ProblemIndex.build(problem), deadline=time.perf_counter() + 10)
    if best is None:
        return  # no valid allocation: any answer (or None) is a valid bound
    assert bound is not None
    assert bound.value >= best - EPS


def test_bound_on_the_example_is_at_least_the_exact_optimum_and_tight() -> None:
    index = ProblemIndex.build(load_problem(EXAMPLE))
    exact = solve_index(index, strategy="exact", workers=1, time_limit=20)
    assert exact.status == "optimal" and exact.objective is not None
    bound = upper_bound(index, deadline=time.perf_counter() + 10)
    assert bound is not None
    assert exact.objective - EPS <= bound.value <= exact.objective + 0.01


def test_bound_on_a_season_instance_is_at_least_the_best_plan() -> None:
    index = ProblemIndex.build(generate("season", seed=1))
    exact = solve_index(index, strategy="exact", workers=1, time_limit=30)
    assert exact.objective is not None
    bound = upper_bound(index, deadline=time.perf_counter() + 10, target=exact.objective)
    assert bound is not None
    # the optimum is at least this plan's objective (and equals it when proven)
    assert bound.value >= exact.objective - EPS
    assert bound.value <= 1.05 * exact.objective  # and the bound is not a trivial one


@pytest.mark.parametrize("seconds", [-1.0, 0.0, 0.3])
def test_bound_respects_the_deadline(seconds: float) -> None:
    index = ProblemIndex.build(generate("season", seed=1))
    started = time.perf_counter()
    deadline = started + seconds
    bound = upper_bound(index, deadline=deadline)
    assert time.perf_counter() <= max(deadline, started) + 2.0  # generous slack
    if bound is not None:
        assert bound.value >= 158.106 - 1e-3  # the proven optimum (README, benchmarks)


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_participants=6, max_hosts=3, fairness=True))
def test_lp_bound_alone_is_at_least_the_brute_force_optimum(problem: Problem) -> None:
    """The LP's dual bound (numpy, from GLOP's duals) is valid on its own."""
    best = best_objective(problem)
    if best is None:
        return
    setup = Setup.of(ProblemIndex.build(problem), 0)
    solved = lp.build_and_solve(setup, time.perf_counter() + 5.0)
    assert solved is not None
    linear, lam = solved
    lam = np.maximum(lam, 0.0)
    extra = plan_wide_ceiling(setup) + SLACK  # worst fit and season spread span cohorts
    assert linear.parts(lam).sum() + lam @ setup.capacities.limit + extra >= best - EPS
    # any prices give a valid bound, not only the LP's duals
    doubled = 2 * lam + 0.1
    assert linear.parts(doubled).sum() + doubled @ setup.capacities.limit + extra >= best - EPS


@pytest.mark.parametrize("seed", [0, 2])
def test_lp_and_lagrangian_bounds_on_season_are_at_least_the_optimum(seed: int) -> None:
    """Every bound reported on the way (LP, cohort models, two workers) is >= the optimum."""
    optimum = {0: 240.721, 2: 213.000}[seed]  # proven optima (benchmarks)
    index = ProblemIndex.build(generate("season", seed=seed))
    seen: list[Bound] = []
    bound = upper_bound(index, deadline=time.perf_counter() + 4, workers=2, on_bound=seen.append)
    assert bound is not None and bound.value == seen[-1].value
    assert "lp" in {b.method for b in seen}
    assert all(b.value >= optimum - 1e-3 for b in seen)
    assert [b.value for b in seen] == sorted((b.value for b in seen), reverse=True)


@contextmanager
def _short_lists(keep: int, rounds: int = 1) -> Iterator[None]:
    """Force the LP's first host lists, its pricing rounds and the cohort models' lists
    to ``keep`` hosts per unit or member (the rest merged into OUT); restored after."""
    old = lp.SHORTLIST_LP, lp.ROUNDS, cohorts.SHORTLIST
    lp.SHORTLIST_LP, lp.ROUNDS, cohorts.SHORTLIST = keep, rounds, keep
    try:
        yield
    finally:
        lp.SHORTLIST_LP, lp.ROUNDS, cohorts.SHORTLIST = old


def _lp_bounds(setup: Setup, seed: int) -> list[float]:
    """The LP's dual bound at its own shared duals, at doubled ones and at random prices."""
    solved = lp.build_and_solve(setup, time.perf_counter() + 5.0)
    assert solved is not None
    linear, lam = solved
    limit = setup.capacities.limit
    lam = np.maximum(lam, 0.0)
    noise = np.random.default_rng(seed).uniform(0.0, 1.0, len(limit))
    extra = plan_wide_ceiling(setup) + SLACK  # terms that span cohorts
    return [linear.value(prices, limit) + extra for prices in (lam, 2 * lam + 0.1, noise)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    problems(max_participants=6, max_hosts=3, fairness=True),
    st.sampled_from([1, 2]),
    st.integers(0, 2**16),
)
def test_lp_with_short_lists_is_at_least_the_brute_force_optimum(
    problem: Problem, keep: int, seed: int
) -> None:
    """Cohort host lists of 1 or 2 hosts per unit, the rest at OUT: the dual bound holds at
    the LP's duals and at any other prices (one round, and with pricing rounds)."""
    best = best_objective(problem)
    if best is None:
        return
    setup = Setup.of(ProblemIndex.build(problem), 0)
    spread = cohorts.season_spread_ceiling(setup)  # plan-wide: upper_bound adds it
    for rounds in (1, 3):
        with _short_lists(keep, rounds):
            found = _lp_bounds(setup, seed)
        assert min(found) + spread >= best - EPS, (rounds, found, best)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    problems(max_participants=6, max_hosts=3, fairness=True),
    st.sampled_from([1, 2]),
    st.integers(0, 2**16),
)
def test_cohort_models_with_short_lists_are_at_least_the_brute_force_optimum(
    problem: Problem, keep: int, seed: int
) -> None:
    """The cohort CP-SAT models with 1 or 2 hosts per member (the rest at OUT), alone (no
    LP ceiling), at prices 0 and at random prices, and the whole bound with short lists."""
    best = best_objective(problem)
    if best is None:
        return
    index = ProblemIndex.build(problem)
    setup = Setup.of(index, 0)
    n_rows = len(setup.capacities.limit)
    noise = np.random.default_rng(seed).uniform(0.0, 1.0, n_rows)
    with _short_lists(keep):
        lagrangian = Lagrangian(setup)
        for lam in (np.zeros(n_rows), noise):
            no_ceiling = cohorts._no_ceiling(setup.shape[0])
            value, _ = lagrangian.evaluate(lam, time.perf_counter() + 5.0, no_ceiling)
            value += plan_wide_ceiling(setup)  # worst fit and season spread span cohorts
            assert value >= best - EPS, (lam, value, best)
        bound = upper_bound(index, deadline=time.perf_counter() + 3.0)
    assert bound is not None and bound.value >= best - EPS


def _out_counterexample() -> Problem:
    """Found by Hypothesis: with one host per *unit* list (the rest merged into OUT) the
    LP's dual bound was 1.651 while the optimum is 1.8 (C0's team of three at H1 was
    split: P4 at H1, P0 and P2 at OUT, the H1 part a third of a team by the minimum size)."""
    people = [
        ("P0", "C0", "Serbia", []),
        ("P1", "C1", "Kenya", []),
        ("P2", "C0", "Kenya", []),
        ("P3", "C1", "Kenya", []),
        ("P4", "C0", "Indonesia", ["H1"]),
    ]
    return tiny_problem(
        cohorts=[cohort("C0", team_size=(2, 3)), cohort("C1", team_size=(1, 1))],
        participants=[participant(p, c, country, wishes=w) for p, c, country, w in people],
        hosts=[
            host("H0", capacity={"max_teams": 1, "max_participants": 2}),
            host("H1", capacity={"max_teams": 1, "max_participants": 3}),
            host("H2", capacity={"max_teams": 1, "max_participants": 2}),
        ],
        weights={
            "thematic_fit": 0.0,
            "country_mix": 0.3,
            "organisation": 0.0,
            "wishes": 0.3,
            "host_spread": 0.3,
        },
    )


def test_shipped_bound_holds_on_the_out_counterexample() -> None:
    problem = _out_counterexample()
    best = best_objective(problem)
    assert best == pytest.approx(1.8)
    found = upper_bound(ProblemIndex.build(problem), deadline=time.perf_counter() + 10)
    assert found is not None and found.value >= best - EPS


@pytest.mark.parametrize("keep", [1, 2])
def test_lp_with_short_lists_holds_on_the_out_counterexample(keep: int) -> None:
    problem = _out_counterexample()
    setup = Setup.of(ProblemIndex.build(problem), 0)
    with _short_lists(keep):
        found = _lp_bounds(setup, 0)
    assert min(found) >= 1.8 - EPS


def test_lp_respects_the_deadline_at_a_thousand() -> None:
    index = ProblemIndex.build(generate("stress", seed=0, size=1000))
    started = time.perf_counter()
    bound = upper_bound(index, deadline=started + 2.0)
    assert time.perf_counter() <= started + 2.0 + 10.0  # generous slack
    assert bound is not None


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(planted_windows())
def test_bound_with_days_apart_is_at_least_the_brute_force_optimum(drawn: Any) -> None:
    """Windows: the copy in which windowed cohorts share no day with others bounds every
    plan of the original (one start per cohort)."""
    problem = drawn[0]
    rules = problem.rules.model_copy(update={"internship_dates": "per_cohort"})
    problem = problem.model_copy(update={"rules": rules})
    best = best_objective(problem)
    index = ProblemIndex.build(problem).days_apart()
    bound = upper_bound(index, deadline=time.perf_counter() + 10)
    if best is None:
        return
    assert bound is not None
    assert bound.value >= best - EPS


def test_days_apart_couples_only_cohorts_with_fixed_dates() -> None:
    index = ProblemIndex.build(generate("season-full", seed=1))
    apart = index.days_apart()
    windowed = set(index.open_starts)
    assert windowed and not apart.open_starts.keys() - windowed
    for group in apart.concurrent_cohorts:
        assert len(group) == 1 or not group & windowed
    assert {c for g in apart.concurrent_cohorts for c in g} == set(
        range(len(index.problem.cohorts))
    )


def test_bound_on_season_full_is_at_least_the_proven_optimum_and_counts_travel() -> None:
    """season-full-s1 was proven optimal at 136.308 (benchmarks/results/reference/).
    Teams' and visits' trips are priced in the bound: without them it was 164.9 (+21 %)."""
    index = ProblemIndex.build(generate("season-full", seed=1)).days_apart()
    bound = upper_bound(index, deadline=time.perf_counter() + 8, target=136.0)
    assert bound is not None and 136.309 - 1e-3 <= bound.value <= 136.309 * 1.05


def test_the_lp_is_built_only_when_it_can_give_a_bound_in_time() -> None:
    from icld_match.engine.bounds.lp import lp_pays

    assert lp_pays(246, 0.2)  # a season's first LP: 0.11 s
    assert lp_pays(2_500, 12.0)  # 5.8 s
    assert not lp_pays(2_500, 3.0)  # HiGHS stopped early has no usable duals
    assert not lp_pays(10_000, 12.0) and not lp_pays(246, 0.0)


def test_pricing_stops_at_the_first_round_that_does_not_lower_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    solved: list[int] = []
    real = lp._highs

    def counted(built: Any, deadline: float) -> Any:
        solved.append(built.coo.n_vars)
        return real(built, deadline)

    monkeypatch.setattr(lp, "_highs", counted)
    monkeypatch.setattr(lp, "_priced", lambda *args: np.ones_like(args[-1]))  # always more
    monkeypatch.setattr(lp.LinearBound, "value", lambda self, lam, limit: 10.0)
    setup = Setup.of(ProblemIndex.build(load_problem(EXAMPLE)), 0)
    assert lp.build_and_solve(setup, time.perf_counter() + 30) is not None
    assert len(solved) == 2  # the second round's 10.0 did not lower the first's


def test_the_lp_solver_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """Not even HiGHS's banner: the CLI's standard output is the plan's summary only."""
    setup = Setup.of(ProblemIndex.build(load_problem(EXAMPLE)), 0)
    assert lp.build_and_solve(setup, time.perf_counter() + 30) is not None
    assert capfd.readouterr() == ("", "")
