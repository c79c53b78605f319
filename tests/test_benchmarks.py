"""Smoke tests of the benchmark suite in ``benchmarks/`` (generator, peers, harness, report).

Fast (a few seconds): tiny or small instances only. The full suite is run by hand with
``python benchmarks/run.py``; see benchmarks/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import examples
from exhaustive import allocation_value as best_value
from generators import feasible_problems, problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # ``benchmarks`` lives beside ``src``, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks.common import open_hosts  # noqa: E402
from benchmarks.generate import MIN_OPEN, counting_check, generate, generate_instance  # noqa: E402
from benchmarks.greedy import greedy  # noqa: E402
from icld_match import Allocation, Problem, Status, check, score, solve  # noqa: E402
from icld_match.io.json_files import problem_from_json  # noqa: E402


def _objective(problem: Problem, allocation: Allocation) -> float:
    return sum(t.contribution for t in score(problem, allocation))


@pytest.mark.parametrize("family", ["cohort", "season"])
def test_generator_is_deterministic_per_seed(family: str) -> None:
    assert generate(family, seed=3).to_json() == generate(family, seed=3).to_json()
    assert generate(family, seed=3).to_json() != generate(family, seed=4).to_json()


@pytest.mark.parametrize(("family", "seed"), [("cohort", s) for s in range(5)] + [("season", 0)])
def test_generated_problems_are_valid_and_feasible_by_counting(family: str, seed: int) -> None:
    instance = generate_instance(family, seed)
    problem = instance.problem
    assert problem_from_json(problem.to_json()) == problem  # passes every schema rule
    assert counting_check(problem) == []
    pinned = {pin.participant for pin in problem.pins}
    open_counts = open_hosts(problem).sum(axis=1)
    for p, count in zip(problem.participants, open_counts, strict=True):
        assert count >= (1 if p.id in pinned else MIN_OPEN), p.id
    if family == "cohort":
        assert len(problem.cohorts) == 1 and len(problem.participants) == 25
        assert 15 <= len(problem.hosts) <= 30
    else:
        assert 6 <= len(problem.cohorts) <= 12 and 40 <= len(problem.hosts) <= 80
        windows = [c.internship for c in problem.cohorts]
        assert any(a.overlaps(b) for i, a in enumerate(windows) for b in windows[i + 1 :])


@pytest.mark.parametrize(("family", "seed"), [("cohort", 0), ("cohort", 1), ("season", 0)])
def test_greedy_allocation_passes_check(family: str, seed: int) -> None:
    problem = generate(family, seed)
    allocation = greedy(problem)
    assert allocation.status is Status.FEASIBLE, allocation.reasons
    assert check(problem, allocation) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_highs_peer_matches_icld_optimum_on_tiny_instances(seed: int) -> None:
    pytest.importorskip("highspy")
    from benchmarks.highs_mip import lp_bound, solve_highs

    problem = generate("cohort", seed, size=8)
    run = solve_highs(problem, time_limit=60, threads=1)
    assert run.allocation.status is Status.OPTIMAL
    assert check(problem, run.allocation) == []
    mine = _objective(problem, run.allocation)
    assert run.objective == pytest.approx(mine, abs=1e-6)
    reference = solve(problem, time_limit=60, seed=0, workers=1)
    assert reference.status is Status.OPTIMAL and reference.objective is not None
    assert mine == pytest.approx(reference.objective, abs=1e-3 * len(problem.participants))
    relaxed = lp_bound(problem, time_limit=60, threads=1)
    assert relaxed.dual_bound is not None and relaxed.dual_bound >= mine - 1e-6


@settings(max_examples=examples(40), deadline=None)
@given(
    st.one_of(
        feasible_problems(max_participants=6, max_hosts=3, core_only=True),
        problems(max_participants=6, max_hosts=3, core_only=True),
    )
)
def test_highs_peer_equals_the_exhaustive_optimum(problem: Problem) -> None:
    """Every rule and policy of the README, against brute force (tests/exhaustive.py)."""
    pytest.importorskip("highspy")
    from exhaustive import best_objective

    from benchmarks.highs_mip import solve_highs

    best = best_objective(problem)
    run = solve_highs(problem, time_limit=60, threads=1)
    if best is None:
        assert run.allocation.status is Status.INFEASIBLE
        return
    assert run.allocation.status is Status.OPTIMAL
    assert check(problem, run.allocation) == []
    assert best_value(problem, run.allocation) == pytest.approx(best, abs=1e-6)


def test_greedy_never_returns_an_invalid_allocation() -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(problems(core_only=True))
    def run(problem: Problem) -> None:
        allocation = greedy(problem)
        if allocation.status is Status.FEASIBLE:
            assert check(problem, allocation) == []
        else:
            assert allocation.teams == [] and allocation.reasons

    run()


def test_run_writes_results_table_json_and_plots(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from benchmarks import run

    argv = ["--family", "cohort", "--seeds", "1", "--peers", "greedy", "icld", "--budgets", "5"]
    assert run.main([*argv, "--workers", "1", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "results.json").read_text())
    (instance,) = data["instances"]
    rows = instance["rows"]
    for key in ("greedy", "icld@5s/w1"):
        result = rows[key]
        assert result["valid"] and result["objective"] > 0 and result["peak_rss_mb"] > 0
        assert result["wall"] is not None and result["t_first"] is not None
    icld = rows["icld@5s/w1"]
    assert (icld["budget"], icld["workers"], icld["load"]) == (5.0, 1, 0)
    assert icld["objective"] >= rows["greedy"]["objective"]
    assert icld["share_best"] == pytest.approx(1.0) and icld["overshoot"] is not None
    table = (tmp_path / "results.md").read_text()
    assert "| cohort-s0 | icld | 5 | 1 | 0 |" in table and "OR-Tools" in table
    assert (tmp_path / "anytime.png").stat().st_size > 0


# ---- the scarce family ----------------------------------------------------------------


def test_scarce_generator_is_deterministic_valid_and_feasible() -> None:
    first = generate_instance("scarce", seed=0, size=500)
    problem = first.problem
    assert problem.to_json() == generate("scarce", seed=0, size=500).to_json()
    assert problem.to_json() != generate("scarce", seed=1, size=500).to_json()
    assert problem_from_json(problem.to_json()) == problem  # passes every schema rule
    assert len(problem.participants) == 500 and 20 <= len(problem.cohorts) <= 40
    assert all(h.season_max_teams in (1, 2) for h in problem.hosts)
    windows = [c.internship for c in problem.cohorts]
    assert any(a.overlaps(b) for i, a in enumerate(windows) for b in windows[i + 1 :])
    # scarce: season caps leave little room over the fewest teams the cohorts need
    assert sum(h.season_max_teams or 0 for h in problem.hosts) < 1.5 * 7 * len(problem.cohorts)
    assert counting_check(problem, margin=1.0) == []
    # feasible: the planted plan passes the independent validator
    assert first.witness is not None and check(problem, first.witness) == []


def test_scarce_closes_about_a_fifth_of_the_pairs() -> None:
    from benchmarks.common import open_hosts as allowed

    problem = generate("scarce", seed=2, size=500)
    no_dates = problem.model_copy(
        update={"hosts": [h.model_copy(update={"available": None}) for h in problem.hosts]}
    )
    closed = 1 - allowed(no_dates).mean()  # languages, access and blocked hosts only
    assert 0.15 <= closed <= 0.25


# ---- metrics on a fabricated progress curve ---------------------------------------------

CURVE = [(0.5, 80.0, 120.0), (1.5, 95.0, 110.0), (4.0, 99.5, 101.0), (9.0, 100.0, 100.5)]


def test_time_to_first_plan() -> None:
    from benchmarks.metrics import time_to_first

    assert time_to_first(CURVE, wall=10.0) == 0.5
    assert time_to_first([], wall=10.0) == 10.0  # no progress reported: the answer time


def test_time_to_within_one_percent_of_best_known() -> None:
    from benchmarks.metrics import threshold, time_to_within

    assert threshold(100.0, 0.01) == pytest.approx(99.0)
    assert time_to_within(CURVE, final=100.0, wall=10.0, best_known=100.0) == 4.0
    assert time_to_within(CURVE, final=100.0, wall=10.0, best_known=95.5) == 1.5
    # another peer found 110: this run never came within 1 %
    assert time_to_within(CURVE, final=100.0, wall=10.0, best_known=110.0) is None
    # the re-scored final answer qualifies although no reported point did: the answer time
    assert time_to_within(CURVE[:2], final=99.2, wall=10.0, best_known=100.0) == 10.0
    assert time_to_within([], final=None, wall=10.0, best_known=100.0) is None


def test_best_known_is_never_below_the_recorded_best() -> None:
    from benchmarks.metrics import RECORDED_BEST, best_known

    assert best_known("season-s0", [238.5, 236.9]) == RECORDED_BEST["season-s0"]
    assert best_known("season-s0", [250.0]) == 250.0
    assert best_known("cohort-s0", [24.0, 24.8]) == 24.8
    assert best_known("cohort-s0", []) is None


def test_gap_to_best_bound_and_overshoot() -> None:
    from benchmarks.metrics import best_bound, gap, overshoot, overshoot_ok, share_of_best

    bound = best_bound([None, 120.0, 101.0, 100.5], best_objective=100.0)
    assert bound == 100.5
    assert gap(bound, 99.5) == pytest.approx(1.0 / 99.5)
    assert gap(bound, None) is None and gap(None, 99.5) is None
    assert best_bound([99.0], best_objective=100.0) == 100.0  # never below a valid plan
    assert best_bound([None], best_objective=100.0) is None
    assert share_of_best(99.0, 100.0) == pytest.approx(0.99)
    assert overshoot(10.4, 10.0) == pytest.approx(0.4)
    assert overshoot_ok(10.9, 10.0) and not overshoot_ok(11.1, 10.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_season_full_is_deterministic_validates_and_extends_season(seed: int) -> None:
    from icld_match.records.validation import problem_issues

    problem = generate("season-full", seed)
    assert problem.to_json() == generate("season-full", seed).to_json()
    assert problem_issues(problem) == []
    assert problem_from_json(problem.to_json()).to_json() == problem.to_json()
    season = generate("season", seed)
    assert [p.id for p in problem.participants] == [p.id for p in season.participants]
    for cohort, plain in zip(problem.cohorts, season.cohorts, strict=True):
        assert plain.internship is not None and cohort.window is not None
        assert cohort.window.covers(plain.internship) and cohort.internship_days == 2
        assert cohort.base is not None and cohort.travel_budget is not None
        assert 1 <= len(cohort.study_visits) <= 2
    assert all(h.location is not None and h.closed_weekdays for h in problem.hosts)
    assert any(h.group_visits is not None for h in problem.hosts)


def test_season_full_runs_icld_only_and_is_in_the_final_suite() -> None:
    import argparse

    from benchmarks.run import FINAL, PEERLESS, Spec, tasks

    args = argparse.Namespace(max_binaries=4_000_000, load=False)
    spec = Spec("season-full", None, (0,), (1.0, 10.0), (1, 2))
    assert {t.peer for t in tasks(spec, 0, args)} == {"icld"}
    assert "n/a" in PEERLESS["season-full"]
    full = [s for s in FINAL if s.family == "season-full"]
    assert full and full[0].seeds == (0, 1, 2) and full[0].budgets == (1.0, 10.0)
    assert full[0].workers == (1, 2)
