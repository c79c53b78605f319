"""The anytime portfolio: first plan, never worse than greedy, sources, parts, determinism."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from icld_match import Problem, Progress, Status, check, load_problem, solve
from icld_match.analysis.check import objective
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies import construction
from icld_match.strategies.greedy import greedy_allocation

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


def _cohort(cid: str, day: int, size: tuple[int, int] = (2, 4)) -> dict[str, Any]:
    start = date(2026, 5, day)
    return {
        "id": cid,
        "name": cid,
        "internship": {"start": start, "end": start},
        "team_size": {"min": size[0], "max": size[1]},
    }


def _person(pid: str, cohort: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "name": pid,
        "cohort": cohort,
        "country": "Kenya",
        "languages": ["en"],
        **fields,
    }


def _host(hid: str) -> dict[str, Any]:
    return {"id": hid, "name": hid, "municipality": hid, "languages": ["en"]}


def _two_cohorts(**fields: Any) -> Problem:
    data: dict[str, Any] = {
        "cohorts": [_cohort("A", 4), _cohort("B", 11)],
        "participants": [_person(f"a{i}", "A") for i in range(4)]
        + [_person(f"b{i}", "B") for i in range(4)],
        "hosts": [_host("h1"), _host("h2")],
    }
    data.update(fields)
    return Problem.model_validate(data)


def test_pin_to_a_host_the_part_cannot_use_is_reported_not_a_key_error() -> None:
    """Defect 1: cohort B (teams of exactly 2) has b1 pinned to h1 and b2 blocked from
    h1, so B's part has no team slot at h1 and used to drop the host the pin names."""
    problem = _two_cohorts(
        cohorts=[_cohort("A", 4), _cohort("B", 11, size=(2, 2))],
        participants=[_person(f"a{i}", "A") for i in range(4)]
        + [_person("b1", "B"), _person("b2", "B", blocked_hosts=["h1"])],
        pins=[{"participant": "b1", "host": "h1"}],
    )
    auto = solve(problem, workers=1, time_limit=10)
    exact = solve(problem, workers=1, time_limit=10, strategy="exact")
    assert exact.status is Status.INFEASIBLE
    assert auto.status is Status.INFEASIBLE and auto.reasons


def test_progress_is_reported_when_the_problem_splits_into_parts() -> None:
    """Defect 4: independent parts used to solve silently."""
    seen: list[Progress] = []
    allocation = solve(_two_cohorts(), workers=1, time_limit=10, on_progress=seen.append)
    assert allocation.strategy.startswith("parts-2(")
    assert seen and all(p.source.startswith("parts:") for p in seen)
    assert seen[-1].objective == pytest.approx(allocation.objective, abs=0.05)


