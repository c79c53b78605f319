"""The decompose strategy: re-solving blocks of cohorts against what the others leave."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import exhaustive
import pytest
from conftest import examples, far_or_near, host
from generators import feasible_problems, hidden_teams, planted, problems
from hypothesis import event, given, settings
from hypothesis import strategies as st

from icld_match import Allocation, Problem, Status, check, solve
from icld_match.engine.clock import Deadline
from icld_match.index.problem_index import ProblemIndex
from icld_match.io.json_files import load_problem
from icld_match.strategies import decompose
from icld_match.strategies.decompose import (
    BlockRunner,
    CohortSweep,
    Verdict,
    improve_by_cohort,
    independent_parts,
)
from icld_match.strategies.greedy import greedy_allocation

Planted = tuple[Problem, list[tuple[str, str, list[str]]]]


def total(problem: Problem, allocation: Allocation) -> float:
    """The objective by the oracle's own scorer (not check.objective, which decompose uses)."""
    return exhaustive.allocation_value(problem, allocation)


def start_plan(index: ProblemIndex, pair: Planted) -> Allocation:
    """Greedy's plan, or the planted hidden plan when greedy gets stuck (never None)."""
    start = greedy_allocation(index)
    event("greedy found a plan" if start else "greedy stuck: hidden plan as start")
    if start is None:
        start = Allocation(status=Status.FEASIBLE, teams=hidden_teams(*pair))
    return start


EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


def two_cohorts_one_host(
    max_teams: int, season: int | None = None, b_starts: date = date(2026, 5, 5)
) -> Problem:
    """Cohorts A (4-5 May) and B (by default 5-6 May, overlapping on 5 May) may both use
    hosts H and G."""
    cohorts = [
        {"id": c, "name": c, "internship": {"start": start, "end": start + timedelta(days=1)}}
        for c, start in (("A", date(2026, 5, 4)), ("B", b_starts))
    ]
    participants: list[dict[str, Any]] = [
        {"id": f"{c}{i}", "name": f"{c}{i}", "cohort": c, "country": "Kenya", "languages": ["en"]}
        for c in ("A", "B")
        for i in range(2)
    ]
    hosts = [
        {
            "id": h,
            "name": h,
            "municipality": h,
            "languages": ["en"],
            "capacity": {"max_teams": max_teams, "max_participants": 8},
            "season_max_teams": season,
        }
        for h in ("H", "G")
    ]
    return Problem.model_validate(
        {"cohorts": cohorts, "participants": participants, "hosts": hosts}
    )


def plan(problem: Problem, teams: list[tuple[str, str, list[str]]]) -> Allocation:
    index = ProblemIndex.build(problem)
    groups = [
        (index.cohort_pos[c], index.host_pos[h], index.participant_rows(m)) for c, h, m in teams
    ]
    return Allocation(status=Status.FEASIBLE, teams=index.teams(groups))


def a_at_h_b_at_g(problem: Problem) -> CohortSweep:
    """The sweep's view of a plan with A's team at H and B's team at G."""
    start = plan(problem, [("A", "H", ["A0", "A1"]), ("B", "G", ["B0", "B1"])])
    return CohortSweep(ProblemIndex.build(problem), start, seed=0, keep=5)


def test_a_cohort_sees_what_an_overlapping_cohort_leaves() -> None:
    problem = two_cohorts_one_host(max_teams=2)
    index = ProblemIndex.build(problem)
    sweep = a_at_h_b_at_g(problem)
    teams_left, people_left, _ = sweep.left_for([index.cohort_pos["B"]])
    assert teams_left[index.host_pos["H"]] == 1  # A holds one of H's two team places
    assert people_left[index.host_pos["H"]] == 6
    assert teams_left[index.host_pos["G"]] == 2  # B's own team does not count against it
    both = sweep.left_for([0, 1])[0]
    assert both[index.host_pos["H"]] == 2


def test_season_caps_count_every_other_cohort() -> None:
    problem = two_cohorts_one_host(max_teams=2, season=1)
    index = ProblemIndex.build(problem)
    sweep = a_at_h_b_at_g(problem)
    _, _, season_left = sweep.left_for([index.cohort_pos["B"]])
    assert season_left[index.host_pos["H"]] == 0  # A used H's only team of the season
    assert season_left[index.host_pos["G"]] == 1
    sub = sweep.block_problem([index.cohort_pos["B"]])
    assert {h.id: h.season_max_teams for h in sub.hosts}.get("H", 0) == 0


@settings(max_examples=examples(120), deadline=None)
@given(planted(max_participants=10, max_hosts=4, max_cohorts=3, fairness=True))
def test_every_block_problem_accepts_the_current_plan(pair: Planted) -> None:
    """The residual problem of a single cohort, or of cohorts in the field on the same
    days, admits the block's current teams: it is no tighter than the real rules. (Other
    blocks may be tighter, which is safe; that no block is ever looser is checked by the
    next test, on the whole problem.)"""
    problem = pair[0]
    index = ProblemIndex.build(problem)
    start = start_plan(index, pair)
    sweep = CohortSweep(index, start, seed=0, keep=3)
    n = len(problem.cohorts)
    pairs = [[a, b] for a in range(n) for b in range(a + 1, n)]
    blocks = [[c] for c in range(n)] + [
        [a, b] for a, b in pairs if sweep.groups_of[a] == sweep.groups_of[b]
    ]
    for block in blocks:
        sub = sweep.block_problem(block)
        current = [t for c in block for t in sweep.teams_of[c]]
        assert check(sub, Allocation(status=Status.FEASIBLE, teams=current)) == []


@settings(max_examples=examples(120), deadline=None)
@given(planted(max_participants=10, max_hosts=4, max_cohorts=3, fairness=True))
def test_decompose_is_valid_and_between_greedy_and_the_optimum(pair: Planted) -> None:
    problem = pair[0]
    start = start_plan(ProblemIndex.build(problem), pair)
    allocation = solve(problem, workers=1, time_limit=60, strategy="decompose")
    # README: the shortlist strategy is "also used when the greedy plan gets stuck"
    expected = "decompose" if start.strategy == "greedy" else "shortlist-"
    assert allocation.strategy.startswith(expected)
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
    assert allocation.status is Status.FEASIBLE and allocation.objective is not None
    # the only bound without the exact model is the bound module's, never below the plan
    assert allocation.best_bound is None or allocation.best_bound >= allocation.objective
    assert abs(allocation.objective - total(problem, allocation)) < 1e-9
    assert allocation.objective >= total(problem, start) - 1e-9
    exact = solve(problem, workers=1, time_limit=60, strategy="exact")
    assert exact.status is Status.OPTIMAL
    assert allocation.objective <= total(problem, exact) + 1e-6


def test_decompose_reaches_the_optimum_of_a_single_cohort() -> None:
    """With one cohort the first block is the whole problem (the shortlist of 14 hosts per
    participant keeps all 20 hosts' best): the answer matches the exact optimum."""
    problem = load_problem(EXAMPLE)
    decomposed = solve(problem, workers=1, strategy="decompose")
    exact = solve(problem, workers=1, strategy="exact")
    assert exact.status is Status.OPTIMAL
    assert decomposed.objective is not None and exact.objective is not None
    assert abs(decomposed.objective - exact.objective) < 1e-3
    assert check(problem, decomposed) == []


def test_decompose_is_deterministic_with_one_worker() -> None:
    problem = load_problem(EXAMPLE)
    first = solve(problem, workers=1, seed=3, strategy="decompose")
    second = solve(problem, workers=1, seed=3, strategy="decompose")
    assert [t.members for t in first.teams] == [t.members for t in second.teams]
    assert [t.host for t in first.teams] == [t.host for t in second.teams]