def test_progress_names_the_strategy_that_found_each_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defect 6: every decompose improvement used to be labelled as the greedy start.
    (The polish alone reaches the example's optimum: without it decompose has work.)"""
    monkeypatch.setattr(construction, "polish_scored", lambda index, plan, value, _: (plan, value))
    seen: list[Progress] = []
    problem = load_problem(EXAMPLE)
    solve(problem, workers=1, time_limit=10, strategy="decompose", on_progress=seen.append)
    sources = [p.source for p in seen]
    assert sources[0] == "greedy"
    assert set(sources) <= {"greedy", "decompose"}
    assert "decompose" in sources


def test_example_is_proven_optimal_and_not_worse_than_greedy() -> None:
    problem = load_problem(EXAMPLE)
    allocation = solve(problem, workers=1, time_limit=10)
    assert allocation.status is Status.OPTIMAL and check(problem, allocation) == []
    greedy = greedy_allocation(ProblemIndex.build(problem))
    assert greedy is not None
    assert allocation.objective is not None
    assert allocation.objective >= objective(problem, greedy) - 1e-6
    assert allocation.strategy.startswith("portfolio(")


def test_same_seed_one_worker_converged_run_is_reproducible() -> None:
    problem = load_problem(EXAMPLE)
    first = solve(problem, workers=1, seed=5, time_limit=30)
    second = solve(problem, workers=1, seed=5, time_limit=30)
    assert first.status is Status.OPTIMAL  # ended by proof, not by the clock
    assert first.teams == second.teams


def test_unknown_strategy_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown strategy"):
        solve(load_problem(EXAMPLE), strategy="fastest")  # type: ignore[arg-type]


def test_large_generated_instance_returns_a_valid_plan_within_its_limit() -> None:
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("season", seed=1)
    started = time.perf_counter()
    allocation = solve(problem, workers=1, time_limit=3)
    elapsed = time.perf_counter() - started
    assert allocation.is_feasible() and check(problem, allocation) == []
    assert elapsed < 3 * 1.5 + 2  # generous: the time limit covers everything
    greedy = greedy_allocation(ProblemIndex.build(problem))
    assert greedy is not None and allocation.objective is not None
    assert allocation.objective >= objective(problem, greedy) - 1e-6


def test_progress_reports_objectives_of_plans_with_their_visits() -> None:
    """Each reported objective is that of a valid plan, study visits included: on
    ``season-full`` the teams alone used to be reported (6 % above the answer)."""
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("season-full", seed=1)
    heard: list[Progress] = []
    answer = solve(problem, workers=1, time_limit=1.5, on_progress=heard.append)
    assert answer.objective is not None and check(problem, answer) == []
    values = [p.objective for p in heard]
    assert values and values == sorted(values)
    assert values[-1] <= answer.objective + 1e-6
    assert values[-1] == pytest.approx(answer.objective, abs=1e-5)  # the answer was heard of
    assert {p.source for p in heard} >= {"greedy", "decompose"}


def test_relaxed_mode_at_scale_honours_the_time_limit() -> None:
    """Defect 5: ``allow_unplaced`` used to ignore scaling and the time limit."""
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("stress", seed=0, size=1000)
    started = time.perf_counter()
    allocation = solve(problem, workers=1, time_limit=4, allow_unplaced=True)
    assert time.perf_counter() - started < 4 * 1.5 + 2
    assert allocation.is_feasible()
    placed = {m for t in allocation.teams for m in t.members}
    assert len(placed) + len(allocation.unplaced) == len(problem.participants)


def test_a_wired_bound_provider_bounds_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound module plugs in as one call; its bound is reported with the plan."""
    from icld_match.strategies import portfolio

    calls: list[float] = []

    def provider(index: ProblemIndex, at: float, seed: int, target: float, workers: int) -> float:
        calls.append(at)
        return 1000.0

    monkeypatch.setattr(portfolio, "BOUND_PROVIDER", provider)
    problem = load_problem(EXAMPLE)
    allocation = solve(problem, workers=1, time_limit=10, strategy="decompose")
    assert calls and allocation.best_bound == pytest.approx(1000.0)
    assert allocation.status is Status.FEASIBLE


def test_a_one_second_season_improves_on_greedy_and_keeps_its_limit() -> None:
    """With a short budget the portfolio keeps no bound reserve and runs decompose alone
    (a coarse pass first): valid, never worse than greedy, within the time limit."""
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("season", seed=1)
    start = greedy_allocation(ProblemIndex.build(problem))
    assert start is not None
    started = time.perf_counter()
    allocation = solve(problem, workers=1, time_limit=1)
    assert time.perf_counter() - started < 1 * 1.05 + 0.5
    assert check(problem, allocation) == []
    assert allocation.objective is not None
    assert allocation.objective >= objective(problem, start) - 1e-9
    assert allocation.strategy.startswith("portfolio(greedy")


def _spied_season(monkeypatch: pytest.MonkeyPatch, workers: int) -> tuple[list[str], Problem, Any]:
    """A 3 s season solve with the thresholds scaled down (so that the exact model has
    time), recording which strategies ran and whether the bound module was asked."""
    from icld_match.strategies import portfolio

    generate = pytest.importorskip("benchmarks.generate").generate
    ran: list[str] = []
    monkeypatch.setattr(portfolio, "SHORT_RUN", 0.5)
    monkeypatch.setattr(portfolio, "EXACT_MIN_TIME", 1.0)
    for name in ("Decompose", "Lns", "Exact"):
        cls = getattr(portfolio, name)
        monkeypatch.setattr(cls, "run", _spy(cls.run, name, ran))

    def provider(index: ProblemIndex, at: float, seed: int, target: float, w: int) -> None:
        ran.append("bound")

    monkeypatch.setattr(portfolio, "BOUND_PROVIDER", provider)
    problem = generate("season", seed=1)
    return ran, problem, solve(problem, workers=workers, time_limit=3)


def _spy(run: Any, name: str, ran: list[str]) -> Any:
    def spied(self: Any, *args: Any) -> Any:
        ran.append(name)
        return run(self, *args)

    return spied


def test_two_workers_hand_the_time_to_the_exact_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two workers and time for it: a short decompose, no LNS, then the exact model,
    whose CP-SAT bound is the one reported (the bound module is not asked)."""
    ran, problem, allocation = _spied_season(monkeypatch, workers=2)
    assert ran[:2] == ["Decompose", "Exact"] and "Lns" not in ran and "bound" not in ran
    assert check(problem, allocation) == []
    assert allocation.best_bound is not None
    assert allocation.best_bound >= (allocation.objective or 0.0) - 1e-6


def test_one_worker_keeps_decompose_lns_and_the_bound_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran, problem, allocation = _spied_season(monkeypatch, workers=1)
    assert ran[:2] == ["Decompose", "Lns"] and "bound" in ran
    assert check(problem, allocation) == []


def test_exact_first_needs_two_workers_a_large_model_and_time() -> None:
    from icld_match.engine.clock import Deadline
    from icld_match.strategies.context import Context, SolveOptions
    from icld_match.strategies.portfolio import exact_first

    generate = pytest.importorskip("benchmarks.generate").generate
    season = ProblemIndex.build(generate("season", seed=1))
    cohort = ProblemIndex.build(load_problem(EXAMPLE))

    def first(index: ProblemIndex, workers: int, seconds: float) -> bool:
        ctx = Context(SolveOptions(workers=workers), Deadline(seconds))
        return exact_first(index, ctx)

    assert first(season, 2, 10.0)
    assert not first(season, 1, 10.0)  # one worker: its LP bound comes too late
    assert not first(season, 2, 4.0)  # less than EXACT_MIN_TIME after the decompose share
    assert not first(cohort, 2, 10.0)  # small: the exact model runs at once anyway
    scarce = ProblemIndex.build(generate("scarce", seed=0, size=500))
    assert not first(scarce, 2, 60.0)  # above EXACT_FIRST_LIMIT: decompose and LNS do better


def test_the_joint_model_of_windows_runs_early_only_with_two_workers() -> None:
    from icld_match.strategies.portfolio import _joint_share

    generate = pytest.importorskip("benchmarks.generate").generate
    index = ProblemIndex.build(generate("season-full", seed=1))
    assert index.has_windows
    assert _joint_share(index, 10.0, workers=1) is None  # one worker: fixed days only
    assert _joint_share(index, 10.0, workers=2) == pytest.approx(0.3)
    # a 10 s budget leaves about 8 s once the bound module's fifth is kept
    assert _joint_share(index, 7.9, workers=2) == pytest.approx(0.3)
    assert _joint_share(index, 4.0, workers=2) is None
    assert _joint_share(index, 50.0, workers=1) == pytest.approx(0.5)


def test_once_decided_the_exact_model_runs_with_whatever_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The split is decided before the construction, with the bound module left out: the
    exact model then runs even with less than EXACT_MIN_TIME left (its bound is the only
    one), instead of the neighbourhoods."""
    from icld_match.engine.clock import Deadline
    from icld_match.strategies import portfolio
    from icld_match.strategies.context import Context, SolveOptions

    generate = pytest.importorskip("benchmarks.generate").generate
    index = ProblemIndex.build(generate("season", seed=1))
    start = greedy_allocation(index)
    assert start is not None
    ran: list[str] = []
    monkeypatch.setattr(portfolio, "SHORT_RUN", 0.5)
    for name in ("Lns", "Exact"):
        cls = getattr(portfolio, name)
        monkeypatch.setattr(cls, "run", _spy(cls.run, name, ran))
    ctx = Context(SolveOptions(workers=2), Deadline(2.0))  # below EXACT_MIN_TIME (5 s)
    plan = portfolio.Portfolio(exact_first=True)._refine_then_exact(index, start, ctx)
    assert ran == ["Exact"]
    assert plan is not None and check(index.problem, plan) == []


def test_the_bound_module_is_not_asked_without_time_for_its_setup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its setup grows with the participants (3.4 s at 10,000): with less time than that
    it would only overrun the limit, so the search keeps the time."""
    from icld_match.strategies import portfolio

    monkeypatch.setattr(portfolio, "BOUND_SETUP_PER_PERSON", 1.0)  # 161 s for season-s1
    ran, problem, allocation = _spied_season(monkeypatch, workers=1)
    assert "bound" not in ran and check(problem, allocation) == []
    index = ProblemIndex.build(problem)
    assert portfolio._bound_pays(index, 161.0) and not portfolio._bound_pays(index, 160.0)


def test_the_search_ends_in_time_for_the_answer_and_the_visits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from icld_match.engine.clock import Deadline
    from icld_match.strategies import portfolio
    from icld_match.strategies.context import Context, SolveOptions

    generate = pytest.importorskip("benchmarks.generate").generate
    index = ProblemIndex.build(generate("season-full", seed=1))
    options = sum(len(o) for o in index.visits.options)
    expected = 3e-5 * index.n_participants + 0.02 + 3e-5 * options
    assert portfolio.finish_time(index) == pytest.approx(expected)
    seen: list[float] = []

    def strategy(index: ProblemIndex, incumbent: Any, ctx: Context, **_: Any) -> Any:
        seen.append(ctx.deadline.at)
        return None, "spy", None

    monkeypatch.setattr(portfolio, "_run_strategy", strategy)
    deadline = Deadline(1.0)  # below BOUND_MIN_TIME: the search gets all but the finish
    ctx = Context(SolveOptions(workers=1), deadline)
    portfolio.run_named(index, None, ctx)
    assert ctx.deadline is deadline  # given back as it was
    assert seen and seen[0] == pytest.approx(deadline.at - expected, abs=0.01)


def test_the_bound_module_keeps_only_its_setup_where_its_lp_cannot_pay() -> None:
    from types import SimpleNamespace

    from icld_match.strategies.portfolio import _bound_time

    def kept(participants: int, remaining: float) -> float | None:
        return _bound_time(SimpleNamespace(n_participants=participants), remaining)  # type: ignore[arg-type]

    assert kept(246, 10.0) == pytest.approx(2.0)  # a season: the fifth, for the LP
    assert kept(2_500, 60.0) == pytest.approx(12.0)  # GLOP stopped early still bounds
    assert kept(10_000, 60.0) == pytest.approx(3.0)  # the closed form only: 1.5 x 2 s
    assert kept(10_000, 10.0) is None  # not even the setup: the search keeps it all


def middle_shortlists(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The ``middle`` shortlist of each decompose sweep of the solves that follow."""
    from icld_match.strategies import decompose

    middles: list[int | None] = []
    improve = decompose.improve_by_cohort

    def spy(*args: Any, **kwargs: Any) -> Any:
        middles.append(kwargs.get("middle"))
        return improve(*args, **kwargs)

    monkeypatch.setattr(decompose, "improve_by_cohort", spy)
    return middles


def test_only_a_short_run_refines_with_the_middle_shortlist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 1 s decompose has all the time: after its coarse pass it refines every cohort
    with the middle shortlist. In a longer run (LNS and the exact model follow) it does not."""
    from icld_match.strategies import decompose

    middles = middle_shortlists(monkeypatch)
    generate = pytest.importorskip("benchmarks.generate").generate
    solve(generate("season", seed=1), workers=1, time_limit=1)
    assert middles[:1] == [decompose.MIDDLE_SHORTLIST]
    middles.clear()
    _spied_season(monkeypatch, workers=1)  # 3 s, the short-run limit scaled down
    assert middles and all(m is None for m in middles)


def test_the_fixed_days_before_the_joint_model_keep_the_plain_decompose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With windows and no joint model, a short fixed-days search is the answer and
    refines with the middle shortlist; when the joint model follows (2 workers, its time
    limit scaled down) the fixed-days search does not."""
    from icld_match.strategies import decompose, portfolio

    middles = middle_shortlists(monkeypatch)
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("season-full", seed=1)
    solve(problem, workers=1, time_limit=1)
    assert middles[:1] == [decompose.MIDDLE_SHORTLIST]
    middles.clear()
    monkeypatch.setattr(portfolio, "WINDOWS_EXACT_MIN_TIME_MANY", 1.0)
    joint: list[bool] = []
    exact_run = portfolio.Exact.run

    def spied(self: Any, index: ProblemIndex, *args: Any) -> Any:
        joint.append(index.has_windows)  # the joint model chooses the days
        return exact_run(self, index, *args)

    monkeypatch.setattr(portfolio.Exact, "run", spied)
    solve(problem, workers=2, time_limit=3)
    assert any(joint)
    assert middles and all(m is None for m in middles)