def test_improvement_stops_at_the_deadline_with_a_valid_plan() -> None:
    problem = load_problem(EXAMPLE)
    index = ProblemIndex.build(problem)
    start = greedy_allocation(index)
    assert start is not None
    calls: list[float] = []
    result = improve_by_cohort(
        index, start, deadline=time.perf_counter() - 1, on_improvement=calls.append
    )
    assert calls == []  # no time: the start plan comes back unchanged
    assert [t.members for t in result.teams] == [t.members for t in start.teams]
    improved = improve_by_cohort(
        index, start, deadline=time.perf_counter() + 30, on_improvement=calls.append
    )
    assert calls and calls == sorted(calls)  # every step improves
    assert abs(calls[-1] - total(problem, improved)) < 1e-6
    assert check(problem, improved) == []


def test_cohorts_apart_in_time_without_season_caps_are_independent() -> None:
    september = date(2026, 9, 7)
    apart = ProblemIndex.build(two_cohorts_one_host(max_teams=1, b_starts=september))
    assert independent_parts(apart) == [[0], [1]]
    overlapping = ProblemIndex.build(two_cohorts_one_host(max_teams=1))
    assert independent_parts(overlapping) == [[0, 1]]  # they meet at H and G on 5 May
    capped = ProblemIndex.build(two_cohorts_one_host(max_teams=1, season=1, b_starts=september))
    assert independent_parts(capped) == [[0, 1]]  # the season caps couple them


def test_independent_parts_are_solved_apart_and_proven_optimal() -> None:
    problem = two_cohorts_one_host(max_teams=1, b_starts=date(2026, 9, 7))
    allocation = solve(problem, workers=1)
    assert allocation.strategy.startswith("parts-2(") and "exact" in allocation.strategy
    assert allocation.status is Status.OPTIMAL and check(problem, allocation) == []
    exact = solve(problem, workers=1, strategy="exact")
    assert allocation.objective is not None and exact.objective is not None
    assert abs(allocation.objective - exact.objective) < 1e-6
    assert allocation.best_bound == allocation.objective and allocation.gap == 0


@settings(max_examples=examples(150), deadline=None)
@given(
    st.one_of(
        feasible_problems(max_participants=10, max_hosts=4, max_cohorts=3),
        problems(max_participants=10, max_hosts=4, max_cohorts=3),
    )
)
def test_solving_parts_apart_gives_the_exact_optimum(problem: Problem) -> None:
    parts = independent_parts(ProblemIndex.build(problem))
    event(f"{len(parts)} independent parts")
    auto = solve(problem, workers=1, time_limit=60)
    exact = solve(problem, workers=1, time_limit=60, strategy="exact")
    assert auto.status is exact.status
    if len(parts) > 1 and auto.is_feasible():
        assert auto.strategy.startswith(f"parts-{len(parts)}(")
    if exact.status is Status.OPTIMAL:
        assert check(problem, auto) == []
        assert auto.objective is not None and exact.objective is not None
        assert abs(total(problem, auto) - total(problem, exact)) < 1e-3
        assert auto.best_bound is not None and abs(auto.best_bound - auto.objective) < 1e-6


def test_a_block_answer_that_no_longer_fits_is_not_adopted() -> None:
    """Blocks solved in parallel may compete for the same place: the later answer is
    checked against what the others leave now."""
    problem = two_cohorts_one_host(max_teams=1)
    sweep = a_at_h_b_at_g(problem)
    job = sweep.prepare([1])  # B, while A holds H's only team place on 5 May
    b_at_h = plan(problem, [("B", "H", ["B0", "B1"])])
    better = b_at_h.model_copy(update={"objective": job.before + 1.0})
    assert sweep.commit(job, better) is Verdict.STALE  # solved again, not dropped
    assert [t.host for t in sweep.teams_of[1]] == ["G"]
    b_at_g = plan(problem, [("B", "G", ["B0", "B1"])])
    same = b_at_g.model_copy(update={"objective": job.before})
    assert sweep.commit(job, same) is Verdict.NO_GAIN
    adopted = sweep.commit(job, b_at_g.model_copy(update={"objective": job.before + 1.0}))
    assert adopted is Verdict.ADOPTED
    assert abs(sweep.total - (total(problem, sweep.plan(b_at_g)) + 1.0)) < 1e-9


@settings(max_examples=examples(60), deadline=None)
@given(planted(max_participants=10, max_hosts=4, max_cohorts=3, fairness=True))
def test_blocks_in_parallel_keep_the_plan_valid(pair: Planted) -> None:
    problem = pair[0]
    index = ProblemIndex.build(problem)
    start = start_plan(index, pair)
    improved = improve_by_cohort(index, start, deadline=time.perf_counter() + 20, threads=2)
    assert check(problem, improved) == []
    assert total(problem, improved) >= total(problem, start) - 1e-9


@settings(max_examples=examples(60), deadline=None)
@given(planted(max_participants=10, max_hosts=4, max_cohorts=3, fairness=True))
def test_a_coarse_first_pass_is_valid_never_worse_and_deterministic(pair: Planted) -> None:
    """The coarse pass (few hosts per participant) keeps the plan valid, never loses
    against the start plan, and with one thread the converged answer is reproducible."""
    problem = pair[0]
    index = ProblemIndex.build(problem)
    start = start_plan(index, pair)
    for middle in (None, 3):  # with a short run's middle stage too
        runs = [
            improve_by_cohort(
                index, start, deadline=time.perf_counter() + 30, coarse=2, middle=middle
            )
            for _ in range(2)
        ]
        assert check(problem, runs[0]) == []
        assert total(problem, runs[0]) >= total(problem, start) - 1e-9
        assert [(t.host, t.members) for t in runs[0].teams] == [
            (t.host, t.members) for t in runs[1].teams
        ]


@pytest.mark.parametrize(
    ("factor", "middle", "stages"),
    [
        (1e9, 3, [(2, True), (3, False), (14, False)]),
        (1e9, None, [(2, True)]),
        (decompose.MIDDLE_TIME_FACTOR, 3, [(2, True)]),  # a minute left: no middle stage
    ],
)
def test_a_short_run_sweeps_coarse_once_then_middle_then_full(
    monkeypatch: pytest.MonkeyPatch, factor: float, middle: int | None, stages: list[Any]
) -> None:
    """The sweeps, in order, with the shortlist they solve blocks with: the coarse one
    once over the cohorts, the middle one until no cohort gains when little time is left
    (``factor`` x the coarse pass: scaled up to make a minute little), then the full one;
    without ``middle``, or with time for a full pass, the full one follows the coarse."""
    problem = two_cohorts_one_host(max_teams=2)
    index = ProblemIndex.build(problem)
    start = greedy_allocation(index)
    assert start is not None
    runs: list[tuple[int, bool]] = []
    sweep_blocks = BlockRunner.run

    def spy(runner: BlockRunner, blocks: Any, *, once: bool = False) -> bool | None:
        runs.append((runner.sweep.keep, once))
        return sweep_blocks(runner, blocks, once=once)

    monkeypatch.setattr(BlockRunner, "run", spy)
    monkeypatch.setattr(decompose, "MIDDLE_TIME_FACTOR", factor)
    improve_by_cohort(index, start, deadline=time.perf_counter() + 60, coarse=2, middle=middle)
    assert runs[: len(stages)] == stages
    assert all(keep == 14 and not once for keep, once in runs[len(stages) :])


def priced(problem: Problem, season: float | None, budget_b: float | None = None) -> Problem:
    """Trips: A to H 3000 SEK, A to G 1000; B to H 500, B to G 2000; budgets optional."""
    data = problem.model_dump()
    data["travel_costs"] = [
        {"cohort": "A", "host": "H", "cost": 3000.0},
        {"cohort": "A", "host": "G", "cost": 1000.0},
        {"cohort": "B", "host": "H", "cost": 500.0},
        {"cohort": "B", "host": "G", "cost": 2000.0},
    ]
    data["travel_budget"] = season
    data["cohorts"][1]["travel_budget"] = budget_b
    return Problem.model_validate(data)


def test_a_block_sees_the_season_travel_budget_the_others_leave() -> None:
    problem = priced(two_cohorts_one_host(max_teams=2), season=5500.0, budget_b=2500.0)
    index = ProblemIndex.build(problem)
    sweep = a_at_h_b_at_g(problem)  # A spends 3000, B 2000
    b = index.cohort_pos["B"]
    assert sweep.travel_left([b]) == 2500.0
    sub = sweep.block_problem([b])
    assert sub.travel_budget == 2500.0
    assert sub.cohorts[0].travel_budget == 2500.0  # the cohort's own budget is carried
    assert {(t.cohort, t.host) for t in sub.travel_costs} <= {("B", "H"), ("B", "G")}
    assert sub.travel == problem.travel
    assert independent_parts(index) == [[0, 1]]  # one season budget couples every cohort


def test_a_block_answer_over_the_season_budget_is_not_adopted() -> None:
    """B moving to G is fine alone, but not if A meanwhile spends more (as in parallel)."""
    problem = priced(two_cohorts_one_host(max_teams=2), season=5000.0)
    index = ProblemIndex.build(problem)
    sweep = a_at_h_b_at_g(problem)  # 3000 + 2000 = 5000: exactly the budget
    moved = plan(problem, [("B", "H", ["B0", "B1"])]).teams
    assert sweep._fits([index.cohort_pos["B"]], moved)  # 3000 + 500
    dearer = plan(problem, [("A", "H", ["A0", "A1"]), ("B", "G", ["B0", "B1"])]).teams
    assert sweep._fits([0, 1], dearer)
    sweep.travel_limit -= 1  # one öre less: the same plan no longer fits
    assert not sweep._fits([0, 1], dearer)


def test_decompose_keeps_the_season_budget() -> None:
    """Both cohorts prefer nothing but cheap travel; the answer stays within the budget."""
    problem = priced(two_cohorts_one_host(max_teams=2), season=1500.0)
    allocation = solve(problem, strategy="decompose", workers=1, time_limit=30)
    assert allocation.is_feasible()
    assert check(problem, allocation) == []
    assert {(t.cohort, t.host) for t in allocation.teams} == {("A", "G"), ("B", "H")}


class _StaleOnce:
    """A sweep stand-in: every block gains, block 1's first answer comes back stale."""

    def __init__(self) -> None:
        self.solved: list[int] = []
        self.total = 0.0

    def prepare(self, block: list[int]) -> SimpleNamespace:
        return SimpleNamespace(block=block)

    def solve(self, job: SimpleNamespace, limit: float) -> list[int]:
        self.solved.append(job.block[0])
        return list(job.block)

    def commit(self, job: SimpleNamespace, found: list[int]) -> Verdict:
        if job.block == [1] and self.solved.count(1) == 1:
            return Verdict.STALE
        return Verdict.ADOPTED


@pytest.mark.parametrize("threads", [1, 2])
def test_a_stale_block_is_solved_again_even_in_a_single_pass(threads: int) -> None:
    """A better answer solved against places another block has since taken is not lost:
    the block is solved again (also in the coarse pass, where each block runs once)."""
    sweep = _StaleOnce()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        runner = BlockRunner(sweep, pool, Deadline(30.0), threads, None)  # type: ignore[arg-type]
        assert runner.run([[0], [1], [2]], once=True) is True
    assert sorted(sweep.solved) == [0, 1, 1, 2]


def test_a_block_keeps_the_hosts_best_with_a_teams_trip_counted() -> None:
    """One host per member (and the team's own, H3): H1 fits a little better but lies in
    Malmö, H2 in Stockholm, the cohort's base; a member's share of a trip to Malmö costs
    more than the fit it adds, so the block keeps H2 (by fit alone it kept H1)."""
    problem = far_or_near(host("H3", themes={"a": 0.2}, location={"lat": 59.33, "lon": 18.07}))
    start = plan(problem, [("C1", "H3", ["P1", "P2", "P3", "P4"])])
    sweep = CohortSweep(ProblemIndex.build(problem), start, seed=0, keep=1)
    assert sorted(h.id for h in sweep.block_problem([0]).hosts) == ["H2", "H3"]
